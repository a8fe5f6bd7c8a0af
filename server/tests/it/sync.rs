//! Clients syncing boards through `/sync`: the browser's protocol code running natively, and
//! samod, the Rust automerge-repo, as a third-party client.

use std::{sync::Arc, time::Duration};

use futures::{SinkExt, StreamExt, TryStreamExt};
use samod::{BackoffConfig, DialError, Dialer, Transport};
use shared::{
    board::{Board, NewProject},
    sync::{Presence, SyncEvent},
    IsoWeek, PersonId, ProjectId, Stage,
};
use tokio_tungstenite::tungstenite::Message;

use crate::editor::Editor;
use crate::harness::{create_board, start_server, ApiClient, TestDatabase};

fn project(name: &str) -> NewProject {
    NewProject { name: name.into(), stage: Stage::Proposed, budget: 50_000.0 }
}

fn names(board: &Board) -> Vec<String> {
    board.projects().into_iter().map(|p| p.name).collect()
}

#[tokio::test]
async fn two_clients_edit_one_board_and_converge() {
    let database = TestDatabase::new();
    let server = start_server(&database.url()).await;
    let board = create_board(server.addr, "Portfolio review").await;
    let mut alice = Editor::open("alice", &board, server.addr).await;
    let mut bob = Editor::open("bob", &board, server.addr).await;
    assert_eq!(alice.board.name(), "Portfolio review");

    let (erp, crm) = (ProjectId::random(), ProjectId::random());
    let li = PersonId::random();
    alice.edit(|b| b.add_project(erp.clone(), project("ERP"))).await;
    alice.edit(|b| b.add_project(crm.clone(), project("CRM"))).await;
    alice.edit(|b| b.add_person(li.clone(), shared::board::NewPerson::named("Li Wei", 40.0))).await;
    bob.sync_until(|b| b.projects().len() == 2 && b.people().len() == 1).await;

    // Both reorder and allocate at the same time.
    let week: IsoWeek = "2026-W48".parse().unwrap();
    bob.edit(|b| b.move_project(&crm, 0)).await;
    alice.edit(|b| b.set_allocation(&erp, &li, week, 24.0)).await;
    bob.edit(|b| b.set_allocation(&crm, &li, week, 24.0)).await;
    alice.sync_until(|b| b.allocations().len() == 2 && b.projects()[0].name == "CRM").await;
    bob.sync_until(|b| b.allocations().len() == 2).await;
    assert_eq!(alice.board.snapshot(), bob.board.snapshot());
    assert_eq!(names(&alice.board), ["CRM", "ERP"]);
    server.stop().await;
}

#[tokio::test]
async fn edits_made_while_the_server_is_down_all_arrive_after_a_restart() {
    let database = TestDatabase::new();
    let server = start_server(&database.url()).await;
    let board = create_board(server.addr, "Offline week").await;
    let mut alice = Editor::open("alice", &board, server.addr).await;
    let mut bob = Editor::open("bob", &board, server.addr).await;
    let erp = ProjectId::random();
    alice.edit(|b| b.add_project(erp.clone(), project("ERP"))).await;
    alice.sync_until(|_| true).await;

    // The server goes away in the middle of the session.
    server.stop().await;
    alice.lost();
    bob.lost();
    let (crm, hr) = (ProjectId::random(), ProjectId::random());
    alice.edit(|b| b.add_project(crm.clone(), project("CRM"))).await;
    alice.edit(|b| b.rename_project(&erp, "ERP upgrade")).await;
    bob.edit(|b| b.add_project(hr.clone(), project("HR system"))).await;
    assert_eq!(alice.unsynced(), 2);
    assert_eq!(bob.unsynced(), 1);

    // A new server process on the same database.
    let server = start_server(&database.url()).await;
    assert!(alice.connect(server.addr).await);
    assert!(bob.connect(server.addr).await);
    alice.sync_until(|_| true).await;
    bob.sync_until(|b| b.projects().len() == 3).await;
    alice.sync_until(|b| b.projects().len() == 3).await;
    assert_eq!(alice.board.snapshot(), bob.board.snapshot());
    let mut all = names(&alice.board);
    all.sort();
    assert_eq!(all, ["CRM", "ERP upgrade", "HR system"]);

    // And a client that was never online before gets all of it from storage.
    server.stop().await;
    let server = start_server(&database.url()).await;
    let mut carol = Editor::new("carol", board.document_id(), &board.token);
    assert!(carol.connect(server.addr).await);
    carol.sync_until(|b| b.projects().len() == 3).await;
    assert_eq!(carol.board.snapshot(), alice.board.snapshot());
    server.stop().await;
}

#[tokio::test]
async fn an_unknown_board_is_unavailable_and_never_created() {
    let database = TestDatabase::new();
    let server = start_server(&database.url()).await;
    // A well-formed id that no board has.
    let unknown = samod::DocumentId::new(&mut rand::rng()).to_string();
    let token = ApiClient::sign_up(server.addr, "guess@example.com").await.create_token("guess").await;
    let mut client = Editor::new("guess", &unknown, &token);
    assert!(client.connect(server.addr).await);
    client
        .wait_for(Duration::from_secs(10), "the answer that the board is unavailable", |c| {
            c.events.contains(&SyncEvent::Unavailable)
        })
        .await;
    assert!(!client.board.is_loaded());
    let stored = server.state().store.load_chunks(&unknown).await.unwrap();
    assert!(stored.is_empty(), "nothing is stored for an unknown board");
    server.stop().await;
}

#[tokio::test]
async fn presence_is_relayed_to_the_other_clients_of_a_board() {
    let database = TestDatabase::new();
    let server = start_server(&database.url()).await;
    let board = create_board(server.addr, "Review").await;
    let mut alice = Editor::open("alice", &board, server.addr).await;
    let mut bob = Editor::open("bob", &board, server.addr).await;
    alice.announce(Presence { name: "Alice 王".into() }).await;
    bob.wait_for(Duration::from_secs(10), "Alice's presence", |bob| {
        bob.events.iter().any(|event| {
            matches!(event, SyncEvent::Ephemeral { data, .. }
            if Presence::decode(data).is_some_and(|p| p.name == "Alice 王"))
        })
    })
    .await;
    server.stop().await;
}

/// samod's client dials our server: the server is a real automerge-repo peer.
struct WebSocketDialer {
    url: url::Url,
}

impl Dialer for WebSocketDialer {
    type Error = std::convert::Infallible;

    fn url(&self) -> url::Url {
        self.url.clone()
    }

    fn connect(&self) -> futures::future::BoxFuture<'static, Result<Transport, DialError<Self::Error>>> {
        let url = self.url.to_string();
        Box::pin(async move {
            let (socket, _) = tokio_tungstenite::connect_async(url).await.map_err(DialError::transient)?;
            let (sink, stream) = socket.split();
            let stream = stream
                .try_filter_map(|message| async move {
                    Ok(match message {
                        Message::Binary(bytes) => Some(bytes.to_vec()),
                        _ => None,
                    })
                })
                .boxed();
            let sink = sink.with(|bytes: Vec<u8>| async move {
                Ok::<_, tokio_tungstenite::tungstenite::Error>(Message::Binary(bytes.into()))
            });
            Ok(Transport::new(stream, Box::pin(sink)))
        })
    }
}

#[tokio::test]
async fn an_automerge_repo_client_syncs_a_board_through_the_server() {
    let database = TestDatabase::new();
    let server = start_server(&database.url()).await;
    let board = create_board(server.addr, "Interop").await;
    let mut browser = Editor::open("browser", &board, server.addr).await;
    browser.edit(|b| b.add_project(ProjectId::random(), project("From the browser"))).await;
    browser.sync_until(|_| true).await;

    let repo = samod::Repo::build_tokio().load().await;
    let url = format!("ws://{}/sync?token={}", server.addr, board.token);
    let dialer = WebSocketDialer { url: url.parse().unwrap() };
    let dial = repo.dial(BackoffConfig::default(), Arc::new(dialer)).unwrap();
    tokio::time::timeout(Duration::from_secs(10), dial.established()).await.unwrap().unwrap();
    let document_id: samod::DocumentId = board.document_id().parse().unwrap();
    let handle = tokio::time::timeout(Duration::from_secs(10), repo.find(document_id))
        .await
        .expect("find finishes")
        .unwrap()
        .expect("the server has the board");
    let seen = handle.with_document(|doc| Board::load(&doc.save()).unwrap().snapshot());
    assert_eq!(seen.projects[0].name, "From the browser");

    // samod edits the document; the browser-side client receives it.
    handle.with_document(|doc| {
        let mut board = Board::load(&doc.save()).unwrap();
        board.save_incremental();
        board.add_project(ProjectId::random(), project("From automerge-repo")).unwrap();
        doc.load_incremental(&board.save_incremental()).unwrap();
    });
    browser.wait_for(Duration::from_secs(10), "the project samod added", |c| c.board.projects().len() == 2).await;
    assert_eq!(names(&browser.board), ["From the browser", "From automerge-repo"]);
    repo.stop().await;
    server.stop().await;
}

#[tokio::test]
async fn the_server_upgrades_an_old_board_when_it_opens_it() {
    let database = TestDatabase::new();
    let server = start_server(&database.url()).await;
    // A board as the first version of PMO Board wrote it (schema 1).
    let mut old = automerge::AutoCommit::new();
    {
        use automerge::{transaction::Transactable, ObjType, ROOT};
        old.put(ROOT, "schema_version", 1_u64).unwrap();
        old.put(ROOT, "name", "Old board").unwrap();
        for map in ["projects", "people", "allocations"] {
            old.put_object(ROOT, map, ObjType::Map).unwrap();
        }
    }
    let document = automerge::Automerge::load(&old.save()).unwrap();
    let id = server.state().boards.create(document).await.unwrap().to_string();
    server
        .state()
        .store
        .insert_board(&server::store::BoardRecord { id: id.clone(), name: "Old board".into(), created_at_ms: 0 })
        .await
        .unwrap();
    server.stop().await;

    let server = start_server(&database.url()).await;
    // The first account owns the boards made before accounts existed.
    let token = ApiClient::sign_up(server.addr, "first@example.com").await.create_token("old").await;
    let mut client = Editor::new("client", &id, &token);
    assert!(client.connect(server.addr).await);
    client.sync_until(|board| board.schema_version() == Some(shared::board::SCHEMA_VERSION)).await;
    // Now everything of schema 2 can be written.
    let erp = ProjectId::random();
    client.edit(|b| b.add_project(erp.clone(), project("ERP"))).await;
    client.edit(|b| b.set_budget_envelope(Some(1.0e6))).await;
    client.sync_until(|_| true).await;
    assert_eq!(client.board.settings().budget_envelope, Some(1.0e6));
    server.stop().await;
}

/// samod decides whether to share a document with a peer as soon as they meet, which for a new
/// board is before the board is in the index: a peer connected while a board is created must
/// still get it when it asks.
#[tokio::test]
async fn a_client_connected_before_a_board_is_created_can_open_it() {
    let database = TestDatabase::new();
    let server = start_server(&database.url()).await;
    let owner = ApiClient::sign_up(server.addr, "owner@example.com").await;
    let token = owner.create_token("samod").await;
    let repo = samod::Repo::build_tokio().load().await;
    let url = format!("ws://{}/sync?token={token}", server.addr);
    let dialer = WebSocketDialer { url: url.parse().unwrap() };
    let dial = repo.dial(BackoffConfig::default(), Arc::new(dialer)).unwrap();
    tokio::time::timeout(Duration::from_secs(10), dial.established()).await.unwrap().unwrap();

    for round in 0..5 {
        let board = owner.create_board(&format!("Created while connected {round}")).await;
        let document_id: samod::DocumentId = board.document_id().parse().unwrap();
        let found = tokio::time::timeout(Duration::from_secs(10), repo.find(document_id)).await.unwrap().unwrap();
        let handle = found.unwrap_or_else(|| panic!("round {round}: the new board was reported unavailable"));
        let name = handle.with_document(|doc| Board::load(&doc.save()).unwrap().name());
        assert_eq!(name, format!("Created while connected {round}"));
    }
    repo.stop().await;
    server.stop().await;
}
