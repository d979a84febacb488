-- Re-pulls ask Toggl only for what changed since the last pull of the same range. One row
-- per connection, workspace (0: the account's own entries across its workspaces) and
-- range: the workspaces the walk covered (comma-separated ids: a workspace new to the
-- own entries needs a whole walk), when a pull last walked the whole range (unix
-- seconds, the pull's start), and the instant up to which every change on Toggl is
-- stored (the high-water mark).
CREATE TABLE entry_walks (
    connection_id INTEGER NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    workspace_id  INTEGER NOT NULL,
    start_date    TEXT    NOT NULL,
    end_date      TEXT    NOT NULL,
    scope         TEXT    NOT NULL,
    full_walk_at  INTEGER NOT NULL,
    changes_until INTEGER NOT NULL,
    PRIMARY KEY (connection_id, workspace_id, start_date, end_date)
);

-- How an entries stage of a pull walks, decided when it is planned so a resumed pull
-- takes the same path: NULL walks the whole range, a unix time asks only what changed
-- since then.
ALTER TABLE pull_stages ADD COLUMN changed_since INTEGER;
