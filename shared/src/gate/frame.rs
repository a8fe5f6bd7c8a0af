//! One automerge-repo frame as the gate sees it: a CBOR map, kept whole so that it passes
//! through unchanged except for the fields the server rewrites.

use ciborium::Value;
use serde::ser::{Serialize, Serializer};

use super::GateError;
use crate::protocol::MessageKind;

/// How deeply maps, arrays and tags may nest in a frame. automerge-repo's deepest message
/// (`remote-heads-changed`: map → heads by storage id → heads info → array) needs 4.
pub const MAX_NESTING: usize = 16;

/// A decoded frame: every field of the map, in the order received.
///
/// Invariants, established by [`decode_frame`]: keys are text and unique; `type` and
/// `senderId` are text; `targetId` and `documentId`, where present, are text; request and sync
/// messages carry a `documentId` and a byte-string `data`; messages about a document
/// (request, sync, ephemeral, doc-unavailable, remote-heads-changed) carry a `documentId`.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    kind: MessageKind,
    entries: Vec<(String, Value)>,
}

/// Decodes one frame (the body of one binary WebSocket message).
///
/// The frame must be exactly one CBOR map, nested at most [`MAX_NESTING`] deep, with the
/// invariants listed on [`Frame`]. Duplicate keys are refused: samod would read the last
/// `data` of a map while a gate reading the first would check something else.
///
/// Forward [`Frame::encode`], never the bytes received: the encoding is canonical
/// (definite lengths, shortest integers), so samod reads exactly what the gate checked.
/// samod's own `error` messages carry no `senderId` and are refused here; a proxy passes
/// outbound frames it cannot decode on unchanged (they come from samod).
/// Removes the map entries whose value is null or undefined, at every depth.
///
/// automerge-repo's JavaScript client sends absent optional fields as CBOR `undefined` (for
/// example `peerMetadata.storageId`); ciborium reads `undefined` as `Null`, and samod accepts
/// `undefined` there but refuses `null`. Both mean "absent", so the entry is dropped.
fn drop_absent(value: &mut Value) {
    match value {
        Value::Map(pairs) => {
            pairs.retain(|(_, value)| !matches!(value, Value::Null));
            for (_, value) in pairs.iter_mut() {
                drop_absent(value);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(drop_absent),
        Value::Tag(_, inner) => drop_absent(inner),
        _ => {}
    }
}

pub fn decode_frame(bytes: &[u8]) -> Result<Frame, GateError> {
    if looks_like_json(bytes) {
        return Err(not_repo(
            "this is JSON text; automerge-repo frames are CBOR maps, sent as binary WebSocket messages",
        ));
    }
    let mut rest = bytes;
    let value: Value = ciborium::de::from_reader_with_recursion_limit(&mut rest, MAX_NESTING).map_err(|error| {
        GateError::MalformedCbor(match error {
            ciborium::de::Error::Io(_) => "it ends in the middle of a value".to_owned(),
            ciborium::de::Error::Syntax(offset) => format!("bad syntax at byte {offset}"),
            ciborium::de::Error::Semantic(_, message) => message,
            ciborium::de::Error::RecursionLimitExceeded => format!("it nests deeper than {MAX_NESTING} levels"),
        })
    })?;
    if !rest.is_empty() {
        return Err(GateError::MalformedCbor(format!("{} bytes follow the end of the message", rest.len())));
    }
    let Value::Map(pairs) = value else {
        return Err(not_repo(format!("a frame must be a CBOR map, not {}", describe(&value))));
    };
    let mut entries: Vec<(String, Value)> = Vec::with_capacity(pairs.len());
    for (key, mut value) in pairs {
        if matches!(value, Value::Null) {
            continue;
        }
        drop_absent(&mut value);
        let Value::Text(key) = key else {
            return Err(not_repo(format!("a key of the map is {}, not text", describe(&key))));
        };
        if entries.iter().any(|(seen, _)| *seen == key) {
            return Err(not_repo(format!("the key `{key}` appears twice")));
        }
        entries.push((key, value));
    }
    let frame = Frame { kind: MessageKind::Other(String::new()), entries };
    let kind = MessageKind::from_type(frame.required_text("type")?);
    frame.required_text("senderId")?;
    for key in ["targetId", "documentId"] {
        if let Some(value) = frame.get(key) {
            if !matches!(value, Value::Text(_)) {
                return Err(not_repo(format!("`{key}` must be text, not {}", describe(value))));
            }
        }
    }
    if kind.names_a_document() {
        frame.required_text("documentId")?;
    }
    if matches!(kind, MessageKind::Request | MessageKind::Sync) {
        match frame.get("data") {
            Some(Value::Bytes(_)) => {}
            Some(other) => {
                return Err(not_repo(format!(
                    "the `data` of a {} message must be a byte string, not {}",
                    kind.as_str(),
                    describe(other)
                )))
            }
            None => return Err(not_repo(format!("a {} message must carry `data`", kind.as_str()))),
        }
    }
    Ok(Frame { kind, ..frame })
}

impl Frame {
    pub fn kind(&self) -> &MessageKind {
        &self.kind
    }

    /// The peer the frame says it comes from.
    pub fn sender(&self) -> &str {
        self.text("senderId").unwrap_or_default()
    }

    /// The peer the frame is addressed to, if it names one.
    pub fn target(&self) -> Option<&str> {
        self.text("targetId")
    }

    /// The document the frame is about, as written. samod accepts one document under several
    /// spellings (base58check, or a UUID in any of its textual forms), so compare document
    /// ids as samod's `DocumentId`, never as text.
    pub fn document_id(&self) -> Option<&str> {
        self.text("documentId")
    }

    /// The Automerge sync message of a request or sync frame; `None` for other kinds (the
    /// `data` of an ephemeral message is the application's, not a sync message).
    pub fn data(&self) -> Option<&[u8]> {
        match (&self.kind, self.get("data")) {
            (MessageKind::Request | MessageKind::Sync, Some(Value::Bytes(data))) => Some(data),
            _ => None,
        }
    }

    /// Replaces `senderId` (every frame has one).
    pub fn set_sender(&mut self, sender: &str) {
        self.set("senderId", sender);
    }

    /// Replaces `targetId` if the frame has one, and says whether it did. A frame without
    /// one (join, leave) is left as it is: rewriting never adds a field.
    pub fn set_target(&mut self, target: &str) -> bool {
        self.set("targetId", target)
    }

    /// The frame as CBOR, every field in its original order.
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        ciborium::into_writer(&Entries(&self.entries), &mut bytes).expect("writing CBOR to a Vec cannot fail");
        bytes
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.entries.iter().find(|(name, _)| name == key).map(|(_, value)| value)
    }

    fn text(&self, key: &str) -> Option<&str> {
        match self.get(key)? {
            Value::Text(text) => Some(text),
            _ => None,
        }
    }

    fn required_text(&self, key: &str) -> Result<&str, GateError> {
        match self.get(key) {
            Some(Value::Text(text)) => Ok(text),
            Some(other) => Err(not_repo(format!("`{key}` must be text, not {}", describe(other)))),
            None => Err(not_repo(format!("it has no `{key}`"))),
        }
    }

    fn set(&mut self, key: &str, text: &str) -> bool {
        match self.entries.iter_mut().find(|(name, _)| name == key) {
            Some((_, value)) => {
                *value = Value::Text(text.to_owned());
                true
            }
            None => false,
        }
    }
}

/// The entries as a CBOR map, serialised without copying the values.
struct Entries<'a>(&'a [(String, Value)]);

impl Serialize for Entries<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(key, value)| (key, value)))
    }
}

fn not_repo(reason: impl Into<String>) -> GateError {
    GateError::NotRepoMessage(reason.into())
}

/// A text WebSocket message sent where a binary one belongs. No CBOR map starts with `{`
/// or `[` (those bytes begin text strings), so this never misjudges a real frame.
fn looks_like_json(bytes: &[u8]) -> bool {
    let trimmed = bytes.trim_ascii_start();
    matches!(trimmed.first(), Some(b'{' | b'[')) && std::str::from_utf8(bytes).is_ok()
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Integer(_) => "an integer",
        Value::Bytes(_) => "a byte string",
        Value::Float(_) => "a float",
        Value::Text(_) => "text",
        Value::Bool(_) => "a boolean",
        Value::Null => "null",
        Value::Tag(..) => "a tagged value",
        Value::Array(_) => "an array",
        Value::Map(_) => "a map",
        _ => "an unknown value",
    }
}
