//! The dashboard (仪表板), `/board/:id/dashboard`: the PMO's KPIs, each with how it was
//! computed on hover or focus; the rule warnings with a link to where each is mended; RAG
//! counts computed beside the managers'; and the portfolio bubble chart. Everything is
//! recomputed from the live snapshot (`shared::dashboard::compute`) on every change, local or
//! remote, and kept for the page's next visit while the board stays as it is
//! (`components::remembered`); the figures themselves come from `shared::views::dashboard`.

use std::{cell::RefCell, sync::Arc};

use leptos::prelude::*;
use shared::{
    board::BoardSnapshot,
    dashboard::{self, Problem},
    finance::Rag,
    format,
    rules::Warning,
    views::{
        self,
        dashboard::{Bubble, ChartFrame, KpiHow, KpiTile, RagCount, RagCounts, ValueBasis, WarningLink},
    },
    IsoWeek,
};

use crate::{
    components::{
        board_context::BoardContext,
        kpi_label,
        remembered::{remembered, Last},
        rule_warnings::line_text,
        PLANNING_WEEKS,
    },
    i18n::*,
    language::{lang, Language},
};

/// How a KPI was computed, in the reader's language (tracked).
pub(crate) fn kpi_how(i18n: I18nContext<Locale>, how: &KpiHow) -> String {
    let amount = |value: f64| format::whole_amount(lang(), value);
    match how {
        KpiHow::SuccessRate { successful, closed } => tr!(i18n, dashboard.how_success_rate, successful, closed),
        KpiHow::SuccessRateNeedsData => t_string!(i18n, dashboard.how_success_rate_missing).to_owned(),
        KpiHow::Utilisation { booked_hours, capacity_hours } => tr!(
            i18n,
            dashboard.how_utilisation,
            booked = format::number(lang(), *booked_hours, 1),
            capacity = format::number(lang(), *capacity_hours, 1)
        ),
        KpiHow::UtilisationNeedsData => t_string!(i18n, dashboard.how_utilisation_missing).to_owned(),
        KpiHow::Cpi { earned_value, actual_cost, projects } => {
            tr!(i18n, dashboard.how_cpi, earned = amount(*earned_value), actual = amount(*actual_cost), projects)
        }
        KpiHow::CpiNeedsData => t_string!(i18n, dashboard.how_cpi_missing).to_owned(),
        KpiHow::Spi { earned_value, planned_value, projects } => {
            tr!(i18n, dashboard.how_spi, earned = amount(*earned_value), planned = amount(*planned_value), projects)
        }
        KpiHow::SpiNeedsData => t_string!(i18n, dashboard.how_spi_missing).to_owned(),
        KpiHow::BudgetVariance { budget, estimate_at_completion } => tr!(
            i18n,
            dashboard.how_budget_variance,
            budget = amount(*budget),
            estimate = amount(*estimate_at_completion)
        ),
        KpiHow::BudgetVarianceNeedsData => t_string!(i18n, dashboard.how_budget_variance_missing).to_owned(),
        KpiHow::Milestones { on_time, counted, forecast_late } => {
            tr!(i18n, dashboard.how_milestones, on_time, counted, forecast_late)
        }
        KpiHow::MilestonesNeedsData => t_string!(i18n, dashboard.how_milestones_missing).to_owned(),
    }
}

/// What the dashboard shows of a board: KPI tiles, rule warnings with their links, RAG counts,
/// the chart's bubbles, and the computations that could not run.
type Figures = (Vec<KpiTile>, Arc<Vec<WarningLink>>, RagCounts, Arc<Vec<Bubble>>, Vec<Problem>);

thread_local! {
    /// The figures the dashboard showed last (see [`remembered`]).
    static LAST_FIGURES: Last<IsoWeek, Figures> = Last::default();
    /// The live computations and the warnings' lines, kept from one visit of the page to the
    /// next: a page opened again shows the figures it remembered without computing, so live
    /// computations of its own would meet the first colleague's change empty and compute
    /// everything afresh. Each compares what it kept with the board it is given, so a kept one
    /// is right for any board.
    static LIVE: RefCell<(dashboard::LiveDashboard, Option<KeptLinks>)> = RefCell::default();
}

/// The warnings listed before "show all": a large board breaks hundreds of rules.
const FIRST_WARNINGS: usize = 25;
pub(crate) const CHART: ChartFrame = ChartFrame::new(640.0, 400.0);

#[component]
pub fn DashboardPage() -> impl IntoView {
    let board = BoardContext::get();
    let i18n = use_i18n();
    let this_week = IsoWeek::containing(chrono::Utc::now().date_naive());
    let weeks = StoredValue::new(this_week.span(PLANNING_WEEKS));
    let figures = Memo::new(move |_| {
        let snapshot = board.view.snapshot.get();
        // Opening the dashboard again on an unchanged board computes nothing.
        remembered(&LAST_FIGURES, &snapshot, this_week, || {
            // Kept between changes (`LIVE`): a budget or a stage does not sum every booking
            // again, nor rank every project (`LiveDashboard`), and the warnings' lines and links
            // are kept while the warnings are the same (grouping thousands of capacity warnings
            // again on every change is most of their cost).
            let (dashboard, links) = LIVE.with_borrow_mut(|(live, kept_links)| {
                let dashboard = live.compute(&snapshot, &weeks.get_value());
                let links = links_of(kept_links, &snapshot, &dashboard.warnings);
                (dashboard, links)
            });
            (
                views::dashboard::kpi_tiles(&dashboard),
                links,
                views::dashboard::rag_counts(&snapshot, &dashboard),
                Arc::new(views::dashboard::bubbles(&snapshot, &dashboard, &CHART)),
                dashboard.problems,
            )
        })
    });
    // Each part of the page follows its own memo: a budget changes a KPI, a bubble and perhaps
    // a warning, and the parts that did not change are not drawn again.
    let tile_list = Memo::new(move |_| figures.with(|(tiles, ..)| tiles.clone()));
    let rag_counts = Memo::new(move |_| figures.with(|(_, _, counts, ..)| *counts));
    let bubble_list = Memo::new(move |_| figures.with(|(.., bubbles, _)| bubbles.clone()));

    let tiles = move || {
        tile_list.with(|tiles| {
            tiles
                .iter()
                .map(|tile| {
                    let how_id = format!("kpi-how-{}", tile.id);
                    let described_by = how_id.clone();
                    let figure = tile.figure.clone();
                    let missing = figure.is_none();
                    let id = tile.id;
                    let (how, how_title) = (tile.how.clone(), tile.how.clone());
                    view! {
                        <div class="kpi" tabindex="0" data-testid=format!("kpi-{}", tile.id)
                            title=move || kpi_how(i18n, &how_title)
                            aria-describedby=described_by class:missing=missing>
                            <span class="kpi-label">{move || kpi_label(i18n, id)}</span>
                            <span class="kpi-figure">{move || {
                                figure.clone().unwrap_or_else(|| t_string!(i18n, dashboard.not_enough_data).to_string())
                            }}</span>
                            <span class="kpi-how" id=how_id>{move || kpi_how(i18n, &how)}</span>
                        </div>
                    }
                })
                .collect_view()
        })
    };
    // Its own memo: a change that leaves the warnings as they were (a budget, a score) does not
    // draw them again.
    let warning_lines =
        Memo::new(move |_| figures.with(|(_, links, _, _, problems)| (links.clone(), problems.clone())));
    let show_all = RwSignal::new(false);
    let warnings = move || {
        warning_lines.with(|(links, problems)| {
            if links.is_empty() && problems.is_empty() {
                return view! { <p class="empty" data-testid="no-warnings">{t!(i18n, dashboard.no_rule_broken)}</p> }
                    .into_any();
            }
            let hidden = if show_all.get() { 0 } else { links.len().saturating_sub(FIRST_WARNINGS) };
            let links = links
                .iter()
                .take(links.len() - hidden)
                .map(|link| {
                    let warning = link.warning.clone();
                    let named = link.link_label.clone();
                    let label = move || match &warning {
                        Warning::BudgetEnvelopeExceeded { .. } => {
                            t_string!(i18n, dashboard.link_budget_envelope).to_owned()
                        }
                        Warning::OverCapacity { .. } => t_string!(i18n, dashboard.link_resource_plan).to_owned(),
                        _ => named.clone(),
                    };
                    let (warning, run) = (link.warning.clone(), link.run);
                    view! {
                        <li data-testid="dashboard-warning">{move || line_text(i18n, &warning, run)} " — "
                            <a href=board.href(&link.page)>{label}</a></li>
                    }
                })
                .collect_view();
            let problems = problems
                .iter()
                .map(|problem| {
                    let problem = problem.clone();
                    view! {
                        <li class="problem-item" data-testid="dashboard-problem">{move || {
                            let what = crate::words::dashboard_problem(i18n.get_locale(), &problem);
                            tr!(i18n, dashboard.could_not_compute, what)
                        }}</li>
                    }
                })
                .collect_view();
            view! {
                <ul class="dashboard-warnings">{links}{problems}</ul>
                {(hidden > 0).then(|| view! {
                    <button type="button" class="link" data-testid="all-warnings" on:click=move |_| show_all.set(true)>
                        {move || tr!(i18n, dashboard.show_all_warnings, count = hidden)}</button>
                })}
            }
            .into_any()
        })
    };
    let rag_row = move |label: fn(I18nContext<Locale>) -> &'static str, count: RagCount, testid: &'static str| {
        view! {
            <tr data-testid=testid>
                <th scope="row">{move || label(i18n)}</th>
                <td class="rag-cell"><span class="rag-dot rag-green"></span>{count.green}</td>
                <td class="rag-cell"><span class="rag-dot rag-amber"></span>{count.amber}</td>
                <td class="rag-cell"><span class="rag-dot rag-red"></span>{count.red}</td>
                <td class="rag-cell">{count.unrated}</td>
            </tr>
        }
    };
    let rag = move || {
        let counts = rag_counts.get();
        view! {
            <table class="rag-counts">
                <thead><tr><th></th><th>{t!(i18n, dashboard.green)}</th><th>{t!(i18n, dashboard.amber)}</th>
                    <th>{t!(i18n, dashboard.red)}</th><th>{t!(i18n, dashboard.not_rated)}</th></tr></thead>
                <tbody>
                    {rag_row(|i18n| t_string!(i18n, dashboard.computed_rag), counts.computed, "rag-computed")}
                    {rag_row(|i18n| t_string!(i18n, dashboard.managers_rag), counts.manual, "rag-manual")}
                </tbody>
            </table>
            <p class="hint" data-testid="rag-differ">
                {move || match counts.differ {
                    0 => t_string!(i18n, dashboard.rag_agree).to_string(),
                    1 => t_string!(i18n, dashboard.rag_differs_one).to_string(),
                    count => tr!(i18n, dashboard.rag_differs, count).to_string(),
                }}
            </p>
        }
    };
    let chart = move || {
        view! {
            <BubbleChart bubbles=bubble_list.into() testid="bubble-chart"/>
            <p class="chart-legend" aria-hidden="true">
                <span><span class="rag-dot rag-green"></span>{t!(i18n, dashboard.green)}</span>
                <span><span class="rag-dot rag-amber"></span>{t!(i18n, dashboard.amber)}</span>
                <span><span class="rag-dot rag-red"></span>{t!(i18n, dashboard.red)}</span>
                <span><span class="rag-dot rag-none"></span>{t!(i18n, dashboard.legend_not_rated)}</span>
                <span>{t!(i18n, dashboard.legend_risk)}</span>
            </p>
        }
    };

    view! {
        <section class="dashboard">
            <h2>{t!(i18n, dashboard.title)}</h2>
            <p class="hint">{move || tr!(i18n, dashboard.kpi_hint, weeks = PLANNING_WEEKS).to_string()}</p>
            <div class="kpis">{tiles}</div>
        </section>
        <section class="dashboard-rules">
            <h2>{t!(i18n, dashboard.rule_warnings)}</h2>
            {warnings}
        </section>
        <section class="dashboard-rag">
            <h2>{t!(i18n, dashboard.rag_status)}</h2>
            <p class="hint">{t!(i18n, dashboard.rag_hint)}</p>
            {rag}
        </section>
        <section class="dashboard-bubbles">
            <h2>{t!(i18n, dashboard.portfolio_map)}</h2>
            <p class="hint">{t!(i18n, dashboard.map_hint)}</p>
            {chart}
        </section>
    }
}

/// The warnings' lines with their links, the warnings they were made from and the projects
/// they link to.
type KeptLinks = (Vec<Warning>, Arc<Vec<shared::board::Project>>, Arc<Vec<WarningLink>>);

/// The warnings' lines with their links: those `kept` while the warnings are the same and, if
/// any warning links to a project, the projects are the same list; made again otherwise.
fn links_of(kept: &mut Option<KeptLinks>, snapshot: &BoardSnapshot, warnings: &[Warning]) -> Arc<Vec<WarningLink>> {
    let names_projects = |warnings: &[Warning]| {
        warnings
            .iter()
            .any(|warning| matches!(warning, Warning::DependsOnCancelled { .. } | Warning::DependencyCycle { .. }))
    };
    match kept {
        Some((kept_warnings, projects, links))
            if kept_warnings.as_slice() == warnings
                && (!names_projects(warnings) || Arc::ptr_eq(projects, &snapshot.projects)) =>
        {
            links.clone()
        }
        _ => {
            let links = Arc::new(views::dashboard::warning_links(snapshot, warnings));
            *kept = Some((warnings.to_vec(), snapshot.projects.clone(), links.clone()));
            links
        }
    }
}

/// What the bubble chart shows and in which words, as last drawn.
struct Drawn {
    bubbles: Arc<Vec<Bubble>>,
    language: Language,
    /// The point in history the bubbles link to.
    at: Option<Vec<shared::history::ChangeHash>>,
}

/// The portfolio's bubble chart (`data-testid` `testid`), drawn whole when it first shows, in
/// another language, or when the projects on it change, and otherwise patched: after a
/// colleague's budget only that project's bubble is written again (and moved, when its size
/// moves it in the drawing order). Writing all 800 bubbles of a large board again, with their
/// titles in words, was most of the dashboard's script after each change.
#[component]
pub(crate) fn BubbleChart(bubbles: Signal<Arc<Vec<Bubble>>>, testid: &'static str) -> impl IntoView {
    let board = BoardContext::get();
    let i18n = use_i18n();
    let container = NodeRef::<leptos::html::Div>::new();
    let drawn = StoredValue::new_local(None::<Drawn>);
    Effect::new(move |_| {
        let language = lang();
        i18n.get_locale();
        let at = board.at.get();
        let bubbles = bubbles.get();
        let Some(element) = container.get() else { return };
        let href = |id: &str| board.href(&format!("project/{id}"));
        let patched = drawn.with_value(|drawn| match drawn {
            Some(drawn) if drawn.language == language && drawn.at == at => {
                patch_bubbles(&element, &drawn.bubbles, &bubbles, &|bubble| bubble_svg(i18n, bubble, &href))
            }
            _ => false,
        });
        if !patched {
            element.set_inner_html(&bubble_chart_svg(i18n, &bubbles, &href));
        }
        drawn.set_value(Some(Drawn { bubbles, language, at }));
    });
    view! { <div class="bubble-chart" data-testid=testid node_ref=container></div> }
}

/// Brings the bubbles drawn in `chart` (`before`) to `now` by writing again only the bubbles
/// that changed and moving those whose place in the drawing order changed. `false` when that
/// is not worth it or not possible (other projects, or most bubbles changed): draw it whole.
fn patch_bubbles(
    chart: &web_sys::Element,
    before: &[Bubble],
    now: &[Bubble],
    markup: &dyn Fn(&Bubble) -> String,
) -> bool {
    use wasm_bindgen::JsCast;
    if before.len() != now.len() || now.is_empty() {
        return false;
    }
    let Some(group) = chart.query_selector("g.bubbles").ok().flatten() else { return false };
    let children = group.children();
    if children.length() as usize != before.len() {
        return false;
    }
    let place: std::collections::HashMap<&shared::ProjectId, usize> =
        before.iter().enumerate().map(|(at, bubble)| (&bubble.id, at)).collect();
    let mut changed = Vec::new();
    for bubble in now {
        let Some(&at) = place.get(&bubble.id) else { return false };
        if before[at] != *bubble {
            changed.push(at);
        }
    }
    // Beyond a quarter (the largest budget changed, which resizes every bubble), drawing it
    // whole in one go is cheaper than one bubble at a time.
    if changed.len() * 4 > now.len() {
        return false;
    }
    let Some(document) = web_sys::window().and_then(|window| window.document()) else { return false };
    // The elements in the order drawn before, each written again where its bubble changed.
    let mut elements: Vec<web_sys::Element> = Vec::with_capacity(before.len());
    for at in 0..before.len() {
        let Some(element) = children.item(at as u32) else { return false };
        elements.push(element);
    }
    let Ok(scratch) = document.create_element_ns(Some("http://www.w3.org/2000/svg"), "g") else { return false };
    for at in changed {
        let bubble = now.iter().find(|bubble| bubble.id == before[at].id).expect("placed above");
        scratch.set_inner_html(&markup(bubble));
        let Some(fresh) = scratch.first_element_child() else { return false };
        if elements[at].replace_with_with_node_1(&fresh).is_err() {
            return false;
        }
        elements[at] = fresh;
    }
    // The run of places whose bubble moved; every place outside it keeps its bubble.
    let moved = |at: &usize| now[*at].id != before[*at].id;
    if let (Some(first), Some(last)) = ((0..now.len()).find(moved), (0..now.len()).rev().find(moved)) {
        let after: Option<web_sys::Node> = elements.get(last + 1).map(|element| element.clone().unchecked_into());
        for bubble in &now[first..=last] {
            let element = &elements[place[&bubble.id]];
            if group.insert_before(element, after.as_ref()).is_err() {
                return false;
            }
        }
    }
    true
}

/// One bubble as SVG markup: a link to its project, with its title in the reader's words.
fn bubble_svg(i18n: I18nContext<Locale>, bubble: &Bubble, href: &dyn Fn(&str) -> String) -> String {
    let language = lang();
    let (rag, rag_text) = match bubble.rag {
        Some(Rag::Green) => ("green", t_string!(i18n, dashboard.rag_green)),
        Some(Rag::Amber) => ("amber", t_string!(i18n, dashboard.rag_amber)),
        Some(Rag::Red) => ("red", t_string!(i18n, dashboard.rag_red)),
        None => ("none", t_string!(i18n, dashboard.rag_not_rated)),
    };
    let basis = match bubble.basis {
        ValueBasis::WeightedScore => t_string!(i18n, dashboard.basis_weighted),
        ValueBasis::Alignment => t_string!(i18n, dashboard.basis_alignment),
        ValueBasis::None => t_string!(i18n, dashboard.basis_none),
    };
    let title = tr!(
        i18n,
        dashboard.bubble_title,
        name = bubble.name.clone(),
        value = format::number(language, bubble.value, 2),
        basis,
        risk = bubble.risk,
        budget = format::whole_amount(language, bubble.budget),
        rag = rag_text
    )
    .to_string();
    format!(
        r#"<a href="{href}" data-testid="bubble" data-project-id="{id}" aria-label="{title}"><title>{title}</title><circle class="bubble rag-{rag}" cx="{cx:.1}" cy="{cy:.1}" r="{r:.1}"/><text class="bubble-label" x="{cx:.1}" y="{ly:.1}" text-anchor="middle">{name}</text></a>"#,
        href = escape(&href(bubble.id.as_str())),
        id = escape(bubble.id.as_str()),
        title = escape(&title),
        cx = bubble.cx,
        cy = bubble.cy,
        r = bubble.r,
        ly = bubble.cy - bubble.r - 4.0,
        name = escape(&bubble.name),
    )
}

/// The bubble chart as SVG markup: bubbles are SVG links (`<a href>`), which a view macro
/// would build as HTML anchors, invisible inside an `<svg>`. They are drawn in one group
/// (`g.bubbles`), whose children [`patch_bubbles`] replaces one at a time.
pub(crate) fn bubble_chart_svg(i18n: I18nContext<Locale>, bubbles: &[Bubble], href: &dyn Fn(&str) -> String) -> String {
    let frame = CHART;
    let language = lang();
    let mut svg = format!(
        r#"<svg viewBox="0 0 {w} {h}" role="img" aria-labelledby="bubble-title" xmlns="http://www.w3.org/2000/svg"><title id="bubble-title">{title}</title>"#,
        w = frame.width,
        h = frame.height,
        title = escape(t_string!(i18n, dashboard.map_title)),
    );
    // Gridlines and axes: value 0–1 across, risk score 0–25 up. The tick labels go on top of
    // the bubbles (a bubble at risk 0 or value 0 covers them otherwise), with a halo, and let
    // the pointer through to the bubble underneath.
    let mut ticks = String::from(r#"<g class="ticks" pointer-events="none">"#);
    for step in 0..=4 {
        let fraction = f64::from(step) / 4.0;
        let x = frame.x(fraction);
        svg += &format!(
            r#"<line class="grid" x1="{x}" y1="{top}" x2="{x}" y2="{bottom}"/>"#,
            top = frame.y(1.0),
            bottom = frame.y(0.0),
        );
        ticks += &format!(
            r#"<text class="tick" x="{x}" y="{below}" text-anchor="middle">{value}</text>"#,
            below = frame.y(0.0) + 16.0,
            value = format::number(language, fraction, 2),
        );
    }
    for risk in (0..=25).step_by(5) {
        let y = frame.y(f64::from(risk) / 25.0);
        svg += &format!(
            r#"<line class="grid" x1="{left}" y1="{y}" x2="{right}" y2="{y}"/>"#,
            left = frame.x(0.0),
            right = frame.x(1.0),
        );
        ticks += &format!(
            r#"<text class="tick" x="{beside}" y="{y}" text-anchor="end" dominant-baseline="middle">{risk}</text>"#,
            beside = frame.x(0.0) - 8.0,
        );
    }
    svg += &format!(
        r#"<text class="axis" x="{x}" y="{y}" text-anchor="middle">{value}</text><text class="axis" transform="translate(14 {ty}) rotate(-90)" text-anchor="middle">{risk}</text>"#,
        value = escape(t_string!(i18n, dashboard.axis_value)),
        risk = escape(t_string!(i18n, dashboard.axis_risk)),
        x = frame.x(0.5),
        y = frame.height - 8.0,
        ty = frame.y(0.5),
    );
    svg += r#"<g class="bubbles">"#;
    for bubble in bubbles {
        svg += &bubble_svg(i18n, bubble, href);
    }
    svg += "</g>";
    svg += &ticks;
    svg += "</g>";
    if bubbles.is_empty() {
        svg += &format!(
            r#"<text class="tick" x="{x}" y="{y}" text-anchor="middle">{none}</text>"#,
            none = escape(t_string!(i18n, dashboard.no_project)),
            x = frame.x(0.5),
            y = frame.y(0.5)
        );
    }
    svg + "</svg>"
}

/// Text and attribute values for markup.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}
