//! How the app's files go out: compressed as the browser accepts, revalidated on every load
//! (their names are not hashed), and the app's shell for pages and for paths that are nothing.

use reqwest::{header, StatusCode};

use crate::harness;

/// A built site with a wasm file as compressible as real wasm is (repetitive instructions).
fn site() -> tempfile::TempDir {
    let site = tempfile::tempdir().expect("a temporary directory");
    std::fs::create_dir_all(site.path().join("pkg")).unwrap();
    let wasm: Vec<u8> = (0..400_000u32).map(|i| (i % 7 * 13 + i / 4096 % 5) as u8).collect();
    std::fs::write(site.path().join("pkg/pmo-board.wasm"), wasm).unwrap();
    std::fs::write(site.path().join("pkg/pmo-board.css"), "body { margin: 0; }\n".repeat(200)).unwrap();
    // A release build compresses the script once, at build time: those bytes go out as they are.
    std::fs::write(site.path().join("pkg/pmo-board.js"), "export function hydrate() {}\n".repeat(100)).unwrap();
    std::fs::write(site.path().join("pkg/pmo-board.js.br"), b"made at build time").unwrap();
    site
}

#[tokio::test]
async fn the_wasm_goes_out_compressed_and_revalidated_and_unknown_paths_get_the_shell() {
    let database = harness::TestDatabase::new();
    let site = site();
    let config = server::Config::new(database.url(), site.path().display().to_string());
    let server = harness::start_server_with(config, "127.0.0.1:0".parse().unwrap()).await;
    let base = format!("http://{}", server.addr);
    let http = reqwest::Client::new();
    let wasm = format!("{base}/pkg/pmo-board.wasm");

    for (accepted, expected) in [("br", "br"), ("gzip", "gzip"), ("gzip, deflate, br", "br")] {
        let response = http.get(&wasm).header(header::ACCEPT_ENCODING, accepted).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[header::CONTENT_ENCODING], expected, "for Accept-Encoding: {accepted}");
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-cache");
        let compressed = response.bytes().await.unwrap().len();
        assert!(compressed < 400_000 / 4, "{expected}: {compressed} bytes of 400000");
    }
    let plain = http.get(&wasm).send().await.unwrap();
    assert!(!plain.headers().contains_key(header::CONTENT_ENCODING), "nothing accepted, nothing compressed");
    let last_modified = plain.headers()[header::LAST_MODIFIED].clone();
    assert_eq!(plain.bytes().await.unwrap().len(), 400_000);

    let script =
        http.get(format!("{base}/pkg/pmo-board.js")).header(header::ACCEPT_ENCODING, "gzip, br").send().await.unwrap();
    assert_eq!(script.headers()[header::CONTENT_ENCODING], "br");
    assert_eq!(script.bytes().await.unwrap().as_ref(), b"made at build time", "the build's own .br file");

    // A warm load asks again and gets nothing large back.
    let again = http.get(&wasm).header(header::IF_MODIFIED_SINCE, last_modified).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.bytes().await.unwrap().is_empty());

    // Pages are the shell, never cached for good; a page of a board too.
    for path in ["/", "/board/abc", "/board/abc/dashboard"] {
        let page = http.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{path}");
        assert_eq!(page.headers()[header::CACHE_CONTROL], "no-cache", "{path}");
        assert!(page.text().await.unwrap().contains("pmo-board.js"), "{path} is the shell");
    }
    // A path that is nothing gets the shell too (the app says there is no such page), as a 404.
    let nothing = http.get(format!("{base}/no/such/page")).send().await.unwrap();
    assert_eq!(nothing.status(), StatusCode::NOT_FOUND);
    assert!(nothing.text().await.unwrap().contains("pmo-board.js"));
    // The API is untouched: JSON errors stay JSON.
    let api = http.get(format!("{base}/api/boards")).send().await.unwrap();
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
    server.stop().await;
}
