//! Bringing a board up to the current schema, the first time someone opens it.
//!
//! Only the server upgrades: two replicas upgrading one board at once would each create the new
//! collections and hide each other's (see `shared::board::schema`). The upgrade happens when a
//! member first asks for a board after the server started, before samod answers, so a client
//! never sees the old schema; boards nobody opens are never loaded. The
//! upgrade's change is committed like a client's (and announced to other nodes) before anyone
//! can build on it: were it lost in a crash, the next upgrade would be a different change, made
//! concurrently with edits that depend on the first.

use std::{
    collections::HashSet,
    sync::{Arc, Mutex},
};

use samod::DocumentId;

use crate::AppState;

/// The boards already checked by this process.
#[derive(Clone, Default)]
pub struct Upgrades {
    checked: Arc<Mutex<HashSet<DocumentId>>>,
}

impl Upgrades {
    fn is_checked(&self, document_id: &DocumentId) -> bool {
        self.checked.lock().expect("the upgrade set").contains(document_id)
    }

    fn checked(&self, document_id: DocumentId) {
        self.checked.lock().expect("the upgrade set").insert(document_id);
    }
}

/// Upgrades the board (held by `repo`, its own: see [`crate::boards`]) once per process; later
/// calls return at once.
pub async fn ensure_current(state: &AppState, repo: &samod::Repo, document_id: &DocumentId) -> anyhow::Result<()> {
    if state.upgrades.is_checked(document_id) {
        return Ok(());
    }
    let Some(handle) = repo.find(document_id.clone()).await? else {
        anyhow::bail!("a board in the index has no document");
    };
    let upgraded = tokio::task::spawn_blocking(move || {
        handle.with_document(|document| -> Result<Option<(u64, Vec<_>)>, shared::BoardError> {
            let before = document.get_heads();
            let mut board = shared::Board::load(&document.save())?;
            board.save_incremental();
            match board.upgrade()? {
                shared::board::schema::Upgrade::Current => Ok(None),
                shared::board::schema::Upgrade::Upgraded { from } => {
                    document
                        .load_incremental(&board.save_incremental())
                        .map_err(|error| shared::BoardError::Corrupt(error.to_string()))?;
                    let changes = document
                        .get_changes(&before)
                        .iter()
                        .map(|change| (change.hash(), change.raw_bytes().to_vec()))
                        .collect();
                    Ok(Some((from, changes)))
                }
            }
        })
    })
    .await??;
    if let Some((from, changes)) = upgraded {
        let board = document_id.to_string();
        state.store.commit_changes(&board, &changes, &crate::cluster::changes_notice(&board, &changes)).await?;
        tracing::info!(board = %document_id, from, "board upgraded");
    }
    state.upgrades.checked(document_id.clone());
    Ok(())
}
