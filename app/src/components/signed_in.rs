//! Pages for a signed-in account: the board list and every board's frame render for the
//! account in use, and say why there is none (still checking, signed out, offline with no
//! account remembered on this device).

use leptos::prelude::*;
use leptos_router::components::A;
use shared::api::Account;

use crate::{
    account::{Auth, AuthState, SIGN_IN_PATH},
    components::header::Header,
    i18n::*,
};

/// Renders `page` for the account in use (signed in, or remembered while offline), or says
/// why there is none. The page is rebuilt only when the account changes.
pub fn with_account<V: IntoView + 'static>(page: impl Fn(Account) -> V + Send + Sync + 'static) -> impl IntoView {
    let account = Memo::new(move |_| Auth::get().account());
    let i18n = use_i18n();
    move || match account.get() {
        Some(account) => page(account).into_any(),
        None => {
            let message = match Auth::get().state.get() {
                AuthState::Checking | AuthState::SignedIn(_) => {
                    view! { <p class="progress" role="status">{t!(i18n, common.loading)}</p> }.into_any()
                }
                AuthState::SignedOut => view! {
                    <p class="notice" role="status">
                        {t!(i18n, common.signed_out)} " " <A href=SIGN_IN_PATH>{t!(i18n, common.sign_in)}</A>
                    </p>
                }
                .into_any(),
                AuthState::Offline(_) => view! {
                    <p class="notice" role="status">{t!(i18n, common.offline_nobody_signed_in)}</p>
                }
                .into_any(),
            };
            view! { <Header/> <main>{message}</main> }.into_any()
        }
    }
}
