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

/// The shell is in the reader's language from the first byte: the device's choice (the
/// `pmo_lang` cookie) wins over the browser's `Accept-Language`, and English is the fallback.
#[tokio::test]
async fn the_shell_speaks_the_chosen_or_the_browsers_language() {
    let database = harness::TestDatabase::new();
    let site = site();
    let config = server::Config::new(database.url(), site.path().display().to_string());
    let server = harness::start_server_with(config, "127.0.0.1:0".parse().unwrap()).await;
    let http = reqwest::Client::new();
    // (Accept-Language, cookie, the shell's lang, words of its loading message)
    let cases = [
        (None, None, "en", "Loading PMO Board"),
        (Some("zh-CN,zh;q=0.9,en;q=0.8"), None, "zh", "正在加载"),
        (Some("en-US,en;q=0.9"), None, "en", "Loading PMO Board"),
        (Some("fr-FR,fr;q=0.9"), None, "en", "Loading PMO Board"),
        (Some("zh-CN,zh;q=0.9"), Some("pmo_lang=en"), "en", "Loading PMO Board"),
        (Some("en-US"), Some("pmo_lang=zh"), "zh", "正在加载"),
        (Some("zh-TW"), Some("pmo_lang=klingon"), "zh", "正在加载"),
    ];
    for (accept_language, cookie, lang, words) in cases {
        let mut request = http.get(format!("http://{}/board/abc", server.addr));
        if let Some(accept_language) = accept_language {
            request = request.header(header::ACCEPT_LANGUAGE, accept_language);
        }
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let response = request.send().await.unwrap();
        let vary =
            response.headers().get_all(header::VARY).iter().map(|v| v.to_str().unwrap().to_owned()).collect::<Vec<_>>();
        assert!(vary.iter().any(|v| v.contains("Accept-Language")), "{vary:?}");
        let page = response.text().await.unwrap();
        assert!(page.contains(&format!("<html lang=\"{lang}\"")), "{accept_language:?} {cookie:?}: {page}");
        assert!(page.contains(words), "{accept_language:?} {cookie:?}: {page}");
    }
    server.stop().await;
}
