//! `ws://HOST/sync`: the automerge-repo WebSocket endpoint, served by samod.
//!
//! The upgrade is where identity is settled: the request must carry a session cookie, an
//! `Authorization: Bearer` API token, or `?token=` (for clients that cannot set headers). The
//! account found there is the identity for every document on the connection: samod knows the
//! connection by a peer id the server assigns ([`peer_id`]), and [`connection`] rewrites the
//! `senderId` of every frame to it, so the peer id a client claims never decides anything.
//!
//! [`AccessPolicy`] is samod's share policy: a board's members get it (owners and editors
//! read-write, viewers read-only, so their changes are neither applied, stored nor relayed);
//! anyone else, and any id that is not a board, gets `doc-unavailable`. Nothing is announced:
//! a peer gets a board when it asks for it. Decisions are streams that follow membership
//! changes, so a removed member's open connection loses the board at once.

pub mod connection;

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
};

use axum::{
    extract::{ws::WebSocketUpgrade, FromRequestParts, Query, Request, State},
    http::{header, request::Parts, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use futures::{Stream, StreamExt};
use samod::{DocumentId, PeerId, ShareConfig};
use serde::Deserialize;
use shared::api::{ApiError, ErrorCode, Role};
use tokio::sync::broadcast;

use crate::{
    auth::{Caller, Via},
    metrics::Metrics,
    store::Store,
    AppState,
};

/// The peer id samod knows a connection by: `pmo/<account id>/<connection>`. Only the server
/// makes these; [`account_of`] reads the account back.
pub fn peer_id(account_id: &str, connection: u64, node: &str) -> String {
    format!("pmo/{account_id}/{node}-{connection}")
}

/// The account a peer id assigned by [`peer_id`] belongs to.
pub fn account_of(peer_id: &str) -> Option<&str> {
    let rest = peer_id.strip_prefix("pmo/")?;
    let (account, _) = rest.split_once('/')?;
    (!account.is_empty()).then_some(account)
}

/// `?token=<API token>`, for automerge-repo clients that cannot set headers.
#[derive(Debug, Deserialize)]
pub struct SyncQuery {
    token: Option<String>,
}

fn refuse(status: StatusCode, message: &str) -> Response {
    let code = ErrorCode::for_status(status.as_u16());
    (status, Json(ApiError { error: message.to_owned(), code })).into_response()
}

pub async fn upgrade(State(state): State<AppState>, request: Request) -> Response {
    let (mut parts, _) = request.into_parts();
    let ws = match WebSocketUpgrade::from_request_parts(&mut parts, &state).await {
        Ok(ws) => ws,
        Err(rejection) => return rejection.into_response(),
    };
    let token = Query::<SyncQuery>::try_from_uri(&parts.uri).ok().and_then(|query| query.0.token);
    let caller = match authenticate(&state, &parts, token.as_deref()).await {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let account_id = caller.account.id.clone();
    let Some(permit) = state.connections.acquire(&caller, state.config.limits.connections_per_account) else {
        state.metrics.refused("too_many_connections");
        return refuse(
            StatusCode::TOO_MANY_REQUESTS,
            "this account has too many sync connections open; close some tabs or scripts",
        );
    };
    let connection = state.connections.next_id();
    let identity =
        connection::Identity { peer_id: peer_id(&account_id, connection, &state.node_id), account_id, connection };
    let max = state.config.limits.max_frame_bytes;
    ws.max_message_size(max)
        .max_frame_size(max)
        .on_upgrade(move |socket| connection::serve(state, identity, socket, permit))
}

/// The account behind an upgrade request: a `?token=`, a bearer token or the session cookie.
/// A cookie only counts when the request comes from this server's own pages (a browser sends
/// cookies with cross-site WebSocket requests too).
async fn authenticate(state: &AppState, parts: &Parts, token: Option<&str>) -> Result<Caller, Response> {
    if let Some(token) = token {
        return match crate::auth::token_caller(state, token).await {
            Ok(Some(caller)) => match crate::auth::require_scope(&caller, shared::api::TokenScope::Sync) {
                Ok(()) => Ok(caller),
                Err(failure) => {
                    state.metrics.refused("token_scope");
                    Err(failure.into_response())
                }
            },
            Ok(None) => {
                state.metrics.refused("unauthenticated");
                Err(refuse(StatusCode::UNAUTHORIZED, "this API token is not valid: it was revoked or mistyped"))
            }
            Err(error) => {
                tracing::error!(%error, "cannot authenticate a sync connection");
                Err(refuse(StatusCode::SERVICE_UNAVAILABLE, "the server cannot check who you are right now"))
            }
        };
    }
    if !same_origin(&parts.headers) {
        state.metrics.refused("cross_origin");
        return Err(refuse(StatusCode::FORBIDDEN, "sync connections from other sites are refused"));
    }
    match crate::auth::caller_from_parts(state, parts).await {
        Ok(caller) => Ok(caller),
        Err(failure) => {
            state.metrics.refused("unauthenticated");
            Err(failure.into_response())
        }
    }
}

/// True unless the request names an `Origin` whose host differs from `Host`.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|value| value.to_str().ok()) else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|value| value.to_str().ok()).unwrap_or_default();
    let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    origin_host.eq_ignore_ascii_case(host)
}

/// Open sync connections: how many per account, what authenticated each (so that revoking a
/// token or ending a session closes the connections it opened), and connection numbers for logs.
#[derive(Clone, Default)]
pub struct Connections {
    open: Arc<Mutex<HashMap<String, usize>>>,
    sockets: Arc<Mutex<HashMap<u64, OpenSocket>>>,
    next: Arc<AtomicU64>,
    metrics: Metrics,
    /// Tells the other nodes when a credential ends (Postgres only).
    cluster: Option<crate::cluster::Notifier>,
}

/// One open sync connection, as the registry knows it.
struct OpenSocket {
    account_id: String,
    credential: Credential,
    /// Tells the connection to close, with the reason for the client.
    close: tokio::sync::mpsc::Sender<String>,
}

/// What authenticated a sync connection.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Credential {
    Session(String),
    Token(String),
}

impl Connections {
    pub fn new(metrics: Metrics, cluster: Option<crate::cluster::Notifier>) -> Connections {
        Connections { metrics, cluster, ..Connections::default() }
    }

    fn next_id(&self) -> u64 {
        self.next.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// A permit for one more connection of `caller`'s account, if it has fewer than `limit` open.
    fn acquire(&self, caller: &Caller, limit: usize) -> Option<ConnectionPermit> {
        let account_id = &caller.account.id;
        let mut open = self.open.lock().expect("the connection table");
        let count = open.entry(account_id.to_owned()).or_default();
        if *count >= limit {
            return None;
        }
        *count += 1;
        self.metrics.connections.inc();
        self.metrics.connections_total.inc();
        let credential = match &caller.via {
            Via::Session { session_id, .. } => Credential::Session(session_id.clone()),
            Via::Token { token_id, .. } => Credential::Token(token_id.clone()),
        };
        let (close, closed) = tokio::sync::mpsc::channel(1);
        let id = self.next_id();
        let socket = OpenSocket { account_id: account_id.to_owned(), credential, close };
        self.sockets.lock().expect("the socket table").insert(id, socket);
        Some(ConnectionPermit {
            connections: self.clone(),
            account_id: account_id.to_owned(),
            id,
            closed: Some(closed),
        })
    }

    /// Closes the connections opened with the API token `token_id` (it was revoked), here and
    /// on every other node.
    pub fn close_token(&self, token_id: &str) {
        self.ended(&Ended::Token(token_id.to_owned()));
    }

    /// Closes the connections opened with the session `session_id` (it ended).
    pub fn close_session(&self, session_id: &str) {
        self.ended(&Ended::Session(session_id.to_owned()));
    }

    /// Closes the connections of `account_id` opened with any session but `except` (the
    /// password changed, which ends every other session).
    pub fn close_other_sessions(&self, account_id: &str, except: Option<&str>) {
        self.ended(&Ended::OtherSessions { account_id: account_id.to_owned(), except: except.map(str::to_owned) });
    }

    fn ended(&self, ended: &Ended) {
        self.ended_here(ended);
        if let Some(cluster) = &self.cluster {
            cluster.credential_ended(&ended.to_notice());
        }
    }

    /// Closes this node's connections that `notice` (from another node) names.
    pub fn ended_elsewhere(&self, notice: &str) {
        match Ended::from_notice(notice) {
            Some(ended) => self.ended_here(&ended),
            None => tracing::warn!(notice, "ignoring a malformed credential notice"),
        }
    }

    fn ended_here(&self, ended: &Ended) {
        match ended {
            Ended::Token(token_id) => self.close_where("this API token was revoked", |socket| {
                socket.credential == Credential::Token(token_id.clone())
            }),
            Ended::Session(session_id) => self.close_where("your session has ended: sign in again", |socket| {
                socket.credential == Credential::Session(session_id.clone())
            }),
            Ended::OtherSessions { account_id, except } => {
                self.close_where("your session has ended: sign in again", |socket| {
                    socket.account_id == *account_id
                        && matches!(&socket.credential, Credential::Session(session) if Some(session) != except.as_ref())
                })
            }
        }
    }

    fn close_where(&self, reason: &str, matches: impl Fn(&OpenSocket) -> bool) {
        let sockets = self.sockets.lock().expect("the socket table");
        for socket in sockets.values().filter(|socket| matches(socket)) {
            // A full channel means the connection is being told already.
            let _ = socket.close.try_send(reason.to_owned());
        }
    }
}

/// A credential that ended, as the nodes tell each other: `token <id>`, `session <id>`,
/// `sessions <account> [<session kept>]`. Ids are UUIDs and hex hashes: no spaces.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ended {
    Token(String),
    Session(String),
    OtherSessions { account_id: String, except: Option<String> },
}

impl Ended {
    fn to_notice(&self) -> String {
        match self {
            Ended::Token(id) => format!("token {id}"),
            Ended::Session(id) => format!("session {id}"),
            Ended::OtherSessions { account_id, except: Some(kept) } => format!("sessions {account_id} {kept}"),
            Ended::OtherSessions { account_id, except: None } => format!("sessions {account_id}"),
        }
    }

    fn from_notice(notice: &str) -> Option<Ended> {
        let mut words = notice.split(' ');
        let ended = match (words.next()?, words.next()?) {
            ("token", id) => Ended::Token(id.to_owned()),
            ("session", id) => Ended::Session(id.to_owned()),
            ("sessions", account_id) => {
                Ended::OtherSessions { account_id: account_id.to_owned(), except: words.next().map(str::to_owned) }
            }
            _ => return None,
        };
        words.next().is_none().then_some(ended)
    }
}

/// One open connection; dropping it frees the account's slot.
pub struct ConnectionPermit {
    connections: Connections,
    account_id: String,
    id: u64,
    closed: Option<tokio::sync::mpsc::Receiver<String>>,
}

impl ConnectionPermit {
    pub fn metrics(&self) -> &Metrics {
        &self.connections.metrics
    }

    /// Receives the reason when the credential behind this connection ends (once).
    pub fn take_closed(&mut self) -> Option<tokio::sync::mpsc::Receiver<String>> {
        self.closed.take()
    }
}

impl Drop for ConnectionPermit {
    fn drop(&mut self) {
        self.connections.sockets.lock().expect("the socket table").remove(&self.id);
        let mut open = self.connections.open.lock().expect("the connection table");
        if let Some(count) = open.get_mut(&self.account_id) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.account_id);
            }
        }
        self.connections.metrics.connections.dec();
    }
}

/// samod's share policy: members get their board, everyone else gets `doc-unavailable`.
///
/// samod asks as soon as a document and a peer meet, which for a new board can be before the
/// board is in the index, and access changes while connections are open. So each decision is
/// a stream: it gives the current answer, then a new one whenever
/// [`AccessPolicy::access_changed`] reports the board.
#[derive(Clone)]
pub struct AccessPolicy {
    store: Store,
    changed: broadcast::Sender<AccessChange>,
    /// Counts access changes, so the gate knows when a role it remembers may be stale.
    generation: Arc<AtomicU64>,
    cluster: Option<crate::cluster::Notifier>,
}

impl AccessPolicy {
    pub fn new(store: Store, cluster: Option<crate::cluster::Notifier>) -> AccessPolicy {
        let (changed, _) = broadcast::channel(256);
        AccessPolicy { store, changed, generation: Arc::default(), cluster }
    }

    /// Tells open decisions, here and on every other node, that who may see `document_id`
    /// has changed: it became a board, or a member was added, removed or given another role.
    pub fn access_changed(&self, document_id: &str) {
        self.access_changed_here(document_id);
        if let Some(cluster) = &self.cluster {
            cluster.access_changed(document_id);
        }
    }

    /// Like [`AccessPolicy::access_changed`] when the new role of one account is known: its
    /// open decisions switch without asking the database again. A new board's owner gets it
    /// this way, before the answer to `POST /api/boards` can reach anyone.
    pub fn role_changed(&self, document_id: &str, account_id: &str, role: Option<Role>) {
        self.announce(AccessChange { document_id: document_id.to_owned(), known: Some((account_id.to_owned(), role)) });
        if let Some(cluster) = &self.cluster {
            cluster.access_changed(document_id);
        }
    }

    /// Like [`AccessPolicy::access_changed`], for this node only (another node told us).
    pub fn access_changed_here(&self, document_id: &str) {
        self.announce(AccessChange { document_id: document_id.to_owned(), known: None });
    }

    fn announce(&self, change: AccessChange) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        // No receiver means nobody is waiting: nothing to tell.
        let _ = self.changed.send(change);
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Every access change from now on, for a connection that closes itself when its
    /// account's role on one of its boards changes (see `connection::serve`).
    fn subscribe(&self) -> broadcast::Receiver<AccessChange> {
        self.changed.subscribe()
    }
}

/// Who may see a board changed; `known` is one account's new role when the sender knows it.
#[derive(Debug, Clone)]
struct AccessChange {
    document_id: String,
    known: Option<(String, Option<Role>)>,
}

fn decision(role: Option<Role>) -> ShareConfig {
    match role {
        None => ShareConfig::none(),
        Some(Role::Viewer) => ShareConfig::read_only().with_announce(false),
        Some(Role::Editor | Role::Owner) => ShareConfig::read_write().with_announce(false),
    }
}

async fn decide(store: &Store, document_id: &str, account_id: &str) -> ShareConfig {
    match store.role(document_id, account_id).await {
        Ok(role) => decision(role),
        Err(error) => {
            tracing::error!(%error, document_id, "cannot read a board's members; not sharing");
            ShareConfig::none()
        }
    }
}

impl samod::SharePolicy for AccessPolicy {
    fn share(&self, doc_id: DocumentId, peer_id: PeerId) -> impl Stream<Item = ShareConfig> + Send + 'static {
        let Some(account_id) = account_of(peer_id.as_str()).map(str::to_owned) else {
            return futures::stream::iter([ShareConfig::none()]).boxed();
        };
        let store = self.store.clone();
        // Subscribe before looking, so that a change in between is not missed.
        let changed = self.changed.subscribe();
        let document_id = doc_id.to_string();
        let initial = {
            let (store, document_id, account_id) = (store.clone(), document_id.clone(), account_id.clone());
            async move { decide(&store, &document_id, &account_id).await }
        };
        let later = futures::stream::unfold(changed, move |mut changed| {
            let (store, document_id, account_id) = (store.clone(), document_id.clone(), account_id.clone());
            async move {
                let known = loop {
                    match changed.recv().await {
                        Ok(change) if change.document_id == document_id => break change.known,
                        Ok(_) => {}
                        // Missed some notices: look again to be safe.
                        Err(broadcast::error::RecvError::Lagged(_)) => break None,
                        Err(broadcast::error::RecvError::Closed) => return None,
                    }
                };
                let next = match known {
                    Some((account, role)) if account == account_id => decision(role),
                    _ => decide(&store, &document_id, &account_id).await,
                };
                Some((next, changed))
            }
        });
        futures::stream::once(initial).chain(later).boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_is_read_back_from_an_assigned_peer_id() {
        assert_eq!(account_of(&peer_id("a1b2", 7, "n1")), Some("a1b2"));
        assert_eq!(account_of("browser-123"), None);
        assert_eq!(account_of("pmo//x"), None);
        assert_eq!(account_of("pmo/abc"), None);
    }

    #[test]
    fn credential_notices_round_trip() {
        let cases = [
            Ended::Token("t1".into()),
            Ended::Session("abc".into()),
            Ended::OtherSessions { account_id: "a1".into(), except: Some("s1".into()) },
            Ended::OtherSessions { account_id: "a1".into(), except: None },
        ];
        for ended in cases {
            assert_eq!(Ended::from_notice(&ended.to_notice()), Some(ended));
        }
        assert_eq!(Ended::from_notice("token"), None);
        assert_eq!(Ended::from_notice("token a b"), None);
    }

    #[test]
    fn only_a_foreign_origin_is_refused() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, "127.0.0.1:3000".parse().unwrap());
        assert!(same_origin(&headers));
        headers.insert(header::ORIGIN, "http://127.0.0.1:3000".parse().unwrap());
        assert!(same_origin(&headers));
        headers.insert(header::ORIGIN, "https://evil.example".parse().unwrap());
        assert!(!same_origin(&headers));
    }
}
