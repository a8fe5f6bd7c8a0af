//! Strategy (战略对齐), `/board/:id/strategy`: the strategic objectives with their weights
//! (add, rename, reweight, remove), the contribution matrix projects × objectives (0–1), edited
//! cell by cell from the keyboard, each project's alignment score ranked, and the objectives no
//! approved or active project serves, marked.
//!
//! The matrix is a grid with one tab stop: arrow keys (and Home, End) move between cells,
//! Enter opens the cell's field, Enter in the field commits and returns to the grid, Escape
//! returns without committing. A click opens a cell too.

use leptos::prelude::*;
use shared::{
    board::{ObjectiveId, Stage},
    format,
    views::{self, strategy::move_in_grid},
    ProjectId,
};
use wasm_bindgen::JsCast;

use crate::{
    components::{
        board_context::BoardContext,
        field::{parse_number, Field},
        row_window::RowWindow,
        rows::{project_row, Rows},
        stage_label,
    },
    i18n::*,
    language::{lang, Message},
};

#[component]
pub fn StrategyPage() -> impl IntoView {
    let board = BoardContext::get();
    let i18n = use_i18n();
    let objective_ids =
        Memo::new(move |_| board.view.snapshot.with(|b| b.objectives.iter().map(|o| o.id.clone()).collect::<Vec<_>>()));
    let project_ids =
        Memo::new(move |_| board.view.snapshot.with(|b| b.projects.iter().map(|p| p.id.clone()).collect::<Vec<_>>()));
    let unserved = Memo::new(move |_| board.view.snapshot.with(|s| views::strategy::unserved_objectives(s)));
    let shares = Memo::new(move |_| board.view.snapshot.with(|b| views::strategy::weight_shares(&b.objectives)));

    view! {
        <section class="strategy">
            <h2>{t!(i18n, strategy.objectives)}</h2>
            <p class="hint">{t!(i18n, strategy.weights_hint)}</p>
            <table class="objectives">
                <thead><tr>
                    <th>{t!(i18n, strategy.objective)}</th><th>{t!(i18n, strategy.weight)}</th><th>{t!(i18n, strategy.share)}</th>
                    <th>{t!(i18n, strategy.served_by)}</th><th>{t!(i18n, strategy.actions)}</th>
                </tr></thead>
                <tbody>
                    <For each=move || objective_ids.get() key=|id| id.clone()
                        children=move |id| view! { <ObjectiveRow id board objective_ids unserved shares/> }/>
                </tbody>
            </table>
            <AddObjective board/>
        </section>
        <section class="contributions">
            <h2>{t!(i18n, strategy.contribution_matrix)}</h2>
            <p class="hint">{t!(i18n, strategy.matrix_hint)}</p>
            <ContributionGrid board project_ids objective_ids/>
        </section>
        <section class="alignment">
            <h2>{t!(i18n, strategy.alignment_ranking)}</h2>
            <AlignmentRanking board/>
        </section>
    }
}

#[component]
fn ObjectiveRow(
    id: ObjectiveId,
    board: BoardContext,
    objective_ids: Memo<Vec<ObjectiveId>>,
    unserved: Memo<Vec<ObjectiveId>>,
    shares: Memo<Vec<f64>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = StoredValue::new(id);
    let objective =
        Memo::new(move |_| board.view.snapshot.with(|b| b.objectives.iter().find(|o| o.id == id.get_value()).cloned()));
    let name = move || objective.with(|o| o.as_ref().map(|o| o.name.clone()).unwrap_or_default());
    let weight = move || objective.with(|o| o.as_ref().map_or(0.0, |o| o.weight));
    let share = move || {
        let index = objective_ids.with(|ids| ids.iter().position(|other| *other == id.get_value()));
        index
            .and_then(|index| shares.with(|shares| shares.get(index).copied()))
            .map(|share| format::percent(lang(), share))
            .unwrap_or_default()
    };
    let is_unserved = move || unserved.with(|list| list.contains(&id.get_value()));
    // The approved and active projects that serve it.
    let serving = move || {
        board.view.snapshot.with(|b| {
            b.projects
                .iter()
                .filter(|p| matches!(p.stage, Stage::Approved | Stage::Active))
                .filter(|p| p.contributions.get(&id.get_value()).is_some_and(|&share| share > 0.0))
                .map(|p| p.name.clone())
                .collect::<Vec<_>>()
                .join(", ")
        })
    };
    let read_only = Signal::derive(move || !board.editable.get());
    view! {
        <tr data-testid="objective-row" data-objective-id=id.get_value().to_string() class:unserved=is_unserved>
            <td><Field class="objective-name" label=Signal::derive(move || t_string!(i18n, strategy.objective_name).to_string()) value=Signal::derive(name) disabled=read_only
                commit=move |text| board.try_apply(|b| b.set_objective(&id.get_value(), &text, weight()))/></td>
            <td><Field class="objective-weight" label=Signal::derive(move || t_string!(i18n, strategy.objective_weight).to_string())
                value=Signal::derive(move || format::number(lang(), weight(), 6))
                disabled=read_only
                commit=move |text| match parse_number(&text) {
                    Some(value) => board.try_apply(|b| b.set_objective(&id.get_value(), &name(), value)),
                    None => Err(message!(strategy.weight_not_number)),
                }/>
                {super::scoring::weight_conflict(board, format!("objectives/{}", id.get_value()))}</td>
            <td class="share" data-testid="objective-share">{share}</td>
            <td>{move || if is_unserved() {
                view! { <span class="unserved-mark" data-testid="unserved" title=move || t_string!(i18n, strategy.unserved_title)>
                    {t!(i18n, strategy.unserved)}</span> }.into_any()
            } else {
                view! { <span class="served-mark">"✓ " {serving}</span> }.into_any()
            }}</td>
            <td><button type="button" class="danger"
                aria-label=move || tr!(i18n, strategy.remove_objective_named, name = name()).to_string()
                title=move || t_string!(i18n, strategy.remove_objective)
                disabled=read_only on:click=move |_| board.apply(|b| b.delete_objective(&id.get_value()))>"✕"</button></td>
        </tr>
    }
}

/// A name and a weight; what the board refuses is said beside the form, and nothing is added.
#[component]
fn AddObjective(board: BoardContext) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let weight = RwSignal::new("1".to_string());
    let error = RwSignal::new(None::<Message>);
    let add = move || {
        let result = match parse_number(&weight.get_untracked()) {
            None => Err(message!(strategy.weight_not_number)),
            Some(value) => {
                let text = name.get_untracked();
                board.try_apply(|b| b.add_objective(ObjectiveId::random(), &text, value))
            }
        };
        match result {
            Ok(()) => {
                name.set(String::new());
                weight.set("1".into());
                error.set(None);
            }
            Err(message) => error.set(Some(message)),
        }
    };
    let invalid = move || error.with(Option::is_some).then_some("true");
    view! {
        <form class="add-row" on:submit=move |ev| { ev.prevent_default(); add(); }>
            <input aria-label=move || t_string!(i18n, strategy.new_objective_name)
                placeholder=move || t_string!(i18n, strategy.new_objective) prop:value=name aria-invalid=invalid
                aria-describedby="add-objective-error" disabled=move || !board.editable.get()
                on:input=move |ev| { error.set(None); name.set(event_target_value(&ev)); }/>
            <input aria-label=move || t_string!(i18n, strategy.new_objective_weight) type="number" step="any" class="weight" prop:value=weight aria-invalid=invalid
                aria-describedby="add-objective-error" disabled=move || !board.editable.get()
                on:input=move |ev| { error.set(None); weight.set(event_target_value(&ev)); }/>
            <button type="submit" disabled=move || !board.editable.get()>{t!(i18n, strategy.add_objective)}</button>
            <span class="field-error" id="add-objective-error" role="alert" data-testid="add-objective-error">{move || error.get().map(|error| error.text(i18n))}</span>
        </form>
    }
}

/// Focuses the first element matching `selector`, if there is one.
pub fn focus(selector: &str) {
    if let Ok(Some(element)) = document().query_selector(selector) {
        if let Ok(element) = element.dyn_into::<web_sys::HtmlElement>() {
            let _ = element.focus();
        }
    }
}

#[component]
fn ContributionGrid(
    board: BoardContext,
    project_ids: Memo<Vec<ProjectId>>,
    objective_ids: Memo<Vec<ObjectiveId>>,
) -> impl IntoView {
    let i18n = use_i18n();
    // The cell that holds the grid's one tab stop, and the cell being edited.
    let active = RwSignal::new((0usize, 0usize));
    let editing = RwSignal::new(None::<(usize, usize)>);
    let cell_selector =
        |(row, column): (usize, usize)| format!("[data-grid='contributions'] [data-cell='{row}-{column}']");
    // Leaves the field after its own handlers have run, then puts the focus back on the cell.
    let leave = move || {
        set_timeout(
            move || {
                editing.set(None);
                focus(&cell_selector(active.get_untracked()));
            },
            std::time::Duration::ZERO,
        );
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if let Some(cell) = editing.get_untracked() {
            match ev.key().as_str() {
                "Escape" => {
                    ev.prevent_default();
                    leave();
                }
                // The field has committed (or refused) by now; a refused value keeps the field
                // open with its reason, anything else returns to the grid.
                "Enter" => set_timeout(
                    move || {
                        let refused = format!("{} input[aria-invalid='true']", cell_selector(cell));
                        if matches!(document().query_selector(&refused), Ok(None)) {
                            editing.set(None);
                            focus(&cell_selector(cell));
                        }
                    },
                    std::time::Duration::ZERO,
                ),
                _ => {}
            }
            return;
        }
        let (rows, columns) = (project_ids.with_untracked(Vec::len), objective_ids.with_untracked(Vec::len));
        if ev.key() == "Enter" || ev.key() == "F2" {
            ev.prevent_default();
            if board.editable.get_untracked() && rows > 0 && columns > 0 {
                editing.set(Some(active.get_untracked()));
                set_timeout(
                    move || focus(&format!("{} input", cell_selector(active.get_untracked()))),
                    std::time::Duration::ZERO,
                );
            }
            return;
        }
        if let Some(next) = move_in_grid(active.get_untracked(), &ev.key(), rows, columns) {
            ev.prevent_default();
            active.set(next);
            focus(&cell_selector(next));
        }
    };
    // A click elsewhere closes the open field (which has committed on blur).
    let on_focusout = move |_| {
        set_timeout(
            move || {
                let Some(cell) = editing.get_untracked() else { return };
                let inside = document()
                    .active_element()
                    .and_then(|element| element.closest(&cell_selector(cell)).ok().flatten())
                    .is_some();
                if !inside {
                    editing.set(None);
                }
            },
            std::time::Duration::ZERO,
        );
    };
    let header = move || {
        objective_ids
            .get()
            .into_iter()
            .map(|id| {
                let name = move || {
                    board
                        .view
                        .snapshot
                        .with(|b| b.objectives.iter().find(|o| o.id == id).map(|o| o.name.clone()).unwrap_or_default())
                };
                view! { <th scope="col">{name}</th> }
            })
            .collect_view()
    };
    // Each row follows its own project (see `components::rows`): a thousand rows and their
    // cells watching the board ran all again on every change.
    let rows = Rows::new(board.view.snapshot, project_row);
    let row = move |project: ProjectId| {
        let project = StoredValue::new(project);
        let row_index =
            Memo::new(move |_| project_ids.with(|ids| ids.iter().position(|p| *p == project.get_value()).unwrap_or(0)));
        let item = rows.row(project.get_value()).item;
        // A memo, so that the cells' labels are not formatted again on every change.
        let name = Memo::new(move |_| item.with(|p| p.as_ref().map(|p| p.name.clone()).unwrap_or_default()));
        let cells = move || {
            objective_ids
                .get()
                .into_iter()
                .enumerate()
                .map(|(column, objective)| {
                    let objective = StoredValue::new(objective);
                    let at = move || (row_index.get(), column);
                    let value = Memo::new(move |_| {
                        item.with(|p| {
                            p.as_ref()
                                .and_then(|p| p.contributions.get(&objective.get_value()).copied())
                                .unwrap_or(0.0)
                        })
                    });
                    let text = move || {
                        let value = value.get();
                        if value == 0.0 { String::new() } else { format::number(lang(), value, 3) }
                    };
                    view! {
                        <td class="cell" role="gridcell" data-cell=move || format!("{}-{column}", row_index.get())
                            tabindex=move || if active.get() == at() { "0" } else { "-1" }
                            aria-label=move || {
                                let objective = objective_name(board, &objective.get_value());
                                let value = if text().is_empty() { "0".to_owned() } else { text() };
                                tr!(i18n, strategy.cell_label, project = name.get(), objective, value).to_string()
                            }
                            on:focus=move |_| active.set(at())
                            on:click=move |_| {
                                active.set(at());
                                if board.editable.get_untracked() && editing.get_untracked() != Some(at()) {
                                    editing.set(Some(at()));
                                    set_timeout(move || focus(&format!("{} input", cell_selector(at()))), std::time::Duration::ZERO);
                                }
                            }>
                            {move || if editing.get() == Some(at()) {
                                view! {
                                    <Field class="contribution" label={
                                        let objective = objective_name(board, &objective.get_value());
                                        tr!(i18n, strategy.contribution_of, project = name.get(), objective).to_string()
                                    }
                                        value=Signal::derive(text)
                                        commit=move |typed| {
                                            let share = if typed.trim().is_empty() { Some(0.0) } else { parse_number(&typed) };
                                            let result = match share {
                                                Some(share) => board.try_apply(|b| b.set_contribution(&project.get_value(), &objective.get_value(), share)),
                                                None => Err(message!(strategy.contribution_not_number)),
                                            };
                                            result
                                        }/>
                                }.into_any()
                            } else {
                                view! { <span class="value" data-testid="contribution">{text}</span> }.into_any()
                            }}
                            {super::scoring::cell_conflict(item, format!("contributions/{}", objective.get_value()))}
                        </td>
                    }
                })
                .collect_view()
        };
        view! {
            <tr data-testid="contribution-row" data-project-id=project.get_value().to_string()>
                <th scope="row">{name}</th>
                {cells}
            </tr>
        }
    };
    // A large board's rows are drawn as a window around what is in view (a short list whole,
    // a slice per frame; see `components::row_window`). The row of the grid's tab stop stays
    // drawn wherever the scroll is, so that Tab still enters the grid at its active cell; the
    // arrow keys move one row at a time, onto rows the window draws beyond the viewport.
    let window =
        RowWindow::new(move || project_ids.with(Vec::len), "data-project-id", |key| key.parse::<ProjectId>().ok());
    let columns = move || objective_ids.with_untracked(Vec::len) + 1;
    view! {
        <Show when=move || !project_ids.with(Vec::is_empty) && !objective_ids.with(Vec::is_empty)
            fallback=move || view! { <p class="empty">{t!(i18n, strategy.add_projects_and_objectives)}</p> }>
            <table class="matrix" role="grid" data-grid="contributions" aria-label=move || t_string!(i18n, strategy.matrix_label)
                on:keydown=on_keydown on:focusout=on_focusout>
                <thead><tr><th scope="col">{t!(i18n, strategy.project)}</th>{header}</tr></thead>
                <tbody node_ref=window.body on:focusin=move |ev| window.focus_in(&ev)>
                    {window.rows(move || project_ids.with(|ids| {
                        let active_row = ids.get(active.with(|(row, _)| *row)).cloned();
                        window.slots(ids, active_row.as_ref())
                    }), columns, row)}
                </tbody>
            </table>
        </Show>
    }
}

fn objective_name(board: BoardContext, id: &ObjectiveId) -> String {
    board
        .view
        .snapshot
        .with_untracked(|b| b.objectives.iter().find(|o| &o.id == id).map(|o| o.name.clone()).unwrap_or_default())
}

#[component]
fn AlignmentRanking(board: BoardContext) -> impl IntoView {
    let i18n = use_i18n();
    let ranking = Memo::new(move |_| board.view.snapshot.with(|s| views::strategy::alignment_ranking(s)));
    // A large board's ranking is drawn as a window around what is in view (a short one whole,
    // a slice per frame): its 1,000 rows were all built again on every change. Rows are keyed
    // by project, each redrawn when its own line of the ranking changes.
    let order = Memo::new(move |_| {
        ranking.with(|ranking| {
            ranking.as_ref().map(|rows| rows.iter().map(|row| row.id.clone()).collect()).unwrap_or_default()
        })
    });
    let at = Memo::new(move |_| {
        ranking.with(|ranking| {
            ranking
                .as_ref()
                .map(|rows| rows.iter().enumerate().map(|(at, row)| (row.id.clone(), at)).collect())
                .unwrap_or_else(|_| std::collections::HashMap::new())
        })
    });
    let window = RowWindow::new(move || order.with(Vec::len), "data-project-id", |key| key.parse::<ProjectId>().ok());
    let problem = Memo::new(move |_| ranking.with(|ranking| ranking.as_ref().err().cloned()));
    let line_row = move |id: ProjectId| {
        let line = Memo::new(move |_| {
            at.with(|at| at.get(&id).and_then(|at| ranking.with(|ranking| ranking.as_ref().ok()?.get(*at).cloned())))
        });
        move || {
            line.get().map(|row| {
                let width = format!("width: {:.1}%", row.score * 100.0);
                view! {
                    <tr data-testid="alignment-row" data-project-id=row.id.to_string()>
                        <td class="rank">{row.rank}</td>
                        <td>{row.name}</td>
                        <td class="stage">{stage_label(row.stage)}</td>
                        <td class="score-cell">
                            <span class="bar"><span class="fill" style=width></span></span>
                            <span class="score" data-testid="alignment-score">{format::number(lang(), row.score, 3)}</span>
                        </td>
                    </tr>
                }
            })
        }
    };
    view! {
        <Show when=move || problem.with(Option::is_none)
            fallback=move || problem.get().map(|reason| {
                let text = move || crate::words::ranking_problem(i18n.get_locale(), &reason, true);
                view! { <p class="empty" data-testid="alignment-empty">{text}</p> }
            })>
            <table class="ranking">
                <thead><tr>
                    <th>"#"</th><th>{t!(i18n, strategy.project)}</th><th>{t!(i18n, strategy.stage)}</th>
                    <th>{t!(i18n, strategy.alignment)}</th>
                </tr></thead>
                <tbody node_ref=window.body on:focusin=move |ev| window.focus_in(&ev)>
                    {window.rows(move || order.with(|order| window.slots(order, None)), || 4, line_row)}
                </tbody>
            </table>
        </Show>
    }
}
