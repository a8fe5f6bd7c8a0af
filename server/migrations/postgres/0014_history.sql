-- Who changed what, and when (issue 14; numbered after the issue so parallel migrations do
-- not collide). One row per Automerge change the server committed, written in the same
-- transaction as the change itself. `account_id` comes from the sync connection that
-- delivered the change, never from the change; NULL for changes the server made itself.
-- `made_at_ms` is the change's own timestamp (the author's clock, 0 when it has none);
-- `received_at_ms` is the server's clock when it committed the change. `seq` orders the
-- history (newest first) and is the paging cursor.
CREATE TABLE change_history (
    seq BIGSERIAL PRIMARY KEY,
    board_id TEXT NOT NULL,
    hash TEXT NOT NULL,
    account_id TEXT REFERENCES accounts (id),
    made_at_ms BIGINT NOT NULL,
    received_at_ms BIGINT NOT NULL,
    UNIQUE (board_id, hash)
);
CREATE INDEX change_history_by_board ON change_history (board_id, seq);
