//! The automerge-repo protocol's vocabulary, named once: the message kinds, the messages a
//! client reads and writes, and what this server adds to the protocol. The client half
//! ([`crate::sync`]) speaks it with typed [`WireMessage`]s; the server's write gate
//! ([`crate::gate`]) reads every frame as an untyped map and names its [`MessageKind`].
//!
//! The server speaks the automerge-repo WebSocket protocol (through samod), so any
//! automerge-repo 2.x client can sync a board with it. The browser cannot run samod itself
//! (it reads `std::time::Instant`, which panics on `wasm32-unknown-unknown`), so
//! [`crate::sync`] implements the few messages a client needs for one document:
//!
//! ```text
//! client                                  server
//!   join {senderId, supportedProtocolVersions: ["1"]}  ──▶
//!   ◀── peer {senderId, targetId, selectedProtocolVersion: "1"}
//!   request | sync {documentId, data: <automerge sync message>}  ──▶
//!   ◀── sync {documentId, data}   (repeated until both sides have every change)
//!   ◀── doc-unavailable {documentId}   (the server does not hold this board)
//!   ephemeral {documentId, sessionId, count, data}  ◀──▶   (presence; never stored)
//!   ◀── remote-subscription-change {add: [], remove: []}   (keep-alive on a quiet connection)
//! ```
//!
//! A browser cannot see WebSocket pings, so to tell a quiet connection from a dead one this
//! server sends, whenever it has been quiet for [`KEEP_ALIVE_INTERVAL_MS`], a
//! `remote-subscription-change` that adds and removes nothing ([`WireMessage::keep_alive`]).
//! It is a message of the protocol that changes nothing for any client: samod and
//! automerge-repo JS both accept it and do nothing (a message type they did not know would make
//! samod close the connection).

use serde::{Deserialize, Serialize};

/// The only protocol version automerge-repo 2.x speaks.
pub const PROTOCOL_VERSION: &str = "1";

/// The WebSocket close code with which the server ends an account's sync connections to a
/// board when the account's role on it changes (or it is removed): the client reads its role
/// again and reconnects.
pub const ROLE_CHANGED_CLOSE_CODE: u16 = 4001;

/// The WebSocket close code (RFC 6455's policy violation) with which the server refuses the
/// changes a client sent; the reason is a [`ChangesRefused`] code.
pub const CHANGES_REFUSED_CLOSE_CODE: u16 = 1008;

/// Why the server refused the changes a client sent, as the reason of the WebSocket close frame
/// that ends the connection: a short, stable, ASCII code ([`ChangesRefused::code`]), which the
/// client words in its reader's language. The English details (what was wrong, and where) go in
/// the automerge-repo `error` message sent just before the close, which has no length limit; a
/// close reason holds at most 123 bytes, so prose there would be cut short.
///
/// ```text
/// ◀── error {message: "the sender may not make these changes …: at `settings/currency`: …"}
/// ◀── close 1008 "owner_only_settings"
/// ```
///
/// The codes are a compatibility promise: a client maps the ones it knows and treats any other
/// close as a lost connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangesRefused {
    /// Only the board's owner changes its settings.
    OwnerOnlySettings,
    /// Only the board's owner changes the stage-gate checklist.
    OwnerOnlyChecklist,
    /// Each member answers the AHP comparisons for themself only.
    NotYourJudgments,
    /// The changes would leave the board in a shape its schema does not allow.
    Schema,
    /// The board would hold more operations than the server accepts.
    TooLarge,
    /// A text value longer than the server accepts.
    StringTooLong,
    /// A change came without the changes it builds on.
    MissingDependencies,
    /// A change that cannot be read or applied.
    InvalidChange,
}

impl ChangesRefused {
    pub const ALL: [ChangesRefused; 8] = [
        ChangesRefused::OwnerOnlySettings,
        ChangesRefused::OwnerOnlyChecklist,
        ChangesRefused::NotYourJudgments,
        ChangesRefused::Schema,
        ChangesRefused::TooLarge,
        ChangesRefused::StringTooLong,
        ChangesRefused::MissingDependencies,
        ChangesRefused::InvalidChange,
    ];

    /// The close reason that names this refusal.
    pub fn code(self) -> &'static str {
        match self {
            ChangesRefused::OwnerOnlySettings => "owner_only_settings",
            ChangesRefused::OwnerOnlyChecklist => "owner_only_checklist",
            ChangesRefused::NotYourJudgments => "not_your_judgments",
            ChangesRefused::Schema => "schema",
            ChangesRefused::TooLarge => "too_large",
            ChangesRefused::StringTooLong => "string_too_long",
            ChangesRefused::MissingDependencies => "missing_dependencies",
            ChangesRefused::InvalidChange => "invalid_change",
        }
    }

    /// The refusal a close reason names, if it names one.
    pub fn from_code(code: &str) -> Option<ChangesRefused> {
        ChangesRefused::ALL.into_iter().find(|refused| refused.code() == code)
    }

    /// The refusal a close frame names, if it names one: the server closes with 1008 (policy
    /// violation) and a refusal's code as the reason.
    pub fn from_close(code: u16, reason: &str) -> Option<ChangesRefused> {
        (code == CHANGES_REFUSED_CLOSE_CODE).then(|| ChangesRefused::from_code(reason)).flatten()
    }

    /// Whether it is about who sent the changes rather than what they hold: the same changes
    /// from the board's owner (or, for AHP answers, from the member they belong to) would pass.
    pub fn is_permission(self) -> bool {
        matches!(
            self,
            ChangesRefused::OwnerOnlySettings | ChangesRefused::OwnerOnlyChecklist | ChangesRefused::NotYourJudgments
        )
    }

    /// Whether sending the same changes again can never succeed, so the client should take them
    /// off the board and keep them aside rather than resend them on every reconnect. A change
    /// sent without its ancestors is sent again with them.
    pub fn is_final(self) -> bool {
        !matches!(self, ChangesRefused::MissingDependencies)
    }
}

/// The server sends [`WireMessage::keep_alive`] when it has sent nothing else for this long, so
/// a client that hears nothing for a few intervals knows the connection is dead.
pub const KEEP_ALIVE_INTERVAL_MS: u64 = 2_000;

/// One message of the automerge-repo protocol, as it crosses the wire. This is a wire type:
/// its field names are fixed by automerge-repo and may not change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", rename_all_fields = "camelCase")]
pub enum WireMessage {
    Join {
        sender_id: String,
        supported_protocol_versions: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        peer_metadata: Option<PeerMetadata>,
    },
    Peer {
        sender_id: String,
        target_id: String,
        selected_protocol_version: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        peer_metadata: Option<PeerMetadata>,
    },
    Leave {
        sender_id: String,
    },
    Request {
        document_id: String,
        sender_id: String,
        target_id: String,
        #[serde(with = "serde_bytes")]
        data: Vec<u8>,
    },
    Sync {
        document_id: String,
        sender_id: String,
        target_id: String,
        #[serde(with = "serde_bytes")]
        data: Vec<u8>,
    },
    DocUnavailable {
        sender_id: String,
        target_id: String,
        document_id: String,
    },
    Ephemeral {
        sender_id: String,
        target_id: String,
        count: u64,
        session_id: String,
        document_id: String,
        #[serde(with = "serde_bytes")]
        data: Vec<u8>,
    },
    Error {
        message: String,
    },
    /// Which storage ids' heads a peer wants to hear about; this server sends an empty one as a
    /// keep-alive ([`WireMessage::keep_alive`]).
    RemoteSubscriptionChange {
        sender_id: String,
        target_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        add: Option<Vec<String>>,
        #[serde(default)]
        remove: Vec<String>,
    },
    /// Messages this client has no use for (remote-heads-changed, …).
    #[serde(other)]
    Other,
}

/// What a peer says about itself in `join` and `peer`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PeerMetadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_id: Option<String>,
    #[serde(default)]
    pub is_ephemeral: bool,
}

impl WireMessage {
    /// "Still here", from `sender` to `target`: a subscription change that changes nothing.
    pub fn keep_alive(sender: &str, target: &str) -> WireMessage {
        WireMessage::RemoteSubscriptionChange {
            sender_id: sender.to_owned(),
            target_id: target.to_owned(),
            add: Some(Vec::new()),
            remove: Vec::new(),
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        ciborium::into_writer(self, &mut bytes).expect("writing CBOR to a Vec cannot fail");
        bytes
    }

    pub fn decode(bytes: &[u8]) -> Result<WireMessage, MalformedMessage> {
        ciborium::from_reader(bytes).map_err(|error| MalformedMessage(error.to_string()))
    }

    /// The message's `type`; `None` for a type this client does not read ([`WireMessage::Other`]).
    pub fn kind(&self) -> Option<MessageKind> {
        Some(match self {
            WireMessage::Join { .. } => MessageKind::Join,
            WireMessage::Peer { .. } => MessageKind::Peer,
            WireMessage::Leave { .. } => MessageKind::Leave,
            WireMessage::Request { .. } => MessageKind::Request,
            WireMessage::Sync { .. } => MessageKind::Sync,
            WireMessage::DocUnavailable { .. } => MessageKind::DocUnavailable,
            WireMessage::Ephemeral { .. } => MessageKind::Ephemeral,
            WireMessage::Error { .. } => MessageKind::Other("error".to_owned()),
            WireMessage::RemoteSubscriptionChange { .. } => MessageKind::RemoteSubscriptionChange,
            WireMessage::Other => return None,
        })
    }
}

/// A frame that is not an automerge-repo message this client can read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("the server sent a frame that is not an automerge-repo message: {0}")]
pub struct MalformedMessage(pub String);

/// The `type` of an automerge-repo message.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MessageKind {
    Join,
    Peer,
    Request,
    Sync,
    Ephemeral,
    DocUnavailable,
    RemoteSubscriptionChange,
    RemoteHeadsChanged,
    Leave,
    /// A type this build does not know, passed on as it is.
    Other(String),
}

impl MessageKind {
    pub(crate) fn from_type(name: &str) -> MessageKind {
        match name {
            "join" => MessageKind::Join,
            "peer" => MessageKind::Peer,
            "request" => MessageKind::Request,
            "sync" => MessageKind::Sync,
            "ephemeral" => MessageKind::Ephemeral,
            "doc-unavailable" => MessageKind::DocUnavailable,
            "remote-subscription-change" => MessageKind::RemoteSubscriptionChange,
            "remote-heads-changed" => MessageKind::RemoteHeadsChanged,
            "leave" => MessageKind::Leave,
            other => MessageKind::Other(other.to_owned()),
        }
    }

    /// The `type` as it appears on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            MessageKind::Join => "join",
            MessageKind::Peer => "peer",
            MessageKind::Request => "request",
            MessageKind::Sync => "sync",
            MessageKind::Ephemeral => "ephemeral",
            MessageKind::DocUnavailable => "doc-unavailable",
            MessageKind::RemoteSubscriptionChange => "remote-subscription-change",
            MessageKind::RemoteHeadsChanged => "remote-heads-changed",
            MessageKind::Leave => "leave",
            MessageKind::Other(name) => name,
        }
    }

    /// Messages about one document, which must name it.
    pub(crate) fn names_a_document(&self) -> bool {
        matches!(
            self,
            MessageKind::Request
                | MessageKind::Sync
                | MessageKind::Ephemeral
                | MessageKind::DocUnavailable
                | MessageKind::RemoteHeadsChanged
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::decode_frame;

    /// The typed messages' `type` tags (serde's) and the gate's kinds are the same words: each
    /// typed message, encoded, is read by the gate as the kind the message says it is.
    #[test]
    fn typed_messages_and_gate_kinds_agree() {
        let sender = || "client".to_owned();
        let target = || "server".to_owned();
        let document = || "4NMNnkMhL8jXrdJ9jamS58PAVdXu".to_owned();
        let messages = [
            WireMessage::Join {
                sender_id: sender(),
                supported_protocol_versions: vec!["1".into()],
                peer_metadata: None,
            },
            WireMessage::Peer {
                sender_id: sender(),
                target_id: target(),
                selected_protocol_version: "1".into(),
                peer_metadata: None,
            },
            WireMessage::Leave { sender_id: sender() },
            WireMessage::Request { document_id: document(), sender_id: sender(), target_id: target(), data: vec![1] },
            WireMessage::Sync { document_id: document(), sender_id: sender(), target_id: target(), data: vec![1] },
            WireMessage::DocUnavailable { sender_id: sender(), target_id: target(), document_id: document() },
            WireMessage::Ephemeral {
                sender_id: sender(),
                target_id: target(),
                count: 1,
                session_id: "s".into(),
                document_id: document(),
                data: vec![1],
            },
            WireMessage::keep_alive("client", "server"),
        ];
        for message in messages {
            let frame = decode_frame(&message.encode()).unwrap_or_else(|error| panic!("{message:?}: {error}"));
            assert_eq!(Some(frame.kind().clone()), message.kind(), "{message:?}");
            assert_eq!(MessageKind::from_type(frame.kind().as_str()), *frame.kind());
        }
    }

    /// A refusal's code is a whole close reason: short ASCII (a close reason holds 123 bytes),
    /// and read back as the same refusal.
    #[test]
    fn refusal_codes_fit_a_close_frame_and_read_back() {
        for refused in ChangesRefused::ALL {
            let code = refused.code();
            assert!(code.len() <= 123 && code.is_ascii(), "{code}");
            assert_eq!(ChangesRefused::from_code(code), Some(refused));
        }
        assert_eq!(ChangesRefused::from_code("the changes would break the board"), None);
        assert_eq!(ChangesRefused::from_code(""), None);
        assert_eq!(ChangesRefused::from_close(1008, "schema"), Some(ChangesRefused::Schema));
        assert_eq!(ChangesRefused::from_close(1011, "schema"), None);
    }
}
