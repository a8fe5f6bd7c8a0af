//! One sync connection: the gate between a client's WebSocket and samod.
//!
//! samod speaks the automerge-repo protocol; this module decides what reaches it. Every frame
//! from the client passes [`Gate::inbound`]:
//! - it must be a well-formed automerge-repo message (CBOR), within the frame size and the
//!   connection's message rate;
//! - its `senderId` is replaced by the identity assigned at the WebSocket upgrade
//!   ([`super::peer_id`]), so the share policy sees who really connected, never who the client
//!   claims to be (outbound frames get the client's own id back as `targetId`);
//! - a sync message from an editor that carries changes is applied to a copy of the board and
//!   checked against the board schema and the document size limit ([`shared::gate`]), and the
//!   changes are committed to the database *before* samod sees them. samod acknowledges a change
//!   only after applying it, so whatever a client is told the server has is already durable.
//!
//! A frame that fails a check closes this one connection with a WebSocket close code and a
//! reason (and an automerge-repo `error` message first), stores nothing and touches no other
//! connection. Frames to the client wait in a bounded queue; a client that stops reading until
//! the queue is full is disconnected rather than buffered without end.

use std::{
    collections::HashMap,
    pin::Pin,
    sync::{Arc, OnceLock},
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

/// Why the server closed a connection: sent to the client, logged, and counted in `/metrics`.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub code: u16,
    pub reason: String,
    /// A short label for `/metrics`.
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
    /// The peer id samod knows this connection by (see [`super::peer_id`]).
    pub peer_id: String,
    /// For logs: unique on this node.
    pub connection: u64,
}

/// Serves one upgraded WebSocket until either side closes it.
pub async fn serve(state: AppState, identity: Identity, socket: WebSocket, permit: super::ConnectionPermit) {
    let span = tracing::info_span!("sync", connection = identity.connection, account = %identity.account_id);
    async move {
        let limits = state.config.limits.clone();
        let (ws_sink, ws_stream) = socket.split();
        let claimed: Arc<OnceLock<String>> = Arc::default();
        let (to_client, queued) = mpsc::channel::<Vec<u8>>(limits.outbound_queue);
        let (close, closed) = mpsc::channel::<(Refusal, Inbound)>(1);

        let writer = tokio::spawn(write_to_client(ws_sink, queued, closed, claimed.clone(), permit).in_current_span());

        let gate = Gate::new(state.clone(), identity.clone(), claimed);
        let inbound =
            futures::stream::unfold((ws_stream, gate, close), |(mut ws_stream, mut gate, close)| async move {
                loop {
                    let message = match ws_stream.next().await {
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
                        Ok(frame) => return Some((Ok::<_, std::io::Error>(frame), (ws_stream, gate, close))),
                        Err(refusal) => {
                            let _ = close.try_send((refusal, ws_stream));
                            return None;
                        }
                    }
                }
            });

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

/// samod's side of the outbound queue: never waits, so a client that does not read fills the
/// queue and is disconnected instead of holding frames in memory without bound.
struct QueueSink(mpsc::Sender<Vec<u8>>);

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
        self.0.try_send(frame).map_err(|error| match error {
            mpsc::error::TrySendError::Full(_) => {
                tracing::warn!("closing a sync connection whose client stopped reading");
                QueueError::Full
            }
            mpsc::error::TrySendError::Closed(_) => QueueError::Closed,
        })
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
    mut closed: mpsc::Receiver<(Refusal, Inbound)>,
    claimed: Arc<OnceLock<String>>,
    permit: super::ConnectionPermit,
) {
    let refusal = loop {
        tokio::select! {
            biased;
            refusal = closed.recv() => break refusal,
            frame = queued.recv() => {
                let Some(frame) = frame else { break None };
                let frame = match (shared::gate::decode_frame(&frame), claimed.get()) {
                    (Ok(mut decoded), Some(claimed)) => {
                        decoded.set_target(claimed);
                        decoded.encode()
                    }
                    _ => frame,
                };
                if ws_sink.send(Message::Binary(frame.into())).await.is_err() {
                    break None;
                }
            }
        }
    };
    match refusal {
        Some((refusal, mut inbound)) => {
            tracing::warn!(code = refusal.code, reason = refusal.reason, "closing a sync connection");
            permit.metrics().refused(refusal.kind);
            let error = shared::sync::WireMessage::Error { message: refusal.reason.clone() }.encode();
            let _ = ws_sink.send(Message::Binary(error.into())).await;
            let close = CloseFrame { code: refusal.code, reason: close_reason(&refusal.reason).into() };
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

/// A close frame's reason may hold at most 123 bytes.
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

/// The checks every inbound frame passes (see the module documentation).
struct Gate {
    state: AppState,
    identity: Identity,
    claimed: Arc<OnceLock<String>>,
    rate: RateLimit,
    /// Roles looked up on this connection, with the access generation they were read at.
    roles: HashMap<samod::DocumentId, (u64, Option<Role>)>,
    /// The last changes this connection handed to samod, which samod applies on its own time.
    /// The next message is checked only once they are in samod's document: it may build on
    /// them, and checked against a document without them its changes would look like they wait
    /// for a dependency, and would be acknowledged later without being committed here.
    in_flight: Option<(samod::DocHandle, Vec<automerge::ChangeHash>)>,
}

impl Gate {
    fn new(state: AppState, identity: Identity, claimed: Arc<OnceLock<String>>) -> Gate {
        let limits = &state.config.limits;
        let rate = RateLimit::new(limits.messages_per_second, limits.message_burst);
        Gate { state, identity, claimed, rate, roles: HashMap::new(), in_flight: None }
    }

    async fn inbound(&mut self, bytes: &[u8]) -> Result<Vec<u8>, Refusal> {
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
            None if *frame.kind() == shared::gate::FrameKind::Join => {
                let _ = self.claimed.set(frame.sender().to_owned());
            }
            None => {
                return Err(Refusal::new(POLICY_VIOLATION, "protocol", "the first message must be `join`"));
            }
            Some(_) => {}
        }
        frame.set_sender(&self.identity.peer_id);
        if matches!(frame.kind(), shared::gate::FrameKind::Request | shared::gate::FrameKind::Sync) {
            if let (Some(document_id), Some(data)) = (frame.document_id(), frame.data()) {
                // samod accepts one document under several spellings (base58, UUID forms):
                // decide on the one it will use, or changes could slip past by respelling. An id
                // samod cannot read either is left to samod to answer.
                let board = document_id.parse::<samod::DocumentId>().ok();
                if let Some(board) = &board {
                    self.upgrade_on_first_open(board).await?;
                }
                self.admit_changes(board.as_ref(), data).await?;
            }
        }
        Ok(frame.encode())
    }

    /// A member's first look at a board since the server started brings it up to the current
    /// schema, before samod shows it to anyone (see [`crate::upgrade`]).
    async fn upgrade_on_first_open(&mut self, board: &samod::DocumentId) -> Result<(), Refusal> {
        if self.role(board).await?.is_none() {
            return Ok(());
        }
        crate::upgrade::ensure_current(&self.state, board).await.map_err(|error| {
            tracing::error!(%error, %board, "cannot bring a board up to date");
            Refusal::new(SERVER_ERROR, "internal", "the server cannot open this board right now")
        })
    }

    /// Checks and commits the changes a sync message carries, if this account may write them.
    /// Anyone else's message goes on to samod untouched: the share policy answers a
    /// non-member with `doc-unavailable` and ignores a viewer's changes.
    async fn admit_changes(&mut self, board: Option<&samod::DocumentId>, data: &[u8]) -> Result<(), Refusal> {
        let message = automerge::sync::Message::decode(data).map_err(|error| {
            Refusal::new(INVALID_PAYLOAD, "malformed", format!("not an automerge sync message: {error}"))
        })?;
        let Some(board) = board.filter(|_| !message.changes.is_empty()) else {
            return Ok(());
        };
        if !self.role(board).await?.is_some_and(Role::can_edit) {
            return Ok(());
        }
        let document_id = board.to_string();
        let handle = match self.state.repo.find(board.clone()).await {
            Ok(Some(handle)) => handle,
            Ok(None) => {
                tracing::error!(document_id, "a board with members has no document");
                return Err(Refusal::new(SERVER_ERROR, "internal", "the server cannot open this board right now"));
            }
            Err(samod::Stopped) => return Err(Refusal::new(TRY_AGAIN_LATER, "stopping", "the server is stopping")),
        };
        self.until_applied().await?;
        let limits = GateLimits { max_document_ops: self.state.config.limits.max_document_ops };
        let data = data.to_vec();
        let checked_handle = handle.clone();
        let checked = tokio::task::spawn_blocking(move || {
            handle.with_document(|document| shared::gate::check_sync(document, &data, &limits))
        })
        .await
        .map_err(|error| Refusal::new(SERVER_ERROR, "internal", format!("checking the changes failed: {error}")))?;
        let accepted = checked.map_err(|error| {
            let kind = match error {
                shared::gate::GateError::DocumentTooLarge { .. } => "too_large",
                shared::gate::GateError::Schema(_) => "schema",
                _ => "invalid_change",
            };
            Refusal::new(POLICY_VIOLATION, kind, error.to_string())
        })?;
        if accepted.changes.is_empty() {
            return Ok(());
        }
        let started = Instant::now();
        let mut wait = Duration::from_millis(50);
        for attempt in 1.. {
            match self.state.store.commit_changes_by(&document_id, &accepted.changes, &self.identity.account_id).await {
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
        let role = self.state.store.role(&board.to_string(), &self.identity.account_id).await.map_err(|error| {
            tracing::error!(%error, "cannot read a board's members");
            Refusal::new(TRY_AGAIN_LATER, "storage", "the server cannot check access right now")
        })?;
        self.roles.insert(board.clone(), (generation, role));
        Ok(role)
    }
}
