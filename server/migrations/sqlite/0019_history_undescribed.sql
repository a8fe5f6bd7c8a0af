-- The rows whose change is not described yet (a restore, a merged scenario, the server's own
-- changes, a long offline sync beyond what the gate describes per message), for the server's
-- background describer (`server::history::background`): it finds the boards that have any at
-- start, and a board's newest ones first, without reading the described rows. A row leaves
-- the index once described, so the index stays as small as the work left.
CREATE INDEX change_history_undescribed ON change_history (board_id, seq) WHERE summary IS NULL;
