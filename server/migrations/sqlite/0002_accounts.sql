-- Accounts, sessions, API tokens and who may open which board (issue 4). The SQL is the same
-- for SQLite and Postgres: text and 64-bit integers only, flags as 0/1, times in Unix
-- milliseconds. Secrets are never stored: sessions, tokens and invites are kept by the hex
-- SHA-256 of their secret, passwords as argon2 hashes.

-- People with an account. `email` is stored lowercased, which makes it unique regardless of case.
CREATE TABLE accounts (
    id TEXT PRIMARY KEY NOT NULL,              -- random (UUID v4)
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,               -- argon2 PHC string
    admin BIGINT NOT NULL DEFAULT 0,           -- 1 for the instance admin
    created_at_ms BIGINT NOT NULL
);

-- Signed-in browsers. `id` is the SHA-256 of the secret in the session cookie.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    csrf_token TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    last_seen_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);
CREATE INDEX sessions_by_account ON sessions (account_id);

-- Personal API tokens, for scripts and for the WebSocket. Kept by the SHA-256 of the secret.
CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    name TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    last_used_at_ms BIGINT
);
CREATE INDEX api_tokens_by_account ON api_tokens (account_id);

-- Who may open which board, and as what: 'viewer', 'editor' or 'owner'.
CREATE TABLE board_members (
    board_id TEXT NOT NULL REFERENCES boards (id),
    account_id TEXT NOT NULL REFERENCES accounts (id),
    role TEXT NOT NULL,
    added_at_ms BIGINT NOT NULL,
    PRIMARY KEY (board_id, account_id)
);
CREATE INDEX board_members_by_account ON board_members (account_id);

-- The instance's settings: one row.
CREATE TABLE instance_settings (
    id BIGINT PRIMARY KEY NOT NULL,            -- always 1
    invite_only BIGINT NOT NULL DEFAULT 0
);
INSERT INTO instance_settings (id, invite_only) VALUES (1, 0);

-- One-time sign-up codes, kept by the SHA-256 of the code.
CREATE TABLE invites (
    code_hash TEXT PRIMARY KEY NOT NULL,
    created_by TEXT NOT NULL REFERENCES accounts (id),
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    used_at_ms BIGINT,
    used_by TEXT REFERENCES accounts (id)
);

-- Failed sign-ins, counted per email ('email:…') and per client address ('ip:…') so that every
-- server node on one database refuses the same guesser.
CREATE TABLE login_failures (
    key TEXT PRIMARY KEY NOT NULL,
    failures BIGINT NOT NULL,
    window_start_ms BIGINT NOT NULL,
    locked_until_ms BIGINT
);
