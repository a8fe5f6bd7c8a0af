//! Who may sync what, and what happens to bad input, through the real `/sync` endpoint.

use std::time::Duration;

use server::{Config, Limits, Server};
use shared::{api::Role, board::ProjectId, sync::WireMessage};
use tokio_tungstenite::tungstenite::Message;

use crate::{
    editor::{has_project, project, read_from_server, Editor},
    harness::{self, ApiClient, TestDatabase},
};

const WITHIN: Duration = Duration::from_secs(5);

/// A sync message carrying one change that replaces the board's projects with a string: valid
/// Automerge, invalid board.
fn schema_breaking_sync_message(board: &mut shared::Board) -> Vec<u8> {
    use automerge::{sync::SyncDoc, transaction::Transactable};
    let mut evil = automerge::Automerge::load(&board.save()).unwrap();
    let mut server = evil.clone();
    let mut tx = evil.transaction();
    tx.put(automerge::ROOT, "projects", "evil").unwrap();
    tx.commit();
    let (mut to_server, mut to_evil) = (automerge::sync::State::new(), automerge::sync::State::new());
    for _ in 0..10 {
        if let Some(message) = evil.generate_sync_message(&mut to_server) {
            if !message.changes.is_empty() {
                return message.encode();
            }
            server.receive_sync_message(&mut to_evil, message).unwrap();
        }
        if let Some(message) = server.generate_sync_message(&mut to_evil) {
            evil.receive_sync_message(&mut to_server, message).unwrap();
        }
    }
    panic!("the sync never carried the change")
}

/// A board owned by a fresh account, and that owner's API token.
struct Fixture {
    server: Server,
    owner: ApiClient,
    owner_token: String,
    document_id: String,
}

async fn fixture(database: &TestDatabase, limits: Limits) -> Fixture {
    let config = Config { limits, ..Config::new(database.url(), "target/site") };
    let server = harness::start_server_with(config, "127.0.0.1:0".parse().unwrap()).await;
    let owner = ApiClient::sign_up(server.addr, "owner@example.com").await;
    let board = owner.create_board("Gate").await;
    let owner_token = owner.create_token("owner").await;
    Fixture { document_id: board.document_id().to_owned(), server, owner, owner_token }
}

impl Fixture {
    /// Signs up `email`, gives it `role` on the board (if any) and returns its API token.
    async fn account(&self, email: &str, role: Option<Role>) -> (ApiClient, String) {
        let account = ApiClient::sign_up(self.server.addr, email).await;
        if let Some(role) = role {
            self.owner.add_member(&self.document_id, email, role).await;
        }
        let token = account.create_token("test").await;
        (account, token)
    }

    async fn connected(&self, name: &str, token: &str) -> Editor {
        let mut editor = Editor::new(name, &self.document_id, token);
        assert!(editor.connect(self.server.addr).await, "{name} connects");
        editor
    }

    async fn loaded(&self, name: &str, token: &str) -> Editor {
        let mut editor = self.connected(name, token).await;
        editor.wait_for(WITHIN, "the board", |e| e.board.is_loaded()).await;
        editor
    }
}

#[tokio::test]
async fn an_upgrade_without_a_valid_identity_is_refused() {
    let database = TestDatabase::new();
    let fixture = fixture(&database, Limits::default()).await;
    let addr = fixture.server.addr;
    for url in [format!("ws://{addr}/sync"), format!("ws://{addr}/sync?token=pmo_not-a-token")] {
        let error = tokio_tungstenite::connect_async(&url).await.expect_err("refused");
        let tokio_tungstenite::tungstenite::Error::Http(response) = error else {
            panic!("expected an HTTP refusal, got {error}")
        };
        assert_eq!(response.status(), 401, "{url}");
    }
    fixture.server.stop().await;
}

#[tokio::test]
async fn outsiders_viewers_and_editors_get_what_their_role_allows() {
    let database = TestDatabase::new();
    let fixture = fixture(&database, Limits::default()).await;
    let (_, viewer_token) = fixture.account("viewer@example.com", Some(Role::Viewer)).await;
    let (_, editor_token) = fixture.account("editor@example.com", Some(Role::Editor)).await;
    let (_, outsider_token) = fixture.account("outsider@example.com", None).await;

    let mut owner = fixture.loaded("owner", &fixture.owner_token).await;
    owner.edit(|b| b.add_project(ProjectId::random(), project("by the owner")).unwrap()).await;
    owner.wait_for(WITHIN, "the owner's edit saved", |e| e.unsynced() == 0).await;

    // An outsider is told the board is unavailable, exactly as for an id that is no board.
    let mut outsider = fixture.connected("outsider", &outsider_token).await;
    outsider.wait_for(WITHIN, "doc-unavailable", |e| e.unavailable()).await;
    assert!(!outsider.board.is_loaded(), "an outsider received the board");
    let mut nowhere = Editor::new("nowhere", "4NMNnkMhL8jXrdJ9jamS58PAVdXu", &outsider_token);
    assert!(nowhere.connect(fixture.server.addr).await);
    nowhere.wait_for(WITHIN, "doc-unavailable for no board", |e| e.unavailable()).await;

    // A viewer reads the board; its changes are neither applied, stored nor relayed.
    let mut viewer = fixture.loaded("viewer", &viewer_token).await;
    assert!(has_project(&viewer, "by the owner"));
    viewer.edit(|b| b.add_project(ProjectId::random(), project("by the viewer")).unwrap()).await;
    let viewer_heads = viewer.board.heads();
    // An editor writes, and everyone who may read sees it.
    let mut editor = fixture.loaded("editor", &editor_token).await;
    editor.edit_acknowledged(WITHIN, |b| b.add_project(ProjectId::random(), project("by the editor")).unwrap()).await;
    owner.wait_for(WITHIN, "the editor's edit at the owner", |e| has_project(e, "by the editor")).await;
    viewer.wait_for(WITHIN, "the editor's edit at the viewer", |e| has_project(e, "by the editor")).await;
    owner.pump(Duration::from_millis(500)).await;
    assert!(!has_project(&owner, "by the viewer"), "a viewer's change was relayed");
    let mut stored = read_from_server(fixture.server.addr, &fixture.document_id, &fixture.owner_token).await;
    assert!(!stored.contains(&viewer_heads), "a viewer's change was stored");
    assert!(has_project(&editor, "by the owner"));

    // A viewer claiming the owner's peer id gains nothing: identity comes from the upgrade.
    let owner_claim = owner.client().join();
    let WireMessage::Join { sender_id: owner_peer, .. } = WireMessage::decode(&owner_claim).unwrap() else {
        unreachable!()
    };
    let mut impostor = Editor::with_peer_id(&owner_peer, &fixture.document_id, &viewer_token);
    assert!(impostor.connect(fixture.server.addr).await);
    impostor.wait_for(WITHIN, "the board", |e| e.board.is_loaded()).await;
    impostor.edit(|b| b.add_project(ProjectId::random(), project("by the impostor")).unwrap()).await;
    owner.pump(Duration::from_millis(500)).await;
    assert!(!has_project(&owner, "by the impostor"), "a viewer wrote by claiming the owner's peer id");

    fixture.server.stop().await;
}

#[tokio::test]
async fn a_removed_member_loses_the_board_on_its_open_connection() {
    let database = TestDatabase::new();
    let fixture = fixture(&database, Limits::default()).await;
    let (member, member_token) = fixture.account("member@example.com", Some(Role::Editor)).await;
    let mut owner = fixture.loaded("owner", &fixture.owner_token).await;
    let mut removed = fixture.loaded("member", &member_token).await;

    let member_id = member.me().await.account.id;
    fixture.owner.remove_member(&fixture.document_id, &member_id).await;
    // Give the share policy its moment to hear about it (no connection is reopened).
    tokio::time::sleep(Duration::from_millis(300)).await;

    owner.edit(|b| b.add_project(ProjectId::random(), project("after removal")).unwrap()).await;
    owner.wait_for(WITHIN, "the owner's edit saved", |e| e.unsynced() == 0).await;
    removed.edit(|b| b.add_project(ProjectId::random(), project("by the removed member")).unwrap()).await;
    removed.pump(Duration::from_secs(1)).await;
    owner.pump(Duration::from_millis(500)).await;
    assert!(!has_project(&removed, "after removal"), "a removed member still receives edits");
    assert!(!has_project(&owner, "by the removed member"), "a removed member can still write");
    fixture.server.stop().await;
}

#[tokio::test]
async fn too_many_connections_for_one_account_are_refused() {
    let database = TestDatabase::new();
    let limits = Limits { connections_per_account: 2, ..Limits::default() };
    let fixture = fixture(&database, limits).await;
    let _first = fixture.connected("first", &fixture.owner_token).await;
    let _second = fixture.connected("second", &fixture.owner_token).await;
    let url = format!("ws://{}/sync?token={}", fixture.server.addr, fixture.owner_token);
    let error = tokio_tungstenite::connect_async(&url).await.expect_err("the third is refused");
    let tokio_tungstenite::tungstenite::Error::Http(response) = error else { panic!("{error}") };
    assert_eq!(response.status(), 429);
    fixture.server.stop().await;
}

/// One bad frame of each kind closes that connection with a clear reason, stores nothing, and
/// leaves a well-behaved client on the same board undisturbed.
#[tokio::test]
async fn bad_input_closes_only_the_connection_that_sent_it() {
    let database = TestDatabase::new();
    let limits = Limits { max_frame_bytes: 64 * 1024, messages_per_second: 5, message_burst: 20, ..Limits::default() };
    let fixture = fixture(&database, limits).await;
    let mut bystander = fixture.loaded("bystander", &fixture.owner_token).await;

    let valid_sync = |editor: &mut Editor, data: Vec<u8>| {
        let join = editor.client().join();
        let WireMessage::Join { sender_id, .. } = WireMessage::decode(&join).unwrap() else { unreachable!() };
        WireMessage::Sync { document_id: fixture.document_id.clone(), sender_id, target_id: "server".into(), data }
            .encode()
    };

    // The close reason is a short code; the `error` message before it says what was wrong.
    type Case = (&'static str, u16, &'static str, &'static str);
    let cases: [Case; 7] = [
        ("malformed CBOR", 1007, "malformed", "CBOR"),
        ("a text frame", 1007, "malformed", "text frames"),
        ("CBOR that is no automerge-repo message", 1007, "malformed", "not an automerge-repo message"),
        ("a sync message that is not automerge", 1007, "malformed", "sync message"),
        ("a change that breaks the board schema", 1008, "schema", "would break the board"),
        ("a frame over the size limit", 1009, "transport", ""),
        ("a flood of messages", 1008, "rate", "too many messages"),
    ];
    for (case, code, close_reason, reason) in cases {
        let mut attacker = fixture.loaded(case, &fixture.owner_token).await;
        let heads_before = attacker.board.heads();
        match case {
            "malformed CBOR" => attacker.send_raw(Message::Binary(vec![0xff, 0x00, 0x13, 0x37].into())).await,
            "a text frame" => attacker.send_raw(Message::Text("{\"type\":\"sync\"}".into())).await,
            "CBOR that is no automerge-repo message" => {
                let mut bytes = Vec::new();
                ciborium::into_writer(&ciborium::Value::Array(vec![1.into(), 2.into()]), &mut bytes).unwrap();
                attacker.send_raw(Message::Binary(bytes.into())).await;
            }
            "a sync message that is not automerge" => {
                let frame = valid_sync(&mut attacker, b"definitely not a sync message".to_vec());
                attacker.send_raw(Message::Binary(frame.into())).await;
            }
            "a change that breaks the board schema" => {
                let data = schema_breaking_sync_message(&mut attacker.board);
                let frame = valid_sync(&mut attacker, data);
                attacker.send_raw(Message::Binary(frame.into())).await;
            }
            "a frame over the size limit" => attacker.send_raw(Message::Binary(vec![0u8; 100 * 1024].into())).await,
            "a flood of messages" => {
                for _ in 0..200 {
                    let frame = attacker.client().ephemeral(b"flood".to_vec()).unwrap();
                    attacker.send_raw(Message::Binary(frame.into())).await;
                }
            }
            _ => unreachable!(),
        }
        attacker.wait_for(WITHIN, "the server closing the connection", |e| !e.is_connected()).await;
        let (closed_code, closed_reason) = attacker.closed.clone().unwrap_or_else(|| panic!("{case}: no close frame"));
        assert_eq!((closed_code, closed_reason.as_str()), (code, close_reason), "{case}: close code and reason");
        if !reason.is_empty() {
            let error = attacker.error.clone().unwrap_or_default();
            assert!(error.contains(reason), "{case}: the error {error:?} should mention {reason:?}");
        }

        // Nothing of it was stored, and the bystander carries on.
        let mut stored = read_from_server(fixture.server.addr, &fixture.document_id, &fixture.owner_token).await;
        assert!(stored.contains(&heads_before));
        let name = format!("after {case}");
        bystander.edit(|b| b.add_project(ProjectId::random(), project(&name)).unwrap()).await;
        bystander.wait_for(WITHIN, "the bystander's edit saved", |e| e.unsynced() == 0 && e.is_connected()).await;
        assert!(stored.snapshot().projects.iter().all(|p| !p.name.starts_with("evil")), "{case}: stored");
    }
    fixture.server.stop().await;
}

/// samod opens one board under several spellings of its id; the gate must check (and store)
/// changes sent under any of them.
#[tokio::test]
async fn a_respelled_board_id_does_not_get_changes_past_the_gate() {
    let database = TestDatabase::new();
    let fixture = fixture(&database, Limits::default()).await;
    let parsed: samod::DocumentId = fixture.document_id.parse().unwrap();
    let respelled = uuid::Uuid::from_slice(parsed.as_bytes()).unwrap().hyphenated().to_string();
    assert_eq!(respelled.parse::<samod::DocumentId>().unwrap(), parsed, "samod reads both spellings");

    let mut attacker = fixture.loaded("respeller", &fixture.owner_token).await;
    let heads_before = attacker.board.heads();
    let data = schema_breaking_sync_message(&mut attacker.board);
    let join = attacker.client().join();
    let WireMessage::Join { sender_id, .. } = WireMessage::decode(&join).unwrap() else { unreachable!() };
    let frame = WireMessage::Sync { document_id: respelled, sender_id, target_id: "server".into(), data }.encode();
    attacker.send_raw(Message::Binary(frame.into())).await;
    attacker.wait_for(WITHIN, "the server closing the connection", |e| !e.is_connected()).await;
    let (code, reason) = attacker.closed.clone().expect("a close frame");
    assert_eq!(code, 1008, "{reason}");
    let mut stored = read_from_server(fixture.server.addr, &fixture.document_id, &fixture.owner_token).await;
    assert!(stored.contains(&heads_before));
    assert!(stored.snapshot().projects.is_empty() && stored.is_loaded(), "the board is intact");
    fixture.server.stop().await;
}

#[tokio::test]
async fn a_board_cannot_grow_past_the_document_limit() {
    let database = TestDatabase::new();
    let fixture = fixture(&database, Limits { max_document_ops: 400, ..Limits::default() }).await;
    let mut editor = fixture.loaded("editor", &fixture.owner_token).await;
    let mut closed = false;
    for n in 0..200 {
        let name = format!("project {n} with a long enough name to add operations");
        editor.edit(|b| b.add_project(ProjectId::random(), project(&name)).unwrap()).await;
        editor.pump(Duration::from_millis(20)).await;
        if !editor.is_connected() {
            closed = true;
            break;
        }
    }
    assert!(closed, "the server never refused the growing board");
    let (code, reason) = editor.closed.clone().expect("a close frame");
    assert_eq!((code, reason.as_str()), (1008, "too_large"));
    let error = editor.error.clone().unwrap_or_default();
    assert!(error.contains("more than this server accepts"), "{error}");
    fixture.server.stop().await;
}

/// The rules that depend on who sends a change (`shared::gate::Writer`), over the real `/sync`:
/// an editor cannot change the settings the page shows them read-only, and nobody answers AHP
/// for someone else. Each refused change closes its connection and is not stored.
#[tokio::test]
async fn the_settings_are_the_owners_and_each_members_ahp_answers_their_own() {
    use shared::{board::CriterionId, scoring::Direction};
    let database = TestDatabase::new();
    let fixture = fixture(&database, Limits::default()).await;
    let (editor_client, editor_token) = fixture.account("editor@example.com", Some(Role::Editor)).await;
    let editor_id = editor_client.me().await.account.id;
    let owner_id = fixture.owner.me().await.account.id;
    let (cost, value): (CriterionId, CriterionId) = ("cost".parse().unwrap(), "value".parse().unwrap());

    let mut owner = fixture.loaded("owner", &fixture.owner_token).await;
    owner
        .edit(|b| {
            b.add_criterion(cost.clone(), "Cost", 1.0, Direction::LowerIsBetter).unwrap();
            b.add_criterion(value.clone(), "Value", 1.0, Direction::HigherIsBetter).unwrap();
            b.set_currency("EUR").unwrap();
            b.set_judgment(&owner_id, &cost, &value, Some(3.0)).unwrap();
        })
        .await;
    owner.wait_for(WITHIN, "the owner's edits saved", |e| e.unsynced() == 0).await;

    // The editor answers for themself, and edits criteria: both accepted.
    let mut editor = fixture.loaded("editor", &editor_token).await;
    editor
        .edit(|b| {
            b.set_judgment(&editor_id, &value, &cost, Some(5.0)).unwrap();
            b.set_criterion(&cost, "Cost", 2.0, Direction::LowerIsBetter).unwrap();
        })
        .await;
    owner.wait_for(WITHIN, "the editor's answer at the owner", |e| e.board.judgments().len() == 2).await;

    // The close reason names the refusal by its code, which the app words; the `error` message
    // says where, in English.
    type Case = (&'static str, &'static str, &'static str);
    let cases: [Case; 3] = [
        ("the currency", "owner_only_settings", "at `settings/currency`: only the board's owner"),
        ("a checklist item", "owner_only_checklist", r#"at `gate_template/"planning/raci"`: only the board's owner"#),
        ("the owner's AHP answer", "not_your_judgments", "these are the AHP judgments of another member"),
    ];
    for (case, code, reason) in cases {
        let mut editor = fixture.loaded(case, &editor_token).await;
        let heads_before = editor.board.heads();
        editor
            .edit(|b| match case {
                "the currency" => b.set_currency("USD").unwrap(),
                "a checklist item" => b.add_gate_item(shared::board::Phase::Planning, "raci", "RACI agreed").unwrap(),
                _ => b.set_judgment(&owner_id, &cost, &value, Some(9.0)).unwrap(),
            })
            .await;
        editor.wait_for(WITHIN, "the server closing the connection", |e| !e.is_connected()).await;
        let (closed_code, closed_reason) = editor.closed.clone().unwrap_or_else(|| panic!("{case}: no close frame"));
        assert_eq!((closed_code, closed_reason.as_str()), (1008, code), "{case}");
        assert_eq!(shared::sync::ChangesRefused::from_code(&closed_reason).map(|r| r.is_permission()), Some(true));
        let error = editor.error.clone().unwrap_or_default();
        assert!(error.contains(reason), "{case}: {error:?} should say {reason:?}");
        assert!(!error.contains("would break the board"), "{case}: {error:?}");
        let mut stored = read_from_server(fixture.server.addr, &fixture.document_id, &fixture.owner_token).await;
        assert!(stored.contains(&heads_before));
        let snapshot = stored.snapshot();
        assert_eq!(snapshot.settings.currency, "EUR", "{case}");
        assert!(snapshot.gate_template.iter().all(|item| item.item != "raci"), "{case}");
        let owners: Vec<f64> = snapshot.judgments.iter().filter(|j| j.member == owner_id).map(|j| j.value).collect();
        assert_eq!(owners, [3.0], "{case}");
    }
    fixture.server.stop().await;
}

/// A refusal whose English reason is far longer than a close frame's 123 bytes, and made of
/// Chinese (three bytes a character): the close reason is the whole code, the `error` message
/// the whole reason. Before, the reason itself was cut to fit, mid-sentence.
#[tokio::test]
async fn a_long_refusal_closes_with_its_code_and_sends_the_whole_reason() {
    let database = TestDatabase::new();
    let fixture = fixture(&database, Limits::default()).await;
    let mut editor = fixture.loaded("editor", &fixture.owner_token).await;
    let id = ProjectId::random();
    editor.edit(|b| b.add_project(id.clone(), project("ERP")).unwrap()).await;
    editor.wait_for(WITHIN, "the project saved", |e| e.unsynced() == 0).await;
    // A stage no board has, written past the typed API: the gate names it in its reason.
    let stage = "正在进行中的项目阶段".repeat(3);
    editor
        .edit(|b| {
            let mut raw = automerge::AutoCommit::load(&b.save()).unwrap();
            let projects = match automerge::ReadDoc::get(&raw, automerge::ROOT, "projects").unwrap() {
                Some((automerge::Value::Object(_), projects)) => projects,
                _ => unreachable!("a board has projects"),
            };
            let project = match automerge::ReadDoc::get(&raw, &projects, id.as_str()).unwrap() {
                Some((automerge::Value::Object(_), project)) => project,
                _ => unreachable!("the project was added"),
            };
            automerge::transaction::Transactable::put(&mut raw, &project, "stage", stage.as_str()).unwrap();
            raw.commit();
            b.load_incremental(&raw.save()).unwrap();
        })
        .await;
    editor.wait_for(WITHIN, "the server closing the connection", |e| !e.is_connected()).await;
    let (code, reason) = editor.closed.clone().expect("a close frame, with a reason in UTF-8");
    assert_eq!((code, reason.as_str()), (1008, "schema"));
    let error = editor.error.clone().expect("the error message before the close");
    assert!(error.len() > 123 && error.contains(&stage), "the whole reason: {error}");
    fixture.server.stop().await;
}
