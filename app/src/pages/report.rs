//! The portfolio review (组合评审报告), `/board/:id/report`: one page made for printing and
//! "Save as PDF". The print style sheet hides the app around it (header, navigation, notices),
//! starts each section on a new page, and repeats a running line with the board, the date and
//! the board's version at the foot of every printed page. The figures are
//! `shared::views::report`, the same view-models the board's pages show; the selection and its
//! efficient frontier are solved here a slice at a time, as on the selection page, with their
//! progress shown, each within a time limit so the report is ready to print in seconds.

use std::collections::BTreeMap;

use leptos::prelude::*;
use shared::{
    finance::Rag,
    format::{self, Locale},
    selection::{Selection, SelectionStatus},
    views::{
        self,
        report::{self as view_model, Report},
        risks::{band_label, band_name},
        selection::{Change, Setup},
    },
    IsoWeek,
};

use crate::i18n::use_i18n;

use super::{
    board::BoardContext,
    dashboard::{bubble_chart_svg, CHART, PLANNING_WEEKS},
    selection::{frontier_svg, search_in_slices, FRONTIER},
};

/// The review's language: its sections are not in the catalogues yet, so its figures are
/// written the English way.
const LOCALE: Locale = Locale::En;

/// How long the report lets the exact selection search, and each point of the frontier, before
/// it takes the best portfolio found (its gap to the optimum is shown).
const SELECTION_MS: f64 = 3_000.0;
const FRONTIER_POINT_MS: f64 = 400.0;

/// Where the report's selection is.
#[derive(Debug, Clone, PartialEq)]
enum Solving {
    Running(String),
    Done { selection: Selection, frontier: Vec<(f64, f64)> },
    Failed(String),
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let board = BoardContext::get();
    let weeks = StoredValue::new(IsoWeek::containing(chrono::Utc::now().date_naive()).span(PLANNING_WEEKS));
    let today = chrono::Local::now().date_naive();
    let report = Memo::new(move |_| board.view.snapshot.with(|s| view_model::report(s, &weeks.get_value(), &CHART)));
    // The version the report shows: the board's heads when it was computed, shortened.
    let version = Memo::new(move |_| {
        board.view.snapshot.track();
        let heads = board.session.with_value(|session| session.read(|b| b.heads()));
        heads.iter().map(|head| head.to_string()[..8].to_owned()).collect::<Vec<_>>().join(" ")
    });
    let name = move || board.view.snapshot.with(|s| s.name.clone());
    let running = move || format!("{} · Portfolio review · {today} · board version {}", name(), version.get());

    view! {
        <article class="report" data-testid="report">
            <header class="report-head">
                <h1>"Portfolio review"</h1>
                <p class="report-board">{name}</p>
                <p class="report-meta" data-testid="report-meta">
                    {format!("{today} · board version ")}<code>{move || version.get()}</code>
                </p>
                <p class="report-actions no-print">
                    <button type="button" data-testid="report-print" on:click=move |_| {
                        if let Some(window) = web_sys::window() {
                            let _ = window.print();
                        }
                    }>"Print or save as PDF"</button>
                    <span class="hint">"Each section starts on a new page; the date and board version are at the foot of every page."</span>
                </p>
            </header>
            <div class="report-running" aria-hidden="true">{running}</div>
            {move || {
                let report = report.get();
                view! {
                    <KpiSection report=report.clone() board/>
                    <RankingSection report/>
                }
            }}
            // Solved once, on the board as it was when the page opened: it takes seconds.
            <SelectionSection board weeks/>
            {move || {
                let report = report.get();
                view! {
                    <OverAllocationSection report=report.clone()/>
                    <RedProjectsSection report=report.clone()/>
                    <RiskSection report=report.clone()/>
                    <DecisionSection report/>
                }
            }}
        </article>
    }
}

#[component]
fn KpiSection(report: Report, board: BoardContext) -> impl IntoView {
    let tiles = report
        .kpis
        .iter()
        .map(|tile| {
            view! {
                <div class="kpi">
                    <span class="kpi-label">{tile.label}</span>
                    <span class="kpi-figure">{tile.figure.clone().unwrap_or_else(|| "Not enough data".into())}</span>
                    <span class="kpi-how">{tile.how.clone()}</span>
                </div>
            }
        })
        .collect_view();
    let rag = report.rag;
    let row = |label: &'static str, count: views::dashboard::RagCount| {
        view! {
            <tr><th scope="row">{label}</th><td class="number">{count.green}</td><td class="number">{count.amber}</td>
                <td class="number">{count.red}</td><td class="number">{count.unrated}</td></tr>
        }
    };
    let chart = bubble_chart_svg(use_i18n(), &report.bubbles, &|id| board.href(&format!("project/{id}")));
    view! {
        <section class="report-section" data-testid="report-kpis" aria-labelledby="report-kpis">
            <h2 id="report-kpis">"KPIs and portfolio map"</h2>
            <div class="kpis">{tiles}</div>
            <table class="rag-counts">
                <thead><tr><th></th><th scope="col">"Green"</th><th scope="col">"Amber"</th><th scope="col">"Red"</th><th scope="col">"Not rated"</th></tr></thead>
                <tbody>{row("Computed from CPI and SPI", rag.computed)}{row("Project managers' own", rag.manual)}</tbody>
            </table>
            <div class="bubble-chart" inner_html=chart></div>
        </section>
    }
}

#[component]
fn RankingSection(report: Report) -> impl IntoView {
    let body = match &report.ranking.problem {
        Some(problem) => view! { <p class="empty">{format!("Not ranked: {problem}")}</p> }.into_any(),
        None => {
            let rows = report
                .ranking
                .rows
                .iter()
                .map(|row| {
                    let lifted = row.lifted.iter().take(2).map(|r| r.criterion.clone()).collect::<Vec<_>>().join(", ");
                    let missing = row.missing.join(", ");
                    view! {
                        <tr>
                            <td class="number">{row.rank.map(|rank| (rank + 1).to_string()).unwrap_or_else(|| "—".into())}</td>
                            <td>{row.name.clone()}</td>
                            <td class="number">{format::index(LOCALE, row.score)}</td>
                            <td>{if missing.is_empty() { lifted } else { format!("missing: {missing}") }}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <table class="report-table">
                    <thead><tr><th scope="col">"Rank"</th><th scope="col">"Project"</th><th scope="col">"Weighted score"</th><th scope="col">"Lifted most by"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }
            .into_any()
        }
    };
    view! {
        <section class="report-section" data-testid="report-ranking" aria-labelledby="report-ranking">
            <h2 id="report-ranking">"Ranking by weighted score"</h2>
            {body}
        </section>
    }
}

#[component]
fn SelectionSection(board: BoardContext, weeks: StoredValue<Vec<IsoWeek>>) -> impl IntoView {
    let solving = RwSignal::new(Solving::Running("Solving the selection…".into()));
    let problem = board.view.snapshot.with_untracked(|b| {
        let dashboard = shared::dashboard::compute(b, &weeks.get_value());
        let values = views::selection::candidate_values(b, &dashboard);
        let setup =
            Setup { budget: views::selection::default_budget(b), role_hours: BTreeMap::new(), forced: BTreeMap::new() };
        views::selection::build_problem(b, &values, &setup, &weeks.get_value())
    });
    let problem = StoredValue::new(problem);
    // Stops the searches when the person leaves the page.
    let alive = StoredValue::new(true);
    on_cleanup(move || alive.set_value(false));
    leptos::task::spawn_local(async move {
        let problem = problem.get_value();
        let started = js_sys::Date::now();
        let stop = move || !alive.try_get_value().unwrap_or(false) || js_sys::Date::now() - started > SELECTION_MS;
        let selection = search_in_slices(&problem, stop, |search| {
            if alive.try_get_value().unwrap_or(false) {
                solving
                    .set(Solving::Running(format!("Solving the selection… {} nodes searched", search.effort().nodes)));
            }
        })
        .await;
        if !alive.try_get_value().unwrap_or(false) {
            return;
        }
        let selection = match selection {
            Ok(selection) => selection,
            Err(error) => return solving.set(Solving::Failed(error)),
        };
        let mut frontier = Vec::new();
        if !matches!(selection.status, SelectionStatus::Infeasible(_)) {
            let levels = views::selection::frontier_levels(&problem);
            for (index, level) in levels.iter().enumerate() {
                solving.set(Solving::Running(format!(
                    "Drawing the efficient frontier… {} of {}",
                    index + 1,
                    levels.len()
                )));
                let mut at_level = problem.clone();
                at_level.budget = *level;
                let started = js_sys::Date::now();
                let stop = move || {
                    !alive.try_get_value().unwrap_or(false) || js_sys::Date::now() - started > FRONTIER_POINT_MS
                };
                match search_in_slices(&at_level, stop, |_| {}).await {
                    Ok(point) if !matches!(point.status, SelectionStatus::Infeasible(_)) => {
                        frontier.push((*level, point.total_value))
                    }
                    _ => {}
                }
                if !alive.try_get_value().unwrap_or(false) {
                    return;
                }
            }
        }
        solving.set(Solving::Done { selection, frontier });
    });

    let body = move || match solving.get() {
        Solving::Running(progress) => {
            view! { <p class="progress" role="status" data-testid="report-solving">{progress}</p> }.into_any()
        }
        Solving::Failed(error) => {
            view! { <p class="problem">{format!("The selection could not be solved: {error}")}</p> }.into_any()
        }
        Solving::Done { selection, frontier } => {
            let comparison = problem.with_value(|problem| {
                board.view.snapshot.with_untracked(|b| views::selection::compare(b, problem, &selection.chosen))
            });
            let quality = match &selection.status {
                SelectionStatus::Optimal => "the best portfolio within the budget and capacity (proven)".to_owned(),
                SelectionStatus::Infeasible(why) => format!("no portfolio fits: {why}"),
                _ => format!(
                    "the best portfolio found in {:.0} s, within {} of the optimum",
                    SELECTION_MS / 1000.0,
                    format::percent(LOCALE, selection.gap)
                ),
            };
            let changes = comparison
                .rows
                .iter()
                .filter(|row| matches!(row.change, Change::In | Change::Out))
                .map(|row| view! {
                    <tr><td>{row.change.label()}</td><td>{row.name.clone()}</td>
                        <td class="number">{format::number(LOCALE, row.value, 2)}</td><td class="number">{format::amount(LOCALE, row.cost)}</td></tr>
                })
                .collect_view();
            let chart = views::selection::frontier_chart(&frontier, comparison.current, &FRONTIER);
            view! {
                <p data-testid="report-selection">{format!(
                    "Budget {}: {} — {} projects, value {}, cost {} (the current portfolio: value {}, cost {}).",
                    problem.with_value(|p| format::amount(LOCALE, p.budget)),
                    quality,
                    selection.chosen.len(),
                    format::number(LOCALE, selection.total_value, 2),
                    format::amount(LOCALE, selection.total_cost),
                    format::number(LOCALE, comparison.current.value, 2),
                    format::amount(LOCALE, comparison.current.cost),
                )}</p>
                <table class="report-table">
                    <thead><tr><th scope="col">"Change"</th><th scope="col">"Project"</th><th scope="col">"Value"</th><th scope="col">"Cost"</th></tr></thead>
                    <tbody>{changes}</tbody>
                </table>
                <h3>"Efficient frontier"</h3>
                <div class="frontier-chart" inner_html=frontier_svg(use_i18n(), &chart)></div>
            }
            .into_any()
        }
    };
    view! {
        <section class="report-section" data-testid="report-selection-section" aria-labelledby="report-selection">
            <h2 id="report-selection">"Selection and efficient frontier"</h2>
            {body}
        </section>
    }
}

#[component]
fn OverAllocationSection(report: Report) -> impl IntoView {
    let body = if report.over_allocated.is_empty() {
        view! { <p class="empty">{format!("Nobody is booked over capacity in the next {PLANNING_WEEKS} weeks.")}</p> }
            .into_any()
    } else {
        let rows = report
            .over_allocated
            .iter()
            .map(|o| view! {
                <tr><td>{o.name.clone()}</td><td>{o.week.to_string()}</td><td class="number">{format::hours(LOCALE, o.booked)}</td>
                    <td class="number">{format::hours(LOCALE, o.capacity)}</td><td class="number">{format::hours(LOCALE, o.excess())}</td></tr>
            })
            .collect_view();
        view! {
            <table class="report-table">
                <thead><tr><th scope="col">"Person"</th><th scope="col">"Week"</th><th scope="col">"Booked (h)"</th><th scope="col">"Capacity (h)"</th><th scope="col">"Over by (h)"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <section class="report-section" data-testid="report-over-allocated" aria-labelledby="report-over">
            <h2 id="report-over">"Over-allocated people"</h2>
            {body}
        </section>
    }
}

fn rag_text(rag: Option<Rag>) -> &'static str {
    match rag {
        Some(Rag::Green) => "Green",
        Some(Rag::Amber) => "Amber",
        Some(Rag::Red) => "Red",
        None => "—",
    }
}

#[component]
fn RedProjectsSection(report: Report) -> impl IntoView {
    let body = if report.red_projects.is_empty() {
        view! { <p class="empty">"No project is red."</p> }.into_any()
    } else {
        let rows = report
            .red_projects
            .iter()
            .map(|row| {
                let figures = row.health.figures;
                let ev = row.earned_value();
                view! {
                    <tr>
                        <td>{row.name.clone()}</td>
                        <td class="number">{format::amount(LOCALE, figures.budget_at_completion)}</td>
                        <td class="number">{format::amount(LOCALE, figures.actual_cost)}</td>
                        <td class="number">{format::amount(LOCALE, figures.earned_value)}</td>
                        <td class="number">{format::index(LOCALE, ev.and_then(|ev| ev.cost_performance_index))}</td>
                        <td class="number">{format::index(LOCALE, ev.and_then(|ev| ev.schedule_performance_index))}</td>
                        <td class="number">{ev.map(|ev| format::amount(LOCALE, ev.estimate_at_completion)).unwrap_or_else(|| "—".into())}</td>
                        <td class="number">{ev.map(|ev| format::amount(LOCALE, ev.variance_at_completion)).unwrap_or_else(|| "—".into())}</td>
                        <td>{rag_text(row.health.rag.computed)}</td>
                        <td>{rag_text(row.health.rag.manual)}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="report-table">
                <thead><tr>
                    <th scope="col">"Project"</th><th scope="col">"BAC"</th><th scope="col">"AC"</th><th scope="col">"EV"</th>
                    <th scope="col">"CPI"</th><th scope="col">"SPI"</th><th scope="col">"EAC"</th><th scope="col">"VAC"</th>
                    <th scope="col">"Computed RAG"</th><th scope="col">"Manager's RAG"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <section class="report-section" data-testid="report-red" aria-labelledby="report-red">
            <h2 id="report-red">"Red projects and their earned value"</h2>
            {body}
        </section>
    }
}

#[component]
fn RiskSection(report: Report) -> impl IntoView {
    let rows = report
        .top_risks
        .iter()
        .map(|row| view! {
            <tr><td>{row.project_name.clone()}</td><td>{row.risk.title.clone()}</td><td class="number">{row.score}</td>
                <td>{band_label(row.band)}</td><td>{row.risk.owner.clone()}</td><td>{row.risk.mitigation.clone()}</td></tr>
        })
        .collect_view();
    let map = report
        .heat_map
        .iter()
        .map(|cells| {
            let probability = cells.first().map_or(0, |cell| cell.probability);
            view! {
                <tr>
                    <th scope="row">{format!("P{probability}")}</th>
                    {cells.iter().map(|cell| view! {
                        <td class=format!("band-{}", band_name(cell.band))>{(cell.count > 0).then(|| cell.count.to_string())}</td>
                    }).collect_view()}
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="report-section" data-testid="report-risks" aria-labelledby="report-risks">
            <h2 id="report-risks">"Top risks and the heat map"</h2>
            <p class="hint">{format!("The {} highest of {} open risks.", report.top_risks.len(), report.open_risks)}</p>
            <div class="report-risks">
                <table class="report-table">
                    <thead><tr><th scope="col">"Project"</th><th scope="col">"Risk"</th><th scope="col">"Score"</th><th scope="col">"Band"</th><th scope="col">"Owner"</th><th scope="col">"Mitigation"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
                <table class="heat-map report-heat-map" aria-label="Open risks by probability and impact">
                    <tbody>
                        {map}
                        <tr class="axis"><th></th>{(1..=5).map(|i| view! { <th scope="col">{format!("I{i}")}</th> }).collect_view()}</tr>
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn DecisionSection(report: Report) -> impl IntoView {
    let since = match &report.baseline {
        Some(baseline) => format!(
            "Since the last reprioritisation of the portfolio ({}, “{}”).",
            format::stamp(LOCALE, &baseline.recorded),
            baseline.note
        ),
        None => "No reprioritisation is recorded yet: every decision.".to_owned(),
    };
    let body = if report.decisions.is_empty() {
        view! { <p class="empty">"No decision since then."</p> }.into_any()
    } else {
        let rows = report
            .decisions
            .iter()
            .map(|decision| view! {
                <tr><td>{format::stamp(LOCALE, &decision.recorded)}</td><td>{decision.kind.as_str()}</td><td>{decision.note.clone()}</td></tr>
            })
            .collect_view();
        view! {
            <table class="report-table">
                <thead><tr><th scope="col">"Recorded"</th><th scope="col">"Decision"</th><th scope="col">"Note"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <section class="report-section" data-testid="report-decisions" aria-labelledby="report-decisions">
            <h2 id="report-decisions">"Decisions since the baseline"</h2>
            <p class="hint">{since}</p>
            {body}
        </section>
    }
}
