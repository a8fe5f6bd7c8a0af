-- Scenarios (情景分析, issue 14 item 7): forks of a board that merge back. A scenario is a
-- document of its own (its chunks in storage_chunks and its history in change_history, like a
-- board's), made from the board's document as it was, so it shares the board's history and
-- its own changes can be applied to the board later. It has no row in `boards`, so it is never
-- listed as a board; whoever is a member of `board_id` may open it, with the same role
-- (`Store::role` looks through this table).
CREATE TABLE scenarios (
    id TEXT PRIMARY KEY NOT NULL,                   -- the scenario's automerge document id
    board_id TEXT NOT NULL REFERENCES boards (id),
    name TEXT NOT NULL,
    created_by TEXT REFERENCES accounts (id),
    created_at_ms BIGINT NOT NULL,
    merged_at_ms BIGINT,                            -- when it was last merged into the board
    merged_by TEXT REFERENCES accounts (id),
    archived_at_ms BIGINT                           -- discarded: hidden from the list, kept
);
CREATE INDEX scenarios_by_board ON scenarios (board_id, created_at_ms);
