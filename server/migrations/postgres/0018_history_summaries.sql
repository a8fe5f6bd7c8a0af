-- What each change did, in PMO words, kept beside its attribution row (issue 14's speed: the
-- history API ≤ 50 ms a page). Describing a change reads the board at the change's
-- dependencies and at the change, so its summary never changes once it can be computed: the
-- server computes it the first time the change is listed (`server::history`) and keeps it
-- here, so a page already read needs neither the board's document nor any description again.
-- `summary` is the English line the API serves; `projects` the ids of the projects the change
-- touched, as a JSON array. Both NULL until the change is first described.
ALTER TABLE change_history ADD COLUMN summary TEXT;
ALTER TABLE change_history ADD COLUMN projects TEXT;
