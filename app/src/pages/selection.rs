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
    selection::{self, Selection, SelectionProblem, SelectionSearch, SelectionStatus},
    views::{
        self,
        dashboard::ChartFrame,
        selection::{Change, Force, RoleUse, Setup},
    },
    IsoWeek, ProjectId,
};

use super::{board::BoardContext, dashboard::PLANNING_WEEKS};
use crate::account::Auth;

pub(crate) const FRONTIER: ChartFrame = ChartFrame::new(640.0, 320.0);
/// A slice of the search should stay well under the ~50 ms that makes a page feel stuck.
const SLICE_MS: f64 = 20.0;

/// Where the solver is.
#[derive(Debug, Clone, PartialEq)]
enum Run {
    Idle,
    Searching { nodes: u64, value: f64, gap: f64 },
    Finished { selection: Selection, problem: SelectionProblem },
    Failed(String),
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

/// Runs a search to its end, a slice at a time, each slice sized to take about [`SLICE_MS`].
/// Answers `None` when `cancelled` (checked between slices) says stop.
pub(crate) async fn search_in_slices(
    problem: &SelectionProblem,
    cancelled: impl Fn() -> bool,
    mut progress: impl FnMut(&SelectionSearch<'_>),
) -> Result<Selection, String> {
    let mut search = SelectionSearch::new(problem).map_err(|e| e.to_string())?;
    let mut nodes = 4u64;
    loop {
        let started = js_sys::Date::now();
        let done = search.step(nodes).map_err(|e| e.to_string())?;
        let elapsed = js_sys::Date::now() - started;
        if elapsed < SLICE_MS / 2.0 {
            nodes = (nodes * 2).min(1 << 14);
        } else if elapsed > SLICE_MS {
            nodes = (nodes / 2).max(1);
        }
        progress(&search);
        if done || cancelled() {
            return search.selection().map_err(|e| e.to_string());
        }
        yield_to_browser().await;
    }
}

#[component]
pub fn SelectionPage() -> impl IntoView {
    let board = BoardContext::get();
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
    let decision_outcome = RwSignal::new(None::<Result<String, String>>);

    let default_budget = Memo::new(move |_| board.view.snapshot.with(views::selection::default_budget));
    let budget = Memo::new(move |_| match budget_text.get() {
        None => Ok(default_budget.get()),
        Some(text) => match super::board::parse_number(&text) {
            Some(value) if value >= 0.0 => Ok(value),
            _ => Err("the budget must be a number of at least 0, for example 900000".to_owned()),
        },
    });
    let values = Memo::new(move |_| {
        board.view.snapshot.with(|b| {
            let dashboard = shared::dashboard::compute(b, &weeks.get_value());
            views::selection::candidate_values(b, &dashboard)
        })
    });
    let problem = Memo::new(move |_| {
        let setup = Setup { budget: budget.get().unwrap_or(0.0), role_hours: role_hours.get(), forced: forced.get() };
        let values = values.get();
        board.view.snapshot.with(|b| views::selection::build_problem(b, &values, &setup, &weeks.get_value()))
    });
    let preview = Memo::new(move |_| problem.with(|p| selection::greedy_preview(p).map_err(|e| e.to_string())));
    let roles = Memo::new(move |_| board.view.snapshot.with(views::selection::role_capacities));
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
                let label = if name.is_empty() { "(no role)".to_owned() } else { name.clone() };
                let key = name.clone();
                let shown = move || role_hours.with(|hours| hours.get(&key).copied()).unwrap_or(role.hours_per_week);
                let error = RwSignal::new(None::<String>);
                view! {
                    <tr data-testid="role-row">
                        <th scope="row">{label.clone()}</th>
                        <td>{role.people}</td>
                        <td>{views::number(role.hours_per_week, 1)}</td>
                        <td><input type="number" step="any" min="0" class="hours" aria-label=format!("Hours per week of {label} for this selection")
                            prop:value=move || views::number(shown(), 2) aria-invalid=move || error.with(Option::is_some).then_some("true")
                            on:change=move |ev| {
                                let text = event_target_value(&ev);
                                match super::board::parse_number(&text).filter(|hours| *hours >= 0.0) {
                                    Some(hours) => { error.set(None); role_hours.update(|all| { all.insert(name.clone(), hours); }); }
                                    None => error.set(Some("hours per week must be a number of at least 0".into())),
                                }
                            }/>
                            <span class="field-error" role="alert">{move || error.get()}</span></td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="roles">
                <thead><tr><th>"Role"</th><th>"People"</th><th>"Hours/week on the board"</th><th>"Hours/week for this selection"</th></tr></thead>
                <tbody>{role_rows}</tbody>
            </table>
        }
    };
    let candidates = move || {
        let value_of = values.get();
        board.view.snapshot.with(|b| {
            problem.with(|problem| {
                problem
                    .candidates
                    .iter()
                    .filter_map(|candidate| {
                        let project = b.projects.iter().find(|p| p.id.as_str() == candidate.id)?;
                        let id = project.id.clone();
                        let current = forced.with(|f| f.get(&id).copied());
                        let value = value_of.get(&id).copied().unwrap_or(0.0);
                        let select_id = id.clone();
                        Some(view! {
                            <tr data-testid="candidate-row" data-project-id=id.to_string()>
                                <td>{project.name.clone()}</td>
                                <td class="stage">{project.stage.label()}</td>
                                <td class="number">{views::number(value, 1)}</td>
                                <td class="number">{views::money(candidate.cost)}</td>
                                <td><select aria-label=format!("Force {}", project.name) on:change=move |ev| {
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
                                    <option value="" selected=current.is_none()>"Solver decides"</option>
                                    <option value="in" selected=current == Some(Force::In)>"Force in"</option>
                                    <option value="out" selected=current == Some(Force::Out)>"Force out"</option>
                                </select></td>
                            </tr>
                        })
                    })
                    .collect_view()
            })
        })
    };
    let searching = move || matches!(run.get(), Run::Searching { .. });
    let status = move || {
        match run.get() {
        Run::Idle => {
            let text = match preview.get() {
                Ok(preview) if preview.infeasible.is_none() => format!(
                    "Quick preview (value per cost, not optimal): value {} for {}. Run the exact selection for the best portfolio.",
                    views::number(preview.total_value, 1),
                    views::money(preview.total_cost)
                ),
                Ok(preview) => format!("No portfolio fits: {}", preview.infeasible.map(|i| i.to_string()).unwrap_or_default()),
                Err(error) => error,
            };
            view! { <p class="hint" data-testid="selection-status">{text}</p> }.into_any()
        }
        Run::Searching { nodes, value, gap } => view! {
            <p class="searching" role="status" data-testid="selection-status">
                <progress aria-label="Searching"></progress>
                {format!(" Searching… {nodes} nodes explored; best so far worth {}, within {} of the optimum.", views::number(value, 1), views::percent(gap))}
            </p>
        }
        .into_any(),
        Run::Failed(error) => view! { <p class="problem" role="alert" data-testid="selection-status">{error}</p> }.into_any(),
        Run::Finished { selection, .. } => {
            let text = match &selection.status {
                SelectionStatus::Optimal => format!(
                    "Optimal: no portfolio within the budget and capacity is worth more ({} nodes explored).",
                    selection.effort.nodes
                ),
                SelectionStatus::Stopped(_) => format!(
                    "Stopped before the proof: this portfolio is worth at least {} of the optimum (gap {}).",
                    views::percent(1.0 - selection.gap),
                    views::percent(selection.gap)
                ),
                SelectionStatus::Infeasible(why) => format!("No portfolio fits: {why}"),
            };
            view! { <p class="outcome" role="status" data-testid="selection-status">{text}</p> }.into_any()
        }
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
                        <td class="stage">{row.stage.label()}</td>
                        <td><span class=format!("change change-{class}")>{row.change.label()}</span></td>
                        <td class="number">{views::number(row.value, 1)}</td>
                        <td class="number">{views::money(row.cost)}</td>
                    </tr>
                }
            })
            .collect_view();
        let role_cells = |uses: &[RoleUse], role: &str| {
            uses.iter()
                .find(|u| u.role == role)
                .map(|u| {
                    format!(
                        "{} h of {}{}",
                        views::number(u.demand_hours, 1),
                        u.capacity_hours.map_or("no limit".to_owned(), |c| format!("{} h", views::number(c, 1))),
                        u.peak.map(|p| format!(" (busiest week {})", views::percent(p))).unwrap_or_default()
                    )
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
                        <th scope="row">{if role.is_empty() { "(no role)".to_owned() } else { role.clone() }}</th>
                        <td>{role_cells(&comparison.current_roles, role)}</td>
                        <td>{role_cells(&comparison.chosen_roles, role)}</td>
                    </tr>
                }
            })
            .collect_view();
        Some(view! {
            <table class="comparison">
                <thead><tr><th>"Project"</th><th>"Stage now"</th><th>"Change"</th><th>"Value"</th><th>"Cost"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <table class="totals">
                <thead><tr><th></th><th>"Current portfolio " <span class="zh" lang="zh">"现有组合"</span></th><th>"Chosen portfolio " <span class="zh" lang="zh">"推荐组合"</span></th></tr></thead>
                <tbody>
                    <tr><th scope="row">"Value"</th><td data-testid="current-value">{views::number(comparison.current.value, 1)}</td><td data-testid="chosen-value">{views::number(comparison.chosen.value, 1)}</td></tr>
                    <tr><th scope="row">"Cost"</th><td>{views::money(comparison.current.cost)}</td><td data-testid="chosen-cost">{views::money(comparison.chosen.cost)}</td></tr>
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
            return view! { <p class="empty" data-testid="frontier" data-points="0">"Run the exact selection to draw the frontier."</p> }.into_any();
        }
        let chart = views::selection::frontier_chart(&points, current, &FRONTIER);
        view! { <div class="frontier-chart" data-testid="frontier" data-points=points.len() inner_html=frontier_svg(&chart)></div> }.into_any()
    };

    view! {
        <section class="selection-setup">
            <h2>"Portfolio selection " <span class="zh" lang="zh">"项目组合选择"</span></h2>
            <p class="hint">"Chooses the projects still in play that are worth the most within the budget and every role's weekly hours over the next "
                {PLANNING_WEEKS} " weeks. Active projects are kept unless forced out. Value is 100 × the weighted score (else the strategic alignment). "
                "What you set here is yours alone until you record a decision."</p>
            <label class="budget">"Budget " <span class="zh" lang="zh">"预算"</span> " "
                <input type="number" step="any" min="0" aria-label="Budget for this selection" data-testid="selection-budget"
                    prop:value=move || budget_text.get().unwrap_or_else(|| views::number(default_budget.get(), 2))
                    aria-invalid=move || budget.with(Result::is_err).then_some("true") aria-describedby="budget-error"
                    on:change=move |ev| budget_text.set(Some(event_target_value(&ev)))/>
                <span class="hint">{move || board.view.snapshot.with(|b| match b.settings.budget_envelope {
                    Some(envelope) => format!(" The board's envelope is {}.", views::money(envelope)),
                    None => " The board has no envelope: the default is every candidate's cost.".to_owned(),
                })}</span>
            </label>
            <span class="field-error" id="budget-error" role="alert">{move || budget.get().err()}</span>
            <h3>"Capacity per role " <span class="zh" lang="zh">"角色产能"</span></h3>
            {setup}
            <h3>"Candidates " <span class="zh" lang="zh">"候选项目"</span></h3>
            <table class="candidates">
                <thead><tr><th>"Project"</th><th>"Stage"</th><th>"Value"</th><th>"Cost"</th><th>"Decision"</th></tr></thead>
                <tbody>{candidates}</tbody>
            </table>
        </section>
        <section class="selection-run">
            <div class="run-controls">
                <button type="button" class="primary" data-testid="run-selection" disabled=move || searching() || budget.with(Result::is_err)
                    on:click=start>"Run exact selection " <span class="zh" lang="zh">"求解"</span></button>
                <button type="button" data-testid="cancel-selection" disabled=move || !searching() && !frontier_busy.get()
                    on:click=move |_| cancel.set(true)>"Cancel"</button>
            </div>
            {status}
            <Show when=move || stale.get()>
                <p class="notice" data-testid="selection-stale">"The board or your setup changed since this run: run it again for an up-to-date answer."</p>
            </Show>
            {result}
        </section>
        <section class="selection-frontier">
            <h2>"Efficient frontier " <span class="zh" lang="zh">"有效前沿"</span></h2>
            <p class="hint">"The best value reachable at each budget level, every other constraint unchanged; the dot is the current portfolio."
                {move || frontier_busy.get().then_some(" Computing…")}</p>
            {chart}
        </section>
        <section class="selection-decisions">
            <DecisionLog board/>
        </section>
    }
}

/// The frontier as SVG markup (see the dashboard's chart for why markup).
pub(crate) fn frontier_svg(chart: &views::selection::FrontierChart) -> String {
    let frame = FRONTIER;
    let mut svg = format!(
        r#"<svg viewBox="0 0 {w} {h}" role="img" aria-label="Efficient frontier: best value at each budget level" xmlns="http://www.w3.org/2000/svg">"#,
        w = frame.width,
        h = frame.height
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
            budget = views::money(chart.max_budget * fraction),
            value = views::number(chart.max_value * fraction, 0),
        );
    }
    svg += &format!(
        r#"<text class="axis" x="{x}" y="{y}" text-anchor="middle">Budget 预算</text><text class="axis" transform="translate(14 {ty}) rotate(-90)" text-anchor="middle">Best value 价值</text>"#,
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
            r#"<circle class="frontier-current" cx="{x:.1}" cy="{y:.1}" r="6"><title>Current portfolio</title></circle><text class="tick" x="{tx:.1}" y="{y:.1}" dominant-baseline="middle">current</text>"#,
            tx = x + 10.0
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
    outcome: RwSignal<Option<Result<String, String>>>,
) -> impl IntoView {
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
                let note = if text.trim().is_empty() { "Portfolio selection".to_owned() } else { text.clone() };
                b.record_decision(DecisionId::random(), *kind, Some(project), &note, Stamp { by: who.clone(), at_ms })?;
            }
            Ok(())
        });
        outcome.set(Some(result.map(|()| match list.len() {
            1 => "Recorded 1 decision.".to_owned(),
            n => format!("Recorded {n} decisions."),
        })));
    };
    view! {
        <form class="record-decision" on:submit=move |ev| { ev.prevent_default(); record(()); }>
            <input aria-label="Decision note" placeholder="Note, e.g. Q1 portfolio review" prop:value=note
                disabled=move || !board.editable.get() on:input=move |ev| note.set(event_target_value(&ev))/>
            <button type="submit" data-testid="record-decision" disabled=move || !board.editable.get() || count == 0>
                {format!("Record as decision ({count} project{})", if count == 1 { "" } else { "s" })} " " <span class="zh" lang="zh">"记录决策"</span>
            </button>
            {move || outcome.get().map(|outcome| match outcome {
                Ok(text) => view! { <span role="status" class="done" data-testid="record-outcome">{text}</span> }.into_any(),
                Err(text) => view! { <span role="alert" class="field-error" data-testid="record-outcome">{text}</span> }.into_any(),
            })}
        </form>
    }
}

/// The board's decisions, newest first.
#[component]
pub fn DecisionLog(board: BoardContext) -> impl IntoView {
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
                    let when = chrono::DateTime::from_timestamp_millis(decision.recorded.at_ms)
                        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                        .unwrap_or_default();
                    let version = decision.heads.first().map(|h| h.to_string()[..8].to_owned()).unwrap_or_default();
                    view! {
                        <tr data-testid="decision-row">
                            <td>{decision.kind.as_str()}</td>
                            <td>{project}</td>
                            <td>{decision.note.clone()}</td>
                            <td>{decision.recorded.by.clone()}</td>
                            <td>{when}</td>
                            <td><code title="The board's version the decision was taken on">{version}</code></td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <h2>"Decisions " <span class="zh" lang="zh">"决策记录"</span></h2>
        <Show when=move || board.view.snapshot.with(|b| !b.decisions.is_empty())
            fallback=|| view! { <p class="empty">"No decision recorded yet."</p> }>
            <table class="decisions">
                <thead><tr><th>"Decision"</th><th>"Project"</th><th>"Note"</th><th>"By"</th><th>"When"</th><th>"Board version"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </Show>
    }
}
