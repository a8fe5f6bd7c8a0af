//! The resource plan (资源计划): people × weeks. "One project" shows the hours booked on the
//! chosen project, edited in place, with each person's total on all projects against their
//! capacity under every cell; "Everyone's total" shows only those totals. Twelve weeks at a
//! time from this week; Earlier and Later move them by four. Below the grid, the people
//! themselves: name, role, team and weekly capacity, edited in place, and removed.

use leptos::prelude::*;
use std::collections::HashMap;

use shared::{
    board::NewPerson,
    capacity::{self, WeekLoad},
    IsoWeek, PersonId, ProjectId,
};

use super::board::{parse_number, BoardContext};
use crate::components::field::Field;

/// Weeks shown at a time.
const PLANNING_WEEKS: usize = 12;
/// How far Earlier and Later move the weeks shown.
const WEEKS_PER_STEP: i64 = 4;

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
    let person_name = RwSignal::new(String::new());
    let person_capacity = RwSignal::new("40".to_string());
    let add_person = move || {
        let Some(capacity) = parse_number(&person_capacity.get_untracked()) else {
            board.notice.set(Some("capacity must be a number of hours per week, for example 40".into()));
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
            .map(|week| view! { <th scope="col">{format!("W{:02}", week.week())}<br/><small>{week.monday().format("%m-%d").to_string()}</small></th> })
            .collect_view()
    };
    let shown_weeks = move || {
        let weeks = weeks.get();
        match (weeks.first(), weeks.last()) {
            (Some(first), Some(last)) => format!(
                "{} to {} (weeks {} to {})",
                first.monday().format("%Y-%m-%d"),
                (last.monday() + chrono::Duration::days(6)).format("%Y-%m-%d"),
                first,
                last
            ),
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
                    return Err("pick a project to book hours on".to_string());
                };
                match if text.trim().is_empty() { Some(0.0) } else { parse_number(&text) } {
                    Some(hours) => {
                        board.try_apply(|board| board.set_allocation(&project, &person.get_value(), week, hours))
                    }
                    None => Err("hours must be a number, for example 16".to_string()),
                }
            };
            let described_by = format!("{load_id} {load_id}-state");
            view! {
                <td class="cell" class:over=move || load().is_some_and(|load| load.is_over_capacity()) data-week=week.to_string()>
                    // A Field: what a person is typing stays theirs while colleagues book
                    // other cells, and a refused value shows its reason here.
                    {move || (mode.get() == Mode::OneProject).then(|| view! {
                        <Field input_type="number" label=Signal::derive(move || format!("{} hours in {week}", details().0))
                            value=Signal::derive(shown) disabled=Signal::derive(move || !board.editable.get())
                            described_by=described_by.clone() commit/>
                    })}
                    // The load describes the cell for screen readers, which cannot see the
                    // red: the words say whether it is over capacity.
                    <span class="total" id=load_id.clone() title="Booked on all projects / capacity">
                        {move || load().map(|load| format!("{}/{}", load.allocated_hours, load.capacity_hours)).unwrap_or_default()}
                    </span>
                    <span class="visually-hidden" id=format!("{load_id}-state")>
                        {move || if load().is_some_and(|load| load.is_over_capacity()) { "hours booked of capacity: over capacity" } else { "hours booked of capacity" }}
                    </span>
                </td>
            }
        };
        // The cells follow the weeks shown: moving the weeks rebuilds them, nothing else does.
        let cells = move || weeks.get().into_iter().map(cell).collect_view();
        view! {
            <tr data-testid="person-row" data-person-id=person.get_value().to_string()>
                <th scope="row">{move || details().0}<small>{move || format!(" {} h/wk", details().1)}</small></th>
                {cells}
            </tr>
        }
    };

    view! {
        <section class="resources">
            <h2>"Resource plan " <span class="zh" lang="zh">"资源计划"</span></h2>
            <div class="plan-controls">
                <fieldset class="plan-mode">
                    <legend class="visually-hidden">"Show"</legend>
                    <label><input type="radio" name="plan-mode" checked=move || mode.get() == Mode::OneProject
                        on:change=move |_| mode.set(Mode::OneProject)/>" One project"</label>
                    <label><input type="radio" name="plan-mode" checked=move || mode.get() == Mode::EveryonesTotal
                        on:change=move |_| mode.set(Mode::EveryonesTotal)/>" Everyone's total"</label>
                </fieldset>
                <Show when=move || mode.get() == Mode::OneProject>
                    <label>"Project "
                        <select aria-label="Project to plan" on:change=move |ev| {
                            chosen.set(event_target_value(&ev).parse().ok());
                        }>
                            {move || board.view.snapshot.with(|board| board.projects.iter().map(|project| {
                                let is_selected = selected.get().as_ref() == Some(&project.id);
                                view! { <option value=project.id.to_string() selected=is_selected>{project.name.clone()}</option> }
                            }).collect_view())}
                        </select>
                    </label>
                </Show>
                <div class="plan-weeks" role="group" aria-label="Weeks shown">
                    <button type="button" on:click=move |_| offset.update(|offset| *offset -= WEEKS_PER_STEP)>"← Earlier"</button>
                    <button type="button" disabled=move || offset.get() == 0 on:click=move |_| offset.set(0)>"This week"</button>
                    <button type="button" on:click=move |_| offset.update(|offset| *offset += WEEKS_PER_STEP)>"Later →"</button>
                    <span class="hint" data-testid="weeks-shown" aria-live="polite">{shown_weeks}</span>
                </div>
            </div>
            <p class="hint">{move || match mode.get() {
                Mode::OneProject => "Hours booked on the selected project; under each cell, the person's total on all projects against capacity. Over capacity is marked red.",
                Mode::EveryonesTotal => "Each person's hours booked on all projects against their capacity. Over capacity is marked red.",
            }}</p>
            <Show when=move || mode.get() == Mode::EveryonesTotal || selected.with(Option::is_some)
                fallback=|| view! { <p class="empty">"Add a project to plan who works on it."</p> }>
                <div class="grid-scroll">
                    <table class="grid" class:totals=move || mode.get() == Mode::EveryonesTotal>
                        <thead><tr><th scope="col">"Person"</th>{header}</tr></thead>
                        <tbody>
                            <For each=move || person_ids.get() key=|id| id.clone() children=row/>
                        </tbody>
                    </table>
                </div>
            </Show>
            <form class="add-person" on:submit=move |ev| { ev.prevent_default(); add_person(); }>
                <input aria-label="New person name" placeholder="Name" prop:value=person_name disabled=move || !board.editable.get()
                    on:input=move |ev| person_name.set(event_target_value(&ev))/>
                <input aria-label="Capacity hours per week" type="number" min="0" max="168" step="any" prop:value=person_capacity
                    disabled=move || !board.editable.get() on:input=move |ev| person_capacity.set(event_target_value(&ev))/>
                <button type="submit" disabled=move || !board.editable.get()>"Add person"</button>
            </form>
            <People board person_ids/>
        </section>
    }
}

/// The people on the board: name, role, team and weekly capacity, edited in place; removing
/// one asks first and says that their bookings go too.
#[component]
fn People(board: BoardContext, person_ids: Memo<Vec<PersonId>>) -> impl IntoView {
    view! {
        <Show when=move || person_ids.with(|ids| !ids.is_empty())>
            <h3>"People " <span class="zh" lang="zh">"资源"</span></h3>
            <table class="people" data-testid="people">
                <thead><tr>
                    <th scope="col">"Name"</th><th scope="col">"Role"</th><th scope="col">"Team"</th>
                    <th scope="col">"Capacity (h/week)"</th><th scope="col">"Actions"</th>
                </tr></thead>
                <tbody>
                    <For each=move || person_ids.get() key=|id| id.clone()
                        children=move |id| view! { <PersonRow id board/> }/>
                </tbody>
            </table>
        </Show>
    }
}

#[component]
fn PersonRow(id: PersonId, board: BoardContext) -> impl IntoView {
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
            <td><Field class="person-name" label=Signal::derive(move || format!("Name of {}", name.get())) value=name disabled=read_only
                commit=move |text| board.try_apply(|board| board.rename_person(&id.get_value(), &text))/></td>
            <td><Field class="person-role" label=Signal::derive(move || format!("Role of {}", name.get())) value=role disabled=read_only
                commit=move |text| board.try_apply(|board| board.set_person_role(&id.get_value(), &text))/></td>
            <td><Field class="person-team" label=Signal::derive(move || format!("Team of {}", name.get())) value=team disabled=read_only
                commit=move |text| board.try_apply(|board| board.set_person_team(&id.get_value(), &text))/></td>
            <td><Field class="person-capacity" input_type="number" label=Signal::derive(move || format!("Capacity of {} in hours per week", name.get()))
                value=capacity disabled=read_only
                commit=move |text| match parse_number(&text) {
                    Some(hours) => board.try_apply(|board| board.set_capacity(&id.get_value(), hours)),
                    None => Err("capacity must be a number of hours per week, for example 40".to_string()),
                }/></td>
            <td class="actions">
                <button type="button" node_ref=remove_button class="danger" aria-label=move || format!("Remove {}", name.get())
                    disabled=read_only aria-expanded=move || confirming.get().to_string()
                    on:click=move |_| { confirming.set(true); focus(cancel); }>"Remove"</button>
                <Show when=move || confirming.get()>
                    <div class="confirm-delete" role="group" aria-label="Confirm removing the person" data-testid="confirm-remove"
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { stop_confirming(); }>
                        <span>{move || {
                            let what = match bookings() {
                                0 => "They have no bookings.".to_string(),
                                1 => "Their 1 booking in the resource plan goes too.".to_string(),
                                n => format!("Their {n} bookings in the resource plan go too."),
                            };
                            format!("Remove “{}”? {what}", name.get())
                        }}</span>
                        <button type="button" class="danger" on:click=move |_| {
                            confirming.set(false);
                            board.apply(|board| board.delete_person(&id.get_value()));
                        }>"Remove"</button>
                        <button type="button" node_ref=cancel on:click=move |_| stop_confirming()>"Cancel"</button>
                    </div>
                </Show>
            </td>
        </tr>
    }
}
