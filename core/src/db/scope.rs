//! Queries on `connection_scope` (the workspaces a connection is for) and on the
//! pulled rows of one workspace: counted before the user confirms their removal, and
//! deleted together when a workspace leaves the connection.

use super::{now, parse_time};
use crate::domain::WorkspaceStanding;
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, Row};

/// One workspace of a connection's scope as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeRow {
    pub workspace_id: i64,
    pub workspace_name: String,
    pub organization_id: Option<i64>,
    pub organization_name: Option<String>,
    pub added_at: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<ScopeRow> {
    Ok(ScopeRow {
        workspace_id: row.get(0)?,
        workspace_name: row.get(1)?,
        organization_id: row.get(2)?,
        organization_name: row.get(3)?,
        added_at: parse_time(&row.get::<_, String>(4)?)?,
        confirmed_at: row
            .get::<_, Option<String>>(5)?
            .as_deref()
            .map(parse_time)
            .transpose()?,
    })
}

pub fn list(conn: &Connection, connection_id: i64) -> AppResult<Vec<ScopeRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT workspace_id, workspace_name, organization_id, organization_name, added_at,
                confirmed_at
         FROM connection_scope WHERE connection_id = ?1 ORDER BY workspace_id",
    )?;
    let rows = stmt.query_map([connection_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Adds a qualifying workspace, or confirms it (and renews its names) when it is in
/// scope already; `confirmed_at` is the time of the check that found it qualifying.
pub fn confirm(
    conn: &Connection,
    connection_id: i64,
    standing: &WorkspaceStanding,
    confirmed_at: &DateTime<Utc>,
) -> AppResult<()> {
    conn.prepare_cached(
        "INSERT INTO connection_scope (connection_id, workspace_id, workspace_name, organization_id,
             organization_name, added_at, confirmed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (connection_id, workspace_id) DO UPDATE SET
             workspace_name = excluded.workspace_name, organization_id = excluded.organization_id,
             organization_name = excluded.organization_name, confirmed_at = excluded.confirmed_at",
    )?
    .execute(params![
        connection_id,
        standing.workspace_id,
        standing.workspace_name,
        standing.organization_id,
        standing.organization_name,
        now(),
        confirmed_at.to_rfc3339(),
    ])?;
    Ok(())
}

pub fn remove(conn: &Connection, connection_id: i64, workspace_id: i64) -> AppResult<()> {
    conn.execute(
        "DELETE FROM connection_scope WHERE connection_id = ?1 AND workspace_id = ?2",
        params![connection_id, workspace_id],
    )?;
    Ok(())
}

/// Pulled rows of one workspace of a connection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct PulledRows {
    pub entries: u64,
    pub members: u64,
    /// Projects, clients and tags.
    pub metadata: u64,
}

impl PulledRows {
    pub fn is_empty(&self) -> bool {
        self.entries + self.members + self.metadata == 0
    }
}

/// The workspaces with pulled data (every pull stores its workspaces first), with
/// their stored names.
pub fn pulled_workspaces(conn: &Connection, connection_id: i64) -> AppResult<Vec<(i64, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name FROM toggl_workspaces WHERE connection_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([connection_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

const WORKSPACE_TABLES: [&str; 3] = ["toggl_projects", "toggl_clients", "toggl_tags"];

pub fn pulled_rows(
    conn: &Connection,
    connection_id: i64,
    workspace_id: i64,
) -> AppResult<PulledRows> {
    let count = |table: &str| -> AppResult<u64> {
        let n: i64 = conn.query_row(
            &format!("SELECT COUNT(*) FROM {table} WHERE connection_id = ?1 AND workspace_id = ?2"),
            params![connection_id, workspace_id],
            |r| r.get(0),
        )?;
        Ok(n as u64)
    };
    let mut metadata = 0;
    for table in WORKSPACE_TABLES {
        metadata += count(table)?;
    }
    Ok(PulledRows {
        entries: count("time_entries")?,
        members: count("toggl_members")?,
        metadata,
    })
}

/// Deletes everything pulled for one workspace of a connection (entries with their
/// tags, members with their e-mails, projects, clients, tags, the workspace row, and
/// its organization once no stored workspace belongs to it). Returns what went.
pub fn delete_pulled(
    conn: &Connection,
    connection_id: i64,
    workspace_id: i64,
) -> AppResult<PulledRows> {
    let gone = pulled_rows(conn, connection_id, workspace_id)?;
    super::time_entries::delete_workspace(conn, connection_id, workspace_id)?;
    for table in ["toggl_members"].into_iter().chain(WORKSPACE_TABLES) {
        conn.execute(
            &format!("DELETE FROM {table} WHERE connection_id = ?1 AND workspace_id = ?2"),
            params![connection_id, workspace_id],
        )?;
    }
    conn.execute(
        "DELETE FROM toggl_workspaces WHERE connection_id = ?1 AND id = ?2",
        params![connection_id, workspace_id],
    )?;
    conn.execute(
        "DELETE FROM toggl_organizations WHERE connection_id = ?1 AND id NOT IN
             (SELECT organization_id FROM toggl_workspaces
              WHERE connection_id = ?1 AND organization_id IS NOT NULL)",
        [connection_id],
    )?;
    Ok(gone)
}
