-- The day the connection's Toggl user starts weeks on (`beginning_of_week` of `GET /me`:
-- 0 Sunday … 6 Saturday), learned by every token check; the review's weeks start on it.
-- Rows written before this migration take Monday, Toggl's default, until their next check.
ALTER TABLE connections ADD COLUMN beginning_of_week INTEGER NOT NULL DEFAULT 1
    CHECK (beginning_of_week BETWEEN 0 AND 6);

-- A project's billable rate (Toggl's `rate`, per hour, in cents of `currency`). The
-- review derives an amount from it for billable entries the detailed report gave none
-- for (the caller's own entries); amounts Toggl gave are never replaced.
ALTER TABLE toggl_projects ADD COLUMN rate_cents INTEGER;
ALTER TABLE toggl_projects ADD COLUMN currency   TEXT;
