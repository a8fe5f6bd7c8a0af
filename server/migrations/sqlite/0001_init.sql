-- Boards the server knows about. The documents themselves live in storage_chunks.
CREATE TABLE boards (
    id TEXT PRIMARY KEY NOT NULL,          -- automerge document id (bs58check)
    name TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);

-- samod's key/value storage: document snapshots and incremental changes.
CREATE TABLE storage_chunks (
    key TEXT PRIMARY KEY NOT NULL,         -- samod StorageKey joined with '/'
    data BLOB NOT NULL
);
