//! Who is using the app: the signed-in account, and the one this device remembers for when
//! the server cannot be reached.
//!
//! At start the app asks `GET /api/auth/me`. A `Me` means signed in: the account is
//! remembered in `localStorage`, so that later, offline, the device still knows whose boards
//! it holds (each account has its own IndexedDB database, see [`cache`](crate::cache)). A 401
//! means signed out, and the app sends the person to the sign-in page. No answer at all means
//! offline: the app carries on as the remembered account, if there is one.
//!
//! ```text
//! GET /api/auth/me ─┬─ 200 Me ──▶ SignedIn ──▶ remember the account
//!                   ├─ 401 ─────▶ SignedOut ─▶ /signin?next=<this page>
//!                   └─ no answer ▶ Offline(remembered account)
//! ```
//!
//! Where to go after signing in is a pure function, tested below.

/// The sign-in page's path.
pub const SIGN_IN_PATH: &str = "/signin";

/// Where to go after signing in: the page that sent the person here if it is a page of this
/// app (a path on this origin), the board list otherwise. A `next` of `//elsewhere.example`
/// or `https://…` would send a freshly signed-in person to another site.
pub fn page_after_sign_in(next: Option<&str>) -> String {
    shared::api::page_after_sign_in(next)
}

/// The sign-in page's address for someone who was on `path`.
pub fn sign_in_url(path: &str) -> String {
    if path == "/" || path.is_empty() || path.starts_with(SIGN_IN_PATH) {
        SIGN_IN_PATH.to_string()
    } else {
        format!("{SIGN_IN_PATH}?next={}", encode_query_value(path))
    }
}

/// Percent-encodes what a path may hold for use as one query value.
fn encode_query_value(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => encoded.push(byte as char),
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    encoded
}

#[cfg(feature = "hydrate")]
pub use browser::*;

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::OnceCell;

    use leptos::prelude::*;
    use shared::api::{Account, Me};

    use crate::api::{self, FetchError};

    const REMEMBERED_ACCOUNT_KEY: &str = "pmo-board.account";
    /// How often to ask the server again while it cannot be reached.
    const RECHECK_OFFLINE: std::time::Duration = std::time::Duration::from_secs(15);

    /// Where the app stands with the server about who is using it.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum AuthState {
        /// `GET /api/auth/me` is on its way.
        Checking,
        SignedIn(Account),
        /// The server cannot be reached: the account last signed in on this device, if any.
        Offline(Option<Account>),
        SignedOut,
    }

    /// The app-wide sign-in state; [`Auth::get`] finds it from anywhere.
    #[derive(Clone)]
    pub struct Auth {
        /// Reference-counted rather than owned by a component: it lives as long as the page,
        /// whichever component first asked for it.
        pub state: ArcRwSignal<AuthState>,
    }

    thread_local! {
        static AUTH: OnceCell<Auth> = const { OnceCell::new() };
    }

    impl Auth {
        /// The one `Auth` of this page, made on first use.
        pub fn get() -> Auth {
            AUTH.with(|auth| {
                auth.get_or_init(|| {
                    // A request that finds the session ended (a 401) signs the app out.
                    api::when_session_ends(|| Auth::get().signed_out(false));
                    Auth { state: ArcRwSignal::new(AuthState::Checking) }
                })
                .clone()
            })
        }

        /// The account to act as: signed in, or remembered while offline.
        pub fn account(&self) -> Option<Account> {
            self.state.with(|state| match state {
                AuthState::SignedIn(account) | AuthState::Offline(Some(account)) => Some(account.clone()),
                _ => None,
            })
        }

        /// Asks the server who this is (which also sets the CSRF cookie). While the server
        /// cannot be reached it asks again every [`RECHECK_OFFLINE`], so that the header stops
        /// saying "offline" once it is back, and an ended session is noticed.
        pub async fn check(self) {
            let state = match api::me().await {
                Ok(me) => {
                    remember(&me.account);
                    AuthState::SignedIn(me.account)
                }
                Err(FetchError::Unreachable) => AuthState::Offline(remembered()),
                Err(error) if error.is_signed_out() => AuthState::SignedOut,
                // The server answered something unexpected: it is there, but this cannot be
                // trusted as a session. Treat it like offline, so local boards stay usable.
                Err(error) => {
                    leptos::logging::warn!("checking the session: {error}");
                    AuthState::Offline(remembered())
                }
            };
            let offline = matches!(state, AuthState::Offline(_));
            self.state.set(state);
            if offline {
                set_timeout(
                    || {
                        if matches!(Auth::get().state.get_untracked(), AuthState::Offline(_)) {
                            leptos::task::spawn_local(Auth::get().check());
                        }
                    },
                    RECHECK_OFFLINE,
                );
            }
        }

        pub fn signed_in(&self, me: Me) {
            remember(&me.account);
            self.state.set(AuthState::SignedIn(me.account));
        }

        /// The session is gone (signed out here, or the server said 401). An explicit sign-out
        /// also forgets the account, so an offline device no longer opens its boards.
        pub fn signed_out(&self, forget_account: bool) {
            if forget_account {
                forget();
            }
            self.state.set(AuthState::SignedOut);
        }
    }

    fn storage() -> Option<web_sys::Storage> {
        window().local_storage().ok().flatten()
    }

    fn remember(account: &Account) {
        if let (Some(storage), Ok(json)) = (storage(), serde_json::to_string(account)) {
            let _ = storage.set_item(REMEMBERED_ACCOUNT_KEY, &json);
        }
    }

    /// The account last signed in on this device.
    pub fn remembered() -> Option<Account> {
        let json = storage()?.get_item(REMEMBERED_ACCOUNT_KEY).ok().flatten()?;
        serde_json::from_str(&json).ok()
    }

    fn forget() {
        if let Some(storage) = storage() {
            let _ = storage.remove_item(REMEMBERED_ACCOUNT_KEY);
        }
    }

    /// The accounts whose boards are to be removed from this device at the next load, one id
    /// per line.
    const REMOVE_BOARDS_KEY: &str = "pmo-board.remove-boards-of";

    /// How removing an account's boards from this device stands, on the page that follows
    /// the sign-out (see [`finish_removing_boards`]).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum Removal {
        /// Deleting: IndexedDB waits until no other tab holds the boards open.
        Removing,
        Removed,
        Failed(String),
    }

    thread_local! {
        static REMOVAL: OnceCell<ArcRwSignal<Option<Removal>>> = const { OnceCell::new() };
    }

    /// Where removing boards stands on this page load (`None`: nothing to remove).
    pub fn removal() -> ArcRwSignal<Option<Removal>> {
        REMOVAL.with(|removal| removal.get_or_init(|| ArcRwSignal::new(None)).clone())
    }

    /// Asks for `account_id`'s boards (IndexedDB) and what was set aside for them (local
    /// storage) to be removed from this device. The set-aside text goes now; the database at
    /// the next load, before any board opens it ([`finish_removing_boards`]), since an open
    /// board holds it open and IndexedDB deletes a database only once nobody holds it. The
    /// caller then loads the page afresh, which also drops every copy held in memory.
    pub fn remove_boards_at_next_load(account_id: &str) {
        crate::set_aside::forget(account_id);
        let Some(storage) = storage() else { return };
        let mut pending = storage.get_item(REMOVE_BOARDS_KEY).ok().flatten().unwrap_or_default();
        if !pending.lines().any(|line| line == account_id) {
            pending.push_str(account_id);
            pending.push('\n');
        }
        let _ = storage.set_item(REMOVE_BOARDS_KEY, &pending);
    }

    /// Deletes the boards of every account asked for by [`remove_boards_at_next_load`]. Run
    /// at start; an account whose deletion failed stays asked for, and is tried at the next
    /// load.
    pub async fn finish_removing_boards() {
        let Some(storage) = storage() else { return };
        let pending = storage.get_item(REMOVE_BOARDS_KEY).ok().flatten().unwrap_or_default();
        let accounts: Vec<String> = pending.lines().filter(|line| !line.is_empty()).map(str::to_owned).collect();
        if accounts.is_empty() {
            return;
        }
        let removal = removal();
        removal.set(Some(Removal::Removing));
        let mut failed = Vec::new();
        let mut problem = None;
        for account_id in accounts {
            if let Err(error) = crate::cache::BoardCache::delete(&account_id).await {
                leptos::logging::warn!("removing the boards of {account_id} from this device: {error}");
                problem = Some(error.detail().to_owned());
                failed.push(account_id);
            }
        }
        let left: String = failed.iter().map(|account_id| format!("{account_id}\n")).collect();
        let _ = if left.is_empty() {
            storage.remove_item(REMOVE_BOARDS_KEY)
        } else {
            storage.set_item(REMOVE_BOARDS_KEY, &left)
        };
        removal.set(Some(problem.map_or(Removal::Removed, Removal::Failed)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_sign_in_only_pages_of_this_app_are_followed() {
        let cases: &[(Option<&str>, &str)] = &[
            (None, "/"),
            (Some("/board/abc"), "/board/abc"),
            (Some("/"), "/"),
            (Some("//evil.example/x"), "/"),
            (Some("/\\evil.example"), "/"),
            (Some("https://evil.example"), "/"),
            (Some("/signin?next=/x"), "/"),
            (Some(""), "/"),
        ];
        for (next, expected) in cases {
            assert_eq!(page_after_sign_in(*next), *expected, "{next:?}");
        }
    }

    #[test]
    fn the_sign_in_url_carries_the_page_to_return_to() {
        let cases: &[(&str, &str)] = &[
            ("/", "/signin"),
            ("/signin", "/signin"),
            ("/board/4Xyz9", "/signin?next=/board/4Xyz9"),
            ("/board/a b?c=1&d", "/signin?next=/board/a%20b%3Fc%3D1%26d"),
        ];
        for (path, expected) in cases {
            assert_eq!(sign_in_url(path), *expected, "{path:?}");
        }
    }
}
