-- What each API token may be used for (issue 12, Low 13): scope names separated by spaces,
-- among `sync`, `read`, `write` and `account`. Tokens made before scopes existed could do
-- everything; they keep what a new token gets by default (syncing and reading), so that a
-- leaked old token can no longer make tokens or change the password. A script that changed
-- things through the API needs a new token with the `write` scope.
ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT 'sync read';
