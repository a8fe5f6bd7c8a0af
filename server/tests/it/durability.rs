//! "Saved" means committed: the server process is killed (SIGKILL) at random moments while two
//! clients edit, and every change the server had acknowledged must be in the database when it
//! comes back, before any client can send it again.
//!
//! The moments are drawn from a seed, printed when the test fails; replay with
//! `PMO_KILL_SEED=<seed> cargo test -p server --test it sigkill`.

use std::time::Duration;

use automerge::ChangeHash;
use rand::{rngs::StdRng, Rng, SeedableRng};
use shared::board::ProjectId;

use crate::{
    editor::{project, read_from_server, Editor},
    harness,
    process::Node,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_saved_edit_survives_sigkill_at_random_moments() {
    let seed = match std::env::var("PMO_KILL_SEED") {
        Ok(seed) => seed.trim().parse().expect("PMO_KILL_SEED is a number"),
        Err(_) => rand::random::<u64>(),
    };
    // The seed is printed only when the test fails (the harness shows a failing test's output).
    println!("kill test seed: {seed} (replay with PMO_KILL_SEED={seed})");
    let database = harness::TestDatabase::new();
    let mut node = Node::start(&database.url()).await;
    let owner = harness::ApiClient::sign_up(node.addr, "owner@example.com").await;
    let board = owner.create_board("Kill test").await;
    let token = owner.create_token("kill test").await;
    let document_id = board.document_id().to_owned();

    let mut editors = [Editor::new("alice", &document_id, &token), Editor::new("bob", &document_id, &token)];
    for editor in &mut editors {
        assert!(editor.connect(node.addr).await);
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let mut made = 0usize;
    const ROUNDS: usize = 6;
    for round in 0..ROUNDS {
        // Edit for a random while, then kill the server without warning.
        let until = tokio::time::Instant::now() + Duration::from_millis(rng.random_range(150..900));
        while tokio::time::Instant::now() < until {
            for editor in &mut editors {
                if editor.is_connected() && editor.board.is_loaded() {
                    made += 1;
                    let name = format!("P{made}");
                    editor
                        .edit(|board| board.add_project(ProjectId::random(), project(&name)).expect("a valid edit"))
                        .await;
                }
                editor.pump(Duration::from_millis(rng.random_range(1..15))).await;
            }
        }
        node.kill();
        let saved: Vec<Vec<ChangeHash>> = editors.iter().map(|editor| editor.saved.clone()).collect();
        node.restart().await;

        // Before any editor reconnects and resends, the server must already hold everything
        // it acknowledged.
        let mut stored = read_from_server(node.addr, &document_id, &token).await;
        for (editor, saved) in editors.iter().zip(&saved) {
            assert!(
                stored.contains(saved),
                "round {round}: an edit {} had been told was saved is gone after SIGKILL",
                editor.name
            );
        }
        for editor in &mut editors {
            editor.lost();
            assert!(editor.connect(node.addr).await);
        }
    }

    // Both editors converge with the server.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        for editor in &mut editors {
            editor.pump(Duration::from_millis(50)).await;
            editor.flush().await;
        }
        let [alice, bob] = &mut editors;
        if alice.unsynced() == 0 && bob.unsynced() == 0 && alice.board.heads() == bob.board.heads() {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "the editors did not converge after the crashes");
    }
    let mut stored = read_from_server(node.addr, &document_id, &token).await;
    let heads = editors[0].board.heads();
    assert!(stored.contains(&heads), "the server has everything both editors made");
    let projects = stored.snapshot().projects.len();
    assert!(made > 20, "the test made too few edits to mean anything ({made})");
    assert_eq!(projects, made, "every project either editor added is on the server");
}
