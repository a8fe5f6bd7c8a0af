//! One open board on a device, as a state machine without I/O: what the browser's session
//! decides, apart from how it talks to IndexedDB, the WebSocket and the clock.
//!
//! The driver (the app's `session` module) owns the sockets, the storage and the timers. It
//! feeds every event to a [`Session`] and performs the [`Effect`]s that come back, in order,
//! reporting the result of each storage effect as another input:
//!
//! ```text
//!   edit ─────────────────┐                      ┌──▶ Store / Replace ──▶ (IndexedDB) ──▶ Input::Stored / Replaced
//!   Input::Frame, Tick,   ├──▶ Session::handle ──┼──▶ Send, Connect, Disconnect, ReconnectAfter ──▶ (WebSocket, timers)
//!   SocketOpened/Closed, ─┘                      └──▶ BoardChanged, Status, Peers, Problem, … ──▶ (the page)
//!   BrowserOnline, …
//! ```
//!
//! Rules it keeps, each tested natively in `session/tests.rs`:
//!
//! - **Stored before sent.** A change is handed to the store before any frame that can carry
//!   it is sent: while a [`Effect::Store`] is unanswered, no sync frame goes out. If the store
//!   fails, the frames go anyway (the server then keeps the change safe) and the failure is a
//!   [`Problem`]; the changes stay pending and are stored with the next ones.
//! - **Backoff.** A connection that closes (or goes silent for [`DEAD_AFTER_MS`], or is dropped
//!   because the browser went offline) is retried after [`RECONNECT_MIN_MS`], doubling up to
//!   [`RECONNECT_MAX_MS`]; a completed handshake or the browser coming back online starts
//!   again from the minimum. Offline, or once the session has ended, nothing is tried.
//! - **Only the current connection counts.** Every connection has a number; events of an
//!   older one are ignored.
//! - **A viewer's edits are refused** here, and a viewer has no changes waiting.
//! - **Refused changes are set aside, never replayed**: [`Session::set_aside`] puts the board
//!   back to what the server holds and keeps the difference as text. The driver asks for it
//!   (a viewer's changes); the session does it itself when the server closes the connection
//!   because it refused the changes for good ([`ChangesRefused::is_final`]), which would
//!   otherwise be sent, and refused, on every reconnect.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::{
    board::{differences, BoardSnapshot, LiveBoard},
    sync::{ChangesRefused, Presence, SyncClient, SyncError, SyncEvent},
    Board, BoardError,
};

/// Presence is announced every this many ticks (the driver ticks once a second).
pub const PRESENCE_EVERY_TICKS: u64 = 2;
/// A peer unheard for this long has left the board.
pub const PRESENCE_TIMEOUT_MS: f64 = 7_000.0;
/// A connection that has sent nothing for this long (the server's keep-alive comes every
/// [`crate::sync::KEEP_ALIVE_INTERVAL_MS`]), or a socket not open after this long, is lost.
pub const DEAD_AFTER_MS: f64 = 5_000.0;
/// The first wait before reconnecting; it doubles with every failure up to [`RECONNECT_MAX_MS`].
pub const RECONNECT_MIN_MS: u64 = 250;
pub const RECONNECT_MAX_MS: u64 = 5_000;

/// Where the board stands with the server, for the sync badge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SyncStatus {
    /// A WebSocket to the server is open and the handshake is done.
    pub online: bool,
    /// Local changes the server is not known to have.
    pub unsynced: usize,
    /// The server said it does not hold this board.
    pub unavailable: bool,
    /// The board has been read from this device's storage or received from the server.
    pub ready: bool,
    /// The person may only view the board: edits are refused and nothing waits to be sent.
    pub read_only: bool,
    /// The server refused the connection because the session has ended: no more reconnects.
    pub signed_out: bool,
}

/// Changes made on this device that the server refused, as text to copy (see
/// [`crate::board::differences`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetAside {
    /// Why they were refused, e.g. "you became a viewer".
    pub reason: String,
    /// The server's refusal, when it was the server that refused them: the driver words it in
    /// its reader's language, in place of `reason` (English, for logs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<ChangesRefused>,
    pub lines: Vec<crate::board::Difference>,
}

/// What the device's storage held for the board when it was opened.
pub struct Stored {
    /// The board as stored ([`Board::empty`] when the device has none yet).
    pub board: Board,
    pub sync_state: Option<Vec<u8>>,
    /// The number of the next chunk to append.
    pub next_chunk: u32,
}

/// Something that happened outside the session.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// Connection number `connection` is open.
    SocketOpened { connection: u32 },
    /// A binary frame arrived on connection `connection`.
    Frame { connection: u32, bytes: Vec<u8> },
    /// Connection `connection` closed (or could not open); `role_changed` when the server
    /// closed it because the account's role on the board changed, `refused` when it closed it
    /// because it refused the changes sent (the close reason's code, see [`ChangesRefused`]).
    SocketClosed { connection: u32, role_changed: bool, refused: Option<ChangesRefused> },
    /// The wait of an [`Effect::ReconnectAfter`] is over and the session is still valid.
    ReconnectDue,
    /// The server says the sign-in has ended.
    SignedOut,
    /// The driver's clock ticked (once a second).
    Tick,
    /// The browser says the network is back (`true`) or gone.
    BrowserOnline(bool),
    /// The answer to the last [`Effect::Store`]: for the changes, and for the sync state
    /// when it was given (`Ok` when it was not).
    Stored { changes: Result<(), String>, sync_state: Result<(), String> },
    /// The answer to the last [`Effect::Replace`].
    Replaced(Result<(), String>),
}

/// Something the driver must do or show, in the order given.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Append `changes` (when not empty) to the stored board as chunk `chunk`, and save
    /// `sync_state` when given; then answer [`Input::Stored`].
    Store {
        chunk: u32,
        changes: Vec<u8>,
        sync_state: Option<Vec<u8>>,
    },
    /// Replace the stored board by `bytes`, written as chunk `chunk` (every chunk below it
    /// goes); then answer [`Input::Replaced`].
    Replace {
        chunk: u32,
        bytes: Vec<u8>,
    },
    /// The board's name changed: keep it in the device's list of boards.
    SaveBoardName(String),
    /// Send this frame on the current connection.
    Send(Vec<u8>),
    /// Open connection number `connection` and report its events with that number.
    Connect {
        connection: u32,
    },
    /// Close the current connection now, without waiting for its close event.
    Disconnect,
    /// Ask whether the sign-in is still valid: answer [`Input::SignedOut`] if not, otherwise
    /// [`Input::ReconnectDue`] after `delay_ms`.
    ReconnectAfter {
        delay_ms: u64,
    },
    /// The board changed: show [`Session::snapshot`].
    BoardChanged,
    Status(SyncStatus),
    /// The names of the other people who have the board open, sorted.
    Peers(Vec<String>),
    /// A problem the person should know about, or `None` when it is over.
    Problem(Option<Problem>),
    /// A handshake with the server completed (the role may have changed meanwhile).
    Connected,
    /// The server said the account's role on the board changed: read it again.
    RoleChanged,
    /// Keep these refused changes on the device (`None`: forget them).
    KeepAside(Option<SetAside>),
}

/// What went wrong, for the driver to put into words.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// The device's storage refused changes; they were sent to the server anyway.
    Store(String),
    /// A frame from the server could not be used.
    Sync(SyncError),
    /// The refused changes could not be taken off the board.
    SetAside(String),
}

/// Why an edit was not made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EditRefused {
    #[error("you can view this board but not change it")]
    ReadOnly,
    #[error("the board has not loaded yet")]
    NotLoaded,
    #[error("{0}")]
    Board(#[from] BoardError),
}

/// One open board: its copy on this device, its sync with the server, and what is stored.
pub struct Session {
    board: LiveBoard,
    client: SyncClient,
    display_name: String,
    /// Whether the device can store the board at all; without storage, edits live only in
    /// memory until the server has them.
    storage: bool,
    next_chunk: u32,
    /// Changes taken from the board that the store has not accepted yet.
    pending: Vec<u8>,
    /// The store's unanswered effect: how many bytes of `pending` it holds, and the sync
    /// state it saves. While it is out, nothing is sent.
    storing: Option<(usize, Option<Vec<u8>>)>,
    replacing: bool,
    /// A set-aside asked for while the store was busy, with its reason.
    set_aside_waiting: Option<(String, Option<ChangesRefused>)>,
    saved_sync_state: Vec<u8>,
    saved_name: Option<String>,
    /// Frames waiting for the store before they are sent.
    held: Vec<Vec<u8>>,
    /// The number of the last connection asked for, and whether it is still the current one.
    connection_number: u32,
    connected: bool,
    last_heard_ms: f64,
    reconnect_delay_ms: u64,
    browser_online: bool,
    ticks: u64,
    read_only: bool,
    /// The board has been loaded (from storage or the server).
    ready: bool,
    /// The server said it does not hold this board.
    unavailable: bool,
    signed_out: bool,
    /// The status last shown.
    status: SyncStatus,
    kept_aside: Option<SetAside>,
    /// peer id → (name, last heard, ms since the epoch)
    presence: HashMap<String, (String, f64)>,
    peers: Vec<String>,
}

impl Session {
    /// A session on `document_id` as `peer_id`, from what the device stored (`None` when it
    /// has no storage), shown to others as `display_name`, with what an earlier session kept
    /// aside.
    pub fn new(
        peer_id: &str,
        document_id: &str,
        stored: Option<Stored>,
        display_name: &str,
        kept_aside: Option<SetAside>,
    ) -> Session {
        let storage = stored.is_some();
        let stored = stored.unwrap_or(Stored { board: Board::empty(), sync_state: None, next_chunk: 0 });
        let mut board = stored.board;
        // Everything loaded is stored already: the next incremental save holds only new changes.
        board.save_incremental();
        let mut session = Session {
            client: SyncClient::new(peer_id, document_id, stored.sync_state.as_deref()),
            board: LiveBoard::new(board),
            display_name: display_name.to_owned(),
            storage,
            next_chunk: stored.next_chunk,
            pending: Vec::new(),
            storing: None,
            replacing: false,
            set_aside_waiting: None,
            saved_sync_state: stored.sync_state.unwrap_or_default(),
            saved_name: None,
            held: Vec::new(),
            connection_number: 0,
            connected: false,
            last_heard_ms: 0.0,
            reconnect_delay_ms: RECONNECT_MIN_MS,
            browser_online: true,
            ticks: 0,
            read_only: false,
            ready: false,
            unavailable: false,
            signed_out: false,
            status: SyncStatus::default(),
            kept_aside,
            presence: HashMap::new(),
            peers: Vec::new(),
        };
        session.ready = session.board.board().is_loaded();
        session
    }

    /// Starts the session at `now_ms`: shows the stored board and connects unless the browser
    /// is offline (`browser_online`).
    pub fn start(&mut self, now_ms: f64, browser_online: bool) -> Vec<Effect> {
        let mut effects = Vec::new();
        self.browser_online = browser_online;
        if self.board.board().is_loaded() {
            self.board.refresh();
            effects.push(Effect::BoardChanged);
        }
        self.connect(now_ms, &mut effects);
        self.update_status(&mut effects);
        effects
    }

    /// The board as it is now on this device.
    pub fn snapshot(&self) -> &BoardSnapshot {
        self.board.snapshot()
    }

    /// The board itself, to read its history or an earlier version. Change it only through
    /// [`Session::edit`].
    pub fn board_mut(&mut self) -> &mut Board {
        self.board.board_mut()
    }

    pub fn status(&self) -> SyncStatus {
        self.status
    }

    pub fn kept_aside(&self) -> Option<&SetAside> {
        self.kept_aside.as_ref()
    }

    /// Makes an edit. A refused edit changes nothing; an accepted one is shown at once
    /// ([`Effect::BoardChanged`]), stored, then sent.
    pub fn edit(
        &mut self,
        change: impl FnOnce(&mut Board) -> Result<(), BoardError>,
    ) -> Result<Vec<Effect>, EditRefused> {
        if self.read_only {
            return Err(EditRefused::ReadOnly);
        }
        if !self.ready || !self.board.board().is_loaded() {
            return Err(EditRefused::NotLoaded);
        }
        change(self.board.board_mut())?;
        self.board.refresh();
        let mut effects = vec![Effect::BoardChanged];
        self.settle(&mut effects);
        self.update_status(&mut effects);
        Ok(effects)
    }

    /// Viewers only read: their edits are refused here rather than ignored by the server.
    pub fn set_read_only(&mut self, read_only: bool) -> Vec<Effect> {
        self.read_only = read_only;
        let mut effects = Vec::new();
        self.update_status(&mut effects);
        effects
    }

    /// Takes every change the server is not known to hold off the board and keeps it aside
    /// as text, because the server will not take it (`reason`). Nothing if there is none.
    pub fn set_aside(&mut self, reason: &str) -> Vec<Effect> {
        self.set_aside_because(reason, None)
    }

    fn set_aside_because(&mut self, reason: &str, refused: Option<ChangesRefused>) -> Vec<Effect> {
        let mut effects = Vec::new();
        if self.storing.is_some() || self.replacing {
            self.set_aside_waiting = Some((reason.to_owned(), refused));
            return effects;
        }
        let board = self.board.board_mut();
        if !board.is_loaded() || self.client.unsynced_changes(board) == 0 {
            return effects;
        }
        let heads = self.client.shared_heads();
        let mut saved = match board.fork_at(&heads) {
            Ok(saved) => saved,
            Err(error) => {
                effects.push(Effect::Problem(Some(Problem::SetAside(error.to_string()))));
                return effects;
            }
        };
        let lines = differences(&saved.snapshot(), self.board.snapshot());
        let bytes = saved.save();
        // Everything in the new board is in `bytes`: the next incremental save holds only new changes.
        saved.save_incremental();
        self.board = LiveBoard::new(saved);
        self.pending.clear();
        self.held.clear();
        self.client.restart();
        if self.board.board().is_loaded() {
            self.board.refresh();
            effects.push(Effect::BoardChanged);
        }
        let mut kept = self.kept_aside.take().map(|kept| kept.lines).unwrap_or_default();
        kept.extend(lines);
        let kept = SetAside { reason: reason.to_owned(), refused, lines: kept };
        self.kept_aside = Some(kept.clone());
        effects.push(Effect::KeepAside(Some(kept)));
        // The stored copy goes back too, or a reload would bring the refused changes back.
        if self.storage {
            self.replacing = true;
            effects.push(Effect::Replace { chunk: self.next_chunk, bytes });
        } else {
            self.flush(&mut effects);
        }
        self.update_status(&mut effects);
        effects
    }

    /// The person has copied (or does not want) what was kept aside.
    pub fn dismiss_set_aside(&mut self) -> Vec<Effect> {
        self.kept_aside = None;
        vec![Effect::KeepAside(None)]
    }

    /// Handles one event at `now_ms` (milliseconds since the epoch).
    pub fn handle(&mut self, input: Input, now_ms: f64) -> Vec<Effect> {
        let mut effects = Vec::new();
        match input {
            Input::SocketOpened { connection } => {
                if self.is_current(connection) {
                    self.last_heard_ms = now_ms;
                    effects.push(Effect::Send(self.client.join()));
                }
            }
            Input::Frame { connection, bytes } => {
                if self.is_current(connection) {
                    self.last_heard_ms = now_ms;
                    self.receive(&bytes, now_ms, &mut effects);
                    self.settle(&mut effects);
                }
            }
            Input::SocketClosed { connection, role_changed, refused } => {
                if self.is_current(connection) {
                    if role_changed {
                        // The server's error message before the close said the same: not a problem.
                        effects.push(Effect::Problem(None));
                        effects.push(Effect::RoleChanged);
                    }
                    self.lost(&mut effects);
                    if let Some(refused) = refused {
                        // The server's error message before the close said why, in English; the
                        // set-aside says it in the reader's words.
                        effects.push(Effect::Problem(None));
                        if refused.is_final() {
                            let reason = format!("the server refused the changes ({})", refused.code());
                            effects.extend(self.set_aside_because(&reason, Some(refused)));
                        }
                    }
                }
            }
            Input::ReconnectDue => self.connect(now_ms, &mut effects),
            Input::BrowserOnline(true) => {
                self.browser_online = true;
                self.reconnect_delay_ms = RECONNECT_MIN_MS;
                self.connect(now_ms, &mut effects);
            }
            Input::BrowserOnline(false) => {
                self.browser_online = false;
                if self.connected {
                    effects.push(Effect::Disconnect);
                    self.lost(&mut effects);
                }
            }
            Input::SignedOut => self.signed_out = true,
            Input::Tick => {
                self.ticks += 1;
                if self.connected && now_ms - self.last_heard_ms > DEAD_AFTER_MS {
                    effects.push(Effect::Disconnect);
                    self.lost(&mut effects);
                } else if self.ticks.is_multiple_of(PRESENCE_EVERY_TICKS) {
                    self.announce_presence(now_ms, &mut effects);
                }
            }
            Input::Stored { changes, sync_state } => self.stored(changes, sync_state, &mut effects),
            Input::Replaced(result) => {
                self.replacing = false;
                match result {
                    Ok(()) => self.next_chunk += 1,
                    Err(error) => effects.push(Effect::Problem(Some(Problem::Store(error)))),
                }
                self.after_store(&mut effects);
            }
        }
        self.update_status(&mut effects);
        effects
    }

    fn is_current(&self, connection: u32) -> bool {
        self.connected && connection == self.connection_number
    }

    /// Opens a new connection, unless one is open, the browser is offline or the sign-in ended.
    fn connect(&mut self, now_ms: f64, effects: &mut Vec<Effect>) {
        if self.connected || !self.browser_online || self.signed_out {
            return;
        }
        self.connection_number += 1;
        self.connected = true;
        self.last_heard_ms = now_ms;
        effects.push(Effect::Connect { connection: self.connection_number });
    }

    /// The current connection is gone: forget who was there and try again after the backoff.
    fn lost(&mut self, effects: &mut Vec<Effect>) {
        self.connected = false;
        self.client.disconnected();
        self.presence.clear();
        self.publish_peers(effects);
        let delay_ms = self.reconnect_delay_ms;
        self.reconnect_delay_ms = (delay_ms * 2).min(RECONNECT_MAX_MS);
        effects.push(Effect::ReconnectAfter { delay_ms });
    }

    fn receive(&mut self, frame: &[u8], now_ms: f64, effects: &mut Vec<Effect>) {
        let received = match self.client.receive(self.board.board_mut(), frame) {
            Ok(received) => received,
            Err(error) => {
                effects.push(Effect::Problem(Some(Problem::Sync(error))));
                return;
            }
        };
        self.held.extend(received.replies);
        for event in received.events {
            match event {
                SyncEvent::Connected { .. } => {
                    self.reconnect_delay_ms = RECONNECT_MIN_MS;
                    effects.push(Effect::Connected);
                    self.announce_presence(now_ms, effects);
                }
                SyncEvent::BoardChanged => {
                    if self.board.board().is_loaded() {
                        self.board.refresh();
                        effects.push(Effect::BoardChanged);
                        self.ready = true;
                        self.unavailable = false;
                    }
                }
                SyncEvent::Unavailable => self.unavailable = true,
                SyncEvent::Ephemeral { sender, data } => {
                    if let Some(presence) = Presence::decode(&data) {
                        self.presence.insert(sender, (presence.name, now_ms));
                        self.publish_peers(effects);
                    }
                }
            }
        }
    }

    /// After the board changed: store what is new, and send once it is stored.
    fn settle(&mut self, effects: &mut Vec<Effect>) {
        if self.storing.is_some() || self.replacing {
            // The answer to the store in flight settles again.
            return;
        }
        let fresh = self.board.board_mut().save_incremental();
        self.pending.extend(fresh);
        if !self.storage {
            self.pending.clear();
            self.flush(effects);
            return;
        }
        let sync_state = self.client.saved_state();
        let sync_state = (sync_state != self.saved_sync_state).then_some(sync_state);
        if self.pending.is_empty() && sync_state.is_none() {
            self.flush(effects);
            return;
        }
        self.storing = Some((self.pending.len(), sync_state.clone()));
        effects.push(Effect::Store { chunk: self.next_chunk, changes: self.pending.clone(), sync_state });
    }

    fn stored(&mut self, changes: Result<(), String>, sync_state: Result<(), String>, effects: &mut Vec<Effect>) {
        let Some((length, state)) = self.storing.take() else { return };
        let mut failed = false;
        match changes {
            Ok(()) => {
                if length > 0 {
                    self.next_chunk += 1;
                    self.pending.drain(..length);
                }
                let name = self.board.board().name();
                if !name.is_empty() && self.saved_name.as_ref() != Some(&name) {
                    self.saved_name = Some(name.clone());
                    effects.push(Effect::SaveBoardName(name));
                }
            }
            Err(error) => {
                failed = true;
                effects.push(Effect::Problem(Some(Problem::Store(error))));
            }
        }
        match (sync_state, state) {
            (Ok(()), Some(state)) => self.saved_sync_state = state,
            (Err(error), Some(_)) => {
                failed = true;
                effects.push(Effect::Problem(Some(Problem::Store(error))));
            }
            _ => {}
        }
        if failed {
            // Sending anyway keeps the edit safe on the server; the problem says the device's
            // copy is behind, and the pending changes are stored with the next ones.
            self.flush(effects);
        } else {
            self.after_store(effects);
        }
    }

    /// The store is free again: run a set-aside that waited for it, or store what came
    /// meanwhile (which sends once stored).
    fn after_store(&mut self, effects: &mut Vec<Effect>) {
        if let Some((reason, refused)) = self.set_aside_waiting.take() {
            effects.extend(self.set_aside_because(&reason, refused));
            if self.replacing {
                return;
            }
        }
        self.settle(effects);
    }

    /// Sends every held frame and the next sync message, if connected.
    fn flush(&mut self, effects: &mut Vec<Effect>) {
        let mut frames = std::mem::take(&mut self.held);
        frames.extend(self.client.poll(self.board.board_mut()));
        if self.connected {
            effects.extend(frames.into_iter().map(Effect::Send));
        }
    }

    fn update_status(&mut self, effects: &mut Vec<Effect>) {
        // The server ignores a viewer's changes, so counting them would show changes waiting
        // forever. A viewer makes none through this page; any from before (made while an
        // editor, offline) stay on this device.
        let unsynced = if self.read_only { 0 } else { self.client.unsynced_changes(self.board.board_mut()) };
        let status = SyncStatus {
            online: self.client.is_connected(),
            unsynced,
            unavailable: self.unavailable,
            ready: self.ready,
            read_only: self.read_only,
            signed_out: self.signed_out,
        };
        if status != self.status {
            self.status = status;
            effects.push(Effect::Status(status));
        }
    }

    fn announce_presence(&mut self, now_ms: f64, effects: &mut Vec<Effect>) {
        self.presence.retain(|_, (_, heard)| now_ms - *heard < PRESENCE_TIMEOUT_MS);
        self.publish_peers(effects);
        let data = Presence { name: self.display_name.clone() }.encode();
        if let Some(frame) = self.client.ephemeral(data) {
            effects.push(Effect::Send(frame));
        }
    }

    fn publish_peers(&mut self, effects: &mut Vec<Effect>) {
        let names = peer_names(self.presence.values().map(|(name, _)| name));
        if names != self.peers {
            self.peers = names.clone();
            effects.push(Effect::Peers(names));
        }
    }
}

/// The names of the others on the board, each once, in order: one person's second tab, or the
/// page they just reloaded (whose presence lasts until it times out), is the same person.
fn peer_names<'a>(names: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut names: Vec<String> = names.cloned().collect();
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests;
