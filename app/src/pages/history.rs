//! History (历史), `/board/:id/history`: who changed what and when, from the server's record
//! (`GET /api/boards/{id}/history`): every change in PMO words, grouped into sessions of one
//! member's consecutive edits, filterable by member and project, with both times when a change
//! was made offline. It reloads when the board changes. Offline it says that the history needs
//! the server, and shows the changes this device holds, honestly without names: a device
//! knows a change's Automerge actor and its own clock, not the account that sent it.

use leptos::{prelude::*, task::spawn_local};
use leptos_router::hooks::use_params_map;
use std::collections::HashMap;

use shared::{
    board::{schema, DecisionKind, Phase},
    finance::Rag,
    history::{
        fill_numbered, filter_entries, group_sessions, ChangeHash, HistoryEntry, LocalChange, Phrase, PhraseValue,
        SHOWN,
    },
    Stage,
};

use crate::{
    api::{self, FetchError},
    components::{
        board_context::BoardContext,
        gate_label_in, kind_label, phase_label_in, rag_label_in, stage_label_in,
        time_travel::{SeeOnDate, SeeThen},
    },
    i18n::*,
    language::{explain, local_clock, local_date, local_time, Message},
};

thread_local! {
    /// What each change did, as this device described it (by its hash). A description depends
    /// only on the change and what it was made on, so it never goes stale: the page reloads
    /// its 50 entries on every change to the board, and describes only the new ones (each
    /// move reads the whole ranking twice: describing 50 changes again took about 120 ms).
    static DESCRIBED: std::cell::RefCell<HashMap<ChangeHash, Vec<Phrase>>> = Default::default();
}

/// The most descriptions kept: a few pages of history, a few hundred kilobytes at most.
const DESCRIBED_KEPT: usize = 2_000;

/// What the page has from the server.
#[derive(Debug, Clone, PartialEq)]
enum Load {
    Loading,
    Loaded,
    /// The server cannot be reached.
    Offline,
    Failed(FetchError),
}

/// The member filter's value for the server's own changes.
const SERVER: &str = "-server-";

/// One thing a change did, in the reader's language (tracked).
pub(crate) fn phrase_text(i18n: I18nContext<Locale>, phrase: &Phrase) -> String {
    let template = match phrase.key {
        "board_created" => t_string!(i18n, history.phrase_board_created),
        "schema_upgraded" => t_string!(i18n, history.phrase_schema_upgraded),
        "collections_set_up" => t_string!(i18n, history.phrase_collections_set_up),
        "board_renamed" => t_string!(i18n, history.phrase_board_renamed),
        "nothing_visible" => t_string!(i18n, history.phrase_nothing_visible),
        "project_added" => t_string!(i18n, history.phrase_project_added),
        "person_added" => t_string!(i18n, history.phrase_person_added),
        "risk_added" => t_string!(i18n, history.phrase_risk_added),
        "milestone_added" => t_string!(i18n, history.phrase_milestone_added),
        "lesson_recorded" => t_string!(i18n, history.phrase_lesson_recorded),
        "decision_recorded_on" => t_string!(i18n, history.phrase_decision_recorded_on),
        "decision_recorded" => t_string!(i18n, history.phrase_decision_recorded),
        "objective_added" => t_string!(i18n, history.phrase_objective_added),
        "criterion_added" => t_string!(i18n, history.phrase_criterion_added),
        "gate_item_added" => t_string!(i18n, history.phrase_gate_item_added),
        "baseline_taken" => t_string!(i18n, history.phrase_baseline_taken),
        "other_added" => t_string!(i18n, history.phrase_other_added),
        "project_deleted" => t_string!(i18n, history.phrase_project_deleted),
        "person_removed" => t_string!(i18n, history.phrase_person_removed),
        "risk_deleted" => t_string!(i18n, history.phrase_risk_deleted),
        "milestone_deleted" => t_string!(i18n, history.phrase_milestone_deleted),
        "lesson_deleted" => t_string!(i18n, history.phrase_lesson_deleted),
        "decision_deleted" => t_string!(i18n, history.phrase_decision_deleted),
        "objective_deleted" => t_string!(i18n, history.phrase_objective_deleted),
        "criterion_deleted" => t_string!(i18n, history.phrase_criterion_deleted),
        "gate_item_removed" => t_string!(i18n, history.phrase_gate_item_removed),
        "baseline_deleted" => t_string!(i18n, history.phrase_baseline_deleted),
        "booking_cleared" => t_string!(i18n, history.phrase_booking_cleared),
        "time_off_cleared" => t_string!(i18n, history.phrase_time_off_cleared),
        "skill_removed" => t_string!(i18n, history.phrase_skill_removed),
        "score_cleared" => t_string!(i18n, history.phrase_score_cleared),
        "contribution_cleared" => t_string!(i18n, history.phrase_contribution_cleared),
        "dependency_removed" => t_string!(i18n, history.phrase_dependency_removed),
        "gate_unticked" => t_string!(i18n, history.phrase_gate_unticked),
        "tag_removed" => t_string!(i18n, history.phrase_tag_removed),
        "setting_cleared" => t_string!(i18n, history.phrase_setting_cleared),
        "other_removed" => t_string!(i18n, history.phrase_other_removed),
        "booked" => t_string!(i18n, history.phrase_booked),
        "time_off_set" => t_string!(i18n, history.phrase_time_off_set),
        "skill_given" => t_string!(i18n, history.phrase_skill_given),
        "scored" => t_string!(i18n, history.phrase_scored),
        "contribution_set" => t_string!(i18n, history.phrase_contribution_set),
        "dependency_added" => t_string!(i18n, history.phrase_dependency_added),
        "gate_ticked" => t_string!(i18n, history.phrase_gate_ticked),
        "tagged" => t_string!(i18n, history.phrase_tagged),
        "setting_set" => t_string!(i18n, history.phrase_setting_set),
        "other_set" => t_string!(i18n, history.phrase_other_set),
        "ahp_compared" => t_string!(i18n, history.phrase_ahp_compared),
        "ahp_cleared" => t_string!(i18n, history.phrase_ahp_cleared),
        "project_renamed" => t_string!(i18n, history.phrase_project_renamed),
        "project_field_cleared" => t_string!(i18n, history.phrase_project_field_cleared),
        "project_field_set" => t_string!(i18n, history.phrase_project_field_set),
        "person_renamed" => t_string!(i18n, history.phrase_person_renamed),
        "capacity_set" => t_string!(i18n, history.phrase_capacity_set),
        "person_field_set" => t_string!(i18n, history.phrase_person_field_set),
        "milestone_done" => t_string!(i18n, history.phrase_milestone_done),
        "milestone_not_done" => t_string!(i18n, history.phrase_milestone_not_done),
        "milestone_forecast" => t_string!(i18n, history.phrase_milestone_forecast),
        "milestone_forecast_cleared" => t_string!(i18n, history.phrase_milestone_forecast_cleared),
        "risk_edited" => t_string!(i18n, history.phrase_risk_edited),
        "milestone_edited" => t_string!(i18n, history.phrase_milestone_edited),
        "lesson_edited" => t_string!(i18n, history.phrase_lesson_edited),
        "decision_edited" => t_string!(i18n, history.phrase_decision_edited),
        "objective_edited" => t_string!(i18n, history.phrase_objective_edited),
        "criterion_edited" => t_string!(i18n, history.phrase_criterion_edited),
        "gate_item_edited" => t_string!(i18n, history.phrase_gate_item_edited),
        "other_edited" => t_string!(i18n, history.phrase_other_edited),
        "moved" => t_string!(i18n, history.phrase_moved),
        "moved_above" => t_string!(i18n, history.phrase_moved_above),
        "moved_below" => t_string!(i18n, history.phrase_moved_below),
        _ => return phrase.english(),
    };
    let values: Vec<String> = phrase.values.iter().map(|value| phrase_value(i18n, value)).collect();
    fill_numbered(template, &values)
}

/// A value of a phrase: names as they are, the board's words in the reader's language.
fn phrase_value(i18n: I18nContext<Locale>, value: &PhraseValue) -> String {
    let word = match value {
        PhraseValue::Text(text) => return text.clone(),
        PhraseValue::GateItem(label) => return gate_label_in(i18n, label),
        // Worded with the context taken here, not the app's: undo words a change in a task.
        PhraseValue::Stage(key) => key.parse::<Stage>().ok().map(|stage| stage_label_in(i18n, stage)),
        PhraseValue::Phase(key) => key.parse::<Phase>().ok().map(|phase| phase_label_in(i18n, phase)),
        PhraseValue::Rag(key) => key.parse::<Rag>().ok().map(|rag| rag_label_in(i18n, Some(rag))),
        PhraseValue::DecisionKind(key) => key.parse::<DecisionKind>().ok().map(|kind| kind_label(i18n, kind)),
        PhraseValue::ProjectField(key) => match key.as_str() {
            schema::project::NAME => Some(t_string!(i18n, history.field_name)),
            schema::project::STAGE => Some(t_string!(i18n, history.field_stage)),
            schema::project::PHASE => Some(t_string!(i18n, history.field_phase)),
            schema::project::BUDGET => Some(t_string!(i18n, history.field_budget)),
            schema::project::SPONSOR => Some(t_string!(i18n, history.field_sponsor)),
            schema::project::MANAGER => Some(t_string!(i18n, history.field_manager)),
            schema::project::START => Some(t_string!(i18n, history.field_start)),
            schema::project::END => Some(t_string!(i18n, history.field_end)),
            schema::project::ACTUAL_FINISH => Some(t_string!(i18n, history.field_actual_finish)),
            schema::project::MANUAL_RAG => Some(t_string!(i18n, history.field_manual_rag)),
            schema::project::RAG_NOTE => Some(t_string!(i18n, history.field_rag_note)),
            schema::project::PERCENT_COMPLETE => Some(t_string!(i18n, history.field_percent_complete)),
            schema::project::SCOPE_ACCEPTED => Some(t_string!(i18n, history.field_scope_accepted)),
            schema::project::ACTUAL_COST => Some(t_string!(i18n, history.field_actual_cost)),
            schema::project::PLANNED_VALUE => Some(t_string!(i18n, history.field_planned_value)),
            schema::project::EARNED_VALUE => Some(t_string!(i18n, history.field_earned_value)),
            _ => None,
        },
        PhraseValue::Setting(key) => match key.as_str() {
            schema::setting::BUDGET_ENVELOPE => Some(t_string!(i18n, history.setting_budget_envelope)),
            schema::setting::OPERATING_MODEL => Some(t_string!(i18n, history.setting_operating_model)),
            schema::setting::CURRENCY => Some(t_string!(i18n, history.setting_currency)),
            schema::setting::RAG_GREEN_MIN => Some(t_string!(i18n, history.setting_rag_green_min)),
            schema::setting::RAG_AMBER_MIN => Some(t_string!(i18n, history.setting_rag_amber_min)),
            schema::setting::RISK_MEDIUM_MIN => Some(t_string!(i18n, history.setting_risk_medium_min)),
            schema::setting::RISK_HIGH_MIN => Some(t_string!(i18n, history.setting_risk_high_min)),
            schema::setting::RISK_CRITICAL_MIN => Some(t_string!(i18n, history.setting_risk_critical_min)),
            _ => None,
        },
        PhraseValue::ScopeAccepted(true) => Some(t_string!(i18n, history.scope_accepted)),
        PhraseValue::ScopeAccepted(false) => Some(t_string!(i18n, history.scope_not_accepted)),
    };
    // The board's words sit inside a sentence: lower case, as English writes them there.
    word.map_or_else(|| value.english(), str::to_lowercase)
}

/// What a change did, in one line in the reader's language (tracked): the first few things,
/// then how many more.
pub(crate) fn summary_text(i18n: I18nContext<Locale>, phrases: &[Phrase]) -> String {
    let texts: Vec<String> = phrases.iter().map(|phrase| phrase_text(i18n, phrase)).collect();
    let separator = t_string!(i18n, history.separator);
    if texts.len() <= SHOWN {
        texts.join(separator)
    } else {
        tr!(i18n, history.and_more, shown = texts[..SHOWN].join(separator), count = texts.len() - SHOWN)
    }
}

/// When, under a session's heading: the time it arrived (with the day when it differs from the
/// session's), and when it was made first if that was offline.
fn times(i18n: I18nContext<Locale>, entry: &HistoryEntry, session_day: &str) -> String {
    let received = if local_date(entry.received_at_ms) == session_day {
        local_clock(entry.received_at_ms)
    } else {
        local_time(entry.received_at_ms)
    };
    match entry.made_offline_at() {
        Some(made) => tr!(i18n, history.made_offline, made = local_time(made), received),
        None => received,
    }
}

/// A session's span: "28 Nov 2026, 08:15–08:40", or one time when it is one.
fn span(from_ms: i64, to_ms: i64) -> String {
    let (from, to) = (local_time(from_ms), local_time(to_ms));
    if from == to {
        from
    } else if local_date(from_ms) == local_date(to_ms) {
        format!("{from}–{}", local_clock(to_ms))
    } else {
        format!("{from} – {to}")
    }
}

#[component]
pub fn HistoryPage() -> impl IntoView {
    let board = BoardContext::get();
    let i18n = use_i18n();
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
                Err(error) => load.set(Load::Failed(error)),
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
                Err(error) => load.set(Load::Failed(error)),
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

    // Each change in the reader's words, from the document this device holds (the server's
    // summary, in English, stands in for a change this device has not received yet).
    let phrases = Memo::new(move |_| {
        entries.with(|list| {
            board.session.with_value(|session| {
                session.read(|live| {
                    DESCRIBED.with_borrow_mut(|described| {
                        if described.len() > DESCRIBED_KEPT {
                            described.clear();
                        }
                        list.iter()
                            .filter_map(|entry| {
                                let hash = entry.hash.parse::<ChangeHash>().ok()?;
                                let phrases = match described.get(&hash) {
                                    Some(phrases) => phrases.clone(),
                                    None => {
                                        let phrases = live.describe_change(&hash)?.phrases;
                                        described.insert(hash, phrases.clone());
                                        phrases
                                    }
                                };
                                Some((entry.hash.clone(), phrases))
                            })
                            .collect::<HashMap<_, _>>()
                    })
                })
            })
        })
    });
    // Reloads set the same state again: only a different one re-renders the filters.
    let shown = Memo::new(move |_| load.get());
    let list = move || {
        let sessions = sessions.get();
        if sessions.is_empty() {
            let text = if entries.with(Vec::is_empty) {
                t_string!(i18n, history.no_changes)
            } else {
                t_string!(i18n, history.no_match)
            };
            return view! { <p class="history-empty" data-testid="history-empty">{text}</p> }.into_any();
        }
        let items = sessions
            .into_iter()
            .map(|session| {
                let count = session.entries.len();
                let day = local_date(session.to_ms);
                let span = span(session.from_ms, session.to_ms);
                let rows = session
                    .entries
                    .into_iter()
                    .map(|entry| {
                        let when = times(i18n, &entry, &day);
                        let offline = entry.made_offline_at().is_some();
                        view! {
                            <li data-testid="history-entry" data-hash=entry.hash.clone()>
                                <span class="history-summary">{phrases.with(|known| {
                                    known.get(&entry.hash).map_or_else(|| entry.summary.clone(), |said| summary_text(i18n, said))
                                })}</span>
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
                            <span class="history-count">{if count == 1 { t_string!(i18n, history.one_change).to_owned() } else { tr!(i18n, history.changes, count) }}</span>
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
            <h2 id="history-title">{t!(i18n, history.title)}</h2>
            <p class="history-intro">{t!(i18n, history.intro)}</p>
            <SeeOnDate board/>
            {move || match shown.get() {
                Load::Loading => view! { <p class="progress" role="status">{t!(i18n, history.loading)}</p> }.into_any(),
                Load::Failed(message) => view! {
                    <p class="notice" role="alert" data-testid="history-error">{move || tr!(i18n, history.could_not_load, reason = explain(i18n.get_locale(), &message))}</p>
                }.into_any(),
                Load::Offline => view! { <LocalHistory board/> }.into_any(),
                Load::Loaded => view! {
                    <div class="history-filters">
                        <label>{t!(i18n, history.member)} " "
                            <select data-testid="history-member" prop:value=member on:change=move |ev| member.set(event_target_value(&ev))>
                                <option value="">{t!(i18n, history.everyone)}</option>
                                {move || members.get().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                            </select>
                        </label>
                        <label>{t!(i18n, history.project)} " "
                            <select data-testid="history-project" prop:value=project on:change=move |ev| project.set(event_target_value(&ev))>
                                <option value="">{t!(i18n, history.all_projects)}</option>
                                {move || projects.get().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                            </select>
                        </label>
                    </div>
                    {list}
                    <Show when=move || next.with(Option::is_some)>
                        <button type="button" class="history-older" on:click=older disabled=move || older_loading.get()>
                            {t!(i18n, history.show_older)}
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
    let i18n = use_i18n();
    let recent = Memo::new(move |_| {
        board.view.snapshot.track();
        board.session.with_value(|session| session.read(|board| board.recent_changes(50)))
    });
    let row = move |change: LocalChange| {
        let made_at = change.made_at_ms;
        let id = change.actor[..8.min(change.actor.len())].to_owned();
        let when = move || {
            let when = made_at.map_or_else(|| t_string!(i18n, history.time_not_recorded).to_owned(), local_time);
            format!("{when} · {}", tr!(i18n, history.device, id = id.clone()))
        };
        view! {
            <li data-testid="local-change">
                <span class="history-summary">{move || summary_text(i18n, &change.summary.phrases)}</span>
                <span class="history-time">{when}</span>
                <SeeThen board hash=change.hash/>
            </li>
        }
    };
    view! {
        <p class="notice" role="status" data-testid="history-offline">{t!(i18n, history.offline)}</p>
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
    let i18n = use_i18n();
    let document_id = use_params_map().with_untracked(|params| params.get("id")).unwrap_or_default();
    let document_id = StoredValue::new(document_id);
    // Changes already undone here, and the undos themselves: never undone again by this button.
    let done = StoredValue::new(std::collections::HashSet::<String>::new());
    let message = RwSignal::new(None::<Message>);
    let busy = RwSignal::new(false);

    let undo = move || {
        if busy.get_untracked() || !board.editable.get_untracked() {
            return;
        }
        busy.set(true);
        let undo = Undo { board, document_id, done, message, busy, i18n };
        spawn_local(async move { undo_last(undo).await });
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
            <button type="button" data-testid="undo-last" title=move || t_string!(i18n, history.undo_title)
                disabled=move || !board.editable.get() || busy.get() on:click=move |_| undo()>
                {t!(i18n, history.undo)}
            </button>
            <span class="undo-message" role="status" data-testid="undo-message">{move || message.get().map(|message| message.text(i18n))}</span>
        </div>
    }
}

/// What [`undo_last`] works with: the button's board, state and message.
struct Undo {
    board: BoardContext,
    document_id: StoredValue<String>,
    done: StoredValue<std::collections::HashSet<String>>,
    message: RwSignal<Option<Message>>,
    busy: RwSignal<bool>,
    i18n: I18nContext<Locale>,
}

/// The undo itself, in a chunk of its own loaded with the first undo (`#[lazy]`, see
/// ARCHITECTURE.md): the button is in the frame on every page, but what finds, describes and
/// reverts the change (the history's descriptions of changes among it) is needed only once it
/// is pressed.
#[lazy]
async fn undo_last(undo: Undo) {
    let Undo { board, document_id, done, message, busy, i18n } = undo;
    let local = board.session.with_value(|session| session.read(|b| b.own_changes()));
    let mut target = local.into_iter().map(|hash| hash.to_string()).find(|hash| done.with_value(|d| !d.contains(hash)));
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
                message.set(Some(Message::new(move |locale| {
                    trd!(locale, history.undo_nothing_server, reason = explain(locale, &error))
                })));
                busy.set(false);
                return;
            }
        }
    }
    let Some(hash) = target.and_then(|hash| hash.parse::<shared::history::ChangeHash>().ok()) else {
        message.set(Some(message!(history.undo_no_change)));
        busy.set(false);
        return;
    };
    // What the change did, worded with the message (in the language it is shown in).
    let phrases = board.session.with_value(|session| session.read(|b| b.describe_change(&hash)));
    let phrases = phrases.map(|summary| summary.phrases);
    let summary = move || match &phrases {
        Some(phrases) => summary_text(i18n, phrases),
        None => t_string!(i18n, history.undo_your_last).to_owned(),
    };
    let mut outcome = None;
    let result = board.try_apply(|b| {
        outcome = Some(b.undo_change(&hash)?);
        Ok(())
    });
    done.update_value(|d| {
        d.insert(hash.to_string());
    });
    let text = match (result, outcome) {
        (Err(error), _) => Message::new(move |locale| {
            trd!(locale, history.undo_failed, summary = summary(), reason = error.in_locale(locale))
        }),
        (Ok(()), Some(outcome)) if outcome.restored == 0 => {
            message!(history.undo_all_changed, summary = summary())
        }
        (Ok(()), Some(outcome)) => {
            // The undo is this device's newest change: never undo it in turn.
            if let Some(undo) = board.session.with_value(|session| session.read(|b| b.own_changes().into_iter().next()))
            {
                done.update_value(|d| {
                    d.insert(undo.to_string());
                });
            }
            let count = outcome.kept;
            if count > 0 {
                message!(history.undo_partly, summary = summary(), count)
            } else {
                message!(history.undo_done, summary = summary())
            }
        }
        (Ok(()), None) => Message::new(|_| String::new()),
    };
    message.set(Some(text));
    busy.set(false);
}
