//! The board's frame, around every page of one board: it opens the [`BoardSession`] once per
//! board and account, shows the header's sync badge, the board's name, who else is here, the
//! rule warnings and the board's navigation, and renders the page the route names in its
//! [`Outlet`]. Pages reach the open board through [`BoardContext`], so moving between the
//! pages of one board keeps the session, its socket and its presence.
//!
//! Time travel lives here too, once for every page: with `?at=<heads>` in the URL the context
//! hands the pages the board as it was at those heads (the document forked there), read-only,
//! and the frame shows a banner with the way back (see [`crate::components::time_travel`]).

use leptos::prelude::*;
use leptos_router::{
    components::{Outlet, A},
    hooks::{use_location, use_params_map, use_query_map},
};
use shared::{
    api::{Account, Role},
    history::point::heads_from_param,
};

use crate::{
    account::sign_in_url,
    components::{
        account_menu::copy_to_clipboard,
        board_context::{BoardContext, BoardView},
        header::{Header, Peers, SyncBadge},
        members::{Access, BoardAccess},
        rule_warnings::RuleWarnings,
        signed_in::with_account,
        time_travel::{historical_snapshot, TimeTravelBanner},
    },
    i18n::*,
    language::Message,
    session::BoardSession,
};

/// The pages of a board, in the order of its navigation: the path under `/board/:id/`.
const PAGES: &[&str] = &[
    "",
    "dashboard",
    "strategy",
    "scoring",
    "selection",
    "risks",
    "resources",
    "finance",
    "lessons",
    "history",
    "decisions",
    "baselines",
    "scenarios",
    "report",
    "data",
    "settings",
];

/// A page's name in the navigation, in the reader's language.
fn page_label(i18n: I18nContext<Locale>, page: &str) -> &'static str {
    match page {
        "dashboard" => t_string!(i18n, board.nav_dashboard),
        "strategy" => t_string!(i18n, board.nav_strategy),
        "scoring" => t_string!(i18n, board.nav_scoring),
        "selection" => t_string!(i18n, board.nav_selection),
        "risks" => t_string!(i18n, board.nav_risks),
        "resources" => t_string!(i18n, board.nav_resources),
        "finance" => t_string!(i18n, board.nav_finance),
        "lessons" => t_string!(i18n, board.nav_lessons),
        "history" => t_string!(i18n, board.nav_history),
        "decisions" => t_string!(i18n, board.nav_decisions),
        "baselines" => t_string!(i18n, board.nav_baselines),
        "scenarios" => t_string!(i18n, scenarios.nav),
        "report" => t_string!(i18n, board.nav_report),
        "data" => t_string!(i18n, board.nav_data),
        "settings" => t_string!(i18n, board.nav_settings),
        _ => t_string!(i18n, board.nav_priorities),
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
    let i18n = use_i18n();
    let session = StoredValue::new_local(BoardSession::open(document_id.clone(), &account));
    on_cleanup(move || session.with_value(BoardSession::close));
    let view = session.with_value(|session| session.view);
    let access = BoardAccess::load(document_id.clone(), account.id.clone());
    let can_edit = Memo::new(move |_| access.access.get().can_edit());
    // The point in history the URL names: the pages show the board as it was there, read-only.
    let query = use_query_map();
    // A link whose `at` is damaged names no heads at all, which the banner reports.
    let at =
        Memo::new(move |_| query.with(|query| query.get("at")).map(|text| heads_from_param(&text).unwrap_or_default()));
    let historical = historical_snapshot(session, view.snapshot, at);
    let shown = Memo::new_with_compare(
        // Either is one shared copy: no page's recomputing starts with copying the board.
        move |_| match historical.with(|then| then.as_ref().and_then(|then| then.as_ref().ok().cloned())) {
            Some(then) => then,
            None => view.snapshot.get(),
        },
        // Every new snapshot is news: comparing two whole boards would cost more than it saves.
        |_, _| true,
    );
    let editable = Memo::new(move |_| can_edit.get() && at.with(Option::is_none));
    Effect::new(move || {
        let read_only = !can_edit.get();
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
            session.with_value(|session| session.set_aside(crate::words::BECAME_VIEWER));
        }
    });
    // Tell the person when their role changes while the board is open.
    let role_notice = RwSignal::new(None::<Message>);
    Effect::new(move |before: Option<Option<Role>>| {
        let now = match access.access.get() {
            Access::Member(role) => Some(role),
            _ => None,
        };
        if let (Some(Some(before)), Some(now)) = (before, now) {
            if before != now {
                role_notice.set(Some(if now.can_edit() {
                    Message::new(move |locale| {
                        trd!(locale, board.role_changed_can_edit, role = role_name_in(locale, now))
                    })
                } else {
                    message!(board.role_changed_viewer)
                }));
            }
        }
        now.or(before.flatten())
    });
    let shows = BoardView { snapshot: shown, status: view.status, set_aside: view.set_aside };
    let board = BoardContext::new(session, shows, view.snapshot, at, access, editable, document_id);
    let notice = board.notice;
    provide_context(board);
    // Whether this document is a scenario of another board: the banner and the Scenarios page.
    provide_context(super::scenarios::ScenarioOf::load(board.document_id()));
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
            <Show when=move || phase.get() == Phase::Ready && !can_edit.get()>
                <span class="badge view-only" data-testid="view-only"
                    title=move || t_string!(i18n, board.view_only_title)>{t!(i18n, board.view_only)}</span>
            </Show>
        </Header>
        <main class="board" class:read-only=move || !editable.get()>
            <Show when=move || role_notice.with(Option::is_some)>
                <p class="notice role-changed" role="status" data-testid="role-changed">
                    {move || role_notice.get().map(|notice| notice.text(i18n))}
                    " "<button type="button" class="link" on:click=move |_| role_notice.set(None)>{t!(i18n, board.ok)}</button>
                </p>
            </Show>
            <SetAsidePanel board/>
            <Show when=move || view.status.with(|status| status.signed_out)>
                <p class="notice" role="alert" data-testid="signed-out">
                    {t!(i18n, board.signed_out)} " "
                    <a href=sign_in_again.clone()>{t!(i18n, board.sign_in_again)}</a>
                    " " {t!(i18n, board.signed_out_kept)}
                </p>
            </Show>
            {move || {
                // Moving to another point (or back to now) renders the pages again, so that
                // every link and every field follows the point.
                let travelling = at.with(Option::is_some);
                let unavailable = historical.with(|then| matches!(then, Some(Err(_))));
                match phase.get() {
                    Phase::Ready if unavailable => view! {
                        <BoardNav board/>
                        <TimeTravelBanner board historical/>
                    }.into_any(),
                    Phase::Ready => view! {
                        <div class="board-head">
                            <h1 data-testid="board-name">{move || shown.with(|board| board.name.clone())}</h1>
                            <Peers peers=view.peers/>
                        </div>
                        <super::scenarios::ScenarioBanner board/>
                        <BoardNav board/>
                        {if travelling {
                            view! { <TimeTravelBanner board historical/> }.into_any()
                        } else {
                            view! { <super::history::UndoLastChange board/> }.into_any()
                        }}
                        <p class="notice" role="alert" data-testid="edit-notice">{move || notice.get().map(|notice| notice.text(i18n))}</p>
                        <RuleWarnings snapshot=shown dashboard=Signal::derive(move || board.href("dashboard"))/>
                        <Outlet/>
                    }.into_any(),
                    Phase::NoAccess => view! {
                        <p class="notice" role="alert" data-testid="no-access">
                            {t!(i18n, board.no_access)} " "
                            <A href="/">{t!(i18n, board.pick_a_board)}</A>"."
                        </p>
                    }.into_any(),
                    Phase::SignedOut => ().into_any(),
                    Phase::Receiving => {
                        view! { <p class="progress" role="status">{t!(i18n, board.receiving)}</p> }.into_any()
                    }
                    Phase::Waiting => view! { <p class="progress" role="status">{t!(i18n, board.waiting)}</p> }.into_any(),
                }
            }}
            <p class="problem" role="alert" data-testid="device-problem">{move || {
                view.problem.get().map(|problem| crate::words::device_problem(i18n.get_locale(), &problem))
            }}</p>
        </main>
    }
}

/// "an editor", "an owner" (a viewer is told in a sentence of its own).
fn role_name_in(locale: Locale, role: Role) -> &'static str {
    match role {
        Role::Owner => td_string!(locale, board.an_owner),
        Role::Editor | Role::Viewer => td_string!(locale, board.an_editor),
    }
}

/// Changes the server refused, kept aside as text: what they were, to copy, and a way to let
/// them go. They are not on the board and are never sent.
#[component]
fn SetAsidePanel(board: BoardContext) -> impl IntoView {
    let i18n = use_i18n();
    let kept = board.view.set_aside;
    let copied = RwSignal::new(None::<Message>);
    let text = move || {
        let locale = i18n.get_locale();
        kept.with(|kept| {
            let lines = kept.iter().flat_map(|kept| &kept.lines);
            lines.map(|line| crate::words::difference(locale, line)).collect::<Vec<_>>().join("\n")
        })
    };
    let field = NodeRef::<leptos::html::Textarea>::new();
    let copy = move |_| {
        let text = text();
        leptos::task::spawn_local(async move {
            if copy_to_clipboard(&text).await {
                copied.set(Some(message!(common.copied)));
            } else {
                if let Some(field) = field.get_untracked() {
                    field.select();
                }
                copied.set(Some(message!(common.copy_unavailable)));
            }
        });
    };
    view! {
        <Show when=move || kept.with(Option::is_some)>
            <section class="set-aside" role="alert" data-testid="set-aside" aria-labelledby="set-aside-title">
                <h2 id="set-aside-title">
                    {move || kept.with(|kept| {
                        kept.as_ref().map(|kept| {
                            let reason = crate::words::set_aside_reason(i18n.get_locale(), kept);
                            tr!(i18n, board.not_saved, reason).to_string()
                        })
                    })}
                </h2>
                <p>{t!(i18n, board.not_saved_explained)}</p>
                <textarea node_ref=field readonly aria-label=move || t_string!(i18n, board.changes_not_saved)
                    data-testid="set-aside-text"
                    rows=move || kept.with(|kept| kept.as_ref().map_or(1, |kept| kept.lines.len().clamp(1, 8)))
                    prop:value=text></textarea>
                <div class="set-aside-actions">
                    <button type="button" on:click=copy>{t!(i18n, common.copy)}</button>
                    <button type="button" on:click=move |_| board.session.with_value(|session| session.dismiss_set_aside())>
                        {t!(i18n, board.dismiss)}
                    </button>
                    <span role="status">{move || copied.get().map(|copied| copied.text(i18n))}</span>
                </div>
            </section>
        </Show>
    }
}

/// The board's navigation: one link per page, the current one marked for screen readers too.
#[component]
fn BoardNav(board: BoardContext) -> impl IntoView {
    let i18n = use_i18n();
    let links = PAGES
        .iter()
        .map(|&page| {
            view! {
                <li><A href=board.href(page) exact=true>{move || page_label(i18n, page)}</A></li>
            }
        })
        .collect_view();
    view! { <nav class="board-nav" aria-label=move || t_string!(i18n, board.nav_label)><ul>{links}</ul></nav> }
}
