//! Changes the server refused, kept aside as text in this browser's local storage, one entry
//! per account and board (`pmo-board/set-aside/<account id>/<document id>`), so that they
//! survive a reload until the person has copied them and let them go.
//!
//! The open board's session ([`crate::session`]) writes and reads its board's entry; the
//! account menu asks which boards have one before removing the account's boards from the
//! device, and [`crate::account`] forgets them all then. It sits below all three, so none of
//! them imports another for it.

use leptos::prelude::window;
use shared::{board::Difference, session::SetAside};

fn entry_key(account_id: &str, document_id: &str) -> String {
    format!("pmo-board/set-aside/{account_id}/{document_id}")
}

/// The boards (document ids) for which this device keeps changes set aside for the account.
pub fn boards(account_id: &str) -> Vec<String> {
    let Ok(Some(storage)) = window().local_storage() else { return Vec::new() };
    let prefix = entry_key(account_id, "");
    let keys = (0..storage.length().unwrap_or(0)).filter_map(|index| storage.key(index).ok().flatten());
    keys.filter_map(|key| key.strip_prefix(&prefix).map(str::to_owned)).collect()
}

/// Forgets everything set aside for the account on this device.
pub fn forget(account_id: &str) {
    let Ok(Some(storage)) = window().local_storage() else { return };
    for document_id in boards(account_id) {
        let _ = storage.remove_item(&entry_key(account_id, &document_id));
    }
}

/// What was kept aside for this board on this device, if anything.
pub fn load(account_id: &str, document_id: &str) -> Option<SetAside> {
    let storage = window().local_storage().ok()??;
    let text = storage.get_item(&entry_key(account_id, document_id)).ok()??;
    serde_json::from_str(&text).ok().or_else(|| {
        // Kept by an earlier release, whose lines were English text: shown as they were.
        #[derive(serde::Deserialize)]
        struct Written {
            reason: String,
            lines: Vec<String>,
        }
        let written: Written = serde_json::from_str(&text).ok()?;
        let lines = written.lines.into_iter().map(Difference::Written).collect();
        Some(SetAside { reason: written.reason, refused: None, lines })
    })
}

pub fn store(account_id: &str, document_id: &str, kept: Option<&SetAside>) {
    let Ok(Some(storage)) = window().local_storage() else { return };
    let key = entry_key(account_id, document_id);
    let _ = match kept.and_then(|kept| serde_json::to_string(kept).ok()) {
        Some(text) => storage.set_item(&key, &text),
        None => storage.remove_item(&key),
    };
}
