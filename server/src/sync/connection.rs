//! One sync connection: the gate between a client's WebSocket and samod.
//!
//! samod speaks the automerge-repo protocol; this module decides what reaches it. Every frame
//! from the client passes [`Gate::inbound`]:
//! - it must be a well-formed automerge-repo message (CBOR), within the frame size and the
//!   connection's message rate;
//! - its `senderId` is replaced by the identity assigned at the WebSocket upgrade
//!   ([`crate::access::peer_id`]), so the share policy sees who really connected, never who the client
//!   claims to be (outbound frames get the client's own id back as `targetId`);
//! - a sync message from an editor that carries changes is applied to a copy of the board and
//!   checked against the board schema and the document size limit ([`shared::gate`]), and the
//!   changes are committed to the database *before* samod sees them. samod acknowledges a change
//!   only after applying it, so whatever a client is told the server has is already durable.
//!
//! Frames that pass go to samod in two places: the handshake, and whatever names no board, to
//! the node's repo (which holds no board); the frames about a board to that board's own repo,
//! through the connection's [`Lane`] to it (see [`crate::boards`]), opened on the first frame
//! about the board and kept until the connection closes, which keeps the board loaded.
//!
//! A frame that fails a check closes this one connection with a WebSocket close code and a
//! short stable code as the close reason (`schema`, `owner_only_settings`, …: for refused
//! changes, [`shared::sync::ChangesRefused`], which the app words in its reader's language),
//! after an automerge-repo `error` message that says in English what was wrong and where (a
//! close reason holds at most 123 bytes); it stores nothing and touches no other connection. Frames to the client wait in a bounded queue; a client that stops reading until
//! the queue is full is disconnected rather than buffered without end.

use std::{
    collections::HashMap,
    pin::Pin,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, OnceLock,
    },
    task::{Context, Poll},
    time::Duration,
};

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures::{Sink, SinkExt, StreamExt};
use shared::{api::Role, gate::GateLimits};
use tokio::{sync::mpsc, time::Instant};
use tracing::Instrument;

use crate::AppState;

/// Close codes from RFC 6455.
const INVALID_PAYLOAD: u16 = 1007;
const POLICY_VIOLATION: u16 = 1008;
const TOO_BIG: u16 = 1009;
const SERVER_ERROR: u16 = 1011;
const TRY_AGAIN_LATER: u16 = 1013;
/// Ours (4000–4999 are the application's): the account's role on a board this connection
/// syncs changed. The app reads its role again and reconnects (`shared::sync::ROLE_CHANGED`).
const ROLE_CHANGED: u16 = shared::sync::ROLE_CHANGED_CLOSE_CODE;

/// Why the server closed a connection: sent to the client, logged, and counted in `/metrics`.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub code: u16,
    /// What was wrong, in English: logged and sent in the `error` message before the close.
    pub reason: String,
    /// A short stable label (ASCII, far below a close reason's 123 bytes): the close frame's
    /// reason, and the label in `/metrics`. For refused changes, a
    /// [`shared::sync::ChangesRefused`] code.
    pub kind: &'static str,
}

impl Refusal {
    fn new(code: u16, kind: &'static str, reason: impl Into<String>) -> Refusal {
        Refusal { code, kind, reason: reason.into() }
    }
}

/// Who is on the other end, fixed at the upgrade.
#[derive(Debug, Clone)]
pub struct Identity {
    pub account_id: String,
    /// The peer id samod knows this connection by (see [`crate::access::peer_id`]).
    pub peer_id: String,
    /// For logs: unique on this node.
    pub connection: u64,
}

/// Serves one upgraded WebSocket until either side closes it.
pub async fn serve(
    state: AppState,
    identity: Identity,
    socket: WebSocket,
    mut permit: crate::connections::ConnectionPermit,
) {
    let span = tracing::info_span!("sync", connection = identity.connection, account = %identity.account_id);
    async move {
        let limits = state.config.limits.clone();
        let (ws_sink, ws_stream) = socket.split();
        let claimed: Arc<OnceLock<String>> = Arc::default();
        let (sender, queued) = mpsc::channel::<Vec<u8>>(limits.outbound_queue);
        let to_client = Outbound {
            sender,
            queued_bytes: Arc::default(),
            limit_bytes: limits.outbound_queue_bytes,
            metrics: state.metrics.clone(),
        };
        let (close, closed) = mpsc::channel::<(Refusal, Inbound)>(1);

        // The credential that opened this connection ending (a revoked token, a session signed
        // out) closes it.
        let ended = permit.take_closed();
        let writer = tokio::spawn(
            write_to_client(ws_sink, queued, to_client.queued_bytes.clone(), closed, claimed.clone(), permit)
                .in_current_span(),
        );

        let gate = Gate::new(state.clone(), identity.clone(), claimed, to_client.clone());
        // Subscribed before the first frame, so no change of role after it is missed.
        let access_changes = Some(state.share_policy.subscribe());
        let inbound = futures::stream::unfold(
            (ws_stream, gate, close, ended, access_changes),
            |(mut ws_stream, mut gate, close, mut ended, mut access_changes)| async move {
                loop {
                    let next = tokio::select! {
                        reason = async {
                            match ended.as_mut() {
                                Some(ended) => ended.recv().await,
                                None => std::future::pending().await,
                            }
                        } => Event::CredentialEnded(reason),
                        Some(change) = async { Some(access_changes.as_mut()?.recv().await) }, if access_changes.is_some() => Event::Access(change),
                        message = ws_stream.next() => Event::Message(message),
                    };
                    let message = match next {
                        Event::CredentialEnded(Some(reason)) => {
                            let _ =
                                close.try_send((Refusal::new(POLICY_VIOLATION, "credential_ended", reason), ws_stream));
                            return None;
                        }
                        Event::CredentialEnded(None) => {
                            ended = None;
                            continue;
                        }
                        Event::Access(change) => {
                            let change = match change {
                                Ok(change) => Some(change),
                                // Missed some notices: look at every board.
                                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => None,
                                Err(tokio::sync::broadcast::error::RecvError::Closed) => {
                                    access_changes = None;
                                    continue;
                                }
                            };
                            if let Some(refusal) = gate.role_changed(change.as_ref()).await {
                                let _ = close.try_send((refusal, ws_stream));
                                return None;
                            }
                            continue;
                        }
                        Event::Message(message) => message,
                    };
                    let message = match message {
                        None => return None,
                        Some(Ok(message)) => message,
                        Some(Err(error)) => {
                            let refusal = Refusal::new(TOO_BIG, "transport", format!("the connection failed: {error}"));
                            let _ = close.try_send((refusal, ws_stream));
                            return None;
                        }
                    };
                    let bytes = match message {
                        Message::Binary(bytes) => bytes,
                        Message::Text(_) => {
                            let refusal = Refusal::new(
                                INVALID_PAYLOAD,
                                "malformed",
                                "text frames are not part of the automerge-repo protocol: send binary CBOR",
                            );
                            let _ = close.try_send((refusal, ws_stream));
                            return None;
                        }
                        Message::Close(_) => return None,
                        Message::Ping(_) | Message::Pong(_) => continue,
                    };
                    match gate.inbound(&bytes).await {
                        Ok(Some(frame)) => {
                            return Some((
                                Ok::<_, std::io::Error>(frame),
                                (ws_stream, gate, close, ended, access_changes),
                            ))
                        }
                        // Answered by the gate itself.
                        Ok(None) => continue,
                        Err(refusal) => {
                            let _ = close.try_send((refusal, ws_stream));
                            return None;
                        }
                    }
                }
            },
        );

        let transport = samod::Transport::new(Box::pin(inbound), QueueSink(to_client))
            .with_expected_peer_id(samod::PeerId::from(identity.peer_id.as_str()));
        // samod drops its end of the outbound queue when the connection is over, which ends
        // the writer.
        if let Err(samod::Stopped) = state.acceptor.accept(transport) {
            tracing::warn!("sync connection refused: the server is stopping");
        }
        let _ = writer.await;
        tracing::debug!("sync connection finished");
    }
    .instrument(span)
    .await
}

/// The queue of frames to the client, bounded in frames and in bytes. Pushing never waits, so
/// a client that does not read fills it and is disconnected instead of holding frames (a
/// member's presence relayed to it, say) in memory without bound.
#[derive(Clone)]
struct Outbound {
    sender: mpsc::Sender<Vec<u8>>,
    /// Bytes pushed and not yet written to the socket.
    queued_bytes: Arc<AtomicUsize>,
    limit_bytes: usize,
    metrics: crate::metrics::Metrics,
}

impl Outbound {
    /// Queues `frame`, or says why not. A frame larger than the byte limit still goes when
    /// nothing else waits: samod's own messages (a whole board) can be that large.
    fn push(&self, frame: Vec<u8>) -> Result<(), QueueError> {
        let length = frame.len();
        let before = self.queued_bytes.fetch_add(length, Ordering::SeqCst);
        let refused = if before > 0 && before + length > self.limit_bytes {
            Some(QueueError::Full)
        } else {
            match self.sender.try_send(frame) {
                Ok(()) => None,
                Err(mpsc::error::TrySendError::Full(_)) => Some(QueueError::Full),
                Err(mpsc::error::TrySendError::Closed(_)) => Some(QueueError::Closed),
            }
        };
        let Some(error) = refused else { return Ok(()) };
        self.queued_bytes.fetch_sub(length, Ordering::SeqCst);
        if matches!(error, QueueError::Full) {
            tracing::warn!(queued_bytes = before, "closing a sync connection whose client stopped reading");
            self.metrics.refused("slow_reader");
        }
        Err(error)
    }
}

/// samod's side of the outbound queue.
struct QueueSink(Outbound);

/// What woke a connection's reader: the credential that opened it ended (with the reason, or
/// `None` when nothing will ever end it), a board's access changed, or the client sent something.
enum Event<M> {
    CredentialEnded(Option<String>),
    Access(Result<crate::access::AccessChange, tokio::sync::broadcast::error::RecvError>),
    Message(M),
}

#[derive(Debug, thiserror::Error)]
enum QueueError {
    #[error("the client is not reading: its outbound queue is full")]
    Full,
    #[error("the connection is closed")]
    Closed,
}

impl Sink<Vec<u8>> for QueueSink {
    type Error = QueueError;

    fn poll_ready(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), QueueError>> {
        Poll::Ready(Ok(()))
    }

    fn start_send(self: Pin<&mut Self>, frame: Vec<u8>) -> Result<(), QueueError> {
        self.0.push(frame)
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), QueueError>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), QueueError>> {
        Poll::Ready(Ok(()))
    }
}

type Inbound = futures::stream::SplitStream<WebSocket>;

/// How long a refused client gets to answer the close frame before the socket is dropped.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

/// Writes samod's frames to the client, giving each back the peer id the client claimed, until
/// samod is done with the connection or the gate closes it.
///
/// When the gate refuses a frame it hands over the reading half, and this sends the reason and
/// a close frame, then reads (and drops) what the client still sends until it answers the
/// close: dropping a socket with unread data resets the connection, and the client would never
/// see why it was closed.
async fn write_to_client(
    mut ws_sink: futures::stream::SplitSink<WebSocket, Message>,
    mut queued: mpsc::Receiver<Vec<u8>>,
    queued_bytes: Arc<AtomicUsize>,
    mut closed: mpsc::Receiver<(Refusal, Inbound)>,
    claimed: Arc<OnceLock<String>>,
    permit: crate::connections::ConnectionPermit,
) {
    // A browser cannot see WebSocket pings, so a quiet connection gets a protocol message that
    // changes nothing instead (`WireMessage::keep_alive`, once the handshake named both peers):
    // the app counts a connection that sends nothing for a few of these intervals as dead (a
    // hung server, a dropped network) and reconnects.
    let mut server_peer = None::<String>;
    let keep_alive_every = Duration::from_millis(shared::sync::KEEP_ALIVE_INTERVAL_MS);
    let mut keep_alive = tokio::time::interval_at(Instant::now() + keep_alive_every, keep_alive_every);
    keep_alive.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let refusal = loop {
        tokio::select! {
            biased;
            refusal = closed.recv() => break refusal,
            _ = keep_alive.tick() => {
                let (Some(server), Some(client)) = (server_peer.as_deref(), claimed.get()) else { continue };
                let frame = shared::sync::WireMessage::keep_alive(server, client).encode();
                if ws_sink.send(Message::Binary(frame.into())).await.is_err() {
                    break None;
                }
            }
            frame = queued.recv() => {
                let Some(frame) = frame else { break None };
                queued_bytes.fetch_sub(frame.len(), Ordering::SeqCst);
                let frame = match (shared::gate::decode_frame(&frame), claimed.get()) {
                    (Ok(mut decoded), Some(claimed)) => {
                        if server_peer.is_none() {
                            server_peer = Some(decoded.sender().to_owned());
                        }
                        decoded.set_target(claimed);
                        decoded.encode()
                    }
                    _ => frame,
                };
                if ws_sink.send(Message::Binary(frame.into())).await.is_err() {
                    break None;
                }
                keep_alive.reset();
            }
        }
    };
    match refusal {
        Some((refusal, mut inbound)) => {
            tracing::warn!(code = refusal.code, reason = refusal.reason, "closing a sync connection");
            permit.metrics().refused(refusal.kind);
            let error = shared::sync::WireMessage::Error { message: refusal.reason.clone() }.encode();
            let _ = ws_sink.send(Message::Binary(error.into())).await;
            let close = CloseFrame { code: refusal.code, reason: close_reason(refusal.kind).into() };
            let _ = ws_sink.send(Message::Close(Some(close))).await;
            let _ = tokio::time::timeout(CLOSE_GRACE, async {
                while let Some(Ok(message)) = inbound.next().await {
                    if matches!(message, Message::Close(_)) {
                        break;
                    }
                }
            })
            .await;
        }
        None => {
            let _ = ws_sink.send(Message::Close(None)).await;
        }
    }
    let _ = ws_sink.close().await;
    drop(permit);
}

/// A close frame's reason may hold at most 123 bytes; the kinds are far shorter, and this cut
/// (on a character boundary, so the reason stays UTF-8) only guards against a careless one.
fn close_reason(reason: &str) -> String {
    let mut end = reason.len().min(123);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    reason[..end].to_owned()
}

/// A token bucket: `burst` messages at once, then `rate` per second.
struct RateLimit {
    tokens: f64,
    burst: f64,
    rate: f64,
    last: Instant,
}

impl RateLimit {
    fn new(rate: u32, burst: u32) -> RateLimit {
        RateLimit { tokens: f64::from(burst), burst: f64::from(burst), rate: f64::from(rate), last: Instant::now() }
    }

    fn take(&mut self) -> bool {
        let now = Instant::now();
        self.tokens = (self.tokens + now.duration_since(self.last).as_secs_f64() * self.rate).min(self.burst);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Roles a connection remembers before it forgets them all and reads them again.
const ROLES_REMEMBERED: usize = 1024;

/// Reads a sync message (a viewer's too: samod would only log one it cannot read).
fn check_sync_message(data: &[u8]) -> Result<automerge::sync::Message, Refusal> {
    automerge::sync::Message::decode(data)
        .map_err(|error| Refusal::new(INVALID_PAYLOAD, "malformed", format!("not an automerge sync message: {error}")))
}

/// The checks every inbound frame passes (see the module documentation).
struct Gate {
    state: AppState,
    identity: Identity,
    claimed: Arc<OnceLock<String>>,
    rate: RateLimit,
    /// Roles looked up on this connection, with the access generation they were read at.
    roles: HashMap<samod::DocumentId, (u64, Option<Role>)>,
    /// The role each board was first opened with on this connection: the client's idea of its
    /// role, which a change closes the connection over (see [`Gate::role_changed`]).
    opened_as: HashMap<String, Option<Role>>,
    /// The last changes this connection handed to samod, which samod applies on its own time.
    /// The next message is checked only once they are in samod's document: it may build on
    /// them, and checked against a document without them its changes would look like they wait
    /// for a dependency, and would be acknowledged later without being committed here.
    in_flight: Option<(samod::DocHandle, Vec<automerge::ChangeHash>)>,
    /// The client's outbound queue, for the answers the gate gives itself.
    to_client: Outbound,
    /// Presence (`ephemeral`) messages, which samod copies to every other reader of the board.
    presence: RateLimit,
    /// The client's `join` as samod got it, which starts every lane.
    join: Option<Vec<u8>>,
    /// One per board this connection opened: they keep the boards loaded while it is open.
    lanes: HashMap<samod::DocumentId, Lane>,
}

/// How many frames from the client may wait for a board's repo before the gate waits too.
const LANE_QUEUE: usize = 64;

/// A connection's way to one board: a samod connection to the board's own repo (see
/// [`crate::boards`]), carrying the client's frames about that board. The node's repo, which
/// holds no board, keeps the handshake and whatever names no board.
struct Lane {
    sender: mpsc::Sender<Vec<u8>>,
    board: crate::boards::BoardUse,
}

/// A board repo's side of a lane: its frames go to the client's queue (a board's repo has the
/// node's peer id), except its answer to the lane's handshake.
struct LaneSink {
    to_client: Outbound,
}

impl Sink<Vec<u8>> for LaneSink {
    type Error = QueueError;

    fn poll_ready(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), QueueError>> {
        Poll::Ready(Ok(()))
    }

    fn start_send(self: Pin<&mut Self>, frame: Vec<u8>) -> Result<(), QueueError> {
        match shared::gate::decode_frame(&frame) {
            Ok(decoded) if *decoded.kind() == shared::gate::MessageKind::Peer => Ok(()),
            _ => self.to_client.push(frame),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), QueueError>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), QueueError>> {
        Poll::Ready(Ok(()))
    }
}

impl Gate {
    fn new(state: AppState, identity: Identity, claimed: Arc<OnceLock<String>>, to_client: Outbound) -> Gate {
        let limits = &state.config.limits;
        let rate = RateLimit::new(limits.messages_per_second, limits.message_burst);
        let presence = RateLimit::new(limits.presence_per_second, limits.presence_burst);
        Gate {
            state,
            identity,
            claimed,
            rate,
            roles: HashMap::new(),
            opened_as: HashMap::new(),
            in_flight: None,
            to_client,
            presence,
            join: None,
            lanes: HashMap::new(),
        }
    }

    /// The frame to hand to samod, or `None` when the gate has dealt with it.
    async fn inbound(&mut self, bytes: &[u8]) -> Result<Option<Vec<u8>>, Refusal> {
        if !self.rate.take() {
            return Err(Refusal::new(
                POLICY_VIOLATION,
                "rate",
                format!(
                    "too many messages: at most {} per second (bursts of {})",
                    self.state.config.limits.messages_per_second, self.state.config.limits.message_burst
                ),
            ));
        }
        let mut frame = shared::gate::decode_frame(bytes)
            .map_err(|error| Refusal::new(INVALID_PAYLOAD, "malformed", error.to_string()))?;
        match self.claimed.get() {
            None if *frame.kind() == shared::gate::MessageKind::Join => {
                let _ = self.claimed.set(frame.sender().to_owned());
            }
            None => {
                return Err(Refusal::new(POLICY_VIOLATION, "protocol", "the first message must be `join`"));
            }
            Some(_) => {}
        }
        frame.set_sender(&self.identity.peer_id);
        let Some(document_id) = frame.document_id().map(str::to_owned) else {
            let encoded = frame.encode();
            if *frame.kind() == shared::gate::MessageKind::Join && self.join.is_none() {
                self.join = Some(encoded.clone());
            }
            return Ok(Some(encoded));
        };
        // samod accepts one document under several spellings (base58, UUID forms): decide on
        // the one it will use, or changes could slip past by respelling.
        let board = document_id.parse::<samod::DocumentId>().ok();
        let role = match &board {
            Some(board) => self.role(board).await?,
            None => None,
        };
        let (Some(board), Some(role)) = (board, role) else {
            // Nothing about a board this account may not see reaches samod, which would open a
            // document (and keep it) for every id asked for. The answer is the one samod gives
            // for a board that does not exist.
            if matches!(frame.kind(), shared::gate::MessageKind::Request | shared::gate::MessageKind::Sync) {
                self.answer_unavailable(&document_id)?;
            }
            return Ok(None);
        };
        if *frame.kind() == shared::gate::MessageKind::Ephemeral {
            // Members, viewers included, may show that they are there: in small messages, now
            // and then.
            self.admit_presence(bytes.len())?;
        }
        let repo = self.lane(&board).await?.board.repo.clone();
        if let (shared::gate::MessageKind::Request | shared::gate::MessageKind::Sync, Some(data)) =
            (frame.kind(), frame.data())
        {
            self.upgrade_on_first_open(&repo, &board).await?;
            if role.can_edit() {
                self.admit_changes(&repo, &board, data, role).await?;
            } else {
                check_sync_message(data)?;
            }
        }
        let lane = self.lane(&board).await?;
        if lane.sender.send(frame.encode()).await.is_err() {
            // The board's repo let go of this connection: it is stopping.
            return Err(Refusal::new(TRY_AGAIN_LATER, "stopping", "the server is stopping"));
        }
        Ok(None)
    }

    /// This connection's lane to `board`'s repo (see [`Lane`]), opened (and the board loaded)
    /// on the first message about it.
    async fn lane(&mut self, board: &samod::DocumentId) -> Result<&mut Lane, Refusal> {
        if !self.lanes.contains_key(board) {
            let lane = self.open_lane(board).await?;
            self.lanes.insert(board.clone(), lane);
        }
        Ok(self.lanes.get_mut(board).expect("opened above"))
    }

    async fn open_lane(&mut self, board: &samod::DocumentId) -> Result<Lane, Refusal> {
        let board_use = self.state.boards.open(board).await.map_err(|error| match error {
            crate::boards::BoardsError::Stopping => Refusal::new(TRY_AGAIN_LATER, "stopping", "the server is stopping"),
            error => {
                tracing::error!(%error, %board, "cannot open a board");
                Refusal::new(SERVER_ERROR, "internal", "the server cannot open this board right now")
            }
        })?;
        let (sender, receiver) = mpsc::channel::<Vec<u8>>(LANE_QUEUE);
        let inbound = futures::stream::unfold(receiver, |mut receiver| async move {
            let frame = receiver.recv().await?;
            Some((Ok::<_, std::io::Error>(frame), receiver))
        });
        let sink = LaneSink { to_client: self.to_client.clone() };
        let transport = samod::Transport::new(Box::pin(inbound), sink)
            .with_expected_peer_id(samod::PeerId::from(self.identity.peer_id.as_str()));
        if board_use.acceptor.accept(transport).is_err() {
            return Err(Refusal::new(TRY_AGAIN_LATER, "stopping", "the server is stopping"));
        }
        // The lane starts with the client's own handshake (its peer id already replaced), so
        // the board's repo knows the peer as the node's repo does; its answer is dropped by
        // the lane's sink, the client having had the node's.
        let join = self
            .join
            .clone()
            .ok_or_else(|| Refusal::new(POLICY_VIOLATION, "protocol", "the first message must be `join`"))?;
        sender.send(join).await.map_err(|_| Refusal::new(TRY_AGAIN_LATER, "stopping", "the server is stopping"))?;
        Ok(Lane { sender, board: board_use })
    }

    /// Presence is copied to every other reader of the board, so each message costs the server
    /// its size times the readers: it is capped in size and in rate.
    fn admit_presence(&mut self, frame_bytes: usize) -> Result<(), Refusal> {
        let limits = &self.state.config.limits;
        if frame_bytes > limits.max_presence_bytes {
            return Err(Refusal::new(
                TOO_BIG,
                "presence_too_big",
                format!(
                    "a presence (ephemeral) message can have at most {} bytes; this one has {frame_bytes}",
                    limits.max_presence_bytes
                ),
            ));
        }
        if !self.presence.take() {
            return Err(Refusal::new(
                POLICY_VIOLATION,
                "presence_rate",
                format!(
                    "too many presence messages: at most {} per second (bursts of {})",
                    limits.presence_per_second, limits.presence_burst
                ),
            ));
        }
        Ok(())
    }

    /// Tells the client that `document_id` is not available, as samod would for a board that
    /// does not exist.
    fn answer_unavailable(&self, document_id: &str) -> Result<(), Refusal> {
        let frame = shared::sync::WireMessage::DocUnavailable {
            sender_id: self.state.repo.peer_id().as_str().to_owned(),
            target_id: self.claimed.get().cloned().unwrap_or_default(),
            document_id: document_id.to_owned(),
        };
        self.to_client.push(frame.encode()).map_err(|_| {
            Refusal::new(POLICY_VIOLATION, "slow_reader", "the client is not reading what the server sends")
        })
    }

    /// A member's first look at a board since the server started brings it up to the current
    /// schema, before samod shows it to anyone (see [`crate::upgrade`]).
    async fn upgrade_on_first_open(&mut self, repo: &samod::Repo, board: &samod::DocumentId) -> Result<(), Refusal> {
        crate::upgrade::ensure_current(&self.state, repo, board).await.map_err(|error| {
            tracing::error!(%error, %board, "cannot bring a board up to date");
            Refusal::new(SERVER_ERROR, "internal", "the server cannot open this board right now")
        })
    }

    /// Checks and commits the changes a sync message from an editor or owner carries, as
    /// written by this account in `role` (see `shared::gate::Writer`).
    async fn admit_changes(
        &mut self,
        repo: &samod::Repo,
        board: &samod::DocumentId,
        data: &[u8],
        role: Role,
    ) -> Result<(), Refusal> {
        if check_sync_message(data)?.changes.is_empty() {
            return Ok(());
        }
        let document_id = board.to_string();
        let handle = match repo.find(board.clone()).await {
            Ok(Some(handle)) => handle,
            Ok(None) => {
                tracing::error!(document_id, "a board with members has no document");
                return Err(Refusal::new(SERVER_ERROR, "internal", "the server cannot open this board right now"));
            }
            Err(samod::Stopped) => return Err(Refusal::new(TRY_AGAIN_LATER, "stopping", "the server is stopping")),
        };
        self.until_applied().await?;
        let limits = GateLimits {
            max_document_ops: self.state.config.limits.max_document_ops,
            max_string_bytes: self.state.config.limits.max_string_bytes,
        };
        let data = data.to_vec();
        let checked_handle = handle.clone();
        let account_id = self.identity.account_id.clone();
        let checked = tokio::task::spawn_blocking(move || {
            let writer = shared::gate::Writer { account_id: &account_id, owner: role == Role::Owner };
            handle.with_document(|document| shared::gate::check_sync_from(document, &data, &limits, Some(writer)))
        })
        .await
        .map_err(|error| Refusal::new(SERVER_ERROR, "internal", format!("checking the changes failed: {error}")))?;
        let accepted =
            checked.map_err(|error| Refusal::new(POLICY_VIOLATION, error.refused().code(), error.to_string()))?;
        if accepted.changes.is_empty() {
            return Ok(());
        }
        let notice = crate::cluster::changes_notice(&document_id, &accepted.changes);
        let started = Instant::now();
        let mut wait = Duration::from_millis(50);
        for attempt in 1.. {
            match self
                .state
                .store
                .commit_changes_by(
                    &document_id,
                    &accepted.changes,
                    &self.identity.account_id,
                    &accepted.described,
                    &notice,
                )
                .await
            {
                Ok(()) => break,
                Err(error) if attempt < 5 => {
                    tracing::error!(%error, attempt, "committing changes failed; retrying in {wait:?}");
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                }
                Err(error) => {
                    tracing::error!(%error, "committing changes failed; closing the connection");
                    return Err(Refusal::new(
                        TRY_AGAIN_LATER,
                        "storage",
                        "the server cannot save changes right now; your changes are kept on your device",
                    ));
                }
            }
        }
        let metrics = &self.state.metrics;
        metrics.storage(crate::metrics::Operation::Commit, started.elapsed().as_secs_f64());
        metrics.changes_committed.inc_by(accepted.changes.len() as u64);
        let undescribed = accepted.changes.len() - accepted.described.len();
        if undescribed > 0 {
            // A long offline sync: the gate described only its newest changes.
            crate::history::rows_written(&self.state, &document_id, undescribed);
        }
        self.in_flight = Some((checked_handle, accepted.changes.into_iter().map(|(hash, _)| hash).collect()));
        Ok(())
    }

    /// Waits until samod has applied the changes this connection last handed it.
    async fn until_applied(&mut self) -> Result<(), Refusal> {
        let Some((handle, hashes)) = self.in_flight.take() else { return Ok(()) };
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut wait = Duration::from_millis(1);
        loop {
            let applied = handle.with_document(|document| {
                use automerge::ReadDoc;
                hashes.iter().all(|hash| document.get_change_by_hash(hash).is_some())
            });
            if applied {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(Refusal::new(
                    TRY_AGAIN_LATER,
                    "busy",
                    "the server is too busy to take more changes; try again",
                ));
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(Duration::from_millis(20));
        }
    }

    /// This account's role on a board, read again whenever access changed anywhere.
    async fn role(&mut self, board: &samod::DocumentId) -> Result<Option<Role>, Refusal> {
        let generation = self.state.share_policy.generation();
        if let Some((seen, role)) = self.roles.get(board) {
            if *seen == generation {
                return Ok(*role);
            }
        }
        // A client asking for many made-up ids must not grow this without bound.
        if self.roles.len() >= ROLES_REMEMBERED {
            self.roles.clear();
        }
        let role = self.state.store.role(&board.to_string(), &self.identity.account_id).await.map_err(|error| {
            tracing::error!(%error, "cannot read a board's members");
            Refusal::new(TRY_AGAIN_LATER, "storage", "the server cannot check access right now")
        })?;
        self.roles.insert(board.clone(), (generation, role));
        self.opened_as.entry(board.to_string()).or_insert(role);
        Ok(role)
    }

    /// After an access change (`None`: notices were missed, so every board is looked at), the
    /// refusal that closes this connection if the account's role on a board it opened is no
    /// longer the one it opened the board with. Closing is what tells the client: samod's share
    /// policy switches silently, and the app would go on offering edits that are then ignored.
    async fn role_changed(&mut self, change: Option<&crate::access::AccessChange>) -> Option<Refusal> {
        let boards: Vec<(String, Option<Role>)> = self
            .opened_as
            .iter()
            .filter(|(board, _)| change.is_none_or(|change| change.document_id == **board))
            .map(|(board, role)| (board.clone(), *role))
            .collect();
        for (board, opened_as) in boards {
            let now = match change.and_then(|change| change.known.as_ref()) {
                Some((account, role)) if *account == self.identity.account_id => *role,
                Some(_) => continue,
                None => match self.state.store.role(&board, &self.identity.account_id).await {
                    Ok(role) => role,
                    Err(error) => {
                        tracing::error!(%error, "cannot read a board's members");
                        continue;
                    }
                },
            };
            if now != opened_as {
                tracing::info!(board, ?opened_as, ?now, "the account's role changed; closing its sync connection");
                return Some(Refusal::new(ROLE_CHANGED, "role_changed", "your role on this board changed"));
            }
        }
        None
    }
}
