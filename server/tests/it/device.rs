//! A device as the browser is one: `shared`'s session state machine, driven natively over a
//! real WebSocket, with a byte vector for its storage. The simulations run it, so the logic
//! the browser runs (stored before sent, reconnects, set-aside) meets the real server.

use std::{net::SocketAddr, time::Duration};

use automerge::{Automerge, ChangeHash, ReadDoc};
use futures::{SinkExt, StreamExt};
use shared::{
    board::Board,
    protocol::{ChangesRefused, MessageKind, WireMessage, ROLE_CHANGED_CLOSE_CODE},
    session::{Effect, Input, Session, Stored},
};
use tokio::net::TcpStream;
use tokio_tungstenite::{tungstenite::Message, MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub struct Device {
    pub name: String,
    session: Session,
    document_id: String,
    token: String,
    addr: Option<SocketAddr>,
    socket: Option<(u32, Socket)>,
    /// What the device stored: its chunks one after the other, and the sync state.
    disk: Vec<u8>,
    /// The same, loaded, to check what a sync message may carry.
    on_disk: Automerge,
    sync_state: Option<Vec<u8>>,
    next_chunk: u32,
    /// Heads the server had acknowledged (every change up to them was on the server).
    pub saved: Vec<ChangeHash>,
    /// When the session asked to try the connection again (the browser's timer).
    reconnect_due: Option<tokio::time::Instant>,
}

impl Device {
    pub fn new(name: &str, document_id: &str, token: &str) -> Device {
        let stored = Stored { board: Board::empty(), sync_state: None, next_chunk: 0 };
        Device {
            name: name.to_owned(),
            session: Session::new(&peer_id(name), document_id, Some(stored), name, None),
            document_id: document_id.to_owned(),
            token: token.to_owned(),
            addr: None,
            socket: None,
            disk: Vec::new(),
            on_disk: Automerge::new(),
            sync_state: None,
            next_chunk: 0,
            saved: Vec::new(),
            reconnect_due: None,
        }
    }

    pub fn board(&mut self) -> &mut Board {
        self.session.board_mut()
    }

    pub fn is_connected(&self) -> bool {
        self.session.status().online
    }

    pub fn unsynced(&self) -> usize {
        self.session.status().unsynced
    }

    /// Connects (the browser's `online` event) and waits for the handshake; false when the
    /// server is not there. A connection that fails (on a busy machine the socket or the
    /// handshake can take seconds) is tried again when the session's back-off says, as the
    /// browser's timer would: before, one slow attempt made the device give up, and the
    /// simulations failed on a loaded machine ("editor2 reconnects at the end").
    pub async fn connect(&mut self, addr: SocketAddr) -> bool {
        self.addr = Some(addr);
        self.input(Input::BrowserOnline(true)).await;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while !self.is_connected() && tokio::time::Instant::now() < deadline {
            if self.socket.is_some() {
                self.pump(Duration::from_millis(50)).await;
            } else if let Some(due) = self.reconnect_due.take() {
                // The simulation's clock runs faster than the back-off: a tenth of a second
                // at most, so a plan with many reconnects does not wait out minutes of it.
                let soon = tokio::time::Instant::now() + Duration::from_millis(100);
                tokio::time::sleep_until(due.min(soon).min(deadline)).await;
                self.input(Input::ReconnectDue).await;
            } else {
                break;
            }
        }
        self.is_connected()
    }

    /// The connection is gone without a goodbye (the browser's `offline` event).
    pub async fn go_offline(&mut self) {
        self.input(Input::BrowserOnline(false)).await;
    }

    /// Edits the board through the session; an edit the board refuses changes nothing.
    pub async fn edit(&mut self, change: impl FnOnce(&mut Board)) {
        let effects = self.session.edit(|board| {
            change(board);
            Ok(())
        });
        if let Ok(effects) = effects {
            self.perform(effects).await;
        }
    }

    /// The page is reloaded: a new session from what the device stored, connected again if
    /// it was. Returns the board's heads before the reload and as read from storage, which
    /// must be equal: every change was stored.
    pub async fn reload(&mut self) -> (Vec<ChangeHash>, Vec<ChangeHash>) {
        let before = self.board().heads();
        let was_connected = self.socket.is_some();
        self.socket = None;
        let board =
            if self.disk.is_empty() { Board::empty() } else { Board::load(&self.disk).expect("the disk loads") };
        let stored = Stored { board, sync_state: self.sync_state.clone(), next_chunk: self.next_chunk };
        self.session = Session::new(&peer_id(&self.name), &self.document_id, Some(stored), &self.name, None);
        let after = self.board().heads();
        let effects = self.session.start(now_ms(), was_connected && self.addr.is_some());
        self.perform(effects).await;
        if was_connected {
            let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
            while self.socket.is_some() && !self.is_connected() && tokio::time::Instant::now() < deadline {
                self.pump(Duration::from_millis(50)).await;
            }
        }
        (before, after)
    }

    /// Handles whatever the server sent within `wait`, and notes what it has acknowledged.
    pub async fn pump(&mut self, wait: Duration) {
        let deadline = tokio::time::Instant::now() + wait;
        while let Some((connection, socket)) = self.socket.as_mut() {
            let connection = *connection;
            let input = match tokio::time::timeout_at(deadline, socket.next()).await {
                Err(_) => break,
                Ok(Some(Ok(Message::Binary(bytes)))) => Input::Frame { connection, bytes: bytes.to_vec() },
                Ok(Some(Ok(Message::Close(frame)))) => {
                    self.socket = None;
                    let code = frame.as_ref().map_or(0, |frame| u16::from(frame.code));
                    let refused = frame.as_ref().and_then(|frame| ChangesRefused::from_close(code, &frame.reason));
                    Input::SocketClosed { connection, role_changed: code == ROLE_CHANGED_CLOSE_CODE, refused }
                }
                Ok(Some(Ok(_))) => continue,
                Ok(_) => {
                    self.socket = None;
                    Input::SocketClosed { connection, role_changed: false, refused: None }
                }
            };
            self.input(input).await;
        }
    }

    async fn input(&mut self, input: Input) {
        let effects = self.session.handle(input, now_ms());
        self.perform(effects).await;
    }

    /// Performs the session's effects in order, answering storage effects at once.
    async fn perform(&mut self, effects: Vec<Effect>) {
        let mut queue = std::collections::VecDeque::from(effects);
        while let Some(effect) = queue.pop_front() {
            let answer = match effect {
                Effect::Store { chunk, changes, sync_state } => {
                    assert_eq!(chunk, self.next_chunk, "{}: chunks are written in order", self.name);
                    if !changes.is_empty() {
                        self.disk.extend_from_slice(&changes);
                        self.on_disk.load_incremental(&changes).expect("stored changes load");
                        self.next_chunk += 1;
                    }
                    if let Some(state) = sync_state {
                        self.sync_state = Some(state);
                    }
                    Some(Input::Stored { changes: Ok(()), sync_state: Ok(()) })
                }
                Effect::Replace { bytes, .. } => {
                    self.on_disk = Automerge::load(&bytes).expect("the stored board loads");
                    self.disk = bytes;
                    self.next_chunk += 1;
                    Some(Input::Replaced(Ok(())))
                }
                Effect::Send(frame) => self.send(frame).await,
                Effect::Connect { connection } => self.open(connection).await,
                Effect::Disconnect => {
                    self.socket = None;
                    None
                }
                Effect::ReconnectAfter { delay_ms } => {
                    self.reconnect_due = Some(tokio::time::Instant::now() + Duration::from_millis(delay_ms));
                    None
                }
                _ => None,
            };
            if let Some(input) = answer {
                queue.extend(self.session.handle(input, now_ms()));
            }
        }
        if self.is_connected() && self.unsynced() == 0 {
            self.saved = self.board().heads();
        }
    }

    /// Sends a frame; a sync message may only carry what the device has stored.
    async fn send(&mut self, frame: Vec<u8>) -> Option<Input> {
        let message = WireMessage::decode(&frame).expect("the session sends protocol messages");
        if matches!(message.kind(), Some(MessageKind::Sync | MessageKind::Request)) {
            let heads = self.board().heads();
            let stored = heads.iter().all(|hash| self.on_disk.get_change_by_hash(hash).is_some());
            assert!(stored, "{}: a sync message went out before the changes were stored", self.name);
        }
        let (connection, socket) = self.socket.as_mut()?;
        if socket.send(Message::Binary(frame.into())).await.is_err() {
            let connection = *connection;
            self.socket = None;
            return Some(Input::SocketClosed { connection, role_changed: false, refused: None });
        }
        None
    }

    async fn open(&mut self, connection: u32) -> Option<Input> {
        let url = format!("ws://{}/sync?token={}", self.addr?, self.token);
        match tokio::time::timeout(Duration::from_secs(2), tokio_tungstenite::connect_async(url)).await {
            Ok(Ok((socket, _))) => {
                self.socket = Some((connection, socket));
                Some(Input::SocketOpened { connection })
            }
            _ => Some(Input::SocketClosed { connection, role_changed: false, refused: None }),
        }
    }
}

fn peer_id(name: &str) -> String {
    format!("{name}-{}", rand::random::<u32>())
}

fn now_ms() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_secs_f64() * 1_000.0
}
