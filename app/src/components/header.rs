//! The top bar: the product's name, and on the right whatever the page adds (the sync badge)
//! and the account menu; and who else has the board open.

use leptos::prelude::*;
use leptos_router::components::A;

use super::account_menu::AccountMenu;
use crate::{account::Auth, i18n::*, language::LanguageSwitch, session::SyncStatus};

#[component]
pub fn Header(#[prop(optional)] children: Option<Children>) -> impl IntoView {
    let i18n = use_i18n();
    // Signed in, the language is chosen in the account menu; before that, here.
    let signed_out = Memo::new(move |_| Auth::get().account().is_none());
    view! {
        <header class="topbar">
            <A href="/" attr:class="brand">{t!(i18n, common.app_name)}</A>
            <div class="topbar-right">
                {children.map(|children| children())}
                <Show when=move || signed_out.get()><LanguageSwitch/></Show>
                <AccountMenu/>
            </div>
        </header>
    }
}

#[component]
pub fn SyncBadge(status: RwSignal<SyncStatus>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let status = status.get();
        let count = status.unsynced;
        let (state, text) = if status.unavailable && !status.ready {
            ("unavailable", t_string!(i18n, common.sync_no_access).to_string())
        } else if status.signed_out {
            ("signed-out", t_string!(i18n, common.sync_signed_out).to_string())
        } else if status.online && status.read_only {
            ("online", t_string!(i18n, common.sync_online_up_to_date).to_string())
        } else if status.online && status.unsynced == 0 {
            ("online", t_string!(i18n, common.sync_online_all_saved).to_string())
        } else if status.online {
            ("online", tr!(i18n, common.sync_online_sending, count).to_string())
        } else if status.unsynced == 0 {
            (
                "offline",
                if status.read_only {
                    t_string!(i18n, common.sync_offline).to_string()
                } else {
                    t_string!(i18n, common.sync_offline_nothing_waiting).to_string()
                },
            )
        } else if status.unsynced == 1 {
            ("offline", t_string!(i18n, common.sync_offline_one_kept).to_string())
        } else {
            ("offline", tr!(i18n, common.sync_offline_kept, count).to_string())
        };
        view! {
            <span class="badge" data-testid="sync-badge" data-state=state data-unsynced=status.unsynced
                role="status" aria-live="polite">{text}</span>
        }
    }
}

#[component]
pub fn Peers(peers: RwSignal<Vec<String>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="peers" data-testid="peers">
            {move || {
                let peers = peers.get();
                if peers.is_empty() {
                    t_string!(i18n, common.peers_alone).to_string()
                } else {
                    let names = peers.join(", ");
                    tr!(i18n, common.peers_also_here, names).to_string()
                }
            }}
        </p>
    }
}
