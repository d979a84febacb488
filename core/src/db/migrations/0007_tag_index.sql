-- The tag filter reads the entry–tag links alone: each link carries the entry's columns
-- that the review filters and sums by, and one index orders a tag's links by start and
-- covers the totals. A tag's first page then walks that index newest first, and its
-- count and totals never visit `time_entries`. The upsert writes these columns whenever
-- it writes the entry (it rewrites the entry's links every time).
ALTER TABLE time_entry_tags ADD COLUMN workspace_id          INTEGER;
ALTER TABLE time_entry_tags ADD COLUMN start                 INTEGER;
ALTER TABLE time_entry_tags ADD COLUMN project_id            INTEGER;
ALTER TABLE time_entry_tags ADD COLUMN user_id               INTEGER;
ALTER TABLE time_entry_tags ADD COLUMN duration              INTEGER;
ALTER TABLE time_entry_tags ADD COLUMN billable              INTEGER;
ALTER TABLE time_entry_tags ADD COLUMN billable_amount_cents INTEGER;
ALTER TABLE time_entry_tags ADD COLUMN currency              TEXT;

UPDATE time_entry_tags AS t
SET workspace_id = e.workspace_id, start = e.start, project_id = e.project_id,
    user_id = e.user_id, duration = e.duration, billable = e.billable,
    billable_amount_cents = e.billable_amount_cents, currency = e.currency
FROM time_entries AS e
WHERE e.connection_id = t.connection_id AND e.id = t.entry_id;

CREATE INDEX time_entry_tags_review ON time_entry_tags
    (connection_id, tag_id, start, project_id, user_id, duration, billable,
     billable_amount_cents, currency, workspace_id);
