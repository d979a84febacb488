//! What a connection holds now: rows stored per table, for the connection page.

use crate::db::Db;
use crate::error::AppResult;
use rusqlite::Connection;
use serde::Serialize;

/// Rows stored for a connection.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StoredCounts {
    pub organizations: u64,
    pub workspaces: u64,
    pub projects: u64,
    pub clients: u64,
    pub tags: u64,
    pub members: u64,
    pub time_entries: u64,
}

/// Rows stored for a connection, table by table.
pub fn stored_counts(db: &Db, connection_id: i64) -> AppResult<StoredCounts> {
    db.read(|conn| counts(conn, connection_id))
}

pub(crate) fn counts(conn: &Connection, connection_id: i64) -> AppResult<StoredCounts> {
    let count = |table: &str| -> AppResult<u64> {
        let n: i64 = conn.query_row(
            &format!("SELECT COUNT(*) FROM {table} WHERE connection_id = ?1"),
            [connection_id],
            |r| r.get(0),
        )?;
        Ok(n as u64)
    };
    Ok(StoredCounts {
        organizations: count("toggl_organizations")?,
        workspaces: count("toggl_workspaces")?,
        projects: count("toggl_projects")?,
        clients: count("toggl_clients")?,
        tags: count("toggl_tags")?,
        members: count("toggl_members")?,
        time_entries: count("time_entries")?,
    })
}

/// Every pulled row of a connection as text, without the bookkeeping column
/// `seen_pull`, so two databases can be compared for equal content.
#[cfg(test)]
pub(crate) fn dump(db: &Db, connection_id: i64) -> Vec<String> {
    let queries = [
        "SELECT 'org', id, name, owner, admin FROM toggl_organizations WHERE connection_id = ?1 ORDER BY id",
        "SELECT 'ws', id, organization_id, name, role FROM toggl_workspaces WHERE connection_id = ?1 ORDER BY id",
        "SELECT 'project', id, workspace_id, client_id, name, active FROM toggl_projects WHERE connection_id = ?1 ORDER BY id",
        "SELECT 'client', id, workspace_id, name, archived FROM toggl_clients WHERE connection_id = ?1 ORDER BY id",
        "SELECT 'tag', id, workspace_id, name FROM toggl_tags WHERE connection_id = ?1 ORDER BY id",
        "SELECT 'member', workspace_id, user_id, name, email, role FROM toggl_members WHERE connection_id = ?1 ORDER BY workspace_id, user_id",
        "SELECT 'entry', id, workspace_id, project_id, task_id, user_id, user_name, description, start, stop, duration, billable, tag_ids, at FROM time_entries WHERE connection_id = ?1 ORDER BY id",
        "SELECT 'entry_tag', entry_id, tag_id FROM time_entry_tags WHERE connection_id = ?1 ORDER BY entry_id, tag_id",
    ];
    db.read(|c| {
        let mut out = Vec::new();
        for sql in queries {
            out.extend(crate::db::test_dump::rows_as_text(
                c,
                sql,
                [connection_id],
                &[],
            )?);
        }
        Ok(out)
    })
    .unwrap()
}

/// Looks at single rows and sums for tests elsewhere (the sync tests compare the stored
/// tables with the fake's data), so their SQL stays on the read side too.
#[cfg(test)]
pub(crate) mod probe {
    use crate::db::Db;
    use rusqlite::OptionalExtension;
    use std::collections::BTreeMap;

    fn seconds_by(db: &Db, connection_id: i64, column: &str) -> BTreeMap<Option<i64>, i64> {
        db.read(|c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {column}, SUM(duration) FROM time_entries WHERE connection_id = ?1 GROUP BY {column}"
            ))?;
            let rows = stmt.query_map([connection_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .unwrap()
    }

    /// Stored seconds per project (`None`: entries without one).
    pub fn seconds_by_project(db: &Db, connection_id: i64) -> BTreeMap<Option<i64>, i64> {
        seconds_by(db, connection_id, "project_id")
    }

    pub fn seconds_by_user(db: &Db, connection_id: i64) -> BTreeMap<Option<i64>, i64> {
        seconds_by(db, connection_id, "user_id")
    }

    /// The connection's stored entry ids, in order.
    pub fn entry_ids(db: &Db, connection_id: i64) -> Vec<i64> {
        db.read(|c| {
            let mut stmt =
                c.prepare("SELECT id FROM time_entries WHERE connection_id = ?1 ORDER BY id")?;
            let rows = stmt.query_map([connection_id], |r| r.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .unwrap()
    }

    /// Entries per workspace, all connections.
    pub fn entries_per_workspace(db: &Db) -> BTreeMap<i64, usize> {
        db.read(|c| {
            let mut stmt =
                c.prepare("SELECT workspace_id, COUNT(*) FROM time_entries GROUP BY workspace_id")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as usize)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .unwrap()
    }

    /// Entry–tag links, all connections, or of one entry.
    pub fn entry_tag_links(db: &Db, entry_id: Option<i64>) -> i64 {
        db.read(|c| {
            Ok(c.query_row(
                "SELECT COUNT(*) FROM time_entry_tags WHERE ?1 IS NULL OR entry_id = ?1",
                [entry_id],
                |r| r.get(0),
            )?)
        })
        .unwrap()
    }

    /// The stored entry's description: `None` when the entry is not stored, `Some(None)`
    /// when it has none.
    pub fn entry_description(db: &Db, entry_id: i64) -> Option<Option<String>> {
        db.read(|c| {
            Ok(c.query_row(
                "SELECT description FROM time_entries WHERE id = ?1",
                [entry_id],
                |r| r.get(0),
            )
            .optional()?)
        })
        .unwrap()
    }

    pub fn project_name(db: &Db, project_id: i64) -> Option<String> {
        db.read(|c| {
            Ok(c.query_row(
                "SELECT name FROM toggl_projects WHERE id = ?1",
                [project_id],
                |r| r.get(0),
            )
            .optional()?)
        })
        .unwrap()
    }

    /// Workspaces whose members are stored, all connections.
    pub fn workspaces_with_members(db: &Db) -> i64 {
        db.read(|c| {
            Ok(c.query_row(
                "SELECT COUNT(DISTINCT workspace_id) FROM toggl_members",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap()
    }
}
