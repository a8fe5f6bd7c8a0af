//! Who may see and manage which board, over HTTP: `/api/boards` lists only the caller's
//! boards, any member lists a board's members, only owners change them, a board keeps at
//! least one owner, and to anyone else a board does not exist.

use samod::storage::StorageKey;
use shared::api::{Member, Role};

use crate::harness::{create_board, expect_error, on_postgres, start_server, ApiClient, TestDatabase};

#[tokio::test]
async fn boards_are_listed_only_to_their_members() {
    let database = TestDatabase::new();
    let server = start_server(&database.url()).await;
    let alice = ApiClient::sign_up(server.addr, "alice@example.com").await;
    let bob = ApiClient::sign_up(server.addr, "bob@example.com").await;
    let alices = alice.create_board("Alice's portfolio").await;
    let bobs = bob.create_board("Bob's portfolio").await;
    assert_eq!(alice.boards().await, std::slice::from_ref(&alices));
    assert_eq!(bob.boards().await, std::slice::from_ref(&bobs));

    alice.add_member(alices.document_id(), "bob@example.com", Role::Viewer).await;
    let seen_by_bob = bob.boards().await;
    assert_eq!(seen_by_bob.len(), 2);
    assert_eq!(seen_by_bob[0].id, alices.id);
    assert_eq!(seen_by_bob[0].role, Role::Viewer, "each board comes with the caller's role");
    assert_eq!(seen_by_bob[1], bobs);
    server.stop().await;
}

/// A board's members as (email, role), in the order the server lists them.
async fn members(client: &ApiClient, board: &str) -> Vec<(String, Role)> {
    let response = client.get(&format!("/api/boards/{board}/members")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let members: Vec<Member> = response.json().await.unwrap();
    members.into_iter().map(|member| (member.email, member.role)).collect()
}

fn pairs(expected: &[(&str, Role)]) -> Vec<(String, Role)> {
    expected.iter().map(|(email, role)| (email.to_string(), *role)).collect()
}

/// An owner, an editor, a viewer and an outsider, and what each may do with the members.
async fn membership_story(url: &str) {
    let server = start_server(url).await;
    let owner = ApiClient::sign_up(server.addr, "olga@example.com").await;
    let editor = ApiClient::sign_up(server.addr, "edith@example.com").await;
    let viewer = ApiClient::sign_up(server.addr, "victor@example.com").await;
    let outsider = ApiClient::sign_up(server.addr, "oscar@example.com").await;
    let board = owner.create_board("Portfolio").await;
    let (url_id, bare_id) = (board.id.as_str(), board.document_id());

    // Ids are accepted with and without `automerge:`; emails in any case.
    let added = owner.add_member(url_id, "EDITH@example.com", Role::Editor).await;
    assert_eq!((added.email.as_str(), added.role), ("edith@example.com", Role::Editor));
    owner.add_member(bare_id, "victor@example.com", Role::Viewer).await;
    let everyone = pairs(&[
        ("olga@example.com", Role::Owner),
        ("edith@example.com", Role::Editor),
        ("victor@example.com", Role::Viewer),
    ]);
    for member in [&owner, &editor, &viewer] {
        assert_eq!(members(member, bare_id).await, everyone, "any member lists the members");
    }
    let add = |email: &str, role: Role| serde_json::json!({ "email": email, "role": role });
    let response =
        owner.post(&format!("/api/boards/{bare_id}/members")).json(&add("nobody@example.com", Role::Viewer)).send();
    expect_error(response.await.unwrap(), 404, "sign up first").await;
    let response =
        owner.post(&format!("/api/boards/{bare_id}/members")).json(&add("victor@example.com", Role::Editor)).send();
    expect_error(response.await.unwrap(), 409, "member of the board already").await;
    let response = owner
        .post(&format!("/api/boards/{bare_id}/members"))
        .json(&serde_json::json!({ "email": "oscar@example.com", "role": "admin" }))
        .send();
    expect_error(response.await.unwrap(), 400, "unknown variant").await;

    // An outsider learns nothing: the board answers as one that does not exist.
    let unknown = samod::DocumentId::new(&mut rand::rng()).to_string();
    for board in [bare_id, unknown.as_str()] {
        let response = outsider.get(&format!("/api/boards/{board}/members")).send().await.unwrap();
        expect_error(response, 404, "or you are not one of its members").await;
        let response =
            outsider.post(&format!("/api/boards/{board}/members")).json(&add("oscar@example.com", Role::Owner)).send();
        expect_error(response.await.unwrap(), 404, "or you are not one of its members").await;
    }

    // Viewers and editors list but do not change.
    let ids = [&owner, &editor, &viewer, &outsider];
    let mut account_ids = Vec::new();
    for client in ids {
        account_ids.push(client.me().await.account.id);
    }
    let [owner_id, editor_id, viewer_id, outsider_id] = <[String; 4]>::try_from(account_ids).unwrap();
    for member in [&viewer, &editor] {
        let only_owners = "only an owner";
        let response =
            member.post(&format!("/api/boards/{bare_id}/members")).json(&add("oscar@example.com", Role::Viewer)).send();
        expect_error(response.await.unwrap(), 403, only_owners).await;
        let response = member
            .put(&format!("/api/boards/{bare_id}/members/{owner_id}"))
            .json(&serde_json::json!({ "role": "viewer" }))
            .send();
        expect_error(response.await.unwrap(), 403, only_owners).await;
        let response = member.delete(&format!("/api/boards/{bare_id}/members/{owner_id}")).send();
        expect_error(response.await.unwrap(), 403, only_owners).await;
    }
    assert_eq!(members(&owner, bare_id).await, everyone, "refused changes change nothing");

    // The last owner can be neither demoted nor removed.
    let set_role = |role: Role| serde_json::json!({ "role": role });
    let response = owner.put(&format!("/api/boards/{bare_id}/members/{owner_id}")).json(&set_role(Role::Editor)).send();
    expect_error(response.await.unwrap(), 409, "at least one owner").await;
    let response = owner.delete(&format!("/api/boards/{url_id}/members/{owner_id}")).send();
    expect_error(response.await.unwrap(), 409, "at least one owner").await;
    let response =
        owner.put(&format!("/api/boards/{bare_id}/members/{outsider_id}")).json(&set_role(Role::Editor)).send();
    expect_error(response.await.unwrap(), 404, "not a member").await;

    // With a second owner, the first can step down, and then manages nothing.
    let response = owner.put(&format!("/api/boards/{url_id}/members/{editor_id}")).json(&set_role(Role::Owner)).send();
    let response = response.await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Member>().await.unwrap().role, Role::Owner);
    let response = owner.put(&format!("/api/boards/{bare_id}/members/{owner_id}")).json(&set_role(Role::Editor)).send();
    assert_eq!(response.await.unwrap().status(), 200);
    let response = owner.delete(&format!("/api/boards/{bare_id}/members/{viewer_id}")).send();
    expect_error(response.await.unwrap(), 403, "only an owner").await;
    let store = &server.state().store;
    assert_eq!(store.role(bare_id, &owner_id).await.unwrap(), Some(Role::Editor));
    assert_eq!(store.role(bare_id, &editor_id).await.unwrap(), Some(Role::Owner));
    assert_eq!(store.role(bare_id, &outsider_id).await.unwrap(), None);
    assert_eq!(store.role(&unknown, &owner_id).await.unwrap(), None);

    // A removed member no longer lists the board or its members.
    editor.remove_member(bare_id, &viewer_id).await;
    assert_eq!(store.role(bare_id, &viewer_id).await.unwrap(), None);
    assert!(viewer.boards().await.is_empty());
    let response = viewer.get(&format!("/api/boards/{bare_id}/members")).send().await.unwrap();
    expect_error(response, 404, "not one of its members").await;

    // Anyone may leave a board, except its last owner.
    owner.remove_member(bare_id, &owner_id).await;
    assert!(owner.boards().await.is_empty());
    let response = editor.delete(&format!("/api/boards/{bare_id}/members/{editor_id}")).send();
    expect_error(response.await.unwrap(), 409, "at least one owner").await;
    assert_eq!(members(&editor, bare_id).await, pairs(&[("edith@example.com", Role::Owner)]));
    server.stop().await;
}

#[tokio::test]
async fn members_are_listed_by_anyone_on_the_board_and_changed_only_by_owners_on_sqlite() {
    membership_story(&TestDatabase::new().url()).await;
}

#[tokio::test]
async fn members_are_listed_by_anyone_on_the_board_and_changed_only_by_owners_on_postgres() {
    on_postgres(|url| async move { membership_story(&url).await }).await;
}

/// A listed board is already in storage when `POST /api/boards` answers: its changes are
/// written with its index row and owner in one transaction, where samod looks for them.
#[tokio::test]
async fn a_new_board_is_in_storage_when_it_is_listed() {
    let database = TestDatabase::new();
    let server = start_server(&database.url()).await;
    let board = create_board(server.addr, "Durable").await;
    assert_eq!(board.owner.boards().await, std::slice::from_ref(&board.summary));
    let chunks: std::collections::HashMap<String, Vec<u8>> =
        server.state().store.load_chunks(board.document_id()).await.unwrap().into_iter().collect();
    let mut document = automerge::Automerge::new();
    for data in chunks.values() {
        document.load_incremental(data).unwrap();
    }
    let document_id: samod::DocumentId = board.document_id().parse().unwrap();
    for change in document.get_changes(&[]) {
        let key = StorageKey::incremental_path(&document_id, change.hash()).to_string();
        assert!(chunks.contains_key(&key), "{key} is stored where samod looks for it");
    }
    let stored = shared::Board::load(&document.save()).unwrap();
    assert_eq!(stored.name(), "Durable");
    server.stop().await;
}

/// Boards made before there were accounts have no members; the first account (the admin)
/// becomes their owner, so they are not lost.
#[tokio::test]
async fn boards_from_before_accounts_go_to_the_first_account() {
    let database = TestDatabase::new();
    let server = start_server(&database.url()).await;
    let record = server::store::BoardRecord { id: "2abcOld".into(), name: "Old board".into(), created_at_ms: 1 };
    server.state().store.insert_board(&record).await.unwrap();
    let admin = ApiClient::sign_up(server.addr, "admin@example.com").await;
    let boards = admin.boards().await;
    assert_eq!(boards.len(), 1);
    assert_eq!((boards[0].name.as_str(), boards[0].role), ("Old board", Role::Owner));
    let second = ApiClient::sign_up(server.addr, "second@example.com").await;
    assert!(second.boards().await.is_empty());
    server.stop().await;
}

/// A member's open sync connection follows their role: it is closed with 4001 when the owner
/// changes it (the app then reads its role again), and not when someone else's role changes.
/// Meanwhile a quiet connection hears the server's keep-alive, so a client can tell it is alive.
#[tokio::test]
async fn a_role_change_closes_the_members_connection_and_a_quiet_one_hears_keep_alives() {
    use std::time::Duration;

    use crate::editor::Editor;

    let database = TestDatabase::new();
    let server = start_server(&database.url()).await;
    let owner = ApiClient::sign_up(server.addr, "owner@example.com").await;
    let board = owner.create_board("Roles").await;
    let bob = ApiClient::sign_up(server.addr, "bob@example.com").await;
    let _carol = ApiClient::sign_up(server.addr, "carol@example.com").await;
    let bobs_membership = owner.add_member(board.document_id(), "bob@example.com", Role::Editor).await;
    let carols_membership = owner.add_member(board.document_id(), "carol@example.com", Role::Viewer).await;
    let token = bob.create_token("sync").await;
    let mut editor = Editor::new("bob", board.document_id(), &token);
    assert!(editor.connect(server.addr).await);
    editor.wait_for(Duration::from_secs(5), "the board", |e| e.board.is_loaded()).await;

    // Quiet: nothing to sync, nobody else here. Keep-alives still come, every 2 s.
    let before = editor.frames_received;
    editor.pump(Duration::from_millis(4_500)).await;
    assert!(editor.frames_received >= before + 2, "{} frames in 4.5 s of quiet", editor.frames_received - before);
    assert!(editor.is_connected());

    let set_role = |account_id: String, role: Role| {
        let request = owner
            .put(&format!("/api/boards/{}/members/{account_id}", board.document_id()))
            .json(&serde_json::json!({ "role": role }));
        async move { assert_eq!(request.send().await.unwrap().status(), 200) }
    };
    set_role(carols_membership.account_id.clone(), Role::Editor).await;
    editor.pump(Duration::from_millis(500)).await;
    assert!(editor.is_connected(), "someone else's role changed: {:?}", editor.closed);

    set_role(bobs_membership.account_id.clone(), Role::Viewer).await;
    editor.wait_for(Duration::from_secs(5), "the close", |e| e.closed.is_some()).await;
    let (code, reason) = editor.closed.clone().unwrap();
    assert_eq!(code, shared::sync::ROLE_CHANGED_CLOSE_CODE);
    assert!(reason.contains("role"), "{reason}");

    // Reconnected, Bob gets the board as a viewer, and stays connected.
    let mut again = Editor::new("bob", board.document_id(), &token);
    assert!(again.connect(server.addr).await);
    again.wait_for(Duration::from_secs(5), "the board", |e| e.board.is_loaded()).await;
    again.pump(Duration::from_millis(500)).await;
    assert!(again.is_connected() && again.closed.is_none());
}
