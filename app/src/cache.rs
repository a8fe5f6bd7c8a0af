//! The browser's copy of every board it has opened, in IndexedDB.
//!
//! A board is stored as a run of chunks under keys `<document id>/<sequence>`: the first is a
//! full save, the rest are the incremental changes made (or received) after it, appended one
//! per edit. Loading concatenates them, which Automerge reads as one document. Opening a board
//! compacts its chunks back into one. Beside the chunks the cache keeps the sync state for the
//! server (what the server is known to have, so the "not yet on the server" count survives a
//! reload), and the board's name and the account's role on it for the offline board list.
//!
//! Each account has a database of its own, `pmo-board/<account id>`: two people who share a
//! browser profile never see each other's boards offline, and one's unsent changes are never
//! sent as the other's.

use js_sys::Uint8Array;
use rexie::{KeyRange, ObjectStore, Rexie, TransactionMode};
use shared::api::Role;
use wasm_bindgen::JsValue;

const DATABASE_PREFIX: &str = "pmo-board/";
const CHUNKS: &str = "chunks";
const SYNC_STATES: &str = "sync-states";
const BOARD_NAMES: &str = "board-names";
const BOARD_ROLES: &str = "board-roles";

/// What went wrong with the browser's storage, in words for the person at the screen.
#[derive(Debug, Clone, thiserror::Error)]
#[error("this browser's storage (IndexedDB) failed: {0}")]
pub struct CacheError(String);

impl CacheError {
    /// The browser's own words for what failed (the app words the rest, see
    /// `words::DeviceProblem`).
    pub fn detail(&self) -> &str {
        &self.0
    }
}

impl From<rexie::Error> for CacheError {
    fn from(error: rexie::Error) -> CacheError {
        CacheError(error.to_string())
    }
}

/// A board as it was found in the cache.
pub struct CachedBoard {
    /// Every chunk, in order; concatenated they load as the document.
    pub bytes: Vec<u8>,
    pub chunk_count: u32,
    pub sync_state: Option<Vec<u8>>,
}

/// A board in the offline board list.
pub struct CachedBoardEntry {
    pub document_id: String,
    pub name: String,
    /// The account's role when the board was last opened online.
    pub role: Option<Role>,
}

/// A board with changes made on this device that the server is not known to hold.
pub struct UnsentChanges {
    pub document_id: String,
    pub name: String,
    pub changes: usize,
}

/// One account's open IndexedDB database.
pub struct BoardCache {
    database: Rexie,
}

impl BoardCache {
    pub async fn open(account_id: &str) -> Result<BoardCache, CacheError> {
        let database = Rexie::builder(&format!("{DATABASE_PREFIX}{account_id}"))
            .version(1)
            .add_object_store(ObjectStore::new(CHUNKS))
            .add_object_store(ObjectStore::new(SYNC_STATES))
            .add_object_store(ObjectStore::new(BOARD_NAMES))
            .add_object_store(ObjectStore::new(BOARD_ROLES))
            .build()
            .await?;
        Ok(BoardCache { database })
    }

    /// The board's chunks and sync state, or `None` if this browser never stored the board.
    pub async fn load(&self, document_id: &str) -> Result<Option<CachedBoard>, CacheError> {
        let transaction = self.database.transaction(&[CHUNKS, SYNC_STATES], TransactionMode::ReadOnly)?;
        let chunks = transaction.store(CHUNKS)?.scan(Some(chunk_range(document_id)?), None, None, None).await?;
        let sync_state = transaction.store(SYNC_STATES)?.get(JsValue::from_str(document_id)).await?;
        transaction.done().await?;
        if chunks.is_empty() {
            return Ok(None);
        }
        let mut bytes = Vec::new();
        for (_, chunk) in &chunks {
            bytes.extend(Uint8Array::new(chunk).to_vec());
        }
        Ok(Some(CachedBoard {
            bytes,
            chunk_count: chunks.len() as u32,
            sync_state: sync_state.filter(|v| !v.is_undefined()).map(|v| Uint8Array::new(&v).to_vec()),
        }))
    }

    /// Stores chunk number `sequence` of a board. Resolves once IndexedDB has committed it.
    pub async fn append(&self, document_id: &str, sequence: u32, bytes: &[u8]) -> Result<(), CacheError> {
        let transaction = self.database.transaction(&[CHUNKS], TransactionMode::ReadWrite)?;
        let store = transaction.store(CHUNKS)?;
        store.put(&Uint8Array::from(bytes).into(), Some(&chunk_key(document_id, sequence))).await?;
        transaction.done().await?;
        Ok(())
    }

    /// Replaces chunks `0..chunk_count` with one full save stored as chunk `chunk_count`, in one
    /// transaction: a crash leaves either the old chunks or the new one.
    pub async fn compact(&self, document_id: &str, chunk_count: u32, full: &[u8]) -> Result<(), CacheError> {
        let transaction = self.database.transaction(&[CHUNKS], TransactionMode::ReadWrite)?;
        let store = transaction.store(CHUNKS)?;
        store.put(&Uint8Array::from(full).into(), Some(&chunk_key(document_id, chunk_count))).await?;
        for sequence in 0..chunk_count {
            store.delete(chunk_key(document_id, sequence)).await?;
        }
        transaction.done().await?;
        Ok(())
    }

    pub async fn save_sync_state(&self, document_id: &str, state: &[u8]) -> Result<(), CacheError> {
        self.put(SYNC_STATES, document_id, Uint8Array::from(state).into()).await
    }

    pub async fn save_board_name(&self, document_id: &str, name: &str) -> Result<(), CacheError> {
        self.put(BOARD_NAMES, document_id, JsValue::from_str(name)).await
    }

    pub async fn save_board_role(&self, document_id: &str, role: Role) -> Result<(), CacheError> {
        self.put(BOARD_ROLES, document_id, JsValue::from_str(role.as_str())).await
    }

    /// The account's role on a board when it was last opened online.
    pub async fn board_role(&self, document_id: &str) -> Result<Option<Role>, CacheError> {
        let transaction = self.database.transaction(&[BOARD_ROLES], TransactionMode::ReadOnly)?;
        let role = transaction.store(BOARD_ROLES)?.get(JsValue::from_str(document_id)).await?;
        transaction.done().await?;
        Ok(role.and_then(|role| role.as_string()).and_then(|role| Role::parse(&role)))
    }

    /// Every board this account has opened on this device.
    pub async fn boards(&self) -> Result<Vec<CachedBoardEntry>, CacheError> {
        let transaction = self.database.transaction(&[BOARD_NAMES, BOARD_ROLES], TransactionMode::ReadOnly)?;
        let names = transaction.store(BOARD_NAMES)?.scan(None, None, None, None).await?;
        let roles = transaction.store(BOARD_ROLES)?.scan(None, None, None, None).await?;
        transaction.done().await?;
        let roles: std::collections::HashMap<String, Role> = roles
            .into_iter()
            .filter_map(|(key, value)| Some((key.as_string()?, Role::parse(&value.as_string()?)?)))
            .collect();
        Ok(names
            .into_iter()
            .filter_map(|(key, value)| {
                let document_id = key.as_string()?;
                let role = roles.get(&document_id).copied();
                Some(CachedBoardEntry { document_id, name: value.as_string()?, role })
            })
            .collect())
    }

    /// Takes a board off the offline board list (the account has no access to it any more).
    /// Its chunks stay: they may hold changes made before access ended, and a board the
    /// account regains resumes from them.
    pub async fn unlist_board(&self, document_id: &str) -> Result<(), CacheError> {
        let transaction = self.database.transaction(&[BOARD_NAMES, BOARD_ROLES], TransactionMode::ReadWrite)?;
        for store in [BOARD_NAMES, BOARD_ROLES] {
            transaction.store(store)?.delete(JsValue::from_str(document_id)).await?;
        }
        transaction.done().await?;
        Ok(())
    }

    /// What removing this account's boards from the device would lose: for each board it
    /// edits, the changes the server is not known to hold (the sync state kept beside the
    /// board says what it holds). A viewer's changes are never sent, so they are not counted
    /// here; they are set aside (see `session`), which the caller checks.
    pub async fn unsent_changes(&self) -> Result<Vec<UnsentChanges>, CacheError> {
        let mut unsent = Vec::new();
        for entry in self.boards().await? {
            if entry.role == Some(Role::Viewer) {
                continue;
            }
            let Some(cached) = self.load(&entry.document_id).await? else { continue };
            // A copy that no longer reads cannot be sent either: nothing to lose by removing it.
            let Ok(mut board) = shared::Board::load(&cached.bytes) else { continue };
            let client = shared::sync::SyncClient::new("counting", &entry.document_id, cached.sync_state.as_deref());
            let changes = client.unsynced_changes(&mut board);
            if changes > 0 {
                unsent.push(UnsentChanges { document_id: entry.document_id, name: entry.name, changes });
            }
        }
        Ok(unsent)
    }

    /// Closes the database, so that deleting it need not wait for this connection.
    pub fn close(self) {
        self.database.close();
    }

    /// Deletes the account's database: every board it holds on this device, their unsent
    /// changes included. Resolves once no page holds the database open any more.
    pub async fn delete(account_id: &str) -> Result<(), CacheError> {
        Rexie::delete(&format!("{DATABASE_PREFIX}{account_id}")).await?;
        Ok(())
    }

    async fn put(&self, store: &str, key: &str, value: JsValue) -> Result<(), CacheError> {
        let transaction = self.database.transaction(&[store], TransactionMode::ReadWrite)?;
        transaction.store(store)?.put(&value, Some(&JsValue::from_str(key))).await?;
        transaction.done().await?;
        Ok(())
    }
}

/// Zero-padded so that keys sort in sequence order.
fn chunk_key(document_id: &str, sequence: u32) -> JsValue {
    JsValue::from_str(&format!("{document_id}/{sequence:010}"))
}

/// Every key `<document id>/…`: '0' is the character after '/'.
fn chunk_range(document_id: &str) -> Result<KeyRange, CacheError> {
    let lower = JsValue::from_str(&format!("{document_id}/"));
    let upper = JsValue::from_str(&format!("{document_id}0"));
    KeyRange::bound(&lower, &upper, Some(false), Some(true)).map_err(|e| CacheError(e.to_string()))
}
