//! Finance (财务), `/board/:id/finance`: every project's earned-value figures in one sortable
//! table with the portfolio's totals, the committed budget against the envelope, the computed
//! RAG against the manager's (disagreements first), and a CPI × SPI chart. The figures come
//! from `shared::views::finance`.

use leptos::prelude::*;
use shared::{
    finance::Rag,
    views::{
        finance::{self as view_model, chart_position, FinanceRow, SortKey},
        format::{amount, index},
        project::rag_label,
    },
};

use super::{board::BoardContext, project::ProjectLink};

/// Whole units: the table compares projects, where cents are noise.
fn whole(value: f64) -> String {
    amount(value.round())
}

/// The chart's side, in SVG units.
const CHART: f64 = 320.0;

fn rag_class(rag: Option<Rag>) -> &'static str {
    rag.map_or("none", Rag::as_str)
}

#[component]
pub fn FinancePage() -> impl IntoView {
    let board = BoardContext::get();
    let sort = RwSignal::new((SortKey::Attention, false));
    let rows = Memo::new(move |_| {
        let (key, descending) = sort.get();
        let mut rows = board.view.snapshot.with(view_model::rows);
        if key != SortKey::Attention || descending {
            view_model::sort(&mut rows, key, descending);
        }
        rows
    });
    let totals = Memo::new(move |_| rows.with(|rows| board.view.snapshot.with(|s| view_model::totals(s, rows))));
    let currency = move || board.view.snapshot.with(|s| s.settings.currency.clone());

    // A column header that sorts by its key; a second press reverses the order.
    let header = move |label: &'static str, zh: &'static str, title: &'static str, key: SortKey| {
        let state = move || {
            let (current, descending) = sort.get();
            match (current == key, descending) {
                (false, _) => "none",
                (true, false) => "ascending",
                (true, true) => "descending",
            }
        };
        view! {
            <th scope="col" aria-sort=state title=title>
                <button type="button" class="sort" on:click=move |_| sort.update(|(current, descending)| {
                    if *current == key { *descending = !*descending } else { *current = key; *descending = false }
                })>
                    {label} {(!zh.is_empty()).then(|| view! { " " <span class="zh" lang="zh">{zh}</span> })}
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
                    <small class="hint stage">{row.stage.label()}</small></th>
                <td>{whole(f.budget_at_completion)}</td>
                <td>{whole(f.planned_value)}</td>
                <td>{whole(f.earned_value)}</td>
                <td>{whole(f.actual_cost)}</td>
                {match ev {
                    Some(ev) => view! {
                        <td class:bad=negative(ev.cost_variance)>{whole(ev.cost_variance)}</td>
                        <td class:bad=negative(ev.schedule_variance)>{whole(ev.schedule_variance)}</td>
                        <td class:bad=low(ev.cost_performance_index) data-testid="cpi">{index(ev.cost_performance_index)}</td>
                        <td class:bad=low(ev.schedule_performance_index) data-testid="spi">{index(ev.schedule_performance_index)}</td>
                        <td>{whole(ev.estimate_at_completion)}</td>
                        <td>{whole(ev.estimate_to_complete)}</td>
                        <td class:bad=negative(ev.variance_at_completion)>{whole(ev.variance_at_completion)}</td>
                        <td>{index(ev.to_complete_performance_index)}</td>
                    }.into_any(),
                    None => view! {
                        <td colspan="8" class="problem-cell">{format!("Figures do not add up: {}", problem.unwrap_or_default())}</td>
                    }.into_any(),
                }}
                <td><span class=format!("rag {}", rag_class(row.health.rag.computed)) data-testid="computed-rag">{rag_label(row.health.rag.computed)}</span></td>
                <td><span class=format!("rag {}", rag_class(row.health.rag.manual)) data-testid="manual-rag">{rag_label(row.health.rag.manual)}</span>
                    {row.health.rag.differs.then(|| view! { <span class="differs-flag" title="The computed RAG and the manager's disagree">" ⚠"</span> })}</td>
            </tr>
        }
    };

    view! {
        <section class="finance-page" aria-labelledby="finance-heading">
            <h2 id="finance-heading">"Earned value " <span class="zh" lang="zh">"挣值分析"</span> " "
                <small class="hint">{move || format!("all amounts in {}; projects whose computed RAG and manager's RAG disagree come first", currency())}</small></h2>
            <div class="table-scroll">
            <table class="finance numbers" data-testid="finance-table">
                <thead><tr>
                    {header("Project", "项目", "Sort by name", SortKey::Name)}
                    {header("BAC", "预算", "Budget at completion", SortKey::Budget)}
                    <th scope="col" title="Planned value">"PV"</th>
                    <th scope="col" title="Earned value">"EV"</th>
                    {header("AC", "", "Actual cost", SortKey::ActualCost)}
                    {header("CV", "", "Cost variance EV − AC", SortKey::CostVariance)}
                    {header("SV", "", "Schedule variance EV − PV", SortKey::ScheduleVariance)}
                    {header("CPI", "", "Cost performance index EV ÷ AC", SortKey::Cpi)}
                    {header("SPI", "", "Schedule performance index EV ÷ PV", SortKey::Spi)}
                    {header("EAC", "", "Estimate at completion", SortKey::Eac)}
                    <th scope="col" title="Estimate to complete">"ETC"</th>
                    {header("VAC", "", "Variance at completion", SortKey::Vac)}
                    <th scope="col" title="To-complete performance index">"TCPI"</th>
                    {header("Computed", "计算", "Computed RAG; sort to bring disagreements first", SortKey::Attention)}
                    <th scope="col">"Manager " <span class="zh" lang="zh">"经理"</span></th>
                </tr></thead>
                <tbody>{move || rows.get().into_iter().map(row).collect_view()}</tbody>
                <tfoot>{move || {
                    let t = totals.get();
                    view! {
                        <tr data-testid="finance-totals">
                            <th scope="row">"Portfolio " <span class="zh" lang="zh">"组合合计"</span></th>
                            <td>{whole(t.budget_at_completion)}</td><td>{whole(t.planned_value)}</td><td>{whole(t.earned_value)}</td>
                            <td>{whole(t.actual_cost)}</td>
                            <td class:bad={t.earned_value - t.actual_cost < 0.0}>{whole(t.earned_value - t.actual_cost)}</td>
                            <td class:bad={t.earned_value - t.planned_value < 0.0}>{whole(t.earned_value - t.planned_value)}</td>
                            <td data-testid="portfolio-cpi">{index(t.cost_performance_index)}</td>
                            <td data-testid="portfolio-spi">{index(t.schedule_performance_index)}</td>
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
                <p class="hint" data-testid="left-out">{format!("Left out of the totals until their figures add up: {}.", t.left_out.join(", "))}</p>
            }))}
            <Show when=move || rows.with(Vec::is_empty)><p class="empty">"No projects yet."</p></Show>
        </section>
        <div class="finance-side">
            <Envelope board totals/>
            <Chart board rows/>
        </div>
    }
}

#[component]
fn Envelope(board: BoardContext, totals: Memo<view_model::Totals>) -> impl IntoView {
    view! {
        <section class="envelope" aria-labelledby="envelope-heading" data-testid="envelope">
            <h2 id="envelope-heading">"Budget envelope " <span class="zh" lang="zh">"预算总额"</span></h2>
            {move || {
                let t = totals.get();
                let committed = format!("Approved, active and on-hold projects need {}", amount(t.committed_budget));
                match (t.envelope, t.headroom) {
                    (Some(envelope), Some(headroom)) => {
                        let share = if envelope > 0.0 { (t.committed_budget / envelope).min(1.5) } else { 1.5 };
                        let over = headroom < 0.0;
                        view! {
                            <p>{committed} {format!(" of an envelope of {}.", amount(envelope))}</p>
                            <div class="bar" role="img" aria-label=format!("{:.0}% of the envelope committed", share * 100.0)>
                                <div class="fill" class:over=over style=format!("width: {:.1}%", (share / 1.5) * 100.0)></div>
                                <div class="limit" style=format!("left: {:.1}%", 100.0 / 1.5)></div>
                            </div>
                            <p class:bad=over data-testid="headroom">{if over {
                                format!("Over the envelope by {}.", amount(-headroom))
                            } else {
                                format!("{} left to commit.", amount(headroom))
                            }}</p>
                        }.into_any()
                    }
                    _ => view! {
                        <p>{committed}". "</p>
                        <p class="hint">"This board has no budget envelope: the board owner sets one in the settings."</p>
                    }.into_any(),
                }
            }}
            <p class="hint">{move || board.view.snapshot.with(|s| format!("Currency: {}", s.settings.currency))}</p>
        </section>
    }
}

/// CPI up, SPI across, 1.0 on both marked; quadrants labelled.
#[component]
fn Chart(board: BoardContext, rows: Memo<Vec<FinanceRow>>) -> impl IntoView {
    let points = Memo::new(move |_| rows.with(|rows| view_model::chart_points(rows, CHART)));
    let one = chart_position(1.0, CHART);
    let pad = 36.0;
    let ticks = [0.5, 0.75, 1.0, 1.25, 1.5];
    view! {
        <section class="chart" aria-labelledby="chart-heading">
            <h2 id="chart-heading">"CPI against SPI " <span class="zh" lang="zh">"成本与进度绩效"</span></h2>
            <svg viewBox=format!("{} {} {} {}", -pad, -12.0, CHART + pad + 12.0, CHART + pad + 12.0) role="img" data-testid="cpi-spi-chart"
                aria-label="Each project's cost performance index (up) against its schedule performance index (across)">
                <rect class="quadrant good" x=one y=0 width=CHART - one height=one/>
                <rect class="quadrant bad" x=0 y=one width=one height=CHART - one/>
                <rect class="frame" x=0 y=0 width=CHART height=CHART/>
                <line class="one" x1=one y1=0 x2=one y2=CHART/>
                <line class="one" x1=0 y1=one x2=CHART y2=one/>
                {ticks.into_iter().map(|t| {
                    let at = chart_position(t, CHART);
                    view! {
                        <text class="tick" x=at y=CHART + 14.0 text-anchor="middle">{format!("{t}")}</text>
                        <text class="tick" x=-6 y=CHART - at + 4.0 text-anchor="end">{format!("{t}")}</text>
                    }
                }).collect_view()}
                <text class="axis" x=CHART / 2.0 y=CHART + 30.0 text-anchor="middle">"SPI (schedule) →"</text>
                <text class="axis" x=-28 y=CHART / 2.0 text-anchor="middle" transform=format!("rotate(-90 -28 {})", CHART / 2.0)>"CPI (cost) →"</text>
                <text class="quadrant-label" x=CHART - 6.0 y=14 text-anchor="end">"Ahead, under budget"</text>
                <text class="quadrant-label" x=6 y=14>"Behind, under budget"</text>
                <text class="quadrant-label" x=CHART - 6.0 y=CHART - 6.0 text-anchor="end">"Ahead, over budget"</text>
                <text class="quadrant-label" x=6 y=CHART - 6.0>"Behind, over budget"</text>
                {move || points.get().into_iter().map(|p| view! {
                    <g class=format!("point {}", rag_class(p.rag)) data-testid="chart-point">
                        <title>{format!("{}: CPI {:.2}, SPI {:.2}", p.name, p.cpi, p.spi)}</title>
                        <circle cx=p.x cy=p.y r=6/>
                        <text x=p.x + 9.0 y=p.y + 4.0>{p.name.clone()}</text>
                    </g>
                }).collect_view()}
            </svg>
            <p class="hint">{move || {
                let plotted = points.with(Vec::len);
                let all = board.view.snapshot.with(|s| s.projects.len());
                format!("{plotted} of {all} projects plotted: a project needs planned value and actual cost for both indices.")
            }}</p>
        </section>
    }
}
