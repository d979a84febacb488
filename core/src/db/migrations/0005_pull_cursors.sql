-- A report stage walks its range in chunks of at most a year and resumes by Toggl's full
-- cursor (row number, entry id, start timestamp), which one integer cannot hold: the
-- stage keeps it as JSON beside `next_cursor`.
ALTER TABLE pull_stages ADD COLUMN cursor_detail TEXT;

-- What a pull could not reach and why (a JSON list), kept across its resumed runs so the
-- last run can still say it.
ALTER TABLE pulls ADD COLUMN notices TEXT;
