//! The bodies of the cargo-fuzz targets in `fuzz/`, kept here so that the fuzzers and the
//! replay test (`shared/tests/fuzz_replay.rs`, which runs every corpus file and every crasher
//! on each `cargo test`) run the same code.
//!
//! The sync target checks sync messages against one fixed board; the sequence target runs
//! several steps against it in turn (client messages, frames and other nodes' stored chunks,
//! in any order: orphans before their parents, messages of two clients interleaved), applying
//! what the gate accepts the way samod does, so that a board is never left with a queued
//! change or a change that breaks it. It is stored
//! (`fuzz_board.automerge`, written by the seed generator in `shared/tests/fuzz_replay.rs`)
//! rather than built on each run, because a board built anew gets a random actor id, and the
//! corpus's changes depend on the exact changes of the board they were made on.

use std::sync::OnceLock;

use automerge::{
    sync::{self, SyncDoc},
    Automerge, Change, ReadDoc,
};
use chrono::NaiveDate;

use super::{check_stored, check_sync, decode_frame, Accepted, GateLimits};
use crate::{
    board::{
        validate, Board, CriterionId, DecisionId, DecisionKind, LessonId, MilestoneId, NewLesson, NewPerson,
        NewProject, NewRisk, ObjectiveId, Phase, RiskId, Stamp,
    },
    risk::Roam,
    scoring::Direction,
    IsoWeek, PersonId, ProjectId, Stage,
};

/// The fixed board of [`sync_handler_target`], saved.
pub const FIXED_BOARD: &[u8] = include_bytes!("fuzz_board.automerge");

/// A limit small enough for the fuzzer to reach: the fixed board has a few hundred operations.
pub const FUZZ_LIMITS: GateLimits = GateLimits { max_document_ops: 5_000, max_string_bytes: 64 * 1024 };

/// Decodes `data` as a frame; a frame that decodes must survive encoding and rewriting.
pub fn decode_frame_target(data: &[u8]) {
    let Ok(frame) = decode_frame(data) else { return };
    let encoded = frame.encode();
    let again = decode_frame(&encoded).expect("an encoded frame decodes");
    assert_eq!(again.encode(), encoded, "encoding a decoded encoding gives the same bytes");
    // A frame holding a NaN float is not equal to itself; the bytes above cover it.
    #[allow(clippy::eq_op)]
    let comparable = frame == frame;
    if comparable {
        assert_eq!(again, frame);
    }
    assert_eq!(again.kind(), frame.kind());
    assert_eq!(
        (again.sender(), again.target(), again.document_id(), again.data()),
        (frame.sender(), frame.target(), frame.document_id(), frame.data())
    );

    let mut rewritten = again;
    rewritten.set_sender("peer-from-the-server");
    let had_target = rewritten.set_target("what-the-client-claimed");
    let back = decode_frame(&rewritten.encode()).expect("a rewritten frame decodes");
    assert_eq!(back.sender(), "peer-from-the-server");
    assert_eq!(back.target(), had_target.then_some("what-the-client-claimed"));
    assert_eq!(back.data(), frame.data());
}

/// Checks `data` as a sync message against the fixed board. It must never panic, and what it
/// accepts must be what it says: the listed changes, applied to the board, give the listed
/// heads, and a diff of the result passes the schema check too.
pub fn sync_handler_target(data: &[u8]) {
    let board = fixed_board();
    let Ok(accepted) = check_sync(board, data, &FUZZ_LIMITS) else { return };
    if accepted.changes.is_empty() {
        assert_eq!(accepted.heads, board.get_heads());
        return;
    }
    let changes: Vec<Change> = accepted
        .changes
        .iter()
        .map(|(hash, bytes)| {
            let change = Change::from_bytes(bytes.clone()).expect("accepted bytes are a change");
            assert_eq!(change.hash(), *hash);
            change
        })
        .collect();
    let mut applied = board.clone();
    applied.apply_changes(changes).expect("accepted changes apply");
    assert_eq!(applied.get_heads(), accepted.heads);
    if let Err(violation) = validate::check_update(&applied, &board.get_heads()) {
        panic!("the patch log let through what the diff refuses: {violation}");
    }
}

/// What one step of a [`sync_sequence_target`] input carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The `data` of a client's request or sync frame: checked with [`check_sync`], then
    /// applied as samod applies it (the whole message, with a fresh sync state).
    Sync,
    /// Chunks another node stored: checked with [`check_stored`], then loaded as the cluster
    /// loads them.
    Stored,
    /// A whole automerge-repo frame from a client: decoded, and its `data` taken as [`Step::Sync`].
    Frame,
}

/// The most steps one input runs, so that a long input stays fast.
pub const MAX_STEPS: usize = 16;

/// Writes steps in the input format of [`sync_sequence_target`]: for each step a byte naming
/// its kind (its value modulo 3: sync, stored, frame), its length as two bytes little-endian,
/// then its bytes.
pub fn encode_steps(steps: &[(Step, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (step, bytes) in steps {
        out.push(match step {
            Step::Sync => 0,
            Step::Stored => 1,
            Step::Frame => 2,
        });
        let length = u16::try_from(bytes.len()).expect("a step of at most 64 KiB");
        out.extend_from_slice(&length.to_le_bytes());
        out.extend_from_slice(bytes);
    }
    out
}

/// Reads the steps of an input; a step whose length runs past the end takes what is left.
pub fn decode_steps(mut data: &[u8]) -> Vec<(Step, &[u8])> {
    let mut steps = Vec::new();
    while data.len() >= 3 && steps.len() < MAX_STEPS {
        let step = match data[0] % 3 {
            0 => Step::Sync,
            1 => Step::Stored,
            _ => Step::Frame,
        };
        let length = usize::from(u16::from_le_bytes([data[1], data[2]])).min(data.len() - 3);
        steps.push((step, &data[3..3 + length]));
        data = &data[3 + length..];
    }
    steps
}

/// Runs a sequence of steps against the fixed board, as one server node would: each is
/// checked by the gate against the board as the steps before left it and, when accepted,
/// applied the way samod (or the cluster) applies it. Nothing may panic, and after every
/// accepted step the board has no change waiting for its dependencies (samod must never hold a
/// queue: the gate would not see what the queue applies later), holds exactly the changes the
/// gate listed, and passes the schema check of the whole update; at the end the whole board
/// passes the schema check.
pub fn sync_sequence_target(data: &[u8]) {
    let mut board = fixed_board().clone();
    for (step, bytes) in decode_steps(data) {
        let before = board.get_heads();
        match step {
            Step::Stored => {
                let Ok(accepted) = check_stored(&board, bytes, &FUZZ_LIMITS) else { continue };
                board.load_incremental(bytes).expect("stored chunks the gate accepted load");
                assert_applied(&board, &before, &accepted);
            }
            Step::Sync | Step::Frame => {
                let data = if step == Step::Frame {
                    let Ok(frame) = decode_frame(bytes) else { continue };
                    let Some(data) = frame.data() else { continue };
                    data.to_vec()
                } else {
                    bytes.to_vec()
                };
                let Ok(accepted) = check_sync(&board, &data, &FUZZ_LIMITS) else { continue };
                let message = sync::Message::decode(&data).expect("a message the gate accepted decodes");
                board
                    .receive_sync_message(&mut sync::State::new(), message)
                    .expect("samod applies a message the gate accepted");
                assert_applied(&board, &before, &accepted);
            }
        }
    }
    if let Err(violation) = validate::check_document(&board) {
        panic!("a sequence of accepted steps broke the board: {violation}");
    }
}

/// What must hold once a step the gate accepted is applied to `board` (which had `before`).
fn assert_applied(board: &Automerge, before: &[automerge::ChangeHash], accepted: &Accepted) {
    let waiting = board.get_missing_deps(&[]);
    assert!(waiting.is_empty(), "an accepted step left changes waiting for {waiting:?}");
    let sorted = |mut hashes: Vec<automerge::ChangeHash>| {
        hashes.sort();
        hashes
    };
    assert_eq!(sorted(board.get_heads()), sorted(accepted.heads.clone()), "the heads the gate announced");
    let applied: Vec<automerge::ChangeHash> = board.get_changes(before).iter().map(|change| change.hash()).collect();
    let listed: Vec<automerge::ChangeHash> = accepted.changes.iter().map(|(hash, _)| *hash).collect();
    assert_eq!(sorted(applied), sorted(listed), "the changes the gate listed are the ones applied");
    if let Err(violation) = validate::check_update(board, before) {
        panic!("an accepted step broke the board: {violation}");
    }
}

/// The board [`sync_handler_target`] checks messages against.
pub fn fixed_board() -> &'static Automerge {
    static BOARD: OnceLock<Automerge> = OnceLock::new();
    BOARD.get_or_init(|| {
        if FIXED_BOARD.is_empty() {
            // Only before the seed generator has written the fixture.
            small_board().doc_mut().document().clone()
        } else {
            Automerge::load(FIXED_BOARD).expect("the fuzz fixture loads")
        }
    })
}

/// A small board with a bit of everything, built with the typed API. Ids are fixed (`erp`,
/// `ana`, …) so that seeds can refer to them.
pub fn small_board() -> Board {
    let mut board = Board::new("Fuzz portfolio").expect("a board");
    let id = |text: &str| text.parse::<ProjectId>().expect("an id");
    let person = |text: &str| text.parse::<PersonId>().expect("an id");
    for (name, stage) in [("erp", Stage::Active), ("crm", Stage::Proposed), ("data", Stage::Approved)] {
        board
            .add_project(id(name), NewProject { name: name.to_uppercase(), stage, budget: 100_000.0 })
            .expect("a project");
    }
    for name in ["ana", "bo"] {
        board.add_person(person(name), NewPerson::named(name, 40.0)).expect("a person");
    }
    let week = IsoWeek::new(2027, 5).expect("a week");
    board.set_allocation(&id("erp"), &person("ana"), week, 16.0).expect("an allocation");
    board.set_allocation(&id("crm"), &person("bo"), week, 8.0).expect("an allocation");
    board.set_time_off(&person("bo"), week, 8.0).expect("time off");
    board.set_skill(&person("ana"), "rust", true).expect("a skill");
    let criterion: CriterionId = "value".parse().expect("an id");
    board.add_criterion(criterion.clone(), "Value", 2.0, Direction::HigherIsBetter).expect("a criterion");
    board.set_score(&id("erp"), &criterion, Some(7.0)).expect("a score");
    let objective: ObjectiveId = "growth".parse().expect("an id");
    board.add_objective(objective.clone(), "Growth", 1.0).expect("an objective");
    board.set_contribution(&id("crm"), &objective, 0.5).expect("a contribution");
    board.add_dependency(&id("crm"), &id("erp")).expect("a dependency");
    let risk = NewRisk {
        title: "Vendor".into(),
        probability: 3,
        impact: 4,
        owner: "Ana".into(),
        mitigation: String::new(),
        roam: Roam::Owned,
    };
    board.add_risk("vendor".parse::<RiskId>().expect("an id"), &id("erp"), risk).expect("a risk");
    let due = NaiveDate::from_ymd_opt(2027, 3, 31).expect("a date");
    board
        .add_milestone("go-live".parse::<MilestoneId>().expect("an id"), &id("erp"), "Go live", due)
        .expect("a milestone");
    let stamp = Stamp { by: "Ana".into(), at_ms: 1_800_000_000_000 };
    board.tick_gate(&id("erp"), Phase::Initiation, "charter", stamp.clone()).expect("a tick");
    let lesson = NewLesson { title: "Pilot first".into(), body: "It paid off.".into(), tags: vec!["rollout".into()] };
    board.add_lesson("pilot".parse::<LessonId>().expect("an id"), &id("erp"), lesson, stamp.clone()).expect("a lesson");
    board
        .record_decision(
            "go".parse::<DecisionId>().expect("an id"),
            DecisionKind::Approve,
            Some(&id("data")),
            "Funded",
            stamp,
        )
        .expect("a decision");
    board
}

/// The sync messages `client` sends `server` until both hold the same changes, by the real
/// protocol (both sides keep their sync state, with heads, needs and Bloom filters) and as
/// PMO Board's client sends them ([`crate::sync::complete_message`]); the documents given are
/// left as they are. For seeds, tests and benchmarks.
pub fn client_messages(server: &Automerge, client: &Automerge) -> Vec<Vec<u8>> {
    let (mut server, mut client) = (server.clone(), client.clone());
    let (mut server_state, mut client_state) = (sync::State::new(), sync::State::new());
    let mut sent = Vec::new();
    for _ in 0..32 {
        let to_server = client.generate_sync_message(&mut client_state).map(|mut message| {
            crate::sync::complete_message(&client, &mut client_state, &mut message);
            message
        });
        let quiet = to_server.is_none();
        if let Some(message) = to_server {
            let bytes = message.encode();
            let message = sync::Message::decode(&bytes).expect("a sync message decodes");
            server.receive_sync_message(&mut server_state, message).expect("the server applies the message");
            sent.push(bytes);
        }
        match server.generate_sync_message(&mut server_state) {
            Some(reply) => client.receive_sync_message(&mut client_state, reply).expect("the client applies the reply"),
            None if quiet => break,
            None => {}
        }
    }
    sent
}

/// The first message `client` sends `server` that carries changes, if any does.
pub fn change_message(server: &Automerge, client: &Automerge) -> Option<Vec<u8>> {
    client_messages(server, client)
        .into_iter()
        .find(|bytes| sync::Message::decode(bytes).is_ok_and(|message| !message.changes.is_empty()))
}
