//! Open sync connections: how many per account, what authenticated each (so that revoking a
//! token or ending a session closes the connections it opened, on every node), and connection
//! numbers for logs.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
};

use crate::{
    auth::{Caller, Via},
    metrics::Metrics,
};

/// What the registry calls to tell the other nodes of a cluster that a credential ended, with
/// the notice of what ended (the cluster module makes it; this module does not know the cluster).
pub type Hook = Arc<dyn Fn(&str) + Send + Sync>;

/// Open sync connections: how many per account, what authenticated each (so that revoking a
/// token or ending a session closes the connections it opened), and connection numbers for logs.
#[derive(Clone, Default)]
pub struct Connections {
    open: Arc<Mutex<HashMap<String, usize>>>,
    sockets: Arc<Mutex<HashMap<u64, OpenSocket>>>,
    next: Arc<AtomicU64>,
    metrics: Metrics,
    /// Tells the other nodes when a credential ends (a cluster on Postgres only).
    other_nodes: Option<Hook>,
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
    pub fn new(metrics: Metrics, other_nodes: Option<Hook>) -> Connections {
        Connections { metrics, other_nodes, ..Connections::default() }
    }

    pub(crate) fn next_id(&self) -> u64 {
        self.next.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// A permit for one more connection of `caller`'s account, if it has fewer than `limit` open.
    pub(crate) fn acquire(&self, caller: &Caller, limit: usize) -> Option<ConnectionPermit> {
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
        if let Some(tell) = &self.other_nodes {
            tell(&ended.to_notice());
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
