//! The pages: signing in, the board list and the board itself (priorities, the resource plan
//! and its members).
//!
//! Components read plain signals from a [`BoardSession`] and change the board only through
//! [`BoardSession::edit`], so every edit is validated by `shared`, stored and synced the same
//! way. Every mouse action has a keyboard path: reordering has move up/down buttons beside
//! drag and drop, and every field commits on Enter or when it loses focus.
//!
//! Labels are English, with the Chinese term beside section headings and domain values
//! (`<span class="zh">`), as the PMO glossary names them.

mod account_menu;
mod members;
mod sign_in;

use leptos::prelude::*;
use leptos_router::{
    components::{Route, Router, Routes, A},
    hooks::{use_location, use_navigate, use_params_map},
    path, NavigateOptions,
};
use std::collections::HashMap;

use shared::{
    api::{Account, Role},
    board::{Board, BoardError, NewPerson, NewProject, Stage},
    capacity::{self, WeekLoad},
    IsoWeek, PersonId, ProjectId,
};

use crate::{
    account::{sign_in_url, Auth, AuthState, SIGN_IN_PATH},
    api::{self, FetchError},
    cache::BoardCache,
    session::{BoardSession, SessionView, SyncStatus},
};
use members::{Access, BoardAccess, MembersPanel};

/// Weeks shown in the resource plan, starting with the current one.
const PLANNING_WEEKS: usize = 12;

#[component]
pub fn App() -> impl IntoView {
    leptos::task::spawn_local(Auth::get().check());
    view! {
        <Router>
            <SignInRedirect/>
            <Routes fallback=|| view! { <p class="notice">"There is no such page. " <A href="/">"See all boards"</A></p> }>
                <Route path=path!("/") view=|| with_account(|account| view! { <BoardList account/> })/>
                <Route path=path!("/signin") view=sign_in::SignInPage/>
                <Route path=path!("/board/:id") view=BoardPage/>
            </Routes>
        </Router>
    }
}

/// Sends a signed-out person to the sign-in page, which brings them back here afterwards.
/// Offline, nobody is sent anywhere: the remembered account's boards stay open.
#[component]
fn SignInRedirect() -> impl IntoView {
    let navigate = use_navigate();
    let pathname = use_location().pathname;
    // Also on every navigation: a signed-out person who follows a link is sent along too.
    Effect::new(move || {
        let path = pathname.get();
        if Auth::get().state.get() == AuthState::SignedOut && !path.starts_with(SIGN_IN_PATH) {
            navigate(&sign_in_url(&path), NavigateOptions { replace: true, ..Default::default() });
        }
    });
}

/// Renders `page` for the account in use (signed in, or remembered while offline), or says
/// why there is none. The page is rebuilt only when the account changes.
fn with_account<V: IntoView + 'static>(page: impl Fn(Account) -> V + Send + Sync + 'static) -> impl IntoView {
    let account = Memo::new(move |_| Auth::get().account());
    move || match account.get() {
        Some(account) => page(account).into_any(),
        None => {
            let message = match Auth::get().state.get() {
                AuthState::Checking | AuthState::SignedIn(_) => {
                    view! { <p class="progress" role="status">"Loading…"</p> }.into_any()
                }
                AuthState::SignedOut => view! {
                    <p class="notice" role="status">"You are signed out. " <A href=SIGN_IN_PATH>"Sign in"</A></p>
                }
                .into_any(),
                AuthState::Offline(_) => view! {
                    <p class="notice" role="status">
                        "The server cannot be reached, and nobody has signed in on this device yet. "
                        "Sign in once the connection is back; after that, your boards open here offline too."
                    </p>
                }
                .into_any(),
            };
            view! { <Header/> <main>{message}</main> }.into_any()
        }
    }
}

/// How a role reads in the app, with the Chinese term.
fn role_label(role: Role) -> &'static str {
    match role {
        Role::Owner => "Owner 所有者",
        Role::Editor => "Editor 编辑者",
        Role::Viewer => "Viewer 查看者",
    }
}

// ---- the board list ------------------------------------------------------------------------

/// One board in the list.
#[derive(Clone)]
struct ListedBoard {
    document_id: String,
    name: String,
    /// Unknown for a board listed from this device's storage that was never opened online.
    role: Option<Role>,
}

enum BoardListing {
    Loading,
    FromServer(Vec<ListedBoard>),
    /// The server could not be reached: the boards this account has opened on this device.
    Offline(Vec<ListedBoard>, String),
}

#[component]
fn BoardList(account: Account) -> impl IntoView {
    let listing = RwSignal::new_local(BoardListing::Loading);
    let account_id = account.id.clone();
    leptos::task::spawn_local(async move {
        let result = match api::boards().await {
            Ok(boards) => BoardListing::FromServer(
                boards
                    .into_iter()
                    .map(|board| ListedBoard {
                        document_id: board.document_id().to_string(),
                        name: board.name,
                        role: Some(board.role),
                    })
                    .collect(),
            ),
            // The session ended: the app is on its way to the sign-in page.
            Err(error) if error.is_signed_out() => return,
            Err(error) => BoardListing::Offline(cached_boards(&account_id).await, error.to_string()),
        };
        listing.set(result);
    });

    let name = RwSignal::new(String::new());
    let creating = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let navigate = StoredValue::new_local(use_navigate());
    let create = move || {
        if creating.get_untracked() {
            return;
        }
        creating.set(true);
        problem.set(None);
        let board_name = name.get_untracked();
        leptos::task::spawn_local(async move {
            match api::create_board(board_name).await {
                Ok(board) => {
                    let url = format!("/board/{}", board.document_id());
                    navigate.with_value(|navigate| navigate(&url, Default::default()));
                }
                Err(FetchError::Unreachable) => {
                    problem.set(Some("The server cannot be reached: a new board needs a connection.".into()))
                }
                Err(error) => problem.set(Some(error.to_string())),
            }
            creating.set(false);
        });
    };

    view! {
        <Header/>
        <main class="board-list">
            <h1>"Boards " <span class="zh">"组合看板"</span></h1>
            <form class="new-board" on:submit=move |ev| { ev.prevent_default(); create(); }>
                <label for="new-board-name">"New board"</label>
                <input id="new-board-name" placeholder="e.g. 2027 portfolio review" required
                    prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                <button type="submit" disabled=creating>
                    {move || if creating.get() { "Creating…" } else { "Create board" }}
                </button>
            </form>
            <p class="problem" role="alert">{problem}</p>
            {move || listing.with(|listing| match listing {
                BoardListing::Loading => view! { <p class="progress" role="status">"Loading boards…"</p> }.into_any(),
                BoardListing::FromServer(boards) => board_links(boards.clone()).into_any(),
                BoardListing::Offline(boards, error) => view! {
                    <p class="notice" role="status">
                        {format!("The server cannot be reached ({error}). Boards you opened on this device:")}
                    </p>
                    {board_links(boards.clone())}
                }.into_any(),
            })}
        </main>
    }
}

fn board_links(boards: Vec<ListedBoard>) -> impl IntoView {
    if boards.is_empty() {
        return view! { <p class="empty">"No boards yet: create the first one above, or ask a board's owner to add you."</p> }.into_any();
    }
    let items = boards
        .into_iter()
        .map(|board| {
            let href = format!("/board/{}", board.document_id);
            view! {
                <li>
                    <A href=href>{board.name}</A>
                    {board.role.map(|role| view! { <span class="role" data-role=role.as_str()>{role_label(role)}</span> })}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="boards" data-testid="board-list">{items}</ul> }.into_any()
}

async fn cached_boards(account_id: &str) -> Vec<ListedBoard> {
    let Ok(cache) = BoardCache::open(account_id).await else { return Vec::new() };
    let mut boards: Vec<ListedBoard> = cache
        .boards()
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|entry| ListedBoard { document_id: entry.document_id, name: entry.name, role: entry.role })
        .collect();
    boards.sort_by(|a, b| a.name.cmp(&b.name));
    boards
}

// ---- the board -----------------------------------------------------------------------------

#[component]
fn BoardPage() -> impl IntoView {
    let params = use_params_map();
    let document_id = Memo::new(move |_| params.with(|params| params.get("id")));
    // A new session per board id and account: navigating from one board to another reopens.
    with_account(move |account| {
        move || document_id.get().map(|document_id| view! { <BoardView document_id account=account.clone()/> })
    })
}

type Session = StoredValue<BoardSession, LocalStorage>;

/// What the board page can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Ready,
    /// The server says the board does not exist or this account may not open it.
    NoAccess,
    /// Signed out, and this device has no copy to show meanwhile.
    SignedOut,
    Receiving,
    Waiting,
}

#[component]
fn BoardView(document_id: String, account: Account) -> impl IntoView {
    let session: Session = StoredValue::new_local(BoardSession::open(document_id.clone(), &account));
    on_cleanup(move || session.with_value(BoardSession::close));
    let view = session.with_value(|session| session.view);
    let access = BoardAccess::load(document_id, account.id.clone());
    let editable = Memo::new(move |_| access.access.get().can_edit());
    Effect::new(move || {
        let read_only = !editable.get();
        session.with_value(|session| session.set_read_only(read_only));
    });
    let notice = RwSignal::new(None::<String>);
    // The page changes shape only when the phase changes, not on every status update: a
    // re-render would throw away what someone is typing.
    let phase = Memo::new(move |_| {
        let status = view.status.get();
        if status.unavailable || access.access.get() == Access::Refused {
            Phase::NoAccess
        } else if status.ready {
            Phase::Ready
        } else if status.signed_out {
            Phase::SignedOut
        } else if status.online {
            Phase::Receiving
        } else {
            Phase::Waiting
        }
    });
    let sign_in_again = sign_in_url(&use_location().pathname.get_untracked());

    view! {
        <Header>
            <SyncBadge status=view.status/>
            <Show when=move || phase.get() == Phase::Ready && !editable.get()>
                <span class="badge view-only" data-testid="view-only"
                    title="You are a viewer of this board: you can read it but not change it">"View only 只读"</span>
            </Show>
        </Header>
        <main class="board" class:read-only=move || !editable.get()>
            <Show when=move || view.status.with(|status| status.signed_out)>
                <p class="notice" role="alert" data-testid="signed-out">
                    "You are signed out, so this board no longer syncs. "
                    <a href=sign_in_again.clone()>"Sign in again"</a>
                    " — changes made on this device meanwhile are kept and sent once you are back."
                </p>
            </Show>
            {move || {
                match phase.get() {
                    Phase::Ready => view! { <BoardContent session view notice access editable/> }.into_any(),
                    Phase::NoAccess => view! {
                        <p class="notice" role="alert" data-testid="no-access">
                            "This board does not exist or you do not have access to it. "
                            "Check the link, ask the board's owner to add you, or "
                            <A href="/">"pick a board from your list"</A>"."
                        </p>
                    }.into_any(),
                    Phase::SignedOut => ().into_any(),
                    Phase::Receiving => view! { <p class="progress" role="status">"Receiving the board…"</p> }.into_any(),
                    Phase::Waiting => view! { <p class="progress" role="status">"Opening the board… (waiting for the server)"</p> }.into_any(),
                }
            }}
            <p class="problem" role="alert">{move || view.problem.get()}</p>
        </main>
    }
}

#[component]
fn BoardContent(
    session: Session,
    view: SessionView,
    notice: RwSignal<Option<String>>,
    access: BoardAccess,
    editable: Memo<bool>,
) -> impl IntoView {
    view! {
        <div class="board-head">
            <h1 data-testid="board-name">{move || view.snapshot.with(|board| board.name.clone())}</h1>
            <Peers peers=view.peers/>
        </div>
        <p class="notice" role="alert" data-testid="edit-notice">{notice}</p>
        <RuleWarnings view/>
        <Priorities session view notice editable/>
        <ResourcePlan session view notice editable/>
        <MembersPanel access/>
    }
}

/// What the merged board breaks (budget envelope, capacity from this week on, dependencies):
/// edits made apart are never refused, so the rules are checked after every change and shown
/// here.
#[component]
fn RuleWarnings(view: SessionView) -> impl IntoView {
    let this_week = IsoWeek::containing(chrono::Utc::now().date_naive());
    let warnings = Memo::new(move |_| {
        view.snapshot.with(|board| {
            shared::rules::check_from(board, Some(this_week)).iter().map(ToString::to_string).collect::<Vec<_>>()
        })
    });
    move || {
        let warnings = warnings.get();
        (!warnings.is_empty()).then(|| {
            view! {
                <section class="warnings" role="status" data-testid="rule-warnings">
                    <h2>"Check these " <span class="zh">"需要处理"</span></h2>
                    <ul>{warnings.into_iter().map(|warning| view! { <li>{warning}</li> }).collect_view()}</ul>
                </section>
            }
        })
    }
}

/// Applies an edit, showing why it was refused if it was.
fn apply(
    session: Session,
    notice: RwSignal<Option<String>>,
    change: impl FnOnce(&mut Board) -> Result<(), BoardError>,
) {
    match session.with_value(|session| session.edit(change)) {
        Ok(()) => notice.set(None),
        Err(message) => notice.set(Some(message)),
    }
}

#[component]
fn Header(#[prop(optional)] children: Option<Children>) -> impl IntoView {
    view! {
        <header class="topbar">
            <A href="/" attr:class="brand">"PMO Board"</A>
            <div class="topbar-right">
                {children.map(|children| children())}
                <account_menu::AccountMenu/>
            </div>
        </header>
    }
}

#[component]
fn SyncBadge(status: RwSignal<SyncStatus>) -> impl IntoView {
    move || {
        let status = status.get();
        let (state, text) = if status.unavailable && !status.ready {
            ("unavailable", "No access".to_string())
        } else if status.signed_out {
            ("signed-out", "Signed out — sign in again".to_string())
        } else if status.online && status.read_only {
            ("online", "Online · up to date".to_string())
        } else if status.online && status.unsynced == 0 {
            ("online", "Online · all changes on the server".to_string())
        } else if status.online {
            ("online", format!("Online · sending {} changes", status.unsynced))
        } else if status.unsynced == 0 {
            ("offline", if status.read_only { "Offline".to_string() } else { "Offline · no local changes".to_string() })
        } else {
            ("offline", format!("Offline · {} local changes not yet on the server", status.unsynced))
        };
        view! {
            <span class="badge" data-testid="sync-badge" data-state=state data-unsynced=status.unsynced
                role="status" aria-live="polite">{text}</span>
        }
    }
}

#[component]
fn Peers(peers: RwSignal<Vec<String>>) -> impl IntoView {
    view! {
        <p class="peers" data-testid="peers">
            {move || {
                let peers = peers.get();
                if peers.is_empty() {
                    "Only you have this board open".to_string()
                } else {
                    format!("Also here: {}", peers.join(", "))
                }
            }}
        </p>
    }
}

// ---- priorities ------------------------------------------------------------------------------

#[component]
fn Priorities(
    session: Session,
    view: SessionView,
    notice: RwSignal<Option<String>>,
    editable: Memo<bool>,
) -> impl IntoView {
    let dragged = RwSignal::new(None::<ProjectId>);
    let new_name = RwSignal::new(String::new());
    let add = move || {
        let name = new_name.get_untracked();
        let project = NewProject { name, stage: Stage::Proposed, budget: 0.0 };
        apply(session, notice, |board| board.add_project(ProjectId::random(), project));
        if notice.get_untracked().is_none() {
            new_name.set(String::new());
        }
    };
    // Rows are keyed by project id alone and read their fields reactively: an edit by someone
    // else updates a field in place, and a reorder moves rows, so the field a person is typing
    // in survives both.
    let order =
        Memo::new(move |_| view.snapshot.with(|board| board.projects.iter().map(|p| p.id.clone()).collect::<Vec<_>>()));

    view! {
        <section class="priorities">
            <h2>"Priorities " <span class="zh">"优先级"</span></h2>
            <table>
                <thead><tr>
                    <th>"#"</th><th class="handle"></th><th>"Project"</th><th>"Stage"</th><th>"Budget"</th><th>"Actions"</th>
                </tr></thead>
                <tbody>
                    <For each=move || order.get() key=|id| id.clone()
                        children=move |id| view! { <ProjectRow id session view notice dragged order editable/> }/>
                </tbody>
            </table>
            <form class="add-project" on:submit=move |ev| { ev.prevent_default(); add(); }>
                <input aria-label="New project name" placeholder="New project" prop:value=new_name disabled=move || !editable.get()
                    on:input=move |ev| new_name.set(event_target_value(&ev))/>
                <button type="submit" disabled=move || !editable.get()>"Add project"</button>
            </form>
        </section>
    }
}

#[component]
fn ProjectRow(
    id: ProjectId,
    session: Session,
    view: SessionView,
    notice: RwSignal<Option<String>>,
    dragged: RwSignal<Option<ProjectId>>,
    order: Memo<Vec<ProjectId>>,
    editable: Memo<bool>,
) -> impl IntoView {
    let read_only = move || !editable.get();
    let id = StoredValue::new(id);
    let project = Memo::new(move |_| view.snapshot.with(|board| board.project(&id.get_value()).cloned()));
    let index = Memo::new(move |_| order.with(|order| order.iter().position(|p| *p == id.get_value()).unwrap_or(0)));
    let name = move || project.with(|p| p.as_ref().map(|p| p.name.clone()).unwrap_or_default());
    let stage = move || project.with(|p| p.as_ref().map_or(Stage::Proposed, |p| p.stage));
    let budget = move || project.with(|p| p.as_ref().map_or(0.0, |p| p.budget)).to_string();
    // "Changed by two people": which value won and which others the board still holds.
    let conflicts = move || {
        project.with(|p| {
            let conflicts = &p.as_ref()?.conflicts;
            (!conflicts.is_empty()).then(|| {
                let fields: Vec<String> = conflicts
                    .iter()
                    .map(|c| format!("{} is “{}”, also set to “{}”", c.field, c.winner, c.others.join("”, “")))
                    .collect();
                format!("Changed by two people: {}", fields.join("; "))
            })
        })
    };
    let move_to = move |to: usize| apply(session, notice, |board| board.move_project(&id.get_value(), to));
    let stage_options = Stage::ALL
        .into_iter()
        .map(|option| view! { <option value=option.as_str() selected=move || stage() == option>{option.label()}</option> })
        .collect_view();

    view! {
        <tr data-testid="project-row" data-project-id=id.get_value().to_string()
            draggable=move || if editable.get() { "true" } else { "false" }
            class:dragging=move || dragged.with(|d| d.as_ref() == Some(&id.get_value()))
            on:dragstart=move |ev| {
                if !editable.get_untracked() {
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
                if !editable.get_untracked() {
                    return;
                }
                if let Some(from) = dragged.get_untracked() {
                    apply(session, notice, |board| board.move_project(&from, index.get_untracked()));
                }
                dragged.set(None);
            }>
            <td class="rank">{move || index.get() + 1}</td>
            <td class="handle" title="Drag to reorder">"⠿"</td>
            <td><input class="project-name" aria-label="Project name" value=name prop:value=name disabled=read_only
                on:change=move |ev| {
                    let name = event_target_value(&ev);
                    apply(session, notice, |board| board.rename_project(&id.get_value(), &name));
                }/>
                {move || conflicts().map(|text| view! { <span class="conflict" data-testid="conflict" title=text.clone()>{format!("⚑ {text}")}</span> })}
            </td>
            <td><select aria-label="Stage" prop:value=move || stage().as_str() disabled=read_only on:change=move |ev| {
                    match event_target_value(&ev).parse::<Stage>() {
                        Ok(stage) => apply(session, notice, |board| board.set_project_stage(&id.get_value(), stage)),
                        Err(error) => notice.set(Some(error.to_string())),
                    }
                }>{stage_options}</select></td>
            <td><input class="budget" type="number" min="0" step="any" aria-label="Budget" value=budget prop:value=budget disabled=read_only
                on:change=move |ev| {
                    match parse_number(&event_target_value(&ev)) {
                        Some(budget) => apply(session, notice, |board| board.set_project_budget(&id.get_value(), budget)),
                        None => notice.set(Some("the budget must be a number, for example 250000".into())),
                    }
                }/></td>
            <td class="actions">
                <button type="button" aria-label="Move up" title="Move up" disabled=move || read_only() || index.get() == 0
                    on:click=move |_| move_to(index.get_untracked().saturating_sub(1))>"↑"</button>
                <button type="button" aria-label="Move down" title="Move down" disabled=read_only
                    on:click=move |_| move_to(index.get_untracked() + 1)>"↓"</button>
                <button type="button" class="danger" aria-label="Delete project" title="Delete project" disabled=read_only
                    on:click=move |_| apply(session, notice, |board| board.delete_project(&id.get_value()))>"✕"</button>
            </td>
        </tr>
    }
}

// ---- the resource plan -----------------------------------------------------------------------

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
fn ResourcePlan(
    session: Session,
    view: SessionView,
    notice: RwSignal<Option<String>>,
    editable: Memo<bool>,
) -> impl IntoView {
    let weeks = IsoWeek::containing(chrono::Utc::now().date_naive()).span(PLANNING_WEEKS);
    let weeks = StoredValue::new(weeks);
    let chosen = RwSignal::new(None::<ProjectId>);
    // The chosen project, or the top-priority one when none is chosen or it was deleted.
    let selected = Memo::new(move |_| {
        view.snapshot.with(|board| {
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
        view.snapshot.with(|board| {
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
            notice.set(Some("capacity must be a number of hours per week, for example 40".into()));
            return;
        };
        let name = person_name.get_untracked();
        apply(session, notice, |board| board.add_person(PersonId::random(), NewPerson::named(&name, capacity)));
        if notice.get_untracked().is_none() {
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
                view! {
                    <td class="cell" class:over=move || load().is_some_and(|load| load.is_over_capacity()) data-week=week.to_string()>
                        <input type="number" min="0" max="168" step="any" aria-label=move || format!("{} hours in {week}", details().0)
                            disabled=move || !editable.get()
                            // The property, not the attribute: it is what a person sees and types in.
                            prop:value=move || { let hours = hours(); if hours == 0.0 { String::new() } else { hours.to_string() } }
                            on:change=move |ev| {
                                let Some(project) = selected.get_untracked() else { return };
                                let text = event_target_value(&ev);
                                match if text.trim().is_empty() { Some(0.0) } else { parse_number(&text) } {
                                    Some(hours) => apply(session, notice, |board| board.set_allocation(&project, &person.get_value(), week, hours)),
                                    None => notice.set(Some("hours must be a number, for example 16".into())),
                                }
                            }/>
                        <span class="total" title="Booked on all projects / capacity">
                            {move || load().map(|load| format!("{}/{}", load.allocated_hours, load.capacity_hours)).unwrap_or_default()}
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
            <h2>"Resource plan " <span class="zh">"资源计划"</span></h2>
            <p class="hint">"Hours booked on the selected project; under each cell, the person's total on all projects against capacity. Over capacity is marked red."</p>
            <label>"Project "
                <select aria-label="Project to plan" on:change=move |ev| {
                    chosen.set(event_target_value(&ev).parse().ok());
                }>
                    {move || view.snapshot.with(|board| board.projects.iter().map(|project| {
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
                <input aria-label="New person name" placeholder="Name" prop:value=person_name disabled=move || !editable.get()
                    on:input=move |ev| person_name.set(event_target_value(&ev))/>
                <input aria-label="Capacity hours per week" type="number" min="0" max="168" step="any" prop:value=person_capacity
                    disabled=move || !editable.get() on:input=move |ev| person_capacity.set(event_target_value(&ev))/>
                <button type="submit" disabled=move || !editable.get()>"Add person"</button>
            </form>
        </section>
    }
}

fn parse_number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|number| number.is_finite())
}
