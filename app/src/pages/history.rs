//! History (历史), `/board/:id/history`: who changed what and when, from the server's record
//! (`GET /api/boards/{id}/history`): every change in PMO words, grouped into sessions of one
//! member's consecutive edits, filterable by member and project, with both times when a change
//! was made offline. It reloads when the board changes. Offline it says that the history needs
//! the server, and shows the changes this device holds, honestly without names: a device
//! knows a change's Automerge actor and its own clock, not the account that sent it.

use leptos::{prelude::*, task::spawn_local};
use leptos_router::hooks::use_params_map;
use shared::history::{filter_entries, group_sessions, HistoryEntry, LocalChange};

use super::board::BoardContext;
use crate::{
    api::{self, FetchError},
    components::time_travel::{SeeOnDate, SeeThen},
};

/// What the page has from the server.
#[derive(Debug, Clone, PartialEq)]
enum Load {
    Loading,
    Loaded,
    /// The server cannot be reached.
    Offline,
    Failed(String),
}

/// The member filter's value for the server's own changes.
const SERVER: &str = "-server-";

/// A time in the reader's locale: "28 Nov 2026, 08:15".
pub fn format_time(ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    date.to_locale_string("en-GB", &options).into()
}

/// A time of day in the reader's locale: "08:15".
fn format_clock(ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    date.to_locale_time_string_with_options("en-GB", &options).into()
}

/// A day in the reader's locale: "28 Nov 2026".
fn format_day(ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    date.to_locale_date_string("en-GB", &options).into()
}

/// When, under a session's heading: the time it arrived (with the day when it differs from the
/// session's), and when it was made first if that was offline.
fn times(entry: &HistoryEntry, session_day: &str) -> String {
    let received = if format_day(entry.received_at_ms) == session_day {
        format_clock(entry.received_at_ms)
    } else {
        format_time(entry.received_at_ms)
    };
    match entry.made_offline_at() {
        Some(made) => format!("made offline on {}, received {received}", format_time(made)),
        None => received,
    }
}

/// A session's span: "28 Nov 2026, 08:15–08:40", or one time when it is one.
fn span(from_ms: i64, to_ms: i64) -> String {
    let (from, to) = (format_time(from_ms), format_time(to_ms));
    if from == to {
        from
    } else if format_day(from_ms) == format_day(to_ms) {
        format!("{from}–{}", format_clock(to_ms))
    } else {
        format!("{from} – {to}")
    }
}

#[component]
pub fn HistoryPage() -> impl IntoView {
    let board = BoardContext::get();
    let document_id = use_params_map().with_untracked(|params| params.get("id")).unwrap_or_default();
    let document_id = StoredValue::new(document_id);
    let entries = RwSignal::new(Vec::<HistoryEntry>::new());
    let next = RwSignal::new(None::<String>);
    let load = RwSignal::new(Load::Loading);
    let older_loading = RwSignal::new(false);
    let member = RwSignal::new(String::new());
    let project = RwSignal::new(String::new());
    // One reload at a time; a change during one asks for another after it.
    let in_flight = StoredValue::new(false);
    let again = StoredValue::new(false);

    fn reload(
        document_id: StoredValue<String>,
        entries: RwSignal<Vec<HistoryEntry>>,
        next: RwSignal<Option<String>>,
        load: RwSignal<Load>,
        in_flight: StoredValue<bool>,
        again: StoredValue<bool>,
    ) {
        if in_flight.get_value() {
            again.set_value(true);
            return;
        }
        in_flight.set_value(true);
        spawn_local(async move {
            match api::history(&document_id.get_value(), None).await {
                Ok(page) => {
                    entries.set(page.entries);
                    next.set(page.next);
                    load.set(Load::Loaded);
                }
                Err(FetchError::Unreachable) => load.set(Load::Offline),
                Err(error) => load.set(Load::Failed(error.to_string())),
            }
            in_flight.set_value(false);
            if again.get_value() {
                again.set_value(false);
                reload(document_id, entries, next, load, in_flight, again);
            }
        });
    }

    // Reload whenever the board changes here or arrives from elsewhere, and when this device's
    // own changes have reached the server.
    Effect::new(move || {
        board.view.snapshot.track();
        let _settled = board.view.status.with(|status| (status.online, status.unsynced == 0));
        reload(document_id, entries, next, load, in_flight, again);
    });

    let older = move |_| {
        let Some(before) = next.get_untracked() else { return };
        older_loading.set(true);
        spawn_local(async move {
            match api::history(&document_id.get_value(), Some(&before)).await {
                Ok(page) => {
                    entries.update(|list| list.extend(page.entries));
                    next.set(page.next);
                }
                Err(FetchError::Unreachable) => load.set(Load::Offline),
                Err(error) => load.set(Load::Failed(error.to_string())),
            }
            older_loading.set(false);
        });
    };

    let members = Memo::new(move |_| {
        entries.with(|list| {
            let mut members: Vec<(String, String)> = Vec::new();
            for entry in list {
                let id = entry.account_id.clone().unwrap_or_else(|| SERVER.to_owned());
                if !members.iter().any(|(known, _)| *known == id) {
                    members.push((id, entry.account_name.clone()));
                }
            }
            members.sort_by(|a, b| a.1.cmp(&b.1));
            members
        })
    });
    let projects = Memo::new(move |_| {
        board
            .view
            .snapshot
            .with(|board| board.projects.iter().map(|p| (p.id.to_string(), p.name.clone())).collect::<Vec<_>>())
    });
    let sessions = Memo::new(move |_| {
        let member = member.get();
        let project = project.get();
        let account = match member.as_str() {
            "" => None,
            SERVER => Some(None),
            id => Some(Some(id)),
        };
        let project = (!project.is_empty()).then_some(project.as_str());
        entries.with(|list| group_sessions(&filter_entries(list, account, project)))
    });

    // Reloads set the same state again: only a different one re-renders the filters.
    let shown = Memo::new(move |_| load.get());
    let list = move || {
        let sessions = sessions.get();
        if sessions.is_empty() {
            let text = if entries.with(Vec::is_empty) { "No changes yet." } else { "No changes match these filters." };
            return view! { <p class="history-empty" data-testid="history-empty">{text}</p> }.into_any();
        }
        let items = sessions
            .into_iter()
            .map(|session| {
                let count = session.entries.len();
                let day = format_day(session.to_ms);
                let span = span(session.from_ms, session.to_ms);
                let rows = session
                    .entries
                    .into_iter()
                    .map(|entry| {
                        let when = times(&entry, &day);
                        let offline = entry.made_offline_at().is_some();
                        view! {
                            <li data-testid="history-entry" data-hash=entry.hash.clone()>
                                <span class="history-summary">{entry.summary.clone()}</span>
                                <span class="history-time" class:offline=offline>{when}</span>
                                <SeeThen board hash=entry.hash.clone()/>
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <li class="history-session" data-testid="history-session">
                        <h3>
                            <span class="history-who" data-testid="history-who">{session.account_name}</span>
                            <span class="history-span">{span}</span>
                            <span class="history-count">{if count == 1 { "1 change".to_owned() } else { format!("{count} changes") }}</span>
                        </h3>
                        <ul class="history-entries">{rows}</ul>
                    </li>
                }
            })
            .collect_view();
        view! { <ol class="history-sessions">{items}</ol> }.into_any()
    };

    view! {
        <section class="history" aria-labelledby="history-title">
            <h2 id="history-title">"History " <span class="zh" lang="zh">"历史"</span></h2>
            <p class="history-intro">
                "Every change the server received for this board: who sent it (the account signed in on that connection), "
                "what it did, and when. A change made offline shows when it was made and when it arrived."
            </p>
            <SeeOnDate board/>
            {move || match shown.get() {
                Load::Loading => view! { <p class="progress" role="status">"Loading the history…"</p> }.into_any(),
                Load::Failed(message) => view! {
                    <p class="notice" role="alert" data-testid="history-error">{format!("The history could not be loaded: {message}")}</p>
                }.into_any(),
                Load::Offline => view! { <LocalHistory board/> }.into_any(),
                Load::Loaded => view! {
                    <div class="history-filters">
                        <label>"Member "
                            <select data-testid="history-member" prop:value=member on:change=move |ev| member.set(event_target_value(&ev))>
                                <option value="">"Everyone"</option>
                                {move || members.get().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                            </select>
                        </label>
                        <label>"Project "
                            <select data-testid="history-project" prop:value=project on:change=move |ev| project.set(event_target_value(&ev))>
                                <option value="">"All projects"</option>
                                {move || projects.get().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                            </select>
                        </label>
                    </div>
                    {list}
                    <Show when=move || next.with(Option::is_some)>
                        <button type="button" class="history-older" on:click=older disabled=move || older_loading.get()>
                            "Show older changes"
                        </button>
                    </Show>
                }.into_any(),
            }}
        </section>
    }
}

/// Offline: what this device holds, without names.
#[component]
fn LocalHistory(board: BoardContext) -> impl IntoView {
    let recent = Memo::new(move |_| {
        board.view.snapshot.track();
        board.session.with_value(|session| session.read(|board| board.recent_changes(50)))
    });
    let row = move |change: LocalChange| {
        let when = change.made_at_ms.map_or_else(|| "time not recorded".to_owned(), format_time);
        let device = format!("device {}", &change.actor[..8.min(change.actor.len())]);
        view! {
            <li data-testid="local-change">
                <span class="history-summary">{change.summary.text}</span>
                <span class="history-time">{format!("{when} · {device}")}</span>
                <SeeThen board hash=change.hash/>
            </li>
        }
    };
    view! {
        <p class="notice" role="status" data-testid="history-offline">
            "The history needs the server, and it cannot be reached right now. "
            "Below are the latest changes this device holds. Without the server it cannot say who made them: "
            "a device only knows the random id of the device that made each change and that device's clock."
        </p>
        <ul class="history-entries local">{move || recent.get().into_iter().map(row).collect_view()}</ul>
    }
}

/// Whether a key press happened in a text field, where Ctrl+Z undoes typing instead.
fn in_text_field(event: &web_sys::KeyboardEvent) -> bool {
    use wasm_bindgen::JsCast;
    event.target().and_then(|target| target.dyn_into::<web_sys::Element>().ok()).is_some_and(|element| {
        matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
            || element.has_attribute("contenteditable")
    })
}

/// "Undo my last change" (also Ctrl+Z outside text fields): writes the inverse of this
/// member's own most recent edit on the board, never anyone else's. The edit is the newest this
/// device made since the board was opened, or else the newest the server attributes to this
/// account. A value someone changed since is left as they set it.
#[component]
pub fn UndoLastChange(board: BoardContext) -> impl IntoView {
    let document_id = use_params_map().with_untracked(|params| params.get("id")).unwrap_or_default();
    let document_id = StoredValue::new(document_id);
    // Changes already undone here, and the undos themselves: never undone again by this button.
    let done = StoredValue::new(std::collections::HashSet::<String>::new());
    let message = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let undo = move || {
        if busy.get_untracked() || !board.editable.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let local = board.session.with_value(|session| session.read(|b| b.own_changes()));
            let mut target =
                local.into_iter().map(|hash| hash.to_string()).find(|hash| done.with_value(|d| !d.contains(hash)));
            if target.is_none() {
                let me = crate::account::Auth::get().account().map(|account| account.id);
                match api::history(&document_id.get_value(), None).await {
                    Ok(page) => {
                        target = page
                            .entries
                            .into_iter()
                            .filter(|entry| entry.account_id.is_some() && entry.account_id == me)
                            .map(|entry| entry.hash)
                            .find(|hash| done.with_value(|d| !d.contains(hash)));
                    }
                    Err(error) => {
                        message
                            .set(Some(format!("Nothing undone: your earlier changes are on the server, and {error}.")));
                        busy.set(false);
                        return;
                    }
                }
            }
            let Some(hash) = target.and_then(|hash| hash.parse::<shared::history::ChangeHash>().ok()) else {
                message.set(Some("You have no change on this board to undo.".to_owned()));
                busy.set(false);
                return;
            };
            let summary = board
                .session
                .with_value(|session| session.read(|b| b.describe_change(&hash)))
                .map_or_else(|| "your last change".to_owned(), |summary| summary.text);
            let mut outcome = None;
            let result = board.try_apply(|b| {
                outcome = Some(b.undo_change(&hash)?);
                Ok(())
            });
            done.update_value(|d| {
                d.insert(hash.to_string());
            });
            let text = match (result, outcome) {
                (Err(error), _) => format!("Could not undo “{summary}”: {error}"),
                (Ok(()), Some(outcome)) if outcome.restored == 0 => {
                    format!("Nothing undone: others have since changed everything “{summary}” touched.")
                }
                (Ok(()), Some(outcome)) => {
                    // The undo is this device's newest change: never undo it in turn.
                    if let Some(undo) =
                        board.session.with_value(|session| session.read(|b| b.own_changes().into_iter().next()))
                    {
                        done.update_value(|d| {
                            d.insert(undo.to_string());
                        });
                    }
                    if outcome.kept > 0 {
                        format!("Undid “{summary}”, except {} value(s) others have changed since.", outcome.kept)
                    } else {
                        format!("Undid “{summary}”.")
                    }
                }
                (Ok(()), None) => String::new(),
            };
            message.set(Some(text));
            busy.set(false);
        });
    };

    let handle = window_event_listener(leptos::ev::keydown, move |event| {
        let z = event.key() == "z" || event.key() == "Z";
        if z && (event.ctrl_key() || event.meta_key()) && !event.shift_key() && !in_text_field(&event) {
            event.prevent_default();
            undo();
        }
    });
    on_cleanup(move || handle.remove());

    view! {
        <div class="undo-last">
            <button type="button" data-testid="undo-last" title="Undo my last change (Ctrl+Z)"
                disabled=move || !board.editable.get() || busy.get() on:click=move |_| undo()>
                "↶ Undo my last change"
            </button>
            <span class="undo-message" role="status" data-testid="undo-message">{message}</span>
        </div>
    }
}
