-- The review across connections: money from the detailed report, a full-text index for
-- the text filter, a covering index for the totals' one pass, and saved views.

-- What the detailed report says an entry earns: the amount and the rate in cents of
-- `currency`. Absent for entries Toggl gave no amount for (the caller's own entries,
-- non-billable time, rates hidden from the account).
ALTER TABLE time_entries ADD COLUMN billable_amount_cents INTEGER;
ALTER TABLE time_entries ADD COLUMN hourly_rate_cents     INTEGER;
ALTER TABLE time_entries ADD COLUMN currency              TEXT;

-- The totals read these columns for every matching row; with all of them in one index
-- an unfiltered or date-range pass never touches the table.
DROP INDEX time_entries_totals;
CREATE INDEX time_entries_totals ON time_entries
    (connection_id, start, project_id, user_id, duration, billable, billable_amount_cents, currency);

-- Substring search over the folded descriptions (the trigram tokenizer matches any
-- sequence of three or more characters). The index holds no copy of the text: it reads
-- `time_entries` by rowid, and the triggers keep it in step with every write. Rowids
-- of `time_entries` must therefore stay stable: a VACUUM is followed by
-- INSERT INTO time_entries_fts (time_entries_fts) VALUES ('rebuild').
CREATE VIRTUAL TABLE time_entries_fts USING fts5 (
    description_folded,
    content = 'time_entries',
    content_rowid = 'rowid',
    tokenize = 'trigram'
);
INSERT INTO time_entries_fts (time_entries_fts) VALUES ('rebuild');

-- Every row is indexed, entries without a description too (as an empty document), so
-- the index and the table hold the same rows and FTS5's integrity check can compare them.
CREATE TRIGGER time_entries_fts_insert AFTER INSERT ON time_entries BEGIN
    INSERT INTO time_entries_fts (rowid, description_folded)
    VALUES (new.rowid, new.description_folded);
END;
CREATE TRIGGER time_entries_fts_delete AFTER DELETE ON time_entries BEGIN
    INSERT INTO time_entries_fts (time_entries_fts, rowid, description_folded)
    VALUES ('delete', old.rowid, old.description_folded);
END;
CREATE TRIGGER time_entries_fts_update AFTER UPDATE OF description_folded ON time_entries
WHEN old.description_folded IS NOT new.description_folded BEGIN
    INSERT INTO time_entries_fts (time_entries_fts, rowid, description_folded)
    VALUES ('delete', old.rowid, old.description_folded);
    INSERT INTO time_entries_fts (rowid, description_folded)
    VALUES (new.rowid, new.description_folded);
END;

-- Named filter sets of the review page, kept on this machine only. `filter` is the
-- review filter as JSON; `name_key` is the lower-cased name, unique.
CREATE TABLE review_views (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT    NOT NULL,
    name_key   TEXT    NOT NULL UNIQUE,
    filter     TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);
