//! The board's frame, around every page of one board: it opens the [`BoardSession`] once per
//! board and account, shows the header's sync badge, the board's name, who else is here, the
//! rule warnings and the board's navigation, and renders the page the route names in its
//! [`Outlet`]. Pages reach the open board through [`BoardContext`], so moving between the
//! pages of one board keeps the session, its socket and its presence.

use leptos::prelude::*;
use leptos_router::{
    components::{Outlet, A},
    hooks::{use_location, use_params_map},
};
use shared::{
    api::{Account, Role},
    board::{Board, BoardError},
};

use super::with_account;
use crate::{
    account::sign_in_url,
    components::{
        account_menu::copy_to_clipboard,
        header::{Header, Peers, SyncBadge},
        members::{Access, BoardAccess},
        rule_warnings::RuleWarnings,
    },
    session::{BoardSession, SessionView},
};

/// The pages of a board, in the order of its navigation: the path under `/board/:id/`, the
/// English label and the Chinese term.
const PAGES: &[(&str, &str, &str)] = &[
    ("", "Priorities", "优先级"),
    ("dashboard", "Dashboard", "仪表板"),
    ("strategy", "Strategy", "战略对齐"),
    ("scoring", "Scoring", "评分与优先级"),
    ("selection", "Selection", "项目组合选择"),
    ("risks", "Risks", "风险"),
    ("resources", "Resources", "资源"),
    ("finance", "Finance", "财务"),
    ("lessons", "Lessons", "经验教训"),
    ("history", "History", "历史"),
    ("decisions", "Decisions", "决策"),
    ("report", "Review", "组合评审报告"),
    ("data", "Export & import", "导出与导入"),
    ("settings", "Settings", "设置"),
];

/// The open board, for every page inside the board's frame.
#[derive(Clone, Copy)]
pub struct BoardContext {
    pub session: StoredValue<BoardSession, LocalStorage>,
    pub view: SessionView,
    /// Why the last edit was refused, shown above the page.
    pub notice: RwSignal<Option<String>>,
    pub access: BoardAccess,
    /// False for viewers and while the account's role is unknown to be an editor's.
    pub editable: Memo<bool>,
    document_id: StoredValue<String>,
}

impl BoardContext {
    /// The open board. Only pages rendered inside the board's frame may ask.
    pub fn get() -> BoardContext {
        expect_context()
    }

    /// Applies an edit, showing why it was refused if it was.
    pub fn apply(self, change: impl FnOnce(&mut Board) -> Result<(), BoardError>) {
        match self.session.with_value(|session| session.edit(change)) {
            Ok(()) => self.notice.set(None),
            Err(message) => self.notice.set(Some(message)),
        }
    }

    /// Applies an edit and answers why it was refused, for a field that shows the reason in
    /// place (see [`crate::components::field::Field`]).
    pub fn try_apply(self, change: impl FnOnce(&mut Board) -> Result<(), BoardError>) -> Result<(), String> {
        let result = self.session.with_value(|session| session.edit(change));
        if result.is_ok() {
            self.notice.set(None);
        }
        result
    }

    /// The link to one of this board's pages: `""` for the board itself, `"dashboard"`, …
    pub fn href(self, page: &str) -> String {
        let id = self.document_id.get_value();
        if page.is_empty() {
            format!("/board/{id}")
        } else {
            format!("/board/{id}/{page}")
        }
    }
}

/// `/board/:id/*`: the frame for the account in use.
#[component]
pub fn BoardPage() -> impl IntoView {
    let params = use_params_map();
    let document_id = Memo::new(move |_| params.with(|params| params.get("id")));
    // A new session per board id and account: navigating from one board to another reopens.
    with_account(move |account| {
        move || document_id.get().map(|document_id| view! { <BoardFrame document_id account=account.clone()/> })
    })
}

/// What the board's frame can show.
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
fn BoardFrame(document_id: String, account: Account) -> impl IntoView {
    let session = StoredValue::new_local(BoardSession::open(document_id.clone(), &account));
    on_cleanup(move || session.with_value(BoardSession::close));
    let view = session.with_value(|session| session.view);
    let access = BoardAccess::load(document_id.clone(), account.id.clone());
    let editable = Memo::new(move |_| access.access.get().can_edit());
    Effect::new(move || {
        let read_only = !editable.get();
        session.with_value(|session| session.set_read_only(read_only));
    });
    // The server closed the connection because the account's role changed, or the session
    // reconnected (the role may have changed meanwhile): read it again. The first connection
    // needs no second look: the access is being loaded anyway.
    Effect::new(move |seen: Option<(u32, u32)>| {
        let now = (view.role_changes.get(), view.connections.get());
        if let Some((role_changes, connections)) = seen {
            if now.0 != role_changes || (now.1 != connections && now.1 > 1) {
                leptos::task::spawn_local(access.reload());
            }
        }
        now
    });
    // A viewer's changes are never taken by the server: set aside any this device still holds
    // (made while an editor, offline), instead of showing them as if they were on the board.
    let ready = Memo::new(move |_| view.status.with(|status| status.ready));
    Effect::new(move || {
        if ready.get() && access.access.get() == Access::Member(Role::Viewer) {
            session.with_value(|session| session.set_aside("you became a viewer"));
        }
    });
    // Tell the person when their role changes while the board is open.
    let role_notice = RwSignal::new(None::<String>);
    Effect::new(move |before: Option<Option<Role>>| {
        let now = match access.access.get() {
            Access::Member(role) => Some(role),
            _ => None,
        };
        if let (Some(Some(before)), Some(now)) = (before, now) {
            if before != now {
                role_notice.set(Some(if now.can_edit() {
                    format!("Your role on this board changed: you are now {}, and can change it.", role_name(now))
                } else {
                    "Your role on this board changed: you are now a viewer, and can read it but not change it."
                        .to_string()
                }));
            }
        }
        now.or(before.flatten())
    });
    let notice = RwSignal::new(None::<String>);
    let board = BoardContext { session, view, notice, access, editable, document_id: StoredValue::new(document_id) };
    provide_context(board);
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
                    title="You are a viewer of this board: you can read it but not change it">"View only " <span lang="zh">"只读"</span></span>
            </Show>
        </Header>
        <main class="board" class:read-only=move || !editable.get()>
            <Show when=move || role_notice.with(Option::is_some)>
                <p class="notice role-changed" role="status" data-testid="role-changed">
                    {move || role_notice.get()}
                    " "<button type="button" class="link" on:click=move |_| role_notice.set(None)>"OK"</button>
                </p>
            </Show>
            <SetAsidePanel board/>
            <Show when=move || view.status.with(|status| status.signed_out)>
                <p class="notice" role="alert" data-testid="signed-out">
                    "You are signed out, so this board no longer syncs. "
                    <a href=sign_in_again.clone()>"Sign in again"</a>
                    " — changes made on this device meanwhile are kept and sent once you are back."
                </p>
            </Show>
            {move || {
                match phase.get() {
                    Phase::Ready => view! {
                        <div class="board-head">
                            <h1 data-testid="board-name">{move || view.snapshot.with(|board| board.name.clone())}</h1>
                            <Peers peers=view.peers/>
                        </div>
                        <BoardNav board/>
                        <super::history::UndoLastChange board/>
                        <p class="notice" role="alert" data-testid="edit-notice">{notice}</p>
                        <RuleWarnings view/>
                        <Outlet/>
                    }.into_any(),
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

/// "an editor", "an owner", "a viewer".
fn role_name(role: Role) -> &'static str {
    match role {
        Role::Owner => "an owner",
        Role::Editor => "an editor",
        Role::Viewer => "a viewer",
    }
}

/// Changes the server refused, kept aside as text: what they were, to copy, and a way to let
/// them go. They are not on the board and are never sent.
#[component]
fn SetAsidePanel(board: BoardContext) -> impl IntoView {
    let kept = board.view.set_aside;
    let copied = RwSignal::new(None::<&'static str>);
    let text = move || kept.with(|kept| kept.as_ref().map(|kept| kept.lines.join("\n")).unwrap_or_default());
    let field = NodeRef::<leptos::html::Textarea>::new();
    let copy = move |_| {
        let text = text();
        leptos::task::spawn_local(async move {
            if copy_to_clipboard(&text).await {
                copied.set(Some("Copied."));
            } else {
                if let Some(field) = field.get_untracked() {
                    field.select();
                }
                copied.set(Some("This browser does not allow copying here: the text is selected, press Ctrl+C."));
            }
        });
    };
    view! {
        <Show when=move || kept.with(Option::is_some)>
            <section class="set-aside" role="alert" data-testid="set-aside" aria-labelledby="set-aside-title">
                <h2 id="set-aside-title">
                    {move || kept.with(|kept| kept.as_ref().map(|kept| format!("Not saved: {}", kept.reason)))}
                </h2>
                <p>"These changes were made on this device, but the server did not take them. They are no longer on the board and will not be sent; copy them if you still need them."</p>
                <textarea node_ref=field readonly aria-label="Changes not saved" data-testid="set-aside-text"
                    rows=move || kept.with(|kept| kept.as_ref().map_or(1, |kept| kept.lines.len().clamp(1, 8)))
                    prop:value=text></textarea>
                <div class="set-aside-actions">
                    <button type="button" on:click=copy>"Copy"</button>
                    <button type="button" on:click=move |_| board.session.with_value(|session| session.dismiss_set_aside())>"Dismiss"</button>
                    <span role="status">{move || copied.get()}</span>
                </div>
            </section>
        </Show>
    }
}

/// The board's navigation: one link per page, the current one marked for screen readers too.
#[component]
fn BoardNav(board: BoardContext) -> impl IntoView {
    let links = PAGES
        .iter()
        .map(|&(page, label, zh)| {
            view! {
                <li><A href=board.href(page) exact=true>{label} " " <span class="zh" lang="zh">{zh}</span></A></li>
            }
        })
        .collect_view();
    view! { <nav class="board-nav" aria-label="Board pages"><ul>{links}</ul></nav> }
}

/// A number typed by a person: surrounding spaces ignored, only finite values.
pub fn parse_number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|number| number.is_finite())
}
