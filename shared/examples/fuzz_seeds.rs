//! Writes cargo-fuzz seeds made of real frames and sync messages of real board edits into
//! `fuzz/corpus/`, so the fuzzers start past decoding:
//! `cargo run -p shared --example fuzz_seeds` (`-- sync_sequence` for that target's seeds only).
//! Run it when the protocol or the board changes.
//! It writes the fixed board the sync target checks against
//! (`shared/src/gate/fuzz_board.automerge`) only when that file is empty: replacing it makes
//! every stored sync seed refer to changes the board does not have.

use std::{
    fs,
    path::{Path, PathBuf},
};

use automerge::{transaction::Transactable, AutoCommit, Automerge, ObjId, ObjType, ReadDoc, ROOT};
use ciborium::Value;
use shared::{
    board::{Board, NewPerson, NewProject, Phase, Stamp},
    gate::fuzz::{client_messages, encode_steps, small_board, Step},
    sync::{PeerMetadata, Presence, WireMessage},
    IsoWeek, Stage,
};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

// ---- seeds ------------------------------------------------------------------------------------

fn fixture_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/gate/fuzz_board.automerge")
}

fn write_seed(target: &str, name: &str, bytes: &[u8]) {
    let folder = fuzz_dir().join("corpus").join(target);
    fs::create_dir_all(&folder).unwrap();
    fs::write(folder.join(format!("seed-{name}")), bytes).unwrap();
}

fn object(doc: &AutoCommit, path: &[&str]) -> ObjId {
    path.iter().fold(ROOT, |parent, key| doc.get(&parent, *key).unwrap().expect("an object").1)
}

fn cbor(value: &Value) -> Vec<u8> {
    let mut bytes = Vec::new();
    ciborium::into_writer(value, &mut bytes).unwrap();
    bytes
}

fn map(entries: Vec<(&str, Value)>) -> Value {
    Value::Map(entries.into_iter().map(|(key, value)| (Value::Text(key.into()), value)).collect())
}

fn main() {
    let fixture = fixture_path();
    if fs::read(&fixture).unwrap().is_empty() {
        fs::write(&fixture, small_board().save()).unwrap();
    }
    let fixture = fs::read(&fixture).unwrap();
    let server = Automerge::load(&fixture).unwrap();
    // `-- sync_sequence` writes only that target's seeds, leaving the others' corpus as it is.
    if std::env::args().nth(1).as_deref() == Some("sync_sequence") {
        sequence_seeds(&server, &fixture);
        return;
    }

    // Sync messages of typed edits, each made by a client that loaded the fixed board.
    type TypedEdit = fn(&mut Board);
    let typed: Vec<(&str, TypedEdit)> = vec![
        ("nothing", |_| {}),
        ("add-project", |b| {
            b.add_project(
                "new".parse().unwrap(),
                NewProject { name: "New".into(), stage: Stage::Screening, budget: 5.0 },
            )
            .unwrap()
        }),
        ("budget", |b| b.set_project_budget(&"erp".parse().unwrap(), 250_000.0).unwrap()),
        ("rename", |b| b.rename_project(&"crm".parse().unwrap(), "CRM 2").unwrap()),
        ("move", |b| b.move_project(&"data".parse().unwrap(), 0).unwrap()),
        ("allocate", |b| {
            b.set_allocation(&"data".parse().unwrap(), &"ana".parse().unwrap(), IsoWeek::new(2027, 6).unwrap(), 20.0)
                .unwrap()
        }),
        ("add-person", |b| b.add_person("cy".parse().unwrap(), NewPerson::named("Cy", 32.0)).unwrap()),
        ("delete-project", |b| b.delete_project(&"erp".parse().unwrap()).unwrap()),
        ("tick", |b| {
            b.tick_gate(&"crm".parse().unwrap(), Phase::Planning, "scope-baseline", Stamp { by: "Bo".into(), at_ms: 5 })
                .unwrap()
        }),
        ("currency", |b| b.set_currency("EUR").unwrap()),
        ("many-edits", |b| {
            for round in 0..12 {
                b.set_project_budget(&"crm".parse().unwrap(), f64::from(round) * 1_000.0).unwrap();
            }
        }),
    ];
    for (name, edit) in typed {
        let mut client = Board::load(&fixture).unwrap();
        edit(&mut client);
        let mut sent = server.clone();
        sent.load_incremental(&client.save()).unwrap();
        for (index, message) in client_messages(&server, &sent).iter().enumerate() {
            write_seed("sync_handler", &format!("{name}-{index}"), message);
        }
    }

    // Sync messages of raw edits that break the schema, so the fuzzer starts inside the check.
    type RawEdit = fn(&mut AutoCommit);
    let raw: Vec<(&str, RawEdit)> = vec![
        ("wrong-type", |d| d.put(object(d, &["projects", "erp"]), "budget", "a lot").unwrap()),
        ("unknown-root-key", |d| d.put(ROOT, "admin", true).unwrap()),
        ("delete-collection", |d| d.delete(ROOT, "risks").unwrap()),
        ("list-for-entity", |d| {
            d.put_object(object(d, &["projects"]), "new", ObjType::List).unwrap();
        }),
        ("lower-schema", |d| d.put(ROOT, "schema_version", 1u64).unwrap()),
        ("text-stage", |d| {
            let text = d.put_object(object(d, &["projects", "crm"]), "stage", ObjType::Text).unwrap();
            d.splice_text(&text, 0, 0, "active").unwrap();
        }),
        ("bad-allocation-key", |d| d.put(object(d, &["allocations"]), "erp/ana/2027-W60", 8.0).unwrap()),
    ];
    for (name, edit) in raw {
        let mut client = AutoCommit::load(&fixture).unwrap();
        edit(&mut client);
        client.commit();
        for (index, message) in client_messages(&server, client.document()).iter().enumerate() {
            write_seed("sync_handler", &format!("raw-{name}-{index}"), message);
        }
    }

    sequence_seeds(&server, &fixture);

    // Frames: every message this project speaks, and the automerge-repo ones it only relays.
    let (client, target, document) =
        ("client-1".to_owned(), "server".to_owned(), "4NMNnkMhL8jXrdJ9jamS58PAVdXu".to_owned());
    let mut edited = Board::load(&fixture).unwrap();
    edited.set_project_budget(&"erp".parse().unwrap(), 1.0).unwrap();
    let mut sent = server.clone();
    sent.load_incremental(&edited.save()).unwrap();
    let sync_data = client_messages(&server, &sent).pop().unwrap();
    let frames: Vec<(&str, Vec<u8>)> = vec![
        (
            "join",
            WireMessage::Join {
                sender_id: client.clone(),
                supported_protocol_versions: vec!["1".into()],
                peer_metadata: Some(PeerMetadata { storage_id: None, is_ephemeral: true }),
            }
            .encode(),
        ),
        (
            "peer",
            WireMessage::Peer {
                sender_id: target.clone(),
                target_id: client.clone(),
                selected_protocol_version: "1".into(),
                peer_metadata: Some(PeerMetadata { storage_id: Some("storage".into()), is_ephemeral: false }),
            }
            .encode(),
        ),
        (
            "request",
            WireMessage::Request {
                document_id: document.clone(),
                sender_id: client.clone(),
                target_id: target.clone(),
                data: client_messages(&server, &server)[0].clone(),
            }
            .encode(),
        ),
        (
            "sync",
            WireMessage::Sync {
                document_id: document.clone(),
                sender_id: client.clone(),
                target_id: target.clone(),
                data: sync_data,
            }
            .encode(),
        ),
        (
            "doc-unavailable",
            WireMessage::DocUnavailable {
                sender_id: target.clone(),
                target_id: client.clone(),
                document_id: document.clone(),
            }
            .encode(),
        ),
        (
            "ephemeral",
            WireMessage::Ephemeral {
                sender_id: client.clone(),
                target_id: target.clone(),
                count: 3,
                session_id: "session".into(),
                document_id: document.clone(),
                data: Presence { name: "Ana".into() }.encode(),
            }
            .encode(),
        ),
        ("leave", WireMessage::Leave { sender_id: client.clone() }.encode()),
        ("error", WireMessage::Error { message: "no".into() }.encode()),
        (
            "remote-heads-changed",
            cbor(&map(vec![
                ("type", Value::Text("remote-heads-changed".into())),
                ("senderId", Value::Text(target.clone())),
                ("targetId", Value::Text(client.clone())),
                ("documentId", Value::Text(document.clone())),
                (
                    "newHeads",
                    map(vec![(
                        "storage",
                        map(vec![
                            ("heads", Value::Array(vec![Value::Text("abc".into())])),
                            ("timestamp", Value::Integer(7.into())),
                        ]),
                    )]),
                ),
            ])),
        ),
        (
            "remote-subscription-change",
            cbor(&map(vec![
                ("type", Value::Text("remote-subscription-change".into())),
                ("senderId", Value::Text(client.clone())),
                ("targetId", Value::Text(target.clone())),
                ("add", Value::Array(vec![Value::Text("storage".into())])),
                ("remove", Value::Null),
            ])),
        ),
        (
            "float-and-tag",
            cbor(&map(vec![
                ("type", Value::Text("x".into())),
                ("senderId", Value::Text(client)),
                ("n", Value::Float(1.5)),
                ("t", Value::Tag(1, Box::new(Value::Integer(0.into())))),
            ])),
        ),
    ];
    for (name, bytes) in frames {
        write_seed("decode_frame", name, &bytes);
    }
}

// ---- sequences ----------------------------------------------------------------------------------

/// A sync message carrying exactly `changes`, claiming the heads of the last.
fn message_of(changes: &[Vec<u8>], heads: Vec<automerge::ChangeHash>) -> Vec<u8> {
    automerge::sync::Message {
        heads,
        need: vec![],
        have: vec![],
        changes: automerge::sync::ChunkList::from(changes.to_vec()),
        flags: None,
        version: automerge::sync::MessageVersion::V1,
    }
    .encode()
}

fn sync_frame(data: Vec<u8>) -> Vec<u8> {
    WireMessage::Sync {
        document_id: "4NMNnkMhL8jXrdJ9jamS58PAVdXu".into(),
        sender_id: "client-1".into(),
        target_id: "server".into(),
        data,
    }
    .encode()
}

/// The steps of one sequence seed.
type Steps = Vec<(Step, Vec<u8>)>;

/// Seeds of the sequence target: honest sessions, orphans before their parents, two clients
/// interleaved, another node's chunks, and content created and deleted in one change.
fn sequence_seeds(server: &Automerge, fixture: &[u8]) {
    let changes_after = |doc: &Automerge, heads: &[automerge::ChangeHash]| -> Vec<Vec<u8>> {
        doc.get_changes(heads).iter().map(|change| change.raw_bytes().to_vec()).collect()
    };
    let heads = server.get_heads();

    // Two clients editing the fixed board apart.
    let mut ana = Board::load(fixture).unwrap();
    ana.add_project("new".parse().unwrap(), NewProject { name: "New".into(), stage: Stage::Screening, budget: 5.0 })
        .unwrap();
    ana.set_project_budget(&"new".parse().unwrap(), 7.0).unwrap();
    ana.rename_project(&"new".parse().unwrap(), "Newer").unwrap();
    let mut bo = Board::load(fixture).unwrap();
    bo.set_project_budget(&"erp".parse().unwrap(), 1.0).unwrap();
    bo.add_person("cy".parse().unwrap(), NewPerson::named("Cy", 32.0)).unwrap();
    let ana_doc = Automerge::load(&ana.save()).unwrap();
    let bo_doc = Automerge::load(&bo.save()).unwrap();
    let ana_changes = changes_after(&ana_doc, &heads);
    let bo_changes = changes_after(&bo_doc, &heads);
    let ana_messages = client_messages(server, &ana_doc);
    let bo_messages = client_messages(server, &bo_doc);

    let mut sequences: Vec<(&str, Steps)> =
        vec![("honest", ana_messages.iter().map(|m| (Step::Sync, m.clone())).collect())];
    let mut interleaved = Vec::new();
    for index in 0..ana_messages.len().max(bo_messages.len()) {
        for messages in [&ana_messages, &bo_messages] {
            if let Some(message) = messages.get(index) {
                interleaved.push((Step::Sync, message.clone()));
            }
        }
    }
    sequences.push(("interleaved", interleaved));
    // The last change alone (an orphan), then its ancestors, then the orphan again.
    let last = ana_changes.len() - 1;
    sequences.push((
        "orphan-then-parents",
        vec![
            (Step::Sync, message_of(&ana_changes[last..], ana_doc.get_heads())),
            (Step::Sync, message_of(&ana_changes[..last], ana_doc.get_heads())),
            (Step::Sync, message_of(&ana_changes[last..], ana_doc.get_heads())),
        ],
    ));
    // The parents arrive from another node's storage; the orphan comes again as a frame.
    sequences.push((
        "orphan-parents-stored",
        vec![
            (Step::Frame, sync_frame(message_of(&ana_changes[last..], ana_doc.get_heads()))),
            (Step::Stored, ana_changes[..last].concat()),
            (Step::Frame, sync_frame(message_of(&ana_changes[last..], ana_doc.get_heads()))),
            (Step::Stored, bo_changes.concat()),
        ],
    ));
    // A harmless parent and a child that breaks the board (the hardening issue's High 1).
    let mut raw = AutoCommit::load(fixture).unwrap();
    raw.put(object(&raw, &["projects", "crm"]), "budget", 3.0).unwrap();
    raw.commit();
    let parent_heads = raw.get_heads();
    raw.delete(ROOT, "risks").unwrap();
    raw.put(ROOT, "schema_version", 1u64).unwrap();
    raw.commit();
    let breaking = changes_after(raw.document(), &heads);
    sequences.push((
        "breaking-orphan",
        vec![
            (Step::Sync, message_of(&breaking[1..], raw.get_heads())),
            (Step::Stored, breaking[0].clone()),
            (Step::Sync, message_of(&breaking[1..], raw.get_heads())),
            (Step::Sync, message_of(&breaking[..1], parent_heads)),
        ],
    ));
    // Content created and deleted within one change (the Low 10), after an honest edit.
    let mut raw = AutoCommit::load(fixture).unwrap();
    let erp = object(&raw, &["projects", "erp"]);
    let list = raw.put_object(&erp, "sponsor", ObjType::List).unwrap();
    for n in 0..50_i64 {
        raw.insert(&list, n as usize, n).unwrap();
    }
    raw.delete(&erp, "sponsor").unwrap();
    raw.commit();
    let created_and_deleted = changes_after(raw.document(), &heads);
    sequences.push((
        "created-and-deleted",
        vec![
            (Step::Sync, bo_messages[0].clone()),
            (Step::Sync, message_of(&created_and_deleted, raw.get_heads())),
            (Step::Stored, created_and_deleted.concat()),
        ],
    ));
    for (name, steps) in sequences {
        write_seed("sync_sequence", name, &encode_steps(&steps));
    }
}
