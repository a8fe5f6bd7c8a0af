//! Where the server keeps boards: sqlx pools, SQLite (embedded, the default) or Postgres.
//!
//! SQLite has one writer: the write pool holds one connection, so that writers queue in the
//! pool rather than fail with "database is locked". Reads that stand alone (a session or role
//! lookup, samod loading a board, `/healthz`) go to a read pool of [`SQLITE_READERS`]
//! connections, which WAL lets read beside the writer; before it, every page view and
//! WebSocket upgrade waited behind every commit, and `/healthz` timed out under load. A read
//! sees everything committed before it started. Postgres has one pool of ten for both.
//!
//! Two tables (see `migrations/`): `boards`, the index behind `/api/boards`, and
//! `storage_chunks`, samod's key/value storage holding every document's snapshots and
//! incremental changes. The same queries run on both engines through sqlx's `Any` driver, so
//! the SQLite and Postgres stores are one implementation and pass one test file.
//!
//! samod's [`samod::storage::Storage`] trait has no way to report a failure, and dropping a write would
//! lose an edit the client believes is on the server. So a failed query is logged and retried
//! with backoff until it succeeds: the sync stalls visibly (the client keeps counting unsent
//! changes) instead of losing data.

use std::{collections::HashMap, future::Future, path::Path, time::Duration};

use samod::storage::StorageKey;
use sqlx::{
    any::{AnyPoolOptions, AnyRow},
    AnyPool, Executor, Row,
};

use crate::attribution;

/// Which database engine the store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("DATABASE_URL must start with sqlite: or postgres:, not `{0}`")]
    UnsupportedUrl(String),
    #[error("cannot create the database directory {path}: {source}")]
    CreateDir { path: String, source: std::io::Error },
    #[error("cannot connect to the database: {0}")]
    Connect(sqlx::Error),
    #[error("cannot bring the database schema up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database query failed: {0}")]
    Query(#[from] sqlx::Error),
}

/// A board in the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardRecord {
    /// The automerge document id (bs58check), without `automerge:`.
    pub id: String,
    pub name: String,
    pub created_at_ms: i64,
}

/// What this node tells the other nodes sharing the database: a Postgres `NOTIFY` on
/// `channel`, whose payload the store prefixes with this node's id (so a node can ignore its
/// own notices). A commit sends its notice in its own transaction, and Postgres delivers a
/// `NOTIFY` only when its transaction commits, so no node hears of a change before it is
/// stored. The store only carries notices: the channels and what their payloads say belong to
/// the nodes that send and read them (the cluster module, above the store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub channel: &'static str,
    pub payload: String,
}

/// How many connections read a SQLite database beside its one writer.
pub const SQLITE_READERS: u32 = 4;

/// The server's database. Cheap to clone: clones share the pools.
#[derive(Debug, Clone)]
pub struct Store {
    /// Writes, transactions and reads that must see them within a transaction.
    pool: AnyPool,
    /// Reads that stand alone: [`SQLITE_READERS`] read-only connections on SQLite (a file), the
    /// same pool as `pool` otherwise.
    reads: AnyPool,
    engine: Engine,
    url: String,
    node_id: std::sync::Arc<str>,
}

impl Store {
    /// Connects to `database_url`, creating a SQLite file (and its directory) if needed, and
    /// runs the migrations.
    pub async fn connect(database_url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let (engine, url) = if database_url.starts_with("sqlite:") {
            (Engine::Sqlite, prepare_sqlite_url(database_url)?)
        } else if database_url.starts_with("postgres:") || database_url.starts_with("postgresql:") {
            (Engine::Postgres, database_url.to_owned())
        } else {
            return Err(StoreError::UnsupportedUrl(database_url.to_owned()));
        };
        let pool = pool_options(engine, 1, false).connect(&url).await.map_err(StoreError::Connect)?;
        match engine {
            Engine::Sqlite => sqlx::migrate!("migrations/sqlite").run(&pool).await?,
            Engine::Postgres => sqlx::migrate!("migrations/postgres").run(&pool).await?,
        }
        // An in-memory SQLite database is one per connection: it reads through its writer.
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let reads = if engine == Engine::Sqlite && !in_memory {
            pool_options(engine, SQLITE_READERS, true).connect(&url).await.map_err(StoreError::Connect)?
        } else {
            pool.clone()
        };
        let node_id = format!("{:016x}", rand::random::<u64>()).into();
        Ok(Store { pool, reads, engine, url, node_id })
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The pool for reads that stand alone (see the module's introduction).
    pub(crate) fn reads(&self) -> &AnyPool {
        &self.reads
    }

    /// The URL the store connected to (for the cluster listener's own connection).
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    // ---- the board index --------------------------------------------------------------------

    pub async fn insert_board(&self, board: &BoardRecord) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO boards (id, name, created_at_ms) VALUES ($1, $2, $3)")
            .bind(&board.id)
            .bind(&board.name)
            .bind(board.created_at_ms)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Every board, oldest first.
    pub async fn boards(&self) -> Result<Vec<BoardRecord>, StoreError> {
        let rows = sqlx::query("SELECT id, name, created_at_ms FROM boards ORDER BY created_at_ms, id")
            .fetch_all(&self.reads)
            .await?;
        rows.iter().map(board_record).collect()
    }

    pub async fn board(&self, id: &str) -> Result<Option<BoardRecord>, StoreError> {
        let row = sqlx::query("SELECT id, name, created_at_ms FROM boards WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.reads)
            .await?;
        row.as_ref().map(board_record).transpose()
    }

    // ---- samod's key/value storage ----------------------------------------------------------

    pub async fn load_chunk(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let row =
            sqlx::query("SELECT data FROM storage_chunks WHERE key = $1").bind(key).fetch_optional(&self.reads).await?;
        Ok(row.map(|row| row.try_get("data")).transpose()?)
    }

    /// Every chunk whose key is `prefix` or lies below it (`prefix/…`).
    pub async fn load_chunks(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let query = if prefix.is_empty() {
            sqlx::query("SELECT key, data FROM storage_chunks")
        } else {
            // Keys below `prefix` sort between "prefix/" and "prefix0" ('0' follows '/').
            sqlx::query("SELECT key, data FROM storage_chunks WHERE key = $1 OR (key >= $2 AND key < $3)")
                .bind(prefix.to_owned())
                .bind(format!("{prefix}/"))
                .bind(format!("{prefix}0"))
        };
        let rows = query.fetch_all(&self.reads).await?;
        rows.iter()
            .map(|row| Ok((row.try_get("key")?, row.try_get("data")?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    pub async fn put_chunk(&self, key: &str, data: &[u8]) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO storage_chunks (key, data) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET data = excluded.data",
        )
        .bind(key)
        .bind(data)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn delete_chunk(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM storage_chunks WHERE key = $1").bind(key).execute(&self.pool).await?;
        Ok(())
    }

    /// Commits changes the server made itself (a schema upgrade), as samod's own incremental
    /// chunks (`<document>/incremental/<change hash>`), in one transaction that also tells the
    /// other nodes `notice` (see [`Notice`]).
    pub async fn commit_changes(
        &self,
        document_id: &str,
        changes: &[(automerge::ChangeHash, Vec<u8>)],
        notice: &Notice,
    ) -> Result<(), StoreError> {
        self.commit_attributed(document_id, changes, None, &[], notice).await
    }

    /// Commits changes a client sent, like [`Store::commit_changes`], and records in the same
    /// transaction that `account_id` sent them, with what they did where `described` says (see
    /// [`attribution::record`]). The write gate calls this before samod sees the changes, so a
    /// change the server acknowledges is already durable.
    pub async fn commit_changes_by(
        &self,
        document_id: &str,
        changes: &[(automerge::ChangeHash, Vec<u8>)],
        account_id: &str,
        described: &[(automerge::ChangeHash, shared::history::ChangeSummary)],
        notice: &Notice,
    ) -> Result<(), StoreError> {
        self.commit_attributed(document_id, changes, Some(account_id), described, notice).await
    }

    async fn commit_attributed(
        &self,
        document_id: &str,
        changes: &[(automerge::ChangeHash, Vec<u8>)],
        account_id: Option<&str>,
        described: &[(automerge::ChangeHash, shared::history::ChangeSummary)],
        notice: &Notice,
    ) -> Result<(), StoreError> {
        let mut transaction = self.pool.begin().await?;
        self.commit_in(&mut transaction, document_id, changes, account_id, described, notice).await?;
        transaction.commit().await?;
        Ok(())
    }

    /// What a commit writes (the changes, who sent them, the notice), inside `transaction`,
    /// for a caller that holds a transaction of its own (a lock, say) and commits it itself.
    pub(crate) async fn commit_in(
        &self,
        transaction: &mut sqlx::Transaction<'_, sqlx::Any>,
        document_id: &str,
        changes: &[(automerge::ChangeHash, Vec<u8>)],
        account_id: Option<&str>,
        described: &[(automerge::ChangeHash, shared::history::ChangeSummary)],
        notice: &Notice,
    ) -> Result<(), StoreError> {
        insert_changes(transaction, document_id, changes).await?;
        attribution::record(transaction, document_id, changes, account_id, described).await?;
        self.send(notice, &mut **transaction).await
    }

    /// Tells every other node `notice` at once (Postgres only).
    pub async fn notify(&self, notice: &Notice) -> Result<(), StoreError> {
        self.send(notice, &self.pool).await
    }

    /// `NOTIFY`s `<node> <payload>` on the notice's channel through `executor` (Postgres only:
    /// alone, a server has no one to tell).
    async fn send<'e>(
        &self,
        notice: &Notice,
        executor: impl Executor<'e, Database = sqlx::Any>,
    ) -> Result<(), StoreError> {
        if self.engine == Engine::Postgres {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(notice.channel)
                .bind(format!("{} {}", self.node_id, notice.payload))
                .execute(executor)
                .await?;
        }
        Ok(())
    }

    /// The chunk of one change, if it is stored as an incremental chunk.
    pub async fn load_change(&self, document_id: &str, hash: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.load_chunk(&incremental_key(document_id, hash)).await
    }

    /// Whether the database answers with the application's tables (a database that answers
    /// `SELECT 1` but has lost its tables is no better than none).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT id FROM boards LIMIT 1").fetch_optional(&self.reads).await?;
        Ok(())
    }

    /// This process's id among the nodes sharing the database.
    pub fn node_id(&self) -> &str {
        &self.node_id
    }

    /// Closes the pools after every query in flight has finished.
    pub async fn close(&self) {
        self.reads.close().await;
        self.pool.close().await;
    }
}

/// The options of a pool of `connections`. SQLite's connections wait up to five seconds for a
/// lock, check foreign keys, and are `query_only` in a read pool.
fn pool_options(engine: Engine, connections: u32, read_only: bool) -> AnyPoolOptions {
    AnyPoolOptions::new().max_connections(if engine == Engine::Sqlite { connections } else { 10 }).after_connect(
        move |connection, _| {
            Box::pin(async move {
                if engine == Engine::Sqlite {
                    if read_only {
                        connection.execute("PRAGMA busy_timeout = 5000").await?;
                        connection.execute("PRAGMA query_only = ON").await?;
                    } else {
                        connection.execute("PRAGMA journal_mode = WAL").await?;
                        connection.execute("PRAGMA synchronous = FULL").await?;
                        connection.execute("PRAGMA busy_timeout = 5000").await?;
                        // SQLite checks the schema's REFERENCES only when asked to, per connection.
                        connection.execute("PRAGMA foreign_keys = ON").await?;
                    }
                }
                Ok(())
            })
        },
    )
}

/// Where samod keeps one change of a document (`StorageKey::incremental_path`).
fn incremental_key(document_id: &str, hash: impl std::fmt::Display) -> String {
    format!("{document_id}/incremental/{hash}")
}

/// Writes changes as samod's own incremental chunks, inside `transaction`. A chunk's key names
/// its content, so one already there is left as it is.
pub(crate) async fn insert_changes(
    transaction: &mut sqlx::Transaction<'_, sqlx::Any>,
    document_id: &str,
    changes: &[(automerge::ChangeHash, Vec<u8>)],
) -> Result<(), StoreError> {
    for (hash, bytes) in changes {
        sqlx::query("INSERT INTO storage_chunks (key, data) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
            .bind(incremental_key(document_id, hash))
            .bind(bytes.as_slice())
            .execute(&mut **transaction)
            .await?;
    }
    Ok(())
}

fn board_record(row: &AnyRow) -> Result<BoardRecord, StoreError> {
    Ok(BoardRecord { id: row.try_get("id")?, name: row.try_get("name")?, created_at_ms: row.try_get("created_at_ms")? })
}

/// Makes sure a SQLite file can be created: its directory exists and `mode=rwc` is set.
fn prepare_sqlite_url(url: &str) -> Result<String, StoreError> {
    let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let path = path.split('?').next().unwrap_or_default();
    if !path.is_empty() && path != ":memory:" {
        if let Some(parent) = Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|source| StoreError::CreateDir { path: parent.display().to_string(), source })?;
        }
    }
    Ok(if url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    })
}

/// Runs `attempt` until it succeeds, logging each failure and waiting longer each time (up to
/// five seconds).
async fn retrying<T, F, Fut>(what: &str, key: &str, mut attempt: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, StoreError>>,
{
    let mut wait = Duration::from_millis(50);
    loop {
        match attempt().await {
            Ok(value) => return value,
            Err(error) => {
                tracing::error!(%error, key, "storage {what} failed; retrying in {wait:?}");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(5));
            }
        }
    }
}

impl samod::storage::Storage for Store {
    fn load(&self, key: StorageKey) -> impl Future<Output = Option<Vec<u8>>> + Send {
        let store = self.clone();
        async move {
            let key = key.to_string();
            retrying("load", &key, || store.load_chunk(&key)).await
        }
    }

    fn load_range(&self, prefix: StorageKey) -> impl Future<Output = HashMap<StorageKey, Vec<u8>>> + Send {
        let store = self.clone();
        async move {
            let prefix = prefix.to_string();
            let rows = retrying("load_range", &prefix, || store.load_chunks(&prefix)).await;
            rows.into_iter()
                .filter_map(|(key, data)| match StorageKey::from_parts(key.split('/')) {
                    Ok(key) => Some((key, data)),
                    Err(_) => {
                        tracing::warn!(key, "ignoring a storage chunk with an invalid key");
                        None
                    }
                })
                .collect()
        }
    }

    fn put(&self, key: StorageKey, data: Vec<u8>) -> impl Future<Output = ()> + Send {
        let store = self.clone();
        async move {
            let key = key.to_string();
            retrying("put", &key, || store.put_chunk(&key, &data)).await
        }
    }

    fn delete(&self, key: StorageKey) -> impl Future<Output = ()> + Send {
        let store = self.clone();
        async move {
            let key = key.to_string();
            retrying("delete", &key, || store.delete_chunk(&key)).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sqlite_enforces_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(&format!("sqlite://{}", dir.path().join("fk.db").display())).await.unwrap();
        let orphan = sqlx::query(
            "INSERT INTO board_members (board_id, account_id, role, added_at_ms) VALUES ('no-board', 'nobody', 'owner', 0)",
        )
        .execute(store.pool())
        .await;
        assert!(orphan.is_err(), "a member of no board, by no account, was stored");
        store.close().await;
    }

    /// With one SQLite connection for everything, `/healthz`, a session lookup or samod
    /// loading a board waited behind every write; they read beside the writer now, and see what
    /// it committed once it has.
    #[tokio::test]
    async fn sqlite_reads_do_not_wait_for_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(&format!("sqlite://{}", dir.path().join("reads.db").display())).await.unwrap();
        let mut writing = store.pool().begin().await.unwrap();
        let board = BoardRecord { id: "b1".into(), name: "Portfolio".into(), created_at_ms: 1 };
        sqlx::query("INSERT INTO boards (id, name, created_at_ms) VALUES ($1, $2, $3)")
            .bind(&board.id)
            .bind(&board.name)
            .bind(board.created_at_ms)
            .execute(&mut *writing)
            .await
            .unwrap();
        let soon = Duration::from_secs(2);
        tokio::time::timeout(soon, store.ping()).await.expect("the ping waited for the writer").unwrap();
        let before = tokio::time::timeout(soon, store.boards()).await.expect("a read waited for the writer").unwrap();
        assert_eq!(before, [], "a read saw a write that was not committed");
        writing.commit().await.unwrap();
        assert_eq!(store.boards().await.unwrap(), [board]);
        store.close().await;
    }
}
