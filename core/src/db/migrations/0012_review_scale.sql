-- The review at a million entries. Every review query filters by the connection's
-- scope (its workspaces), which no index of 0003/0004 carried beside the totals' columns,
-- so each counted or summed row was a table read. These indexes hold the workspace and
-- every column the counts and sums read, so a scope, workspace, range, project, client
-- or user filter counts and totals from one index alone:
--   review:     the scope's workspaces, then a range of starts (the unfiltered, range
--               and workspace filters); it replaces the workspace index (its prefix) and
--               the totals index (which lacked the workspace);
--   by_project: one project or a client's few projects, newest first;
--   by_user:    one user, newest first.
DROP INDEX IF EXISTS time_entries_totals;
DROP INDEX IF EXISTS time_entries_workspace;
DROP INDEX IF EXISTS time_entries_project;
DROP INDEX IF EXISTS time_entries_user;

CREATE INDEX time_entries_review ON time_entries
    (connection_id, workspace_id, start, project_id, user_id, duration, billable,
     billable_amount_cents, currency);
CREATE INDEX time_entries_by_project ON time_entries
    (connection_id, project_id, start, workspace_id, user_id, duration, billable,
     billable_amount_cents, currency);
CREATE INDEX time_entries_by_user ON time_entries
    (connection_id, user_id, start, workspace_id, project_id, duration, billable,
     billable_amount_cents, currency);
