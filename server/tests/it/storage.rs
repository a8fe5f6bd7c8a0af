//! One storage story, run against SQLite and against Postgres.

use samod::storage::{Storage, StorageKey};
use server::store::{BoardRecord, Store};

use crate::harness::TestDatabase;

fn key(parts: &[&str]) -> StorageKey {
    StorageKey::from_parts(parts).unwrap()
}

/// What every store must do: the board index, samod's key/value storage with prefix ranges,
/// and keeping both across a reconnect (which re-runs the migrations).
async fn storage_story(url: &str) {
    let store = Store::connect(url).await.expect("connect and migrate");

    // The board index, oldest first.
    assert_eq!(store.boards().await.unwrap(), []);
    let boards = [
        BoardRecord { id: "2abc".into(), name: "IT 项目组合".into(), created_at_ms: 2 },
        BoardRecord { id: "1xyz".into(), name: "2027 portfolio".into(), created_at_ms: 1 },
    ];
    for board in &boards {
        store.insert_board(board).await.unwrap();
    }
    assert_eq!(store.boards().await.unwrap(), [boards[1].clone(), boards[0].clone()]);
    assert_eq!(store.board("2abc").await.unwrap(), Some(boards[0].clone()));
    assert_eq!(store.board("nope").await.unwrap(), None);
    assert!(store.insert_board(&boards[0]).await.is_err(), "ids are unique");

    // Key/value storage through samod's trait.
    let chunks = [
        (key(&["doc", "incremental", "h1"]), vec![1u8, 2, 3]),
        (key(&["doc", "snapshot", "s1"]), vec![4u8]),
        (key(&["doc2", "snapshot", "s1"]), vec![5u8]),
        (key(&["do", "snapshot", "s1"]), vec![6u8]),
        (key(&["doc-other"]), vec![7u8]),
        (key(&["storage-adapter-id"]), vec![8u8]),
    ];
    for (key, data) in &chunks {
        Storage::put(&store, key.clone(), data.clone()).await;
    }
    assert_eq!(Storage::load(&store, key(&["doc", "snapshot", "s1"])).await, Some(vec![4]));
    assert_eq!(Storage::load(&store, key(&["doc", "snapshot"])).await, None);

    // A prefix matches whole components only: "doc" is not a prefix of "doc2" or "doc-other".
    let range = Storage::load_range(&store, key(&["doc"])).await;
    let mut found: Vec<String> = range.keys().map(ToString::to_string).collect();
    found.sort();
    assert_eq!(found, ["doc/incremental/h1", "doc/snapshot/s1"]);
    assert_eq!(range[&key(&["doc", "incremental", "h1"])], vec![1, 2, 3]);
    assert_eq!(Storage::load_range(&store, key(&["doc", "snapshot"])).await.len(), 1);
    assert_eq!(Storage::load_range(&store, key(&[])).await.len(), chunks.len());

    // Overwrite and delete.
    Storage::put(&store, key(&["doc", "snapshot", "s1"]), vec![9, 9]).await;
    assert_eq!(Storage::load(&store, key(&["doc", "snapshot", "s1"])).await, Some(vec![9, 9]));
    Storage::delete(&store, key(&["doc", "incremental", "h1"])).await;
    assert_eq!(Storage::load(&store, key(&["doc", "incremental", "h1"])).await, None);
    Storage::delete(&store, key(&["never", "stored"])).await;

    // Everything survives a reconnect; migrations run again without harm.
    store.close().await;
    let store = Store::connect(url).await.expect("reconnect");
    assert_eq!(store.boards().await.unwrap().len(), 2);
    assert_eq!(Storage::load_range(&store, key(&[])).await.len(), chunks.len() - 1);
    let large = vec![0xAB; 2 * 1024 * 1024];
    Storage::put(&store, key(&["big"]), large.clone()).await;
    assert_eq!(Storage::load(&store, key(&["big"])).await, Some(large));
    store.close().await;
}

#[tokio::test]
async fn the_storage_story_on_sqlite() {
    let database = TestDatabase::new();
    storage_story(&database.url()).await;
}

#[tokio::test]
async fn the_sqlite_directory_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/nested/data/pmo.db", dir.path().display());
    let store = Store::connect(&url).await.unwrap();
    store.close().await;
    assert!(dir.path().join("nested/data/pmo.db").exists());
}

#[tokio::test]
async fn an_unsupported_database_url_is_a_clear_error() {
    let error = Store::connect("mysql://localhost/test").await.unwrap_err();
    assert!(error.to_string().contains("sqlite: or postgres:"), "{error}");
}

/// Runs against the Postgres named by `PMO_TEST_POSTGRES_URL`, in a schema of its own that is
/// dropped afterwards. CI sets the variable; there the test fails rather than pass unrun.
#[tokio::test]
async fn the_storage_story_on_postgres() {
    let Some(base_url) = postgres_url() else { return };
    let schema = format!("pmo_test_{}", rand::random::<u32>());
    let admin = sqlx::PgPool::connect(&base_url).await.expect("connect to PMO_TEST_POSTGRES_URL");
    sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&admin).await.unwrap();
    let separator = if base_url.contains('?') { '&' } else { '?' };
    let url = format!("{base_url}{separator}options=-c%20search_path%3D{schema}");
    storage_story(&url).await;
    sqlx::query(&format!("DROP SCHEMA {schema} CASCADE")).execute(&admin).await.unwrap();
}

pub fn postgres_url() -> Option<String> {
    match std::env::var("PMO_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|ci| ci == "true") => {
            panic!("CI must run the Postgres tests: set PMO_TEST_POSTGRES_URL (see Makefile)")
        }
        _ => {
            eprintln!("PMO_TEST_POSTGRES_URL is not set: the Postgres store is not tested in this run");
            None
        }
    }
}
