//! Portfolio selection (项目组合选择), `/board/:id/selection`: the budget (the board's envelope
//! by default) and each role's weekly hours (from the people on the board), force in or out per
//! candidate, then the exact solver, run in slices that yield to the browser between them (so
//! the page never freezes, and Cancel works), with its progress and, when stopped, its gap. The
//! chosen portfolio is set against the current one, the efficient frontier is drawn, and
//! "Record as decision" writes one decision per project the selection changes.
//!
//! What a person sets up here is theirs alone (a what-if): only recording writes to the board.

use std::{collections::BTreeMap, time::Duration};

use leptos::prelude::*;
use shared::{
    board::{DecisionId, Stamp},
    format,
    selection::{self, Selection, SelectionError, SelectionProblem, SelectionSearch, SelectionStatus},
    views::{
        self,
        dashboard::ChartFrame,
        selection::{Change, Force, RoleUse, Setup},
    },
    IsoWeek, ProjectId, Stage,
};

use crate::{
    account::Auth,
    components::{board_context::BoardContext, kind_label, row_window::RowWindow, stage_label, PLANNING_WEEKS},
    i18n::*,
    language::{lang, Message},
};

/// How the chosen portfolio changes a project, in the reader's language.
pub(crate) fn change_label(i18n: I18nContext<Locale>, change: Change) -> &'static str {
    match change {
        Change::In => t_string!(i18n, selection.change_in),
        Change::Out => t_string!(i18n, selection.change_out),
        Change::StaysIn => t_string!(i18n, selection.change_stays_in),
        Change::StaysOut => t_string!(i18n, selection.change_stays_out),
    }
}

pub(crate) const FRONTIER: ChartFrame = ChartFrame::new(640.0, 320.0);
/// A slice of the search should stay well under the ~50 ms that makes a page feel stuck.
const SLICE_MS: f64 = 20.0;

/// Where the solver is.
#[derive(Debug, Clone, PartialEq)]
enum Run {
    Idle,
    Searching { nodes: u64, value: f64, gap: f64 },
    Finished { selection: Selection, problem: SelectionProblem },
    Failed(SelectionError),
}

/// Waits for the browser to run its other tasks (input, painting) once.
async fn yield_to_browser() {
    let (sender, receiver) = futures::channel::oneshot::channel::<()>();
    set_timeout(
        move || {
            let _ = sender.send(());
        },
        Duration::ZERO,
    );
    let _ = receiver.await;
}

/// Waits until the browser has painted what is on screen now: the next animation frame, then
/// a task (work started from the frame's callback would still delay its paint).
pub(crate) async fn after_paint() {
    let (sender, receiver) = futures::channel::oneshot::channel::<()>();
    request_animation_frame(move || {
        let _ = sender.send(());
    });
    let _ = receiver.await;
    yield_to_browser().await;
}

/// Runs a search to its end, a slice at a time, each slice sized to take about [`SLICE_MS`].
/// Answers `None` when `cancelled` (checked between slices) says stop.
pub(crate) async fn search_in_slices(
    problem: &SelectionProblem,
    cancelled: impl Fn() -> bool,
    progress: impl FnMut(&SelectionSearch<'_>),
) -> Result<Selection, SelectionError> {
    let search = SelectionSearch::new(problem)?;
    run_in_slices(search, cancelled, progress).await
}

/// [`search_in_slices`] for a search already set up (a frontier's point, say).
pub(crate) async fn run_in_slices(
    mut search: SelectionSearch<'_>,
    cancelled: impl Fn() -> bool,
    mut progress: impl FnMut(&SelectionSearch<'_>),
) -> Result<Selection, SelectionError> {
    let mut nodes = 4u64;
    loop {
        let started = js_sys::Date::now();
        let done = search.step(nodes)?;
        let elapsed = js_sys::Date::now() - started;
        if elapsed < SLICE_MS / 2.0 {
            nodes = (nodes * 2).min(1 << 14);
        } else if elapsed > SLICE_MS {
            nodes = (nodes / 2).max(1);
        }
        progress(&search);
        if done || cancelled() {
            return search.selection();
        }
        yield_to_browser().await;
    }
}

/// One candidate of the selection, as its row shows it.
#[derive(Clone, PartialEq)]
struct CandidateLine {
    id: ProjectId,
    name: String,
    stage: Stage,
    value: f64,
    cost: f64,
}

/// The candidates table's columns.
const CANDIDATE_COLUMNS: usize = 5;

#[component]
pub fn SelectionPage() -> impl IntoView {
    let board = BoardContext::get();
    let i18n = use_i18n();
    let weeks = StoredValue::new(IsoWeek::containing(chrono::Utc::now().date_naive()).span(PLANNING_WEEKS));
    let budget_text = RwSignal::new(None::<String>);
    let role_hours = RwSignal::new(BTreeMap::<String, f64>::new());
    let forced = RwSignal::new(BTreeMap::<ProjectId, Force>::new());
    let run = RwSignal::new(Run::Idle);
    let cancel = RwSignal::new(false);
    let frontier = RwSignal::new(Vec::<(f64, f64)>::new());
    let frontier_busy = RwSignal::new(false);
    // Each run has a number, so a run started later silences an earlier one still yielding.
    let generation = StoredValue::new(0u64);
    let decision_note = RwSignal::new(String::new());
    let decision_outcome = RwSignal::new(None::<Result<Message, Message>>);

    let default_budget = Memo::new(move |_| board.view.snapshot.with(|s| views::selection::default_budget(s)));
    let budget = Memo::new(move |_| match budget_text.get() {
        None => Ok(default_budget.get()),
        Some(text) => match crate::components::field::parse_number(&text) {
            Some(value) if value >= 0.0 => Ok(value),
            _ => Err(t_string!(i18n, selection.budget_not_number).to_owned()),
        },
    });
    // Only what values a project, not the whole dashboard, and kept while the scores, the
    // objectives and the stages are as they were: this runs on every change.
    let live_values = StoredValue::new(views::selection::LiveValues::default());
    let values = Memo::new(move |_| {
        board.view.snapshot.with(|b| live_values.try_update_value(|live| live.values(b)).expect("the page's own value"))
    });
    // Each project's demand kept while the people and bookings are the same lists.
    let live_problem = StoredValue::new(views::selection::LiveProblem::default());
    let problem = Memo::new(move |_| {
        let setup = Setup { budget: budget.get().unwrap_or(0.0), role_hours: role_hours.get(), forced: forced.get() };
        let values = values.get();
        board.view.snapshot.with(|b| {
            live_problem
                .try_update_value(|live| live.problem(b, &values, &setup, &weeks.get_value()))
                .expect("the page's own value")
        })
    });
    let preview = Memo::new(move |_| problem.with(selection::greedy_preview));
    let roles = Memo::new(move |_| board.view.snapshot.with(|s| views::selection::role_capacities(s)));
    let stale = Memo::new(move |_| match run.get() {
        Run::Finished { problem: solved, .. } => problem.with(|now| *now != solved),
        _ => false,
    });

    let start = move |_| {
        let Ok(_) = budget.get_untracked() else { return };
        let problem = problem.get_untracked();
        let mine = generation.get_value() + 1;
        generation.set_value(mine);
        cancel.set(false);
        decision_outcome.set(None);
        frontier.set(Vec::new());
        run.set(Run::Searching { nodes: 0, value: 0.0, gap: 1.0 });
        leptos::task::spawn_local(async move {
            let current = move || generation.get_value() == mine;
            let outcome = search_in_slices(
                &problem,
                || cancel.get_untracked() || !current(),
                |search| {
                    if let (true, Ok(best)) = (current(), search.selection()) {
                        run.set(Run::Searching {
                            nodes: search.effort().nodes,
                            value: best.total_value,
                            gap: best.gap,
                        });
                    }
                },
            )
            .await;
            if !current() {
                return;
            }
            match outcome {
                Err(error) => run.set(Run::Failed(error)),
                Ok(selection) => {
                    let infeasible = matches!(selection.status, SelectionStatus::Infeasible(_));
                    run.set(Run::Finished { selection, problem: problem.clone() });
                    if infeasible || cancel.get_untracked() {
                        return;
                    }
                    // The efficient frontier: the best value at each budget level, solved the same way.
                    frontier_busy.set(true);
                    for level in views::selection::frontier_levels(&problem) {
                        let mut at_level = problem.clone();
                        at_level.budget = level;
                        let point = search_in_slices(&at_level, || cancel.get_untracked() || !current(), |_| {}).await;
                        if !current() || cancel.get_untracked() {
                            break;
                        }
                        if let Ok(point) = point {
                            if !matches!(point.status, SelectionStatus::Infeasible(_)) {
                                frontier.update(|points| points.push((level, point.total_value)));
                            }
                        }
                    }
                    frontier_busy.set(false);
                }
            }
        });
    };

    let setup = move || {
        let roles = roles.get();
        let role_rows = roles
            .into_iter()
            .map(|role| {
                let name = role.role.clone();
                let label = if name.is_empty() { t_string!(i18n, selection.no_role).to_owned() } else { name.clone() };
                let key = name.clone();
                let shown = move || role_hours.with(|hours| hours.get(&key).copied()).unwrap_or(role.hours_per_week);
                let error = RwSignal::new(None::<Message>);
                view! {
                    <tr data-testid="role-row">
                        <th scope="row">{label.clone()}</th>
                        <td>{role.people}</td>
                        <td>{format::number(lang(), role.hours_per_week, 1)}</td>
                        <td><input type="number" step="any" min="0" class="hours" aria-label=tr!(i18n, selection.hours_of_role, role = label.clone()).to_string()
                            prop:value=move || format::number(lang(), shown(), 2) aria-invalid=move || error.with(Option::is_some).then_some("true")
                            on:change=move |ev| {
                                let text = event_target_value(&ev);
                                match crate::components::field::parse_number(&text).filter(|hours| *hours >= 0.0) {
                                    Some(hours) => { error.set(None); role_hours.update(|all| { all.insert(name.clone(), hours); }); }
                                    None => error.set(Some(message!(selection.hours_not_number))),
                                }
                            }/>
                            <span class="field-error" role="alert">{move || error.get().map(|error| error.text(i18n))}</span></td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="roles">
                <thead><tr>
                    <th>{t!(i18n, selection.role)}</th><th>{t!(i18n, selection.people)}</th>
                    <th>{t!(i18n, selection.hours_on_board)}</th><th>{t!(i18n, selection.hours_for_selection)}</th>
                </tr></thead>
                <tbody>{role_rows}</tbody>
            </table>
        }
    };
    // The candidates, one line each (a plain value: a row follows its own line and redraws
    // only what changed in it). A large board's 800 candidates are drawn as a window around
    // what is in view (a short list whole, a slice per frame): building them all, and again on
    // every change, was most of the page's opening.
    let lines = Memo::new(move |_| {
        let value_of = values.get();
        board.view.snapshot.with(|b| {
            problem.with(|problem| {
                problem
                    .candidates
                    .iter()
                    .filter_map(|candidate| {
                        let project = b.project(&candidate.id)?;
                        Some(CandidateLine {
                            id: project.id.clone(),
                            name: project.name.clone(),
                            stage: project.stage,
                            value: value_of.get(&project.id).copied().unwrap_or(0.0),
                            cost: candidate.cost,
                        })
                    })
                    .collect::<Vec<_>>()
            })
        })
    });
    let order = Memo::new(move |_| lines.with(|lines| lines.iter().map(|line| line.id.clone()).collect::<Vec<_>>()));
    let at = Memo::new(move |_| {
        lines.with(|lines| {
            lines
                .iter()
                .enumerate()
                .map(|(at, line)| (line.id.clone(), at))
                .collect::<std::collections::HashMap<_, _>>()
        })
    });
    let window = RowWindow::new(move || order.with(Vec::len), "data-project-id", |key| key.parse::<ProjectId>().ok());
    let candidate_row = move |id: ProjectId| {
        let line = Memo::new({
            let id = id.clone();
            move |_| at.with(|at| at.get(&id).and_then(|at| lines.with(|lines| lines.get(*at).cloned())))
        });
        let current = {
            let id = id.clone();
            Memo::new(move |_| forced.with(|f| f.get(&id).copied()))
        };
        let text = move |show: fn(&CandidateLine) -> String| {
            move || line.with(|line| line.as_ref().map(show).unwrap_or_default())
        };
        let select_id = id.clone();
        view! {
            <tr data-testid="candidate-row" data-project-id=id.to_string()>
                <td>{text(|line| line.name.clone())}</td>
                <td class="stage">{move || line.with(|line| line.as_ref().map(|line| stage_label(line.stage)))}</td>
                <td class="number">{text(|line| format::number(lang(), line.value, 1))}</td>
                <td class="number">{text(|line| format::whole_amount(lang(), line.cost))}</td>
                <td><select aria-label=move || line.with(|line| {
                        let name = line.as_ref().map(|line| line.name.clone()).unwrap_or_default();
                        tr!(i18n, selection.force_named, name).to_string()
                    })
                    on:change=move |ev| {
                        let choice = match event_target_value(&ev).as_str() {
                            "in" => Some(Force::In),
                            "out" => Some(Force::Out),
                            _ => None,
                        };
                        let id = select_id.clone();
                        forced.update(|all| match choice {
                            Some(force) => { all.insert(id, force); }
                            None => { all.remove(&id); }
                        });
                    }>
                    <option value="" selected=move || current.get().is_none()>{t!(i18n, selection.solver_decides)}</option>
                    <option value="in" selected=move || current.get() == Some(Force::In)>{t!(i18n, selection.force_in)}</option>
                    <option value="out" selected=move || current.get() == Some(Force::Out)>{t!(i18n, selection.force_out)}</option>
                </select></td>
            </tr>
        }
    };
    let searching = move || matches!(run.get(), Run::Searching { .. });
    let status = move || match run.get() {
        Run::Idle => {
            let text = match preview.get() {
                Ok(preview) if preview.infeasible.is_none() => tr!(
                    i18n,
                    selection.preview,
                    value = format::number(lang(), preview.total_value, 1),
                    cost = format::whole_amount(lang(), preview.total_cost)
                )
                .to_string(),
                Ok(preview) => {
                    let why = preview.infeasible.map(|why| word_infeasibility(board, &why)).unwrap_or_default();
                    tr!(i18n, selection.nothing_fits, why).to_string()
                }
                Err(error) => word_selection_error(board, &error),
            };
            view! { <p class="hint" data-testid="selection-status">{text}</p> }.into_any()
        }
        Run::Searching { nodes, value, gap } => view! {
            <p class="searching" role="status" data-testid="selection-status">
                <progress aria-label=move || t_string!(i18n, selection.searching_label)></progress>
                " " {tr!(i18n, selection.searching,
                    nodes,
                    value = format::number(lang(), value, 1),
                    gap = format::percent(lang(), gap)
                )
                .to_string()}
            </p>
        }
        .into_any(),
        Run::Failed(error) => {
            let text = word_selection_error(board, &error);
            view! { <p class="problem" role="alert" data-testid="selection-status">{text}</p> }.into_any()
        }
        Run::Finished { selection, .. } => {
            let text = match &selection.status {
                SelectionStatus::Optimal => tr!(i18n, selection.optimal, nodes = selection.effort.nodes).to_string(),
                SelectionStatus::Stopped(_) => tr!(
                    i18n,
                    selection.stopped,
                    share = format::percent(lang(), 1.0 - selection.gap),
                    gap = format::percent(lang(), selection.gap)
                )
                .to_string(),
                SelectionStatus::Infeasible(why) => {
                    let why = word_infeasibility(board, why);
                    tr!(i18n, selection.nothing_fits, why).to_string()
                }
            };
            view! { <p class="outcome" role="status" data-testid="selection-status">{text}</p> }.into_any()
        }
    };
    let result = move || {
        let Run::Finished { selection, .. } = run.get() else { return None };
        if matches!(selection.status, SelectionStatus::Infeasible(_)) {
            return None;
        }
        let comparison = problem
            .with(|problem| board.view.snapshot.with(|b| views::selection::compare(b, problem, &selection.chosen)));
        let rows = comparison
            .rows
            .iter()
            .map(|row| {
                let class = match row.change {
                    Change::In => "in",
                    Change::Out => "out",
                    Change::StaysIn | Change::StaysOut => "same",
                };
                view! {
                    <tr data-testid="comparison-row" data-project-id=row.id.to_string() data-change=class>
                        <td>{row.name.clone()}</td>
                        <td class="stage">{stage_label(row.stage)}</td>
                        <td><span class=format!("change change-{class}")>{change_label(i18n, row.change)}</span></td>
                        <td class="number">{format::number(lang(), row.value, 1)}</td>
                        <td class="number">{format::whole_amount(lang(), row.cost)}</td>
                    </tr>
                }
            })
            .collect_view();
        let role_cells = |uses: &[RoleUse], role: &str| {
            uses.iter()
                .find(|u| u.role == role)
                .map(|u| {
                    let capacity = u.capacity_hours.map_or(t_string!(i18n, selection.no_limit).to_owned(), |c| {
                        tr!(i18n, selection.hours, hours = format::number(lang(), c, 1)).to_string()
                    });
                    let peak = u
                        .peak
                        .map(|p| tr!(i18n, selection.busiest_week, share = format::percent(lang(), p)).to_string())
                        .unwrap_or_default();
                    tr!(i18n, selection.role_use, demand = format::number(lang(), u.demand_hours, 1), capacity, peak)
                        .to_string()
                })
                .unwrap_or_else(|| "–".into())
        };
        let role_names: Vec<String> = {
            let mut names: Vec<String> =
                comparison.current_roles.iter().chain(&comparison.chosen_roles).map(|u| u.role.clone()).collect();
            names.sort();
            names.dedup();
            names
        };
        let role_rows = role_names
            .iter()
            .map(|role| {
                view! {
                    <tr>
                        <th scope="row">{if role.is_empty() { t_string!(i18n, selection.no_role).to_owned() } else { role.clone() }}</th>
                        <td>{role_cells(&comparison.current_roles, role)}</td>
                        <td>{role_cells(&comparison.chosen_roles, role)}</td>
                    </tr>
                }
            })
            .collect_view();
        Some(view! {
            <table class="comparison">
                <thead><tr>
                    <th>{t!(i18n, selection.project)}</th><th>{t!(i18n, selection.stage_now)}</th><th>{t!(i18n, selection.change)}</th>
                    <th>{t!(i18n, selection.value)}</th><th>{t!(i18n, selection.cost)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <table class="totals">
                <thead><tr><th></th><th>{t!(i18n, selection.current_portfolio)}</th><th>{t!(i18n, selection.chosen_portfolio)}</th></tr></thead>
                <tbody>
                    <tr><th scope="row">{t!(i18n, selection.value)}</th><td data-testid="current-value">{format::number(lang(), comparison.current.value, 1)}</td><td data-testid="chosen-value">{format::number(lang(), comparison.chosen.value, 1)}</td></tr>
                    <tr><th scope="row">{t!(i18n, selection.cost)}</th><td>{format::whole_amount(lang(), comparison.current.cost)}</td><td data-testid="chosen-cost">{format::whole_amount(lang(), comparison.chosen.cost)}</td></tr>
                    {role_rows}
                </tbody>
            </table>
            <RecordDecision board comparison note=decision_note outcome=decision_outcome/>
        })
    };
    let chart = move || {
        let points = frontier.get();
        let current = run.with(|run| match run {
            Run::Finished { selection, .. } => problem.with(|problem| {
                board.view.snapshot.with(|b| views::selection::compare(b, problem, &selection.chosen).current)
            }),
            _ => Default::default(),
        });
        if points.is_empty() {
            return view! { <p class="empty" data-testid="frontier" data-points="0">{t!(i18n, selection.run_to_draw)}</p> }.into_any();
        }
        let chart = views::selection::frontier_chart(&points, current, &FRONTIER);
        view! { <div class="frontier-chart" data-testid="frontier" data-points=points.len() inner_html=frontier_svg(i18n, &chart)></div> }.into_any()
    };

    view! {
        <section class="selection-setup">
            <h2>{t!(i18n, selection.title)}</h2>
            <p class="hint">{move || tr!(i18n, selection.hint, weeks = PLANNING_WEEKS).to_string()}</p>
            <label class="budget">{t!(i18n, selection.budget)} " "
                <input type="number" step="any" min="0" aria-label=move || t_string!(i18n, selection.budget_for_selection) data-testid="selection-budget"
                    prop:value=move || budget_text.get().unwrap_or_else(|| format::number(lang(), default_budget.get(), 2))
                    aria-invalid=move || budget.with(Result::is_err).then_some("true") aria-describedby="budget-error"
                    on:change=move |ev| budget_text.set(Some(event_target_value(&ev)))/>
                <span class="hint">{move || board.view.snapshot.with(|b| match b.settings.budget_envelope {
                    Some(envelope) => {
                        tr!(i18n, selection.envelope_is, amount = format::whole_amount(lang(), envelope)).to_string()
                    }
                    None => t_string!(i18n, selection.no_envelope).to_owned(),
                })}</span>
            </label>
            <span class="field-error" id="budget-error" role="alert">{move || budget.get().err()}</span>
            <h3>{t!(i18n, selection.capacity_per_role)}</h3>
            {setup}
            <h3>{t!(i18n, selection.candidates)}</h3>
            <table class="candidates" data-testid="candidates" data-count=move || order.with(Vec::len)>
                <thead><tr>
                    <th>{t!(i18n, selection.project)}</th><th>{t!(i18n, selection.stage)}</th><th>{t!(i18n, selection.value)}</th>
                    <th>{t!(i18n, selection.cost)}</th><th>{t!(i18n, selection.decision)}</th>
                </tr></thead>
                <tbody node_ref=window.body on:focusin=move |ev| window.focus_in(&ev)>
                    {window.rows(move || order.with(|order| window.slots(order, None)), || CANDIDATE_COLUMNS, candidate_row)}
                </tbody>
            </table>
        </section>
        <section class="selection-run">
            <div class="run-controls">
                <button type="button" class="primary" data-testid="run-selection" disabled=move || searching() || budget.with(Result::is_err)
                    on:click=start>{t!(i18n, selection.run)}</button>
                <button type="button" data-testid="cancel-selection" disabled=move || !searching() && !frontier_busy.get()
                    on:click=move |_| cancel.set(true)>{t!(i18n, common.cancel)}</button>
            </div>
            {status}
            <Show when=move || stale.get()>
                <p class="notice" data-testid="selection-stale">{t!(i18n, selection.stale)}</p>
            </Show>
            {result}
        </section>
        <section class="selection-frontier">
            <h2>{t!(i18n, selection.frontier)}</h2>
            <p class="hint">{t!(i18n, selection.frontier_hint)}
                {move || frontier_busy.get().then(|| t_string!(i18n, selection.computing))}</p>
            {chart}
        </section>
        <section class="selection-decisions">
            <DecisionLog board/>
        </section>
    }
}

/// The frontier as SVG markup (see the dashboard's chart for why markup).
pub(crate) fn frontier_svg(i18n: I18nContext<Locale>, chart: &views::selection::FrontierChart) -> String {
    let frame = FRONTIER;
    let mut svg = format!(
        r#"<svg viewBox="0 0 {w} {h}" role="img" aria-label="{label}" xmlns="http://www.w3.org/2000/svg">"#,
        w = frame.width,
        h = frame.height,
        label = t_string!(i18n, selection.frontier_label),
    );
    for step in 0..=4 {
        let fraction = f64::from(step) / 4.0;
        svg += &format!(
            r#"<line class="grid" x1="{x}" y1="{top}" x2="{x}" y2="{bottom}"/><line class="grid" x1="{left}" y1="{y}" x2="{right}" y2="{y}"/><text class="tick" x="{x}" y="{below}" text-anchor="{anchor}">{budget}</text><text class="tick" x="{beside}" y="{y}" text-anchor="end" dominant-baseline="middle">{value}</text>"#,
            anchor = if step == 4 { "end" } else { "middle" },
            x = frame.x(fraction),
            y = frame.y(fraction),
            top = frame.y(1.0),
            bottom = frame.y(0.0),
            left = frame.x(0.0),
            right = frame.x(1.0),
            below = frame.y(0.0) + 16.0,
            beside = frame.x(0.0) - 8.0,
            budget = format::whole_amount(lang(), chart.max_budget * fraction),
            value = format::number(lang(), chart.max_value * fraction, 0),
        );
    }
    svg += &format!(
        r#"<text class="axis" x="{x}" y="{y}" text-anchor="middle">{budget}</text><text class="axis" transform="translate(14 {ty}) rotate(-90)" text-anchor="middle">{value}</text>"#,
        budget = t_string!(i18n, selection.axis_budget),
        value = t_string!(i18n, selection.axis_value),
        x = frame.x(0.5),
        y = frame.height - 6.0,
        ty = frame.y(0.5),
    );
    if !chart.points.is_empty() {
        let mut path = String::new();
        for (index, (x, y)) in chart.points.iter().enumerate() {
            path += &format!("{} {x:.1} {y:.1} ", if index == 0 { "M" } else { "L" });
        }
        svg += &format!(r#"<path class="frontier-line" d="{path}"/>"#);
        for (x, y) in &chart.points {
            svg += &format!(r#"<circle class="frontier-point" cx="{x:.1}" cy="{y:.1}" r="4"/>"#);
        }
    }
    if let Some((x, y)) = chart.current {
        svg += &format!(
            r#"<circle class="frontier-current" cx="{x:.1}" cy="{y:.1}" r="6"><title>{title}</title></circle><text class="tick current-label" x="{tx:.1}" y="{ty:.1}" dominant-baseline="hanging">{current}</text>"#,
            title = t_string!(i18n, selection.current_title),
            current = t_string!(i18n, selection.current),
            // Below and to the right: the frontier rises to the right and lies on or above the
            // current portfolio, so the label never sits on the line.
            tx = x + 8.0,
            ty = y + 8.0
        );
    }
    svg + "</svg>"
}

/// Writes one decision per project the chosen portfolio changes, with a note, the account's
/// name, the time and (by `Board::record_decision`) the board's version; lists the board's
/// latest decisions underneath.
#[component]
fn RecordDecision(
    board: BoardContext,
    comparison: views::selection::Comparison,
    /// Kept by the page: recording changes the board, which draws this form again.
    note: RwSignal<String>,
    outcome: RwSignal<Option<Result<Message, Message>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let decisions = views::selection::decisions(&comparison);
    let count = decisions.len();
    let decisions = StoredValue::new(decisions);
    let record = move |_| {
        let who = Auth::get().account().map(|account| account.name).unwrap_or_default();
        let at_ms = js_sys::Date::now() as i64;
        let text = note.get_untracked();
        let list = decisions.get_value();
        let result = board.try_apply(|b| {
            for (project, kind) in &list {
                let note = if text.trim().is_empty() {
                    t_string!(i18n, selection.default_note).to_owned()
                } else {
                    text.clone()
                };
                b.record_decision(DecisionId::random(), *kind, Some(project), &note, Stamp { by: who.clone(), at_ms })?;
            }
            Ok(())
        });
        outcome.set(Some(result.map(|()| match list.len() {
            1 => message!(selection.recorded_one),
            count => message!(selection.recorded, count),
        })));
    };
    view! {
        <form class="record-decision" on:submit=move |ev| { ev.prevent_default(); record(()); }>
            <input aria-label=move || t_string!(i18n, selection.decision_note)
                placeholder=move || t_string!(i18n, selection.note_placeholder) prop:value=note
                disabled=move || !board.editable.get() on:input=move |ev| note.set(event_target_value(&ev))/>
            <button type="submit" data-testid="record-decision" disabled=move || !board.editable.get() || count == 0>
                {move || if count == 1 {
                    t_string!(i18n, selection.record_one).to_string()
                } else {
                    tr!(i18n, selection.record, count).to_string()
                }}
            </button>
            {move || outcome.get().map(|outcome| match outcome {
                Ok(text) => view! { <span role="status" class="done" data-testid="record-outcome">{move || text.text(i18n)}</span> }.into_any(),
                Err(text) => view! { <span role="alert" class="field-error" data-testid="record-outcome">{move || text.text(i18n)}</span> }.into_any(),
            })}
        </form>
    }
}

/// The board's decisions, newest first.
#[component]
pub fn DecisionLog(board: BoardContext) -> impl IntoView {
    let i18n = use_i18n();
    let rows = move || {
        board.view.snapshot.with(|b| {
            b.decisions
                .iter()
                .take(20)
                .map(|decision| {
                    let project = decision
                        .project
                        .as_ref()
                        .and_then(|id| b.project(id))
                        .map(|p| p.name.clone())
                        .unwrap_or_else(|| "–".into());
                    let when = format::time(lang(), decision.recorded.at_ms);
                    let version = decision.heads.first().map(|h| h.to_string()[..8].to_owned()).unwrap_or_default();
                    view! {
                        <tr data-testid="decision-row">
                            <td>{kind_label(i18n, decision.kind)}</td>
                            <td>{project}</td>
                            <td>{decision.note.clone()}</td>
                            <td>{decision.recorded.by.clone()}</td>
                            <td>{when}</td>
                            <td><code title=move || t_string!(i18n, selection.version_title)>{version}</code></td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <h2>{t!(i18n, selection.decisions)}</h2>
        <Show when=move || board.view.snapshot.with(|b| !b.decisions.is_empty())
            fallback=move || view! { <p class="empty">{t!(i18n, selection.no_decision)}</p> }>
            <table class="decisions">
                <thead><tr>
                    <th>{t!(i18n, selection.decision)}</th><th>{t!(i18n, selection.project)}</th><th>{t!(i18n, selection.note)}</th>
                    <th>{t!(i18n, selection.by)}</th><th>{t!(i18n, selection.when)}</th><th>{t!(i18n, selection.board_version)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </Show>
    }
}

/// Why nothing fits, in the reader's language (tracked), with the projects' names.
/// Why the selection cannot work with its problem, in the reader's language (tracked), every
/// project by its name.
pub(crate) fn word_selection_error(board: BoardContext, error: &SelectionError) -> String {
    let locale = use_i18n().get_locale();
    board.view.snapshot.with(|snapshot| crate::words::selection_error(locale, error, &|id| project_name(snapshot, id)))
}

/// A project's name on the board, its id when it is not there.
pub(crate) fn project_name(snapshot: &shared::board::BoardSnapshot, id: &ProjectId) -> String {
    snapshot.projects.iter().find(|p| &p.id == id).map_or_else(|| id.to_string(), |p| p.name.clone())
}

fn word_infeasibility(board: BoardContext, why: &shared::selection::Infeasibility) -> String {
    let locale = use_i18n().get_locale();
    board.view.snapshot.with(|snapshot| crate::words::infeasibility(locale, why, &|id| project_name(snapshot, id)))
}
