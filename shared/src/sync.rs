//! The client half of the automerge-repo sync protocol, without I/O.
//!
//! The messages themselves, and what the server adds to the protocol (a keep-alive, a close code
//! for role changes), are in [`crate::protocol`].
//!
//! Messages are CBOR maps. [`SyncClient`] is driven by its caller: feed it every frame that
//! arrives with [`SyncClient::receive`], call [`SyncClient::poll`] after every local edit, and
//! send whatever bytes they return. The caller persists the board (and
//! [`SyncClient::saved_state`]) *before* sending, so an edit is never only in flight.

use std::collections::{HashMap, HashSet};

use automerge::{
    sync::{self, SyncDoc},
    Automerge, ChangeHash, ReadDoc,
};
use serde::{Deserialize, Serialize};

use crate::board::Board;
pub use crate::protocol::{
    ChangesRefused, MalformedMessage, PeerMetadata, WireMessage, KEEP_ALIVE_INTERVAL_MS, PROTOCOL_VERSION,
    ROLE_CHANGED_CLOSE_CODE,
};

/// Who has the board open, sent as the `data` of ephemeral messages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Presence {
    /// The name the person chose to be shown under.
    pub name: String,
}

impl Presence {
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        ciborium::into_writer(self, &mut bytes).expect("writing CBOR to a Vec cannot fail");
        bytes
    }

    /// `None` for ephemeral data that is not a presence (another app's, say).
    pub fn decode(bytes: &[u8]) -> Option<Presence> {
        ciborium::from_reader(bytes).ok()
    }
}

/// Why a frame from the server could not be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SyncError {
    #[error("the server sent a frame that is not an automerge-repo message: {0}")]
    Malformed(String),
    #[error("the server sent a sync message that Automerge cannot apply: {0}")]
    BadSyncMessage(String),
    #[error("the server reported an error: {0}")]
    Server(String),
}

impl From<MalformedMessage> for SyncError {
    fn from(MalformedMessage(reason): MalformedMessage) -> SyncError {
        SyncError::Malformed(reason)
    }
}

/// Something the caller should know about after [`SyncClient::receive`].
#[derive(Debug, Clone, PartialEq)]
pub enum SyncEvent {
    /// The handshake finished: the server is `server`.
    Connected { server: String },
    /// Changes from the server were applied to the board.
    BoardChanged,
    /// The server does not hold this board (or will not share it).
    Unavailable,
    /// An ephemeral message (presence) from another peer on this board.
    Ephemeral { sender: String, data: Vec<u8> },
}

/// What to do after a frame arrived: bytes to send and events to act on.
#[derive(Debug, Default, PartialEq)]
pub struct Received {
    pub replies: Vec<Vec<u8>>,
    pub events: Vec<SyncEvent>,
}

/// The client side of syncing one board with one server.
#[derive(Debug)]
pub struct SyncClient {
    peer_id: String,
    document_id: String,
    /// The server's peer id once the handshake is done; `None` while disconnected.
    server: Option<String>,
    state: sync::State,
    session_id: String,
    ephemeral_count: u64,
}

impl SyncClient {
    /// A client for `document_id` (the bs58 id, without `automerge:`), resuming from a state
    /// saved with [`SyncClient::saved_state`] if there is one.
    pub fn new(peer_id: &str, document_id: &str, saved_state: Option<&[u8]>) -> SyncClient {
        SyncClient {
            peer_id: peer_id.to_owned(),
            document_id: document_id.to_owned(),
            server: None,
            state: saved_state.and_then(|bytes| sync::State::decode(bytes).ok()).unwrap_or_default(),
            session_id: uuid::Uuid::new_v4().simple().to_string(),
            ephemeral_count: 0,
        }
    }

    pub fn document_id(&self) -> &str {
        &self.document_id
    }

    pub fn is_connected(&self) -> bool {
        self.server.is_some()
    }

    /// The first frame to send on a new connection.
    pub fn join(&self) -> Vec<u8> {
        WireMessage::Join {
            sender_id: self.peer_id.clone(),
            supported_protocol_versions: vec![PROTOCOL_VERSION.to_owned()],
            peer_metadata: Some(PeerMetadata { storage_id: None, is_ephemeral: true }),
        }
        .encode()
    }

    /// The connection closed. What the server is known to have is kept; what was in flight
    /// is forgotten, so the next connection resends it.
    pub fn disconnected(&mut self) {
        self.server = None;
        self.state = sync::State::decode(&self.state.encode()).unwrap_or_default();
    }

    /// The part of the sync state worth keeping across connections and reloads.
    pub fn saved_state(&self) -> Vec<u8> {
        self.state.encode()
    }

    /// The saved sync state of a device whose board is a copy the server sent whole (its saved
    /// document): the server holds every change of it, so none counts as unsent and the first
    /// sync message announces those heads instead of offering the board's every change.
    pub fn state_holding(heads: Vec<automerge::ChangeHash>) -> Vec<u8> {
        let mut state = sync::State::new();
        state.shared_heads = heads;
        state.encode()
    }

    /// The heads the server is known to have: the board as the server holds it, as far as
    /// this client knows.
    pub fn shared_heads(&self) -> Vec<automerge::ChangeHash> {
        self.state.shared_heads.clone()
    }

    /// Forgets what is in flight, as on a reconnect, but stays connected: after the board was
    /// rolled back to [`SyncClient::shared_heads`], the next message starts afresh from there.
    pub fn restart(&mut self) {
        self.state = sync::State::decode(&self.state.encode()).unwrap_or_default();
    }

    /// How many changes of the board the server is not known to have.
    ///
    /// Asked after every frame and every tick (the sync badge). Almost always the server holds
    /// the board as it is, after a colleague's change as after an acknowledged edit: every
    /// head is one the server has, and nothing is counted. Otherwise Automerge walks the
    /// change graph to the heads the server has, reading each change's metadata only (the
    /// changes themselves were built, compressed, for nothing but their number).
    pub fn unsynced_changes(&self, board: &mut Board) -> usize {
        let heads = board.heads();
        if heads.iter().all(|head| self.state.shared_heads.contains(head)) {
            return 0;
        }
        board.doc_mut().get_changes_meta(&self.state.shared_heads).len()
    }

    /// Handles one frame from the server.
    pub fn receive(&mut self, board: &mut Board, frame: &[u8]) -> Result<Received, SyncError> {
        let mut received = Received::default();
        match WireMessage::decode(frame)? {
            WireMessage::Peer { sender_id, .. } => {
                self.server = Some(sender_id.clone());
                received.events.push(SyncEvent::Connected { server: sender_id });
                received.replies.extend(self.poll(board));
            }
            WireMessage::Sync { document_id, data, .. } if document_id == self.document_id => {
                let message =
                    sync::Message::decode(&data).map_err(|error| SyncError::BadSyncMessage(error.to_string()))?;
                let before = board.heads();
                board
                    .doc_mut()
                    .sync()
                    .receive_sync_message(&mut self.state, message)
                    .map_err(|error| SyncError::BadSyncMessage(error.to_string()))?;
                if board.heads() != before {
                    received.events.push(SyncEvent::BoardChanged);
                }
                received.replies.extend(self.poll(board));
            }
            WireMessage::DocUnavailable { document_id, .. } if document_id == self.document_id => {
                received.events.push(SyncEvent::Unavailable);
            }
            WireMessage::Ephemeral { document_id, sender_id, data, .. }
                if document_id == self.document_id && sender_id != self.peer_id =>
            {
                received.events.push(SyncEvent::Ephemeral { sender: sender_id, data });
            }
            WireMessage::Error { message } => return Err(SyncError::Server(message)),
            _ => {}
        }
        Ok(received)
    }

    /// The next sync message to send, if connected and there is something to say. A replica
    /// that holds nothing yet asks with `request`, so that a server without the board answers
    /// `doc-unavailable` instead of waiting for content.
    pub fn poll(&mut self, board: &mut Board) -> Option<Vec<u8>> {
        let server = self.server.clone()?;
        let mut message = board.doc_mut().sync().generate_sync_message(&mut self.state)?;
        complete_message(board.doc_mut().document(), &mut self.state, &mut message);
        let (document_id, sender_id, data) = (self.document_id.clone(), self.peer_id.clone(), message.encode());
        let wire = if board.heads().is_empty() {
            WireMessage::Request { document_id, sender_id, target_id: server, data }
        } else {
            WireMessage::Sync { document_id, sender_id, target_id: server, data }
        };
        Some(wire.encode())
    }

    /// An ephemeral message carrying `data` to everyone else on the board, if connected.
    pub fn ephemeral(&mut self, data: Vec<u8>) -> Option<Vec<u8>> {
        let server = self.server.clone()?;
        self.ephemeral_count += 1;
        Some(
            WireMessage::Ephemeral {
                sender_id: self.peer_id.clone(),
                target_id: server,
                count: self.ephemeral_count,
                session_id: self.session_id.clone(),
                document_id: self.document_id.clone(),
                data,
            }
            .encode(),
        )
    }
}

/// Adds to a sync message that `doc` generated with `state` the changes its changes build on
/// that the other side cannot have yet, ahead of them.
///
/// Automerge sends the changes the other side's Bloom filter does not claim to hold, and a
/// Bloom filter has false positives (about one change in a hundred when the other side holds
/// many): now and then a parent is left out while its child is sent. Automerge on the other
/// side would queue the orphan and ask for the parent; the server's write gate refuses orphans
/// instead, since it never lets a change wait unchecked ([`crate::gate::check_sync`]), and on
/// the next connection the same filter would leave the same parent out again. So a client never
/// sends an orphan: a parent that is not an ancestor of the heads the server announced and was
/// not sent on this connection already goes into the message. Nothing changes when no parent is
/// missing, which is almost always.
pub fn complete_message(doc: &Automerge, state: &mut sync::State, message: &mut sync::Message) {
    if message.changes.is_empty() {
        return;
    }
    let server_heads: Vec<ChangeHash> =
        state.their_heads.iter().flatten().filter(|hash| doc.get_change_by_hash(hash).is_some()).copied().collect();
    // Every change the server may lack, parents before children.
    let unknown = doc.get_changes_meta(&server_heads);
    let deps: HashMap<ChangeHash, &[ChangeHash]> =
        unknown.iter().map(|meta| (meta.hash, meta.deps.as_slice())).collect();
    let sent = &state.sent_hashes;
    let mut missing = HashSet::new();
    let mut stack: Vec<ChangeHash> =
        sent.iter().filter_map(|hash| deps.get(hash)).flat_map(|parents| parents.iter().copied()).collect();
    while let Some(hash) = stack.pop() {
        if let Some(parents) = deps.get(&hash) {
            if !sent.contains(&hash) && missing.insert(hash) {
                stack.extend(parents.iter().copied());
            }
        }
    }
    if missing.is_empty() {
        return;
    }
    let mut chunks: Vec<Vec<u8>> = unknown
        .iter()
        .filter(|meta| missing.contains(&meta.hash))
        .filter_map(|meta| doc.get_change_by_hash(&meta.hash))
        .map(|change| change.raw_bytes().to_vec())
        .collect();
    chunks.extend(message.changes.iter().map(<[u8]>::to_vec));
    message.changes = chunks.into();
    state.sent_hashes.extend(missing);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::{NewProject, ProjectId, Stage};

    #[test]
    fn wire_messages_round_trip() {
        let messages = [
            WireMessage::Join {
                sender_id: "a".into(),
                supported_protocol_versions: vec!["1".into()],
                peer_metadata: None,
            },
            WireMessage::Sync {
                document_id: "d".into(),
                sender_id: "a".into(),
                target_id: "b".into(),
                data: vec![1, 2, 3],
            },
            WireMessage::DocUnavailable { sender_id: "b".into(), target_id: "a".into(), document_id: "d".into() },
            WireMessage::Error { message: "nope".into() },
            WireMessage::keep_alive("server", "a"),
        ];
        for message in messages {
            assert_eq!(WireMessage::decode(&message.encode()).unwrap(), message);
        }
    }

    #[test]
    fn unknown_message_types_are_ignored_and_garbage_is_an_error() {
        let mut bytes = Vec::new();
        ciborium::into_writer(&std::collections::BTreeMap::from([("type", "remote-heads-changed")]), &mut bytes)
            .unwrap();
        assert_eq!(WireMessage::decode(&bytes).unwrap(), WireMessage::Other);
        assert!(matches!(WireMessage::decode(&[0xff, 0x00]), Err(MalformedMessage(_))));
    }

    #[test]
    fn a_keep_alive_is_an_empty_subscription_change_and_changes_nothing() {
        let frame = WireMessage::keep_alive("server", "client").encode();
        let decoded: ciborium::Value = ciborium::from_reader(frame.as_slice()).unwrap();
        let fields: Vec<(String, ciborium::Value)> =
            decoded.into_map().unwrap().into_iter().map(|(key, value)| (key.into_text().unwrap(), value)).collect();
        let field = |name: &str| fields.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone());
        assert_eq!(field("type"), Some(ciborium::Value::Text("remote-subscription-change".into())));
        assert_eq!(field("senderId"), Some(ciborium::Value::Text("server".into())));
        assert_eq!(field("targetId"), Some(ciborium::Value::Text("client".into())));
        assert_eq!(field("add"), Some(ciborium::Value::Array(vec![])));
        assert_eq!(field("remove"), Some(ciborium::Value::Array(vec![])));
        let mut board = Board::new("Portfolio").unwrap();
        let mut client = SyncClient::new("client", "doc", None);
        let received = client.receive(&mut board, &frame).unwrap();
        assert!(received.events.is_empty() && received.replies.is_empty());
    }

    /// Plays the server's side with automerge directly, to check the client's message flow.
    #[test]
    fn a_client_and_a_peer_converge() {
        let mut server_board = Board::new("Portfolio").unwrap();
        let mut server_state = sync::State::new();
        let mut client_board = Board::empty();
        let mut client = SyncClient::new("client", "doc", None);

        let peer = WireMessage::Peer {
            sender_id: "server".into(),
            target_id: "client".into(),
            selected_protocol_version: "1".into(),
            peer_metadata: None,
        };
        let mut outbox = client.receive(&mut client_board, &peer.encode()).unwrap().replies;
        assert!(matches!(WireMessage::decode(&outbox[0]).unwrap(), WireMessage::Request { .. }));
        for _ in 0..10 {
            let mut inbox = Vec::new();
            for frame in outbox.drain(..) {
                let (WireMessage::Request { data, .. } | WireMessage::Sync { data, .. }) =
                    WireMessage::decode(&frame).unwrap()
                else {
                    panic!("unexpected frame")
                };
                let doc = server_board.doc_mut();
                doc.sync().receive_sync_message(&mut server_state, sync::Message::decode(&data).unwrap()).unwrap();
                if let Some(reply) = doc.sync().generate_sync_message(&mut server_state) {
                    inbox.push(
                        WireMessage::Sync {
                            document_id: "doc".into(),
                            sender_id: "server".into(),
                            target_id: "client".into(),
                            data: reply.encode(),
                        }
                        .encode(),
                    );
                }
            }
            for frame in inbox {
                outbox.extend(client.receive(&mut client_board, &frame).unwrap().replies);
            }
            if outbox.is_empty() {
                break;
            }
            if client_board.is_loaded() && client_board.projects().is_empty() {
                let new = NewProject { name: "ERP".into(), stage: Stage::Active, budget: 10.0 };
                client_board.add_project(ProjectId::random(), new).unwrap();
                assert_eq!(client.unsynced_changes(&mut client_board), 1);
                outbox.extend(client.poll(&mut client_board));
            }
        }
        assert_eq!(server_board.snapshot(), client_board.snapshot());
        assert_eq!(client.unsynced_changes(&mut client_board), 0);
        assert_eq!(server_board.projects().len(), 1);
    }

    /// A device that starts from the server's saved document has nothing to send and says so:
    /// no change of it counts as unsent, and its first message carries none.
    #[test]
    fn a_board_downloaded_whole_counts_as_held_by_the_server() {
        let mut server_board = Board::new("Portfolio").unwrap();
        let new = NewProject { name: "ERP".into(), stage: Stage::Active, budget: 10.0 };
        server_board.add_project(ProjectId::random(), new).unwrap();
        let mut board = Board::load(&server_board.save()).unwrap();
        let peer = WireMessage::Peer {
            sender_id: "server".into(),
            target_id: "client".into(),
            selected_protocol_version: "1".into(),
            peer_metadata: None,
        };
        let first_message = |client: &mut SyncClient, board: &mut Board| {
            let replies = client.receive(board, &peer.encode()).unwrap().replies;
            let Ok(WireMessage::Sync { data, .. }) = WireMessage::decode(&replies[0]) else { panic!("a sync message") };
            sync::Message::decode(&data).unwrap()
        };

        let mut client = SyncClient::new("client", "doc", Some(&SyncClient::state_holding(board.heads())));
        assert_eq!(client.unsynced_changes(&mut board), 0);
        let message = first_message(&mut client, &mut board);
        assert!(message.changes.is_empty());
        assert_eq!(message.heads, board.heads());

        // Without it, every change of the board counts as unsent.
        let mut client = SyncClient::new("client", "doc", None);
        assert_eq!(client.unsynced_changes(&mut board), 2, "the board made, and its project");
        assert!(first_message(&mut client, &mut board).changes.is_empty());
    }

    /// Automerge leaves out a parent that the server's Bloom filter falsely claims to hold,
    /// and the gate refuses the orphan; the client's message carries the parent, and passes.
    #[test]
    fn a_parent_hidden_by_a_bloom_filter_false_positive_is_sent_anyway() {
        use automerge::{sync::BloomFilter, transaction::CommitOptions, transaction::Transactable, ActorId, ROOT};

        use crate::gate::{check_sync, GateError, GateLimits};

        // Renames of the board: 200 changes the server holds, then two of the client's.
        let commit = |doc: &mut Automerge, name: String| {
            let mut tx = doc.transaction();
            tx.put(ROOT, "name", name).unwrap();
            tx.commit_with(CommitOptions::default().with_time(0)).0.unwrap()
        };
        let mut server =
            Board::new("Portfolio").unwrap().doc_mut().document().clone().with_actor(ActorId::from([1; 16]));
        for i in 0..200 {
            commit(&mut server, format!("Portfolio {i}"));
        }
        let hashes: Vec<ChangeHash> = server.get_changes_meta(&[]).iter().map(|meta| meta.hash).collect();
        let filter = BloomFilter::from_hashes(hashes.iter());
        // Two edits in a row, the first of which the server's filter claims to hold.
        let client = (0..100_000)
            .find_map(|i| {
                let mut client = server.fork().with_actor(ActorId::from([2; 16]));
                let parent = commit(&mut client, format!("Mine {i}"));
                let child = commit(&mut client, format!("Mine {i}, again"));
                (filter.contains_hash(&parent) && !filter.contains_hash(&child)).then_some(client)
            })
            .expect("a false positive within 100,000 tries");

        let (mut server_state, mut client_state) = (sync::State::new(), sync::State::new());
        let hello = client.generate_sync_message(&mut client_state).unwrap();
        let mut peer = server.clone();
        peer.receive_sync_message(&mut server_state, hello).unwrap();
        let reply = peer.generate_sync_message(&mut server_state).unwrap();
        let mut client = client;
        client.receive_sync_message(&mut client_state, reply).unwrap();
        let mut message = client.generate_sync_message(&mut client_state).unwrap();
        assert_eq!(message.changes.len(), 1, "Automerge sends the child alone");
        assert!(matches!(
            check_sync(&server, &message.clone().encode(), &GateLimits::default()),
            Err(GateError::MissingDependencies { .. })
        ));

        complete_message(&client, &mut client_state, &mut message);
        let accepted = check_sync(&server, &message.encode(), &GateLimits::default()).unwrap();
        assert_eq!(accepted.heads, client.get_heads());
        assert_eq!(accepted.changes.len(), 2);
    }
}
