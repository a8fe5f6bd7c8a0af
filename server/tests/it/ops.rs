//! What an operator sees: `/healthz`, `/metrics`, request ids, and a clean stop on SIGTERM.

use std::time::Duration;

use shared::board::ProjectId;

use crate::{
    editor::{project, Editor},
    harness,
    process::Node,
};

#[tokio::test]
async fn health_metrics_and_request_ids() {
    let database = harness::TestDatabase::new();
    let server = harness::start_server(&database.url()).await;
    let base = format!("http://{}", server.addr);
    let http = reqwest::Client::new();

    let health = http.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert!(health.headers().contains_key("x-request-id"), "every answer carries its request id");

    // Some traffic, then the figures reflect it.
    let owner = harness::ApiClient::sign_up(server.addr, "ops@example.com").await;
    let board = owner.create_board("Ops").await;
    let token = owner.create_token("ops").await;
    let mut editor = Editor::new("ops", board.document_id(), &token);
    assert!(editor.connect(server.addr).await);
    editor.wait_for(Duration::from_secs(5), "the board", |e| e.board.is_loaded()).await;
    editor.edit(|b| b.add_project(ProjectId::random(), project("Metrics")).unwrap()).await;
    editor.wait_for(Duration::from_secs(5), "the edit saved", |e| e.unsynced() == 0).await;

    let metrics = http.get(format!("{base}/metrics")).bearer_auth(harness::METRICS_TOKEN).send().await.unwrap();
    assert_eq!(metrics.status(), 200);
    assert!(metrics.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    let text = metrics.text().await.unwrap();
    let value = |name: &str| -> f64 {
        text.lines()
            .filter(|line| line.starts_with(name) && !line.starts_with('#'))
            .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
            .sum()
    };
    assert_eq!(value("pmo_sync_connections "), 1.0, "{text}");
    assert!(value("pmo_boards_loaded ") >= 1.0, "{text}");
    assert!(value("pmo_sync_messages_total{direction=\"received\"}") >= 1.0, "{text}");
    assert!(value("pmo_sync_bytes_total{direction=\"sent\"}") > 0.0, "{text}");
    assert!(value("pmo_changes_committed_total") >= 1.0, "{text}");
    assert!(value("pmo_storage_seconds_count{operation=\"commit\"}") >= 1.0, "{text}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_the_server_cleanly_and_keeps_every_edit() {
    let database = harness::TestDatabase::new();
    let mut node = Node::start(&database.url()).await;
    let owner = harness::ApiClient::sign_up(node.addr, "term@example.com").await;
    let board = owner.create_board("Shutdown").await;
    let token = owner.create_token("term").await;
    let mut editor = Editor::new("term", board.document_id(), &token);
    assert!(editor.connect(node.addr).await);
    editor.wait_for(Duration::from_secs(5), "the board", |e| e.board.is_loaded()).await;
    for n in 0..20 {
        editor.edit(|b| b.add_project(ProjectId::random(), project(&format!("P{n}"))).unwrap()).await;
    }
    editor.wait_for(Duration::from_secs(10), "the edits saved", |e| e.unsynced() == 0).await;

    let status = node.terminate(Duration::from_secs(10)).await;
    assert!(status.success(), "pmo-board exits cleanly on SIGTERM: {status}");
    node.restart().await;
    let mut reader = Editor::new("reader", board.document_id(), &token);
    assert!(reader.connect(node.addr).await);
    reader
        .wait_for(Duration::from_secs(5), "every edit after the restart", |e| e.board.snapshot().projects.len() == 20)
        .await;
}

/// Password hashes' working memory is bounded by the hashes that may run at once (argon2id
/// takes 19 MiB each, four at a time): a burst of sign-ups and sign-ins does not leave the
/// server holding a hash's memory per blocking thread that ever ran one. Before the memory was
/// kept and used again, 50 sign-ups left the release server at 775 MiB.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_sign_ups_leaves_the_memory_of_four_hashes() {
    let database = harness::TestDatabase::new();
    let node = Node::start_with(&database.url(), &["--signups-per-address", "1000"]).await;
    let before = node.rss_mib();
    let addr = node.addr;
    let sign_ups = (0..48).map(|n| async move {
        let client = harness::ApiClient::new(addr).await;
        let response = client.try_sign_up(&format!("burst{n}@example.com"), "Burst", harness::PASSWORD, None).await;
        assert_eq!(response.status(), 201);
    });
    futures::future::join_all(sign_ups).await;
    // Sign-ins check the hashes (fewer at once than the per-address attempts allowed).
    let sign_ins = (0..24).map(|n| async move {
        let client = harness::ApiClient::new(addr).await;
        let response = client.try_sign_in(&format!("burst{n}@example.com"), harness::PASSWORD).await;
        assert_eq!(response.status(), 200);
    });
    futures::future::join_all(sign_ins).await;
    let after = node.rss_mib();
    eprintln!("48 sign-ups and 24 sign-ins: {before:.0} MiB → {after:.0} MiB");
    // Four hashes' memory (76 MiB) and what the server's own allocations grew by, with room.
    assert!(
        after - before < 200.0,
        "48 sign-ups and 24 sign-ins took the server from {before:.0} MiB to {after:.0} MiB"
    );
}
