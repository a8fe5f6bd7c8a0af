//! Scenarios (情景分析): forks of a board, opened and synced like a board by its members, merged
//! back through the write gate. Real server, real WebSockets, SQLite and Postgres.

use std::time::Duration;

use serde_json::json;
use shared::{
    api::{MergeOutcome, Role, ScenarioSummary},
    board::ProjectId,
    history::HistoryPage,
};

use crate::{
    editor::{has_project, project, read_from_server, Editor},
    harness::{self, expect_error, ApiClient},
};

const WITHIN: Duration = Duration::from_secs(10);

async fn loaded(addr: std::net::SocketAddr, name: &str, document_id: &str, token: &str) -> Editor {
    let mut editor = Editor::new(name, document_id, token);
    assert!(editor.connect(addr).await, "{name} connects");
    editor.wait_for(WITHIN, "the document", |e| e.board.is_loaded()).await;
    editor
}

fn budget_of(editor: &Editor, name: &str) -> Option<f64> {
    editor.board.snapshot().projects.iter().find(|p| p.name == name).map(|p| p.budget)
}

async fn create_scenario(client: &ApiClient, board_id: &str, name: &str) -> reqwest::Response {
    client.post(&format!("/api/boards/{board_id}/scenarios")).json(&json!({ "name": name })).send().await.unwrap()
}

/// Two members edit a scenario while the board moves on; the merge gives the board the
/// scenario's edits (live, to a member who has the board open), keeps the board's own, and is
/// attributed to the member who merged. Viewers read but do nothing else; outsiders get 404.
async fn scenario_story(url: &str) {
    let server = harness::start_server(url).await;
    let addr = server.addr;
    let owner = ApiClient::sign_up(addr, "owner@example.com").await;
    let board = owner.create_board("Portfolio 2027").await;
    let board_id = board.document_id().to_owned();
    let editor = ApiClient::sign_up(addr, "editor@example.com").await;
    let viewer = ApiClient::sign_up(addr, "viewer@example.com").await;
    let outsider = ApiClient::sign_up(addr, "outsider@example.com").await;
    owner.add_member(&board_id, "editor@example.com", Role::Editor).await;
    owner.add_member(&board_id, "viewer@example.com", Role::Viewer).await;
    let (owner_token, editor_token) = (owner.create_token("t").await, editor.create_token("t").await);
    let (viewer_token, outsider_token) = (viewer.create_token("t").await, outsider.create_token("t").await);

    let mut on_board = loaded(addr, "owner on the board", &board_id, &owner_token).await;
    let apollo = ProjectId::random();
    on_board.edit(|b| b.add_project(apollo.clone(), project("Apollo")).unwrap()).await;
    on_board.wait_for(WITHIN, "Apollo saved", |e| e.unsynced() == 0).await;

    // An editor makes a scenario of the board as it is.
    let response = create_scenario(&editor, &board_id, "  Drop Zeus  ").await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap_or_default());
    let scenario: ScenarioSummary = response.json().await.unwrap();
    assert_eq!((scenario.name.as_str(), scenario.board_id.as_str()), ("Drop Zeus", board.id.as_str()));
    assert_eq!((scenario.board_name.as_str(), scenario.role), ("Portfolio 2027", Role::Editor));
    assert_eq!(scenario.created_by.as_deref(), Some("editor"));
    let scenario_id = scenario.document_id().to_owned();
    assert_ne!(scenario_id, board_id);

    // It is in no board list, and every member lists it.
    for client in [&owner, &editor, &viewer] {
        assert!(client.boards().await.iter().all(|b| b.document_id() != scenario_id), "a scenario listed as a board");
    }
    let listed: Vec<ScenarioSummary> =
        viewer.get(&format!("/api/boards/{board_id}/scenarios")).send().await.unwrap().json().await.unwrap();
    assert_eq!(listed.iter().map(|s| (s.document_id(), s.role)).collect::<Vec<_>>(), [(&*scenario_id, Role::Viewer)]);
    let one: ScenarioSummary =
        viewer.get(&format!("/api/scenarios/{scenario_id}")).send().await.unwrap().json().await.unwrap();
    assert_eq!(one.board_id, board.id);
    // A scenario has no scenarios of its own.
    let response = owner.get(&format!("/api/boards/{scenario_id}/scenarios")).send().await.unwrap();
    assert_eq!(response.status(), 404);

    // An outsider gets what it gets for a board that does not exist; a viewer may only look.
    let merge_path = format!("/api/boards/{board_id}/scenarios/{scenario_id}/merge");
    let discard_path = format!("/api/boards/{board_id}/scenarios/{scenario_id}/discard");
    for response in [
        outsider.get(&format!("/api/boards/{board_id}/scenarios")).send().await.unwrap(),
        create_scenario(&outsider, &board_id, "mine").await,
        outsider.post(&merge_path).send().await.unwrap(),
        outsider.post(&discard_path).send().await.unwrap(),
        outsider.get(&format!("/api/scenarios/{scenario_id}")).send().await.unwrap(),
        outsider.get(&format!("/api/boards/{scenario_id}/members")).send().await.unwrap(),
        outsider.get(&format!("/api/boards/{scenario_id}/document")).send().await.unwrap(),
    ] {
        assert_eq!(response.status(), 404, "{}", response.url());
    }
    expect_error(create_scenario(&viewer, &board_id, "mine").await, 403, "only an editor or an owner").await;
    expect_error(viewer.post(&merge_path).send().await.unwrap(), 403, "only an editor or an owner").await;
    expect_error(viewer.post(&discard_path).send().await.unwrap(), 403, "only an editor or an owner").await;
    expect_error(create_scenario(&editor, &board_id, "   ").await, 400, "a scenario needs a name").await;

    // Two members edit the scenario together; it began with the board's Apollo.
    let mut editor_in = loaded(addr, "editor in the scenario", &scenario_id, &editor_token).await;
    let mut owner_in = loaded(addr, "owner in the scenario", &scenario_id, &owner_token).await;
    assert!(has_project(&editor_in, "Apollo"), "the scenario starts as the board");
    editor_in.edit_acknowledged(WITHIN, |b| b.add_project(ProjectId::random(), project("Hermes")).unwrap()).await;
    owner_in.edit_acknowledged(WITHIN, |b| b.set_project_budget(&apollo, 99_000.0).unwrap()).await;
    editor_in.wait_for(WITHIN, "the owner's edit", |e| budget_of(e, "Apollo") == Some(99_000.0)).await;
    owner_in.wait_for(WITHIN, "the editor's edit", |e| has_project(e, "Hermes")).await;
    // A viewer reads the scenario, and what it sends is not taken; an outsider cannot open it.
    let mut viewer_in = loaded(addr, "viewer in the scenario", &scenario_id, &viewer_token).await;
    assert!(has_project(&viewer_in, "Hermes"));
    viewer_in.edit(|b| b.add_project(ProjectId::random(), project("by the viewer")).unwrap()).await;
    let mut outsider_in = Editor::new("outsider", &scenario_id, &outsider_token);
    assert!(outsider_in.connect(addr).await);
    outsider_in.wait_for(WITHIN, "doc-unavailable", |e| e.unavailable()).await;
    assert!(!outsider_in.board.is_loaded(), "an outsider received the scenario");

    // The scenario's whole document, for comparing it with the board.
    let response = viewer.get(&format!("/api/boards/{scenario_id}/document")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let downloaded = shared::Board::load(&response.bytes().await.unwrap()).unwrap();
    assert!(downloaded.snapshot().projects.iter().any(|p| p.name == "Hermes"));

    // Meanwhile the board moves on; the scenario does not get it, nor the board the scenario's.
    on_board.edit(|b| b.add_project(ProjectId::random(), project("Zeus")).unwrap()).await;
    on_board.wait_for(WITHIN, "Zeus saved", |e| e.unsynced() == 0).await;
    editor_in.wait_for(WITHIN, "the editor's edits saved", |e| e.unsynced() == 0).await;
    owner_in.wait_for(WITHIN, "the owner's edits saved", |e| e.unsynced() == 0).await;
    editor_in.pump(Duration::from_millis(300)).await;
    on_board.pump(Duration::from_millis(300)).await;
    assert!(!has_project(&editor_in, "Zeus") && !has_project(&on_board, "Hermes"));

    // The editor merges: the owner, who has the board open, receives the scenario's edits.
    let response = editor.post(&merge_path).send().await.unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap_or_default());
    let outcome: MergeOutcome = response.json().await.unwrap();
    assert_eq!(outcome.changes, 2, "the two edits made in the scenario, nothing else");
    assert_eq!(outcome.scenario.merged_by.as_deref(), Some("editor"));
    on_board
        .wait_for(WITHIN, "the merged edits, live", |e| {
            has_project(e, "Hermes") && budget_of(e, "Apollo") == Some(99_000.0)
        })
        .await;
    let stored = read_from_server(addr, &board_id, &owner_token).await;
    let names: Vec<String> = stored.snapshot().projects.iter().map(|p| p.name.clone()).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    for name in ["Apollo", "Zeus", "Hermes"] {
        assert!(names.contains(&name.to_owned()), "{name} missing from {names:?}");
    }
    // The merged changes are the editor's in the board's history.
    let page: HistoryPage =
        owner.get(&format!("/api/boards/{board_id}/history?limit=2")).send().await.unwrap().json().await.unwrap();
    let editor_id = editor.me().await.account.id;
    assert!(page.entries.iter().all(|entry| entry.account_id.as_deref() == Some(&*editor_id)), "{page:?}");

    // Merging again has nothing to add.
    let again: MergeOutcome = owner.post(&merge_path).send().await.unwrap().json().await.unwrap();
    assert_eq!(again.changes, 0);

    // Discarded: no longer listed nor merged, still kept.
    let response = owner.post(&discard_path).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let listed: Vec<ScenarioSummary> =
        owner.get(&format!("/api/boards/{board_id}/scenarios")).send().await.unwrap().json().await.unwrap();
    assert!(listed.is_empty(), "{listed:?}");
    expect_error(owner.post(&merge_path).send().await.unwrap(), 409, "discarded").await;
    let one: ScenarioSummary =
        owner.get(&format!("/api/scenarios/{scenario_id}")).send().await.unwrap().json().await.unwrap();
    assert!(one.archived);

    // Who may open a scenario follows the board's members; its Members panel changes the board's.
    let late = ApiClient::sign_up(addr, "late@example.com").await;
    owner.add_member(&scenario_id, "late@example.com", Role::Viewer).await;
    let late_boards: Vec<String> = late.boards().await.iter().map(|b| b.document_id().to_owned()).collect();
    assert_eq!(late_boards, [board_id.as_str()]);
    let viewer_id = viewer.me().await.account.id;
    owner.remove_member(&board_id, &viewer_id).await;
    let response = viewer.get(&format!("/api/scenarios/{scenario_id}")).send().await.unwrap();
    assert_eq!(response.status(), 404);
    viewer_in.wait_for(WITHIN, "the viewer's connection closed", |e| e.closed.is_some() || !e.is_connected()).await;
    server.stop().await;
}

#[tokio::test]
async fn a_scenario_is_edited_by_members_and_merged_back_on_sqlite() {
    let database = harness::TestDatabase::new();
    scenario_story(&database.url()).await;
}

#[tokio::test]
async fn a_scenario_is_edited_by_members_and_merged_back_on_postgres() {
    harness::on_postgres(|url| async move { scenario_story(&url).await }).await;
}

/// A scenario whose changes would break the board (here: written past the gate, as a damaged
/// or older store could hold them) is refused with the gate's reason, and the board is unchanged.
#[tokio::test]
async fn a_merge_the_gate_refuses_changes_nothing() {
    let database = harness::TestDatabase::new();
    let server = harness::start_server(&database.url()).await;
    let owner = ApiClient::sign_up(server.addr, "owner@example.com").await;
    let board = owner.create_board("Gate").await;
    let board_id = board.document_id().to_owned();
    let scenario: ScenarioSummary = create_scenario(&owner, &board_id, "Broken").await.json().await.unwrap();

    // Opened once (as any member's first look does), then a change that replaces the
    // scenario's projects with a string, put straight into the document the server holds.
    let response = owner.get(&format!("/api/boards/{}/document", scenario.document_id())).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let state = server.state();
    let document = scenario.document_id().parse::<samod::DocumentId>().unwrap();
    let held = state.boards.open(&document).await.unwrap();
    let handle = held.repo.find(document).await.unwrap().unwrap();
    handle.with_document(|doc| {
        use automerge::transaction::Transactable;
        let mut tx = doc.transaction();
        tx.put(automerge::ROOT, "projects", "broken").unwrap();
        let _ = tx.commit();
    });
    let token = owner.create_token("t").await;
    let before = read_from_server(server.addr, &board_id, &token).await.heads();

    let response =
        owner.post(&format!("/api/boards/{board_id}/scenarios/{}/merge", scenario.document_id())).send().await;
    expect_error(response.unwrap(), 409, "would break the board").await;
    let mut after = read_from_server(server.addr, &board_id, &token).await;
    assert_eq!(after.heads(), before, "a refused merge changed the board");
    assert!(after.is_loaded() && after.snapshot().projects.is_empty());
    server.stop().await;
}
