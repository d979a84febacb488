-- The workspaces each connection is for (its scope): pulls, review and exports touch
-- only these. Names are kept so the scope reads right even when the token no longer
-- sees a workspace. `confirmed_at` is when a role check last found the workspace
-- qualifying; NULL until the first re-test confirms a scope made by this migration.
CREATE TABLE connection_scope (
    connection_id     INTEGER NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    workspace_id      INTEGER NOT NULL,
    workspace_name    TEXT    NOT NULL,
    organization_id   INTEGER,
    organization_name TEXT,
    added_at          TEXT    NOT NULL,
    confirmed_at      TEXT,
    PRIMARY KEY (connection_id, workspace_id)
);

-- Existing connections: the workspaces that qualify under the role rule in their stored
-- access snapshot (Owner of the workspace's organization, or Admin of the workspace).
INSERT INTO connection_scope (connection_id, workspace_id, workspace_name, organization_id,
                              organization_name, added_at, confirmed_at)
SELECT c.id,
       json_extract(w.value, '$.id'),
       json_extract(w.value, '$.name'),
       json_extract(w.value, '$.organization_id'),
       (SELECT json_extract(o.value, '$.name') FROM json_each(c.access, '$.organizations') o
         WHERE json_extract(o.value, '$.id') = json_extract(w.value, '$.organization_id')),
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
       NULL
FROM connections c, json_each(c.access, '$.workspaces') w
WHERE lower(json_extract(w.value, '$.role')) = 'admin'
   OR EXISTS (SELECT 1 FROM json_each(c.access, '$.organizations') o
               WHERE json_extract(o.value, '$.id') = json_extract(w.value, '$.organization_id')
                 AND json_extract(o.value, '$.owner') = 1);
