//! The native sync client of the tests, running the same protocol code as the browser
//! (`shared::sync`): it edits, syncs and announces presence like a member's device, tolerates
//! the server going away, notes what the server acknowledged, and can send any frame at all.

use std::{net::SocketAddr, time::Duration};

use automerge::ChangeHash;
use futures::{SinkExt, StreamExt};
use shared::{
    board::{Board, NewProject},
    sync::{SyncClient, SyncEvent},
    Stage,
};
use tokio::net::TcpStream;
use tokio_tungstenite::{tungstenite::Message, MaybeTlsStream, WebSocketStream};

use crate::harness::TestBoard;

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long [`Editor::sync_until`] waits.
const SYNC_WAIT: Duration = Duration::from_secs(10);

/// What an edit may return: nothing, or the board's answer, which must be `Ok`.
pub trait EditOutcome {
    fn check(self);
}

impl EditOutcome for () {
    fn check(self) {}
}

impl EditOutcome for Result<(), shared::BoardError> {
    fn check(self) {
        self.expect("the edit is valid");
    }
}

/// A member's device: it keeps editing through server crashes, notes what the server
/// acknowledged, and reconnects when asked.
pub struct Editor {
    pub name: String,
    pub board: Board,
    client: SyncClient,
    socket: Option<Socket>,
    token: String,
    /// Heads the server had acknowledged (every change up to them was on the server).
    pub saved: Vec<ChangeHash>,
    /// What the protocol reported: connected, board changed, unavailable, presence.
    pub events: Vec<SyncEvent>,
    /// The close code and reason, if the server closed the connection.
    pub closed: Option<(u16, String)>,
    /// An `error` message from the server.
    pub error: Option<String>,
    /// Binary frames received, whatever they were (keep-alives count too).
    pub frames_received: usize,
}

impl Editor {
    pub fn new(name: &str, document_id: &str, token: &str) -> Editor {
        Editor {
            name: name.to_owned(),
            board: Board::empty(),
            client: SyncClient::new(&format!("{name}-{}", rand::random::<u32>()), document_id, None),
            socket: None,
            token: token.to_owned(),
            saved: Vec::new(),
            events: Vec::new(),
            closed: None,
            error: None,
            frames_received: 0,
        }
    }

    /// A client with the board owner's token, connected to `addr`, that has received `board`.
    pub async fn open(name: &str, board: &TestBoard, addr: SocketAddr) -> Editor {
        let mut editor = Editor::new(name, board.document_id(), &board.token);
        assert!(editor.connect(addr).await, "{name} connects to {addr}");
        editor.sync_until(Board::is_loaded).await;
        editor
    }

    /// A client that claims `peer_id` in its handshake, whoever it really is.
    pub fn with_peer_id(peer_id: &str, document_id: &str, token: &str) -> Editor {
        let mut editor = Editor::new("impostor", document_id, token);
        editor.client = SyncClient::new(peer_id, document_id, None);
        editor
    }

    pub fn is_connected(&self) -> bool {
        self.socket.is_some()
    }

    /// One attempt to connect; false when the server is not there.
    pub async fn connect(&mut self, addr: SocketAddr) -> bool {
        let url = format!("ws://{addr}/sync?token={}", self.token);
        let Ok(Ok((socket, _))) =
            tokio::time::timeout(Duration::from_secs(2), tokio_tungstenite::connect_async(url)).await
        else {
            return false;
        };
        self.socket = Some(socket);
        let join = self.client.join();
        self.send(vec![join]).await;
        // Wait for the server's `peer`, so that an edit made next is sent at once.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while self.socket.is_some() && !self.client.is_connected() && tokio::time::Instant::now() < deadline {
            self.pump(Duration::from_millis(50)).await;
        }
        self.client.is_connected()
    }

    pub fn lost(&mut self) {
        self.socket = None;
        self.client.disconnected();
    }

    /// Makes an edit (which must succeed) and sends it if connected.
    pub async fn edit<R: EditOutcome>(&mut self, change: impl FnOnce(&mut Board) -> R) {
        change(&mut self.board).check();
        let frames: Vec<Vec<u8>> = self.client.poll(&mut self.board).into_iter().collect();
        self.send(frames).await;
    }

    /// Edits, then pumps until the server has acknowledged the edit (or panics after `within`).
    ///
    /// A test that waits for the edit on *another* client must not rely on [`Editor::edit`]'s
    /// one message: that message carries the change unless the server's Bloom filter claims to
    /// hold it already (a false positive, about one change in a hundred), and then the change
    /// goes only in the next round, which needs this client to read the server's answer.
    pub async fn edit_acknowledged<R: EditOutcome>(&mut self, within: Duration, change: impl FnOnce(&mut Board) -> R) {
        self.edit(change).await;
        let name = self.name.clone();
        self.wait_for(within, &format!("the server acknowledging {name}'s edit"), |e| e.unsynced() == 0).await;
    }

    /// Handles whatever the server sent within `wait`, and notes what it has acknowledged.
    pub async fn pump(&mut self, wait: Duration) {
        let deadline = tokio::time::Instant::now() + wait;
        while let Some(socket) = self.socket.as_mut() {
            let frame = match tokio::time::timeout_at(deadline, socket.next()).await {
                Err(_) => break,
                Ok(Some(Ok(frame))) => frame,
                Ok(_) => {
                    self.lost();
                    break;
                }
            };
            let bytes = match frame {
                Message::Binary(bytes) => {
                    self.frames_received += 1;
                    bytes
                }
                Message::Close(frame) => {
                    self.closed = frame.map(|frame| (u16::from(frame.code), frame.reason.to_string()));
                    self.lost();
                    break;
                }
                _ => continue,
            };
            let received = match self.client.receive(&mut self.board, &bytes) {
                Ok(received) => received,
                Err(shared::sync::SyncError::Server(message)) => {
                    self.error = Some(message);
                    continue;
                }
                Err(_) => {
                    self.lost();
                    break;
                }
            };
            self.events.extend(received.events);
            self.send(received.replies).await;
            if self.client.is_connected() && self.client.unsynced_changes(&mut self.board) == 0 {
                self.saved = self.board.heads();
            }
        }
    }

    pub async fn send(&mut self, frames: Vec<Vec<u8>>) {
        let Some(socket) = self.socket.as_mut() else { return };
        for frame in frames {
            if socket.send(Message::Binary(frame.into())).await.is_err() {
                self.lost();
                return;
            }
        }
    }

    /// Sends whatever sync message is due.
    pub async fn flush(&mut self) {
        let frames: Vec<Vec<u8>> = self.client.poll(&mut self.board).into_iter().collect();
        self.send(frames).await;
    }

    /// Sends a frame as it is, however wrong.
    pub async fn send_raw(&mut self, frame: Message) {
        if let Some(socket) = self.socket.as_mut() {
            let _ = socket.send(frame).await;
        }
    }

    /// Pumps until `done` holds, or panics after `within`.
    pub async fn wait_for(&mut self, within: Duration, what: &str, done: impl Fn(&mut Editor) -> bool) {
        let deadline = tokio::time::Instant::now() + within;
        while !done(self) {
            assert!(
                tokio::time::Instant::now() < deadline,
                "{}: timed out waiting for {what}; events {:?}",
                self.name,
                self.events
            );
            self.flush().await;
            self.pump(Duration::from_millis(50)).await;
        }
    }

    /// Syncs until the server has every local change and `done` holds of the board, or panics
    /// after ten seconds.
    pub async fn sync_until(&mut self, done: impl Fn(&Board) -> bool) {
        self.wait_for(SYNC_WAIT, "the server to hold every change", |e| e.unsynced() == 0 && done(&e.board)).await;
    }

    /// Announces presence on the board.
    pub async fn announce(&mut self, presence: shared::sync::Presence) {
        let frame = self.client.ephemeral(presence.encode()).expect("connected");
        self.send(vec![frame]).await;
    }

    /// True once the server answered that this board is not available to this client.
    pub fn unavailable(&self) -> bool {
        self.events.iter().any(|event| matches!(event, SyncEvent::Unavailable))
    }

    /// The joined client's own claim, as a frame's `senderId`.
    pub fn client(&mut self) -> &mut SyncClient {
        &mut self.client
    }

    pub fn unsynced(&mut self) -> usize {
        self.client.unsynced_changes(&mut self.board)
    }
}

/// What a newcomer reads from the server: a client with nothing of its own to resend.
pub async fn read_from_server(addr: SocketAddr, document_id: &str, token: &str) -> Board {
    let mut reader = Editor::new("reader", document_id, token);
    // A few attempts: on a loaded machine one attempt's 2 s for the socket can run out (four
    // `make simulate` processes failed here at once while a browser benchmark ran beside them).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !reader.connect(addr).await {
        assert!(tokio::time::Instant::now() < deadline, "the restarted server accepts connections");
        reader = Editor::new("reader", document_id, token);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        reader.pump(Duration::from_millis(100)).await;
        if reader.board.is_loaded() && reader.unsynced() == 0 && reader.is_connected() {
            // One more round so that a board still arriving in pieces is complete.
            reader.pump(Duration::from_millis(200)).await;
            return reader.board;
        }
        assert!(tokio::time::Instant::now() < deadline, "the board did not arrive from the restarted server");
    }
}

/// A proposed project with a small budget: what these tests add to boards.
pub fn project(name: &str) -> NewProject {
    NewProject { name: name.into(), stage: Stage::Proposed, budget: 10_000.0 }
}

/// Whether the editor's board has a project called `name`.
pub fn has_project(editor: &Editor, name: &str) -> bool {
    editor.board.snapshot().projects.iter().any(|project| project.name == name)
}
