//! `GET/POST /api/boards`.

use shared::api::{ApiError, Role};

use crate::harness::{start_server, ApiClient, TestDatabase};

#[tokio::test]
async fn boards_are_created_listed_and_kept_across_restarts() {
    let database = TestDatabase::new();
    let server = start_server(&database.url()).await;
    let alice = ApiClient::sign_up(server.addr, "alice@example.com").await;
    assert_eq!(alice.boards().await, []);

    let first = alice.create_board("2027 portfolio").await;
    let second = alice.create_board("  IT 项目组合  ").await;
    assert!(first.id.starts_with("automerge:"), "{}", first.id);
    assert_eq!(second.name, "IT 项目组合", "names are trimmed");
    assert_eq!(first.role, Role::Owner, "the creator owns the board");
    assert_eq!(alice.boards().await, [first.clone(), second.clone()]);

    server.stop().await;
    let server = start_server_on_same_port(&database, &alice).await;
    assert_eq!(alice.boards().await, [first, second], "the session and the boards survive a restart");
    server.stop().await;
}

/// A restarted server on the address `client` talks to.
async fn start_server_on_same_port(database: &TestDatabase, client: &ApiClient) -> server::Server {
    let addr = client.addr();
    crate::harness::start_server_on(&database.url(), addr).await
}

#[tokio::test]
async fn bad_requests_get_a_clear_error_and_create_nothing() {
    let database = TestDatabase::new();
    let server = start_server(&database.url()).await;
    let client = ApiClient::sign_up(server.addr, "alice@example.com").await;
    // (body, content type, words the error must contain)
    let cases = [
        (r#"{"name": "   "}"#, "application/json", "name cannot be empty"),
        (r#"{"name": 5}"#, "application/json", "invalid type"),
        ("not json", "application/json", "expected"),
        (r#"{"name": "x"}"#, "text/plain", "Content-Type"),
    ];
    for (body, content_type, expected) in cases {
        let response = client.post("/api/boards").header("content-type", content_type).body(body).send().await.unwrap();
        assert_eq!(response.status(), 400, "{body}");
        let error: ApiError = response.json().await.unwrap();
        assert!(error.error.contains(expected), "{body}: {}", error.error);
    }
    let long_name = "x".repeat(201);
    let response = client.post("/api/boards").json(&serde_json::json!({ "name": long_name })).send().await.unwrap();
    assert_eq!(response.status(), 400);

    assert!(client.boards().await.is_empty());
    server.stop().await;
}

#[tokio::test]
async fn every_app_page_gets_the_shell_and_unknown_files_are_404() {
    let database = TestDatabase::new();
    let server = start_server(&database.url()).await;
    let client = reqwest::Client::new();
    for path in ["/", "/board/abc", "/board/abc/dashboard"] {
        let response = client.get(format!("http://{}{path}", server.addr)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let html = response.text().await.unwrap();
        assert!(html.contains("/pkg/pmo-board.js"), "{path} loads the app: {html}");
        assert!(html.contains("manifest.webmanifest"), "{path}");
    }
    let response = client.get(format!("http://{}/pkg/missing.js", server.addr)).send().await.unwrap();
    assert_eq!(response.status(), 404);
    server.stop().await;
}
