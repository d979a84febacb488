-- The entry–tag links lose their foreign key to `time_entries`. Without statistics
-- SQLite plans that key's cascade (`connection_id = ? AND entry_id = ?`) through the
-- review index on `connection_id` alone, so every deleted entry read all the
-- connection's links: a sweep or a workspace deletion grew with the square of the data.
-- The code that deletes entries now deletes their links first through
-- `time_entry_tags_entry`; deleting a connection still removes its links by cascade.
CREATE TABLE time_entry_tags_new (
    connection_id         INTEGER NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    entry_id              INTEGER NOT NULL,
    tag_id                INTEGER NOT NULL,
    workspace_id          INTEGER,
    start                 INTEGER,
    project_id            INTEGER,
    user_id               INTEGER,
    duration              INTEGER,
    billable              INTEGER,
    billable_amount_cents INTEGER,
    currency              TEXT,
    PRIMARY KEY (connection_id, tag_id, entry_id)
) WITHOUT ROWID;

INSERT INTO time_entry_tags_new
SELECT connection_id, entry_id, tag_id, workspace_id, start, project_id, user_id, duration,
       billable, billable_amount_cents, currency
FROM time_entry_tags;

DROP TABLE time_entry_tags;
ALTER TABLE time_entry_tags_new RENAME TO time_entry_tags;

CREATE INDEX time_entry_tags_entry ON time_entry_tags (connection_id, entry_id);
CREATE INDEX time_entry_tags_review ON time_entry_tags
    (connection_id, tag_id, start, project_id, user_id, duration, billable,
     billable_amount_cents, currency, workspace_id);
