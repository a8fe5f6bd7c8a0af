//! The board list (组合看板): the boards this account is a member of, and a form to create one.
//! Offline, the boards this account opened on this device.

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_navigate};
use shared::api::{Account, Role};

use crate::{
    api::{self, FetchError},
    cache::BoardCache,
    components::{header::Header, role_badge},
    i18n::*,
    language::{refusal, Message},
};

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
    Offline(Vec<ListedBoard>),
}

#[component]
pub fn BoardList(account: Account) -> impl IntoView {
    let listing = RwSignal::new_local(BoardListing::Loading);
    let i18n = use_i18n();
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
            Err(_) => BoardListing::Offline(cached_boards(&account_id).await),
        };
        listing.set(result);
    });

    let name = RwSignal::new(String::new());
    let creating = RwSignal::new(false);
    let problem = RwSignal::new(None::<Message>);
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
                Err(FetchError::Unreachable) => problem.set(Some(message!(board_list.new_board_needs_connection))),
                Err(error) => problem.set(Some(refusal(error))),
            }
            creating.set(false);
        });
    };

    view! {
        <Header/>
        <main class="board-list">
            <h1>{t!(i18n, board_list.title)}</h1>
            <form class="new-board" on:submit=move |ev| { ev.prevent_default(); create(); }>
                <label for="new-board-name">{t!(i18n, board_list.new_board)}</label>
                <input id="new-board-name" placeholder=move || t_string!(i18n, board_list.new_board_placeholder) required
                    prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                <button type="submit" disabled=creating>
                    {move || if creating.get() {
                        t_string!(i18n, board_list.creating)
                    } else {
                        t_string!(i18n, board_list.create_board)
                    }}
                </button>
            </form>
            <p class="problem" role="alert">{move || problem.get().map(|problem| problem.text(i18n))}</p>
            <crate::components::restore::RestoreBackup/>
            {move || listing.with(|listing| match listing {
                BoardListing::Loading => {
                    view! { <p class="progress" role="status">{t!(i18n, board_list.loading_boards)}</p> }.into_any()
                }
                BoardListing::FromServer(boards) => board_links(i18n, boards.clone()).into_any(),
                BoardListing::Offline(boards) => view! {
                    <p class="notice" role="status">{t!(i18n, board_list.offline_boards)}</p>
                    {board_links(i18n, boards.clone())}
                }.into_any(),
            })}
        </main>
    }
}

fn board_links(i18n: I18nContext<Locale>, boards: Vec<ListedBoard>) -> impl IntoView {
    if boards.is_empty() {
        return view! { <p class="empty">{t!(i18n, board_list.no_boards)}</p> }.into_any();
    }
    let items = boards
        .into_iter()
        .map(|board| {
            let href = format!("/board/{}", board.document_id);
            view! {
                <li>
                    <A href=href>{board.name}</A>
                    {board.role.map(role_badge)}
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
        // A scenario opens like a board, but it is listed on its board's Scenarios page only.
        .filter(|entry| !super::scenarios::is_scenario(&entry.document_id))
        .map(|entry| ListedBoard { document_id: entry.document_id, name: entry.name, role: entry.role })
        .collect();
    boards.sort_by(|a, b| a.name.cmp(&b.name));
    boards
}
