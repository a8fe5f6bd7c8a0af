//! The project page (项目), `/board/:id/project/:project`: one project's people, state,
//! lifecycle phase with its stage-gate checklist, dates and milestones, dependencies, money and
//! earned value with the computed RAG beside the manager's, its risks, lessons and decisions,
//! and its bookings by week. Every value is read from the live snapshot, so a colleague's tick
//! or figure shows here as it syncs. The figures come from `shared::views::project`.

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};
use shared::{
    board::{schema, DecisionId, DecisionKind, Financials, Milestone, MilestoneId, Phase, Project, Stamp},
    finance::Rag,
    format,
    views::project::{self as view_model, MilestoneStatus},
    IsoWeek, ProjectId, Stage,
};

use crate::{
    account::Auth,
    components::{
        band_label,
        blame::{FieldHistory, Stories, StoryPanel},
        board_context::BoardContext,
        conflict::{self, ConflictSign},
        field::{parse_number, Field},
        gate_label, gate_label_in, kind_label, phase_label, phase_label_in, rag_label, roam_label, stage_label,
    },
    i18n::*,
    language::{lang, Message},
};

/// The fields whose story opens under each group of the page (see [`StoryPanel`]).
const TITLE_FIELDS: &[&str] = &[schema::project::NAME, schema::project::STAGE];
const FACT_FIELDS: &[&str] =
    &[schema::project::SPONSOR, schema::project::MANAGER, schema::project::START, schema::project::END];
const PHASE_FIELDS: &[&str] = &[schema::project::PHASE];
const MONEY_FIELDS: &[&str] = &[
    schema::project::BUDGET,
    schema::project::ACTUAL_COST,
    schema::project::PLANNED_VALUE,
    schema::project::EARNED_VALUE,
    schema::project::PERCENT_COMPLETE,
];

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

#[component]
pub fn ProjectPage() -> impl IntoView {
    let board = BoardContext::get();
    let i18n = use_i18n();
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
                <p class="notice" role="status">{t!(i18n, project.no_such_project)} " "
                    <A href=board.href("")>{t!(i18n, project.see_priorities)}</A></p>
            </section>
        }
        .into_any(),
    }
}

#[component]
fn ProjectView(id: ProjectId, board: BoardContext) -> impl IntoView {
    let i18n = use_i18n();
    // One field's story open at a time, and one look-up of names for them all.
    Stories::provide();
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
                    .map(|c| {
                        let (field, winner, others) = (c.field.clone(), c.winner.clone(), c.others.join("”, “"));
                        tr!(i18n, project.conflict_field, field, winner, others).to_string()
                    })
                    .collect();
                tr!(i18n, project.changed_by_two, fields = fields.join("; ")).to_string()
            })
        })
    };
    let stage_options = Stage::ALL
        .into_iter()
        .map(|option| {
            view! { <option value=option.as_str() selected=move || stage() == option>{move || stage_label(option)}</option> }
        })
        .collect_view();

    view! {
        <section class="project-page" data-testid="project-page" data-project-id=id.get_value().to_string()>
            <p class="crumbs"><A href=board.href("")>{t!(i18n, project.crumb_priorities)}</A>" "{t!(i18n, project.crumb_project)}</p>
            <div class="project-title">
                <Field class="project-title-name" label=text_of(i18n, |i18n| t_string!(i18n, project.project_name)) value=text(|p| p.name.clone()) disabled=read_only testid="project-name"
                    commit=move |name| board.try_apply(|b| b.rename_project(&id.get_value(), &name))/>
                <FieldHistory board project=id.get_value() field=schema::project::NAME/>
                <label>{t!(i18n, project.state)} " "
                    <select aria-label=move || t_string!(i18n, project.state) data-testid="project-stage" prop:value=move || stage().as_str() disabled=read_only
                        on:change=move |ev| {
                            match event_target_value(&ev).parse::<Stage>() {
                                Ok(stage) => board.apply(|b| b.set_project_stage(&id.get_value(), stage)),
                                Err(error) => board.notice.set(Some(board.word(&error))),
                            }
                        }>{stage_options}</select>
                </label>
                <FieldHistory board project=id.get_value() field=schema::project::STAGE/>
            </div>
            <StoryPanel board project=id.get_value() fields=TITLE_FIELDS/>
            {move || conflicts().map(|text| view! { <p class="conflict" data-testid="conflict">{format!("⚑ {text}")}</p> })}
            <dl class="facts">
                <div><dt>{t!(i18n, project.sponsor)}</dt><dd>
                    <Field label=text_of(i18n, |i18n| t_string!(i18n, project.sponsor)) value=text(|p| p.sponsor.clone()) disabled=read_only testid="sponsor"
                        commit=move |sponsor| board.try_apply(|b| {
                            let manager = b.project(&id.get_value()).map(|p| p.manager).unwrap_or_default();
                            b.set_project_people(&id.get_value(), &sponsor, &manager)
                        })/>
                    <FieldHistory board project=id.get_value() field=schema::project::SPONSOR/>
                </dd></div>
                <div><dt>{t!(i18n, project.manager)}</dt><dd>
                    <Field label=text_of(i18n, |i18n| t_string!(i18n, project.manager)) value=text(|p| p.manager.clone()) disabled=read_only testid="manager"
                        commit=move |manager| board.try_apply(|b| {
                            let sponsor = b.project(&id.get_value()).map(|p| p.sponsor).unwrap_or_default();
                            b.set_project_people(&id.get_value(), &sponsor, &manager)
                        })/>
                    <FieldHistory board project=id.get_value() field=schema::project::MANAGER/>
                </dd></div>
                <div><dt>{t!(i18n, project.start)}</dt><dd>
                    <Field label=text_of(i18n, |i18n| t_string!(i18n, project.planned_start)) input_type="date" value=text(|p| p.start.map(|d| d.to_string()).unwrap_or_default())
                        disabled=read_only testid="start"
                        commit=move |start| {
                            let start = parse_date(&start)?;
                            board.try_apply(|b| {
                                let end = b.project(&id.get_value()).and_then(|p| p.end);
                                b.set_project_dates(&id.get_value(), start, end)
                            })
                        }/>
                    <FieldHistory board project=id.get_value() field=schema::project::START/>
                </dd></div>
                <div><dt>{t!(i18n, project.end)}</dt><dd>
                    <Field label=text_of(i18n, |i18n| t_string!(i18n, project.planned_end)) input_type="date" value=text(|p| p.end.map(|d| d.to_string()).unwrap_or_default())
                        disabled=read_only testid="end"
                        commit=move |end| {
                            let end = parse_date(&end)?;
                            board.try_apply(|b| {
                                let start = b.project(&id.get_value()).and_then(|p| p.start);
                                b.set_project_dates(&id.get_value(), start, end)
                            })
                        }/>
                    <FieldHistory board project=id.get_value() field=schema::project::END/>
                </dd></div>
            </dl>
            <StoryPanel board project=id.get_value() fields=FACT_FIELDS/>
        </section>
        <Lifecycle id=id.get_value() board project/>
        <Money id=id.get_value() board project/>
        <Milestones id=id.get_value() board/>
        <Dependencies id=id.get_value() board project/>
        <Registers id=id.get_value() board/>
        <Bookings id=id.get_value() board/>
    }
}

/// An empty text clears a date; anything else must be a date.
fn parse_date(text: &str) -> Result<Option<NaiveDate>, Message> {
    let text = text.trim().to_owned();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<NaiveDate>().map(Some).map_err(|_| message!(project.not_a_date, text))
}

/// A catalogue text as a field's label, following the language switch.
fn text_of(i18n: I18nContext<Locale>, read: fn(I18nContext<Locale>) -> &'static str) -> Signal<String> {
    Signal::derive(move || read(i18n).to_string())
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
    let i18n = use_i18n();
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
            // Worded once, in the language of whoever moves it on: the note is the decision's text.
            let note = tr!(
                i18n,
                project.skipped_gate_note,
                from = phase_label_in(i18n, from),
                to = phase_label_in(i18n, to),
                count = skipped.len(),
                items = skipped.iter().map(|label| gate_label_in(i18n, label)).collect::<Vec<_>>().join("; ")
            );
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
                <li class=state aria-current=move || (state() == "current").then_some("step")>{move || phase_label(step)}</li>
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
                    " " {let label = line.label.clone(); move || gate_label(&label)}
                </label>
                {move || ticked().map(|stamp| view! { <span class="ticked-by" data-testid="ticked-by">{format!("✓ {}", format::stamp(lang(), &stamp))}</span> })}
            </li>
        }
    };

    view! {
        <section class="lifecycle" aria-labelledby="lifecycle-heading">
            <h2 id="lifecycle-heading">{t!(i18n, project.lifecycle)}</h2>
            <div class="phases-line">
                <ol class="phases" data-testid="phases">{steps}</ol>
                <FieldHistory board project=id.get_value() field=schema::project::PHASE/>
            </div>
            <StoryPanel board project=id.get_value() fields=PHASE_FIELDS/>
            <h3>{move || tr!(i18n, project.gate_checklist, phase = phase_label(phase.get())).to_string()}</h3>
            <ul class="gate">
                <For each=move || lines.get() key=|line| (line.item.clone(), line.label.clone()) children=row/>
            </ul>
            <Show when=move || lines.with(Vec::is_empty)>
                <p class="empty">{t!(i18n, project.no_checklist)}</p>
            </Show>
            <div class="phase-actions">
                {move || match next() {
                    Some(to) => view! {
                        <button type="button" data-testid="next-phase" disabled=read_only
                            on:click=move |_| {
                                let skipped = lines.with_untracked(|lines| view_model::unticked(lines));
                                if skipped.is_empty() { move_to(to, skipped) } else { confirming.set(true) }
                            }>{move || tr!(i18n, project.move_to, phase = phase_label(to)).to_string()}</button>
                    }.into_any(),
                    None => view! { <span class="hint">{t!(i18n, project.closing_last)}</span> }.into_any(),
                }}
            </div>
            <Show when=move || confirming.get()>
                {move || {
                    let skipped = lines.with(|lines| view_model::unticked(lines));
                    let to = next();
                    view! {
                        <div class="confirm" role="alertdialog" aria-labelledby="confirm-heading" data-testid="confirm-phase">
                            <p id="confirm-heading"><strong>{tr!(i18n, project.not_ticked, count = skipped.len()).to_string()}</strong></p>
                            <ul>{skipped.iter().map(|label| view! { <li>{gate_label(label)}</li> }).collect_view()}</ul>
                            <p>{t!(i18n, project.recorded_as_decision)}</p>
                            <button type="button" class="warn" data-testid="confirm-move" disabled=read_only
                                on:click=move |_| { if let Some(to) = to { move_to(to, skipped.clone()) } }>
                                {t!(i18n, project.move_on_anyway)}
                            </button>
                            " "
                            <button type="button" on:click=move |_| confirming.set(false)>{t!(i18n, common.cancel)}</button>
                        </div>
                    }
                }}
            </Show>
        </section>
    }
}

/// One of the figures of earned value management a member types in on the project page.
struct FigureInput {
    /// The label, with the figure's abbreviation ("Actual cost (AC)").
    label: fn(I18nContext<Locale>) -> &'static str,
    /// The field's accessible name.
    name: fn(I18nContext<Locale>) -> &'static str,
    /// The figure as an error message names it ("the actual cost").
    the: fn(I18nContext<Locale>) -> &'static str,
    /// The board's field, whose story the field's history button tells.
    field: &'static str,
    testid: &'static str,
    get: fn(&Financials) -> f64,
    put: fn(&mut Financials, f64),
}

/// The figures after the budget, in the order the page shows them.
const FIGURE_INPUTS: [FigureInput; 4] = [
    FigureInput {
        label: |i18n| t_string!(i18n, project.actual_cost_ac),
        name: |i18n| t_string!(i18n, project.actual_cost),
        the: |i18n| t_string!(i18n, project.the_actual_cost),
        field: schema::project::ACTUAL_COST,
        testid: "actual-cost",
        get: |f| f.actual_cost,
        put: |f, v| f.actual_cost = v,
    },
    FigureInput {
        label: |i18n| t_string!(i18n, project.planned_value_pv),
        name: |i18n| t_string!(i18n, project.planned_value),
        the: |i18n| t_string!(i18n, project.the_planned_value),
        field: schema::project::PLANNED_VALUE,
        testid: "planned-value",
        get: |f| f.planned_value,
        put: |f, v| f.planned_value = v,
    },
    FigureInput {
        label: |i18n| t_string!(i18n, project.earned_value_ev),
        name: |i18n| t_string!(i18n, project.earned_value),
        the: |i18n| t_string!(i18n, project.the_earned_value),
        field: schema::project::EARNED_VALUE,
        testid: "earned-value",
        get: |f| f.earned_value,
        put: |f, v| f.earned_value = v,
    },
    FigureInput {
        label: |i18n| t_string!(i18n, project.complete),
        name: |i18n| t_string!(i18n, project.percent_complete),
        the: |i18n| t_string!(i18n, project.the_percent_complete),
        field: schema::project::PERCENT_COMPLETE,
        testid: "percent-complete",
        get: |f| f.percent_complete,
        put: |f, v| f.percent_complete = v,
    },
];

/// Budget, actual cost, planned and earned value, percent complete; the earned-value figures;
/// the computed RAG beside the manager's. The figures are text fields read with
/// `parse_number`: a number-type `Field` loses a decimal point while it is being typed
/// (typing "12.5" leaves "512").
#[component]
fn Money(id: ProjectId, board: BoardContext, project: Memo<Project>) -> impl IntoView {
    let i18n = use_i18n();
    let id = StoredValue::new(id);
    let read_only = Signal::derive(move || !board.editable.get());
    let health = Memo::new(move |_| {
        board.view.snapshot.with(|snapshot| project.with(|p| view_model::health(&snapshot.settings, p)))
    });
    let currency = move || board.view.snapshot.with(|snapshot| snapshot.settings.currency.clone());
    let number = move |f: fn(&Project) -> f64| Signal::derive(move || project.with(f).to_string());
    let number_of =
        move |f: fn(&Financials) -> f64| Signal::derive(move || project.with(|p| f(&p.financials)).to_string());
    // Writes one of the four figures, keeping the other three as they are.
    let set_figure = move |text: String,
                           what: fn(I18nContext<Locale>) -> &'static str,
                           put: fn(&mut Financials, f64)|
          -> Result<(), Message> {
        // The figure's name is read when the message is shown, in the language of then.
        let value = parse_number(&text)
            .ok_or_else(|| Message::new(move |_| tr!(i18n, project.must_be_number, what = what(i18n))))?;
        board.try_apply(|b| {
            let mut financials = b.project(&id.get_value()).map(|p| p.financials).unwrap_or_default();
            put(&mut financials, value);
            b.set_project_financials(&id.get_value(), financials)
        })
    };
    let manual = move || project.with(|p| p.manual_rag);
    let figure_rows = move || {
        health.with(|health| match &health.earned_value {
            Err(reason) => {
                let reason = crate::words::finance_error(i18n.get_locale(), reason);
                view! { <p class="problem" role="status" data-testid="ev-problem">{tr!(i18n, project.no_ev, reason).to_string()}</p> }
                    .into_any()
            }
            Ok(ev) => {
                let language = lang();
                let rows = [
                    ("CV", t_string!(i18n, project.cv_title), format::amount(language, ev.cost_variance), ev.cost_variance < 0.0),
                    ("SV", t_string!(i18n, project.sv_title), format::amount(language, ev.schedule_variance), ev.schedule_variance < 0.0),
                    ("CPI", t_string!(i18n, project.cpi_title), format::index(language, ev.cost_performance_index), ev.cost_performance_index.is_some_and(|i| i < 1.0)),
                    ("SPI", t_string!(i18n, project.spi_title), format::index(language, ev.schedule_performance_index), ev.schedule_performance_index.is_some_and(|i| i < 1.0)),
                    ("EAC", t_string!(i18n, project.eac_title), format::amount(language, ev.estimate_at_completion), ev.variance_at_completion < 0.0),
                    ("ETC", t_string!(i18n, project.etc_title), format::amount(language, ev.estimate_to_complete), false),
                    ("VAC", t_string!(i18n, project.vac_title), format::amount(language, ev.variance_at_completion), ev.variance_at_completion < 0.0),
                    ("TCPI", t_string!(i18n, project.tcpi_title), format::index(language, ev.to_complete_performance_index), ev.to_complete_performance_index.is_some_and(|i| i > 1.0)),
                ];
                view! {
                    <dl class="ev-figures" data-testid="ev-figures">
                        {rows.into_iter().map(|(short, long, value, bad)| view! {
                            <div class:bad=bad data-figure=short><dt title=long>{short}</dt><dd>{value}</dd></div>
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
                view! { <option value=value selected=move || manual() == rag>{move || rag_label(rag)}</option> }
            })
            .collect_view()
    };

    view! {
        <section class="money" aria-labelledby="money-heading">
            <h2 id="money-heading">{t!(i18n, project.money)} " "
                <small class="hint">{move || {
                    let currency = format::currency_name(lang(), &currency());
                    tr!(i18n, project.in_currency, currency).to_string()
                }}</small></h2>
            <div class="money-inputs">
                <div class="with-story">
                    <label>{t!(i18n, project.budget_bac)} " "
                        <Field label=text_of(i18n, |i18n| t_string!(i18n, project.budget)) value=number(|p| p.budget) disabled=read_only testid="budget"
                            commit=move |text| {
                                match parse_number(&text) {
                                    Some(budget) => board.try_apply(|b| b.set_project_budget(&id.get_value(), budget)),
                                    None => Err(message!(project.budget_not_number)),
                                }
                            }/></label>
                    <FieldHistory board project=id.get_value() field=schema::project::BUDGET/>
                </div>
                {FIGURE_INPUTS.iter().map(|figure| view! {
                    <div class="with-story">
                        <label>{move || (figure.label)(i18n)} " "
                            <Field label=text_of(i18n, figure.name) value=number_of(figure.get)
                                disabled=read_only testid=figure.testid
                                commit=move |text| set_figure(text, figure.the, figure.put)/></label>
                        <FieldHistory board project=id.get_value() field=figure.field/>
                    </div>
                }).collect_view()}
            </div>
            <StoryPanel board project=id.get_value() fields=MONEY_FIELDS/>
            {figure_rows}
            <div class="rags">
                <div class="rag-box">
                    <span class="label">{t!(i18n, project.computed_rag)}</span>
                    <span class="rag" data-testid="computed-rag" data-rag=move || health.with(|h| h.rag.computed.map_or("none", Rag::as_str))>
                        {move || rag_label(health.with(|h| h.rag.computed))}</span>
                </div>
                <div class="rag-box">
                    <label class="label" for="manual-rag">{t!(i18n, project.managers_rag)}</label>
                    <select id="manual-rag" data-testid="manual-rag" disabled=move || read_only.get()
                        on:change=move |ev| {
                            let rag = event_target_value(&ev).parse::<Rag>().ok();
                            board.apply(|b| {
                                let note = b.project(&id.get_value()).map(|p| p.rag_note).unwrap_or_default();
                                b.set_manual_rag(&id.get_value(), rag, &note)
                            });
                        }>{rag_options}</select>
                </div>
                <label class="rag-note">{t!(i18n, project.note)} " "
                    <Field label=text_of(i18n, |i18n| t_string!(i18n, project.rag_note)) value=Signal::derive(move || project.with(|p| p.rag_note.clone())) disabled=read_only testid="rag-note"
                        commit=move |note| board.try_apply(|b| {
                            let rag = b.project(&id.get_value()).and_then(|p| p.manual_rag);
                            b.set_manual_rag(&id.get_value(), rag, &note)
                        })/></label>
            </div>
            <Show when=move || health.with(|h| h.rag.differs)>
                <p class="disagree" role="status" data-testid="rag-differs">{t!(i18n, project.rags_disagree)}</p>
            </Show>
        </section>
    }
}

/// Milestones (里程碑): planned date, done date, status; add, mark done, delete.
#[component]
fn Milestones(id: ProjectId, board: BoardContext) -> impl IntoView {
    let i18n = use_i18n();
    let id = StoredValue::new(id);
    let read_only = move || !board.editable.get();
    let milestones = Memo::new(move |_| {
        board.view.snapshot.with(|snapshot| {
            snapshot.milestones.iter().filter(|m| m.project == id.get_value()).cloned().collect::<Vec<_>>()
        })
    });
    let name = RwSignal::new(String::new());
    let due = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Message>);
    let add = move || {
        let due = match parse_date(&due.get_untracked()) {
            Ok(Some(date)) => date,
            Ok(None) => return error.set(Some(message!(project.due_date_needed))),
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
            <h2 id="milestones-heading">{t!(i18n, project.milestones)}</h2>
            <table>
                <thead><tr><th>{t!(i18n, project.milestone)}</th><th>{t!(i18n, project.planned)}</th><th>{t!(i18n, project.forecast)}</th>
                    <th>{t!(i18n, project.done)}</th><th>{t!(i18n, project.status)}</th><th>{t!(i18n, project.actions)}</th></tr></thead>
                <tbody>
                    // Keyed by id alone: a colleague's edit updates the row in place, so a
                    // forecast being typed keeps its draft.
                    <For each=move || milestones.with(|list| list.iter().map(|m| m.id.clone()).collect::<Vec<_>>()) key=|id| id.clone()
                        children=move |milestone| view! { <MilestoneRow milestone milestones board/> }/>
                </tbody>
            </table>
            <Show when=move || milestones.with(Vec::is_empty)><p class="empty">{t!(i18n, project.no_milestones)}</p></Show>
            <form class="inline-form" on:submit=move |ev| { ev.prevent_default(); add(); }>
                <input aria-label=move || t_string!(i18n, project.milestone_name) placeholder=move || t_string!(i18n, project.milestone)
                    prop:value=name disabled=read_only
                    on:input=move |ev| name.set(event_target_value(&ev))/>
                <input aria-label=move || t_string!(i18n, project.milestone_due) type="date" prop:value=due disabled=read_only
                    on:input=move |ev| due.set(event_target_value(&ev))/>
                <button type="submit" disabled=read_only>{t!(i18n, project.add_milestone)}</button>
                <span class="field-error" role="alert">{move || error.get().map(|error| error.text(i18n))}</span>
            </form>
        </section>
    }
}

/// One milestone: name, planned date, forecast (edited in place: Enter or leaving the field
/// commits it, an empty field clears it, a text that is no date is refused in place), done
/// date, status (a forecast after the planned date is late) and "changed by two people".
#[component]
fn MilestoneRow(milestone: MilestoneId, milestones: Memo<Vec<Milestone>>, board: BoardContext) -> impl IntoView {
    let i18n = use_i18n();
    let id = StoredValue::new(milestone);
    let read_only = Signal::derive(move || !board.editable.get());
    let today = chrono::Utc::now().date_naive();
    let row = Memo::new(move |_| milestones.with(|list| list.iter().find(|m| m.id == id.get_value()).cloned()));
    let read = move |f: fn(&Milestone) -> Option<NaiveDate>| move || row.with(|m| m.as_ref().and_then(f));
    let status = move || row.with(|m| m.as_ref().map(|m| MilestoneStatus::of(m, today)));
    let done = move || row.with(|m| m.as_ref().is_some_and(|m| m.done_on.is_some()));
    let slip = move || row.with(|m| m.as_ref().and_then(Milestone::slip_days));
    let sign = move |field: &'static str| {
        let conflict = Signal::derive(move || {
            row.with(|m| m.as_ref().and_then(|m| conflict::on_field(&m.conflicts, field))).map(|mut conflict| {
                // Dates as the reader writes them.
                let word = |text: &str| {
                    text.parse::<NaiveDate>().map_or_else(|_| text.to_owned(), |d| format::date(lang(), d))
                };
                conflict.winner = word(&conflict.winner);
                conflict.others = conflict.others.iter().map(|other| word(other)).collect();
                conflict
            })
        });
        view! { <ConflictSign conflict testid="milestone-conflict"/> }
    };
    let name = move || row.with(|m| m.as_ref().map(|m| m.name.clone()).unwrap_or_default());
    let date_text =
        move |date: Option<NaiveDate>| date.map(|d| format::date(lang(), d)).unwrap_or_else(|| format::NO_VALUE.into());
    view! {
        <tr data-testid="milestone-row" data-milestone-id=id.get_value().to_string()>
            <td>{name}{sign(schema::milestone::NAME)}</td>
            <td data-testid="milestone-planned">{move || date_text(read(|m| Some(m.due))())}{sign(schema::milestone::DUE)}</td>
            <td class="forecast" class:late=move || slip().is_some()>
                <Field class="milestone-forecast" testid="milestone-forecast" disabled=read_only
                    label=Signal::derive(move || tr!(i18n, project.forecast_of, name = name()).to_string())
                    value=Signal::derive(move || read(|m| m.forecast)().map(|d| d.to_string()).unwrap_or_default())
                    commit=move |text| {
                        let forecast = parse_date(&text)?;
                        board.try_apply(|b| b.set_milestone_forecast(&id.get_value(), forecast))
                    }/>
                // The field holds the date as typed (ISO, so that a bad one is refused in
                // place); beside it, as the other dates read.
                {move || read(|m| m.forecast)().map(|d| view! {
                    <small class="date-words" data-testid="forecast-words">{format::date(lang(), d)}</small>
                })}
                {sign(schema::milestone::FORECAST)}
                {move || slip().map(|days| view! {
                    <span class="slip" data-testid="milestone-slip">{tr!(i18n, project.slip_days, days).to_string()}</span>
                })}
            </td>
            <td>{move || date_text(read(|m| m.done_on)())}{sign(schema::milestone::DONE_ON)}</td>
            <td class=move || format!("status {}", match status() {
                Some(MilestoneStatus::Done { days_late: 0 }) => "done",
                Some(MilestoneStatus::Done { .. }) => "done late",
                Some(MilestoneStatus::Overdue { .. } | MilestoneStatus::ForecastLate { .. }) => "overdue",
                _ => "upcoming",
            }) data-testid="milestone-status">{move || status().map(|status| milestone_status(i18n, status))}</td>
            <td class="actions">
                <button type="button" disabled=read_only on:click=move |_| {
                    let on = (!done()).then(|| chrono::Utc::now().date_naive());
                    board.apply(|b| b.set_milestone_done(&id.get_value(), on));
                }>{move || if done() { t_string!(i18n, project.not_done) } else { t_string!(i18n, project.done_today) }}</button>
                " "
                <button type="button" class="danger" aria-label=move || t_string!(i18n, project.delete_milestone)
                    title=move || t_string!(i18n, project.delete_milestone) disabled=read_only
                    on:click=move |_| board.apply(|b| b.delete_milestone(&id.get_value()))>"✕"</button>
            </td>
        </tr>
    }
}

/// What this project depends on (add, remove; cycles refused with the cycle named) and what
/// depends on it.
#[component]
fn Dependencies(id: ProjectId, board: BoardContext, project: Memo<Project>) -> impl IntoView {
    let i18n = use_i18n();
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
    let error = RwSignal::new(None::<Message>);
    let add = move || {
        let Ok(on) = chosen.get_untracked().parse::<ProjectId>() else {
            return error.set(Some(message!(project.pick_dependency)));
        };
        let result = board.try_apply(|b| b.add_dependency(&id.get_value(), &on));
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
            <h2 id="dependencies-heading">{t!(i18n, project.dependencies)}</h2>
            <p class="depends-on-label">{t!(i18n, project.depends_on)} " "
                <Show when=move || project.with(|p| p.depends_on.is_empty())><span class="empty">{t!(i18n, project.nothing)}</span></Show>
            </p>
            <ul class="chips" data-testid="depends-on">
                {move || project.with(|p| p.depends_on.clone()).into_iter().map(|on| {
                    let on_id = StoredValue::new(on.clone());
                    let name = name_of(&on);
                    view! {
                        <li><ProjectLink board id=on name=name.clone()/>
                            <button type="button" class="chip-remove" aria-label={
                                let name = name.clone();
                                move || tr!(i18n, project.remove_dependency, name = name.clone()).to_string()
                            } disabled=read_only
                                on:click=move |_| board.apply(|b| b.remove_dependency(&id.get_value(), &on_id.get_value()))>"✕"</button></li>
                    }
                }).collect_view()}
            </ul>
            <form class="inline-form" on:submit=move |ev| { ev.prevent_default(); add(); }>
                <select aria-label=move || t_string!(i18n, project.dependency_project) prop:value=chosen disabled=read_only
                    on:change=move |ev| chosen.set(event_target_value(&ev))>
                    <option value="">{t!(i18n, project.choose_project)}</option>
                    {move || names.get().into_iter().filter(|(other, _)| *other != id.get_value()).map(|(other, name)| {
                        view! { <option value=other.to_string()>{name}</option> }
                    }).collect_view()}
                </select>
                <button type="submit" disabled=read_only>{t!(i18n, project.add_dependency)}</button>
                <span class="field-error" role="alert" data-testid="dependency-error">{move || error.get().map(|error| error.text(i18n))}</span>
            </form>
            <p>{t!(i18n, project.needed_by)} " "
                {move || {
                    let list = needed_by.get();
                    if list.is_empty() {
                        view! { <span class="empty">{t!(i18n, project.no_other_project)}</span> }.into_any()
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
    let i18n = use_i18n();
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
            <h2 id="registers-heading" class="sr-only">{t!(i18n, project.registers)}</h2>
            <div class="three">
                <div>
                    <h3>{t!(i18n, project.risks)} " " <A href=board.href("risks")>{t!(i18n, project.register_link)}</A></h3>
                    <ul class="plain" data-testid="project-risks">
                        {move || risks.get().into_iter().map(|row| view! {
                            <li><span class=format!("band {}", shared::views::risks::band_name(row.band))>{row.score}</span> " "
                                {row.risk.title.clone()} " " <small class="hint">{band_label(row.band)} " · " {roam_label(row.risk.roam)}</small></li>
                        }).collect_view()}
                    </ul>
                    <Show when=move || risks.with(Vec::is_empty)><p class="empty">{t!(i18n, project.no_risks)}</p></Show>
                </div>
                <div>
                    <h3>{t!(i18n, project.lessons)} " " <A href=board.href("lessons")>{t!(i18n, project.all_link)}</A></h3>
                    <ul class="plain" data-testid="project-lessons">
                        {move || lessons.get().into_iter().map(|lesson| view! {
                            <li><strong>{lesson.title.clone()}</strong> " " <small class="hint">{lesson.tags.join(", ")}</small></li>
                        }).collect_view()}
                    </ul>
                    <Show when=move || lessons.with(Vec::is_empty)><p class="empty">{t!(i18n, project.no_lessons)}</p></Show>
                </div>
                <div>
                    <h3>{t!(i18n, project.decisions)}</h3>
                    <ul class="plain" data-testid="project-decisions">
                        {move || decisions.get().into_iter().map(|decision| view! {
                            <li><strong>{kind_label(i18n, decision.kind)}</strong> " " {decision.note.clone()} " "
                                <small class="hint">{format::stamp(lang(), &decision.recorded)}</small></li>
                        }).collect_view()}
                    </ul>
                    <Show when=move || decisions.with(Vec::is_empty)><p class="empty">{t!(i18n, project.no_decisions)}</p></Show>
                </div>
            </div>
        </section>
    }
}

/// Who is booked on the project, week by week.
#[component]
fn Bookings(id: ProjectId, board: BoardContext) -> impl IntoView {
    let i18n = use_i18n();
    let weeks = IsoWeek::containing(chrono::Utc::now().date_naive()).span(BOOKING_WEEKS);
    let weeks = StoredValue::new(weeks);
    let table = Memo::new(move |_| {
        board.view.snapshot.with(|snapshot| view_model::bookings(snapshot, &id, &weeks.get_value()))
    });
    let header = move || {
        weeks
            .get_value()
            .into_iter()
            .map(|week| {
                let week = format!("{:02}", week.week());
                view! { <th scope="col">{tr!(i18n, project.week_heading, week).to_string()}</th> }
            })
            .collect_view()
    };
    view! {
        <section class="bookings" aria-labelledby="bookings-heading">
            <h2 id="bookings-heading">{t!(i18n, project.bookings)} " "
                <A href=board.href("resources")>{t!(i18n, project.capacity_link)}</A></h2>
            {move || {
                let (rows, totals) = table.get();
                if rows.is_empty() {
                    return view! { <p class="empty">{t!(i18n, project.nobody_booked)}</p> }.into_any();
                }
                view! {
                    <table class="numbers">
                        <thead><tr><th scope="col">{t!(i18n, project.person)}</th>{header()}<th scope="col">{t!(i18n, project.total)}</th></tr></thead>
                        <tbody>
                            {rows.into_iter().map(|row| view! {
                                <tr><th scope="row">{row.name.clone()}</th>
                                    {row.hours.iter().map(|h| view! { <td>{if *h > 0.0 { format::hours(lang(), *h) } else { String::new() }}</td> }).collect_view()}
                                    <td><strong>{format::hours(lang(), row.total)}</strong></td></tr>
                            }).collect_view()}
                        </tbody>
                        <tfoot><tr><th scope="row">{t!(i18n, project.total)}</th>
                            {totals.iter().map(|h| view! { <td>{if *h > 0.0 { format::hours(lang(), *h) } else { String::new() }}</td> }).collect_view()}
                            <td><strong>{format::hours(lang(), totals.iter().sum())}</strong></td></tr></tfoot>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

/// Where a milestone stands, in the reader's language.
fn milestone_status(i18n: I18nContext<Locale>, status: MilestoneStatus) -> String {
    match status {
        MilestoneStatus::Done { days_late: 0 } => t_string!(i18n, project.status_on_time).to_string(),
        MilestoneStatus::Done { days_late } => tr!(i18n, project.status_late, days = days_late).to_string(),
        MilestoneStatus::Overdue { days } => tr!(i18n, project.status_overdue, days).to_string(),
        MilestoneStatus::Upcoming { days: 0 } => t_string!(i18n, project.status_due_today).to_string(),
        MilestoneStatus::Upcoming { days } => tr!(i18n, project.status_upcoming, days).to_string(),
        MilestoneStatus::ForecastLate { slip_days: days } => tr!(i18n, project.status_forecast_late, days).to_string(),
    }
}
