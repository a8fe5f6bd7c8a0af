//! The resource plan (资源计划): hours booked per person and week on one project, with each
//! person's total on all projects against their capacity underneath.

use leptos::prelude::*;
use std::collections::HashMap;

use shared::{
    board::NewPerson,
    capacity::{self, WeekLoad},
    IsoWeek, PersonId, ProjectId,
};

use super::board::{parse_number, BoardContext};
use crate::components::field::Field;

/// Weeks shown in the resource plan, starting with the current one.
const PLANNING_WEEKS: usize = 12;

/// What the grid shows, derived once per change of the board or of the selected project.
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
    let weeks = IsoWeek::containing(chrono::Utc::now().date_naive()).span(PLANNING_WEEKS);
    let weeks = StoredValue::new(weeks);
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
        board.view.snapshot.with(|board| {
            let weeks = weeks.get_value();
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
            .get_value()
            .into_iter()
            .map(|week| view! { <th scope="col">{format!("W{:02}", week.week())}<br/><small>{week.monday().format("%m-%d").to_string()}</small></th> })
            .collect_view()
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
        let cells = weeks
            .get_value()
            .into_iter()
            .map(|week| {
                let load = move || grid.with(|grid| grid.loads.get(&(person.get_value(), week)).cloned());
                let hours = move || grid.with(|grid| grid.hours.get(&(person.get_value(), week)).copied().unwrap_or(0.0));
                let load_id = format!("load-{}-{week}", person.get_value());
                // Shown empty when nothing is booked, so the grid reads at a glance.
                let shown = move || {
                    let hours = hours();
                    if hours == 0.0 { String::new() } else { hours.to_string() }
                };
                let commit = move |text: String| {
                    let Some(project) = selected.get_untracked() else {
                        return Err("pick a project to book hours on".to_string());
                    };
                    match if text.trim().is_empty() { Some(0.0) } else { parse_number(&text) } {
                        Some(hours) => board.try_apply(|board| board.set_allocation(&project, &person.get_value(), week, hours)),
                        None => Err("hours must be a number, for example 16".to_string()),
                    }
                };
                view! {
                    <td class="cell" class:over=move || load().is_some_and(|load| load.is_over_capacity()) data-week=week.to_string()>
                        // A Field: what a person is typing stays theirs while colleagues book
                        // other cells, and a refused value shows its reason here.
                        <Field input_type="number" label=Signal::derive(move || format!("{} hours in {week}", details().0))
                            value=Signal::derive(shown) disabled=Signal::derive(move || !board.editable.get())
                            described_by=format!("{load_id} {load_id}-state") commit/>
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
            })
            .collect_view();
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
            <p class="hint">"Hours booked on the selected project; under each cell, the person's total on all projects against capacity. Over capacity is marked red."</p>
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
            <Show when=move || selected.with(Option::is_some)
                fallback=|| view! { <p class="empty">"Add a project to plan who works on it."</p> }>
                <table class="grid">
                    <thead><tr><th scope="col">"Person"</th>{header()}</tr></thead>
                    <tbody>
                        <For each=move || person_ids.get() key=|id| id.clone() children=row/>
                    </tbody>
                </table>
            </Show>
            <form class="add-person" on:submit=move |ev| { ev.prevent_default(); add_person(); }>
                <input aria-label="New person name" placeholder="Name" prop:value=person_name disabled=move || !board.editable.get()
                    on:input=move |ev| person_name.set(event_target_value(&ev))/>
                <input aria-label="Capacity hours per week" type="number" min="0" max="168" step="any" prop:value=person_capacity
                    disabled=move || !board.editable.get() on:input=move |ev| person_capacity.set(event_target_value(&ev))/>
                <button type="submit" disabled=move || !board.editable.get()>"Add person"</button>
            </form>
        </section>
    }
}
