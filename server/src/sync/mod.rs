//! `ws://HOST/sync`: the automerge-repo WebSocket endpoint, served by samod.
//!
//! Each upgraded socket becomes a samod connection. samod does the protocol (handshake, sync,
//! ephemeral relay); this module decides who may see which document. The
//! [`BoardSharePolicy`] shares a document only when it is a board in the index, and announces
//! nothing: a peer gets a board when it asks for it, never one it did not ask for (samod's
//! default would push every document it holds to every peer). Anything else is reported as
//! `doc-unavailable`, so a mistyped or guessed id never creates a board.

use axum::{
    extract::{ws::WebSocketUpgrade, State},
    response::Response,
};
use futures::{Stream, StreamExt};
use tokio::sync::broadcast;
use samod::{DocumentId, PeerId, ShareConfig};

use crate::{store::Store, AppState};

/// The largest frame accepted from a client. A whole board's history fits many times over;
/// issue #4 will add the per-connection limits a public server needs.
const MAX_FRAME_BYTES: usize = 64 * 1024 * 1024;

pub async fn upgrade(State(state): State<AppState>, ws: WebSocketUpgrade) -> Response {
    ws.max_message_size(MAX_FRAME_BYTES).on_upgrade(move |socket| async move {
        match state.acceptor.accept_axum(socket, None) {
            Ok(_) => tracing::debug!("sync connection accepted"),
            Err(samod::Stopped) => tracing::warn!("sync connection refused: the server is stopping"),
        }
    })
}

/// Shares exactly the boards in the index, read-write, and announces none of them.
///
/// samod asks for a decision as soon as a document and a peer meet, which for a new board is
/// the moment `repo.create` returns: before the board is in the index. So a "no" is not final.
/// The decision stream stays open and says "yes" when [`BoardSharePolicy::board_created`]
/// reports the board; without that, a peer connected while the board was being created would
/// be refused it until it reconnected.
#[derive(Clone)]
pub struct BoardSharePolicy {
    store: Store,
    created: broadcast::Sender<String>,
}

impl BoardSharePolicy {
    pub fn new(store: Store) -> BoardSharePolicy {
        let (created, _) = broadcast::channel(64);
        BoardSharePolicy { store, created }
    }

    /// Tells open decisions that who may see `document_id` has changed: it became a board, or
    /// a member was added, removed or given another role.
    pub fn access_changed(&self, document_id: &str) {
        // No receiver means nobody is waiting: nothing to tell.
        let _ = self.created.send(document_id.to_owned());
    }
}

const SHARED: ShareConfig = ShareConfig::read_write().with_announce(false);

impl samod::SharePolicy for BoardSharePolicy {
    fn share(&self, doc_id: DocumentId, _peer_id: PeerId) -> impl Stream<Item = ShareConfig> + Send + 'static {
        let store = self.store.clone();
        // Subscribe before looking, so that a board created in between is not missed.
        let created = self.created.subscribe();
        let document_id = doc_id.to_string();
        let initial = {
            let (store, document_id) = (store.clone(), document_id.clone());
            async move {
                match store.board(&document_id).await {
                    Ok(Some(_)) => SHARED,
                    Ok(None) => ShareConfig::none(),
                    Err(error) => {
                        tracing::error!(%error, document_id, "cannot check the board index; not sharing");
                        ShareConfig::none()
                    }
                }
            }
        };
        let mut created = Some(created);
        futures::stream::once(initial).flat_map(move |decision| {
            let later = match created.take() {
                Some(created) if decision != SHARED => when_created(created, store.clone(), document_id.clone()).boxed(),
                _ => futures::stream::empty().boxed(),
            };
            futures::stream::once(async move { decision }).chain(later)
        })
    }
}

/// Yields "shared" once `document_id` becomes a board, then ends.
fn when_created(created: broadcast::Receiver<String>, store: Store, document_id: String) -> impl Stream<Item = ShareConfig> + Send {
    futures::stream::unfold(Some(created), move |receiver| {
        let (store, document_id) = (store.clone(), document_id.clone());
        async move {
            let mut receiver = receiver?;
            loop {
                match receiver.recv().await {
                    Ok(id) if id == document_id => return Some((SHARED, None)),
                    Ok(_) => {}
                    // Missed some notices: look in the index instead.
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        if matches!(store.board(&document_id).await, Ok(Some(_))) {
                            return Some((SHARED, None));
                        }
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            }
        }
    })
}
