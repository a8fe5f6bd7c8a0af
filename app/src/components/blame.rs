//! "Who set this?" (谁改的) beside a project's fields: a small clock button after each field
//! on the project page and in the priorities opens that field's story just below (under the
//! project's row in the priorities, under the field's group on the project page): who set its
//! current value and when, the value that lost when two people set the field at once, and the
//! values before it. The story comes from the document this device holds
//! (`Board::project_field_history`, told in order by `shared::board::blame::tell`); the names
//! come from the server's history, which maps each change to the account that sent it. Offline,
//! or for a change the server's history does not reach, the device is named instead.
//!
//! Keyboard: the button is in the tab order after its field; Enter or Space opens the story and
//! moves the focus to it, Escape (or "Close") closes it and gives the focus back to the button.
//! The story opens below rather than floating over the page: the pages' sections scroll
//! sideways, and a floating panel would be cut off at their edge.

use std::collections::HashMap;

use leptos::{ev, prelude::*};
use leptos_router::hooks::use_params_map;
use shared::{
    board::{
        blame::{tell, Setter, Standing, StoryLine},
        schema, Phase,
    },
    format, ProjectId, Stage,
};

use crate::{
    components::board_context::BoardContext,
    components::{comparison::field_label, phase_label, stage_label},
    i18n::*,
    language::{lang, local_time, Message},
};

/// At most this many pages of the server's history are read to put names to changes.
const HISTORY_PAGES: usize = 20;

/// What every field's story on a page shares: which one is open (one at a time), which button
/// gets the focus back when it closes, and the names found so far in the server's history,
/// read once for them all.
///
/// A page of 1,000 projects has 5,000 buttons and 1,000 places a story may open: each asks
/// [`Stories::is_open`] about its own field or project, which wakes only the ones whose answer
/// changes (a `Selector`), instead of every one of them watching `open`.
#[derive(Clone, Copy)]
pub struct Stories {
    open: RwSignal<Option<(ProjectId, &'static str)>>,
    /// Which field's story is open, asked field by field.
    open_field: StoredValue<Selector<Option<(ProjectId, &'static str)>>>,
    /// Which project has a story open, asked project by project.
    open_project: StoredValue<Selector<Option<ProjectId>>>,
    /// Change hash → the member who sent it.
    names: RwSignal<HashMap<String, String>>,
    /// `Some("loading")` while the history is read, `Some("offline")` when it could not be.
    names_state: RwSignal<Option<&'static str>>,
}

impl Stories {
    /// Makes the stories of a page share one open story and one set of names.
    pub fn provide() {
        provide_context(Stories::new());
    }

    fn new() -> Stories {
        let open = RwSignal::new(None::<(ProjectId, &'static str)>);
        Stories {
            open,
            open_field: StoredValue::new(Selector::new(move || open.get())),
            open_project: StoredValue::new(Selector::new(move || {
                open.with(|open| open.as_ref().map(|(p, _)| p.clone()))
            })),
            names: RwSignal::new(HashMap::new()),
            names_state: RwSignal::new(None),
        }
    }

    fn get() -> Stories {
        use_context().unwrap_or_else(Stories::new)
    }

    /// Whether the story of `project`'s `field` is open; wakes the caller only when that changes.
    fn is_open(self, project: &ProjectId, field: &'static str) -> bool {
        self.open_field.with_value(|open| open.selected(&Some((project.clone(), field))))
    }

    /// Closes the story and gives the focus back to the button that opened it.
    fn close(self) {
        let Some((project, field)) = self.open.get_untracked() else { return };
        self.open.set(None);
        request_animation_frame(move || {
            let selector =
                format!("[data-testid=field-history][data-project-id=\"{project}\"][data-field=\"{field}\"]");
            if let Ok(Some(button)) = document().query_selector(&selector) {
                if let Ok(button) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(button) {
                    let _ = button.focus();
                }
            }
        });
    }

    /// Reads the server's history until every change in `wanted` is named (or the pages run
    /// out), and keeps the names.
    fn look_up(self, document_id: String, wanted: Vec<String>) {
        let missing: Vec<String> =
            wanted.into_iter().filter(|c| self.names.with_untracked(|n| !n.contains_key(c))).collect();
        if missing.is_empty() || self.names_state.get_untracked() == Some("loading") {
            return;
        }
        self.names_state.set(Some("loading"));
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
            let _ = self.names.try_update(|names| names.extend(found));
            let _ = self.names_state.try_set(outcome);
        });
    }
}

/// A stored value as the page shows it: budgets with separators, states and phases by label.
fn shown(i18n: I18nContext<Locale>, field: &str, value: &str) -> String {
    match field {
        schema::project::BUDGET
        | schema::project::ACTUAL_COST
        | schema::project::PLANNED_VALUE
        | schema::project::EARNED_VALUE => {
            value.parse::<f64>().map_or_else(|_| value.to_owned(), |amount| format::amount(lang(), amount))
        }
        schema::project::PERCENT_COMPLETE => {
            value.parse::<f64>().map_or_else(|_| value.to_owned(), |percent| format::percent(lang(), percent / 100.0))
        }
        schema::project::STAGE => {
            value.parse::<Stage>().map_or_else(|_| value.to_owned(), |stage| stage_label(stage).to_owned())
        }
        schema::project::PHASE => {
            value.parse::<Phase>().map_or_else(|_| value.to_owned(), |phase| phase_label(phase).to_owned())
        }
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

fn setter_label(i18n: I18nContext<Locale>, setter: &Setter) -> String {
    match setter {
        Setter::Member(name) => name.clone(),
        Setter::Device(id) => tr!(i18n, timetravel.blame_device, id = id.clone()).to_string(),
    }
}

/// The button after one field of one project that opens its story (shown by
/// [`StoryPanel`] or [`StoryRow`]). Not shown on the board as it was (`?at=`): the story is
/// the field's story up to now.
#[component]
pub fn FieldHistory(board: BoardContext, project: ProjectId, field: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let stories = Stories::get();
    let project = StoredValue::new(project);
    let is_open = move || project.with_value(|project| stories.is_open(project, field));
    // The button's name is short ("Who set it?") and comes right after its field; the field's
    // label is in its tooltip and in the story's title. Naming the button after the field
    // would give two controls the field's name.
    let title = move || tr!(i18n, timetravel.story_of, field = field_label(i18n, field)).to_string();
    view! {
        {move || board.at.with(Option::is_none).then(|| view! {
            <button type="button" class="field-history" data-testid="field-history" data-field=field
                data-project-id=project.get_value().to_string()
                aria-label=move || t_string!(i18n, timetravel.story_button) title=title
                aria-expanded=move || is_open().to_string()
                on:click=move |_| {
                    if untrack(is_open) {
                        stories.open.set(None);
                    } else {
                        stories.open.set(Some((project.get_value(), field)));
                    }
                }>
                <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
                    <circle cx="8" cy="8" r="6.25" fill="none" stroke="currentColor" stroke-width="1.5"/>
                    <path d="M8 4.5V8l2.5 1.5" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round"/>
                </svg>
            </button>
        })}
    }
}

/// Which of `fields` of `project` has its story open, if any: watches `open` only while a
/// story of this project is open.
fn open_field(stories: Stories, project: ProjectId, fields: &'static [&'static str]) -> Signal<Option<&'static str>> {
    let project = StoredValue::new(project);
    Signal::derive(move || {
        let mine =
            project.with_value(|project| stories.open_project.with_value(|open| open.selected(&Some(project.clone()))));
        mine.then(|| stories.open.with(|open| open.as_ref().map(|(_, field)| *field).filter(|f| fields.contains(f))))
            .flatten()
    })
}

/// The story of whichever of `fields` of `project` is open, where the page puts it.
#[component]
pub fn StoryPanel(board: BoardContext, project: ProjectId, fields: &'static [&'static str]) -> impl IntoView {
    let stories = Stories::get();
    let open = open_field(stories, project.clone(), fields);
    let project = StoredValue::new(project);
    move || open.get().map(|field| view! { <Panel board project=project.get_value() field stories named=false/> })
}

/// The story of whichever field of `project` is open, as a table row under the project's row
/// spanning its `columns`.
#[component]
pub fn StoryRow(
    board: BoardContext,
    project: ProjectId,
    fields: &'static [&'static str],
    columns: usize,
) -> impl IntoView {
    let stories = Stories::get();
    let open = open_field(stories, project.clone(), fields);
    let project = StoredValue::new(project);
    move || {
        open.get().map(|field| {
            view! {
                <tr class="story-row" data-testid="story-row">
                    <td colspan=columns><Panel board project=project.get_value() field stories named=true/></td>
                </tr>
            }
        })
    }
}

/// One open story: its title, the story, and the way out.
#[component]
fn Panel(
    board: BoardContext,
    project: ProjectId,
    field: &'static str,
    stories: Stories,
    /// Whether the title names the project (in the priorities, where the story opens under
    /// the project's row, away from the field).
    named: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let project_name = {
        let project = project.clone();
        Memo::new(move |_| {
            named.then(|| board.live.with(|live| live.project(&project).map(|p| p.name.clone()))).flatten()
        })
    };
    let panel = NodeRef::<leptos::html::Div>::new();
    // Opened: the focus moves to the story, so a screen reader reads it and Escape closes it.
    Effect::new(move || {
        if let Some(panel) = panel.get() {
            let _ = panel.focus();
        }
    });
    let title = move || tr!(i18n, timetravel.story_of, field = field_label(i18n, field)).to_string();
    view! {
        <div class="story-panel" role="region" tabindex="-1" node_ref=panel data-testid="field-story-panel" aria-label=title
            on:keydown=move |ev: ev::KeyboardEvent| if ev.key() == "Escape" {
                ev.prevent_default();
                stories.close();
            }>
            <p class="story-title">{move || project_name.get().map(|name| format!("{name} · "))}{title}</p>
            <Story board project field stories/>
            <button type="button" class="link story-close" on:click=move |_| stories.close()>{t!(i18n, timetravel.story_close)}</button>
        </div>
    }
}

/// One field's story, newest first after the current value.
#[component]
fn Story(board: BoardContext, project: ProjectId, field: &'static str, stories: Stories) -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let project = StoredValue::new(project);
    let values = Memo::new(move |_| {
        board.live.track();
        board.session.with_value(|session| {
            session
                .read(|live| live.project_field_history(&project.get_value(), field))
                .map_err(|error| board.word(&error))
        })
    });
    // Names for the changes of the story that are not named yet.
    Effect::new(move || {
        let Ok(values) = values.get() else { return };
        let Some(document_id) = params.with_untracked(|p| p.get("id")) else { return };
        stories.look_up(document_id, values.into_iter().map(|v| v.change).collect());
    });
    let lines = move || -> Result<Vec<StoryLine>, Message> {
        let values = values.get()?;
        Ok(stories.names.with(|names| tell(&values, names)))
    };
    let list = move || match lines() {
        Err(message) => view! { <p class="notice" role="alert">{move || message.text(i18n)}</p> }.into_any(),
        Ok(lines) if lines.is_empty() => {
            view! { <p class="hint" data-testid="story-empty">{t!(i18n, timetravel.blame_nobody)}</p> }.into_any()
        }
        Ok(lines) => {
            let items = lines
                .into_iter()
                .map(|line| {
                    let when = line
                        .made_at_ms
                        .map_or_else(|| t_string!(i18n, timetravel.blame_no_time).to_owned(), local_time);
                    let standing = line.standing;
                    view! {
                        <li data-testid="story-value" data-standing=format!("{standing:?}").to_lowercase()
                            class:current=standing == Standing::Current class:lost=standing == Standing::LostConflict>
                            <span class="story-value">{shown(i18n, field, &line.value)}</span>
                            <span class="story-standing">{standing_label(i18n, standing)}</span>
                            <span class="story-meta">
                                <span class="story-who" data-testid="story-who">{setter_label(i18n, &line.setter)}</span>
                                " · " <span class="story-when">{when}</span>
                            </span>
                        </li>
                    }
                })
                .collect_view();
            view! { <ol class="field-story" data-testid="field-story">{items}</ol> }.into_any()
        }
    };
    view! {
        {list}
        <p class="hint" role="status">{move || match stories.names_state.get() {
            Some("loading") => t_string!(i18n, timetravel.blame_looking_up),
            Some(_) => t_string!(i18n, timetravel.blame_offline),
            None => "",
        }}</p>
    }
}
