//! The server's write gate: what a client sends is checked before samod stores or relays it.
//!
//! The server puts a proxy between each WebSocket and samod. For every frame a client sends,
//! the proxy decodes it ([`decode_frame`]), rewrites `senderId` to the identity it gave the
//! connection, and for `request` and `sync` frames asks [`check_sync`] whether the changes in
//! the sync message may join the board:
//!
//! ```text
//! client ──frame──▶ decode_frame ──▶ set_sender(identity) ──▶ check_sync(board, data)
//!                                                               │ Ok(Accepted { changes, heads })
//!                                                               │   store `changes`, then
//!                                                               │   hand frame.encode() to samod
//!                                                               └ Err(GateError) → refuse the frame
//! samod ──frame──▶ decode_frame ──▶ set_target(what the client called itself) ──▶ client
//! ```
//!
//! Everything here is pure: bytes and a document in, a verdict out. The caller holds the
//! document still between [`check_sync`] and samod applying the same message (the verdict is
//! about the document it was given), and it stores [`Accepted::changes`] before samod can
//! acknowledge them.
//!
//! [`check_sync`] applies the changes to a copy of the board and checks the result against
//! the board schema with [`crate::board::validate`], using the patches Automerge logs while it
//! applies them, so that the check reads only what the changes touched; and it reads every
//! operation of every change on its own, since what a change creates and deletes again shows in
//! no patch. Copying the document
//! costs time proportional to its size (see ARCHITECTURE.md for the figures).
//!
//! [`fuzz`] holds the bodies of the cargo-fuzz targets in `fuzz/`.

mod frame;
pub mod fuzz;

use automerge::{sync, Automerge, Change, ChangeHash, PatchLog, ReadDoc};

use crate::history::{describe_applied, ChangeSummary};

pub use crate::board::validate::Writer;
use crate::board::validate::{self, SchemaViolation};
pub use crate::protocol::{ChangesRefused, MessageKind};
pub use frame::{decode_frame, Frame, MAX_NESTING};

/// Why a frame was refused. Each message says what was wrong with what the client sent.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GateError {
    #[error("the frame is not valid CBOR: {0}")]
    MalformedCbor(String),
    #[error("the frame is not an automerge-repo message: {0}")]
    NotRepoMessage(String),
    #[error("the `data` of the frame is not an Automerge sync message ({0}): send what Automerge's sync generates")]
    InvalidSyncMessage(String),
    #[error("the sync message carries a change that cannot be used: {0}")]
    InvalidChange(String),
    #[error("the changes would break the board, so none was accepted: {0}")]
    Schema(SchemaViolation),
    /// A change the sender may not make (see [`Writer`]), though the board would allow it.
    #[error("the sender may not make these changes, so none was accepted: {0}")]
    NotPermitted(SchemaViolation),
    #[error("the board would hold {ops} operations, more than this server accepts ({limit}); nothing was stored")]
    DocumentTooLarge { ops: u64, limit: u64 },
    #[error(
        "the change {change} depends on changes the server does not have ({missing}): send a change together with \
         the changes it builds on"
    )]
    MissingDependencies { change: ChangeHash, missing: String },
    #[error("the changes leave a text value of {bytes} bytes, more than this server accepts ({limit} bytes)")]
    StringTooLong { bytes: usize, limit: usize },
}

impl From<SchemaViolation> for GateError {
    /// A violation of the rules that depend on the sender is [`GateError::NotPermitted`]; any
    /// other is [`GateError::Schema`].
    fn from(violation: SchemaViolation) -> GateError {
        if violation.problem.is_permission() {
            GateError::NotPermitted(violation)
        } else {
            GateError::Schema(violation)
        }
    }
}

impl GateError {
    /// What the server tells the client, as the close reason's code (the client words it).
    pub fn refused(&self) -> ChangesRefused {
        use validate::{OwnersPart, Problem};
        match self {
            GateError::NotPermitted(violation) => match violation.problem {
                Problem::OwnerOnly(OwnersPart::Settings) => ChangesRefused::OwnerOnlySettings,
                Problem::OwnerOnly(OwnersPart::Checklist) => ChangesRefused::OwnerOnlyChecklist,
                _ => ChangesRefused::NotYourJudgments,
            },
            GateError::Schema(_) => ChangesRefused::Schema,
            GateError::DocumentTooLarge { .. } => ChangesRefused::TooLarge,
            GateError::StringTooLong { .. } => ChangesRefused::StringTooLong,
            GateError::MissingDependencies { .. } => ChangesRefused::MissingDependencies,
            GateError::MalformedCbor(_)
            | GateError::NotRepoMessage(_)
            | GateError::InvalidSyncMessage(_)
            | GateError::InvalidChange(_) => ChangesRefused::InvalidChange,
        }
    }
}

/// How much the gate lets a board grow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GateLimits {
    /// The most operations (Automerge ops, every edit ever made included) a board may hold.
    pub max_document_ops: u64,
    /// The longest text value (a scalar string, or a text object after the change) a change
    /// may leave in the board, in bytes.
    pub max_string_bytes: usize,
}

impl Default for GateLimits {
    /// Two million operations: about thirty times the benchmark's board of 1,000 projects with
    /// a year of allocations (63,584 operations).
    fn default() -> GateLimits {
        GateLimits { max_document_ops: 2_000_000, max_string_bytes: 64 * 1024 }
    }
}

/// What a sync message adds to the board, once the gate has let it through.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Accepted {
    /// The changes that become part of the board, with their bytes as Automerge stores them
    /// (`Change::raw_bytes`), each after the changes it depends on. This includes changes
    /// held back earlier for a missing dependency that this message supplies.
    pub changes: Vec<(ChangeHash, Vec<u8>)>,
    /// The board's heads once they are applied.
    pub heads: Vec<ChangeHash>,
    /// What the newest of [`Accepted::changes`] did, in PMO words, each read from the board
    /// the gate applied them to ([`crate::history::describe_applied`]), so that the server
    /// keeps the summary in the change's history row when it commits the change: at most
    /// [`DESCRIBED_PER_MESSAGE`], newest last; only [`check_sync_from`] describes (a stored
    /// chunk, a restored backup or a merged scenario can bring thousands of changes, whose
    /// summaries the history API computes when a page first lists them).
    pub described: Vec<(ChangeHash, ChangeSummary)>,
}

/// How many changes of one sync message the gate describes: a page of the history. A device
/// back from days offline can send hundreds at once, and each description adds to that
/// commit's latency (about 0.1 ms for a booking or a budget, 5–7 ms for a move on a
/// 1,000-project board); the older ones are described when a history page first lists them.
pub const DESCRIBED_PER_MESSAGE: usize = 50;

/// Decides whether the Automerge sync message `data` (the `data` of a request or sync frame)
/// may be applied to `doc`.
///
/// A message without changes is accepted as it is. Otherwise every change is read strictly (a
/// chunk Automerge would skip as unreadable refuses the whole message, so that what is stored
/// is what samod applies; compressed changes and bundles, which the sync protocol never sends,
/// are refused too), the changes are applied to a copy of `doc`, the board must stay within
/// `limits`, and the touched parts of the result must fit the board schema. Where Automerge
/// itself panics on crafted input, the message is refused (see `guarded`).
///
/// A change whose dependencies are neither in `doc` nor in the message refuses the message
/// ([`GateError::MissingDependencies`]). Automerge would queue it and apply it, unchecked, as
/// soon as its dependencies arrived by any other way (another connection, another node); so the
/// document samod holds never has a queue, and a client sends a change with its ancestors
/// ([`crate::sync::complete_message`] puts back those a Bloom filter false positive left out).
pub fn check_sync(doc: &Automerge, data: &[u8], limits: &GateLimits) -> Result<Accepted, GateError> {
    check_sync_from(doc, data, limits, None)
}

/// [`check_sync`] for changes sent by `writer`, with the rules that depend on who sends them
/// ([`Writer`]): a member's AHP judgments are their own, and the settings and the stage-gate
/// checklist are the owner's. Every operation of every new change is held to them, so a
/// client that relays a change it did not make (it never needs to: changes reach it through
/// the server, which then has them) is held to them too. `None` applies the schema alone.
pub fn check_sync_from(
    doc: &Automerge,
    data: &[u8],
    limits: &GateLimits,
    writer: Option<Writer<'_>>,
) -> Result<Accepted, GateError> {
    let message = sync::Message::decode(data).map_err(|error| GateError::InvalidSyncMessage(error.to_string()))?;
    if message.changes.is_empty() {
        return Ok(Accepted { changes: Vec::new(), heads: doc.get_heads(), described: Vec::new() });
    }
    let changes = read_changes(&message.changes)?;
    let hashes: Vec<ChangeHash> = changes.iter().map(Change::hash).collect();
    let mut fork = doc.clone();
    let mut patch_log = PatchLog::active();
    guarded("applying the changes", || {
        fork.apply_changes_log_patches(changes, &mut patch_log).map_err(|error| error.to_string())
    })
    .map_err(GateError::InvalidChange)?;
    if let Some(waiting) = hashes.iter().find(|hash| fork.get_change_by_hash(hash).is_none()) {
        return Err(missing_dependencies(&fork, *waiting));
    }
    let (fork, new, mut accepted) = checked(doc, fork, patch_log, limits, writer)?;
    accepted.described = describe_newest(&fork, &new);
    Ok(accepted)
}

/// What the newest [`DESCRIBED_PER_MESSAGE`] of `new` (applied in `fork`) did. A change whose
/// description makes Automerge panic is left undescribed: the history API tries again later
/// (and says so) rather than the gate refusing a change the board accepts.
fn describe_newest(fork: &Automerge, new: &[Change]) -> Vec<(ChangeHash, ChangeSummary)> {
    let skipped = new.len().saturating_sub(DESCRIBED_PER_MESSAGE);
    new[skipped..]
        .iter()
        .filter_map(|change| {
            guarded("describing a change", || Ok(describe_applied(fork, change)))
                .ok()
                .map(|summary| (change.hash(), summary))
        })
        .collect()
}

/// Decides whether changes another server node stored (samod's storage chunks: changes or
/// whole documents, concatenated) may be applied to `doc`, with the checks of [`check_sync`]
/// but for the reading, which trusts Automerge's own storage format. A node applies what
/// another node committed only through this, so that nothing reaches a document unchecked.
pub fn check_stored(doc: &Automerge, chunks: &[u8], limits: &GateLimits) -> Result<Accepted, GateError> {
    let waiting_before = doc.get_missing_deps(&[]);
    let mut fork = doc.clone();
    let mut patch_log = PatchLog::active();
    guarded("loading stored changes", || {
        fork.load_incremental_log_patches(chunks, &mut patch_log).map_err(|error| error.to_string())
    })
    .map_err(GateError::InvalidChange)?;
    let waiting = fork.get_missing_deps(&[]);
    if let Some(missing) = waiting.iter().find(|hash| !waiting_before.contains(hash)) {
        return Err(GateError::MissingDependencies { change: *missing, missing: missing.to_string() });
    }
    checked(doc, fork, patch_log, limits, None).map(|(_, _, accepted)| accepted)
}

fn missing_dependencies(fork: &Automerge, change: ChangeHash) -> GateError {
    let missing = fork.get_missing_deps(&[]).iter().map(ChangeHash::to_string).collect::<Vec<_>>().join(", ");
    GateError::MissingDependencies { change, missing }
}

/// The checks after `fork` (a copy of `doc`) has had the changes applied, logging patches;
/// with the verdict, the fork and the new changes, for the caller to describe them.
fn checked(
    doc: &Automerge,
    fork: Automerge,
    mut patch_log: PatchLog,
    limits: &GateLimits,
    writer: Option<Writer<'_>>,
) -> Result<(Automerge, Vec<Change>, Accepted), GateError> {
    let before = doc.get_heads();
    let new = fork.get_changes(&before);
    if new.is_empty() {
        return Ok((fork, new, Accepted { changes: Vec::new(), heads: before, described: Vec::new() }));
    }
    let ops = fork.stats().num_ops;
    if ops > limits.max_document_ops {
        return Err(GateError::DocumentTooLarge { ops, limit: limits.max_document_ops });
    }
    check_operations(&fork, &before, &new, limits.max_string_bytes, writer)?;
    let patches = guarded("describing the changes", || Ok(fork.make_patches(&mut patch_log)))
        .map_err(GateError::InvalidChange)?;
    check_string_sizes(&fork, &patches, limits.max_string_bytes)?;
    validate::check_patches(&fork, &before, &patches)?;
    let accepted = Accepted {
        changes: new.iter().map(|change| (change.hash(), change.raw_bytes().to_vec())).collect(),
        heads: fork.get_heads(),
        described: Vec::new(),
    };
    Ok((fork, new, accepted))
}

/// Reads every operation of `changes` (already applied in `fork`) against the board schema
/// and the string limit, whatever later operations did to what it wrote: content created and
/// deleted within one change shows in no patch (see [`validate::OperationChecker`]).
fn check_operations<'c>(
    fork: &Automerge,
    before: &[ChangeHash],
    changes: impl IntoIterator<Item = &'c Change>,
    max_string_bytes: usize,
    writer: Option<Writer<'_>>,
) -> Result<(), GateError> {
    use automerge::{ObjType, ScalarValue};
    use validate::{Operation, OperationAction};
    let mut checker = validate::OperationChecker::new(fork, before, writer);
    for change in changes {
        let expanded =
            guarded("reading a change's operations", || Ok(change.decode())).map_err(GateError::InvalidChange)?;
        for operation in &expanded.operations {
            // The operation's object, key and kind are read from its serde form (Automerge's
            // JSON-like change format), since the types behind them are not public.
            let unreadable =
                |what: &str| GateError::InvalidChange(format!("an operation of change {}: {what}", change.hash()));
            let described = ciborium::Value::serialized(operation).map_err(|error| unreadable(&error.to_string()))?;
            let ciborium::Value::Map(fields) = &described else { return Err(unreadable("not a map")) };
            let text = |name: &str| {
                fields.iter().find(|(key, _)| key.as_text() == Some(name)).and_then(|(_, value)| value.as_text())
            };
            let object = text("obj").ok_or_else(|| unreadable("no object"))?;
            let key = text("key");
            let value = operation.primitive_value();
            let action = match text("action").ok_or_else(|| unreadable("no action"))? {
                "makeMap" => OperationAction::Make(ObjType::Map),
                "makeTable" => OperationAction::Make(ObjType::Table),
                "makeList" => OperationAction::Make(ObjType::List),
                "makeText" => OperationAction::Make(ObjType::Text),
                "del" => OperationAction::Delete,
                "inc" => OperationAction::Increment,
                "set" => OperationAction::Put(value.as_ref().ok_or_else(|| unreadable("a value is missing"))?),
                "mark" | "markBegin" | "markEnd" => OperationAction::Mark,
                other => return Err(unreadable(&format!("an unknown action `{other}`"))),
            };
            let bytes = match &action {
                OperationAction::Put(ScalarValue::Str(text)) => text.len(),
                OperationAction::Put(ScalarValue::Bytes(bytes) | ScalarValue::Unknown { bytes, .. }) => bytes.len(),
                _ => 0,
            }
            .max(key.map_or(0, str::len));
            if bytes > max_string_bytes {
                return Err(GateError::StringTooLong { bytes, limit: max_string_bytes });
            }
            checker.check(Operation { object, key, action })?;
        }
    }
    Ok(())
}

/// Refuses a text value (a map key, a string or bytes value, or a text object after splicing)
/// longer than `limit` bytes among what the patches touched.
fn check_string_sizes(fork: &Automerge, patches: &[automerge::Patch], limit: usize) -> Result<(), GateError> {
    use automerge::{PatchAction, ScalarValue, Value};
    let size = |value: &Value<'_>| match value {
        Value::Scalar(scalar) => match scalar.as_ref() {
            ScalarValue::Str(text) => text.len(),
            ScalarValue::Bytes(bytes) | ScalarValue::Unknown { bytes, .. } => bytes.len(),
            _ => 0,
        },
        Value::Object(_) => 0,
    };
    for patch in patches {
        let bytes = match &patch.action {
            PatchAction::PutMap { key, value, .. } => key.len().max(size(&value.0)),
            PatchAction::PutSeq { value, .. } => size(&value.0),
            PatchAction::Insert { values, .. } => values.iter().map(|(value, _, _)| size(value)).max().unwrap_or(0),
            PatchAction::SpliceText { .. } => fork.text(&patch.obj).map(|text| text.len()).unwrap_or(0),
            _ => 0,
        };
        if bytes > limit {
            return Err(GateError::StringTooLong { bytes, limit });
        }
    }
    Ok(())
}

/// The first bytes of every Automerge storage chunk.
const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];

/// One storage chunk: magic, checksum, type, LEB128 length, data.
struct Chunk<'a> {
    whole: &'a [u8],
    checksum: &'a [u8],
    kind: u8,
    data: &'a [u8],
}

/// Reads every change of a sync message. A chunk of the message holds one or more storage
/// chunks (a V2 message puts all changes, or a whole saved document, in one).
fn read_changes(chunks: &sync::ChunkList) -> Result<Vec<Change>, GateError> {
    let mut changes = Vec::new();
    let mut index = 0;
    for chunk in chunks.iter() {
        let mut rest = chunk;
        while !rest.is_empty() {
            let bad = |reason| GateError::InvalidChange(format!("chunk {index}: {reason}"));
            let (chunk, after) = split_chunk(rest).map_err(bad)?;
            read_chunk(&chunk, &mut changes).map_err(bad)?;
            rest = after;
            index += 1;
        }
    }
    Ok(changes)
}

/// Splits the first storage chunk off `bytes`.
fn split_chunk(bytes: &[u8]) -> Result<(Chunk<'_>, &[u8]), String> {
    const HEADER: usize = 9;
    if bytes.len() < HEADER {
        return Err(format!("{} bytes are too few for a chunk header", bytes.len()));
    }
    if bytes[..4] != MAGIC {
        return Err("it does not start with Automerge's magic bytes".into());
    }
    let mut length: u64 = 0;
    let mut used = 0;
    loop {
        let Some(&byte) = bytes.get(HEADER + used) else {
            return Err("its length is cut off".into());
        };
        if used == 9 && byte > 1 {
            return Err("its length does not fit in 64 bits".into());
        }
        length |= u64::from(byte & 0x7f) << (7 * used);
        used += 1;
        if byte & 0x80 == 0 {
            break;
        }
    }
    let start = HEADER + used;
    let available = bytes.len() - start;
    match usize::try_from(length) {
        Ok(length) if length <= available => {
            let (whole, rest) = bytes.split_at(start + length);
            Ok((Chunk { whole, checksum: &bytes[4..8], kind: bytes[8], data: &whole[start..] }, rest))
        }
        _ => Err(format!("it says it holds {length} bytes but only {available} follow")),
    }
}

/// Reads the changes of one storage chunk. The checksum is checked first, as Automerge's own
/// loading does, so nothing is parsed that samod would not parse.
fn read_chunk(chunk: &Chunk<'_>, changes: &mut Vec<Change>) -> Result<(), String> {
    match chunk.kind {
        0 | 1 => {
            if checksum(chunk.kind, chunk.data) != chunk.checksum {
                return Err("its checksum does not match its contents".into());
            }
        }
        2 => return Err("it is a compressed change, which Automerge's sync protocol does not send".into()),
        3 => return Err("it is a bundle, which Automerge's sync protocol does not send".into()),
        other => return Err(format!("its type {other} is not an Automerge chunk type")),
    }
    guarded("reading a change", || {
        if chunk.kind == 0 {
            // A whole document, as a V2 message carries when it sends more than a third of it.
            let doc = Automerge::load(chunk.whole)
                .map_err(|error| format!("the document in it cannot be loaded: {error}"))?;
            changes.extend(doc.get_changes(&[]));
        } else {
            changes.push(Change::from_bytes(chunk.whole.to_vec()).map_err(|error| error.to_string())?);
        }
        Ok(())
    })
}

/// The checksum Automerge writes in a chunk header: the start of the SHA-256 of the chunk's
/// type, length and data.
fn checksum(kind: u8, data: &[u8]) -> [u8; 4] {
    use sha2::{Digest, Sha256};
    let mut length = Vec::with_capacity(10);
    let mut rest = data.len() as u64;
    loop {
        let byte = (rest & 0x7f) as u8;
        rest >>= 7;
        if rest == 0 {
            length.push(byte);
            break;
        }
        length.push(byte | 0x80);
    }
    let hash = Sha256::new().chain_update([kind]).chain_update(&length).chain_update(data).finalize();
    [hash[0], hash[1], hash[2], hash[3]]
}

/// Runs Automerge on what a client crafted. Automerge 0.12 panics on some malformed changes
/// (an operation counter beyond `u32::MAX` in a change with a valid checksum: the fuzzer's
/// `fuzz/artifacts/sync_handler/crash-43bbf20a…`); samod would panic on the same bytes, so
/// the message is refused instead. Under `panic = "abort"` (the wasm release build) this cannot
/// catch anything, but the gate runs on the server.
fn guarded<T>(what: &str, run: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).unwrap_or_else(|_| {
        Err(format!("Automerge failed while {what} (a bug in Automerge, which the gate refuses to pass on)"))
    })
}

#[cfg(test)]
mod tests;
