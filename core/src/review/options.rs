//! The choices of the filter dropdowns: what the connection's pulled data contains.

use super::filter::{Filter, IN_SCOPE};
use crate::db::Db;
use crate::error::AppResult;
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};
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
    pub connections: Vec<Choice>,
    pub workspaces: Vec<Choice>,
    pub projects: Vec<Choice>,
    pub users: Vec<Choice>,
    pub clients: Vec<Choice>,
    pub tags: Vec<Choice>,
}

/// The choices of one connection (the per-connection review).
pub fn filter_options(db: &Db, connection_id: i64) -> AppResult<FilterOptions> {
    review_filter_options(db, &Filter::default().for_connection(connection_id))
}

/// Connections, workspaces, projects, clients, users and tags by name, of the filter's
/// connections (only its `connection_ids` count). Users are the stored members plus
/// anyone who has entries (members are only listed where the role allows). A workspace,
/// project or user seen through two connections is listed once (Toggl's ids are global).
pub fn review_filter_options(db: &Db, filter: &Filter) -> AppResult<FilterOptions> {
    db.read(|conn| {
        let connections = filter.scope(conn)?.connections;
        let marks = vec!["?"; connections.len()].join(", ");
        let ids: Vec<Value> = connections.iter().map(|c| Value::Integer(*c)).collect();
        let list = |sql: &str| {
            let sql = sql.replace("{ids}", &marks).replace("{scope}", IN_SCOPE);
            choices(conn, &ids, &sql)
        };
        Ok(FilterOptions {
            connections: list(
                "SELECT id, name, NULL, 1 FROM connections WHERE id IN ({ids}) ORDER BY name_key, id",
            )?,
            workspaces: list(
                "SELECT id, name, NULL, 1 FROM toggl_workspaces w WHERE connection_id IN ({ids})
                   AND id IN (SELECT s.workspace_id FROM connection_scope s
                              WHERE s.connection_id = w.connection_id)
                 ORDER BY name, id",
            )?,
            projects: list(
                "SELECT id, name, workspace_id, active FROM toggl_projects e WHERE connection_id IN ({ids}) AND {scope} ORDER BY name, id",
            )?,
            clients: list(
                "SELECT id, name, workspace_id, NOT archived FROM toggl_clients e WHERE connection_id IN ({ids}) AND {scope} ORDER BY name, id",
            )?,
            tags: list(
                "SELECT id, name, workspace_id, 1 FROM toggl_tags e WHERE connection_id IN ({ids}) AND {scope} ORDER BY name, id",
            )?,
            // The users with entries are found by skipping from one user to the next
            // in the user index (a seek per user, not a read of every entry), each kept
            // if one of their entries is in scope.
            users: list(
                "WITH RECURSIVE seen(connection_id, id) AS (
                     SELECT k.id, (SELECT MIN(user_id) FROM time_entries
                                   WHERE connection_id = k.id)
                     FROM connections k WHERE k.id IN ({ids})
                     UNION ALL
                     SELECT seen.connection_id,
                            (SELECT MIN(user_id) FROM time_entries
                             WHERE connection_id = seen.connection_id AND user_id > seen.id)
                     FROM seen WHERE seen.id IS NOT NULL),
                 ids AS (
                     SELECT connection_id, id FROM seen
                     WHERE id IS NOT NULL AND EXISTS (
                         SELECT 1 FROM time_entries e
                         WHERE e.connection_id = seen.connection_id AND e.user_id = seen.id
                           AND {scope})
                     UNION SELECT connection_id, user_id FROM toggl_members e
                     WHERE connection_id IN ({ids}) AND {scope})
                 SELECT ids.id,
                        COALESCE((SELECT MAX(name) FROM toggl_members m
                                  WHERE m.connection_id = ids.connection_id AND m.user_id = ids.id),
                                 (SELECT user_name FROM time_entries e
                                  WHERE e.connection_id = ids.connection_id AND e.user_id = ids.id
                                    AND e.user_name IS NOT NULL LIMIT 1),
                                 'User ' || ids.id) AS name,
                        NULL, 1
                 FROM ids ORDER BY name, ids.id",
            )?,
        })
    })
}

/// Rows of `sql` (its `?` marks bound to `ids`, once per `{ids}` list), each id once.
fn choices(conn: &Connection, ids: &[Value], sql: &str) -> AppResult<Vec<Choice>> {
    let lists = sql.matches("?").count() / ids.len().max(1);
    let params = (0..lists).flat_map(|_| ids.iter().cloned());
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map(params_from_iter(params), |r| {
        Ok(Choice {
            id: r.get(0)?,
            name: r.get(1)?,
            workspace_id: r.get(2)?,
            active: r.get(3)?,
        })
    })?;
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for row in rows {
        let choice = row?;
        if seen.insert(choice.id) {
            out.push(choice);
        }
    }
    Ok(out)
}
