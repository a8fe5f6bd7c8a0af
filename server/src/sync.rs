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
use futures::Stream;
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
#[derive(Clone)]
pub struct BoardSharePolicy {
    store: Store,
}

impl BoardSharePolicy {
    pub fn new(store: Store) -> BoardSharePolicy {
        BoardSharePolicy { store }
    }
}

impl samod::SharePolicy for BoardSharePolicy {
    fn share(&self, doc_id: DocumentId, _peer_id: PeerId) -> impl Stream<Item = ShareConfig> + Send + 'static {
        let store = self.store.clone();
        futures::stream::once(async move {
            match store.board(&doc_id.to_string()).await {
                Ok(Some(_)) => ShareConfig::read_write().with_announce(false),
                Ok(None) => ShareConfig::none(),
                Err(error) => {
                    tracing::error!(%error, %doc_id, "cannot check the board index; not sharing");
                    ShareConfig::none()
                }
            }
        })
    }
}
