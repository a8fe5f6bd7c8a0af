//! Scenarios (情景分析), `/board/:id/scenarios`: what-if forks of the board.
//!
//! On a board the page lists its scenarios, makes a new one (editors and owners) and, per
//! scenario, opens it, compares it with the board, merges it into the board or discards it. A
//! scenario opens at its own id like a board (`/board/<scenario id>`), with every page, live
//! and offline, under [`ScenarioBanner`]; there the same page offers the three actions for that
//! scenario. Which document is a scenario, and of which board, the server says
//! (`GET /api/scenarios/{id}`, see [`Origin`]); this device remembers it for offline use, and
//! keeps scenarios out of its offline board list.
//!
//! Comparing needs both documents: the open one is in the session, the other is fetched from
//! the server whole (`GET /api/boards/{id}/document`) and read with `shared::Board`; the
//! comparison itself is `components::comparison`, from the board to the scenario. Merging and
//! discarding are the server's (`POST …/merge`, `…/discard`): the merged changes then reach the
//! open board through the sync like anyone's edits.

use std::sync::Arc;

use leptos::{html, prelude::*};
use leptos_router::{components::A, hooks::use_navigate};
use shared::{api::ScenarioSummary, board::BoardSnapshot, format};

use crate::{
    api::{self, FetchError},
    components::{board_context::BoardContext, comparison::ComparisonView},
    i18n::*,
    language::{lang, refusal, Message},
};

/// What the open document is, as far as this device knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Not known yet (the server has not answered, and this device does not remember).
    Checking,
    /// A board (or a document the server does not call a scenario).
    Board,
    Scenario(ScenarioSummary),
}

/// The open document's [`Origin`], for the frame's banner and this page.
#[derive(Clone, Copy)]
pub struct ScenarioOf(pub RwSignal<Origin>);

/// Where this device keeps what it learnt about a scenario.
fn storage_key(document_id: &str) -> String {
    format!("pmo-board/scenario/{document_id}")
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

fn remembered(document_id: &str) -> Option<ScenarioSummary> {
    let text = storage()?.get_item(&storage_key(document_id)).ok()??;
    serde_json::from_str(&text).ok()
}

/// Whether this device knows `document_id` as a scenario: the offline board list leaves it out.
pub fn is_scenario(document_id: &str) -> bool {
    remembered(document_id).is_some()
}

impl ScenarioOf {
    /// Starts finding out whether `document_id` is a scenario: from this device at once, then
    /// from the server.
    pub fn load(document_id: String) -> ScenarioOf {
        let origin = RwSignal::new(match remembered(&document_id) {
            Some(summary) => Origin::Scenario(summary),
            None => Origin::Checking,
        });
        leptos::task::spawn_local(async move {
            match api::scenario(&document_id).await {
                Ok(summary) => {
                    if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(&summary)) {
                        let _ = storage.set_item(&storage_key(&document_id), &text);
                    }
                    origin.set(Origin::Scenario(summary));
                }
                Err(error) if error.status() == Some(404) => {
                    if let Some(storage) = storage() {
                        let _ = storage.remove_item(&storage_key(&document_id));
                    }
                    origin.set(Origin::Board);
                }
                // Offline: what this device remembers stands; otherwise it is taken for a board.
                Err(_) => origin.update(|origin| {
                    if *origin == Origin::Checking {
                        *origin = Origin::Board;
                    }
                }),
            }
        });
        ScenarioOf(origin)
    }

    pub fn get() -> ScenarioOf {
        expect_context()
    }

    fn scenario(self) -> Option<ScenarioSummary> {
        self.0.with(|origin| match origin {
            Origin::Scenario(summary) => Some(summary.clone()),
            _ => None,
        })
    }
}

/// Above every page of a scenario: whose scenario this is, and the ways back to the board and
/// to comparing and merging.
#[component]
pub fn ScenarioBanner(board: BoardContext) -> impl IntoView {
    let i18n = use_i18n();
    let origin = ScenarioOf::get();
    move || {
        origin.scenario().map(|scenario| {
            let board_href = format!("/board/{}", scenario.board_document_id());
            view! {
                <div class="scenario-banner" role="note" data-testid="scenario-banner">
                    <strong>{tr!(i18n, scenarios.banner, name = scenario.name.clone(), board = scenario.board_name.clone())}</strong>
                    " "
                    {if scenario.archived {
                        t_string!(i18n, scenarios.banner_discarded)
                    } else {
                        t_string!(i18n, scenarios.banner_explained)
                    }}
                    " "
                    <A href=board_href attr:data-testid="back-to-board">{t!(i18n, scenarios.back_to_board)}</A>
                    " · "
                    <A href=board.live_href("scenarios")>{t!(i18n, scenarios.compare_and_merge)}</A>
                </div>
            }
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Checking,
    Board,
    Scenario,
}

#[component]
pub fn ScenariosPage() -> impl IntoView {
    let board = BoardContext::get();
    let i18n = use_i18n();
    let origin = ScenarioOf::get();
    // The page changes shape only when what the document is changes, not when the scenario's
    // summary does (merged, discarded): that would throw away the message just shown.
    let kind = Memo::new(move |_| {
        origin.0.with(|origin| match origin {
            Origin::Checking => Kind::Checking,
            Origin::Board => Kind::Board,
            Origin::Scenario(_) => Kind::Scenario,
        })
    });
    view! {
        <section class="scenarios" aria-labelledby="scenarios-title">
            <h2 id="scenarios-title">{t!(i18n, scenarios.title)}</h2>
            {move || match kind.get() {
                Kind::Checking => {
                    view! { <p class="progress" role="status">{t!(i18n, scenarios.loading)}</p> }.into_any()
                }
                Kind::Board => view! { <BoardScenarios board/> }.into_any(),
                Kind::Scenario => match origin.0.get_untracked() {
                    Origin::Scenario(scenario) => view! { <ThisScenario board scenario/> }.into_any(),
                    _ => ().into_any(),
                },
            }}
        </section>
    }
}

/// The board's scenarios: the list, and a new one.
#[component]
fn BoardScenarios(board: BoardContext) -> impl IntoView {
    let i18n = use_i18n();
    let board_id = StoredValue::new(board.document_id());
    // `None` while loading; the error in the reader's words when the list cannot be had.
    let listing = RwSignal::new(None::<Result<Vec<ScenarioSummary>, Message>>);
    let reload = move || {
        leptos::task::spawn_local(async move {
            let result = api::scenarios(&board_id.get_value()).await.map_err(|error| match error {
                FetchError::Unreachable => message!(scenarios.needs_connection),
                error => refusal(error),
            });
            listing.set(Some(result));
        })
    };
    reload();
    let status = RwSignal::new(None::<Message>);
    let rows = move || match listing.get() {
        None => view! { <p class="progress" role="status">{t!(i18n, scenarios.loading)}</p> }.into_any(),
        Some(Err(message)) => view! { <p class="notice" role="alert">{move || message.text(i18n)}</p> }.into_any(),
        Some(Ok(list)) if list.is_empty() => {
            view! { <p class="history-empty" data-testid="no-scenarios">{t!(i18n, scenarios.none)}</p> }.into_any()
        }
        Some(Ok(list)) => {
            let rows = list
                .into_iter()
                .map(|scenario| view! { <ScenarioRow board scenario status on_discarded=Callback::new(move |()| reload())/> })
                .collect_view();
            view! {
                <table class="scenarios-table" data-testid="scenarios-table">
                    <thead><tr>
                        <th scope="col">{t!(i18n, scenarios.col_name)}</th>
                        <th scope="col">{t!(i18n, scenarios.col_by)}</th>
                        <th scope="col">{t!(i18n, scenarios.col_when)}</th>
                        <th scope="col">{t!(i18n, scenarios.col_merged)}</th>
                        <th scope="col"><span class="visually-hidden">{t!(i18n, scenarios.col_actions)}</span></th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }
            .into_any()
        }
    };
    view! {
        <p class="history-intro">{t!(i18n, scenarios.intro)}</p>
        <Show when=move || board.editable.get() fallback=move || view! { <p class="hint">{t!(i18n, scenarios.viewer_note)}</p> }>
            <NewScenario board_id/>
        </Show>
        <p role="status" class="saved" data-testid="scenario-status">{move || status.get().map(|status| status.text(i18n))}</p>
        {rows}
    }
}

/// "New scenario": a name, then the scenario opens.
#[component]
fn NewScenario(board_id: StoredValue<String>) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Message>);
    let creating = RwSignal::new(false);
    let navigate = StoredValue::new_local(use_navigate());
    let create = move || {
        let text = name.get_untracked().trim().to_owned();
        if text.is_empty() {
            problem.set(Some(message!(scenarios.name_needed)));
            return;
        }
        if creating.get_untracked() {
            return;
        }
        creating.set(true);
        leptos::task::spawn_local(async move {
            match api::create_scenario(&board_id.get_value(), text).await {
                Ok(scenario) => {
                    let url = format!("/board/{}", scenario.document_id());
                    navigate.with_value(|navigate| navigate(&url, Default::default()));
                }
                Err(FetchError::Unreachable) => problem.set(Some(message!(scenarios.needs_connection))),
                Err(error) => problem.set(Some(refusal(error))),
            }
            creating.set(false);
        });
    };
    view! {
        <form class="new-scenario" on:submit=move |ev| { ev.prevent_default(); create(); }>
            <label for="scenario-name">{t!(i18n, scenarios.new_label)}</label>
            " "
            <input id="scenario-name" data-testid="scenario-name" prop:value=name
                placeholder=move || t_string!(i18n, scenarios.new_placeholder)
                aria-invalid=move || problem.with(Option::is_some).to_string()
                aria-describedby="scenario-problem"
                on:input=move |ev| { name.set(event_target_value(&ev)); problem.set(None); }/>
            " "
            <button type="submit" data-testid="new-scenario" disabled=creating>
                {move || if creating.get() { t_string!(i18n, scenarios.creating) } else { t_string!(i18n, scenarios.new_button) }}
            </button>
            <span id="scenario-problem" class="field-error" role="alert">{move || problem.get().map(|problem| problem.text(i18n))}</span>
        </form>
    }
}

/// When a scenario was last merged, and by whom.
fn merged_text(i18n: I18nContext<Locale>, scenario: &ScenarioSummary) -> String {
    match scenario.merged_at_ms {
        Some(at) => tr!(
            i18n,
            scenarios.merged_when_by,
            when = format::time(lang(), at),
            name = scenario.merged_by.clone().unwrap_or_default()
        ),
        None => t_string!(i18n, scenarios.never_merged).to_string(),
    }
}

#[component]
fn ScenarioRow(
    board: BoardContext,
    scenario: ScenarioSummary,
    status: RwSignal<Option<Message>>,
    on_discarded: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let summary = RwSignal::new(scenario.clone());
    let open = format!("/board/{}", scenario.document_id());
    let created_at_ms = scenario.created_at_ms;
    let panel = RwSignal::new(None::<Panel>);
    view! {
        <tr data-testid="scenario-row" data-scenario=scenario.document_id().to_owned()>
            <td class="scenario-name">{scenario.name.clone()}</td>
            <td>{scenario.created_by.clone().unwrap_or_default()}</td>
            <td>{move || format::time(lang(), created_at_ms)}</td>
            <td>{move || summary.with(|s| merged_text(i18n, s))}</td>
            <td class="actions">
                <A href=open attr:data-testid="open-scenario">{t!(i18n, scenarios.open)}</A>
                " "
                <Actions board scenario=summary panel/>
            </td>
        </tr>
        <Show when=move || panel.with(Option::is_some)>
            <tr class="scenario-panel"><td colspan="5">
                <ActionPanel board scenario=summary panel status on_discarded on_board=true/>
            </td></tr>
        </Show>
    }
}

/// The open scenario's own actions, on its Scenarios page.
#[component]
fn ThisScenario(board: BoardContext, scenario: ScenarioSummary) -> impl IntoView {
    let i18n = use_i18n();
    let origin = ScenarioOf::get();
    let summary = RwSignal::new(scenario.clone());
    // The frame's banner follows what happens here (discarded, say).
    Effect::new(move || {
        let now = summary.get();
        origin.0.update(|origin| {
            if matches!(origin, Origin::Scenario(before) if *before != now) {
                *origin = Origin::Scenario(now);
            }
        });
    });
    let panel = RwSignal::new(None::<Panel>);
    let status = RwSignal::new(None::<Message>);
    let unsent = Memo::new(move |_| board.view.status.with(|status| status.unsynced));
    let name = scenario.name.clone();
    view! {
        <h3>{move || tr!(i18n, scenarios.this_heading, name = name.clone())}</h3>
        <p class="history-intro">{t!(i18n, scenarios.this_intro)}</p>
        <p>
            {move || summary.with(|s| tr!(i18n, scenarios.last_merged, when = merged_text(i18n, s)))}
        </p>
        <Show when=move || unsent.get() != 0>
            <p class="notice" role="status">{move || tr!(i18n, scenarios.not_on_server, count = unsent.get())}</p>
        </Show>
        <p class="scenario-actions">
            <A href=format!("/board/{}/scenarios", scenario.board_document_id())>{t!(i18n, scenarios.back_to_board)}</A>
            " "
            <Actions board scenario=summary panel/>
        </p>
        <p role="status" class="saved" data-testid="scenario-status">{move || status.get().map(|status| status.text(i18n))}</p>
        <Show when=move || panel.with(Option::is_some)>
            <ActionPanel board scenario=summary panel status on_discarded=Callback::new(|()| ()) on_board=false/>
        </Show>
    }
}

/// What is open below a scenario's buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Panel {
    Compare,
    ConfirmMerge,
    ConfirmDiscard,
}

/// Compare, merge and discard: the buttons. Merging and discarding are an editor's.
#[component]
fn Actions(board: BoardContext, scenario: RwSignal<ScenarioSummary>, panel: RwSignal<Option<Panel>>) -> impl IntoView {
    let i18n = use_i18n();
    let toggle = move |which: Panel| panel.update(|open| *open = if *open == Some(which) { None } else { Some(which) });
    let can_change = move || board.access.access.get().can_edit() && !scenario.with(|s| s.archived);
    view! {
        <button type="button" class="link" data-testid="compare-scenario"
            aria-expanded=move || (panel.get() == Some(Panel::Compare)).to_string()
            on:click=move |_| toggle(Panel::Compare)>
            {move || if panel.get() == Some(Panel::Compare) {
                t_string!(i18n, scenarios.hide_compare)
            } else {
                t_string!(i18n, scenarios.compare)
            }}
        </button>
        <Show when=can_change>
            " "
            <button type="button" data-testid="merge-scenario"
                aria-expanded=move || (panel.get() == Some(Panel::ConfirmMerge)).to_string()
                on:click=move |_| toggle(Panel::ConfirmMerge)>{t!(i18n, scenarios.merge)}</button>
            " "
            <button type="button" class="danger" data-testid="discard-scenario"
                aria-expanded=move || (panel.get() == Some(Panel::ConfirmDiscard)).to_string()
                on:click=move |_| toggle(Panel::ConfirmDiscard)>{t!(i18n, scenarios.discard)}</button>
        </Show>
    }
}

/// The comparison, or the confirmation of a merge or a discard, below the buttons.
#[component]
fn ActionPanel(
    board: BoardContext,
    scenario: RwSignal<ScenarioSummary>,
    panel: RwSignal<Option<Panel>>,
    status: RwSignal<Option<Message>>,
    on_discarded: Callback<()>,
    on_board: bool,
) -> impl IntoView {
    move || match panel.get() {
        None => ().into_any(),
        Some(Panel::Compare) => view! { <Comparison board scenario=scenario.get_untracked() on_board/> }.into_any(),
        Some(which) => view! { <Confirm scenario which panel status on_discarded/> }.into_any(),
    }
}

/// The difference from the board to the scenario: the open document from the session, the
/// other from the server.
#[component]
fn Comparison(board: BoardContext, scenario: ScenarioSummary, on_board: bool) -> impl IntoView {
    let i18n = use_i18n();
    let other = if on_board { scenario.document_id().to_owned() } else { scenario.board_document_id().to_owned() };
    let fetched = RwSignal::new(None::<Result<BoardSnapshot, Message>>);
    leptos::task::spawn_local(async move {
        let result = match api::document(&other).await {
            Ok(bytes) => {
                shared::Board::load(&bytes).map(|loaded| loaded.snapshot()).map_err(|error| board.word(&error))
            }
            Err(FetchError::Unreachable) => Err(message!(scenarios.needs_connection)),
            Err(error) => Err(refusal(error)),
        };
        fetched.set(Some(result));
    });
    move || match fetched.get() {
        None => view! { <p class="progress" role="status">{t!(i18n, scenarios.comparing)}</p> }.into_any(),
        Some(Err(message)) => view! { <p class="notice" role="alert">{move || message.text(i18n)}</p> }.into_any(),
        Some(Ok(other)) => {
            let board_label = t_string!(i18n, scenarios.board_label).to_string();
            let scenario_label = tr!(i18n, scenarios.scenario_label, name = scenario.name.clone());
            if on_board {
                let then = board.live.get_untracked();
                let now = Signal::stored(Arc::new(other));
                view! { <ComparisonView then now then_label=board_label now_label=scenario_label/> }.into_any()
            } else {
                let now: Signal<Arc<BoardSnapshot>> = board.live.into();
                view! { <ComparisonView then=other now then_label=board_label now_label=scenario_label/> }.into_any()
            }
        }
    }
}

/// "Merge …?" or "Discard …?", with the confirming button focused and Escape to cancel.
#[component]
fn Confirm(
    scenario: RwSignal<ScenarioSummary>,
    which: Panel,
    panel: RwSignal<Option<Panel>>,
    status: RwSignal<Option<Message>>,
    on_discarded: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let busy = RwSignal::new(false);
    let confirm_button = NodeRef::<html::Button>::new();
    Effect::new(move || {
        if let Some(button) = confirm_button.get() {
            let _ = button.focus();
        }
    });
    let (board_id, scenario_id) =
        scenario.with_untracked(|s| (s.board_document_id().to_owned(), s.document_id().to_owned()));
    let name = scenario.with_untracked(|s| s.name.clone());
    let question = {
        let name = name.clone();
        move || match which {
            Panel::ConfirmMerge => scenario.with_untracked(|s| {
                tr!(i18n, scenarios.merge_confirm, name = s.name.clone(), board = s.board_name.clone())
            }),
            _ => tr!(i18n, scenarios.discard_confirm, name = name.clone()),
        }
    };
    let act = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let (board_id, scenario_id, name) = (board_id.clone(), scenario_id.clone(), name.clone());
        leptos::task::spawn_local(async move {
            let message = if which == Panel::ConfirmMerge {
                match api::merge_scenario(&board_id, &scenario_id).await {
                    Ok(outcome) => {
                        scenario.set(outcome.scenario);
                        let count = outcome.changes;
                        if count == 0 {
                            message!(scenarios.nothing_to_merge)
                        } else {
                            message!(scenarios.merged, count)
                        }
                    }
                    Err(FetchError::Refused { status: 409, message, .. }) => {
                        message!(scenarios.merge_refused, reason = message)
                    }
                    Err(FetchError::Unreachable) => message!(scenarios.needs_connection),
                    Err(error) => refusal(error),
                }
            } else {
                match api::discard_scenario(&board_id, &scenario_id).await {
                    Ok(summary) => {
                        scenario.set(summary);
                        on_discarded.run(());
                        message!(scenarios.discarded, name)
                    }
                    Err(FetchError::Unreachable) => message!(scenarios.needs_connection),
                    Err(error) => refusal(error),
                }
            };
            busy.set(false);
            panel.set(None);
            status.set(Some(message));
        });
    };
    let confirm_label = move || match which {
        Panel::ConfirmMerge => t_string!(i18n, scenarios.merge_confirm_button),
        _ => t_string!(i18n, scenarios.discard_confirm_button),
    };
    view! {
        <div class="confirm-scenario" role="alertdialog" aria-labelledby="confirm-scenario-question"
            data-testid="confirm-scenario"
            on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { panel.set(None); }>
            <p id="confirm-scenario-question">{question}</p>
            <button type="button" node_ref=confirm_button data-testid="confirm-scenario-action"
                class:danger={which == Panel::ConfirmDiscard} disabled=busy on:click=act>
                {move || if busy.get() && which == Panel::ConfirmMerge { t_string!(i18n, scenarios.merging) } else { confirm_label() }}
            </button>
            " "
            <button type="button" on:click=move |_| panel.set(None)>{t!(i18n, scenarios.cancel)}</button>
        </div>
    }
}
