//! One open board in the browser: the local copy, its storage and its sync with the server.
//!
//! Data flow. Every change to the board, local or from the server, goes through one event loop
//! ([`run`]), which handles one event at a time:
//!
//! ```text
//! edit (UI) ──▶ Board (memory) ──▶ Event::Edited ─┐
//! WebSocket frame ──▶ SyncClient::receive ────────┼─▶ persist to IndexedDB ─▶ send frames
//! timer ──▶ presence, reconnect ──────────────────┘
//! ```
//!
//! Changes are written to IndexedDB *before* any frame that carries them is sent, so what the
//! server may have seen is always also on this device. When the connection drops, the loop
//! keeps accepting edits, counts what the server has not acknowledged, and reconnects with
//! backoff; on reconnect the Automerge sync protocol sends exactly what the server lacks.
//!
//! The server refuses the WebSocket upgrade (401) once the session has ended, and a browser
//! cannot read why a socket failed. So after a socket closes, the loop asks
//! `GET /api/auth/me`: a 401 means signed out, and the loop stops reconnecting and says so;
//! anything else (no answer at all, while the server is down) means try again.
//!
//! A connection can die without closing: a hung server or a dropped network leaves the socket
//! "open" for minutes. The server sends a keep-alive (an empty `remote-subscription-change`)
//! whenever it has had nothing else to send for [`shared::sync::KEEP_ALIVE_INTERVAL_MS`]; the loop counts a connection silent for
//! [`DEAD_AFTER_MS`] (or a socket that has not opened by then) as lost, drops it and reconnects
//! with backoff, so the badge says "Offline" within a few seconds. The browser's `offline`
//! event drops the socket at once, and no connection is tried until `online`.
//!
//! When the account's role on the board changes, the server closes the connection with
//! [`shared::sync::ROLE_CHANGED_CLOSE_CODE`]; the loop counts it in [`SessionView::role_changes`]
//! (the page then reads the role again) and reconnects. Changes the server will never take (a
//! viewer's) are taken off the board with [`BoardSession::set_aside`]: the board goes back to
//! what the server holds, and the changes are kept as text in [`SessionView::set_aside`] (and
//! this browser's local storage) for the person to copy. They are never sent later.
//!
//! A viewer's session is read-only: edits are refused, and since the server ignores a viewer's
//! changes, none are counted as waiting for it.

use std::{cell::RefCell, collections::HashMap, rc::Rc, time::Duration};

use futures::{channel::mpsc, StreamExt};
use js_sys::{ArrayBuffer, Uint8Array};
use leptos::prelude::*;
use shared::{
    api::Account,
    board::{BoardSnapshot, LiveBoard},
    sync::{Presence, SyncClient, SyncEvent},
    Board, BoardError,
};
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{BinaryType, CloseEvent, MessageEvent, WebSocket};

use crate::{api, cache::BoardCache};

/// How often the loop looks at the connection; presence is announced every
/// [`PRESENCE_EVERY_TICKS`] ticks, and a peer unheard for [`PRESENCE_TIMEOUT_MS`] is gone.
const TICK: Duration = Duration::from_secs(1);
const PRESENCE_EVERY_TICKS: u64 = 2;
const PRESENCE_TIMEOUT_MS: f64 = 7_000.0;
/// A connection that has sent nothing for this long (the server's keep-alive comes every
/// [`shared::sync::KEEP_ALIVE_INTERVAL_MS`]), or a socket not open after this long, is lost.
const DEAD_AFTER_MS: f64 = 5_000.0;
/// How long the "is the session still valid?" question may take before the loop just retries.
const ME_TIMEOUT: Duration = Duration::from_secs(4);
const RECONNECT_MIN_MS: u64 = 250;
const RECONNECT_MAX_MS: u64 = 5_000;

/// Where the board stands with the server, for the sync badge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SyncStatus {
    /// A WebSocket to the server is open and the handshake is done.
    pub online: bool,
    /// Local changes the server is not known to have.
    pub unsynced: usize,
    /// The server said it does not hold this board.
    pub unavailable: bool,
    /// The board has been read from this browser's storage or received from the server.
    pub ready: bool,
    /// The person may only view the board: edits are refused and nothing waits to be sent.
    pub read_only: bool,
    /// The server refused the connection because the session has ended: no more reconnects.
    pub signed_out: bool,
}

/// What the UI renders. All plain signals, so components stay simple.
#[derive(Clone, Copy)]
pub struct SessionView {
    pub snapshot: RwSignal<BoardSnapshot>,
    pub status: RwSignal<SyncStatus>,
    /// Names of the other people who have this board open.
    pub peers: RwSignal<Vec<String>>,
    /// A problem the person should know about (storage failing, a bad frame).
    pub problem: RwSignal<Option<String>>,
    /// Counts the times the server said the account's role on the board changed.
    pub role_changes: RwSignal<u32>,
    /// Counts completed handshakes with the server: after a reconnect the role may have
    /// changed meanwhile (nobody could tell a closed connection).
    pub connections: RwSignal<u32>,
    /// Changes the server refused, taken off the board and kept here as text.
    pub set_aside: RwSignal<Option<SetAside>>,
}

/// Changes made on this device that the server refused, as text to copy (see
/// [`shared::board::differences`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SetAside {
    /// Why they were refused, e.g. "you became a viewer".
    pub reason: String,
    pub lines: Vec<String>,
}

enum Event {
    Edited,
    SocketOpened(u32),
    Frame(u32, Vec<u8>),
    /// The server closed the connection because the account's role changed.
    RoleChanged(u32),
    SocketClosed(u32),
    Reconnect,
    SignedOut,
    Tick,
    /// The browser says the network is gone (`offline`) or back (`online`).
    BrowserOnline(bool),
    /// Take what the server does not hold off the board, and keep it aside (the reason).
    SetAside(String),
    Close,
}

/// A handle on the open board. Cheap to clone; [`BoardSession::close`] ends it.
#[derive(Clone)]
pub struct BoardSession {
    shared: Rc<RefCell<Inner>>,
    events: mpsc::UnboundedSender<Event>,
    pub view: SessionView,
}

struct Inner {
    document_id: String,
    account_id: String,
    /// The board with a snapshot that follows its changes (only what changed is read again).
    board: LiveBoard,
    client: SyncClient,
    cache: Option<Rc<BoardCache>>,
    next_chunk: u32,
    /// Changes taken from the board that IndexedDB has not accepted yet.
    unsaved: Vec<u8>,
    outbox: Vec<Vec<u8>>,
    socket: Option<Socket>,
    socket_generation: u32,
    reconnect_delay_ms: u64,
    /// When the current socket last showed a sign of life (opened, or a frame), ms since epoch.
    last_heard_ms: f64,
    ticks: u64,
    read_only: bool,
    display_name: String,
    /// The board name last written to the cache's board list.
    saved_name: Option<String>,
    /// The sync state last written to the cache: it changes only when the server acknowledges.
    saved_sync_state: Vec<u8>,
    /// peer id → (name, last heard, ms since epoch)
    presence: HashMap<String, (String, f64)>,
    view: SessionView,
}

impl BoardSession {
    /// Opens `document_id` as `account`: from the account's storage on this device at once if
    /// it is there, then syncs. Others see the account's name on the board.
    pub fn open(document_id: String, account: &Account) -> BoardSession {
        let view = SessionView {
            snapshot: RwSignal::new(BoardSnapshot::default()),
            status: RwSignal::new(SyncStatus::default()),
            peers: RwSignal::new(Vec::new()),
            problem: RwSignal::new(None),
            role_changes: RwSignal::new(0),
            connections: RwSignal::new(0),
            set_aside: RwSignal::new(load_set_aside(&account.id, &document_id)),
        };
        let peer_id = format!("pmo-board-{}", uuid::Uuid::new_v4().simple());
        let shared = Rc::new(RefCell::new(Inner {
            client: SyncClient::new(&peer_id, &document_id, None),
            document_id,
            account_id: account.id.clone(),
            board: LiveBoard::new(Board::empty()),
            cache: None,
            next_chunk: 0,
            unsaved: Vec::new(),
            outbox: Vec::new(),
            socket: None,
            socket_generation: 0,
            reconnect_delay_ms: RECONNECT_MIN_MS,
            last_heard_ms: 0.0,
            ticks: 0,
            read_only: false,
            display_name: account.name.clone(),
            saved_name: None,
            saved_sync_state: Vec::new(),
            presence: HashMap::new(),
            view,
        }));
        let (events, receiver) = mpsc::unbounded();
        leptos::task::spawn_local(run(shared.clone(), events.clone(), receiver, peer_id));
        BoardSession { shared, events, view }
    }

    /// Applies an edit to the board. A refused edit changes nothing and says why; an accepted
    /// one shows at once and is stored, then sent.
    pub fn edit(&self, change: impl FnOnce(&mut Board) -> Result<(), BoardError>) -> Result<(), String> {
        let mut inner = self.shared.borrow_mut();
        if inner.read_only {
            return Err("you can view this board but not change it".into());
        }
        if !inner.view.status.get_untracked().ready || !inner.board.board().is_loaded() {
            return Err("the board has not loaded yet".into());
        }
        change(inner.board.board_mut()).map_err(|error| error.to_string())?;
        let snapshot = inner.board.refresh().clone();
        inner.view.snapshot.set(snapshot);
        drop(inner);
        let _ = self.events.unbounded_send(Event::Edited);
        Ok(())
    }

    /// Viewers only read: their edits are refused here rather than ignored by the server.
    pub fn set_read_only(&self, read_only: bool) {
        let mut inner = self.shared.borrow_mut();
        inner.read_only = read_only;
        inner.update_status();
    }

    /// Takes every change the server is not known to hold off the board and keeps it aside as
    /// text, because the server will not take it (`reason`). Nothing if there is none.
    pub fn set_aside(&self, reason: &str) {
        let _ = self.events.unbounded_send(Event::SetAside(reason.to_owned()));
    }

    /// The person has copied (or does not want) what was kept aside.
    pub fn dismiss_set_aside(&self) {
        let inner = self.shared.borrow();
        inner.view.set_aside.set(None);
        store_set_aside(&inner.account_id, &inner.document_id, None);
    }

    /// Reads the board as this device holds it: its history, an earlier version.
    pub fn read<R>(&self, read: impl FnOnce(&mut Board) -> R) -> R {
        read(self.shared.borrow_mut().board.board_mut())
    }

    /// Ends the session: closes the socket; what is stored stays stored.
    pub fn close(&self) {
        let _ = self.events.unbounded_send(Event::Close);
    }
}

async fn run(
    shared: Rc<RefCell<Inner>>,
    events: mpsc::UnboundedSender<Event>,
    mut receiver: mpsc::UnboundedReceiver<Event>,
    peer_id: String,
) {
    load(&shared, &peer_id).await;
    connect(&shared, &events);
    let ticker = events.clone();
    let interval = set_interval_with_handle(
        move || {
            let _ = ticker.unbounded_send(Event::Tick);
        },
        TICK,
    )
    .ok();
    let (online, offline) = (events.clone(), events.clone());
    let network = [
        window_event_listener(leptos::ev::online, move |_| {
            let _ = online.unbounded_send(Event::BrowserOnline(true));
        }),
        window_event_listener(leptos::ev::offline, move |_| {
            let _ = offline.unbounded_send(Event::BrowserOnline(false));
        }),
    ];

    while let Some(event) = receiver.next().await {
        match event {
            Event::Edited => {}
            Event::SocketOpened(generation) => {
                let mut inner = shared.borrow_mut();
                if generation == inner.socket_generation {
                    inner.last_heard_ms = js_sys::Date::now();
                    let join = inner.client.join();
                    inner.send(join);
                }
                continue;
            }
            Event::Frame(generation, frame) => {
                if generation != shared.borrow().socket_generation {
                    continue;
                }
                shared.borrow_mut().last_heard_ms = js_sys::Date::now();
                receive(&shared, &frame);
            }
            Event::SocketClosed(generation) => {
                let mut inner = shared.borrow_mut();
                if generation != inner.socket_generation {
                    continue;
                }
                inner.socket = None;
                inner.client.disconnected();
                inner.presence.clear();
                inner.view.peers.set(Vec::new());
                let delay = inner.reconnect_delay_ms;
                inner.reconnect_delay_ms = (delay * 2).min(RECONNECT_MAX_MS);
                inner.update_status();
                leptos::task::spawn_local(reconnect_unless_signed_out(events.clone(), delay));
                continue;
            }
            Event::Reconnect => {
                let inner = shared.borrow();
                let waiting = inner.socket.is_none() && !inner.view.status.get_untracked().signed_out;
                drop(inner);
                if waiting {
                    connect(&shared, &events);
                }
                continue;
            }
            Event::BrowserOnline(true) => {
                let mut inner = shared.borrow_mut();
                inner.reconnect_delay_ms = RECONNECT_MIN_MS;
                let waiting = inner.socket.is_none() && !inner.view.status.get_untracked().signed_out;
                drop(inner);
                if waiting {
                    connect(&shared, &events);
                }
                continue;
            }
            Event::RoleChanged(generation) => {
                let inner = shared.borrow();
                if generation == inner.socket_generation {
                    // The server's error message before the close said the same: not a problem.
                    inner.view.problem.set(None);
                    inner.view.role_changes.update(|count| *count += 1);
                }
                continue;
            }
            Event::SetAside(reason) => {
                set_aside(&shared, reason).await;
                shared.borrow_mut().flush();
                continue;
            }
            Event::BrowserOnline(false) => {
                shared.borrow_mut().drop_socket(&events);
                continue;
            }
            Event::SignedOut => {
                let inner = shared.borrow();
                inner.view.status.update(|status| status.signed_out = true);
                continue;
            }
            Event::Tick => {
                let mut inner = shared.borrow_mut();
                inner.ticks += 1;
                let silent_ms = js_sys::Date::now() - inner.last_heard_ms;
                if inner.socket.is_some() && silent_ms > DEAD_AFTER_MS {
                    leptos::logging::warn!("sync: nothing heard from the server for {silent_ms} ms; reconnecting");
                    inner.drop_socket(&events);
                } else if inner.ticks.is_multiple_of(PRESENCE_EVERY_TICKS) {
                    inner.announce_presence();
                }
                continue;
            }
            Event::Close => break,
        }
        // An edit or a frame changed the board: store first, then send.
        persist(&shared).await;
        shared.borrow_mut().flush();
    }

    if let Some(interval) = interval {
        interval.clear();
    }
    for listener in network {
        listener.remove();
    }
    let mut inner = shared.borrow_mut();
    inner.socket_generation += 1;
    inner.socket = None;
}

/// Reads the board from IndexedDB (compacting its chunks) and resumes the sync state.
async fn load(shared: &Rc<RefCell<Inner>>, peer_id: &str) {
    let (document_id, view) = {
        let inner = shared.borrow();
        (inner.document_id.clone(), inner.view)
    };
    let account_id = shared.borrow().account_id.clone();
    let cache = match BoardCache::open(&account_id).await {
        Ok(cache) => Some(Rc::new(cache)),
        Err(error) => {
            view.problem.set(Some(format!(
                "{error}. Edits are kept only while this page is open and reach the server when it is online."
            )));
            None
        }
    };
    let mut board = Board::empty();
    let mut next_chunk = 0;
    let mut sync_state = None;
    if let Some(cache) = &cache {
        match cache.load(&document_id).await {
            Ok(Some(cached)) => match Board::load(&cached.bytes) {
                Ok(loaded) => {
                    board = loaded;
                    sync_state = cached.sync_state;
                    next_chunk = cached.chunk_count;
                    if cached.chunk_count > 1 {
                        match cache.compact(&document_id, cached.chunk_count, &board.save()).await {
                            Ok(()) => next_chunk = cached.chunk_count + 1,
                            Err(error) => view.problem.set(Some(error.to_string())),
                        }
                    }
                }
                Err(error) => view.problem.set(Some(format!(
                    "The copy of this board in this browser cannot be read ({error}); it is left untouched and the board is fetched from the server."
                ))),
            },
            Ok(None) => {}
            Err(error) => view.problem.set(Some(error.to_string())),
        }
    }
    // Mark everything loaded as saved, so the next incremental save holds only new changes.
    board.save_incremental();
    let mut inner = shared.borrow_mut();
    inner.client = SyncClient::new(peer_id, &document_id, sync_state.as_deref());
    inner.saved_sync_state = sync_state.unwrap_or_default();
    inner.board = LiveBoard::new(board);
    inner.cache = cache;
    inner.next_chunk = next_chunk;
    if inner.board.board().is_loaded() {
        view.snapshot.set(inner.board.refresh().clone());
        view.status.update(|status| status.ready = true);
    }
    inner.update_status();
}

/// Rolls the board back to what the server is known to hold, in memory and in IndexedDB, and
/// keeps the difference aside as text (see [`BoardSession::set_aside`]).
async fn set_aside(shared: &Rc<RefCell<Inner>>, reason: String) {
    let (cache, document_id, chunk_count, full) = {
        let mut inner = shared.borrow_mut();
        let inner = &mut *inner;
        if !inner.board.board().is_loaded() || inner.client.unsynced_changes(inner.board.board_mut()) == 0 {
            return;
        }
        let heads = inner.client.shared_heads();
        let mut saved = match inner.board.board_mut().fork_at(&heads) {
            Ok(saved) => saved,
            Err(error) => {
                inner.view.problem.set(Some(format!("The changes the server refused cannot be set aside: {error}")));
                return;
            }
        };
        let lines = shared::board::differences(&saved.snapshot(), inner.board.snapshot());
        let full = saved.save();
        // Everything in the new board is in `full`: the next incremental save holds only new changes.
        saved.save_incremental();
        inner.board = LiveBoard::new(saved);
        inner.unsaved.clear();
        inner.client.restart();
        if inner.board.board().is_loaded() {
            inner.view.snapshot.set(inner.board.refresh().clone());
        }
        let mut kept = inner.view.set_aside.get_untracked().map(|kept| kept.lines).unwrap_or_default();
        kept.extend(lines);
        let kept = SetAside { reason, lines: kept };
        store_set_aside(&inner.account_id, &inner.document_id, Some(&kept));
        inner.view.set_aside.set(Some(kept));
        inner.update_status();
        (inner.cache.clone(), inner.document_id.clone(), inner.next_chunk, full)
    };
    // The stored copy goes back too, or a reload would bring the refused changes back.
    if let Some(cache) = cache {
        match cache.compact(&document_id, chunk_count, &full).await {
            Ok(()) => shared.borrow_mut().next_chunk = chunk_count + 1,
            Err(error) => shared.borrow().view.problem.set(Some(error.to_string())),
        }
    }
}

fn set_aside_key(account_id: &str, document_id: &str) -> String {
    format!("pmo-board/set-aside/{account_id}/{document_id}")
}

/// What was kept aside for this board on this device, if anything.
fn load_set_aside(account_id: &str, document_id: &str) -> Option<SetAside> {
    let storage = window().local_storage().ok()??;
    let text = storage.get_item(&set_aside_key(account_id, document_id)).ok()??;
    serde_json::from_str(&text).ok()
}

fn store_set_aside(account_id: &str, document_id: &str, kept: Option<&SetAside>) {
    let Ok(Some(storage)) = window().local_storage() else { return };
    let key = set_aside_key(account_id, document_id);
    let _ = match kept.and_then(|kept| serde_json::to_string(kept).ok()) {
        Some(text) => storage.set_item(&key, &text),
        None => storage.remove_item(&key),
    };
}

/// Handles one frame from the server.
fn receive(shared: &Rc<RefCell<Inner>>, frame: &[u8]) {
    let mut inner = shared.borrow_mut();
    let inner = &mut *inner;
    match inner.client.receive(inner.board.board_mut(), frame) {
        Ok(received) => {
            inner.outbox.extend(received.replies);
            for event in received.events {
                match event {
                    SyncEvent::Connected { .. } => {
                        inner.reconnect_delay_ms = RECONNECT_MIN_MS;
                        inner.view.connections.update(|count| *count += 1);
                        inner.announce_presence();
                    }
                    SyncEvent::BoardChanged => {
                        if inner.board.board().is_loaded() {
                            inner.view.snapshot.set(inner.board.refresh().clone());
                            inner.view.status.update(|status| {
                                status.ready = true;
                                status.unavailable = false;
                            });
                        }
                    }
                    SyncEvent::Unavailable => {
                        inner.view.status.update(|status| status.unavailable = true);
                    }
                    SyncEvent::Ephemeral { sender, data } => {
                        if let Some(presence) = Presence::decode(&data) {
                            inner.presence.insert(sender, (presence.name, js_sys::Date::now()));
                            inner.publish_peers();
                        }
                    }
                }
            }
        }
        Err(error) => {
            leptos::logging::warn!("sync: {error}");
            inner.view.problem.set(Some(error.to_string()));
        }
    }
}

/// Writes every change not yet stored to IndexedDB, and the sync state beside it when it
/// changed.
async fn persist(shared: &Rc<RefCell<Inner>>) {
    let (cache, document_id, sequence, bytes, sync_state, view) = {
        let mut inner = shared.borrow_mut();
        let fresh = inner.board.board_mut().save_incremental();
        inner.unsaved.extend(fresh);
        let Some(cache) = inner.cache.clone() else {
            inner.unsaved.clear();
            return;
        };
        (
            cache,
            inner.document_id.clone(),
            inner.next_chunk,
            inner.unsaved.clone(),
            inner.client.saved_state(),
            inner.view,
        )
    };
    if !bytes.is_empty() {
        match cache.append(&document_id, sequence, &bytes).await {
            Ok(()) => {
                let mut inner = shared.borrow_mut();
                inner.next_chunk += 1;
                inner.unsaved.drain(..bytes.len());
                let name = inner.board.board().name();
                if !name.is_empty() && inner.saved_name.as_ref() != Some(&name) {
                    inner.saved_name = Some(name.clone());
                    let (cache, document_id) = (cache.clone(), document_id.clone());
                    leptos::task::spawn_local(async move {
                        let _ = cache.save_board_name(&document_id, &name).await;
                    });
                }
            }
            // Sending anyway keeps the edit safe on the server; the warning says the device
            // copy is behind.
            Err(error) => view.problem.set(Some(error.to_string())),
        }
    }
    if sync_state != shared.borrow().saved_sync_state {
        match cache.save_sync_state(&document_id, &sync_state).await {
            Ok(()) => shared.borrow_mut().saved_sync_state = sync_state,
            Err(error) => view.problem.set(Some(error.to_string())),
        }
    }
}

impl Inner {
    /// Sends every queued frame and the next sync message, if connected.
    fn flush(&mut self) {
        let mut frames = std::mem::take(&mut self.outbox);
        if let Some(next) = self.client.poll(self.board.board_mut()) {
            frames.push(next);
        }
        for frame in frames {
            self.send(frame);
        }
        self.update_status();
    }

    fn send(&mut self, frame: Vec<u8>) {
        if let Some(socket) = &self.socket {
            if socket.ws.ready_state() == WebSocket::OPEN {
                let _ = socket.ws.send_with_u8_array(&frame);
            }
        }
    }

    /// Gives up the current socket as lost (it died silently, or the browser went offline):
    /// the loop then handles it as closed, and reconnects with backoff.
    fn drop_socket(&mut self, events: &mpsc::UnboundedSender<Event>) {
        if self.socket.take().is_some() {
            let _ = events.unbounded_send(Event::SocketClosed(self.socket_generation));
        }
    }

    fn update_status(&mut self) {
        let online = self.client.is_connected();
        // The server ignores a viewer's changes, so counting them would show changes waiting
        // forever. A viewer makes none through this page; any from before (made while an
        // editor, offline) stay on this device.
        let unsynced = if self.read_only { 0 } else { self.client.unsynced_changes(self.board.board_mut()) };
        let read_only = self.read_only;
        self.view.status.maybe_update(|status| {
            let changed = (status.online, status.unsynced, status.read_only) != (online, unsynced, read_only);
            status.online = online;
            status.unsynced = unsynced;
            status.read_only = read_only;
            changed
        });
    }

    fn announce_presence(&mut self) {
        let now = js_sys::Date::now();
        self.presence.retain(|_, (_, heard)| now - *heard < PRESENCE_TIMEOUT_MS);
        self.publish_peers();
        let data = Presence { name: self.display_name.clone() }.encode();
        if let Some(frame) = self.client.ephemeral(data) {
            self.send(frame);
        }
    }

    fn publish_peers(&self) {
        let mut names: Vec<String> = self.presence.values().map(|(name, _)| name.clone()).collect();
        names.sort();
        self.view.peers.set(names);
    }
}

/// After a socket closed: if the session has ended, says so; otherwise reconnects after
/// `delay_ms`. The upgrade's 401 is invisible to the page, so `GET /api/auth/me` tells.
/// A server that hangs never answers, so the question is given up after [`ME_TIMEOUT`].
async fn reconnect_unless_signed_out(events: mpsc::UnboundedSender<Event>, delay_ms: u64) {
    let (timed_out, timeout) = futures::channel::oneshot::channel::<()>();
    set_timeout(
        move || {
            let _ = timed_out.send(());
        },
        ME_TIMEOUT,
    );
    let me = std::pin::pin!(api::me());
    if let futures::future::Either::Left((answer, _)) = futures::future::select(me, timeout).await {
        if answer.is_err_and(|error| error.is_signed_out()) {
            let _ = events.unbounded_send(Event::SignedOut);
            return;
        }
    }
    set_timeout(
        move || {
            let _ = events.unbounded_send(Event::Reconnect);
        },
        Duration::from_millis(delay_ms),
    );
}

/// Opens a new WebSocket to `/sync` on the page's own host.
fn connect(shared: &Rc<RefCell<Inner>>, events: &mpsc::UnboundedSender<Event>) {
    let mut inner = shared.borrow_mut();
    // Offline, no socket can open: the `online` event brings the loop back here.
    if !window().navigator().on_line() {
        return;
    }
    inner.socket_generation += 1;
    inner.last_heard_ms = js_sys::Date::now();
    let generation = inner.socket_generation;
    match Socket::open(&sync_url(), generation, events.clone()) {
        Ok(socket) => inner.socket = Some(socket),
        Err(_) => {
            let _ = events.unbounded_send(Event::SocketClosed(generation));
        }
    }
}

fn sync_url() -> String {
    let location = window().location();
    let scheme = if location.protocol().as_deref() == Ok("https:") { "wss" } else { "ws" };
    format!("{scheme}://{}/sync", location.host().unwrap_or_default())
}

/// A WebSocket and the callbacks that feed its events into the loop.
struct Socket {
    ws: WebSocket,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl Socket {
    fn open(url: &str, generation: u32, events: mpsc::UnboundedSender<Event>) -> Result<Socket, wasm_bindgen::JsValue> {
        let ws = WebSocket::new(url)?;
        ws.set_binary_type(BinaryType::Arraybuffer);
        let opened = events.clone();
        let on_open = Closure::<dyn FnMut()>::new(move || {
            let _ = opened.unbounded_send(Event::SocketOpened(generation));
        });
        let frames = events.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
            if let Ok(buffer) = message.data().dyn_into::<ArrayBuffer>() {
                let _ = frames.unbounded_send(Event::Frame(generation, Uint8Array::new(&buffer).to_vec()));
            }
        });
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |close: CloseEvent| {
            if close.code() == shared::sync::ROLE_CHANGED_CLOSE_CODE {
                let _ = events.unbounded_send(Event::RoleChanged(generation));
            }
            let _ = events.unbounded_send(Event::SocketClosed(generation));
        });
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Ok(Socket { ws, _on_open: on_open, _on_message: on_message, _on_close: on_close })
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        let _ = self.ws.close();
    }
}
