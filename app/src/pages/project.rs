//! The project page (项目), `/board/:id/project/:project`: one project's people, state,
//! lifecycle phase with its stage-gate checklist, dates and milestones, dependencies, money and
//! earned value with the computed RAG beside the manager's, its risks, lessons and decisions,
//! and its bookings by week. Every value is read from the live snapshot, so a colleague's tick
//! or figure shows here as it syncs. The figures come from `shared::views::project`.

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};
use shared::{
    board::{BoardError, BoardSnapshot, DecisionId, DecisionKind, Financials, MilestoneId, Phase, Project, Stamp},
    finance::Rag,
    views::{
        format::{self, amount},
        project::{self as view_model, MilestoneStatus},
        risks::band_label,
    },
    IsoWeek, ProjectId, Stage,
};

use super::board::{parse_number, BoardContext};
use crate::{
    account::Auth,
    components::{blame::FieldStory, field::Field},
};

/// Weeks of bookings shown, from this week on.
const BOOKING_WEEKS: usize = 12;

/// Who is acting and now, for ticks, lessons and decisions.
pub fn stamp() -> Stamp {
    let by = Auth::get().account().map(|account| account.name).unwrap_or_default();
    Stamp { by, at_ms: chrono::Utc::now().timestamp_millis() }
}

/// The link to a project's page.
pub fn project_href(board: BoardContext, project: &ProjectId) -> String {
    board.href(&format!("project/{project}"))
}

/// A project's name as a link to its page.
#[component]
pub fn ProjectLink(board: BoardContext, #[prop(into)] id: ProjectId, #[prop(into)] name: String) -> impl IntoView {
    view! { <A href=project_href(board, &id) attr:class="project-link">{name}</A> }
}

/// A dependency error with project names instead of ids: "ERP → CRM → ERP".
fn named_error(board: &BoardSnapshot, error: BoardError) -> BoardError {
    let name = |id: &ProjectId| board.project(id).map_or_else(|| id.to_string(), |p| p.name.clone());
    match error {
        BoardError::DependencyCycle(path) => BoardError::Invalid(format!(
            "refused: this dependency would make a cycle: {}",
            path.iter().map(name).collect::<Vec<_>>().join(" → ")
        )),
        BoardError::SelfDependency(_) => BoardError::Invalid("a project cannot depend on itself".into()),
        other => other,
    }
}

#[component]
pub fn ProjectPage() -> impl IntoView {
    let board = BoardContext::get();
    let params = use_params_map();
    let id =
        Memo::new(move |_| params.with(|params| params.get("project")).and_then(|id| id.parse::<ProjectId>().ok()));
    let exists = Memo::new(move |_| {
        id.get().is_some_and(|id| board.view.snapshot.with(|snapshot| snapshot.project(&id).is_some()))
    });
    move || match (id.get(), exists.get()) {
        (Some(id), true) => view! { <ProjectView id board/> }.into_any(),
        _ => view! {
            <section class="project-page" data-testid="no-project">
                <p class="notice" role="status">"There is no such project on this board: it may have been deleted. "
                    <A href=board.href("")>"See the priorities"</A></p>
            </section>
        }
        .into_any(),
    }
}

#[component]
fn ProjectView(id: ProjectId, board: BoardContext) -> impl IntoView {
    let id = StoredValue::new(id);
    // While a colleague's deletion reaches the page, which then says the project is gone, this
    // keeps showing the project as it last was rather than failing.
    let project = Memo::new(move |previous: Option<&Project>| {
        board
            .view
            .snapshot
            .with(|snapshot| snapshot.project(&id.get_value()).cloned())
            .or_else(|| previous.cloned())
            .expect("the page is made only for a project the board holds")
    });
    let read_only = Signal::derive(move || !board.editable.get());
    let text = move |f: fn(&Project) -> String| Signal::derive(move || project.with(f));
    let stage = move || project.with(|p| p.stage);
    let conflicts = move || {
        project.with(|p| {
            (!p.conflicts.is_empty()).then(|| {
                let fields: Vec<String> = p
                    .conflicts
                    .iter()
                    .map(|c| format!("{} is “{}”, also set to “{}”", c.field, c.winner, c.others.join("”, “")))
                    .collect();
                format!("Changed by two people: {}", fields.join("; "))
            })
        })
    };
    let stage_options = Stage::ALL
        .into_iter()
        .map(|option| view! { <option value=option.as_str() selected=move || stage() == option>{option.label()}</option> })
        .collect_view();

    view! {
        <section class="project-page" data-testid="project-page" data-project-id=id.get_value().to_string()>
            <p class="crumbs"><A href=board.href("")>"Priorities"</A>" › Project "<span class="zh" lang="zh">"项目"</span></p>
            <div class="project-title">
                <Field class="project-title-name" label="Project name" value=text(|p| p.name.clone()) disabled=read_only testid="project-name"
                    commit=move |name| board.try_apply(|b| b.rename_project(&id.get_value(), &name))/>
                <label>"State " <span class="zh" lang="zh">"状态"</span>
                    <select aria-label="State" data-testid="project-stage" prop:value=move || stage().as_str() disabled=read_only
                        on:change=move |ev| {
                            match event_target_value(&ev).parse::<Stage>() {
                                Ok(stage) => board.apply(|b| b.set_project_stage(&id.get_value(), stage)),
                                Err(error) => board.notice.set(Some(error.to_string())),
                            }
                        }>{stage_options}</select>
                </label>
            </div>
            {move || conflicts().map(|text| view! { <p class="conflict" data-testid="conflict">{format!("⚑ {text}")}</p> })}
            <dl class="facts">
                <div><dt>"Sponsor " <span class="zh" lang="zh">"发起人"</span></dt><dd>
                    <Field label="Sponsor" value=text(|p| p.sponsor.clone()) disabled=read_only testid="sponsor"
                        commit=move |sponsor| board.try_apply(|b| {
                            let manager = b.project(&id.get_value()).map(|p| p.manager).unwrap_or_default();
                            b.set_project_people(&id.get_value(), &sponsor, &manager)
                        })/>
                </dd></div>
                <div><dt>"Manager " <span class="zh" lang="zh">"项目经理"</span></dt><dd>
                    <Field label="Manager" value=text(|p| p.manager.clone()) disabled=read_only testid="manager"
                        commit=move |manager| board.try_apply(|b| {
                            let sponsor = b.project(&id.get_value()).map(|p| p.sponsor).unwrap_or_default();
                            b.set_project_people(&id.get_value(), &sponsor, &manager)
                        })/>
                </dd></div>
                <div><dt>"Start " <span class="zh" lang="zh">"开始"</span></dt><dd>
                    <Field label="Planned start" input_type="date" value=text(|p| p.start.map(|d| d.to_string()).unwrap_or_default())
                        disabled=read_only testid="start"
                        commit=move |start| {
                            let start = parse_date(&start)?;
                            board.try_apply(|b| {
                                let end = b.project(&id.get_value()).and_then(|p| p.end);
                                b.set_project_dates(&id.get_value(), start, end)
                            })
                        }/>
                </dd></div>
                <div><dt>"End " <span class="zh" lang="zh">"结束"</span></dt><dd>
                    <Field label="Planned end" input_type="date" value=text(|p| p.end.map(|d| d.to_string()).unwrap_or_default())
                        disabled=read_only testid="end"
                        commit=move |end| {
                            let end = parse_date(&end)?;
                            board.try_apply(|b| {
                                let start = b.project(&id.get_value()).and_then(|p| p.start);
                                b.set_project_dates(&id.get_value(), start, end)
                            })
                        }/>
                </dd></div>
            </dl>
        </section>
        <FieldStory board project=id.get_value()/>
        <Lifecycle id=id.get_value() board project/>
        <Money id=id.get_value() board project/>
        <Milestones id=id.get_value() board/>
        <Dependencies id=id.get_value() board project/>
        <Registers id=id.get_value() board/>
        <Bookings id=id.get_value() board/>
    }
}

/// An empty text clears a date; anything else must be a date.
fn parse_date(text: &str) -> Result<Option<NaiveDate>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<NaiveDate>().map(Some).map_err(|_| format!("“{text}” is not a date: write it as 2027-03-31"))
}

/// Sets a checkbox's state (the DOM property), for a change the board refused.
fn set_checked(ev: &leptos::ev::Event, checked: bool) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(input) = ev.target().and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok()) {
            input.set_checked(checked);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, checked);
}

/// The phase stepper, the checklist of the current phase and moving on.
#[component]
fn Lifecycle(id: ProjectId, board: BoardContext, project: Memo<Project>) -> impl IntoView {
    let id = StoredValue::new(id);
    let read_only = move || !board.editable.get();
    let phase = Memo::new(move |_| project.with(|p| p.phase));
    let lines = Memo::new(move |_| {
        let phase = phase.get();
        board.view.snapshot.with(|snapshot| project.with(|p| view_model::gate_checklist(snapshot, p, phase)))
    });
    // Set while the person is asked to confirm moving on with items unticked.
    let confirming = RwSignal::new(false);
    let move_to = move |to: Phase, skipped: Vec<String>| {
        let from = phase.get_untracked();
        board.apply(|b| {
            b.set_project_phase(&id.get_value(), to)?;
            if skipped.is_empty() {
                return Ok(());
            }
            // Moving on past an unfinished gate is a decision: it is recorded with who and when.
            let note = view_model::skipped_gate_note(from, to, &skipped);
            b.record_decision(DecisionId::random(), DecisionKind::Approve, Some(&id.get_value()), &note, stamp())
        });
        confirming.set(false);
    };
    let next = move || view_model::next_phase(phase.get());
    let steps = Phase::ALL
        .into_iter()
        .map(|step| {
            let state = move || match phase.get().cmp(&step) {
                std::cmp::Ordering::Greater => "past",
                std::cmp::Ordering::Equal => "current",
                std::cmp::Ordering::Less => "future",
            };
            view! {
                <li class=state aria-current=move || (state() == "current").then_some("step")>{step.label()}</li>
            }
        })
        .collect_view();
    // Rows are keyed by item and read their tick reactively: ticking (with the mouse or the
    // space bar) keeps the checkbox, and so the focus, in place.
    let row = move |line: view_model::GateLine| {
        let item = StoredValue::new(line.item.clone());
        let ticked = move || {
            lines.with(|lines| lines.iter().find(|l| l.item == item.get_value()).and_then(|l| l.ticked.clone()))
        };
        view! {
            <li class="gate-item" data-testid="gate-item" data-item=line.item.clone()>
                <label>
                    <input type="checkbox" prop:checked=move || ticked().is_some() disabled=read_only
                        on:change=move |ev| {
                            let tick = event_target_checked(&ev);
                            let phase = phase.get_untracked();
                            board.apply(|b| if tick {
                                b.tick_gate(&id.get_value(), phase, &item.get_value(), stamp())
                            } else {
                                b.untick_gate(&id.get_value(), phase, &item.get_value())
                            });
                            // A refused change leaves the box as the board has it.
                            if board.notice.get_untracked().is_some() {
                                set_checked(&ev, !tick);
                            }
                        }/>
                    " " {line.label.clone()}
                </label>
                {move || ticked().map(|stamp| view! { <span class="ticked-by" data-testid="ticked-by">{format!("✓ {}", format::stamp(&stamp))}</span> })}
            </li>
        }
    };

    view! {
        <section class="lifecycle" aria-labelledby="lifecycle-heading">
            <h2 id="lifecycle-heading">"Lifecycle and stage gate " <span class="zh" lang="zh">"生命周期与阶段关口"</span></h2>
            <ol class="phases" data-testid="phases">{steps}</ol>
            <h3>{move || format!("Gate checklist: {}", phase.get().label())}</h3>
            <ul class="gate">
                <For each=move || lines.get() key=|line| (line.item.clone(), line.label.clone()) children=row/>
            </ul>
            <Show when=move || lines.with(Vec::is_empty)>
                <p class="empty">"The board's template has no checklist for this phase."</p>
            </Show>
            <div class="phase-actions">
                {move || match next() {
                    Some(to) => view! {
                        <button type="button" data-testid="next-phase" disabled=read_only
                            on:click=move |_| {
                                let skipped = lines.with_untracked(|lines| view_model::unticked(lines));
                                if skipped.is_empty() { move_to(to, skipped) } else { confirming.set(true) }
                            }>{format!("Move to {} →", to.label())}</button>
                    }.into_any(),
                    None => view! { <span class="hint">"Closing is the last phase."</span> }.into_any(),
                }}
            </div>
            <Show when=move || confirming.get()>
                {move || {
                    let skipped = lines.with(|lines| view_model::unticked(lines));
                    let to = next();
                    view! {
                        <div class="confirm" role="alertdialog" aria-labelledby="confirm-heading" data-testid="confirm-phase">
                            <p id="confirm-heading"><strong>{format!("{} item(s) of this gate are not ticked:", skipped.len())}</strong></p>
                            <ul>{skipped.iter().map(|label| view! { <li>{label.clone()}</li> }).collect_view()}</ul>
                            <p>"Moving on anyway is recorded as a decision, with your name and the time."</p>
                            <button type="button" class="warn" data-testid="confirm-move" disabled=read_only
                                on:click=move |_| { if let Some(to) = to { move_to(to, skipped.clone()) } }>"Move on anyway"</button>
                            " "
                            <button type="button" on:click=move |_| confirming.set(false)>"Cancel"</button>
                        </div>
                    }
                }}
            </Show>
        </section>
    }
}

/// Budget, actual cost, planned and earned value, percent complete; the earned-value figures;
/// the computed RAG beside the manager's. The figures are text fields read with
/// `parse_number`: a number-type `Field` loses a decimal point while it is being typed
/// (typing "12.5" leaves "512").
#[component]
fn Money(id: ProjectId, board: BoardContext, project: Memo<Project>) -> impl IntoView {
    let id = StoredValue::new(id);
    let read_only = Signal::derive(move || !board.editable.get());
    let health = Memo::new(move |_| {
        board.view.snapshot.with(|snapshot| project.with(|p| view_model::health(&snapshot.settings, p)))
    });
    let currency = move || board.view.snapshot.with(|snapshot| snapshot.settings.currency.clone());
    let number = move |f: fn(&Project) -> f64| Signal::derive(move || project.with(f).to_string());
    // Writes one of the four figures, keeping the other three as they are.
    let set_figure = move |text: String, what: &'static str, put: fn(&mut Financials, f64)| -> Result<(), String> {
        let value = parse_number(&text).ok_or_else(|| format!("{what} must be a number, for example 12500"))?;
        board.try_apply(|b| {
            let mut financials = b.project(&id.get_value()).map(|p| p.financials).unwrap_or_default();
            put(&mut financials, value);
            b.set_project_financials(&id.get_value(), financials)
        })
    };
    let manual = move || project.with(|p| p.manual_rag);
    let figure_rows = move || {
        health.with(|health| match &health.earned_value {
            Err(reason) => view! { <p class="problem" role="status" data-testid="ev-problem">{format!("No earned-value figures: {reason}.")}</p> }.into_any(),
            Ok(ev) => {
                let rows = [
                    ("CV", "成本偏差", "Cost variance EV − AC", amount(ev.cost_variance), ev.cost_variance < 0.0),
                    ("SV", "进度偏差", "Schedule variance EV − PV", amount(ev.schedule_variance), ev.schedule_variance < 0.0),
                    ("CPI", "成本绩效指数", "Cost performance index EV ÷ AC", format::index(ev.cost_performance_index), ev.cost_performance_index.is_some_and(|i| i < 1.0)),
                    ("SPI", "进度绩效指数", "Schedule performance index EV ÷ PV", format::index(ev.schedule_performance_index), ev.schedule_performance_index.is_some_and(|i| i < 1.0)),
                    ("EAC", "完工估算", "Estimate at completion", amount(ev.estimate_at_completion), ev.variance_at_completion < 0.0),
                    ("ETC", "完工尚需估算", "Estimate to complete EAC − AC", amount(ev.estimate_to_complete), false),
                    ("VAC", "完工偏差", "Variance at completion BAC − EAC", amount(ev.variance_at_completion), ev.variance_at_completion < 0.0),
                    ("TCPI", "完工尚需绩效指数", "To-complete performance index (BAC − EV) ÷ (BAC − AC)", format::index(ev.to_complete_performance_index), ev.to_complete_performance_index.is_some_and(|i| i > 1.0)),
                ];
                view! {
                    <dl class="ev-figures" data-testid="ev-figures">
                        {rows.into_iter().map(|(short, zh, long, value, bad)| view! {
                            <div class:bad=bad data-figure=short><dt title=long>{short} " " <span class="zh" lang="zh">{zh}</span></dt><dd>{value}</dd></div>
                        }).collect_view()}
                    </dl>
                }.into_any()
            }
        })
    };
    let rag_options = move || {
        [None, Some(Rag::Green), Some(Rag::Amber), Some(Rag::Red)]
            .into_iter()
            .map(|rag| {
                let value = rag.map_or("", Rag::as_str);
                view! { <option value=value selected=move || manual() == rag>{view_model::rag_label(rag)}</option> }
            })
            .collect_view()
    };

    view! {
        <section class="money" aria-labelledby="money-heading">
            <h2 id="money-heading">"Money and earned value " <span class="zh" lang="zh">"财务与挣值"</span> " "
                <small class="hint">{move || format!("in {}", currency())}</small></h2>
            <div class="money-inputs">
                <label>"Budget (BAC) " <span class="zh" lang="zh">"预算"</span>
                    <Field label="Budget" value=number(|p| p.budget) disabled=read_only testid="budget"
                        commit=move |text| {
                            match parse_number(&text) {
                                Some(budget) => board.try_apply(|b| b.set_project_budget(&id.get_value(), budget)),
                                None => Err("the budget must be a number, for example 250000".into()),
                            }
                        }/></label>
                <label>"Actual cost (AC) " <span class="zh" lang="zh">"实际成本"</span>
                    <Field label="Actual cost" value=number(|p| p.financials.actual_cost) disabled=read_only testid="actual-cost"
                        commit=move |text| set_figure(text, "the actual cost", |f, v| f.actual_cost = v)/></label>
                <label>"Planned value (PV) " <span class="zh" lang="zh">"计划价值"</span>
                    <Field label="Planned value" value=number(|p| p.financials.planned_value) disabled=read_only testid="planned-value"
                        commit=move |text| set_figure(text, "the planned value", |f, v| f.planned_value = v)/></label>
                <label>"Earned value (EV) " <span class="zh" lang="zh">"挣值"</span>
                    <Field label="Earned value" value=number(|p| p.financials.earned_value) disabled=read_only testid="earned-value"
                        commit=move |text| set_figure(text, "the earned value", |f, v| f.earned_value = v)/></label>
                <label>"% complete " <span class="zh" lang="zh">"完成百分比"</span>
                    <Field label="Percent complete" value=number(|p| p.financials.percent_complete) disabled=read_only testid="percent-complete"
                        commit=move |text| set_figure(text, "the percent complete", |f, v| f.percent_complete = v)/></label>
            </div>
            {figure_rows}
            <div class="rags">
                <div class="rag-box">
                    <span class="label">"Computed RAG " <span class="zh" lang="zh">"计算状态"</span></span>
                    <span class="rag" data-testid="computed-rag" data-rag=move || health.with(|h| h.rag.computed.map_or("none", Rag::as_str))>
                        {move || view_model::rag_label(health.with(|h| h.rag.computed))}</span>
                </div>
                <div class="rag-box">
                    <label class="label" for="manual-rag">"Manager's RAG " <span class="zh" lang="zh">"经理评估"</span></label>
                    <select id="manual-rag" data-testid="manual-rag" disabled=move || read_only.get()
                        on:change=move |ev| {
                            let rag = event_target_value(&ev).parse::<Rag>().ok();
                            board.apply(|b| {
                                let note = b.project(&id.get_value()).map(|p| p.rag_note).unwrap_or_default();
                                b.set_manual_rag(&id.get_value(), rag, &note)
                            });
                        }>{rag_options}</select>
                </div>
                <label class="rag-note">"Note " <span class="zh" lang="zh">"说明"</span>
                    <Field label="RAG note" value=Signal::derive(move || project.with(|p| p.rag_note.clone())) disabled=read_only testid="rag-note"
                        commit=move |note| board.try_apply(|b| {
                            let rag = b.project(&id.get_value()).and_then(|p| p.manual_rag);
                            b.set_manual_rag(&id.get_value(), rag, &note)
                        })/></label>
            </div>
            <Show when=move || health.with(|h| h.rag.differs)>
                <p class="disagree" role="status" data-testid="rag-differs">"⚠ The computed RAG and the manager's disagree: worth a conversation."</p>
            </Show>
        </section>
    }
}

/// Milestones (里程碑): planned date, done date, status; add, mark done, delete.
#[component]
fn Milestones(id: ProjectId, board: BoardContext) -> impl IntoView {
    let id = StoredValue::new(id);
    let read_only = move || !board.editable.get();
    let today = chrono::Utc::now().date_naive();
    let milestones = Memo::new(move |_| {
        board.view.snapshot.with(|snapshot| {
            snapshot.milestones.iter().filter(|m| m.project == id.get_value()).cloned().collect::<Vec<_>>()
        })
    });
    let name = RwSignal::new(String::new());
    let due = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let add = move || {
        let due = match parse_date(&due.get_untracked()) {
            Ok(Some(date)) => date,
            Ok(None) => return error.set(Some("give the milestone a due date".into())),
            Err(message) => return error.set(Some(message)),
        };
        let text = name.get_untracked();
        match board.try_apply(|b| b.add_milestone(MilestoneId::random(), &id.get_value(), &text, due)) {
            Ok(()) => {
                name.set(String::new());
                error.set(None);
            }
            Err(message) => error.set(Some(message)),
        }
    };
    view! {
        <section class="milestones" aria-labelledby="milestones-heading">
            <h2 id="milestones-heading">"Milestones " <span class="zh" lang="zh">"里程碑"</span></h2>
            <table>
                <thead><tr><th>"Milestone"</th><th>"Planned " <span class="zh" lang="zh">"计划"</span></th>
                    <th>"Done " <span class="zh" lang="zh">"完成"</span></th><th>"Status"</th><th>"Actions"</th></tr></thead>
                <tbody>
                    <For each=move || milestones.get() key=|m| (m.id.clone(), m.done_on, m.due, m.name.clone()) children=move |m| {
                        let milestone = StoredValue::new(m.id.clone());
                        let status = MilestoneStatus::of(&m, today);
                        let class = match status {
                            MilestoneStatus::Done { .. } => "done",
                            MilestoneStatus::Overdue { .. } => "overdue",
                            MilestoneStatus::Upcoming { .. } => "upcoming",
                        };
                        let done = m.done_on.is_some();
                        view! {
                            <tr data-testid="milestone-row">
                                <td>{m.name.clone()}</td>
                                <td>{m.due.to_string()}</td>
                                <td>{m.done_on.map(|d| d.to_string()).unwrap_or_else(|| "—".into())}</td>
                                <td class=format!("status {class}")>{status.describe()}</td>
                                <td class="actions">
                                    <button type="button" disabled=read_only on:click=move |_| {
                                        let on = (!done).then(|| chrono::Utc::now().date_naive());
                                        board.apply(|b| b.set_milestone_done(&milestone.get_value(), on));
                                    }>{if done { "Not done" } else { "Done today" }}</button>
                                    " "
                                    <button type="button" class="danger" aria-label="Delete milestone" title="Delete milestone" disabled=read_only
                                        on:click=move |_| board.apply(|b| b.delete_milestone(&milestone.get_value()))>"✕"</button>
                                </td>
                            </tr>
                        }
                    }/>
                </tbody>
            </table>
            <Show when=move || milestones.with(Vec::is_empty)><p class="empty">"No milestones yet."</p></Show>
            <form class="inline-form" on:submit=move |ev| { ev.prevent_default(); add(); }>
                <input aria-label="Milestone name" placeholder="Milestone" prop:value=name disabled=read_only
                    on:input=move |ev| name.set(event_target_value(&ev))/>
                <input aria-label="Milestone due date" type="date" prop:value=due disabled=read_only
                    on:input=move |ev| due.set(event_target_value(&ev))/>
                <button type="submit" disabled=read_only>"Add milestone"</button>
                <span class="field-error" role="alert">{error}</span>
            </form>
        </section>
    }
}

/// What this project depends on (add, remove; cycles refused with the cycle named) and what
/// depends on it.
#[component]
fn Dependencies(id: ProjectId, board: BoardContext, project: Memo<Project>) -> impl IntoView {
    let id = StoredValue::new(id);
    let read_only = move || !board.editable.get();
    let names = Memo::new(move |_| {
        board.view.snapshot.with(|snapshot| {
            snapshot.projects.iter().map(|p| (p.id.clone(), p.name.clone())).collect::<Vec<(ProjectId, String)>>()
        })
    });
    let name_of = move |of: &ProjectId| {
        names.with(|names| names.iter().find(|(id, _)| id == of).map(|(_, name)| name.clone()).unwrap_or_default())
    };
    let needed_by = Memo::new(move |_| {
        board.view.snapshot.with(|snapshot| {
            snapshot
                .projects
                .iter()
                .filter(|p| p.depends_on.contains(&id.get_value()))
                .map(|p| (p.id.clone(), p.name.clone()))
                .collect::<Vec<_>>()
        })
    });
    let chosen = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let add = move || {
        let Ok(on) = chosen.get_untracked().parse::<ProjectId>() else {
            return error.set(Some("pick the project this one depends on".into()));
        };
        let result = board.try_apply(|b| {
            let snapshot = b.snapshot();
            b.add_dependency(&id.get_value(), &on).map_err(|e| named_error(&snapshot, e))
        });
        match result {
            Ok(()) => {
                error.set(None);
                chosen.set(String::new());
            }
            Err(message) => error.set(Some(message)),
        }
    };
    view! {
        <section class="dependencies" aria-labelledby="dependencies-heading">
            <h2 id="dependencies-heading">"Dependencies " <span class="zh" lang="zh">"依赖"</span></h2>
            <p>"Depends on: "</p>
            <ul class="chips" data-testid="depends-on">
                {move || project.with(|p| p.depends_on.clone()).into_iter().map(|on| {
                    let on_id = StoredValue::new(on.clone());
                    let name = name_of(&on);
                    view! {
                        <li><ProjectLink board id=on name=name.clone()/>
                            <button type="button" class="chip-remove" aria-label=format!("Remove dependency on {name}") disabled=read_only
                                on:click=move |_| board.apply(|b| b.remove_dependency(&id.get_value(), &on_id.get_value()))>"✕"</button></li>
                    }
                }).collect_view()}
            </ul>
            <Show when=move || project.with(|p| p.depends_on.is_empty())><p class="empty">"Nothing."</p></Show>
            <form class="inline-form" on:submit=move |ev| { ev.prevent_default(); add(); }>
                <select aria-label="Project this one depends on" prop:value=chosen disabled=read_only
                    on:change=move |ev| chosen.set(event_target_value(&ev))>
                    <option value="">"Choose a project…"</option>
                    {move || names.get().into_iter().filter(|(other, _)| *other != id.get_value()).map(|(other, name)| {
                        view! { <option value=other.to_string()>{name}</option> }
                    }).collect_view()}
                </select>
                <button type="submit" disabled=read_only>"Add dependency"</button>
                <span class="field-error" role="alert" data-testid="dependency-error">{error}</span>
            </form>
            <p>"Needed by: "
                {move || {
                    let list = needed_by.get();
                    if list.is_empty() {
                        view! { <span class="empty">"no other project"</span> }.into_any()
                    } else {
                        list.into_iter().map(|(other, name)| view! { <ProjectLink board id=other name/> " " }).collect_view().into_any()
                    }
                }}
            </p>
        </section>
    }
}

/// The project's risks, lessons and decisions.
#[component]
fn Registers(id: ProjectId, board: BoardContext) -> impl IntoView {
    let id = StoredValue::new(id);
    let risks = Memo::new(move |_| {
        board.view.snapshot.with(|snapshot| {
            let filter = shared::views::risks::RiskFilter { project: Some(id.get_value()), ..Default::default() };
            shared::views::risks::register(snapshot, &filter)
        })
    });
    let lessons = Memo::new(move |_| {
        board.view.snapshot.with(|snapshot| {
            snapshot.lessons.iter().filter(|l| l.project == id.get_value()).cloned().collect::<Vec<_>>()
        })
    });
    let decisions = Memo::new(move |_| {
        board.view.snapshot.with(|snapshot| {
            snapshot
                .decisions
                .iter()
                .filter(|d| d.project.as_ref() == Some(&id.get_value()))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="registers" aria-labelledby="registers-heading">
            <h2 id="registers-heading" class="sr-only">"Risks, lessons and decisions"</h2>
            <div class="three">
                <div>
                    <h3>"Risks " <span class="zh" lang="zh">"风险"</span> " " <A href=board.href("risks")>"register →"</A></h3>
                    <ul class="plain" data-testid="project-risks">
                        {move || risks.get().into_iter().map(|row| view! {
                            <li><span class=format!("band {}", shared::views::risks::band_name(row.band))>{row.score}</span> " "
                                {row.risk.title.clone()} " " <small class="hint">{band_label(row.band)} " · " {shared::views::risks::roam_label(row.risk.roam)}</small></li>
                        }).collect_view()}
                    </ul>
                    <Show when=move || risks.with(Vec::is_empty)><p class="empty">"No risks recorded."</p></Show>
                </div>
                <div>
                    <h3>"Lessons " <span class="zh" lang="zh">"经验教训"</span> " " <A href=board.href("lessons")>"all →"</A></h3>
                    <ul class="plain" data-testid="project-lessons">
                        {move || lessons.get().into_iter().map(|lesson| view! {
                            <li><strong>{lesson.title.clone()}</strong> " " <small class="hint">{lesson.tags.join(", ")}</small></li>
                        }).collect_view()}
                    </ul>
                    <Show when=move || lessons.with(Vec::is_empty)><p class="empty">"No lessons yet."</p></Show>
                </div>
                <div>
                    <h3>"Decisions " <span class="zh" lang="zh">"决策"</span></h3>
                    <ul class="plain" data-testid="project-decisions">
                        {move || decisions.get().into_iter().map(|decision| view! {
                            <li><strong>{decision.kind.as_str()}</strong> " " {decision.note.clone()} " "
                                <small class="hint">{format::stamp(&decision.recorded)}</small></li>
                        }).collect_view()}
                    </ul>
                    <Show when=move || decisions.with(Vec::is_empty)><p class="empty">"No decisions recorded."</p></Show>
                </div>
            </div>
        </section>
    }
}

/// Who is booked on the project, week by week.
#[component]
fn Bookings(id: ProjectId, board: BoardContext) -> impl IntoView {
    let weeks = IsoWeek::containing(chrono::Utc::now().date_naive()).span(BOOKING_WEEKS);
    let weeks = StoredValue::new(weeks);
    let table = Memo::new(move |_| {
        board.view.snapshot.with(|snapshot| view_model::bookings(snapshot, &id, &weeks.get_value()))
    });
    let header = move || {
        weeks
            .get_value()
            .into_iter()
            .map(|week| view! { <th scope="col">{format!("W{:02}", week.week())}</th> })
            .collect_view()
    };
    view! {
        <section class="bookings" aria-labelledby="bookings-heading">
            <h2 id="bookings-heading">"Bookings by week " <span class="zh" lang="zh">"资源分配"</span> " "
                <A href=board.href("resources")>"capacity →"</A></h2>
            {move || {
                let (rows, totals) = table.get();
                if rows.is_empty() {
                    return view! { <p class="empty">"Nobody is booked on this project in the next 12 weeks."</p> }.into_any();
                }
                view! {
                    <table class="numbers">
                        <thead><tr><th scope="col">"Person"</th>{header()}<th scope="col">"Total"</th></tr></thead>
                        <tbody>
                            {rows.into_iter().map(|row| view! {
                                <tr><th scope="row">{row.name.clone()}</th>
                                    {row.hours.iter().map(|h| view! { <td>{if *h > 0.0 { format::hours(*h) } else { String::new() }}</td> }).collect_view()}
                                    <td><strong>{format::hours(row.total)}</strong></td></tr>
                            }).collect_view()}
                        </tbody>
                        <tfoot><tr><th scope="row">"Total"</th>
                            {totals.iter().map(|h| view! { <td>{if *h > 0.0 { format::hours(*h) } else { String::new() }}</td> }).collect_view()}
                            <td><strong>{format::hours(totals.iter().sum())}</strong></td></tr></tfoot>
                    </table>
                }.into_any()
            }}
        </section>
    }
}
