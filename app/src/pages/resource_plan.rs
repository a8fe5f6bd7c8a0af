//! The resource plan (资源计划): people × weeks. "One project" shows the hours booked on the
//! chosen project, edited in place, with each person's total on all projects against their
//! capacity under every cell; "Everyone's total" shows only those totals. Twelve weeks at a
//! time from this week; Earlier and Later move them by four. Below the grid, the people
//! themselves: name, role, team and weekly capacity, edited in place, and removed.

use leptos::prelude::*;
use std::collections::HashMap;

use shared::{
    board::{schema, NewPerson},
    capacity::{self, WeekLoad},
    format, IsoWeek, PersonId, ProjectId,
};

use crate::{
    components::{
        board_context::BoardContext,
        conflict::{self, ConflictSign},
        field::{parse_number, Field},
        row_window::RowWindow,
    },
    i18n::*,
    language::lang,
};

/// Weeks shown at a time.
const PLANNING_WEEKS: usize = 12;
/// How far Earlier and Later move the weeks shown.
const WEEKS_PER_STEP: i64 = 4;
/// The grid and the people are drawn whole up to this many people, and as a window of the
/// rows in view beyond (`components::row_window`): a grid row is twelve fields and a person's
/// row four, and the 300 people of a large board were 3,600 fields and 1,200 more built and
/// laid out on every open of the board's first page, under the priorities (1.8 s of its
/// 2–2.8 s of script, measured).
const PEOPLE_WHOLE_UP_TO: usize = 50;

/// The window over a table of the board's people, each row keyed by `data-person-id`.
fn people_window(person_ids: Memo<Vec<PersonId>>) -> RowWindow<PersonId> {
    RowWindow::with_whole_up_to(
        move || person_ids.with(Vec::len),
        "data-person-id",
        |key| key.parse::<PersonId>().ok(),
        PEOPLE_WHOLE_UP_TO,
    )
}

/// What the cells show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Hours on the chosen project, editable; the person's total underneath.
    OneProject,
    /// Each person's total on all projects against capacity.
    EveryonesTotal,
}

/// What the grid shows, derived once per change of the board, the project or the weeks.
#[derive(Debug, Clone, PartialEq, Default)]
struct Grid {
    /// (id, name, weekly capacity), in the board's order.
    people: Vec<(PersonId, String, f64)>,
    /// Hours on the selected project, by person and week.
    hours: HashMap<(PersonId, IsoWeek), f64>,
    /// Everyone's load on all projects, by person and week.
    loads: HashMap<(PersonId, IsoWeek), WeekLoad>,
}

#[component]
pub fn ResourcePlan(board: BoardContext) -> impl IntoView {
    let i18n = use_i18n();
    let this_week = IsoWeek::containing(chrono::Utc::now().date_naive());
    // Weeks from this week to the first one shown.
    let offset = RwSignal::new(0_i64);
    let weeks = Memo::new(move |_| {
        IsoWeek::containing(this_week.monday() + chrono::Duration::weeks(offset.get())).span(PLANNING_WEEKS)
    });
    let mode = RwSignal::new(Mode::OneProject);
    let chosen = RwSignal::new(None::<ProjectId>);
    // The chosen project, or the top-priority one when none is chosen or it was deleted.
    let selected = Memo::new(move |_| {
        board.view.snapshot.with(|board| {
            let chosen = chosen.get();
            board
                .projects
                .iter()
                .find(|project| Some(&project.id) == chosen.as_ref())
                .or(board.projects.first())
                .map(|project| project.id.clone())
        })
    });
    let grid = Memo::new(move |_| {
        let project = selected.get();
        let weeks = weeks.get();
        board.view.snapshot.with(|board| {
            let loads = capacity::weekly_load(board, &weeks);
            Grid {
                people: board
                    .people
                    .iter()
                    .map(|p| (p.id.clone(), p.name.clone(), p.capacity_hours_per_week))
                    .collect(),
                hours: board
                    .allocations
                    .iter()
                    .filter(|a| Some(&a.project) == project.as_ref())
                    .map(|a| ((a.person.clone(), a.week), a.hours))
                    .collect(),
                loads: loads
                    .into_iter()
                    .flat_map(|load| {
                        let person = load.person;
                        load.weeks.into_iter().map(move |week| ((person.clone(), week.week), week))
                    })
                    .collect(),
            }
        })
    });
    let person_ids =
        Memo::new(move |_| grid.with(|grid| grid.people.iter().map(|(id, _, _)| id.clone()).collect::<Vec<_>>()));
    let grid_window = people_window(person_ids);
    // The projects' picker, drawn again when a project is added, renamed or moved, not on
    // every change of the board (1,000 options on a large board).
    let projects = Memo::new(move |_| {
        board.view.snapshot.with(|board| {
            board.projects.iter().map(|project| (project.id.clone(), project.name.clone())).collect::<Vec<_>>()
        })
    });
    let person_name = RwSignal::new(String::new());
    let person_capacity = RwSignal::new("40".to_string());
    let add_person = move || {
        let Some(capacity) = parse_number(&person_capacity.get_untracked()) else {
            board.notice.set(Some(message!(resource_plan.capacity_not_number)));
            return;
        };
        let name = person_name.get_untracked();
        board.apply(|board| board.add_person(PersonId::random(), NewPerson::named(&name, capacity)));
        if board.notice.get_untracked().is_none() {
            person_name.set(String::new());
        }
    };

    let header = move || {
        weeks
            .get()
            .into_iter()
            .map(|week| {
                let number = format!("{:02}", week.week());
                view! {
                    <th scope="col">
                        {move || tr!(i18n, resource_plan.week_heading, week = number.clone()).to_string()}<br/>
                        <small>{move || format::short_date(lang(), week.monday())}</small>
                    </th>
                }
            })
            .collect_view()
    };
    let shown_weeks = move || {
        let weeks = weeks.get();
        match (weeks.first(), weeks.last()) {
            (Some(first), Some(last)) => {
                let first_day = format::date(lang(), first.monday());
                let last_day = format::date(lang(), last.monday() + chrono::Duration::days(6));
                tr!(i18n, resource_plan.weeks_shown_range, first_day, last_day, first = *first, last = *last)
                    .to_string()
            }
            _ => String::new(),
        }
    };
    let row = move |person: PersonId| {
        let person = StoredValue::new(person);
        let details = move || {
            grid.with(|grid| {
                grid.people
                    .iter()
                    .find(|(id, _, _)| *id == person.get_value())
                    .map(|(_, name, capacity)| (name.clone(), *capacity))
                    .unwrap_or_default()
            })
        };
        let cell = move |week: IsoWeek| {
            let load = move || grid.with(|grid| grid.loads.get(&(person.get_value(), week)).cloned());
            let hours = move || grid.with(|grid| grid.hours.get(&(person.get_value(), week)).copied().unwrap_or(0.0));
            let load_id = format!("load-{}-{week}", person.get_value());
            // Shown empty when nothing is booked, so the grid reads at a glance.
            let shown = move || {
                let hours = hours();
                if hours == 0.0 {
                    String::new()
                } else {
                    hours.to_string()
                }
            };
            let commit = move |text: String| {
                let Some(project) = selected.get_untracked() else {
                    return Err(message!(resource_plan.pick_project));
                };
                match if text.trim().is_empty() { Some(0.0) } else { parse_number(&text) } {
                    Some(hours) => {
                        board.try_apply(|board| board.set_allocation(&project, &person.get_value(), week, hours))
                    }
                    None => Err(message!(resource_plan.hours_not_number)),
                }
            };
            let described_by = format!("{load_id} {load_id}-state");
            view! {
                <td class="cell" class:over=move || load().is_some_and(|load| load.is_over_capacity()) data-week=week.to_string()>
                    // A Field: what a person is typing stays theirs while colleagues book
                    // other cells, and a refused value shows its reason here.
                    {move || (mode.get() == Mode::OneProject).then(|| view! {
                        <Field input_type="number"
                            label=Signal::derive(move || tr!(i18n, resource_plan.hours_in_week, name = details().0, week).to_string())
                            value=Signal::derive(shown) disabled=Signal::derive(move || !board.editable.get())
                            described_by=described_by.clone() commit/>
                    })}
                    // The load describes the cell for screen readers, which cannot see the
                    // red: the words say whether it is over capacity.
                    <span class="total" id=load_id.clone() title=move || t_string!(i18n, resource_plan.booked_of_capacity_title)>
                        {move || load().map(|load| format!("{}/{}", load.allocated_hours, load.capacity_hours)).unwrap_or_default()}
                    </span>
                    <span class="visually-hidden" id=format!("{load_id}-state")>
                        {move || if load().is_some_and(|load| load.is_over_capacity()) {
                            t_string!(i18n, resource_plan.over_capacity_state)
                        } else {
                            t_string!(i18n, resource_plan.capacity_state)
                        }}
                    </span>
                </td>
            }
        };
        // The cells follow the weeks shown: moving the weeks rebuilds them, nothing else does.
        let cells = move || weeks.get().into_iter().map(cell).collect_view();
        view! {
            <tr data-testid="person-row" data-person-id=person.get_value().to_string()>
                <th scope="row">{move || details().0}<small>" "{move || {
                    let hours = format::hours(lang(), details().1);
                    tr!(i18n, resource_plan.hours_per_week_short, hours).to_string()
                }}</small></th>
                {cells}
            </tr>
        }
    };

    view! {
        <section class="resources">
            <h2>{t!(i18n, resource_plan.title)}</h2>
            <div class="plan-controls">
                <fieldset class="plan-mode">
                    <legend class="visually-hidden">{t!(i18n, resource_plan.show)}</legend>
                    <label><input type="radio" name="plan-mode" checked=move || mode.get() == Mode::OneProject
                        on:change=move |_| mode.set(Mode::OneProject)/>" "{t!(i18n, resource_plan.one_project)}</label>
                    <label><input type="radio" name="plan-mode" checked=move || mode.get() == Mode::EveryonesTotal
                        on:change=move |_| mode.set(Mode::EveryonesTotal)/>" "{t!(i18n, resource_plan.everyones_total)}</label>
                </fieldset>
                <Show when=move || mode.get() == Mode::OneProject>
                    <label>{t!(i18n, resource_plan.project)}" "
                        <select aria-label=move || t_string!(i18n, resource_plan.project_to_plan) on:change=move |ev| {
                            chosen.set(event_target_value(&ev).parse().ok());
                        }>
                            {move || {
                                let selected = selected.get();
                                projects.with(|projects| projects.iter().map(|(id, name)| {
                                    let is_selected = selected.as_ref() == Some(id);
                                    view! { <option value=id.to_string() selected=is_selected>{name.clone()}</option> }
                                }).collect_view())
                            }}
                        </select>
                    </label>
                </Show>
                <div class="plan-weeks" role="group" aria-label=move || t_string!(i18n, resource_plan.weeks_shown)>
                    <button type="button" on:click=move |_| offset.update(|offset| *offset -= WEEKS_PER_STEP)>
                        {t!(i18n, resource_plan.earlier)}
                    </button>
                    <button type="button" disabled=move || offset.get() == 0 on:click=move |_| offset.set(0)>
                        {t!(i18n, resource_plan.this_week)}
                    </button>
                    <button type="button" on:click=move |_| offset.update(|offset| *offset += WEEKS_PER_STEP)>
                        {t!(i18n, resource_plan.later)}
                    </button>
                    <span class="hint" data-testid="weeks-shown" aria-live="polite">{shown_weeks}</span>
                </div>
            </div>
            <p class="hint">{move || match mode.get() {
                Mode::OneProject => t_string!(i18n, resource_plan.hint_one_project),
                Mode::EveryonesTotal => t_string!(i18n, resource_plan.hint_everyone),
            }}</p>
            <Show when=move || mode.get() == Mode::EveryonesTotal || selected.with(Option::is_some)
                fallback=move || view! { <p class="empty">{t!(i18n, resource_plan.add_a_project)}</p> }>
                <div class="grid-scroll">
                    <table class="grid" class:totals=move || mode.get() == Mode::EveryonesTotal>
                        <thead><tr><th scope="col">{t!(i18n, resource_plan.person)}</th>{header}</tr></thead>
                        <tbody node_ref=grid_window.body on:focusin=move |ev| grid_window.focus_in(&ev)>
                            {grid_window.rows(move || person_ids.with(|ids| grid_window.slots(ids, None)), || PLANNING_WEEKS + 1, row)}
                        </tbody>
                    </table>
                </div>
            </Show>
            <form class="add-person" on:submit=move |ev| { ev.prevent_default(); add_person(); }>
                <input aria-label=move || t_string!(i18n, resource_plan.new_person_name)
                    placeholder=move || t_string!(i18n, resource_plan.name) prop:value=person_name
                    disabled=move || !board.editable.get() on:input=move |ev| person_name.set(event_target_value(&ev))/>
                <input aria-label=move || t_string!(i18n, resource_plan.capacity_hours_per_week) type="number" min="0" max="168" step="any" prop:value=person_capacity
                    disabled=move || !board.editable.get() on:input=move |ev| person_capacity.set(event_target_value(&ev))/>
                <button type="submit" disabled=move || !board.editable.get()>{t!(i18n, resource_plan.add_person)}</button>
            </form>
            <People board person_ids/>
        </section>
    }
}

/// The people on the board: name, role, team and weekly capacity, edited in place; removing
/// one asks first and says that their bookings go too.
#[component]
fn People(board: BoardContext, person_ids: Memo<Vec<PersonId>>) -> impl IntoView {
    let i18n = use_i18n();
    let window = people_window(person_ids);
    view! {
        <Show when=move || person_ids.with(|ids| !ids.is_empty())>
            <h3>{t!(i18n, resource_plan.people)}</h3>
            <table class="people" data-testid="people">
                <thead><tr>
                    <th scope="col">{t!(i18n, resource_plan.name)}</th><th scope="col">{t!(i18n, resource_plan.role)}</th>
                    <th scope="col">{t!(i18n, resource_plan.team)}</th>
                    <th scope="col">{t!(i18n, resource_plan.capacity_column)}</th>
                    <th scope="col">{t!(i18n, resource_plan.actions)}</th>
                </tr></thead>
                <tbody node_ref=window.body on:focusin=move |ev| window.focus_in(&ev)>
                    {window.rows(move || person_ids.with(|ids| window.slots(ids, None)), || 5, move |id| view! { <PersonRow id board/> })}
                </tbody>
            </table>
        </Show>
    }
}

#[component]
fn PersonRow(id: PersonId, board: BoardContext) -> impl IntoView {
    let i18n = use_i18n();
    let id = StoredValue::new(id);
    let read_only = Signal::derive(move || !board.editable.get());
    let person = Memo::new(move |_| board.view.snapshot.with(|board| board.person(&id.get_value()).cloned()));
    let field = move |read: fn(&shared::board::Person) -> String| {
        Signal::derive(move || person.with(|p| p.as_ref().map(read).unwrap_or_default()))
    };
    let name = field(|p| p.name.clone());
    let role = field(|p| p.role.clone());
    let team = field(|p| p.team.clone());
    let capacity = field(|p| p.capacity_hours_per_week.to_string());
    // "Changed by two people" beside a field two members set apart.
    let sign = move |field: &'static str| {
        let conflict =
            Signal::derive(move || person.with(|p| p.as_ref().and_then(|p| conflict::on_field(&p.conflicts, field))));
        view! { <ConflictSign conflict testid="person-conflict"/> }
    };
    let bookings = move || {
        board.view.snapshot.with(|board| {
            let id = id.get_value();
            board.allocations.iter().filter(|a| a.person == id && a.hours > 0.0).count()
        })
    };
    let confirming = RwSignal::new(false);
    let (remove_button, cancel) = (NodeRef::<leptos::html::Button>::new(), NodeRef::<leptos::html::Button>::new());
    let focus = move |button: NodeRef<leptos::html::Button>| {
        request_animation_frame(move || {
            if let Some(button) = button.get_untracked() {
                let _ = button.focus();
            }
        });
    };
    let stop_confirming = move || {
        confirming.set(false);
        focus(remove_button);
    };

    view! {
        <tr data-testid="person" data-person-id=id.get_value().to_string()>
            <td><Field class="person-name" label=Signal::derive(move || tr!(i18n, resource_plan.name_of, name = name.get()).to_string()) value=name disabled=read_only
                commit=move |text| board.try_apply(|board| board.rename_person(&id.get_value(), &text))/>{sign(schema::person::NAME)}</td>
            <td><Field class="person-role" label=Signal::derive(move || tr!(i18n, resource_plan.role_of, name = name.get()).to_string()) value=role disabled=read_only
                commit=move |text| board.try_apply(|board| board.set_person_role(&id.get_value(), &text))/>{sign(schema::person::ROLE)}</td>
            <td><Field class="person-team" label=Signal::derive(move || tr!(i18n, resource_plan.team_of, name = name.get()).to_string()) value=team disabled=read_only
                commit=move |text| board.try_apply(|board| board.set_person_team(&id.get_value(), &text))/>{sign(schema::person::TEAM)}</td>
            <td><Field class="person-capacity" input_type="number" label=Signal::derive(move || tr!(i18n, resource_plan.capacity_of, name = name.get()).to_string())
                value=capacity disabled=read_only
                commit=move |text| match parse_number(&text) {
                    Some(hours) => board.try_apply(|board| board.set_capacity(&id.get_value(), hours)),
                    None => Err(message!(resource_plan.capacity_not_number)),
                }/>{sign(schema::person::CAPACITY_HOURS_PER_WEEK)}</td>
            <td class="actions">
                <button type="button" node_ref=remove_button class="danger" aria-label=move || tr!(i18n, resource_plan.remove_named, name = name.get()).to_string()
                    disabled=read_only aria-expanded=move || confirming.get().to_string()
                    on:click=move |_| { confirming.set(true); focus(cancel); }>{t!(i18n, resource_plan.remove)}</button>
                <Show when=move || confirming.get()>
                    <div class="confirm-delete" role="group" aria-label=move || t_string!(i18n, resource_plan.confirm_remove)
                        data-testid="confirm-remove"
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { stop_confirming(); }>
                        <span>{move || {
                            let what = match bookings() {
                                0 => t_string!(i18n, resource_plan.no_bookings).to_string(),
                                1 => t_string!(i18n, resource_plan.one_booking).to_string(),
                                count => tr!(i18n, resource_plan.bookings, count).to_string(),
                            };
                            tr!(i18n, resource_plan.remove_question, name = name.get(), what).to_string()
                        }}</span>
                        <button type="button" class="danger" on:click=move |_| {
                            confirming.set(false);
                            board.apply(|board| board.delete_person(&id.get_value()));
                        }>{t!(i18n, resource_plan.remove)}</button>
                        <button type="button" node_ref=cancel on:click=move |_| stop_confirming()>{t!(i18n, common.cancel)}</button>
                    </div>
                </Show>
            </td>
        </tr>
    }
}
