//! Decisions (决策), `/board/:id/decisions`: every decision recorded on the board (kind,
//! project, who, when, note), newest first, and a form to record one with the board's current
//! version. `/board/:id/decisions/:decision` opens the board exactly as it was when the
//! decision was taken (`Board::fork_at` its heads, read-only), with a banner and a way back,
//! and what has changed since (`shared::history::compare`).

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};
use shared::{
    board::{BoardSnapshot, Decision, DecisionId, DecisionKind, Stamp},
    history::{compare::compare, format_number},
    ProjectId,
};

use super::{board::BoardContext, history::format_time};
use crate::account::Auth;

/// A decision kind as people say it.
fn kind_label(kind: DecisionKind) -> &'static str {
    match kind {
        DecisionKind::Approve => "Approve",
        DecisionKind::Reject => "Reject",
        DecisionKind::Reprioritise => "Reprioritise",
        DecisionKind::PutOnHold => "Put on hold",
        DecisionKind::Cancel => "Cancel",
        DecisionKind::Close => "Close",
        DecisionKind::Reallocate => "Reallocate",
    }
}

fn project_name(board: &BoardSnapshot, project: &Option<ProjectId>) -> String {
    match project {
        None => "the portfolio".to_owned(),
        Some(id) => board.project(id).map_or_else(|| "a deleted project".to_owned(), |p| p.name.clone()),
    }
}

#[component]
pub fn DecisionsPage() -> impl IntoView {
    let board = BoardContext::get();
    let decisions = Memo::new(move |_| board.view.snapshot.with(|snapshot| snapshot.decisions.clone()));
    let kind = RwSignal::new(DecisionKind::Approve.as_str().to_owned());
    let project = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let projects = Memo::new(move |_| {
        board.view.snapshot.with(|s| s.projects.iter().map(|p| (p.id.to_string(), p.name.clone())).collect::<Vec<_>>())
    });
    let record = move || {
        let by = Auth::get().account().map(|account| account.name).unwrap_or_default();
        let stamp = Stamp { by, at_ms: js_sys::Date::now() as i64 };
        let kind = match kind.get_untracked().parse::<DecisionKind>() {
            Ok(kind) => kind,
            Err(error) => return board.notice.set(Some(error.to_string())),
        };
        let project = project.get_untracked();
        let project = match (!project.is_empty()).then(|| project.parse::<ProjectId>()).transpose() {
            Ok(project) => project,
            Err(error) => return board.notice.set(Some(error.to_string())),
        };
        let text = note.get_untracked();
        board.apply(|b| b.record_decision(DecisionId::random(), kind, project.as_ref(), &text, stamp));
        if board.notice.get_untracked().is_none() {
            note.set(String::new());
        }
    };
    let rows = move || {
        let list = decisions.get();
        if list.is_empty() {
            return view! { <p class="history-empty" data-testid="no-decisions">"No decisions recorded yet."</p> }
                .into_any();
        }
        let rows = list
            .into_iter()
            .map(|decision| {
                let what = board.view.snapshot.with(|s| project_name(s, &decision.project));
                let href = board.href(&format!("decisions/{}", decision.id));
                view! {
                    <tr data-testid="decision-row">
                        <td>{format_time(decision.recorded.at_ms)}</td>
                        <td>{kind_label(decision.kind)}</td>
                        <td>{what}</td>
                        <td>{decision.recorded.by.clone()}</td>
                        <td class="decision-note">{decision.note.clone()}</td>
                        <td><A href=href attr:data-testid="open-decision">"See the board as it was"</A></td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="decisions-table">
                <thead><tr><th>"When"</th><th>"Decision"</th><th>"Project"</th><th>"Who"</th><th>"Note"</th><th></th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };

    view! {
        <section class="decisions" aria-labelledby="decisions-title">
            <h2 id="decisions-title">"Decisions " <span class="zh" lang="zh">"决策"</span></h2>
            <p class="history-intro">"Each decision keeps the version of the board it was taken on: open it to see exactly what the decision makers saw, and what has changed since."</p>
            {rows}
            <form class="record-decision" on:submit=move |ev| { ev.prevent_default(); record(); }>
                <h3>"Record a decision"</h3>
                <label>"Decision "
                    <select data-testid="decision-kind" prop:value=kind disabled=move || !board.editable.get()
                        on:change=move |ev| kind.set(event_target_value(&ev))>
                        {DecisionKind::ALL.into_iter().map(|k| view! { <option value=k.as_str()>{kind_label(k)}</option> }).collect_view()}
                    </select>
                </label>
                <label>"Project "
                    <select data-testid="decision-project" prop:value=project disabled=move || !board.editable.get()
                        on:change=move |ev| project.set(event_target_value(&ev))>
                        <option value="">"The whole portfolio"</option>
                        {move || projects.get().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                    </select>
                </label>
                <label class="decision-note-input">"Note "
                    <input data-testid="decision-note" prop:value=note disabled=move || !board.editable.get()
                        placeholder="Why, and on what condition" on:input=move |ev| note.set(event_target_value(&ev))/>
                </label>
                <button type="submit" disabled=move || !board.editable.get()>"Record decision"</button>
            </form>
        </section>
    }
}

/// The board as it was at one decision: read-only, with what has changed since.
#[component]
pub fn DecisionVersionPage() -> impl IntoView {
    let board = BoardContext::get();
    let params = use_params_map();
    let decision_id = Memo::new(move |_| params.with(|p| p.get("decision")).unwrap_or_default());
    let decision: Memo<Option<Decision>> = Memo::new(move |_| {
        let id = decision_id.get();
        board.view.snapshot.with(|s| s.decisions.iter().find(|d| d.id.as_str() == id).cloned())
    });
    // The version itself: read once per decision (its heads never change).
    let then: Memo<Option<Result<BoardSnapshot, String>>> = Memo::new(move |_| {
        let decision = decision.get()?;
        Some(board.session.with_value(|session| {
            session.read(|live| {
                if !live.contains(&decision.heads) {
                    return Err("this device does not have that version of the board yet; wait for the sync".to_owned());
                }
                live.fork_at(&decision.heads).map(|then| then.snapshot()).map_err(|error| error.to_string())
            })
        }))
    });
    let back = board.href("decisions");
    let live = board.href("");

    let body = move || {
        let Some(decision) = decision.get() else {
            return view! { <p class="notice" role="alert">"There is no such decision on this board."</p> }.into_any();
        };
        let then = match then.get() {
            Some(Ok(then)) => then,
            Some(Err(message)) => return view! { <p class="notice" role="alert">{message}</p> }.into_any(),
            None => return ().into_any(),
        };
        let what = project_name(&then, &decision.project);
        let banner = format!(
            "You are looking at the board as it was when {} recorded “{} {}” on {}. Nothing here can be changed.",
            if decision.recorded.by.is_empty() { "someone" } else { &decision.recorded.by },
            kind_label(decision.kind).to_lowercase(),
            what,
            format_time(decision.recorded.at_ms)
        );
        let rows = then
            .projects
            .iter()
            .enumerate()
            .map(|(index, project)| {
                let decided = decision.project.as_ref() == Some(&project.id);
                view! {
                    <tr data-testid="version-row" class:decided=decided>
                        <td class="rank">{index + 1}</td>
                        <td>{project.name.clone()}</td>
                        <td>{project.stage.label()}</td>
                        <td class="number">{format_number(project.budget)}</td>
                    </tr>
                }
            })
            .collect_view();
        let since = {
            let then = then.clone();
            move || {
                let comparison = board.view.snapshot.with(|now| compare(&then, now));
                if comparison.is_empty() {
                    return view! { <p data-testid="nothing-changed">"Nothing on the priorities has changed since."</p> }.into_any();
                }
                let mut items: Vec<String> = Vec::new();
                items.extend(comparison.added.iter().map(|name| format!("{name} was added")));
                items.extend(comparison.removed.iter().map(|name| format!("{name} was deleted")));
                items.extend(
                    comparison.reranked.iter().map(|r| format!("{} moved from #{} to #{}", r.project, r.from, r.to)),
                );
                items.extend(
                    comparison
                        .fields
                        .iter()
                        .map(|f| format!("{}'s {}: {} → {}", f.project, f.field, f.before, f.after)),
                );
                view! {
                    <ul class="since" data-testid="changed-since">
                        {items.into_iter().map(|item| view! { <li>{item}</li> }).collect_view()}
                    </ul>
                }
                .into_any()
            }
        };
        view! {
            <div class="version-banner" role="status" data-testid="version-banner">
                <p>{banner}</p>
                {(!decision.note.is_empty()).then(|| view! { <p class="decision-note">{format!("Note: {}", decision.note)}</p> })}
                <p class="version-links">
                    <A href=back.clone()>"← Back to the decisions"</A>
                    " · "
                    <A href=live.clone()>"Go to the live board"</A>
                    " · "
                    <A href=board.href_at("", &decision.heads) attr:data-testid="open-every-page">"Open every page as it was then"</A>
                </p>
            </div>
            <h3>"Priorities then"</h3>
            <table class="version-table" data-testid="version-table">
                <thead><tr><th>"#"</th><th>"Project"</th><th>"Stage"</th><th>"Budget"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <h3>"What has changed since"</h3>
            {since}
        }
        .into_any()
    };
    view! {
        <section class="decision-version" aria-label="The board at a decision">
            <h2>"Decision " <span class="zh" lang="zh">"决策"</span></h2>
            {body}
        </section>
    }
}
