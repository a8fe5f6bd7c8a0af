//! The portfolio review (组合评审报告), `/board/:id/report`: one page made for printing and
//! "Save as PDF". The print style sheet hides the app around it (header, navigation, notices),
//! starts each section on a new page, and repeats a running line with the board, the date and
//! the board's version at the foot of every printed page. The figures are
//! `shared::views::report`, the same view-models the board's pages show; the selection and its
//! efficient frontier are solved here a slice at a time, as on the selection page, with their
//! progress shown, each within a time limit so the report is ready to print in seconds. They
//! start once the rest of the report is on screen (the first slice solves the root relaxation
//! whole), and the chosen portfolio shows as soon as it is found, before its frontier.

use std::{collections::BTreeMap, sync::Arc};

use leptos::prelude::*;
use shared::{
    board::Decision,
    finance::Rag,
    format,
    selection::{Selection, SelectionError, SelectionSearch, SelectionStatus},
    views::{
        self,
        finance::FinanceRow,
        report::{self as view_model, Report},
        resources::OverAllocation,
        risks::{band_name, HeatCell, RiskRow},
        scoring::ModelRanking,
        selection::{Change, Setup},
    },
    IsoWeek, ProjectId,
};

use crate::{
    components::{
        band_label,
        board_context::BoardContext,
        kind_label, kpi_label, progressive, rag_label,
        remembered::{remembered, Last},
        PLANNING_WEEKS,
    },
    i18n::*,
    language::{catalogue_locale, lang, Language, Message},
};

use super::{
    dashboard::{kpi_how, BubbleChart, CHART},
    selection::{
        after_paint, change_label, frontier_svg, run_in_slices, search_in_slices, word_selection_error, FRONTIER,
    },
};

/// How long the report lets the exact selection search, and each point of the frontier, before
/// it takes the best portfolio found (its gap to the optimum is shown).
const SELECTION_MS: f64 = 3_000.0;
const FRONTIER_POINT_MS: f64 = 400.0;
/// A frontier's point is good enough within half a percent of the optimum: under two pixels
/// of the chart's height, where proving the last fraction took the searches their whole time.
const FRONTIER_GAP: f64 = 0.005;

thread_local! {
    /// The sections the review showed last (see [`remembered`]).
    static LAST_REPORT: Last<Option<IsoWeek>, Report> = Last::default();
    /// The review's live computations, kept from one visit of the page to the next (as the
    /// dashboard's are): a review opened again shows what it remembered without computing, and
    /// the first colleague's change after that must not find them empty.
    static LIVE: std::cell::RefCell<view_model::LiveReport> = std::cell::RefCell::default();
}

/// Where the report's selection is.
#[derive(Debug, Clone, PartialEq)]
enum Solving {
    Running(Message),
    Done(Selection),
    Failed(SelectionError),
}

/// Where the selection's efficient frontier is, once the selection is done.
#[derive(Debug, Clone, PartialEq)]
enum Frontier {
    Drawing(Message),
    /// (budget, best value) at each level the searches reached.
    Drawn(Vec<(f64, f64)>),
}

/// A memo of one section of the report, which tells its readers of a change only when the
/// section is another shared value: the live report hands back the very same one for a section
/// the change did not touch, and comparing a thousand rows to find them equal is left out.
fn section<T: Send + Sync + 'static>(
    report: Memo<Report>,
    part: impl Fn(&Report) -> Arc<T> + Send + Sync + 'static,
) -> Memo<Arc<T>> {
    Memo::new_with_compare(
        move |_| report.with(|report| part(report)),
        |before, now| match (before, now) {
            (Some(before), Some(now)) => !Arc::ptr_eq(before, now),
            _ => true,
        },
    )
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let board = BoardContext::get();
    let i18n = use_i18n();
    let weeks = StoredValue::new(IsoWeek::containing(chrono::Utc::now().date_naive()).span(PLANNING_WEEKS));
    let today = chrono::Local::now().date_naive();
    let report = Memo::new(move |_| {
        let snapshot = board.view.snapshot.get();
        let first_week = weeks.with_value(|weeks| weeks.first().copied());
        // Opened again on an unchanged board, the review shows the sections it computed before.
        remembered(&LAST_REPORT, &snapshot, first_week, || {
            // Kept between changes (`LIVE`): a colleague's budget computes the KPIs, the bubbles
            // and the red projects again, not the ranking, the over-allocations, the risks or
            // the decisions.
            LIVE.with_borrow_mut(|live| live.report(&snapshot, &weeks.get_value(), &CHART))
        })
    });
    // Each section follows its own part of the report and is drawn again only when that part
    // changed.
    let kpis = Memo::new(move |_| report.with(|report| (report.kpis.clone(), report.rag)));
    let bubbles = section(report, |report| report.bubbles.clone());
    let ranking = section(report, |report| report.ranking.clone());
    let over_allocated = section(report, |report| report.over_allocated.clone());
    // A handful of rows, computed on every change: compared by content.
    let red_projects = Memo::new(move |_| report.with(|report| report.red_projects.clone()));
    let top_risks = section(report, |report| report.top_risks.clone());
    let heat_map = section(report, |report| report.heat_map.clone());
    let open_risks = Memo::new(move |_| report.with(|report| report.open_risks));
    let decisions = section(report, |report| report.decisions.clone());
    let baseline = Memo::new(move |_| report.with(|report| report.baseline.clone()));
    // The version the report shows: the board's heads when it was computed, shortened.
    let version = Memo::new(move |_| {
        board.view.snapshot.track();
        let heads = board.session.with_value(|session| session.read(|b| b.heads()));
        heads.iter().map(|head| head.to_string()[..8].to_owned()).collect::<Vec<_>>().join(" ")
    });
    let name = move || board.view.snapshot.with(|s| s.name.clone());
    let day = move || format::date(lang(), today);
    let running = move || tr!(i18n, report.running, board = name(), day = day(), version = version.get());

    view! {
        <article class="report" data-testid="report">
            <header class="report-head">
                <h1>{t!(i18n, report.title)}</h1>
                <p class="report-board">{name}</p>
                <p class="report-meta" data-testid="report-meta">
                    {move || tr!(i18n, report.meta, day = day())} " " <code>{move || version.get()}</code>
                </p>
                <p class="report-actions no-print">
                    <button type="button" data-testid="report-print" on:click=move |_| {
                        if let Some(window) = web_sys::window() {
                            let _ = window.print();
                        }
                    }>{t!(i18n, report.print)}</button>
                    <span class="hint">{t!(i18n, report.print_hint)}</span>
                </p>
            </header>
            <div class="report-running" aria-hidden="true">{running}</div>
            // The language is read once per section here, where it is tracked: a section's
            // thousand rows take it as a value instead of each looking it up (a lookup outside
            // a tracking closure neither follows the switch nor is free).
            <KpiSection kpis bubbles/>
            {move || {
                let (ranking, language) = (ranking.get(), lang());
                view! { <RankingSection ranking language/> }
            }}
            // Solved once, on the board as it was when the page opened: it takes seconds.
            <SelectionSection board weeks/>
            {move || {
                let (over_allocated, language) = (over_allocated.get(), lang());
                view! { <OverAllocationSection over_allocated language/> }
            }}
            {move || {
                let (red_projects, language) = (red_projects.get(), lang());
                view! { <RedProjectsSection red_projects language/> }
            }}
            {move || view! { <RiskSection top_risks=top_risks.get() open_risks=open_risks.get() heat_map=heat_map.get()/> }}
            {move || {
                let (decisions, baseline, language) = (decisions.get(), baseline.get(), lang());
                view! { <DecisionSection decisions baseline language/> }
            }}
        </article>
    }
}

#[component]
fn KpiSection(
    kpis: Memo<(Vec<views::dashboard::KpiTile>, views::dashboard::RagCounts)>,
    bubbles: Memo<Arc<Vec<views::dashboard::Bubble>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let figures = move || {
        let (tiles, rag) = kpis.get();
        let tiles = tiles
            .iter()
            .map(|tile| {
                let (id, figure, how) = (tile.id, tile.figure.clone(), tile.how.clone());
                view! {
                    <div class="kpi">
                        <span class="kpi-label">{move || kpi_label(i18n, id)}</span>
                        <span class="kpi-figure">{move || {
                            figure.clone().unwrap_or_else(|| t_string!(i18n, report.not_enough_data).to_owned())
                        }}</span>
                        <span class="kpi-how">{move || kpi_how(i18n, &how)}</span>
                    </div>
                }
            })
            .collect_view();
        let row = move |label: fn(I18nContext<Locale>) -> &'static str, count: views::dashboard::RagCount| {
            view! {
                <tr><th scope="row">{move || label(i18n)}</th><td class="number">{count.green}</td><td class="number">{count.amber}</td>
                    <td class="number">{count.red}</td><td class="number">{count.unrated}</td></tr>
            }
        };
        view! {
            <div class="kpis">{tiles}</div>
            <table class="rag-counts">
                <thead><tr><th></th><th scope="col">{t!(i18n, report.green)}</th><th scope="col">{t!(i18n, report.amber)}</th>
                    <th scope="col">{t!(i18n, report.red)}</th><th scope="col">{t!(i18n, report.not_rated)}</th></tr></thead>
                <tbody>
                    {row(|i18n| t_string!(i18n, report.computed_rag), rag.computed)}
                    {row(|i18n| t_string!(i18n, report.managers_rag), rag.manual)}
                </tbody>
            </table>
        }
    };
    view! {
        <section class="report-section" data-testid="report-kpis" aria-labelledby="report-kpis">
            <h2 id="report-kpis">{t!(i18n, report.kpis)}</h2>
            {figures}
            // Drawn once and then patched (see `BubbleChart`).
            <BubbleChart bubbles=bubbles.into() testid="report-bubble-chart"/>
        </section>
    }
}

#[component]
fn RankingSection(ranking: Arc<ModelRanking>, language: Language) -> impl IntoView {
    let i18n = use_i18n();
    let body = match ranking.problem.clone() {
        Some(problem) => {
            view! { <p class="empty">{move || crate::words::ranking_problem(i18n.get_locale(), &problem, false)}</p> }
                .into_any()
        }
        None => {
            let rows = progressive_rows(
                ranking,
                |ranking| &ranking.rows,
                move |row| {
                    let lifted = row.lifted.iter().take(2).map(|r| r.criterion.clone()).collect::<Vec<_>>().join(", ");
                    let missing = crate::words::missing(catalogue_locale(language), &row.missing);
                    view! {
                    <tr>
                        <td class="number">{row.rank.map(|rank| rank.to_string()).unwrap_or_else(|| "—".into())}</td>
                        <td>{row.name.clone()}</td>
                        <td class="number">{format::index(language, row.score)}</td>
                        <td>{if missing.is_empty() { lifted } else { trd!(catalogue_locale(language), report.missing, criteria = missing) }}</td>
                    </tr>
                }
                .into_any()
                },
            );
            view! {
                <table class="report-table">
                    <thead><tr>
                        <th scope="col">{t!(i18n, report.rank)}</th><th scope="col">{t!(i18n, report.project)}</th>
                        <th scope="col">{t!(i18n, report.weighted_score)}</th><th scope="col">{t!(i18n, report.lifted_most_by)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }
            .into_any()
        }
    };
    view! {
        <section class="report-section" data-testid="report-ranking" aria-labelledby="report-ranking">
            <h2 id="report-ranking">{t!(i18n, report.ranking)}</h2>
            {body}
        </section>
    }
}

/// The rows of one of the report's long tables (a large board ranks 1,000 projects and is over
/// capacity in hundreds of person-weeks), drawn a slice at a time as the board's own long lists
/// are (`components::progressive`): the report is on screen within a frame or two, and every row
/// is there a few frames later, long before anyone prints it.
fn progressive_rows<L: Send + Sync + 'static, T: 'static>(
    list: Arc<L>,
    items: fn(&L) -> &[T],
    row: impl Fn(&T) -> AnyView + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let total = items(&list).len();
    let list = StoredValue::new(list);
    let shown = progressive::progressive(move || total);
    view! {
        <For each=move || 0..shown.get().min(total) key=|index| *index
            children=move |index| list.with_value(|list| row(&items(list)[index]))/>
    }
}

#[component]
fn SelectionSection(board: BoardContext, weeks: StoredValue<Vec<IsoWeek>>) -> impl IntoView {
    let i18n = use_i18n();
    let solving = RwSignal::new(Solving::Running(message!(report.solving)));
    let frontier_state = RwSignal::new(Frontier::Drawing(message!(report.frontier_waiting)));
    let problem = board.view.snapshot.with_untracked(|b| {
        let values = views::selection::candidate_values(b);
        let setup =
            Setup { budget: views::selection::default_budget(b), role_hours: BTreeMap::new(), forced: BTreeMap::new() };
        views::selection::build_problem(b, &values, &setup, &weeks.get_value())
    });
    let problem = StoredValue::new(problem);
    // Stops the searches when the person leaves the page.
    let alive = StoredValue::new(true);
    on_cleanup(move || alive.set_value(false));
    leptos::task::spawn_local(async move {
        // The rest of the report first: the search's first slice (the root relaxation) cannot
        // be cut short, and would otherwise run before the page is painted.
        after_paint().await;
        let Some(problem) = problem.try_get_value() else { return };
        let started = js_sys::Date::now();
        let stop = move || !alive.try_get_value().unwrap_or(false) || js_sys::Date::now() - started > SELECTION_MS;
        let selection = search_in_slices(&problem, stop, |search| {
            if alive.try_get_value().unwrap_or(false) {
                let nodes = search.effort().nodes;
                solving.set(Solving::Running(message!(report.solving_nodes, nodes)));
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
        let infeasible = matches!(selection.status, SelectionStatus::Infeasible(_));
        let chosen = selection.chosen.clone();
        let selection_value = selection.total_value;
        solving.set(Solving::Done(selection));
        let mut frontier = Vec::new();
        if !infeasible {
            // The chosen portfolio painted before the frontier's searches take the thread.
            after_paint().await;
            if !alive.try_get_value().unwrap_or(false) {
                return;
            }
            let levels = views::selection::frontier_levels(&problem);
            // The portfolio of the level below, which still fits the next: each search starts
            // from it (levels go up from the smallest).
            let mut below: Option<Vec<ProjectId>> = None;
            for (index, level) in levels.iter().enumerate() {
                // The budget's own level is the selection just made.
                if *level == problem.budget {
                    frontier.push((*level, selection_value));
                    below = Some(chosen.clone());
                    continue;
                }
                let (done, total) = (index + 1, levels.len());
                frontier_state.set(Frontier::Drawing(message!(report.drawing_frontier, done, total)));
                let mut at_level = problem.clone();
                at_level.budget = *level;
                let started = js_sys::Date::now();
                let stop = move || {
                    !alive.try_get_value().unwrap_or(false) || js_sys::Date::now() - started > FRONTIER_POINT_MS
                };
                let search = SelectionSearch::frontier_point(&at_level, below.as_deref(), FRONTIER_GAP);
                let point = match search {
                    Ok(search) => run_in_slices(search, stop, |_| {}).await,
                    Err(error) => Err(error),
                };
                match point {
                    Ok(point) if !matches!(point.status, SelectionStatus::Infeasible(_)) => {
                        frontier.push((*level, point.total_value));
                        below = Some(point.chosen);
                    }
                    _ => {}
                }
                if !alive.try_get_value().unwrap_or(false) {
                    return;
                }
            }
        }
        frontier_state.try_set(Frontier::Drawn(frontier));
    });

    let body = move || match solving.get() {
        Solving::Running(progress) => {
            view! { <p class="progress" role="status" data-testid="report-solving">{move || progress.text(i18n)}</p> }
                .into_any()
        }
        Solving::Failed(error) => {
            let reason = move || word_selection_error(board, &error);
            view! { <p class="problem" data-testid="report-selection-problem">{move || tr!(i18n, report.could_not_solve, reason = reason())}</p> }.into_any()
        }
        Solving::Done(selection) => {
            let comparison = problem.with_value(|problem| {
                board.view.snapshot.with_untracked(|b| views::selection::compare(b, problem, &selection.chosen))
            });
            let status = selection.status.clone();
            let gap = selection.gap;
            let quality = move || match &status {
                SelectionStatus::Optimal => t_string!(i18n, report.optimal).to_owned(),
                SelectionStatus::Infeasible(why) => tr!(i18n, report.infeasible, reason = why),
                _ => tr!(
                    i18n,
                    report.best_found,
                    seconds = format::number(lang(), SELECTION_MS / 1000.0, 0),
                    gap = format::percent(lang(), gap)
                ),
            };
            let changes = comparison
                .rows
                .iter()
                .filter(|row| matches!(row.change, Change::In | Change::Out))
                .map(|row| { let change = row.change; view! {
                    <tr><td>{move || change_label(i18n, change)}</td><td>{row.name.clone()}</td>
                        <td class="number">{format::number(lang(), row.value, 2)}</td><td class="number">{format::amount(lang(), row.cost)}</td></tr>
                }})
                .collect_view();
            let current = comparison.current;
            let frontier = move || {
                match frontier_state.get() {
                Frontier::Drawing(progress) => view! {
                    <p class="progress" role="status" data-testid="report-frontier-drawing">{move || progress.text(i18n)}</p>
                }
                .into_any(),
                Frontier::Drawn(points) => {
                    let chart = views::selection::frontier_chart(&points, current, &FRONTIER);
                    view! {
                        <div class="frontier-chart" data-testid="report-frontier" inner_html=frontier_svg(i18n, &chart)></div>
                    }
                    .into_any()
                }
            }
            };
            view! {
                <p data-testid="report-selection">{move || tr!(
                    i18n,
                    report.selection_summary,
                    budget = problem.with_value(|p| format::amount(lang(), p.budget)),
                    quality = quality(),
                    count = selection.chosen.len(),
                    value = format::number(lang(), selection.total_value, 2),
                    cost = format::amount(lang(), selection.total_cost),
                    current_value = format::number(lang(), comparison.current.value, 2),
                    current_cost = format::amount(lang(), comparison.current.cost),
                )}</p>
                <table class="report-table">
                    <thead><tr>
                        <th scope="col">{t!(i18n, report.change)}</th><th scope="col">{t!(i18n, report.project)}</th>
                        <th scope="col">{t!(i18n, report.value)}</th><th scope="col">{t!(i18n, report.cost)}</th>
                    </tr></thead>
                    <tbody>{changes}</tbody>
                </table>
                <h3>{t!(i18n, report.frontier)}</h3>
                {frontier}
            }
            .into_any()
        }
    };
    view! {
        <section class="report-section" data-testid="report-selection-section" aria-labelledby="report-selection">
            <h2 id="report-selection">{t!(i18n, report.selection)}</h2>
            {body}
        </section>
    }
}

#[component]
fn OverAllocationSection(over_allocated: Arc<Vec<OverAllocation>>, language: Language) -> impl IntoView {
    let i18n = use_i18n();
    let body = if over_allocated.is_empty() {
        view! { <p class="empty">{move || tr!(i18n, report.nobody_over, weeks = PLANNING_WEEKS)}</p> }.into_any()
    } else {
        let rows = progressive_rows(
            over_allocated,
            |list| list.as_slice(),
            move |o: &OverAllocation| {
                view! {
                <tr><td>{o.name.clone()}</td><td>{format::week(language, o.week)}</td><td class="number">{format::hours(language, o.booked)}</td>
                    <td class="number">{format::hours(language, o.capacity)}</td><td class="number">{format::hours(language, o.excess())}</td></tr>
            }
            .into_any()
            },
        );
        view! {
            <table class="report-table">
                <thead><tr>
                    <th scope="col">{t!(i18n, report.person)}</th><th scope="col">{t!(i18n, report.week)}</th>
                    <th scope="col">{t!(i18n, report.booked_hours)}</th><th scope="col">{t!(i18n, report.capacity_hours)}</th>
                    <th scope="col">{t!(i18n, report.over_by_hours)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <section class="report-section" data-testid="report-over-allocated" aria-labelledby="report-over">
            <h2 id="report-over">{t!(i18n, report.over_allocated)}</h2>
            {body}
        </section>
    }
}

/// A RAG in the reader's language (tracked), "—" for none.
fn rag_text(rag: Option<Rag>) -> &'static str {
    match rag {
        Some(_) => rag_label(rag),
        None => format::NO_VALUE,
    }
}

#[component]
fn RedProjectsSection(red_projects: Arc<Vec<FinanceRow>>, language: Language) -> impl IntoView {
    let i18n = use_i18n();
    let body = if red_projects.is_empty() {
        view! { <p class="empty">{t!(i18n, report.no_red)}</p> }.into_any()
    } else {
        let rows = red_projects
            .iter()
            .map(|row| {
                let figures = row.health.figures;
                let ev = row.earned_value();
                let (computed, manual) = (row.health.rag.computed, row.health.rag.manual);
                view! {
                    <tr>
                        <td>{row.name.clone()}</td>
                        <td class="number">{format::amount(language, figures.budget_at_completion)}</td>
                        <td class="number">{format::amount(language, figures.actual_cost)}</td>
                        <td class="number">{format::amount(language, figures.earned_value)}</td>
                        <td class="number">{format::index(language, ev.and_then(|ev| ev.cost_performance_index))}</td>
                        <td class="number">{format::index(language, ev.and_then(|ev| ev.schedule_performance_index))}</td>
                        <td class="number">{ev.map(|ev| format::amount(language, ev.estimate_at_completion)).unwrap_or_else(|| "—".into())}</td>
                        <td class="number">{ev.map(|ev| format::amount(language, ev.variance_at_completion)).unwrap_or_else(|| "—".into())}</td>
                        <td>{move || rag_text(computed)}</td>
                        <td>{move || rag_text(manual)}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="report-table">
                <thead><tr>
                    <th scope="col">{t!(i18n, report.project)}</th><th scope="col">"BAC"</th><th scope="col">"AC"</th><th scope="col">"EV"</th>
                    <th scope="col">"CPI"</th><th scope="col">"SPI"</th><th scope="col">"EAC"</th><th scope="col">"VAC"</th>
                    <th scope="col">{t!(i18n, report.computed_rag_column)}</th><th scope="col">{t!(i18n, report.managers_rag_column)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <section class="report-section" data-testid="report-red" aria-labelledby="report-red">
            <h2 id="report-red">{t!(i18n, report.red_projects)}</h2>
            {body}
        </section>
    }
}

#[component]
fn RiskSection(top_risks: Arc<Vec<RiskRow>>, open_risks: usize, heat_map: Arc<Vec<Vec<HeatCell>>>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = top_risks
        .iter()
        .map(|row| {
            let band = row.band;
            view! {
                <tr><td>{row.project_name.clone()}</td><td>{row.risk.title.clone()}</td><td class="number">{row.score}</td>
                    <td>{move || band_label(band)}</td><td>{row.risk.owner.clone()}</td><td>{row.risk.mitigation.clone()}</td></tr>
            }
        })
        .collect_view();
    let map = heat_map
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
            <h2 id="report-risks">{t!(i18n, report.risks)}</h2>
            <p class="hint">{move || tr!(i18n, report.highest_risks, shown = top_risks.len(), open = open_risks)}</p>
            <div class="report-risks">
                <table class="report-table">
                    <thead><tr>
                        <th scope="col">{t!(i18n, report.project)}</th><th scope="col">{t!(i18n, report.risk)}</th>
                        <th scope="col">{t!(i18n, report.score)}</th><th scope="col">{t!(i18n, report.band)}</th>
                        <th scope="col">{t!(i18n, report.owner)}</th><th scope="col">{t!(i18n, report.mitigation)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
                <table class="heat-map report-heat-map" aria-label=move || t_string!(i18n, report.heat_map_label)>
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
fn DecisionSection(decisions: Arc<Vec<Decision>>, baseline: Option<Decision>, language: Language) -> impl IntoView {
    let i18n = use_i18n();
    let since = move || match &baseline {
        Some(baseline) => tr!(
            i18n,
            report.since_reprioritisation,
            stamp = format::stamp(lang(), &baseline.recorded),
            note = baseline.note
        ),
        None => t_string!(i18n, report.no_reprioritisation).to_owned(),
    };
    let body = if decisions.is_empty() {
        view! { <p class="empty">{t!(i18n, report.no_decision)}</p> }.into_any()
    } else {
        let rows = decisions
            .iter()
            .map(|decision| {
                let (recorded, kind) = (decision.recorded.clone(), decision.kind);
                view! {
                    <tr><td>{format::stamp(language, &recorded)}</td><td>{move || kind_label(i18n, kind)}</td>
                        <td>{decision.note.clone()}</td></tr>
                }
            })
            .collect_view();
        view! {
            <table class="report-table">
                <thead><tr>
                    <th scope="col">{t!(i18n, report.recorded)}</th><th scope="col">{t!(i18n, report.decision)}</th>
                    <th scope="col">{t!(i18n, report.note)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <section class="report-section" data-testid="report-decisions" aria-labelledby="report-decisions">
            <h2 id="report-decisions">{t!(i18n, report.decisions)}</h2>
            <p class="hint">{since}</p>
            {body}
        </section>
    }
}
