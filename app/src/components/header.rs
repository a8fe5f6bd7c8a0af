//! The top bar: the product's name, and on the right whatever the page adds (the sync badge)
//! and the account menu; and who else has the board open.

use leptos::prelude::*;
use leptos_router::components::A;

use super::account_menu::AccountMenu;
use crate::session::SyncStatus;

#[component]
pub fn Header(#[prop(optional)] children: Option<Children>) -> impl IntoView {
    view! {
        <header class="topbar">
            <A href="/" attr:class="brand">"PMO Board"</A>
            <div class="topbar-right">
                {children.map(|children| children())}
                <AccountMenu/>
            </div>
        </header>
    }
}

#[component]
pub fn SyncBadge(status: RwSignal<SyncStatus>) -> impl IntoView {
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
            (
                "offline",
                if status.read_only { "Offline".to_string() } else { "Offline — no changes waiting".to_string() },
            )
        } else if status.unsynced == 1 {
            ("offline", "Offline — 1 change kept on this device".to_string())
        } else {
            ("offline", format!("Offline — {} changes kept on this device", status.unsynced))
        };
        view! {
            <span class="badge" data-testid="sync-badge" data-state=state data-unsynced=status.unsynced
                role="status" aria-live="polite">{text}</span>
        }
    }
}

#[component]
pub fn Peers(peers: RwSignal<Vec<String>>) -> impl IntoView {
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
