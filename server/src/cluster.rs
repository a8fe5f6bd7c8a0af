//! Several nodes on one Postgres database.
//!
//! Each node holds the boards its clients use (see [`crate::boards`]). When a node commits
//! changes a client sent (see [`crate::store::Store::commit_changes_by`]), the same transaction
//! sends `NOTIFY pmo_changes '<node> <board> <change hash>…'` (the committer passes the store
//! [`changes_notice`]); every other node listens, and if
//! it holds that board it reads the new changes from the database and applies them, and samod
//! then syncs them to that node's clients. A board that is not held needs nothing: it is read
//! from the database when it is next opened. A member added or removed on one
//! node reaches the share-policy decisions on every node the same way (`pmo_access`).
//!
//! This module owns the channels and their payloads; the store only carries a [`Notice`], and
//! the share policy and the connection registry are handed a hook to call
//! ([`Notifier::access_changes`], [`Notifier::credential_endings`]), so nothing below this
//! module names it.
//!
//! Nothing here is a source of truth: the database is. If the listening connection drops, the
//! notices sent meanwhile are lost, so after reconnecting a node reloads every board it holds
//! from the database. Killing a node loses nothing that was acknowledged, because it was
//! committed before it was acknowledged.

use std::time::Duration;

use automerge::ReadDoc;
use samod::DocumentId;
use sqlx::postgres::PgListener;
use tokio::task::JoinHandle;

use crate::{
    access::AccessPolicy,
    boards::Boards,
    connections::Connections,
    metrics::Metrics,
    store::{Notice, Store},
};

pub const CHANGES_CHANNEL: &str = "pmo_changes";
pub const ACCESS_CHANNEL: &str = "pmo_access";
pub const CREDENTIALS_CHANNEL: &str = "pmo_credentials";

/// Postgres refuses a NOTIFY payload of 8000 bytes or more; past this, only the board is named
/// and the other nodes read all of it. (The store adds the node's id, 17 bytes, in front.)
const PAYLOAD_LIMIT: usize = 7000;

/// The notice a commit of `changes` to `document_id` sends the other nodes:
/// `<board> <hash> <hash>…` on [`CHANGES_CHANNEL`], or `<board>` alone when the hashes would
/// not fit.
pub fn changes_notice(document_id: &str, changes: &[(automerge::ChangeHash, Vec<u8>)]) -> Notice {
    let mut payload = document_id.to_owned();
    let base = payload.len();
    for (hash, _) in changes {
        if payload.len() + 65 > PAYLOAD_LIMIT {
            payload.truncate(base);
            break;
        }
        payload.push(' ');
        payload.push_str(&hash.to_string());
    }
    Notice { channel: CHANGES_CHANNEL, payload }
}

/// Sends this node's notices to the others.
#[derive(Clone)]
pub struct Notifier {
    store: Store,
}

impl Notifier {
    pub fn new(store: Store) -> Notifier {
        Notifier { store }
    }

    /// Tells the other nodes to close the sync connections a credential opened (see
    /// `connections::Connections`).
    pub fn credential_ended(&self, notice: &str) {
        self.send(Notice { channel: CREDENTIALS_CHANNEL, payload: notice.to_owned() }, "a credential ended");
    }

    /// Tells the other nodes that who may see `document_id` has changed.
    pub fn access_changed(&self, document_id: &str) {
        self.send(Notice { channel: ACCESS_CHANNEL, payload: document_id.to_owned() }, "an access change");
    }

    /// [`Notifier::access_changed`] as the share policy's hook.
    pub fn access_changes(self) -> crate::access::Hook {
        std::sync::Arc::new(move |document_id| self.access_changed(document_id))
    }

    /// [`Notifier::credential_ended`] as the connection registry's hook.
    pub fn credential_endings(self) -> crate::connections::Hook {
        std::sync::Arc::new(move |notice| self.credential_ended(notice))
    }

    fn send(&self, notice: Notice, what: &'static str) {
        let store = self.store.clone();
        tokio::spawn(async move {
            if let Err(error) = store.notify(&notice).await {
                tracing::error!(%error, payload = notice.payload, "cannot tell the other nodes about {what}");
            }
        });
    }
}

/// Listens for the other nodes' notices until the task is aborted.
pub fn listen(
    store: Store,
    boards: Boards,
    policy: AccessPolicy,
    metrics: Metrics,
    connections: Connections,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut wait = Duration::from_millis(100);
        loop {
            match listen_once(&store, &boards, &policy, &metrics, &connections).await {
                Ok(()) => return,
                Err(error) => {
                    tracing::error!(%error, "lost the cluster notice connection; reconnecting in {wait:?}");
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(5));
                }
            }
        }
    })
}

async fn listen_once(
    store: &Store,
    boards: &Boards,
    policy: &AccessPolicy,
    metrics: &Metrics,
    connections: &Connections,
) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect(store.url()).await?;
    listener.listen_all([CHANGES_CHANNEL, ACCESS_CHANNEL, CREDENTIALS_CHANNEL]).await?;
    // Whatever happened while we were not listening: read every board we hold again.
    for document_id in boards.loaded() {
        refresh(store, boards, metrics, &document_id, None).await;
    }
    loop {
        // `None`: the connection dropped and will be re-established by the next call; notices
        // in between are lost, so start over (which reloads every board held).
        let Some(notice) = listener.try_recv().await? else {
            return Err(sqlx::Error::PoolClosed);
        };
        let mut words = notice.payload().split(' ');
        let (Some(node), Some(board)) = (words.next(), words.next()) else {
            tracing::warn!(payload = notice.payload(), "ignoring a malformed cluster notice");
            continue;
        };
        if node == store.node_id() {
            continue;
        }
        tracing::debug!(channel = notice.channel(), payload = notice.payload(), "cluster notice");
        match notice.channel() {
            ACCESS_CHANNEL => policy.access_changed_here(board),
            CREDENTIALS_CHANNEL => {
                let (_, ended) = notice.payload().split_once(' ').unwrap_or_default();
                connections.ended_elsewhere(ended);
            }
            CHANGES_CHANNEL => {
                let Ok(document_id) = board.parse::<DocumentId>() else { continue };
                let hashes: Vec<&str> = words.collect();
                refresh(store, boards, metrics, &document_id, Some(&hashes)).await;
            }
            _ => {}
        }
    }
}

/// Applies to the board held here the changes another node committed: the named ones, or
/// everything stored when they are not named or some are no longer stored one by one (samod
/// compacts changes into snapshots).
async fn refresh(store: &Store, boards: &Boards, metrics: &Metrics, document_id: &DocumentId, hashes: Option<&[&str]>) {
    // Held while the changes are applied, so the board is not unloaded meanwhile.
    let Some(board) = boards.if_loaded(document_id).await else { return };
    let Ok(Some(handle)) = board.repo.find(document_id.clone()).await else { return };
    let board = document_id.to_string();
    let mut chunks = Vec::new();
    let mut complete = false;
    if let Some(hashes) = hashes.filter(|hashes| !hashes.is_empty()) {
        let missing: Vec<&str> = handle.with_document(|document| {
            hashes
                .iter()
                .copied()
                .filter(|hash| {
                    hash.parse::<automerge::ChangeHash>().is_ok_and(|hash| document.get_change_by_hash(&hash).is_none())
                })
                .collect()
        });
        complete = true;
        for hash in missing {
            match store.load_change(&board, hash).await {
                Ok(Some(bytes)) => chunks.push(bytes),
                Ok(None) => {
                    complete = false;
                    break;
                }
                Err(error) => {
                    tracing::error!(%error, board, "cannot read another node's changes");
                    complete = false;
                    break;
                }
            }
        }
    }
    if !complete {
        chunks = match store.load_chunks(&board).await {
            Ok(rows) => rows.into_iter().map(|(_, bytes)| bytes).collect(),
            Err(error) => {
                tracing::error!(%error, board, "cannot read a board another node changed");
                return;
            }
        };
    }
    if chunks.is_empty() {
        return;
    }
    tracing::debug!(board, chunks = chunks.len(), complete, "applying another node's changes");
    let mut applied = apply_checked(&handle, &chunks);
    if complete && matches!(applied, Err(shared::gate::GateError::MissingDependencies { .. })) {
        // Changes named in a notice can build on others this node has not heard of yet.
        match store.load_chunks(&board).await {
            Ok(rows) => applied = apply_checked(&handle, &rows.into_iter().map(|(_, bytes)| bytes).collect::<Vec<_>>()),
            Err(error) => tracing::error!(%error, board, "cannot read a board another node changed"),
        }
    }
    if let Err(error) = applied {
        tracing::error!(%error, board, "not applying stored changes that fail the gate's checks");
        return;
    }
    metrics.remote_updates.inc();
}

/// Applies stored changes to the board samod holds, once they pass the gate's checks like a
/// client's changes: the schema, and no change without its dependencies (Automerge would queue
/// one and apply it unchecked later). The node that committed them checked the sizes against
/// the same limits.
fn apply_checked(handle: &samod::DocHandle, chunks: &[Vec<u8>]) -> Result<(), shared::gate::GateError> {
    use shared::gate::GateError;
    let limits = shared::gate::GateLimits { max_document_ops: u64::MAX, max_string_bytes: usize::MAX };
    handle.with_document(|document| {
        let accepted = shared::gate::check_stored(document, &chunks.concat(), &limits)?;
        let changes = accepted.changes.into_iter().map(|(_, bytes)| automerge::Change::from_bytes(bytes));
        let changes = changes
            .collect::<Result<Vec<_>, _>>()
            .map_err(|error| GateError::InvalidChange(format!("a checked change does not read back: {error}")))?;
        document.apply_changes(changes).map_err(|error| GateError::InvalidChange(error.to_string()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changes_notice_names_the_board_and_its_hashes_or_the_board_alone_when_they_would_not_fit() {
        let change = |n: u8| (automerge::ChangeHash([n; 32]), Vec::new());
        let few = changes_notice("board", &[change(1), change(2)]);
        assert_eq!(few.channel, CHANGES_CHANNEL);
        assert_eq!(few.payload, format!("board {} {}", "01".repeat(32), "02".repeat(32)));

        let many: Vec<_> = (0..200).map(change).collect();
        let notice = changes_notice("board", &many);
        assert_eq!(notice.payload, "board", "200 hashes are over the limit: only the board is named");
    }
}
