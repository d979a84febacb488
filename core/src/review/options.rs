//! The choices of the filter dropdowns: what the connection's pulled data contains.

use crate::db::Db;
use crate::error::AppResult;
use rusqlite::Connection;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    pub id: i64,
    pub name: String,
    /// The workspace it belongs to (`None` for workspaces and users).
    pub workspace_id: Option<i64>,
    /// `false` for archived projects; `true` otherwise.
    pub active: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FilterOptions {
    pub workspaces: Vec<Choice>,
    pub projects: Vec<Choice>,
    pub users: Vec<Choice>,
    pub tags: Vec<Choice>,
}

/// Workspaces, projects, users and tags by name. Users are the stored members plus
/// anyone who has entries (members are only listed where the role allows).
pub fn filter_options(db: &Db, connection_id: i64) -> AppResult<FilterOptions> {
    db.read(|conn| {
        Ok(FilterOptions {
            workspaces: choices(
                conn,
                connection_id,
                "SELECT id, name, NULL, 1 FROM toggl_workspaces WHERE connection_id = ?1 ORDER BY name, id",
            )?,
            projects: choices(
                conn,
                connection_id,
                "SELECT id, name, workspace_id, active FROM toggl_projects WHERE connection_id = ?1 ORDER BY name, id",
            )?,
            tags: choices(
                conn,
                connection_id,
                "SELECT id, name, workspace_id, 1 FROM toggl_tags WHERE connection_id = ?1 ORDER BY name, id",
            )?,
            users: choices(
                conn,
                connection_id,
                "WITH ids AS (
                     SELECT DISTINCT user_id AS id FROM time_entries
                     WHERE connection_id = ?1 AND user_id IS NOT NULL
                     UNION SELECT user_id FROM toggl_members WHERE connection_id = ?1)
                 SELECT ids.id,
                        COALESCE((SELECT MAX(name) FROM toggl_members m
                                  WHERE m.connection_id = ?1 AND m.user_id = ids.id),
                                 (SELECT user_name FROM time_entries e
                                  WHERE e.connection_id = ?1 AND e.user_id = ids.id
                                    AND e.user_name IS NOT NULL LIMIT 1),
                                 'User ' || ids.id) AS name,
                        NULL, 1
                 FROM ids ORDER BY name, ids.id",
            )?,
        })
    })
}

fn choices(conn: &Connection, connection_id: i64, sql: &str) -> AppResult<Vec<Choice>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([connection_id], |r| {
        Ok(Choice {
            id: r.get(0)?,
            name: r.get(1)?,
            workspace_id: r.get(2)?,
            active: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
