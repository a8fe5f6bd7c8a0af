//! Decisions (决策), `/board/:id/decisions`: every decision recorded on the board (kind,
//! project, who, when, note), newest first, and a form to record one with the board's current
//! version. `/board/:id/decisions/:decision` opens the board exactly as it was when the
//! decision was taken (`Board::snapshot_at` its heads, read-only), with a banner and a way back,
//! and what has changed since (`shared::history::compare`).

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};
use shared::{
    board::{BoardSnapshot, Decision, DecisionId, DecisionKind, Stamp},
    format,
    history::compare::compare,
    ProjectId,
};

use crate::{
    account::Auth,
    components::{board_context::BoardContext, kind_label, stage_label},
    i18n::*,
    language::{lang, local_time, Message},
};

fn project_name(i18n: I18nContext<Locale>, board: &BoardSnapshot, project: &Option<ProjectId>) -> String {
    match project {
        None => t_string!(i18n, decisions.the_portfolio).to_owned(),
        Some(id) => board
            .project(id)
            .map_or_else(|| t_string!(i18n, decisions.a_deleted_project).to_owned(), |p| p.name.clone()),
    }
}

#[component]
pub fn DecisionsPage() -> impl IntoView {
    let board = BoardContext::get();
    let i18n = use_i18n();
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
            Err(error) => return board.notice.set(Some(board.word(&error))),
        };
        let project = project.get_untracked();
        let project = match (!project.is_empty()).then(|| project.parse::<ProjectId>()).transpose() {
            Ok(project) => project,
            Err(error) => return board.notice.set(Some(board.word(&error))),
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
            return view! { <p class="history-empty" data-testid="no-decisions">{t!(i18n, decisions.none_yet)}</p> }
                .into_any();
        }
        let rows = list
            .iter()
            .map(|decision| {
                let what = board.view.snapshot.with(|s| project_name(i18n, s, &decision.project));
                let kind = decision.kind;
                let href = board.href(&format!("decisions/{}", decision.id));
                view! {
                    <tr data-testid="decision-row">
                        <td>{local_time(decision.recorded.at_ms)}</td>
                        <td>{move || kind_label(i18n, kind)}</td>
                        <td>{what}</td>
                        <td>{decision.recorded.by.clone()}</td>
                        <td class="decision-note">{decision.note.clone()}</td>
                        <td><A href=href attr:data-testid="open-decision">{t!(i18n, decisions.see_as_it_was)}</A></td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="decisions-table">
                <thead><tr>
                    <th>{t!(i18n, decisions.when)}</th><th>{t!(i18n, decisions.decision)}</th>
                    <th>{t!(i18n, decisions.project)}</th><th>{t!(i18n, decisions.who)}</th><th>{t!(i18n, decisions.note)}</th><th></th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };

    view! {
        <section class="decisions" aria-labelledby="decisions-title">
            <h2 id="decisions-title">{t!(i18n, decisions.title)}</h2>
            <p class="history-intro">{t!(i18n, decisions.intro)}</p>
            {rows}
            <form class="record-decision" on:submit=move |ev| { ev.prevent_default(); record(); }>
                <h3>{t!(i18n, decisions.record)}</h3>
                <label>{t!(i18n, decisions.decision)} " "
                    <select data-testid="decision-kind" prop:value=kind disabled=move || !board.editable.get()
                        on:change=move |ev| kind.set(event_target_value(&ev))>
                        {DecisionKind::ALL.into_iter().map(|k| view! { <option value=k.as_str()>{move || kind_label(i18n, k)}</option> }).collect_view()}
                    </select>
                </label>
                <label>{t!(i18n, decisions.project)} " "
                    <select data-testid="decision-project" prop:value=project disabled=move || !board.editable.get()
                        on:change=move |ev| project.set(event_target_value(&ev))>
                        <option value="">{t!(i18n, decisions.whole_portfolio)}</option>
                        {move || projects.get().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                    </select>
                </label>
                <label class="decision-note-input">{t!(i18n, decisions.note)} " "
                    <input data-testid="decision-note" prop:value=note disabled=move || !board.editable.get()
                        placeholder=move || t_string!(i18n, decisions.note_placeholder) on:input=move |ev| note.set(event_target_value(&ev))/>
                </label>
                <button type="submit" disabled=move || !board.editable.get()>{t!(i18n, decisions.record_button)}</button>
            </form>
        </section>
    }
}

/// The board as it was at one decision: read-only, with what has changed since.
#[component]
pub fn DecisionVersionPage() -> impl IntoView {
    let board = BoardContext::get();
    let i18n = use_i18n();
    let params = use_params_map();
    let decision_id = Memo::new(move |_| params.with(|p| p.get("decision")).unwrap_or_default());
    let decision: Memo<Option<Decision>> = Memo::new(move |_| {
        let id = decision_id.get();
        board.view.snapshot.with(|s| s.decisions.iter().find(|d| d.id.as_str() == id).cloned())
    });
    // The version itself: read once per decision (its heads never change).
    let then: Memo<Option<Result<BoardSnapshot, Message>>> = Memo::new(move |_| {
        let decision = decision.get()?;
        Some(board.session.with_value(|session| {
            session.read(|live| {
                if !live.contains(&decision.heads) {
                    return Err(message!(decisions.version_missing));
                }
                live.snapshot_at(&decision.heads).map_err(|error| board.word(&error))
            })
        }))
    });
    let back = board.href("decisions");
    let live = board.href("");

    let body = move || {
        let Some(decision) = decision.get() else {
            return view! { <p class="notice" role="alert">{t!(i18n, decisions.no_such_decision)}</p> }.into_any();
        };
        let then = match then.get() {
            Some(Ok(then)) => then,
            Some(Err(message)) => {
                return view! { <p class="notice" role="alert">{move || message.text(i18n)}</p> }.into_any()
            }
            None => return ().into_any(),
        };
        let what = project_name(i18n, &then, &decision.project);
        let who = if decision.recorded.by.is_empty() {
            t_string!(i18n, decisions.someone).to_owned()
        } else {
            decision.recorded.by.clone()
        };
        let banner = tr!(
            i18n,
            decisions.banner,
            who,
            kind = kind_label(i18n, decision.kind).to_lowercase(),
            what,
            when = local_time(decision.recorded.at_ms)
        )
        .to_string();
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
                        <td>{stage_label(project.stage)}</td>
                        <td class="number">{format::amount(lang(), project.budget)}</td>
                    </tr>
                }
            })
            .collect_view();
        let since = {
            let then = then.clone();
            move || {
                let comparison = board.view.snapshot.with(|now| compare(&then, now));
                if comparison.is_empty() {
                    return view! { <p data-testid="nothing-changed">{t!(i18n, decisions.nothing_changed)}</p> }
                        .into_any();
                }
                let mut items: Vec<String> = Vec::new();
                items.extend(comparison.added.iter().map(|name| tr!(i18n, decisions.was_added, name).to_string()));
                items.extend(comparison.removed.iter().map(|name| tr!(i18n, decisions.was_deleted, name).to_string()));
                items.extend(comparison.reranked.iter().map(|r| {
                    tr!(i18n, decisions.moved, project = r.project.clone(), from = r.from, to = r.to).to_string()
                }));
                items.extend(comparison.fields.iter().map(|f| {
                    tr!(
                        i18n,
                        decisions.field_changed,
                        project = f.project,
                        field = f.field,
                        before = f.before,
                        after = f.after
                    )
                    .to_string()
                }));
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
                {(!decision.note.is_empty()).then(|| {
                    let note = decision.note.clone();
                    view! { <p class="decision-note">{tr!(i18n, decisions.note_text, note).to_string()}</p> }
                })}
                <p class="version-links">
                    <A href=back.clone()>{t!(i18n, decisions.back)}</A>
                    " · "
                    <A href=live.clone()>{t!(i18n, decisions.live)}</A>
                    " · "
                    <A href=board.href_at("", &decision.heads) attr:data-testid="open-every-page">{t!(i18n, decisions.open_every_page)}</A>
                </p>
            </div>
            <h3>{t!(i18n, decisions.priorities_then)}</h3>
            <table class="version-table" data-testid="version-table">
                <thead><tr>
                    <th>"#"</th><th>{t!(i18n, decisions.project)}</th><th>{t!(i18n, decisions.stage)}</th>
                    <th>{t!(i18n, decisions.budget)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <h3>{t!(i18n, decisions.changed_since)}</h3>
            {since}
        }
        .into_any()
    };
    view! {
        <section class="decision-version" aria-label=move || t_string!(i18n, decisions.at_a_decision)>
            <h2>{t!(i18n, decisions.decision_title)}</h2>
            {body}
        </section>
    }
}
