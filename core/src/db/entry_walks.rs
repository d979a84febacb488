//! Queries on `entry_walks`: per connection, workspace and range, when a pull last walked
//! the whole range and up to when every change on Toggl is stored, so a re-pull asks
//! only for what changed since.

use crate::error::AppResult;
use chrono::NaiveDate;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};

/// What earlier pulls of one range know about one workspace's entries (unix seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryWalk {
    /// The workspaces the walk covered, as [`scope_text`] writes them.
    pub scope: String,
    /// When the last pull that walked the whole range started.
    pub full_walk_at: i64,
    /// Every change on Toggl before this instant is stored.
    pub changes_until: i64,
}

/// The workspaces a walk covers as stored: sorted ids, comma-separated.
pub fn scope_text(workspace_ids: &[i64]) -> String {
    let mut ids = workspace_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// One stage's key: a connection, a workspace (0: own entries across workspaces) and
/// the range's days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalkKey {
    pub connection_id: i64,
    pub workspace_id: i64,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
}

pub fn get(conn: &Connection, key: &WalkKey) -> AppResult<Option<EntryWalk>> {
    Ok(conn
        .query_row(
            "SELECT scope, full_walk_at, changes_until FROM entry_walks
             WHERE connection_id = ?1 AND workspace_id = ?2 AND start_date = ?3 AND end_date = ?4",
            params![
                key.connection_id,
                key.workspace_id,
                key.start_date.to_string(),
                key.end_date.to_string()
            ],
            |r| {
                Ok(EntryWalk {
                    scope: r.get(0)?,
                    full_walk_at: r.get(1)?,
                    changes_until: r.get(2)?,
                })
            },
        )
        .optional()?)
}

/// Records a completed entries stage over `scope` (see [`scope_text`]): every change
/// before `changes_until` is stored, and, for a walk of the whole range
/// (`full_walk_at`), when that walk started. A stage that asked only for changes keeps
/// the earlier full walk's time, and counts only over the scope that walk covered.
pub fn record(
    conn: &Connection,
    key: &WalkKey,
    scope: &str,
    full_walk_at: Option<i64>,
    changes_until: i64,
) -> AppResult<()> {
    let (c, w) = (key.connection_id, key.workspace_id);
    let (start, end) = (key.start_date.to_string(), key.end_date.to_string());
    match full_walk_at {
        Some(at) => conn.execute(
            "INSERT INTO entry_walks (connection_id, workspace_id, start_date, end_date, scope,
                 full_walk_at, changes_until)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (connection_id, workspace_id, start_date, end_date) DO UPDATE SET
                 scope = excluded.scope, full_walk_at = excluded.full_walk_at,
                 changes_until = excluded.changes_until",
            params![c, w, start, end, scope, at, changes_until],
        )?,
        None => conn.execute(
            "UPDATE entry_walks SET changes_until = ?6
             WHERE connection_id = ?1 AND workspace_id = ?2 AND start_date = ?3 AND end_date = ?4
                 AND scope = ?5",
            params![c, w, start, end, scope, changes_until],
        )?,
    };
    Ok(())
}

/// The latest last-update time (`at`, unix seconds) of the connection's stored entries
/// of these workspaces that start in `[start, end)`; `None` when none is stored.
pub fn latest_change(
    conn: &Connection,
    connection_id: i64,
    workspace_ids: &[i64],
    window: (i64, i64),
) -> AppResult<Option<i64>> {
    if workspace_ids.is_empty() {
        return Ok(None);
    }
    let marks = vec!["?"; workspace_ids.len()].join(", ");
    let sql = format!(
        "SELECT MAX(at) FROM time_entries WHERE connection_id = ? AND start >= ? AND start < ? \
         AND workspace_id IN ({marks})"
    );
    let mut values = vec![connection_id, window.0, window.1];
    values.extend_from_slice(workspace_ids);
    let latest: Option<String> = conn.query_row(&sql, params_from_iter(values), |r| r.get(0))?;
    Ok(latest
        .and_then(|at| chrono::DateTime::parse_from_rfc3339(&at).ok())
        .map(|at| at.timestamp()))
}

/// Every stored column of a connection's entries and tag links but the pull that last
/// saw a row, one line per row: tests compare a re-pull with a fresh pull by it.
#[cfg(test)]
pub(crate) fn every_entry_column(db: &crate::db::Db, connection_id: i64) -> Vec<String> {
    let tables = [
        "SELECT * FROM time_entries WHERE connection_id = ?1 ORDER BY id",
        "SELECT * FROM time_entry_tags WHERE connection_id = ?1 ORDER BY entry_id, tag_id",
    ];
    db.read(|c| {
        let mut out = Vec::new();
        for sql in tables {
            out.extend(crate::db::test_dump::rows_as_text(
                c,
                sql,
                [connection_id],
                &["seen_pull"],
            )?);
        }
        Ok(out)
    })
    .unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    #[test]
    fn a_walk_of_changes_keeps_the_last_full_walks_time() {
        let db = Db::open_in_memory().unwrap();
        let c = crate::sync::test_support::add_bare_connection(&db, "Walks");
        let day = |d| NaiveDate::from_ymd_opt(2025, 10, d).unwrap();
        let key = WalkKey {
            connection_id: c,
            workspace_id: 7,
            start_date: day(1),
            end_date: day(31),
        };
        let scope = scope_text(&[9, 7]);
        assert_eq!(scope, "7,9");
        db.with(|conn| record(conn, &key, &scope, None, 50))
            .unwrap();
        assert_eq!(
            db.with(|conn| get(conn, &key)).unwrap(),
            None,
            "no full walk yet"
        );
        db.with(|conn| record(conn, &key, &scope, Some(100), 90))
            .unwrap();
        db.with(|conn| record(conn, &key, &scope, None, 200))
            .unwrap();
        db.with(|conn| record(conn, &key, "7", None, 300)).unwrap();
        assert_eq!(
            db.with(|conn| get(conn, &key)).unwrap(),
            Some(EntryWalk {
                scope,
                full_walk_at: 100,
                changes_until: 200
            }),
            "changes over another scope say nothing about this one"
        );
        let other_range = WalkKey {
            end_date: day(30),
            ..key
        };
        assert_eq!(db.with(|conn| get(conn, &other_range)).unwrap(), None);
    }
}
