//! One open board in the browser: the driver of [`shared::session::Session`], which decides
//! everything (what to store, what to send, when to reconnect, what the badge says) without
//! I/O. This module owns what the state machine cannot: IndexedDB ([`BoardCache`]), the
//! WebSocket, the timers, the browser's `online`/`offline` events and the page's signals.
//!
//! Data flow. One event loop ([`run`]) feeds every event to the session and performs the
//! effects that come back, in order; a storage effect's result goes back in as another event:
//!
//! ```text
//! edit (UI) ──▶ Session::edit ──────────┐
//! WebSocket open/frame/close ──▶ Input ─┼─▶ effects ─▶ Store ─▶ IndexedDB ─▶ Input::Stored ─▶ Send ─▶ WebSocket
//! tick, online/offline ──▶ Input ───────┘            └─▶ BoardChanged, Status, Peers … ─▶ signals
//! ```
//!
//! The session keeps the rules (each unit-tested natively in `shared`): a change is stored
//! before any frame that carries it is sent; reconnects back off from 250 ms to 5 s; a
//! connection silent for a few seconds is lost (the server sends a keep-alive every
//! [`shared::sync::KEEP_ALIVE_INTERVAL_MS`]), so the badge says "Offline" within seconds.
//!
//! The server refuses the WebSocket upgrade (401) once the sign-in has ended, and a browser
//! cannot read why a socket failed. So before reconnecting, the driver asks
//! `GET /api/auth/me`: a 401 means signed out, and the session stops reconnecting and says so;
//! anything else (no answer at all, while the server is down) means try again.
//!
//! When the account's role on the board changes, the server closes the connection with
//! [`shared::sync::ROLE_CHANGED_CLOSE_CODE`]; the session counts it in
//! [`SessionView::role_changes`] (the page then reads the role again) and reconnects. Changes
//! the server will never take (a viewer's) are taken off the board with
//! [`BoardSession::set_aside`] and kept as text in [`SessionView::set_aside`] (and this
//! browser's local storage, see [`crate::set_aside`]) for the person to copy. They are never
//! sent later.

use std::{cell::RefCell, collections::VecDeque, rc::Rc, sync::Arc, time::Duration};

use futures::{channel::mpsc, StreamExt};
use js_sys::{ArrayBuffer, Uint8Array};
use leptos::prelude::*;
pub use shared::session::{SetAside, SyncStatus};
use shared::{
    api::Account,
    board::BoardSnapshot,
    session::{EditRefused, Effect, Input, Problem, Session, Stored},
    sync::SyncClient,
    Board, BoardError,
};
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{BinaryType, CloseEvent, MessageEvent, WebSocket};

use crate::{api, cache::BoardCache, set_aside, words::DeviceProblem};

/// How often the session looks at the connection and announces presence.
const TICK: Duration = Duration::from_secs(1);
/// How long the "is the session still valid?" question may take before the loop just retries.
const ME_TIMEOUT: Duration = Duration::from_secs(4);

/// What the UI renders. All plain signals, so components stay simple.
#[derive(Clone, Copy)]
pub struct SessionView {
    /// The live board, shared: the frame's `shown`, the pages and the time-travel banner hold
    /// this one copy. Each change makes a new one, which shares with the one before every large
    /// list the change did not touch (see `shared::board::BoardSnapshot`).
    pub snapshot: RwSignal<Arc<BoardSnapshot>>,
    pub status: RwSignal<SyncStatus>,
    /// Names of the other people who have this board open.
    pub peers: RwSignal<Vec<String>>,
    /// A problem the person should know about (storage failing, a bad frame).
    pub problem: RwSignal<Option<DeviceProblem>>,
    /// Counts the times the server said the account's role on the board changed.
    pub role_changes: RwSignal<u32>,
    /// Counts completed handshakes with the server: after a reconnect the role may have
    /// changed meanwhile (nobody could tell a closed connection).
    pub connections: RwSignal<u32>,
    /// Changes the server refused, taken off the board and kept here as text.
    pub set_aside: RwSignal<Option<SetAside>>,
}

enum Event {
    Input(Input),
    /// Effects of an edit made outside the loop, to perform in the loop's order.
    Effects(Vec<Effect>),
    /// Take what the server does not hold off the board, and keep it aside (the reason).
    SetAside(String),
    Close,
}

/// A handle on the open board. Cheap to clone; [`BoardSession::close`] ends it.
#[derive(Clone)]
pub struct BoardSession {
    driver: Rc<RefCell<Driver>>,
    events: mpsc::UnboundedSender<Event>,
    pub view: SessionView,
}

struct Driver {
    /// `None` until the board has been read from IndexedDB.
    session: Option<Session>,
    document_id: String,
    account_id: String,
    display_name: String,
    /// Asked for before the session existed.
    read_only: bool,
    cache: Option<Rc<BoardCache>>,
    socket: Option<Socket>,
    view: SessionView,
}

impl BoardSession {
    /// Opens `document_id` as `account`: from the account's storage on this device at once if
    /// it is there, then syncs. Others see the account's name on the board.
    pub fn open(document_id: String, account: &Account) -> BoardSession {
        let view = SessionView {
            snapshot: RwSignal::new(Arc::new(BoardSnapshot::default())),
            status: RwSignal::new(SyncStatus::default()),
            peers: RwSignal::new(Vec::new()),
            problem: RwSignal::new(None),
            role_changes: RwSignal::new(0),
            connections: RwSignal::new(0),
            set_aside: RwSignal::new(set_aside::load(&account.id, &document_id)),
        };
        let driver = Rc::new(RefCell::new(Driver {
            session: None,
            document_id,
            account_id: account.id.clone(),
            display_name: account.name.clone(),
            read_only: false,
            cache: None,
            socket: None,
            view,
        }));
        let (events, receiver) = mpsc::unbounded();
        leptos::task::spawn_local(run(driver.clone(), events.clone(), receiver));
        BoardSession { driver, events, view }
    }

    /// Applies an edit to the board. A refused edit changes nothing and says why; an accepted
    /// one shows at once and is stored, then sent.
    pub fn edit(&self, change: impl FnOnce(&mut Board) -> Result<(), BoardError>) -> Result<(), EditRefused> {
        let mut driver = self.driver.borrow_mut();
        let view = driver.view;
        let session = driver.session.as_mut().ok_or(EditRefused::NotLoaded)?;
        let effects = session.edit(change)?;
        // The edit shows at once; storing and sending wait their turn in the loop.
        let (shown, rest): (Vec<Effect>, Vec<Effect>) =
            effects.into_iter().partition(|effect| matches!(effect, Effect::BoardChanged | Effect::Status(_)));
        for effect in shown {
            show(&view, session, &effect);
        }
        drop(driver);
        let _ = self.events.unbounded_send(Event::Effects(rest));
        Ok(())
    }

    /// Viewers only read: their edits are refused here rather than ignored by the server.
    pub fn set_read_only(&self, read_only: bool) {
        let mut driver = self.driver.borrow_mut();
        driver.read_only = read_only;
        let view = driver.view;
        if let Some(session) = driver.session.as_mut() {
            for effect in session.set_read_only(read_only) {
                show(&view, session, &effect);
            }
        }
    }

    /// Takes every change the server is not known to hold off the board and keeps it aside as
    /// text, because the server will not take it (`reason`). Nothing if there is none.
    pub fn set_aside(&self, reason: &str) {
        let _ = self.events.unbounded_send(Event::SetAside(reason.to_owned()));
    }

    /// The person has copied (or does not want) what was kept aside.
    pub fn dismiss_set_aside(&self) {
        let mut driver = self.driver.borrow_mut();
        let effects = driver.session.as_mut().map(Session::dismiss_set_aside).unwrap_or_default();
        let _ = self.events.unbounded_send(Event::Effects(effects));
        driver.view.set_aside.set(None);
        set_aside::store(&driver.account_id, &driver.document_id, None);
    }

    /// Reads the board as this device holds it: its history, an earlier version.
    pub fn read<R>(&self, read: impl FnOnce(&mut Board) -> R) -> R {
        match self.driver.borrow_mut().session.as_mut() {
            Some(session) => read(session.board_mut()),
            None => read(&mut Board::empty()),
        }
    }

    /// Ends the session: closes the socket; what is stored stays stored.
    pub fn close(&self) {
        let _ = self.events.unbounded_send(Event::Close);
    }
}

async fn run(
    driver: Rc<RefCell<Driver>>,
    events: mpsc::UnboundedSender<Event>,
    mut receiver: mpsc::UnboundedReceiver<Event>,
) {
    let start = load(&driver).await;
    perform(&driver, &events, start).await;
    let ticker = events.clone();
    let interval = set_interval_with_handle(
        move || {
            let _ = ticker.unbounded_send(Event::Input(Input::Tick));
        },
        TICK,
    )
    .ok();
    let (online, offline) = (events.clone(), events.clone());
    let network = [
        window_event_listener(leptos::ev::online, move |_| {
            let _ = online.unbounded_send(Event::Input(Input::BrowserOnline(true)));
        }),
        window_event_listener(leptos::ev::offline, move |_| {
            let _ = offline.unbounded_send(Event::Input(Input::BrowserOnline(false)));
        }),
    ];

    while let Some(event) = receiver.next().await {
        let effects = {
            let mut driver = driver.borrow_mut();
            let Some(session) = driver.session.as_mut() else { break };
            match event {
                Event::Input(input) => session.handle(input, js_sys::Date::now()),
                Event::Effects(effects) => effects,
                Event::SetAside(reason) => session.set_aside(&reason),
                Event::Close => break,
            }
        };
        perform(&driver, &events, effects).await;
    }

    if let Some(interval) = interval {
        interval.clear();
    }
    for listener in network {
        listener.remove();
    }
    driver.borrow_mut().socket = None;
}

/// Reads the board from IndexedDB (compacting its chunks), makes the session and starts it.
async fn load(driver: &Rc<RefCell<Driver>>) -> Vec<Effect> {
    let (document_id, account_id, view) = {
        let driver = driver.borrow();
        (driver.document_id.clone(), driver.account_id.clone(), driver.view)
    };
    let cache = match BoardCache::open(&account_id).await {
        Ok(cache) => Some(Rc::new(cache)),
        Err(error) => {
            view.problem.set(Some(DeviceProblem::NoStorage(error.detail().to_owned())));
            None
        }
    };
    let mut stored = Stored { board: Board::empty(), sync_state: None, next_chunk: 0 };
    if let Some(cache) = &cache {
        match cache.load(&document_id).await {
            Ok(Some(cached)) => match Board::load(&cached.bytes) {
                Ok(mut board) => {
                    stored.next_chunk = cached.chunk_count;
                    if cached.chunk_count > 1 {
                        match cache.compact(&document_id, cached.chunk_count, &board.save()).await {
                            Ok(()) => stored.next_chunk = cached.chunk_count + 1,
                            Err(error) => view.problem.set(Some(DeviceProblem::Store(error.detail().to_owned()))),
                        }
                    }
                    stored.board = board;
                    stored.sync_state = cached.sync_state;
                }
                Err(error) => view.problem.set(Some(DeviceProblem::CopyUnreadable(error.to_string()))),
            },
            Ok(None) => {
                if let Some((board, sync_state)) = first_download(cache, &document_id).await {
                    stored.board = board;
                    stored.sync_state = Some(sync_state);
                    stored.next_chunk = 1;
                }
            }
            Err(error) => view.problem.set(Some(DeviceProblem::Store(error.detail().to_owned()))),
        }
    }
    let mut driver = driver.borrow_mut();
    let peer_id = format!("pmo-board-{}", uuid::Uuid::new_v4().simple());
    let kept = view.set_aside.get_untracked();
    let mut session =
        Session::new(&peer_id, &document_id, cache.is_some().then_some(stored), &driver.display_name, kept);
    let mut effects = session.set_read_only(driver.read_only);
    effects.extend(session.start(js_sys::Date::now(), window().navigator().on_line()));
    driver.session = Some(session);
    driver.cache = cache;
    effects
}

/// A board this device has never held, downloaded whole and stored as its first chunk, when
/// the browser is online and the server lets this account read it. The saved document loads
/// in one pass, where the sync protocol would send the board's every change to be applied one
/// by one (10,000 changes of history take seconds that way); the sync then starts from what
/// the device holds and brings only what is newer. `None` (offline, no access, a failed store)
/// leaves the first load to the sync protocol, as before.
///
/// The sync state stored with it says the server holds all of it: otherwise every change would
/// count as not yet sent until the first exchange, and a viewer's would be set aside as
/// changes the server refuses.
async fn first_download(cache: &BoardCache, document_id: &str) -> Option<(Board, Vec<u8>)> {
    if !window().navigator().on_line() {
        return None;
    }
    let bytes = api::document(document_id).await.ok()?;
    let mut board = Board::load(&bytes).ok().filter(Board::is_loaded)?;
    let sync_state = SyncClient::state_holding(board.heads());
    // Stored before it is used: what the session holds at its start counts as stored.
    cache.save_sync_state(document_id, &sync_state).await.ok()?;
    cache.append(document_id, 0, &bytes).await.ok()?;
    Some((board, sync_state))
}

/// Performs effects in order; a storage effect's result goes back to the session at once,
/// and what it answers is performed after the effects already waiting.
async fn perform(driver: &Rc<RefCell<Driver>>, events: &mpsc::UnboundedSender<Event>, effects: Vec<Effect>) {
    let mut queue = VecDeque::from(effects);
    while let Some(effect) = queue.pop_front() {
        let answer = match effect {
            Effect::Store { chunk, changes, sync_state } => Some(store(driver, chunk, changes, sync_state).await),
            Effect::Replace { chunk, bytes } => {
                let (cache, document_id) = cache_and_id(driver);
                let result = match cache {
                    Some(cache) => {
                        cache.compact(&document_id, chunk, &bytes).await.map_err(|error| error.detail().to_owned())
                    }
                    None => Ok(()),
                };
                Some(Input::Replaced(result))
            }
            Effect::SaveBoardName(name) => {
                if let (Some(cache), document_id) = cache_and_id(driver) {
                    leptos::task::spawn_local(async move {
                        let _ = cache.save_board_name(&document_id, &name).await;
                    });
                }
                None
            }
            Effect::Send(frame) => {
                if let Some(socket) = &driver.borrow().socket {
                    if socket.ws.ready_state() == WebSocket::OPEN {
                        let _ = socket.ws.send_with_u8_array(&frame);
                    }
                }
                None
            }
            Effect::Connect { connection } => match Socket::open(&sync_url(), connection, events.clone()) {
                Ok(socket) => {
                    driver.borrow_mut().socket = Some(socket);
                    None
                }
                Err(_) => Some(Input::SocketClosed { connection, role_changed: false, refused: None }),
            },
            Effect::Disconnect => {
                leptos::logging::warn!("sync: the connection is lost (silent, or the browser is offline)");
                driver.borrow_mut().socket = None;
                None
            }
            Effect::ReconnectAfter { delay_ms } => {
                leptos::task::spawn_local(reconnect_unless_signed_out(events.clone(), delay_ms));
                None
            }
            Effect::KeepAside(kept) => {
                let driver = driver.borrow();
                set_aside::store(&driver.account_id, &driver.document_id, kept.as_ref());
                driver.view.set_aside.set(kept);
                None
            }
            shown => {
                let mut driver = driver.borrow_mut();
                let view = driver.view;
                if let Some(session) = driver.session.as_mut() {
                    show(&view, session, &shown);
                }
                None
            }
        };
        if let Some(input) = answer {
            let more = match driver.borrow_mut().session.as_mut() {
                Some(session) => session.handle(input, js_sys::Date::now()),
                None => Vec::new(),
            };
            queue.extend(more);
        }
    }
}

fn cache_and_id(driver: &Rc<RefCell<Driver>>) -> (Option<Rc<BoardCache>>, String) {
    let driver = driver.borrow();
    (driver.cache.clone(), driver.document_id.clone())
}

/// Appends the changes as chunk `chunk` and saves the sync state, and says how each went.
async fn store(driver: &Rc<RefCell<Driver>>, chunk: u32, changes: Vec<u8>, sync_state: Option<Vec<u8>>) -> Input {
    let (Some(cache), document_id) = cache_and_id(driver) else {
        return Input::Stored { changes: Ok(()), sync_state: Ok(()) };
    };
    let changes = if changes.is_empty() {
        Ok(())
    } else {
        cache.append(&document_id, chunk, &changes).await.map_err(|error| error.detail().to_owned())
    };
    let sync_state = match sync_state {
        Some(state) => cache.save_sync_state(&document_id, &state).await.map_err(|error| error.detail().to_owned()),
        None => Ok(()),
    };
    Input::Stored { changes, sync_state }
}

/// Puts an effect meant for the page into its signals.
fn show(view: &SessionView, session: &Session, effect: &Effect) {
    match effect {
        Effect::BoardChanged => view.snapshot.set(Arc::new(session.snapshot().clone())),
        Effect::Status(status) => view.status.set(*status),
        Effect::Peers(names) => view.peers.set(names.clone()),
        Effect::Problem(problem) => {
            if let Some(Problem::Sync(error)) = problem {
                leptos::logging::warn!("sync: {error}");
            }
            view.problem.set(problem.as_ref().map(describe));
        }
        Effect::Connected => view.connections.update(|count| *count += 1),
        Effect::RoleChanged => view.role_changes.update(|count| *count += 1),
        _ => {}
    }
}

fn describe(problem: &Problem) -> DeviceProblem {
    match problem {
        Problem::Store(detail) => DeviceProblem::Store(detail.clone()),
        Problem::Sync(_) => DeviceProblem::Sync,
        Problem::SetAside(detail) => DeviceProblem::SetAside(detail.clone()),
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
            let _ = events.unbounded_send(Event::Input(Input::SignedOut));
            return;
        }
    }
    set_timeout(
        move || {
            let _ = events.unbounded_send(Event::Input(Input::ReconnectDue));
        },
        Duration::from_millis(delay_ms),
    );
}

fn sync_url() -> String {
    let location = window().location();
    let scheme = if location.protocol().as_deref() == Ok("https:") { "wss" } else { "ws" };
    format!("{scheme}://{}/sync", location.host().unwrap_or_default())
}

/// A WebSocket and the callbacks that feed its events, numbered, into the loop.
struct Socket {
    ws: WebSocket,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl Socket {
    fn open(url: &str, connection: u32, events: mpsc::UnboundedSender<Event>) -> Result<Socket, wasm_bindgen::JsValue> {
        let ws = WebSocket::new(url)?;
        ws.set_binary_type(BinaryType::Arraybuffer);
        let opened = events.clone();
        let on_open = Closure::<dyn FnMut()>::new(move || {
            let _ = opened.unbounded_send(Event::Input(Input::SocketOpened { connection }));
        });
        let frames = events.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
            if let Ok(buffer) = message.data().dyn_into::<ArrayBuffer>() {
                let bytes = Uint8Array::new(&buffer).to_vec();
                let _ = frames.unbounded_send(Event::Input(Input::Frame { connection, bytes }));
            }
        });
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |close: CloseEvent| {
            let role_changed = close.code() == shared::sync::ROLE_CHANGED_CLOSE_CODE;
            let refused = shared::sync::ChangesRefused::from_close(close.code(), &close.reason());
            let _ = events.unbounded_send(Event::Input(Input::SocketClosed { connection, role_changed, refused }));
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
