//! Bringing a board up to the current schema, the first time someone opens it.
//!
//! Only the server upgrades: two replicas upgrading one board at once would each create the new
//! collections and hide each other's (see `shared::board::schema`). The upgrade happens when a
//! member first asks for a board after the server started, before samod answers, so a client
//! never sees the old schema; boards nobody opens are never loaded. The
//! upgrade's change is committed like a client's (and announced to other nodes) before anyone
//! can build on it: were it lost in a crash, the next upgrade would be a different change, made
//! concurrently with edits that depend on the first. Nodes sharing a Postgres database upgrade
//! a board one at a time, under a lock on it (see [`ensure_current`]).

use std::{
    collections::HashSet,
    sync::{Arc, Mutex},
};

use automerge::ReadDoc;
use samod::DocumentId;
use sqlx::Row;

use crate::{store::Engine, AppState};

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
///
/// On Postgres several nodes may open an old board at the same moment, each from what it read
/// before the others upgraded it; two upgrades would each create the new collections and hide
/// each other's. So a node upgrades under a lock on the board (a transaction-scoped advisory
/// lock keyed by the board's id), first takes in whatever another node committed before it
/// held the lock (an upgrade included, which leaves nothing to do), and commits its upgrade in
/// the same transaction, which releases the lock. One transaction, one pooled connection:
/// boards upgrading at once never wait on each other for a second connection. SQLite is one
/// node, whose boards each have one document in memory, upgraded in one step.
pub async fn ensure_current(state: &AppState, repo: &samod::Repo, document_id: &DocumentId) -> anyhow::Result<()> {
    if state.upgrades.is_checked(document_id) {
        return Ok(());
    }
    let Some(handle) = repo.find(document_id.clone()).await? else {
        anyhow::bail!("a board in the index has no document");
    };
    // A board at the current schema needs nothing, and no lock: versions only go up.
    if handle.with_document(|document| shared::board::schema::is_current(document)) {
        state.upgrades.checked(document_id.clone());
        return Ok(());
    }
    let board_id = document_id.to_string();
    let mut lock = None;
    if state.store.engine() == Engine::Postgres {
        let mut transaction = state.store.pool().begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(lock_key(&board_id)).execute(&mut *transaction).await?;
        let stored = stored_chunks(&mut transaction, &board_id).await?;
        catch_up(&handle, &stored.concat())?;
        lock = Some(transaction);
    }
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
        let notice = crate::cluster::changes_notice(&board_id, &changes);
        match lock.take() {
            Some(mut transaction) => {
                state.store.commit_in(&mut transaction, &board_id, &changes, None, &[], &notice).await?;
                transaction.commit().await?;
            }
            None => state.store.commit_changes(&board_id, &changes, &notice).await?,
        }
        // The upgrade is in the board's history without a summary.
        crate::history::rows_written(state, &board_id, changes.len());
        tracing::info!(board = %document_id, from, "board upgraded");
    }
    // Without an upgrade, dropping the transaction rolls it back, which releases the lock.
    drop(lock);
    state.upgrades.checked(document_id.clone());
    Ok(())
}

/// Takes into the board held here whatever is stored for it, another node's upgrade among it.
///
/// Not through the gate, which refuses an upgrade from anyone (it creates collections): what is
/// stored was checked by the gate of the node that committed it, or made by a server (a new
/// board, an upgrade), so this trusts the database as samod's own load of a board from it does.
/// Only changes whose dependencies are not stored are refused, before anything is applied:
/// Automerge would hold them back and apply them, unchecked, whenever their parents came.
fn catch_up(handle: &samod::DocHandle, stored: &[u8]) -> anyhow::Result<()> {
    if stored.is_empty() {
        return Ok(());
    }
    handle.with_document(|document| {
        let mut everything = document.clone();
        everything.load_incremental(stored)?;
        let missing = everything.get_missing_deps(&[]);
        anyhow::ensure!(missing.is_empty(), "changes stored for the board lack their dependencies: {missing:?}");
        let new = everything.get_changes(&document.get_heads());
        if !new.is_empty() {
            document.apply_changes(new)?;
        }
        Ok(())
    })
}

/// The advisory lock key of a board's upgrade: the first 8 bytes of the SHA-256 of its id, so
/// that no other use of advisory locks is likely to meet it.
fn lock_key(board_id: &str) -> i64 {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("pmo-board upgrade {board_id}").as_bytes());
    i64::from_be_bytes(digest[..8].try_into().expect("8 bytes of a 32-byte digest"))
}

/// Every chunk stored for the board (snapshots and changes), read inside `transaction`.
async fn stored_chunks(
    transaction: &mut sqlx::Transaction<'_, sqlx::Any>,
    board_id: &str,
) -> Result<Vec<Vec<u8>>, sqlx::Error> {
    // Keys below `board/` sort between "board/" and "board0" ('0' follows '/').
    let rows = sqlx::query("SELECT data FROM storage_chunks WHERE key >= $1 AND key < $2")
        .bind(format!("{board_id}/"))
        .bind(format!("{board_id}0"))
        .fetch_all(&mut **transaction)
        .await?;
    rows.iter().map(|row| row.try_get::<Vec<u8>, _>("data")).collect()
}
