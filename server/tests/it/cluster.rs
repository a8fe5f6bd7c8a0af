//! Two `pmo-board` processes on one Postgres database serve the same boards: an edit through
//! one node reaches clients on the other, access changes reach both, and killing a node loses
//! nothing it acknowledged.

use std::time::Duration;

use shared::{api::Role, board::ProjectId};

use crate::{
    editor::{has_project, project, Editor},
    harness,
    process::Node,
};

/// How long a change may take to cross nodes (commit, NOTIFY, the other node's check and apply,
/// its sync to the client). It takes well under a second alone; with the whole suite running on
/// two cores, CI once saw the first crossing take longer than 5 s. The test is about whether a
/// change arrives, not how fast: a lost notice still fails it.
const WITHIN: Duration = Duration::from_secs(15);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_on_postgres_serve_one_board() {
    let Some(postgres) = harness::TestPostgres::new().await else { return };
    let url = postgres.url();

    let mut one = Node::start(&url).await;
    let two = Node::start(&url).await;

    // Accounts and boards made through one node are there on the other.
    let alice = harness::ApiClient::sign_up(one.addr, "alice@example.com").await;
    let bob = harness::ApiClient::sign_up(two.addr, "bob@example.com").await;
    let board = alice.create_board("Cluster").await;
    alice.add_member(board.document_id(), "bob@example.com", Role::Editor).await;
    let document_id = board.document_id().to_owned();
    let (alice_token, bob_token) = (alice.create_token("a").await, bob.create_token("b").await);

    let mut on_one = Editor::new("alice", &document_id, &alice_token);
    let mut on_two = Editor::new("bob", &document_id, &bob_token);
    assert!(on_one.connect(one.addr).await && on_two.connect(two.addr).await);
    on_one.wait_for(WITHIN, "the board on node one", |e| e.board.is_loaded()).await;
    on_two.wait_for(WITHIN, "the board on node two", |e| e.board.is_loaded()).await;

    // An edit through one node reaches the other node's client, both ways.
    on_one.edit_acknowledged(WITHIN, |b| b.add_project(ProjectId::random(), project("via one")).unwrap()).await;
    on_two.wait_for(WITHIN, "node one's edit on node two", |e| has_project(e, "via one")).await;
    on_two.edit_acknowledged(WITHIN, |b| b.add_project(ProjectId::random(), project("via two")).unwrap()).await;
    on_one.wait_for(WITHIN, "node two's edit on node one", |e| has_project(e, "via two")).await;

    // Killing a node loses nothing it acknowledged: its client moves to the other node.
    for n in 0..5 {
        let name = format!("before the kill {n}");
        on_one.edit(|b| b.add_project(ProjectId::random(), project(&name)).unwrap()).await;
    }
    on_one.wait_for(WITHIN, "node one acknowledging", |e| e.unsynced() == 0).await;
    let saved = on_one.saved.clone();
    one.kill();
    // Node two hears of every commit through Postgres; what it holds catches up within moments.
    let mut reader = Editor::new("reader", &document_id, &bob_token);
    assert!(reader.connect(two.addr).await);
    reader.wait_for(WITHIN, "node one's acknowledged changes on node two", |e| e.board.contains(&saved)).await;
    on_one.lost();
    assert!(on_one.connect(two.addr).await);
    on_one.edit_acknowledged(WITHIN, |b| b.add_project(ProjectId::random(), project("after the kill")).unwrap()).await;
    on_two.wait_for(WITHIN, "edits after the failover", |e| has_project(e, "after the kill")).await;

    // Removing a member on one node takes the board from their connection on the other, at once.
    one.restart().await;
    let mut watcher = Editor::new("alice again", &document_id, &alice_token);
    assert!(watcher.connect(one.addr).await);
    watcher.wait_for(WITHIN, "the board on the restarted node", |e| has_project(e, "after the kill")).await;
    let bob_id = bob.me().await.account.id;
    alice.remove_member(board.document_id(), &bob_id).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    watcher.edit(|b| b.add_project(ProjectId::random(), project("secret")).unwrap()).await;
    watcher.wait_for(WITHIN, "the owner's edit acknowledged", |e| e.unsynced() == 0).await;
    on_two.pump(Duration::from_secs(1)).await;
    assert!(!has_project(&on_two, "secret"), "a removed member still receives the board's edits");

    drop((one, two));
    postgres.drop_schema().await;
}
