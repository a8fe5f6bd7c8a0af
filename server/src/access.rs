//! Who may open which board: samod's share policy, and the peer ids that carry the account.
//!
//! [`AccessPolicy`] is samod's share policy: a board's members get it (owners and editors
//! read-write, viewers read-only, so their changes are neither applied, stored nor relayed);
//! anyone else, and any id that is not a board, gets `doc-unavailable`. Nothing is announced:
//! a peer gets a board when it asks for it. Decisions are streams that follow membership
//! changes, so a removed member's open connection loses the board at once.

use std::sync::{
    atomic::{AtomicU64, Ordering},
    Arc,
};

use futures::{Stream, StreamExt};
use samod::{DocumentId, PeerId, ShareConfig};
use shared::api::Role;
use tokio::sync::broadcast;

use crate::store::Store;

/// The peer id samod knows a connection by: `pmo/<account id>/<connection>`. Only the server
/// makes these; [`account_of`] reads the account back.
pub fn peer_id(account_id: &str, connection: u64, node: &str) -> String {
    format!("pmo/{account_id}/{node}-{connection}")
}

/// The account a peer id assigned by [`peer_id`] belongs to.
pub fn account_of(peer_id: &str) -> Option<&str> {
    let rest = peer_id.strip_prefix("pmo/")?;
    let (account, _) = rest.split_once('/')?;
    (!account.is_empty()).then_some(account)
}

/// samod's share policy: members get their board, everyone else gets `doc-unavailable`.
///
/// samod asks as soon as a document and a peer meet, which for a new board can be before the
/// board is in the index, and access changes while connections are open. So each decision is
/// a stream: it gives the current answer, then a new one whenever
/// [`AccessPolicy::access_changed`] reports the board.
#[derive(Clone)]
pub struct AccessPolicy {
    store: Store,
    changed: broadcast::Sender<AccessChange>,
    /// Counts access changes, so the gate knows when a role it remembers may be stale.
    generation: Arc<AtomicU64>,
    /// Tells the other nodes that access to a board changed (a cluster on Postgres only).
    other_nodes: Option<Hook>,
}

/// What the share policy calls to tell the other nodes of a cluster that access to a board
/// changed (the cluster module makes it; this module does not know the cluster).
pub type Hook = Arc<dyn Fn(&str) + Send + Sync>;

impl AccessPolicy {
    pub fn new(store: Store, other_nodes: Option<Hook>) -> AccessPolicy {
        let (changed, _) = broadcast::channel(256);
        AccessPolicy { store, changed, generation: Arc::default(), other_nodes }
    }

    /// Tells open decisions, here and on every other node, that who may see `document_id`
    /// has changed: it became a board, or a member was added, removed or given another role.
    pub fn access_changed(&self, document_id: &str) {
        self.access_changed_here(document_id);
        if let Some(tell) = &self.other_nodes {
            tell(document_id);
        }
    }

    /// Like [`AccessPolicy::access_changed`] when the new role of one account is known: its
    /// open decisions switch without asking the database again. A new board's owner gets it
    /// this way, before the answer to `POST /api/boards` can reach anyone.
    pub fn role_changed(&self, document_id: &str, account_id: &str, role: Option<Role>) {
        self.announce(AccessChange { document_id: document_id.to_owned(), known: Some((account_id.to_owned(), role)) });
        if let Some(tell) = &self.other_nodes {
            tell(document_id);
        }
    }

    /// Like [`AccessPolicy::access_changed`], for this node only (another node told us).
    pub fn access_changed_here(&self, document_id: &str) {
        self.announce(AccessChange { document_id: document_id.to_owned(), known: None });
    }

    fn announce(&self, change: AccessChange) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        // No receiver means nobody is waiting: nothing to tell.
        let _ = self.changed.send(change);
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Every access change from now on, for a connection that closes itself when its
    /// account's role on one of its boards changes (see `connection::serve`).
    pub(crate) fn subscribe(&self) -> broadcast::Receiver<AccessChange> {
        self.changed.subscribe()
    }
}

/// Who may see a board changed; `known` is one account's new role when the sender knows it.
#[derive(Debug, Clone)]
pub(crate) struct AccessChange {
    pub(crate) document_id: String,
    pub(crate) known: Option<(String, Option<Role>)>,
}

fn decision(role: Option<Role>) -> ShareConfig {
    match role {
        None => ShareConfig::none(),
        Some(Role::Viewer) => ShareConfig::read_only().with_announce(false),
        Some(Role::Editor | Role::Owner) => ShareConfig::read_write().with_announce(false),
    }
}

async fn decide(store: &Store, document_id: &str, account_id: &str) -> ShareConfig {
    match store.role(document_id, account_id).await {
        Ok(role) => decision(role),
        Err(error) => {
            tracing::error!(%error, document_id, "cannot read a board's members; not sharing");
            ShareConfig::none()
        }
    }
}

impl samod::SharePolicy for AccessPolicy {
    fn share(&self, doc_id: DocumentId, peer_id: PeerId) -> impl Stream<Item = ShareConfig> + Send + 'static {
        let Some(account_id) = account_of(peer_id.as_str()).map(str::to_owned) else {
            return futures::stream::iter([ShareConfig::none()]).boxed();
        };
        let store = self.store.clone();
        // Subscribe before looking, so that a change in between is not missed.
        let changed = self.changed.subscribe();
        let document_id = doc_id.to_string();
        let initial = {
            let (store, document_id, account_id) = (store.clone(), document_id.clone(), account_id.clone());
            async move { decide(&store, &document_id, &account_id).await }
        };
        let later = futures::stream::unfold(changed, move |mut changed| {
            let (store, document_id, account_id) = (store.clone(), document_id.clone(), account_id.clone());
            async move {
                let known = loop {
                    match changed.recv().await {
                        Ok(change) if change.document_id == document_id => break change.known,
                        Ok(_) => {}
                        // Missed some notices: look again to be safe.
                        Err(broadcast::error::RecvError::Lagged(_)) => break None,
                        Err(broadcast::error::RecvError::Closed) => return None,
                    }
                };
                let next = match known {
                    Some((account, role)) if account == account_id => decision(role),
                    _ => decide(&store, &document_id, &account_id).await,
                };
                Some((next, changed))
            }
        });
        futures::stream::once(initial).chain(later).boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_is_read_back_from_an_assigned_peer_id() {
        assert_eq!(account_of(&peer_id("a1b2", 7, "n1")), Some("a1b2"));
        assert_eq!(account_of("browser-123"), None);
        assert_eq!(account_of("pmo//x"), None);
        assert_eq!(account_of("pmo/abc"), None);
    }
}
