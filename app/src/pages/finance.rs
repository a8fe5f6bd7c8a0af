//! Finance (财务), `/board/:id/finance`: every project's earned-value figures in one sortable
//! table with the portfolio's totals, the committed budget against the envelope, the computed
//! RAG against the manager's (disagreements first), and a CPI × SPI chart. The figures come
//! from `shared::views::finance`.

use std::collections::HashMap;

use leptos::prelude::*;
use shared::{
    finance::Rag,
    format,
    views::finance::{self as view_model, chart_position, ChartPoint, FinanceRow, SortKey},
    ProjectId,
};

use super::project::ProjectLink;
use crate::{
    components::{board_context::BoardContext, rag_label, row_window::RowWindow, stage_label},
    i18n::*,
    language::lang,
};

/// Whole units: the table compares projects, where cents are noise.
fn whole(value: f64) -> String {
    format::amount(lang(), value.round())
}

/// The chart's side, in SVG units.
const CHART: f64 = 320.0;
/// The table's columns.
const COLUMNS: usize = 15;

fn rag_class(rag: Option<Rag>) -> &'static str {
    rag.map_or("none", Rag::as_str)
}

#[component]
pub fn FinancePage() -> impl IntoView {
    let board = BoardContext::get();
    let i18n = use_i18n();
    let sort = RwSignal::new((SortKey::Attention, false));
    let rows = Memo::new(move |_| {
        let (key, descending) = sort.get();
        let mut rows = board.view.snapshot.with(|s| view_model::rows(s));
        if key != SortKey::Attention || descending {
            view_model::sort(&mut rows, key, descending);
        }
        rows
    });
    let totals = Memo::new(move |_| rows.with(|rows| board.view.snapshot.with(|s| view_model::totals(s, rows))));
    // A large board's table is drawn as a window around what is in view (a short one whole, a
    // slice per frame): its 1,000 rows were all built again on every change and every sort.
    // Rows are keyed by project, each following its own figures, so a change or a sort redraws
    // only the rows whose figures changed and moves the others.
    let order = Memo::new(move |_| rows.with(|rows| rows.iter().map(|row| row.project.clone()).collect::<Vec<_>>()));
    let by_project = Memo::new(move |_| {
        rows.with(|rows| rows.iter().enumerate().map(|(at, row)| (row.project.clone(), at)).collect::<HashMap<_, _>>())
    });
    let count = Memo::new(move |_| order.with(Vec::len));
    let window = RowWindow::new(move || count.get(), "data-project-id", |key| key.parse::<ProjectId>().ok());
    let currency = move || board.view.snapshot.with(|s| s.settings.currency.clone());

    // A column header that sorts by its key; a second press reverses the order.
    let header = move |label: fn(I18nContext<Locale>) -> &'static str,
                       title: fn(I18nContext<Locale>) -> &'static str,
                       key: SortKey| {
        let state = move || {
            let (current, descending) = sort.get();
            match (current == key, descending) {
                (false, _) => "none",
                (true, false) => "ascending",
                (true, true) => "descending",
            }
        };
        view! {
            <th scope="col" aria-sort=state title=move || title(i18n)>
                <button type="button" class="sort" on:click=move |_| sort.update(|(current, descending)| {
                    if *current == key { *descending = !*descending } else { *current = key; *descending = false }
                })>
                    {move || label(i18n)}
                    <span class="arrow" aria-hidden="true">{move || match state() { "ascending" => "▲", "descending" => "▼", _ => "" }}</span>
                </button>
            </th>
        }
    };
    let row = move |row: FinanceRow| {
        let ev = row.earned_value().cloned();
        let problem = row.health.earned_value.clone().err();
        let f = row.health.figures;
        let negative = |value: f64| value < 0.0;
        let low = |value: Option<f64>| value.is_some_and(|v| v < 1.0);
        view! {
            <tr data-testid="finance-row" data-project-id=row.project.to_string() class:differs=row.health.rag.differs>
                <th scope="row"><ProjectLink board id=row.project.clone() name=row.name.clone()/>
                    <small class="hint stage">{move || stage_label(row.stage)}</small></th>
                <td>{whole(f.budget_at_completion)}</td>
                <td>{whole(f.planned_value)}</td>
                <td>{whole(f.earned_value)}</td>
                <td>{whole(f.actual_cost)}</td>
                {match ev {
                    Some(ev) => view! {
                        <td class:bad=negative(ev.cost_variance)>{whole(ev.cost_variance)}</td>
                        <td class:bad=negative(ev.schedule_variance)>{whole(ev.schedule_variance)}</td>
                        <td class:bad=low(ev.cost_performance_index) data-testid="cpi">{format::index(lang(), ev.cost_performance_index)}</td>
                        <td class:bad=low(ev.schedule_performance_index) data-testid="spi">{format::index(lang(), ev.schedule_performance_index)}</td>
                        <td>{whole(ev.estimate_at_completion)}</td>
                        <td>{whole(ev.estimate_to_complete)}</td>
                        <td class:bad=negative(ev.variance_at_completion)>{whole(ev.variance_at_completion)}</td>
                        <td>{format::index(lang(), ev.to_complete_performance_index)}</td>
                    }.into_any(),
                    None => view! {
                        <td colspan="8" class="problem-cell">{
                            move || {
                                let reason = problem
                                    .as_ref()
                                    .map(|problem| crate::words::finance_error(i18n.get_locale(), problem))
                                    .unwrap_or_default();
                                tr!(i18n, finance.figures_do_not_add_up, reason)
                            }
                        }</td>
                    }.into_any(),
                }}
                <td><span class=format!("rag {}", rag_class(row.health.rag.computed)) data-testid="computed-rag">{move || rag_label(row.health.rag.computed)}</span></td>
                <td><span class=format!("rag {}", rag_class(row.health.rag.manual)) data-testid="manual-rag">{move || rag_label(row.health.rag.manual)}</span>
                    {row.health.rag.differs.then(|| view! {
                        <span class="differs-flag" title=move || t_string!(i18n, finance.rags_disagree)>" ⚠"</span>
                    })}</td>
            </tr>
        }
    };

    view! {
        <section class="finance-page" aria-labelledby="finance-heading">
            <h2 id="finance-heading">{t!(i18n, finance.title)} " "
                <small class="hint">{move || {
                    let currency = format::currency_name(lang(), &currency());
                    tr!(i18n, finance.subtitle, currency).to_string()
                }}</small></h2>
            <div class="table-scroll">
            <table class="finance numbers" data-testid="finance-table">
                <thead><tr>
                    {header(|i18n| t_string!(i18n, finance.project), |i18n| t_string!(i18n, finance.sort_by_name), SortKey::Name)}
                    {header(|_| "BAC", |i18n| t_string!(i18n, finance.bac_title), SortKey::Budget)}
                    <th scope="col" title=move || t_string!(i18n, finance.pv_title)>"PV"</th>
                    <th scope="col" title=move || t_string!(i18n, finance.ev_title)>"EV"</th>
                    {header(|_| "AC", |i18n| t_string!(i18n, finance.ac_title), SortKey::ActualCost)}
                    {header(|_| "CV", |i18n| t_string!(i18n, finance.cv_title), SortKey::CostVariance)}
                    {header(|_| "SV", |i18n| t_string!(i18n, finance.sv_title), SortKey::ScheduleVariance)}
                    {header(|_| "CPI", |i18n| t_string!(i18n, finance.cpi_title), SortKey::Cpi)}
                    {header(|_| "SPI", |i18n| t_string!(i18n, finance.spi_title), SortKey::Spi)}
                    {header(|_| "EAC", |i18n| t_string!(i18n, finance.eac_title), SortKey::Eac)}
                    <th scope="col" title=move || t_string!(i18n, finance.etc_title)>"ETC"</th>
                    {header(|_| "VAC", |i18n| t_string!(i18n, finance.vac_title), SortKey::Vac)}
                    <th scope="col" title=move || t_string!(i18n, finance.tcpi_title)>"TCPI"</th>
                    {header(|i18n| t_string!(i18n, finance.computed), |i18n| t_string!(i18n, finance.computed_title), SortKey::Attention)}
                    <th scope="col">{t!(i18n, finance.manager)}</th>
                </tr></thead>
                <tbody node_ref=window.body on:focusin=move |ev| window.focus_in(&ev)>
                    {window.rows(move || order.with(|order| window.slots(order, None)), || COLUMNS, move |id| {
                        let figures = Memo::new(move |_| {
                            by_project.with(|at| at.get(&id).and_then(|at| rows.with(|rows| rows.get(*at).cloned())))
                        });
                        (move || figures.get().map(row)).into_any()
                    })}
                </tbody>
                <tfoot>{move || {
                    let t = totals.get();
                    view! {
                        <tr data-testid="finance-totals">
                            <th scope="row">{t!(i18n, finance.portfolio)}</th>
                            <td>{whole(t.budget_at_completion)}</td><td>{whole(t.planned_value)}</td><td>{whole(t.earned_value)}</td>
                            <td>{whole(t.actual_cost)}</td>
                            <td class:bad={t.earned_value - t.actual_cost < 0.0}>{whole(t.earned_value - t.actual_cost)}</td>
                            <td class:bad={t.earned_value - t.planned_value < 0.0}>{whole(t.earned_value - t.planned_value)}</td>
                            <td data-testid="portfolio-cpi">{format::index(lang(), t.cost_performance_index)}</td>
                            <td data-testid="portfolio-spi">{format::index(lang(), t.schedule_performance_index)}</td>
                            <td>{whole(t.estimate_at_completion)}</td>
                            <td>{whole(t.estimate_at_completion - t.actual_cost)}</td>
                            <td class:bad={t.variance_at_completion < 0.0}>{whole(t.variance_at_completion)}</td>
                            <td></td><td></td><td></td>
                        </tr>
                    }
                }}</tfoot>
            </table>
            </div>
            {move || totals.with(|t| (!t.left_out.is_empty()).then(|| view! {
                <p class="hint" data-testid="left-out">{
                    let names = t.left_out.join(", ");
                    move || tr!(i18n, finance.left_out, names = names.clone()).to_string()
                }</p>
            }))}
            <Show when=move || rows.with(Vec::is_empty)><p class="empty">{t!(i18n, finance.no_projects)}</p></Show>
        </section>
        <div class="finance-side">
            <Envelope board totals/>
            <Chart board rows/>
        </div>
    }
}

#[component]
fn Envelope(board: BoardContext, totals: Memo<view_model::Totals>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="envelope" aria-labelledby="envelope-heading" data-testid="envelope">
            <h2 id="envelope-heading">{t!(i18n, finance.envelope)}</h2>
            {move || {
                let t = totals.get();
                let language = lang();
                let amount = format::amount(language, t.committed_budget);
                let committed = tr!(i18n, finance.committed, amount).to_string();
                match (t.envelope, t.headroom) {
                    (Some(envelope), Some(headroom)) => {
                        let share = if envelope > 0.0 { (t.committed_budget / envelope).min(1.5) } else { 1.5 };
                        let over = headroom < 0.0;
                        view! {
                            <p>{committed} {
                                let amount = format::amount(language, envelope);
                                tr!(i18n, finance.of_envelope, amount).to_string()
                            }</p>
                            <div class="bar" role="img" aria-label={
                                let share = format::percent(language, share);
                                tr!(i18n, finance.share_committed, share).to_string()
                            }>
                                <div class="fill" class:over=over style=format!("width: {:.1}%", (share / 1.5) * 100.0)></div>
                                <div class="limit" style=format!("left: {:.1}%", 100.0 / 1.5)></div>
                            </div>
                            <p class:bad=over data-testid="headroom">{if over {
                                let amount = format::amount(language, -headroom);
                                tr!(i18n, finance.over_by, amount).to_string()
                            } else {
                                let amount = format::amount(language, headroom);
                                tr!(i18n, finance.left_to_commit, amount).to_string()
                            }}</p>
                        }.into_any()
                    }
                    _ => view! {
                        <p>{committed}". "</p>
                        <p class="hint">{t!(i18n, finance.no_envelope)}</p>
                    }.into_any(),
                }
            }}
            <p class="hint">{move || {
                let currency = board.view.snapshot.with(|s| s.settings.currency.clone());
                tr!(i18n, finance.currency, currency).to_string()
            }}</p>
        </section>
    }
}

/// CPI up, SPI across, 1.0 on both marked; quadrants labelled. Drawn as one piece of SVG
/// markup: a thousand points built element by element were a tenth of the page's opening.
#[component]
fn Chart(board: BoardContext, rows: Memo<Vec<FinanceRow>>) -> impl IntoView {
    let i18n = use_i18n();
    let points = Memo::new(move |_| rows.with(|rows| view_model::chart_points(rows, CHART)));
    view! {
        <section class="chart" aria-labelledby="chart-heading">
            <h2 id="chart-heading">{t!(i18n, finance.chart_title)}</h2>
            <div class="cpi-spi" inner_html=move || points.with(|points| chart_svg(i18n, points))></div>
            <p class="hint">{move || {
                let plotted = points.with(Vec::len);
                let all = board.view.snapshot.with(|s| s.projects.len());
                tr!(i18n, finance.plotted, plotted, all).to_string()
            }}</p>
        </section>
    }
}

/// The chart's markup (see [`Chart`]).
fn chart_svg(i18n: I18nContext<Locale>, points: &[ChartPoint]) -> String {
    let one = chart_position(1.0, CHART);
    let pad = 36.0;
    let mut svg = format!(
        r#"<svg viewBox="{x} {y} {side} {side}" role="img" data-testid="cpi-spi-chart" aria-label="{label}" xmlns="http://www.w3.org/2000/svg">"#,
        x = -pad,
        y = -12.0,
        side = CHART + pad + 12.0,
        label = escape(t_string!(i18n, finance.chart_label)),
    );
    svg += &format!(
        r#"<rect class="quadrant good" x="{one}" y="0" width="{good}" height="{one}"/><rect class="quadrant bad" x="0" y="{one}" width="{one}" height="{bad}"/><rect class="frame" x="0" y="0" width="{CHART}" height="{CHART}"/><line class="one" x1="{one}" y1="0" x2="{one}" y2="{CHART}"/><line class="one" x1="0" y1="{one}" x2="{CHART}" y2="{one}"/>"#,
        good = CHART - one,
        bad = CHART - one,
    );
    for tick in [0.5, 0.75, 1.0, 1.25, 1.5] {
        let at = chart_position(tick, CHART);
        svg += &format!(
            r#"<text class="tick" x="{at}" y="{below}" text-anchor="middle">{tick}</text><text class="tick" x="-6" y="{beside}" text-anchor="end">{tick}</text>"#,
            below = CHART + 14.0,
            beside = CHART - at + 4.0,
        );
    }
    let half = CHART / 2.0;
    svg += &format!(
        r#"<text class="axis" x="{half}" y="{below}" text-anchor="middle">{spi}</text><text class="axis" x="-28" y="{half}" text-anchor="middle" transform="rotate(-90 -28 {half})">{cpi}</text>"#,
        below = CHART + 30.0,
        spi = escape(t_string!(i18n, finance.spi_axis)),
        cpi = escape(t_string!(i18n, finance.cpi_axis)),
    );
    let right = CHART - 6.0;
    svg += &format!(
        r#"<text class="quadrant-label" x="{right}" y="14" text-anchor="end">{ahead_under}</text><text class="quadrant-label" x="6" y="14">{behind_under}</text><text class="quadrant-label" x="{right}" y="{right}" text-anchor="end">{ahead_over}</text><text class="quadrant-label" x="6" y="{right}">{behind_over}</text>"#,
        ahead_under = escape(t_string!(i18n, finance.ahead_under)),
        behind_under = escape(t_string!(i18n, finance.behind_under)),
        ahead_over = escape(t_string!(i18n, finance.ahead_over)),
        behind_over = escape(t_string!(i18n, finance.behind_over)),
    );
    for point in points {
        svg += &format!(
            r#"<g class="point {rag}" data-testid="chart-point"><title>{name}: CPI {cpi:.2}, SPI {spi:.2}</title><circle cx="{x}" cy="{y}" r="6"/><text x="{label_x}" y="{label_y}">{name}</text></g>"#,
            rag = rag_class(point.rag),
            name = escape(&point.name),
            cpi = point.cpi,
            spi = point.spi,
            x = point.x,
            y = point.y,
            label_x = point.x + 9.0,
            label_y = point.y + 4.0,
        );
    }
    svg + "</svg>"
}

/// Text and attribute values for markup.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}
