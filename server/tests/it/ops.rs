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
