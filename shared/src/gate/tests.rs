use automerge::{sync, transaction::Transactable, AutoCommit, Automerge, ChangeHash, ReadDoc, ROOT};
use ciborium::Value;

use super::{fuzz::change_message, *};
use crate::{
    board::{validate::Problem, Board, NewProject},
    sync::{PeerMetadata, WireMessage},
    ProjectId, Stage,
};

fn cbor(value: &Value) -> Vec<u8> {
    let mut bytes = Vec::new();
    ciborium::into_writer(value, &mut bytes).unwrap();
    bytes
}

fn map(entries: &[(&str, Value)]) -> Value {
    Value::Map(entries.iter().map(|(key, value)| (Value::Text((*key).into()), value.clone())).collect())
}

fn text(value: &str) -> Value {
    Value::Text(value.into())
}

/// Every message this project speaks, as `shared::sync` writes it.
fn wire_messages() -> Vec<(WireMessage, MessageKind)> {
    let (sender_id, target_id, document_id) = ("client".to_owned(), "server".to_owned(), "doc".to_owned());
    vec![
        (
            WireMessage::Join {
                sender_id: sender_id.clone(),
                supported_protocol_versions: vec!["1".into()],
                peer_metadata: Some(PeerMetadata { storage_id: None, is_ephemeral: true }),
            },
            MessageKind::Join,
        ),
        (
            WireMessage::Peer {
                sender_id: sender_id.clone(),
                target_id: target_id.clone(),
                selected_protocol_version: "1".into(),
                peer_metadata: None,
            },
            MessageKind::Peer,
        ),
        (
            WireMessage::Request {
                document_id: document_id.clone(),
                sender_id: sender_id.clone(),
                target_id: target_id.clone(),
                data: vec![1, 2],
            },
            MessageKind::Request,
        ),
        (
            WireMessage::Sync {
                document_id: document_id.clone(),
                sender_id: sender_id.clone(),
                target_id: target_id.clone(),
                data: vec![3],
            },
            MessageKind::Sync,
        ),
        (
            WireMessage::DocUnavailable {
                sender_id: sender_id.clone(),
                target_id: target_id.clone(),
                document_id: document_id.clone(),
            },
            MessageKind::DocUnavailable,
        ),
        (
            WireMessage::Ephemeral {
                sender_id: sender_id.clone(),
                target_id,
                count: 7,
                session_id: "session".into(),
                document_id,
                data: vec![0xa0],
            },
            MessageKind::Ephemeral,
        ),
        (WireMessage::Leave { sender_id }, MessageKind::Leave),
    ]
}

#[test]
fn frames_round_trip_unchanged() {
    for (message, kind) in wire_messages() {
        let bytes = message.encode();
        let frame = decode_frame(&bytes).unwrap();
        assert_eq!(frame.kind(), &kind);
        assert_eq!(frame.sender(), "client");
        assert_eq!(frame.encode(), bytes, "{kind:?} passes through byte for byte");
        assert_eq!(WireMessage::decode(&frame.encode()).unwrap(), message);
        assert_eq!(decode_frame(&frame.encode()).unwrap(), frame);
    }
}

#[test]
fn accessors_read_the_fields_the_gate_needs() {
    let sync = decode_frame(&wire_messages()[3].0.encode()).unwrap();
    assert_eq!((sync.document_id(), sync.target(), sync.data()), (Some("doc"), Some("server"), Some(&[3][..])));
    let ephemeral = decode_frame(&wire_messages()[5].0.encode()).unwrap();
    assert_eq!(ephemeral.data(), None, "ephemeral data is not a sync message");
    assert_eq!(ephemeral.document_id(), Some("doc"));
    let join = decode_frame(&wire_messages()[0].0.encode()).unwrap();
    assert_eq!((join.document_id(), join.target()), (None, None));
}

#[test]
fn unknown_types_and_fields_pass_through() {
    let bytes = cbor(&map(&[
        ("type", text("future-thing")),
        ("senderId", text("a")),
        ("extra", Value::Array(vec![Value::Integer(1.into()), Value::Null, Value::Float(0.5)])),
        ("tagged", Value::Tag(42, Box::new(Value::Bytes(vec![9])))),
    ]));
    let frame = decode_frame(&bytes).unwrap();
    assert_eq!(frame.kind(), &MessageKind::Other("future-thing".into()));
    assert_eq!(frame.kind().as_str(), "future-thing");
    assert_eq!(frame.encode(), bytes);
}

#[test]
fn the_server_rewrites_sender_and_target() {
    let sync = wire_messages()[3].0.encode();
    let mut frame = decode_frame(&sync).unwrap();
    frame.set_sender("peer-7");
    assert!(frame.set_target("what-the-client-said"));
    let WireMessage::Sync { sender_id, target_id, document_id, data } = WireMessage::decode(&frame.encode()).unwrap()
    else {
        panic!("still a sync message")
    };
    assert_eq!(
        (sender_id.as_str(), target_id.as_str(), document_id.as_str(), data),
        ("peer-7", "what-the-client-said", "doc", vec![3])
    );

    // A join has no target, and rewriting adds none.
    let mut join = decode_frame(&wire_messages()[0].0.encode()).unwrap();
    assert!(!join.set_target("x"));
    join.set_sender("peer-7");
    let again = decode_frame(&join.encode()).unwrap();
    assert_eq!((again.sender(), again.target()), ("peer-7", None));
}

/// Frames that must be refused, with the error they get.
#[test]
fn bad_frames_are_refused_with_a_reason() {
    let sync = |data: Value| {
        cbor(&map(&[("type", text("sync")), ("senderId", text("a")), ("documentId", text("d")), ("data", data)]))
    };
    let mut trailing = wire_messages()[0].0.encode();
    trailing.push(0);
    let mut deep = Value::Null;
    for _ in 0..40 {
        deep = Value::Array(vec![deep]);
    }
    let duplicate = Value::Map(vec![
        (text("type"), text("sync")),
        (text("senderId"), text("a")),
        (text("documentId"), text("d")),
        (text("data"), Value::Bytes(vec![])),
        (text("data"), Value::Bytes(vec![1])),
    ]);
    type Expect = fn(&GateError) -> bool;
    let cases: Vec<(&str, Vec<u8>, Expect)> = vec![
        ("not CBOR", vec![0xff, 0x00], |e| matches!(e, GateError::MalformedCbor(_))),
        ("cut short", cbor(&map(&[("type", text("join"))]))[..5].to_vec(), |e| {
            matches!(e, GateError::MalformedCbor(_))
        }),
        ("empty", vec![], |e| matches!(e, GateError::MalformedCbor(_))),
        ("trailing bytes", trailing, |e| matches!(e, GateError::MalformedCbor(m) if m.contains("1 bytes follow"))),
        (
            "nested too deep",
            cbor(&map(&[("type", text("x")), ("senderId", text("a")), ("deep", deep)])),
            |e| matches!(e, GateError::MalformedCbor(m) if m.contains("nests")),
        ),
        (
            "a text frame body",
            br#"{"type":"join","senderId":"a"}"#.to_vec(),
            |e| matches!(e, GateError::NotRepoMessage(m) if m.contains("JSON")),
        ),
        (
            "not a map",
            cbor(&Value::Array(vec![])),
            |e| matches!(e, GateError::NotRepoMessage(m) if m.contains("an array")),
        ),
        (
            "no type",
            cbor(&map(&[("senderId", text("a"))])),
            |e| matches!(e, GateError::NotRepoMessage(m) if m.contains("`type`")),
        ),
        (
            "no sender",
            cbor(&map(&[("type", text("join"))])),
            |e| matches!(e, GateError::NotRepoMessage(m) if m.contains("`senderId`")),
        ),
        ("an error from samod has no sender", cbor(&map(&[("type", text("error")), ("message", text("oops"))])), |e| {
            matches!(e, GateError::NotRepoMessage(_))
        }),
        (
            "integer key",
            cbor(&Value::Map(vec![(Value::Integer(1.into()), text("a"))])),
            |e| matches!(e, GateError::NotRepoMessage(m) if m.contains("key")),
        ),
        ("duplicate key", cbor(&duplicate), |e| matches!(e, GateError::NotRepoMessage(m) if m.contains("twice"))),
        ("data as text", sync(text("abc")), |e| matches!(e, GateError::NotRepoMessage(m) if m.contains("byte string"))),
        (
            "no data",
            cbor(&map(&[("type", text("request")), ("senderId", text("a")), ("documentId", text("d"))])),
            |e| matches!(e, GateError::NotRepoMessage(m) if m.contains("`data`")),
        ),
        (
            "no document",
            cbor(&map(&[("type", text("sync")), ("senderId", text("a")), ("data", Value::Bytes(vec![]))])),
            |e| matches!(e, GateError::NotRepoMessage(m) if m.contains("`documentId`")),
        ),
        (
            "document id as bytes",
            cbor(&map(&[
                ("type", text("sync")),
                ("senderId", text("a")),
                ("documentId", Value::Bytes(vec![1])),
                ("data", Value::Bytes(vec![])),
            ])),
            |e| matches!(e, GateError::NotRepoMessage(m) if m.contains("`documentId`")),
        ),
        (
            "target as integer",
            cbor(&map(&[("type", text("peer")), ("senderId", text("a")), ("targetId", Value::Integer(3.into()))])),
            |e| matches!(e, GateError::NotRepoMessage(m) if m.contains("`targetId`")),
        ),
    ];
    for (name, bytes, expected) in cases {
        match decode_frame(&bytes) {
            Ok(frame) => panic!("{name}: accepted as {frame:?}"),
            Err(error) => assert!(expected(&error), "{name}: wrong error: {error}"),
        }
    }
}

// ---- check_sync -------------------------------------------------------------------------------

fn server_and_client() -> (Automerge, Board) {
    let mut board = Board::new("Portfolio").unwrap();
    let server = board.doc_mut().document().clone();
    (server, board)
}

fn doc(board: &mut Board) -> Automerge {
    board.doc_mut().document().clone()
}

#[test]
fn an_edit_is_accepted_with_exactly_its_changes() {
    let (server, mut client) = server_and_client();
    client
        .add_project("erp".parse().unwrap(), NewProject { name: "ERP".into(), stage: Stage::Active, budget: 10.0 })
        .unwrap();
    client.set_project_budget(&"erp".parse().unwrap(), 20.0).unwrap();
    let client_doc = doc(&mut client);
    let data = change_message(&server, &client_doc).unwrap();

    let accepted = check_sync(&server, &data, &GateLimits::default()).unwrap();
    let expected: Vec<(ChangeHash, Vec<u8>)> =
        client_doc.get_changes(&server.get_heads()).iter().map(|c| (c.hash(), c.raw_bytes().to_vec())).collect();
    assert_eq!(accepted.changes, expected);
    assert_eq!(accepted.changes.len(), 2);
    assert_eq!(accepted.heads, client_doc.get_heads());

    // Sent again, nothing is new.
    let mut stored = server.clone();
    stored
        .apply_changes(accepted.changes.iter().map(|(_, bytes)| automerge::Change::from_bytes(bytes.clone()).unwrap()))
        .unwrap();
    let again = check_sync(&stored, &data, &GateLimits::default()).unwrap();
    assert_eq!(again, Accepted { changes: vec![], heads: stored.get_heads(), described: vec![] });
}

#[test]
fn the_gate_describes_what_it_accepts_as_the_board_would() {
    // The server keeps these summaries when it commits the changes: they must be the ones the
    // history API would compute later from the board (`describe_change`).
    let (server, mut client) = server_and_client();
    let (erp, crm): (ProjectId, ProjectId) = ("erp".parse().unwrap(), "crm".parse().unwrap());
    client.add_project(erp, NewProject { name: "ERP".into(), stage: Stage::Active, budget: 10.0 }).unwrap();
    let server = {
        let mut server = server;
        let data = change_message(&server, &doc(&mut client)).unwrap();
        let accepted = check_sync(&server, &data, &GateLimits::default()).unwrap();
        server.apply_changes(accepted.changes.iter().map(|(_, b)| Change::from_bytes(b.clone()).unwrap())).unwrap();
        server
    };
    client.add_project(crm.clone(), NewProject { name: "CRM".into(), stage: Stage::Active, budget: 5.0 }).unwrap();
    client.move_project(&crm, 0).unwrap();
    client.set_project_budget(&crm, 250_000.0).unwrap();
    let client_doc = doc(&mut client);
    let data = change_message(&server, &client_doc).unwrap();
    let accepted = check_sync(&server, &data, &GateLimits::default()).unwrap();
    let texts: Vec<&str> = accepted.described.iter().map(|(_, summary)| summary.text.as_str()).collect();
    assert_eq!(texts, ["added project CRM", "moved CRM above ERP", "set CRM's budget to 250,000"]);
    for (hash, summary) in &accepted.described {
        assert_eq!(Some(summary), crate::history::describe_change(&client_doc, hash).as_ref());
    }
    let hashes: Vec<ChangeHash> = accepted.changes.iter().map(|(hash, _)| *hash).collect();
    assert_eq!(accepted.described.iter().map(|(hash, _)| *hash).collect::<Vec<_>>(), hashes);

    // Stored chunks (another node's commit, a backup, a merge) are not described here.
    let stored = check_stored(&server, &client_doc.save_after(&server.get_heads()), &GateLimits::default()).unwrap();
    assert_eq!(stored.changes.len(), 3);
    assert!(stored.described.is_empty());
}

#[test]
fn a_message_of_many_changes_has_its_newest_described() {
    let (server, mut client) = server_and_client();
    let erp: ProjectId = "erp".parse().unwrap();
    client.add_project(erp.clone(), NewProject { name: "ERP".into(), stage: Stage::Active, budget: 0.0 }).unwrap();
    for budget in 1..=DESCRIBED_PER_MESSAGE + 10 {
        client.set_project_budget(&erp, budget as f64).unwrap();
    }
    let data = change_message(&server, &doc(&mut client)).unwrap();
    let accepted = check_sync(&server, &data, &GateLimits::default()).unwrap();
    assert_eq!(accepted.changes.len(), DESCRIBED_PER_MESSAGE + 11);
    assert_eq!(accepted.described.len(), DESCRIBED_PER_MESSAGE);
    assert_eq!(
        accepted.described.last().unwrap().1.text,
        format!("set ERP's budget to {}", DESCRIBED_PER_MESSAGE + 10)
    );
    assert_eq!(accepted.described[0].0, accepted.changes[11].0, "the newest, in order");
}

#[test]
fn a_message_without_changes_is_accepted_as_it_is() {
    let (server, mut client) = server_and_client();
    let mut state = sync::State::new();
    use automerge::sync::SyncDoc;
    let first = doc(&mut client).generate_sync_message(&mut state).unwrap().encode();
    assert_eq!(
        check_sync(&server, &first, &GateLimits::default()).unwrap(),
        Accepted { changes: vec![], heads: server.get_heads(), described: vec![] }
    );
}

#[test]
fn a_change_whose_dependency_is_missing_is_refused() {
    let (server, mut client) = server_and_client();
    let id: ProjectId = "erp".parse().unwrap();
    client.add_project(id.clone(), NewProject { name: "ERP".into(), stage: Stage::Active, budget: 10.0 }).unwrap();
    client.rename_project(&id, "ERP 2").unwrap();
    let client_doc = doc(&mut client);
    let changes = client_doc.get_changes(&server.get_heads());
    let message = |changes: &[&automerge::Change]| {
        sync::Message {
            heads: client_doc.get_heads(),
            need: vec![],
            have: vec![],
            changes: sync::ChunkList::from(
                changes.iter().map(|change| change.raw_bytes().to_vec()).collect::<Vec<_>>(),
            ),
            flags: None,
            version: sync::MessageVersion::V1,
        }
        .encode()
    };
    // The rename alone would wait in Automerge's queue, to be applied unchecked later: refused.
    match check_sync(&server, &message(&[&changes[1]]), &GateLimits::default()) {
        Err(GateError::MissingDependencies { change, missing }) => {
            assert_eq!(change, changes[1].hash());
            assert_eq!(missing, changes[0].hash().to_string());
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    // With the addition, in either order, both become part of the board.
    let accepted = check_sync(&server, &message(&[&changes[1], &changes[0]]), &GateLimits::default()).unwrap();
    assert_eq!(
        accepted.changes.iter().map(|(hash, _)| *hash).collect::<Vec<_>>(),
        vec![changes[0].hash(), changes[1].hash()]
    );
}

#[test]
fn stored_changes_are_checked_like_sent_ones() {
    let (server, mut client) = server_and_client();
    let id: ProjectId = "erp".parse().unwrap();
    client.add_project(id.clone(), NewProject { name: "ERP".into(), stage: Stage::Active, budget: 10.0 }).unwrap();
    let mut client_doc = doc(&mut client);
    let good = client_doc.save_after(&server.get_heads());
    assert_eq!(check_stored(&server, &good, &GateLimits::default()).unwrap().heads, client_doc.get_heads());
    let heads = client_doc.get_heads();
    let mut transaction = client_doc.transaction();
    transaction.put(ROOT, "evil", "root key").unwrap();
    transaction.commit();
    let evil = client_doc.save_after(&heads);
    assert!(matches!(check_stored(&server, &evil, &GateLimits::default()), Err(GateError::MissingDependencies { .. })));
    let both = client_doc.save_after(&server.get_heads());
    assert!(matches!(check_stored(&server, &both, &GateLimits::default()), Err(GateError::Schema(_))));
}

#[test]
fn garbage_in_data_is_not_a_sync_message() {
    let (server, _) = server_and_client();
    for data in [&b"hello"[..], &[], &[0x42, 0x01, 0x02]] {
        assert!(
            matches!(check_sync(&server, data, &GateLimits::default()), Err(GateError::InvalidSyncMessage(_))),
            "{data:?}"
        );
    }
}

#[test]
fn unreadable_changes_are_refused() {
    let (server, mut client) = server_and_client();
    client.rename("Renamed").unwrap();
    let client_doc = doc(&mut client);
    let good = client_doc.get_changes(&server.get_heads())[0].raw_bytes().to_vec();
    let mut bad_checksum = good.clone();
    bad_checksum[4] ^= 0xff;
    let mut bad_body = good.clone();
    let last = bad_body.len() - 1;
    bad_body[last] ^= 0xff;
    let mut bundle = good.clone();
    bundle[8] = 3;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("garbage", b"not a change at all".to_vec(), "magic"),
        ("cut short", good[..good.len() - 3].to_vec(), "follow"),
        ("wrong checksum", bad_checksum, "checksum"),
        ("damaged contents", bad_body, "chunk 0"),
        ("a bundle", bundle, "bundle"),
        ("a good change, then garbage", [good.clone(), vec![1, 2, 3]].concat(), "chunk 1"),
    ];
    for (name, chunk, says) in cases {
        let data = sync::Message {
            heads: client_doc.get_heads(),
            need: vec![],
            have: vec![],
            changes: sync::ChunkList::from(chunk),
            flags: None,
            version: sync::MessageVersion::V1,
        }
        .encode();
        match check_sync(&server, &data, &GateLimits::default()) {
            Err(GateError::InvalidChange(reason)) => assert!(reason.contains(says), "{name}: {reason}"),
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn a_change_that_breaks_the_schema_is_refused() {
    let (server, mut client) = server_and_client();
    client
        .add_project("erp".parse().unwrap(), NewProject { name: "ERP".into(), stage: Stage::Active, budget: 10.0 })
        .unwrap();
    let mut raw = AutoCommit::load(&client.save()).unwrap();
    let projects = match raw.get(ROOT, "projects").unwrap() {
        Some((automerge::Value::Object(_), id)) => id,
        _ => unreachable!(),
    };
    let erp = raw.get(&projects, "erp").unwrap().unwrap().1;
    raw.put(&erp, "budget", "a lot").unwrap();
    raw.commit();
    let data = change_message(&server, raw.document()).unwrap();
    match check_sync(&server, &data, &GateLimits::default()) {
        Err(GateError::Schema(violation)) => {
            assert_eq!(violation.path, "projects/erp/budget");
            assert!(matches!(violation.problem, Problem::WrongValue { .. }));
            let message = GateError::Schema(violation).to_string();
            assert!(message.contains("expected a number of at least 0, found the string `a lot`"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_board_may_not_grow_past_the_limit() {
    let (server, mut client) = server_and_client();
    client
        .add_project("erp".parse().unwrap(), NewProject { name: "ERP".into(), stage: Stage::Active, budget: 10.0 })
        .unwrap();
    let data = change_message(&server, &doc(&mut client)).unwrap();
    let limit = server.stats().num_ops + 2;
    match check_sync(&server, &data, &GateLimits { max_document_ops: limit, ..GateLimits::default() }) {
        Err(GateError::DocumentTooLarge { ops, limit: said }) => assert_eq!((ops > limit, said), (true, limit)),
        other => panic!("{other:?}"),
    }
    assert!(check_sync(&server, &data, &GateLimits { max_document_ops: limit + 100, ..GateLimits::default() }).is_ok());
}

#[test]
fn a_whole_document_in_a_v2_message_is_read() {
    let (server, mut client) = server_and_client();
    client
        .add_project("erp".parse().unwrap(), NewProject { name: "ERP".into(), stage: Stage::Active, budget: 10.0 })
        .unwrap();
    let data = sync::Message {
        heads: client.heads(),
        need: vec![],
        have: vec![],
        changes: sync::ChunkList::from(client.save()),
        flags: None,
        version: sync::MessageVersion::V2,
    }
    .encode();
    let accepted = check_sync(&server, &data, &GateLimits::default()).unwrap();
    assert_eq!(accepted.changes.len(), 1);
    assert_eq!(accepted.heads, client.heads());
}

#[test]
fn absent_optional_fields_are_dropped_not_sent_on_as_null() {
    // The JavaScript client sends `storageId: undefined`; samod refuses a `null` in its place.
    let mut undefined_storage = Vec::new();
    let join = Value::Map(vec![
        (Value::Text("type".into()), Value::Text("join".into())),
        (Value::Text("senderId".into()), Value::Text("js-peer".into())),
        (
            Value::Text("peerMetadata".into()),
            Value::Map(vec![
                (Value::Text("storageId".into()), Value::Null),
                (Value::Text("isEphemeral".into()), Value::Bool(true)),
            ]),
        ),
        (Value::Text("targetId".into()), Value::Null),
    ]);
    ciborium::into_writer(&join, &mut undefined_storage).unwrap();
    // CBOR `undefined` (0xf7) where ciborium wrote `null` (0xf6), as cbor-x does.
    let position = undefined_storage.iter().rposition(|byte| *byte == 0xf6).unwrap();
    undefined_storage[position] = 0xf7;

    let frame = decode_frame(&undefined_storage).unwrap();
    let encoded = frame.encode();
    let value: Value = ciborium::from_reader(encoded.as_slice()).unwrap();
    fn has_null(value: &Value) -> bool {
        match value {
            Value::Null => true,
            Value::Map(pairs) => pairs.iter().any(|(_, value)| has_null(value)),
            Value::Array(items) => items.iter().any(has_null),
            _ => false,
        }
    }
    assert!(!has_null(&value), "{value:?}");
    assert_eq!(frame.sender(), "js-peer");
}

#[test]
fn a_text_value_longer_than_the_limit_is_refused() {
    let limits = GateLimits { max_string_bytes: 1024, ..GateLimits::default() };
    for (name, length, accepted) in [("short", 1024, true), ("long", 1025, false)] {
        let (server, mut client) = server_and_client();
        let project = NewProject { name: "x".repeat(length), stage: Stage::Active, budget: 10.0 };
        client.add_project("erp".parse().unwrap(), project).unwrap();
        let data = change_message(&server, &doc(&mut client)).unwrap();
        match check_sync(&server, &data, &limits) {
            Ok(_) => assert!(accepted, "{name}: accepted"),
            Err(GateError::StringTooLong { bytes, limit }) => {
                assert!(!accepted, "{name}: refused");
                assert_eq!((bytes, limit), (1025, 1024));
            }
            Err(other) => panic!("{name}: {other}"),
        }
    }
}

/// Low 10 of the hardening issue: what a change creates and deletes again shows in no patch,
/// so every operation is checked on its own.
#[test]
fn content_created_and_deleted_within_one_change_is_checked() {
    use automerge::{ObjId, ObjType, ScalarValue};
    type Edit = fn(&mut AutoCommit, &ObjId, &ObjId);
    // (what the change does, the words of the refusal, or None when it is accepted)
    let cases: Vec<(&str, Edit, Option<&str>)> = vec![
        ("a rename", |doc, _, erp| doc.put(erp, "name", "ERP 2").map(drop).unwrap(), None),
        (
            "a list made in a field and replaced",
            |doc, _, erp| {
                let list = doc.put_object(erp, "name", ObjType::List).unwrap();
                doc.insert(&list, 0, "a").unwrap();
                doc.put(erp, "name", "ERP").unwrap();
            },
            Some("found a list"),
        ),
        (
            "2,000 list elements, deleted",
            |doc, _, erp| {
                let list = doc.put_object(erp, "sponsor", ObjType::List).unwrap();
                for n in 0..2_000_i64 {
                    doc.insert(&list, n as usize, n).unwrap();
                }
                doc.delete(erp, "sponsor").unwrap();
            },
            Some("found a list"),
        ),
        (
            "a counter, incremented and replaced",
            |doc, _, erp| {
                doc.put(erp, "budget", ScalarValue::counter(1)).unwrap();
                doc.increment(erp, "budget", 5).unwrap();
                doc.put(erp, "budget", 10.0).unwrap();
            },
            Some("a counter"),
        ),
        (
            "a project with an unknown field, deleted",
            |doc, projects, _| {
                let ghost = doc.put_object(projects, "ghost", ObjType::Map).unwrap();
                doc.put(&ghost, "name", "Ghost").unwrap();
                doc.put(&ghost, "stage", "active").unwrap();
                doc.put(&ghost, "evil", "x").unwrap();
                doc.delete(projects, "ghost").unwrap();
            },
            Some("no field `evil`"),
        ),
        (
            "a root key, deleted",
            |doc, _, _| {
                doc.put(ROOT, "evil", "x").unwrap();
                doc.delete(ROOT, "evil").unwrap();
            },
            Some("no key `evil`"),
        ),
        (
            "a wrong value, overwritten",
            |doc, _, erp| {
                doc.put(erp, "budget", "lots").unwrap();
                doc.put(erp, "budget", 5.0).unwrap();
            },
            Some("found the string `lots`"),
        ),
        (
            "a 100 KiB name, overwritten",
            |doc, _, erp| {
                doc.put(erp, "name", "x".repeat(100 * 1024)).unwrap();
                doc.put(erp, "name", "ERP").unwrap();
            },
            Some("102400 bytes"),
        ),
    ];
    for (name, edit, refusal) in cases {
        let (mut server, mut client) = server_and_client();
        client
            .add_project("erp".parse().unwrap(), NewProject { name: "ERP".into(), stage: Stage::Active, budget: 1.0 })
            .unwrap();
        server.merge(&mut doc(&mut client)).unwrap();
        let mut raw = AutoCommit::load(&client.save()).unwrap();
        let projects = raw.get(ROOT, "projects").unwrap().unwrap().1;
        let erp = raw.get(&projects, "erp").unwrap().unwrap().1;
        edit(&mut raw, &projects, &erp);
        raw.commit();
        assert_eq!(raw.get_changes(&server.get_heads()).len(), 1, "{name}: one change");
        let data = change_message(&server, raw.document()).unwrap();
        match (check_sync(&server, &data, &GateLimits::default()), refusal) {
            (Ok(accepted), None) => assert_eq!(accepted.changes.len(), 1, "{name}"),
            (Err(error), Some(words)) => assert!(error.to_string().contains(words), "{name}: {error}"),
            (outcome, _) => panic!("{name}: {outcome:?}"),
        }
    }
}

// ---- AHP judgments and the sender ---------------------------------------------------------------

/// A board with two criteria the server holds, and a raw client replica of it.
fn board_with_criteria() -> (Automerge, AutoCommit, automerge::ObjId) {
    let mut board = Board::new("Portfolio").unwrap();
    for id in ["cost", "value"] {
        board.add_criterion(id.parse().unwrap(), id, 1.0, crate::scoring::Direction::HigherIsBetter).unwrap();
    }
    let server = doc(&mut board);
    let raw = AutoCommit::load(&board.save()).unwrap();
    let judgments = match raw.get(ROOT, "ahp_judgments").unwrap() {
        Some((automerge::Value::Object(_), id)) => id,
        _ => unreachable!("a new board has the judgments"),
    };
    (server, raw, judgments)
}

/// The gate's verdict on one raw put under `key` of `collection` (a root map), sent by `writer`.
fn verdict(
    key: &str,
    value: automerge::ScalarValue,
    collection: &str,
    writer: Option<Writer<'_>>,
) -> Result<Accepted, GateError> {
    let (server, mut raw, _) = board_with_criteria();
    let map = match raw.get(ROOT, collection).unwrap() {
        Some((automerge::Value::Object(_), id)) => id,
        _ => unreachable!("{collection} is a root map"),
    };
    raw.put(&map, key, value).unwrap();
    raw.commit();
    let data = change_message(&server, raw.document()).unwrap();
    check_sync_from(&server, &data, &GateLimits::default(), writer)
}

/// The server's board, and a sync message that changes one stage-gate checklist item's label
/// in place.
fn checklist_label_changed() -> (Automerge, Vec<u8>) {
    let (server, mut raw, _) = board_with_criteria();
    let template = match raw.get(ROOT, "gate_template").unwrap() {
        Some((automerge::Value::Object(_), id)) => id,
        _ => unreachable!(),
    };
    let item = raw.map_range(&template, ..).next().unwrap().id();
    raw.put(&item, "label", "Business case signed").unwrap();
    raw.commit();
    let data = change_message(&server, raw.document()).unwrap();
    (server, data)
}

fn refusal(result: Result<Accepted, GateError>) -> (String, Problem) {
    match result {
        Err(GateError::Schema(violation) | GateError::NotPermitted(violation)) => (violation.path, violation.problem),
        other => panic!("expected a schema refusal, got {other:?}"),
    }
}

#[test]
fn a_comparison_off_saatys_scale_is_refused() {
    let ana = Some(Writer { account_id: "ana", owner: false });
    for value in [3.0, 1.0 / 7.0, 9.0, 1.0 / 9.0, 1.0] {
        verdict("ana/cost/value", value.into(), "ahp_judgments", ana).unwrap();
    }
    for value in [10.0, 0.1, 0.0, -3.0, 2.5, f64::NAN] {
        let (path, problem) = refusal(verdict("ana/cost/value", value.into(), "ahp_judgments", ana));
        assert_eq!(path, r#"ahp_judgments/"ana/cost/value""#);
        assert!(matches!(problem, Problem::WrongValue { .. }), "{value}: {problem:?}");
        assert!(problem.to_string().contains("Saaty's scale"), "{problem}");
    }
    let (_, problem) = refusal(verdict("ana/cost/value", "9".into(), "ahp_judgments", ana));
    assert!(matches!(problem, Problem::WrongValue { .. }));
    // A pair is stored once, its criteria in id order, and never a criterion with itself.
    for key in ["ana/value/cost", "ana/cost/cost", "ana/cost", "ana/cost/value/x"] {
        let (_, problem) = refusal(verdict(key, 3.0.into(), "ahp_judgments", ana));
        assert!(matches!(problem, Problem::BadKey { .. }), "{key}: {problem:?}");
    }
}

#[test]
fn a_member_writes_only_their_own_judgments() {
    let ana = Writer { account_id: "ana", owner: false };
    verdict("ana/cost/value", 3.0.into(), "ahp_judgments", Some(ana)).unwrap();
    let (path, problem) = refusal(verdict("bo/cost/value", 3.0.into(), "ahp_judgments", Some(ana)));
    assert_eq!(path, r#"ahp_judgments/"bo/cost/value""#);
    assert_eq!(problem, Problem::NotYours("bo".into()));
    // The owner answers for themself only, too.
    let owner = Writer { account_id: "ana", owner: true };
    assert_eq!(
        refusal(verdict("bo/cost/value", 3.0.into(), "ahp_judgments", Some(owner))).1,
        Problem::NotYours("bo".into())
    );

    // Nor may anyone clear a colleague's answer.
    let (server, mut raw, judgments) = board_with_criteria();
    raw.put(&judgments, "bo/cost/value", 5.0).unwrap();
    raw.commit();
    let data = change_message(&server, raw.document()).unwrap();
    let bo = Writer { account_id: "bo", owner: false };
    let accepted = check_sync_from(&server, &data, &GateLimits::default(), Some(bo)).unwrap();
    let mut stored = server.clone();
    stored
        .apply_changes(accepted.changes.iter().map(|(_, bytes)| automerge::Change::from_bytes(bytes.clone()).unwrap()))
        .unwrap();
    raw.delete(&judgments, "bo/cost/value").unwrap();
    raw.commit();
    let data = change_message(&stored, raw.document()).unwrap();
    assert_eq!(
        refusal(check_sync_from(&stored, &data, &GateLimits::default(), Some(ana))).1,
        Problem::NotYours("bo".into())
    );
    check_sync_from(&stored, &data, &GateLimits::default(), Some(bo)).unwrap();
}

#[test]
fn only_the_owner_changes_the_settings_and_the_checklist() {
    let editor = Some(Writer { account_id: "ed", owner: false });
    let owner = Some(Writer { account_id: "ow", owner: true });
    let (path, problem) = refusal(verdict("currency", "EUR".into(), "settings", editor));
    assert_eq!(path, "settings/currency");
    assert_eq!(problem, Problem::OwnerOnly(validate::OwnersPart::Settings));
    verdict("currency", "EUR".into(), "settings", owner).unwrap();

    // A checklist item's label, changed in place.
    let (server, data) = checklist_label_changed();
    assert_eq!(
        refusal(check_sync_from(&server, &data, &GateLimits::default(), editor)).1,
        Problem::OwnerOnly(validate::OwnersPart::Checklist)
    );
    check_sync_from(&server, &data, &GateLimits::default(), owner).unwrap();

    // Everything else stays open to editors.
    let (server, mut client) = server_and_client();
    client.add_criterion("cost".parse().unwrap(), "Cost", 2.0, crate::scoring::Direction::LowerIsBetter).unwrap();
    let data = change_message(&server, &doc(&mut client)).unwrap();
    check_sync_from(&server, &data, &GateLimits::default(), editor).unwrap();
}

/// A change refused for who sent it is told apart from one that would break the board: its own
/// error, its own close code, and no word of breaking anything.
#[test]
fn permission_refusals_are_not_schema_refusals() {
    let editor = Some(Writer { account_id: "ed", owner: false });
    let owner = Some(Writer { account_id: "ow", owner: true });
    let cases = [
        (verdict("currency", "EUR".into(), "settings", editor), ChangesRefused::OwnerOnlySettings),
        (verdict("bo/cost/value", 3.0.into(), "ahp_judgments", editor), ChangesRefused::NotYourJudgments),
        (verdict("currency", "EURO".into(), "settings", owner), ChangesRefused::Schema),
        (verdict("ed/cost/value", 10.0.into(), "ahp_judgments", editor), ChangesRefused::Schema),
    ];
    for (result, expected) in cases {
        let error = result.unwrap_err();
        assert_eq!(error.refused(), expected, "{error}");
        assert_eq!(matches!(error, GateError::NotPermitted(_)), expected.is_permission(), "{error:?}");
        assert_eq!(error.to_string().contains("would break the board"), !expected.is_permission(), "{error}");
    }

    let (server, data) = checklist_label_changed();
    let error = check_sync_from(&server, &data, &GateLimits::default(), editor).unwrap_err();
    assert_eq!(error.refused(), ChangesRefused::OwnerOnlyChecklist, "{error}");
    assert!(error.to_string().starts_with("the sender may not make these changes"), "{error}");
}
