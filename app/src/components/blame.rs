//! "Who set this?" (谁改的) for the fields of a project: who set the current value and when,
//! the values before it, and the value that lost when two people set the field apart. The
//! story comes from the document this device holds (`Board::project_field_history`); the
//! names come from the server's history, which maps each change to the account that sent it.
//! Offline, or for a change the server's history does not reach, the device is named instead.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared::{
    board::{
        blame::{FieldValue, Standing},
        Phase,
    },
    format, ProjectId, Stage,
};

use crate::{
    components::{comparison::field_label, phase_label, stage_label},
    i18n::*,
    language::{lang, local_time},
    pages::board::BoardContext,
};

/// The fields whose story can be told, by their key in the document.
const FIELDS: &[&str] = &["name", "stage", "phase", "budget", "sponsor", "manager", "start", "end"];

/// At most this many pages of the server's history are read to put names to changes.
const HISTORY_PAGES: usize = 20;

/// A stored value as the page shows it: budgets with separators, states and phases by label.
fn shown(i18n: I18nContext<Locale>, field: &str, value: &str) -> String {
    match field {
        "budget" => value.parse::<f64>().map_or_else(|_| value.to_owned(), |budget| format::amount(lang(), budget)),
        "stage" => value.parse::<Stage>().map_or_else(|_| value.to_owned(), |stage| stage_label(stage).to_owned()),
        "phase" => value.parse::<Phase>().map_or_else(|_| value.to_owned(), |phase| phase_label(phase).to_owned()),
        _ if value.is_empty() => t_string!(i18n, timetravel.blame_empty_value).to_owned(),
        _ => value.to_owned(),
    }
}

fn standing_label(i18n: I18nContext<Locale>, standing: Standing) -> &'static str {
    match standing {
        Standing::Current => t_string!(i18n, timetravel.standing_current),
        Standing::LostConflict => t_string!(i18n, timetravel.standing_lost),
        Standing::Replaced => t_string!(i18n, timetravel.standing_replaced),
    }
}

/// The story of one field of one project. With `project` unset (the board's first page) it
/// offers a choice of project too.
#[component]
pub fn FieldStory(board: BoardContext, #[prop(optional)] project: Option<ProjectId>) -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let fixed = project.is_some();
    let chosen_project = RwSignal::new(project.map(|id| id.to_string()).unwrap_or_default());
    let field = RwSignal::new("budget".to_owned());
    let open = RwSignal::new(false);
    // Change hash → account name, from the server's history, once per opening.
    let names: RwSignal<HashMap<String, String>> = RwSignal::new(HashMap::new());
    let names_state = RwSignal::new(None::<&'static str>);
    let story = Memo::new(move |_| {
        if !open.get() {
            return Ok(Vec::new());
        }
        board.live.track();
        let Ok(id) = chosen_project.get().parse::<ProjectId>() else { return Ok(Vec::new()) };
        let field = field.get();
        board.session.with_value(|session| {
            session.read(|live| live.project_field_history(&id, &field)).map_err(|error| board.word(&error))
        })
    });
    // Names for the changes of the story that are not named yet.
    Effect::new(move || {
        let Ok(values) = story.get() else { return };
        let missing: Vec<String> =
            values.iter().map(|v| v.change.clone()).filter(|c| names.with_untracked(|n| !n.contains_key(c))).collect();
        if missing.is_empty() || names_state.get_untracked() == Some("loading") {
            return;
        }
        let Some(document_id) = params.with_untracked(|p| p.get("id")) else { return };
        names_state.set(Some("loading"));
        leptos::task::spawn_local(async move {
            let mut before: Option<String> = None;
            let mut found = HashMap::new();
            let mut outcome = None;
            for _ in 0..HISTORY_PAGES {
                match crate::api::history(&document_id, before.as_deref()).await {
                    Ok(page) => {
                        for entry in page.entries {
                            found.insert(entry.hash, entry.account_name);
                        }
                        if missing.iter().all(|c| found.contains_key(c)) {
                            break;
                        }
                        match page.next {
                            Some(next) => before = Some(next),
                            None => break,
                        }
                    }
                    Err(_) => {
                        outcome = Some("offline");
                        break;
                    }
                }
            }
            names.update(|names| names.extend(found));
            names_state.set(outcome);
        });
    });
    let who = move |value: &FieldValue| -> String {
        let device = tr!(i18n, timetravel.blame_device, id = &value.actor[..8.min(value.actor.len())]);
        match names.with(|names| names.get(&value.change).cloned()) {
            Some(name) => tr!(i18n, timetravel.blame_named, name, device),
            None => device,
        }
    };
    let projects = Memo::new(move |_| {
        board.live.with(|live| live.projects.iter().map(|p| (p.id.to_string(), p.name.clone())).collect::<Vec<_>>())
    });
    let list = move || match story.get() {
        Err(message) => view! { <p class="notice" role="alert">{message}</p> }.into_any(),
        Ok(values) if chosen_project.with(String::is_empty) => {
            let _ = values;
            view! { <p class="hint">{t!(i18n, timetravel.blame_choose_project_hint)}</p> }.into_any()
        }
        Ok(values) if values.is_empty() => {
            view! { <p class="hint" data-testid="story-empty">{t!(i18n, timetravel.blame_nobody)}</p> }.into_any()
        }
        Ok(values) => {
            let field_key = field.get();
            let items = values
                .into_iter()
                .map(|value| {
                    let when = value
                        .made_at_ms
                        .map_or_else(|| t_string!(i18n, timetravel.blame_no_time).to_owned(), local_time);
                    let standing = value.standing;
                    view! {
                        <li data-testid="story-value" data-standing=format!("{standing:?}").to_lowercase()
                            class:current=standing == Standing::Current class:lost=standing == Standing::LostConflict>
                            <span class="story-value">{shown(i18n, &field_key, &value.value)}</span>
                            " — " <span class="story-standing">{standing_label(i18n, standing)}</span>
                            " · " <span class="story-who">{who(&value)}</span>
                            " · " <span class="story-when">{when}</span>
                        </li>
                    }
                })
                .collect_view();
            view! { <ol class="field-story" data-testid="field-story">{items}</ol> }.into_any()
        }
    };
    view! {
        <section class="blame" data-testid="blame">
            <button type="button" class="link blame-toggle" data-testid="blame-toggle" aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|open| *open = !*open)>
                {move || if open.get() { t_string!(i18n, timetravel.blame_hide) } else { t_string!(i18n, timetravel.blame_show) }}
            </button>
            <Show when=move || open.get()>
            <p class="blame-choice">
                {(!fixed).then(|| view! {
                    <label>{t!(i18n, timetravel.blame_project)} " "
                        <select data-testid="blame-project" prop:value=chosen_project on:change=move |ev| chosen_project.set(event_target_value(&ev))>
                            <option value="">{t!(i18n, timetravel.blame_choose_project)}</option>
                            {move || projects.get().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                        </select>
                    </label>
                })}
                " "
                <label>{t!(i18n, timetravel.blame_field)} " "
                    <select data-testid="blame-field" prop:value=field on:change=move |ev| field.set(event_target_value(&ev))>
                        {FIELDS.iter().map(|&key| view! { <option value=key>{move || field_label(i18n, key)}</option> }).collect_view()}
                    </select>
                </label>
                " "
                <span class="hint" role="status">{move || match names_state.get() {
                    Some("loading") => t_string!(i18n, timetravel.blame_looking_up),
                    Some(_) => t_string!(i18n, timetravel.blame_offline),
                    None => "",
                }}</span>
            </p>
            {list}
            </Show>
        </section>
    }
}
