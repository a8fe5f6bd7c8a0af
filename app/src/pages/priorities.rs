//! Priorities (优先级): the board's projects in rank order, reordered by drag and drop or with the
//! move buttons, and edited in place (name, stage, sponsor, manager, budget), with the total
//! budget in the board's currency underneath.

use leptos::prelude::*;
use shared::{
    board::{schema, NewProject, Project, Stage},
    format::{self, parse_amount},
    ProjectId,
};

use crate::{
    components::{
        blame::{FieldHistory, StoryRow},
        board_context::BoardContext,
        field::Field,
        row_window::RowWindow,
        rows::{project_row, Rows},
        stage_label,
    },
    i18n::*,
    language::lang,
};

#[component]
pub fn Priorities(board: BoardContext) -> impl IntoView {
    let i18n = use_i18n();
    let dragged = RwSignal::new(None::<ProjectId>);
    let new_name = RwSignal::new(String::new());
    let add = move || {
        let name = new_name.get_untracked();
        let project = NewProject { name, stage: Stage::Proposed, budget: 0.0 };
        board.apply(|board| board.add_project(ProjectId::random(), project));
        if board.notice.get_untracked().is_none() {
            new_name.set(String::new());
        }
    };
    // Rows are keyed by project id alone and read their fields reactively: an edit by someone
    // else updates a field in place, and a reorder moves rows, so the field a person is typing
    // in survives both.
    let currency = Memo::new(move |_| board.view.snapshot.with(|board| board.settings.currency.clone()));
    let total =
        Memo::new(move |_| board.view.snapshot.with(|board| board.projects.iter().map(|p| p.budget).sum::<f64>()));
    let order = Memo::new(move |_| {
        board.view.snapshot.with(|board| board.projects.iter().map(|p| p.id.clone()).collect::<Vec<_>>())
    });

    // A large board's rows are drawn as a window around what is in view (a short list whole,
    // a slice per frame); the row being dragged and the one holding the focus stay drawn.
    let count = Memo::new(move |_| order.with(Vec::len));
    let window = RowWindow::new(move || count.get(), "data-project-id", |key| key.parse::<ProjectId>().ok());
    let rows = Rows::new(board.view.snapshot, project_row);

    view! {
        <section class="priorities">
            <h2>{t!(i18n, priorities.title)}</h2>
            <table>
                <thead><tr>
                    <th>"#"</th>
                    <th class="handle"><span class="visually-hidden">{t!(i18n, priorities.drag_to_reorder)}</span></th>
                    <th>{t!(i18n, priorities.project)}</th><th>{t!(i18n, priorities.stage)}</th>
                    <th>{t!(i18n, priorities.sponsor)}</th>
                    <th>{t!(i18n, priorities.manager)}</th>
                    <th class="money">{move || {
                        let currency = format::currency_name(lang(), &currency.get());
                        tr!(i18n, priorities.budget_in, currency).to_string()
                    }}</th>
                    <th>{t!(i18n, priorities.actions)}</th>
                </tr></thead>
                <tbody node_ref=window.body on:focusin=move |ev| window.focus_in(&ev)>
                    {window.rows(move || order.with(|order| dragged.with(|dragged| window.slots(order, dragged.as_ref()))), || COLUMNS, move |id| view! { <ProjectRow id board dragged count rows/> })}
                </tbody>
                <tfoot><tr>
                    <th scope="row" colspan="6" class="total-label">{t!(i18n, priorities.total_budget)}</th>
                    <td class="money" data-testid="budget-total">{move || format::money(lang(), total.get(), &currency.get())}</td>
                    <td></td>
                </tr></tfoot>
            </table>
            <form class="add-project" on:submit=move |ev| { ev.prevent_default(); add(); }>
                <input aria-label=move || t_string!(i18n, priorities.new_project_name)
                    placeholder=move || t_string!(i18n, priorities.new_project) prop:value=new_name
                    disabled=move || !board.editable.get() on:input=move |ev| new_name.set(event_target_value(&ev))/>
                <button type="submit" disabled=move || !board.editable.get()>{t!(i18n, priorities.add_project)}</button>
            </form>
        </section>
    }
}

/// The columns of the priorities table, and the fields of a row whose story opens under it.
const COLUMNS: usize = 8;
const ROW_FIELDS: &[&str] = &[
    schema::project::NAME,
    schema::project::STAGE,
    schema::project::SPONSOR,
    schema::project::MANAGER,
    schema::project::BUDGET,
];

#[component]
fn ProjectRow(
    id: ProjectId,
    board: BoardContext,
    dragged: RwSignal<Option<ProjectId>>,
    /// How many projects there are (one memo for every row: the last row's "down" is disabled).
    count: Memo<usize>,
    rows: Rows<ProjectId, Project>,
) -> impl IntoView {
    let i18n = use_i18n();
    let read_only = move || !board.editable.get();
    let id = StoredValue::new(id);
    // Set only when this project changed or moved: another member's edit to one project runs
    // one row again, not a thousand (see `components::rows`).
    let row = rows.row(id.get_value());
    let project = row.item;
    let index = Signal::derive(move || row.place.get().unwrap_or(0));
    let name = move || project.with(|p| p.as_ref().map(|p| p.name.clone()).unwrap_or_default());
    let stage = move || project.with(|p| p.as_ref().map_or(Stage::Proposed, |p| p.stage));
    let budget = move || format::amount(lang(), project.with(|p| p.as_ref().map_or(0.0, |p| p.budget)));
    let sponsor = move || project.with(|p| p.as_ref().map(|p| p.sponsor.clone()).unwrap_or_default());
    let manager = move || project.with(|p| p.as_ref().map(|p| p.manager.clone()).unwrap_or_default());
    // "Changed by two people": which value won and which others the board still holds.
    let conflicts = move || {
        project.with(|p| {
            let conflicts = &p.as_ref()?.conflicts;
            (!conflicts.is_empty()).then(|| {
                let fields: Vec<String> = conflicts
                    .iter()
                    .map(|c| {
                        let (field, winner, others) = (c.field.clone(), c.winner.clone(), c.others.join("”, “"));
                        tr!(i18n, priorities.conflict_field, field, winner, others).to_string()
                    })
                    .collect();
                let fields = fields.join("; ");
                tr!(i18n, priorities.changed_by_two, fields).to_string()
            })
        })
    };
    let (up, down) = (NodeRef::<leptos::html::Button>::new(), NodeRef::<leptos::html::Button>::new());
    // Moving a row moves its element, which takes the focus from the button just pressed: give
    // it back once the row is in place (or to the other button at the top or the bottom), so
    // moving a row three places is three key presses.
    let is_last = move || index.get() + 1 >= count.get();
    let move_to = move |to: usize, pressed: NodeRef<leptos::html::Button>, other: NodeRef<leptos::html::Button>| {
        board.apply(|board| board.move_project(&id.get_value(), to));
        request_animation_frame(move || {
            let target = [pressed, other]
                .into_iter()
                .filter_map(|button| button.get_untracked())
                .find(|button| !button.disabled());
            if let Some(button) = target {
                let _ = button.focus();
            }
        });
    };
    // Deleting asks first, in the row, and says what goes with the project.
    let confirming = RwSignal::new(false);
    let bookings = move || {
        board.view.snapshot.with(|board| {
            let id = id.get_value();
            board.allocations.iter().filter(|a| a.project == id && a.hours > 0.0).count()
        })
    };
    let cancel = NodeRef::<leptos::html::Button>::new();
    let delete_button = NodeRef::<leptos::html::Button>::new();
    // Asking: the focus goes to "Cancel", so Enter never deletes by accident.
    let start_confirming = move || {
        confirming.set(true);
        request_animation_frame(move || {
            if let Some(cancel) = cancel.get_untracked() {
                let _ = cancel.focus();
            }
        });
    };
    let stop_confirming = move || {
        confirming.set(false);
        request_animation_frame(move || {
            if let Some(button) = delete_button.get_untracked() {
                let _ = button.focus();
            }
        });
    };
    // The option selected when the row is drawn; later changes go through the select's value.
    let drawn_stage = untrack(stage);
    let stage_options = Stage::ALL
        .into_iter()
        .map(|option| {
            view! { <option value=option.as_str() selected=drawn_stage == option>{move || stage_label(option)}</option> }
        })
        .collect_view();

    view! {
        <tr data-testid="project-row" data-project-id=id.get_value().to_string()
            draggable=move || if board.editable.get() { "true" } else { "false" }
            class:dragging=move || dragged.with(|d| d.as_ref() == Some(&id.get_value()))
            on:dragstart=move |ev| {
                if !board.editable.get_untracked() {
                    ev.prevent_default();
                    return;
                }
                if let Some(transfer) = ev.data_transfer() {
                    let _ = transfer.set_data("text/plain", id.get_value().as_str());
                }
                dragged.set(Some(id.get_value()));
            }
            on:dragend=move |_| dragged.set(None)
            on:dragover=move |ev| ev.prevent_default()
            on:drop=move |ev| {
                ev.prevent_default();
                if !board.editable.get_untracked() {
                    return;
                }
                if let Some(from) = dragged.get_untracked() {
                    board.apply(|board| board.move_project(&from, index.get_untracked()));
                }
                dragged.set(None);
            }>
            <td class="rank">{move || index.get() + 1}</td>
            <td class="handle" title=move || t_string!(i18n, priorities.drag_to_reorder)>"⠿"</td>
            <td>
                <Field class="project-name" label=Signal::derive(move || t_string!(i18n, priorities.project_name).to_string()) value=Signal::derive(name) disabled=Signal::derive(read_only)
                    commit=move |name| board.try_apply(|board| board.rename_project(&id.get_value(), &name))/>
                <FieldHistory board project=id.get_value() field=schema::project::NAME/>
                // A plain link (the router takes its clicks): `<A>` would watch the location
                // for `aria-current`, once per row.
                <a href=board.href(&format!("project/{}", id.get_value())) class="project-open"
                    aria-label=move || tr!(i18n, priorities.open_page_of, name = name()).to_string()>
                    {t!(i18n, priorities.open)}
                </a>
                {move || conflicts().map(|text| view! { <span class="conflict" data-testid="conflict" title=text.clone()>{format!("⚑ {text}")}</span> })}
            </td>
            <td><select aria-label=move || t_string!(i18n, priorities.stage) prop:value=move || stage().as_str() disabled=read_only on:change=move |ev| {
                    match event_target_value(&ev).parse::<Stage>() {
                        Ok(stage) => board.apply(|board| board.set_project_stage(&id.get_value(), stage)),
                        Err(error) => board.notice.set(Some(board.word(&error))),
                    }
                }>{stage_options}</select>
                <FieldHistory board project=id.get_value() field=schema::project::STAGE/></td>
            <td>
                <Field class="sponsor" label=Signal::derive(move || t_string!(i18n, priorities.sponsor).to_string()) value=Signal::derive(sponsor) disabled=Signal::derive(read_only)
                    commit=move |text| board.try_apply(|board| board.set_project_sponsor(&id.get_value(), &text))/>
                <FieldHistory board project=id.get_value() field=schema::project::SPONSOR/>
            </td>
            <td>
                <Field class="manager" label=Signal::derive(move || t_string!(i18n, priorities.project_manager).to_string()) value=Signal::derive(manager) disabled=Signal::derive(read_only)
                    commit=move |text| board.try_apply(|board| board.set_project_manager(&id.get_value(), &text))/>
                <FieldHistory board project=id.get_value() field=schema::project::MANAGER/>
            </td>
            <td class="money">
                // Text, not a number field: it shows the amount with thousands separators.
                <Field class="budget" label=Signal::derive(move || t_string!(i18n, priorities.budget).to_string()) input_mode="decimal" value=Signal::derive(budget) disabled=Signal::derive(read_only)
                    commit=move |text| match parse_amount(&text) {
                        Some(budget) => board.try_apply(|board| board.set_project_budget(&id.get_value(), budget)),
                        None => Err(message!(priorities.budget_not_amount)),
                    }/>
                <FieldHistory board project=id.get_value() field=schema::project::BUDGET/>
            </td>
            <td class="actions">
                <button type="button" node_ref=up aria-label=move || t_string!(i18n, priorities.move_up)
                    title=move || t_string!(i18n, priorities.move_up) disabled=move || read_only() || index.get() == 0
                    on:click=move |_| move_to(index.get_untracked().saturating_sub(1), up, down)>"↑"</button>
                <button type="button" node_ref=down aria-label=move || t_string!(i18n, priorities.move_down)
                    title=move || t_string!(i18n, priorities.move_down)
                    disabled=move || read_only() || is_last()
                    on:click=move |_| move_to(index.get_untracked() + 1, down, up)>"↓"</button>
                <button type="button" node_ref=delete_button class="danger"
                    aria-label=move || t_string!(i18n, priorities.delete_project)
                    title=move || t_string!(i18n, priorities.delete_project)
                    disabled=read_only aria-expanded=move || confirming.get().to_string()
                    on:click=move |_| start_confirming()>"✕"</button>
                <Show when=move || confirming.get()>
                    <div class="confirm-delete" role="group" aria-label=move || t_string!(i18n, priorities.confirm_delete)
                        data-testid="confirm-delete"
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { stop_confirming(); }>
                        <span>{move || {
                            let bookings = bookings();
                            let what = match bookings {
                                0 => t_string!(i18n, priorities.no_bookings).to_string(),
                                1 => t_string!(i18n, priorities.one_booking).to_string(),
                                count => tr!(i18n, priorities.bookings, count).to_string(),
                            };
                            tr!(i18n, priorities.delete_question, name = name(), what).to_string()
                        }}</span>
                        <button type="button" class="danger" on:click=move |_| {
                            confirming.set(false);
                            board.apply(|board| board.delete_project(&id.get_value()));
                        }>{t!(i18n, common.delete)}</button>
                        <button type="button" node_ref=cancel on:click=move |_| stop_confirming()>{t!(i18n, common.cancel)}</button>
                    </div>
                </Show>
            </td>
        </tr>
        <StoryRow board project=id.get_value() fields=ROW_FIELDS columns=COLUMNS/>
    }
}
