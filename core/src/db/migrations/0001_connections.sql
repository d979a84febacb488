-- Saved connections. The API token is never stored here: it lives in the OS
-- credential store under a key made of the connection id and `secret_generation`.
CREATE TABLE connections (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    source            TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    -- lower-cased name: uniqueness per source ignoring case, Unicode-aware
    name_key          TEXT    NOT NULL,
    privacy           TEXT    NOT NULL,
    access            TEXT    NOT NULL,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL,
    last_verified_at  TEXT,
    last_error_code   TEXT,
    request_id        TEXT    UNIQUE,
    secret_generation INTEGER NOT NULL DEFAULT 0,
    -- 'pending' while being created, 'deleting' while being deleted: both hidden
    state             TEXT    NOT NULL DEFAULT 'ready'
                      CHECK (state IN ('pending', 'ready', 'deleting'))
);

CREATE UNIQUE INDEX connections_source_name ON connections (source, name_key);

-- Credential store writes and deletes in flight, replayed by start-up recovery.
-- Holds only ids, never a token.
CREATE TABLE secret_journal (
    id            INTEGER PRIMARY KEY,
    connection_id INTEGER NOT NULL,
    generation    INTEGER NOT NULL,
    intent        TEXT    NOT NULL CHECK (intent IN ('write', 'delete')),
    created_at    TEXT    NOT NULL
);
