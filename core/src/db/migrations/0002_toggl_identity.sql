-- The Toggl account of each connection as plain columns, so the list shows the
-- email without parsing every access snapshot and a swap can find the account.
ALTER TABLE connections ADD COLUMN toggl_user_id INTEGER;
ALTER TABLE connections ADD COLUMN toggl_email TEXT;

UPDATE connections
SET toggl_user_id = json_extract(access, '$.user.id'),
    toggl_email   = json_extract(access, '$.user.email');

CREATE INDEX connections_toggl_user ON connections (toggl_user_id);
CREATE INDEX secret_journal_connection ON secret_journal (connection_id);
