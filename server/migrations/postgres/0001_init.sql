-- Boards the server knows about. The documents themselves live in storage_chunks.
CREATE TABLE boards (
    id TEXT PRIMARY KEY NOT NULL,          -- automerge document id (bs58check)
    name TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);

-- samod's key/value storage: document snapshots and incremental changes. The "C" collation
-- makes key order bytewise, which the prefix range scan relies on.
CREATE TABLE storage_chunks (
    key TEXT COLLATE "C" PRIMARY KEY NOT NULL,  -- samod StorageKey joined with '/'
    data BYTEA NOT NULL
);
