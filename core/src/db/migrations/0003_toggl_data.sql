-- Toggl data pulled per connection, for offline review. Every table is keyed by the
-- connection and Toggl's own id, so a re-pull upserts instead of duplicating, and
-- deleting a connection removes its data (ON DELETE CASCADE).
--
-- `seen_pull` on the pulled tables is the id of the pull that last stored the row:
-- when a pull finishes a stage, rows of that stage's scope it did not see are gone on
-- Toggl and are swept (mark-and-sweep), in the same transaction as the stage's last page.

CREATE TABLE toggl_organizations (
    connection_id INTEGER NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    id            INTEGER NOT NULL,
    name          TEXT    NOT NULL,
    owner         INTEGER NOT NULL DEFAULT 0,
    admin         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (connection_id, id)
);

CREATE TABLE toggl_workspaces (
    connection_id      INTEGER NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    id                 INTEGER NOT NULL,
    organization_id    INTEGER,
    name               TEXT    NOT NULL,
    -- the connection's account role here: decides report (all members) or own entries
    role               TEXT    NOT NULL,
    -- when projects, clients, tags and members were last pulled completely
    metadata_pulled_at TEXT,
    PRIMARY KEY (connection_id, id)
);

CREATE TABLE toggl_projects (
    connection_id INTEGER NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    id            INTEGER NOT NULL,
    workspace_id  INTEGER NOT NULL,
    client_id     INTEGER,
    name          TEXT    NOT NULL,
    active        INTEGER NOT NULL,
    color         TEXT,
    billable      INTEGER,
    seen_pull     INTEGER NOT NULL,
    PRIMARY KEY (connection_id, id)
);
CREATE INDEX toggl_projects_workspace ON toggl_projects (connection_id, workspace_id);

CREATE TABLE toggl_clients (
    connection_id INTEGER NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    id            INTEGER NOT NULL,
    workspace_id  INTEGER NOT NULL,
    name          TEXT    NOT NULL,
    archived      INTEGER NOT NULL,
    seen_pull     INTEGER NOT NULL,
    PRIMARY KEY (connection_id, id)
);
CREATE INDEX toggl_clients_workspace ON toggl_clients (connection_id, workspace_id);

CREATE TABLE toggl_tags (
    connection_id INTEGER NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    id            INTEGER NOT NULL,
    workspace_id  INTEGER NOT NULL,
    name          TEXT    NOT NULL,
    seen_pull     INTEGER NOT NULL,
    PRIMARY KEY (connection_id, id)
);
CREATE INDEX toggl_tags_workspace ON toggl_tags (connection_id, workspace_id);

-- Users per workspace, where the account's role lets it list them.
CREATE TABLE toggl_members (
    connection_id INTEGER NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    workspace_id  INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    name          TEXT,
    email         TEXT,
    role          TEXT,
    seen_pull     INTEGER NOT NULL,
    PRIMARY KEY (connection_id, workspace_id, user_id)
);

-- Times are unix seconds (UTC) so range and day queries compare integers.
-- `description_folded` is the description lower-cased by the app (Unicode-aware, unlike
-- SQLite's lower()), for the case-insensitive text filter.
CREATE TABLE time_entries (
    connection_id      INTEGER NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    id                 INTEGER NOT NULL,
    workspace_id       INTEGER NOT NULL,
    project_id         INTEGER,
    task_id            INTEGER,
    user_id            INTEGER,
    user_name          TEXT,
    description        TEXT,
    description_folded TEXT,
    start              INTEGER NOT NULL,
    stop               INTEGER,
    duration           INTEGER,
    billable           INTEGER,
    -- JSON array of tag ids, as Toggl sent it; time_entry_tags is the filterable copy
    tag_ids            TEXT    NOT NULL DEFAULT '[]',
    at                 TEXT,
    seen_pull          INTEGER NOT NULL,
    PRIMARY KEY (connection_id, id)
);
CREATE INDEX time_entries_start     ON time_entries (connection_id, start, id);
CREATE INDEX time_entries_workspace ON time_entries (connection_id, workspace_id, start);
CREATE INDEX time_entries_project   ON time_entries (connection_id, project_id, start);
CREATE INDEX time_entries_user      ON time_entries (connection_id, user_id, start);
-- covers the totals' one pass (no table reads for date-range or unfiltered totals)
CREATE INDEX time_entries_totals    ON time_entries (connection_id, start, project_id, user_id, duration);

CREATE TABLE time_entry_tags (
    connection_id INTEGER NOT NULL,
    entry_id      INTEGER NOT NULL,
    tag_id        INTEGER NOT NULL,
    PRIMARY KEY (connection_id, tag_id, entry_id),
    FOREIGN KEY (connection_id, entry_id) REFERENCES time_entries (connection_id, id)
        ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX time_entry_tags_entry ON time_entry_tags (connection_id, entry_id);

-- One row per pull. A pull that stopped (quota, cancel, failure, crash) is resumed by
-- the next pull of the same range, which reuses its id and its stage cursors.
CREATE TABLE pulls (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    connection_id    INTEGER NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    start_date       TEXT    NOT NULL,
    end_date         TEXT    NOT NULL,
    status           TEXT    NOT NULL
                     CHECK (status IN ('running', 'done', 'stopped_quota', 'cancelled', 'failed')),
    error_code       TEXT,
    quota_resets_at  TEXT,
    requests_used    INTEGER NOT NULL DEFAULT 0,
    pages            INTEGER NOT NULL DEFAULT 0,
    entries_stored   INTEGER NOT NULL DEFAULT 0,
    entries_deleted  INTEGER NOT NULL DEFAULT 0,
    started_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    finished_at      TEXT
);
CREATE INDEX pulls_connection ON pulls (connection_id, id);

-- Where each stage of a pull stands: `next_cursor` is the page/row/chunk to ask for
-- next, written in the same transaction as the page it follows.
CREATE TABLE pull_stages (
    pull_id      INTEGER NOT NULL REFERENCES pulls (id) ON DELETE CASCADE,
    workspace_id INTEGER NOT NULL,
    stage        TEXT    NOT NULL,
    next_cursor  INTEGER,
    done         INTEGER NOT NULL DEFAULT 0,
    skipped      INTEGER NOT NULL DEFAULT 0,
    pages        INTEGER NOT NULL DEFAULT 0,
    items        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (pull_id, workspace_id, stage)
);
