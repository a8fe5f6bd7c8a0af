//! `GET/POST /api/boards`.

use shared::api::{ApiError, BoardSummary};

use crate::harness::{create_board, start_server, TestDatabase};

#[tokio::test]
async fn boards_are_created_listed_and_kept_across_restarts() {
    let database = TestDatabase::new();
    let server = start_server(&database.url()).await;
    let client = reqwest::Client::new();
    let list = |addr| {
        let client = client.clone();
        async move {
            client
                .get(format!("http://{addr}/api/boards"))
                .send()
                .await
                .unwrap()
                .json::<Vec<BoardSummary>>()
                .await
                .unwrap()
        }
    };
    assert_eq!(list(server.addr).await, []);

    let first = create_board(server.addr, "2027 portfolio").await;
    let second = create_board(server.addr, "  IT 项目组合  ").await;
    assert!(first.id.starts_with("automerge:"), "{}", first.id);
    assert_eq!(second.name, "IT 项目组合", "names are trimmed");
    assert_eq!(list(server.addr).await, [first.clone(), second.clone()]);

    server.stop().await;
    let server = start_server(&database.url()).await;
    assert_eq!(list(server.addr).await, [first, second]);
    server.stop().await;
}

#[tokio::test]
async fn bad_requests_get_a_clear_error_and_create_nothing() {
    let database = TestDatabase::new();
    let server = start_server(&database.url()).await;
    let client = reqwest::Client::new();
    let url = format!("http://{}/api/boards", server.addr);
    // (body, content type, words the error must contain)
    let cases = [
        (r#"{"name": "   "}"#, "application/json", "name cannot be empty"),
        (r#"{"name": 5}"#, "application/json", "invalid type"),
        ("not json", "application/json", "expected"),
        (r#"{"name": "x"}"#, "text/plain", "Content-Type"),
    ];
    for (body, content_type, expected) in cases {
        let response = client
            .post(&url)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{body}");
        let error: ApiError = response.json().await.unwrap();
        assert!(error.error.contains(expected), "{body}: {}", error.error);
    }
    let long_name = "x".repeat(201);
    let response = client.post(&url).json(&serde_json::json!({ "name": long_name })).send().await.unwrap();
    assert_eq!(response.status(), 400);

    let boards: Vec<BoardSummary> = client.get(&url).send().await.unwrap().json().await.unwrap();
    assert!(boards.is_empty(), "{boards:?}");
    server.stop().await;
}

#[tokio::test]
async fn every_app_page_gets_the_shell_and_unknown_files_are_404() {
    let database = TestDatabase::new();
    let server = start_server(&database.url()).await;
    let client = reqwest::Client::new();
    for path in ["/", "/board/abc"] {
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
