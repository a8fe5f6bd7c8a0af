//! `GET /metrics`: the server's figures in the Prometheus text format, for a scraper that
//! sends the configured token (`PMO_METRICS_TOKEN`); without a configured token they are not
//! served at all.
//!
//! Counters and gauges live in one [`Metrics`] value shared by every handler. samod reports
//! what happens inside the repos (sync messages, storage operations) through its observer hook,
//! which [`Metrics`] implements; the boards loaded and unloaded are counted by
//! [`crate::boards`], which loads and unloads them; the history rows described after they
//! were written, by [`crate::history`] and its background describer.

use std::sync::Arc;

use axum::{
    extract::State,
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use prometheus_client::{
    encoding::{text::encode, EncodeLabelSet},
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};
use samod::{RepoEvent, StorageOperation};

use crate::AppState;

#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq)]
pub enum Direction {
    Received,
    Sent,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct DirectionLabel {
    /// `received` or `sent`.
    pub direction: &'static str,
}

#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq)]
pub enum Operation {
    Load,
    LoadRange,
    Put,
    Delete,
    /// Changes committed by the write gate before samod sees them.
    Commit,
}

impl Operation {
    fn label(self) -> &'static str {
        match self {
            Operation::Load => "load",
            Operation::LoadRange => "load_range",
            Operation::Put => "put",
            Operation::Delete => "delete",
            Operation::Commit => "commit",
        }
    }
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OperationLabel {
    pub operation: &'static str,
}

/// Who described a row of a board's history that was written without its summary.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq)]
pub enum DescribedBy {
    /// The background describer (`history::background`), soon after the row was written.
    Background,
    /// A history request that listed the row before the background reached it.
    Request,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct DescribedByLabel {
    /// `background` or `request`.
    pub by: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReasonLabel {
    pub reason: String,
}

/// Every figure `/metrics` reports. Cheap to clone: clones share the figures.
#[derive(Clone)]
pub struct Metrics {
    registry: Arc<Registry>,
    pub connections: Gauge,
    pub connections_total: Counter,
    pub connections_refused: Family<ReasonLabel, Counter>,
    pub boards_loaded: Gauge,
    pub boards_unloaded: Counter,
    pub sync_messages: Family<DirectionLabel, Counter>,
    pub sync_bytes: Family<DirectionLabel, Counter>,
    pub storage_seconds: Family<OperationLabel, Histogram>,
    pub changes_committed: Counter,
    pub remote_updates: Counter,
    pub history_described: Family<DescribedByLabel, Counter>,
    pub history_boards_waiting: Gauge,
    pub history_hold_seconds: Histogram,
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("pmo");
        let metrics = Metrics {
            registry: Arc::new(Registry::default()),
            connections: Gauge::default(),
            connections_total: Counter::default(),
            connections_refused: Family::default(),
            boards_loaded: Gauge::default(),
            boards_unloaded: Counter::default(),
            sync_messages: Family::default(),
            sync_bytes: Family::default(),
            storage_seconds: Family::new_with_constructor(|| {
                Histogram::new([0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5])
            }),
            changes_committed: Counter::default(),
            remote_updates: Counter::default(),
            history_described: Family::default(),
            history_boards_waiting: Gauge::default(),
            history_hold_seconds: Histogram::new([0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256]),
        };
        registry.register("sync_connections", "Open sync (WebSocket) connections", metrics.connections.clone());
        registry.register("sync_connections_opened", "Sync connections accepted", metrics.connections_total.clone());
        registry.register(
            "sync_connections_refused",
            "Sync connections refused or closed by the server, by reason",
            metrics.connections_refused.clone(),
        );
        registry.register("boards_loaded", "Boards held in memory", metrics.boards_loaded.clone());
        registry.register(
            "boards_unloaded",
            "Boards unloaded because nobody had used them for the idle period",
            metrics.boards_unloaded.clone(),
        );
        registry.register("sync_messages", "automerge sync messages", metrics.sync_messages.clone());
        registry.register("sync_bytes", "Bytes of automerge sync messages", metrics.sync_bytes.clone());
        registry.register("storage_seconds", "Time taken by storage operations", metrics.storage_seconds.clone());
        registry.register(
            "changes_committed",
            "Changes committed to the database by the write gate",
            metrics.changes_committed.clone(),
        );
        registry.register(
            "remote_updates",
            "Board updates loaded because another node committed changes",
            metrics.remote_updates.clone(),
        );
        registry.register(
            "history_described",
            "Rows of boards' histories written without a summary and described since, by who described them",
            metrics.history_described.clone(),
        );
        registry.register(
            "history_boards_waiting",
            "Boards with rows of history waiting for the background describer",
            metrics.history_boards_waiting.clone(),
        );
        registry.register(
            "history_hold_seconds",
            "How long the background describer held a board's document at a time",
            metrics.history_hold_seconds.clone(),
        );
        Metrics { registry: Arc::new(registry), ..metrics }
    }

    pub fn refused(&self, reason: &str) {
        self.connections_refused.get_or_create(&ReasonLabel { reason: reason.to_owned() }).inc();
    }

    pub fn storage(&self, operation: Operation, seconds: f64) {
        self.storage_seconds.get_or_create(&OperationLabel { operation: operation.label() }).observe(seconds);
    }

    /// Counts `rows` of history described by `by`.
    pub fn history_described(&self, by: DescribedBy, rows: u64) {
        let by = match by {
            DescribedBy::Background => "background",
            DescribedBy::Request => "request",
        };
        self.history_described.get_or_create(&DescribedByLabel { by }).inc_by(rows);
    }

    fn encode(&self) -> String {
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = encode(&mut text, &self.registry);
        text
    }
}

impl samod::RepoObserver for Metrics {
    fn observe(&self, event: &RepoEvent) {
        match event {
            RepoEvent::SyncMessageReceived { bytes, .. } => self.sync_message(Direction::Received, *bytes),
            RepoEvent::SyncMessageGenerated { bytes, .. } => self.sync_message(Direction::Sent, *bytes),
            RepoEvent::StorageOperationCompleted { operation, duration, .. } => {
                let operation = match operation {
                    StorageOperation::Load => Operation::Load,
                    StorageOperation::LoadRange => Operation::LoadRange,
                    StorageOperation::Put => Operation::Put,
                    StorageOperation::Delete => Operation::Delete,
                };
                self.storage(operation, duration.as_secs_f64());
            }
            _ => {}
        }
    }
}

impl Metrics {
    fn sync_message(&self, direction: Direction, bytes: usize) {
        let direction = match direction {
            Direction::Received => "received",
            Direction::Sent => "sent",
        };
        let label = DirectionLabel { direction };
        self.sync_messages.get_or_create(&label).inc();
        self.sync_bytes.get_or_create(&label).inc_by(bytes as u64);
    }
}

/// The secret a scraper sends as `Authorization: Bearer <token>` to read `/metrics`. Its
/// `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct MetricsToken(String);

impl MetricsToken {
    /// A token, if `secret` is one: blank is none.
    pub fn new(secret: &str) -> Option<MetricsToken> {
        let secret = secret.trim();
        (!secret.is_empty()).then(|| MetricsToken(secret.to_owned()))
    }

    /// Whether `headers` carry this token, compared in constant time.
    fn admits(&self, headers: &HeaderMap) -> bool {
        use subtle::ConstantTimeEq;
        let sent = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
            .unwrap_or_default();
        bool::from(sent.as_bytes().ct_eq(self.0.as_bytes()))
    }
}

impl std::fmt::Debug for MetricsToken {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("MetricsToken(<hidden>)")
    }
}

/// `GET /metrics`: the figures, for a request with the configured token ([`crate::Config::metrics_token`]);
/// 401 without it, and 404 when no token is configured (the figures are then not served at all).
pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(token) = &state.config.metrics_token else {
        return (
            StatusCode::NOT_FOUND,
            "/metrics is served only with a token: start the server with PMO_METRICS_TOKEN\n",
        )
            .into_response();
    };
    if !token.admits(&headers) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "/metrics needs the header Authorization: Bearer <the server's PMO_METRICS_TOKEN>\n",
        )
            .into_response();
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], state.metrics.encode()).into_response()
}
