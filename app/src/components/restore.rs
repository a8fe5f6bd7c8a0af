//! "Restore a backup" on the board list: a `.automerge` file the app downloaded becomes a new
//! board owned by whoever uploads it. The server checks the file like any change and says why
//! it refuses one; nothing is created then.

use leptos::{html, prelude::*};
use leptos_router::hooks::use_navigate;

use shared::api::ErrorCode;

use crate::{
    api::{self, FetchError},
    components::files::read_files,
    i18n::*,
    language::{explain, Message},
};

#[component]
pub fn RestoreBackup() -> impl IntoView {
    let i18n = use_i18n();
    let input = NodeRef::<html::Input>::new();
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<Message>);
    let navigate = StoredValue::new_local(use_navigate());
    let restore = move |_| {
        let Some(element) = input.get_untracked() else { return };
        busy.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            let result = match read_files(&element).await {
                Ok(files) => match files.into_iter().next() {
                    Some((_, bytes)) => api::restore_board(&bytes).await.map_err(|error| match error {
                        FetchError::Unreachable => message!(data.restore_offline),
                        // A server older than the backup codes: its English reason is all there is.
                        FetchError::Refused { code: ErrorCode::Unknown, message, .. } => {
                            message!(data.restore_refused, reason = clause(&message))
                        }
                        error => Message::new(move |locale| {
                            trd!(locale, data.restore_refused, reason = clause(&explain(locale, &error)))
                        }),
                    }),
                    None => Err(message!(data.restore_choose)),
                },
                Err((name, reason)) => Err(message!(data.file_unreadable, name, reason)),
            };
            busy.set(false);
            element.set_value("");
            match result {
                Ok(board) => {
                    let url = format!("/board/{}", board.document_id());
                    navigate.with_value(|navigate| navigate(&url, Default::default()));
                }
                Err(message) => problem.set(Some(message)),
            }
        });
    };
    view! {
        <div class="restore-backup">
            <label for="restore-file">{t!(i18n, data.restore)}</label>
            <input id="restore-file" type="file" accept=".automerge,application/octet-stream" node_ref=input
                data-testid="restore-file" disabled=busy on:change=restore/>
            <span class="hint">{t!(i18n, data.restore_hint)}</span>
            <Show when=move || busy.get()>
                <p class="progress" role="status">{t!(i18n, data.restoring)}</p>
            </Show>
            <p class="problem" role="alert" data-testid="restore-error">{move || problem.get().map(|problem| problem.text(i18n))}</p>
        </div>
    }
}

/// A reason as a clause of the sentence around it, which brings its own full stop.
fn clause(reason: &str) -> String {
    reason.trim_end().trim_end_matches(['.', '。']).to_owned()
}
