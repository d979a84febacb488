//! What page size each workspace's detailed report takes, as Toggl's answers showed:
//! whether Toggl refused the large page size (every later pull then asks the default
//! one straight away, spending no request on a refusal) and the size it applied to a
//! full page (what an estimate divides the entries by).

use crate::error::AppResult;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashMap;

/// One workspace's remembered facts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReportPageSize {
    /// The page size Toggl refused with a 400, if it did.
    pub refused: Option<u32>,
    /// The rows Toggl put on a full page, once one was seen.
    pub served: Option<u32>,
}

/// Every workspace of the connection with a remembered fact.
pub fn all(conn: &Connection, connection_id: i64) -> AppResult<HashMap<i64, ReportPageSize>> {
    let mut stmt = conn.prepare_cached(
        "SELECT workspace_id, refused_size, served_size FROM report_page_sizes
         WHERE connection_id = ?1",
    )?;
    let rows = stmt.query_map([connection_id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            ReportPageSize {
                refused: r.get(1)?,
                served: r.get(2)?,
            },
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn get(
    conn: &Connection,
    connection_id: i64,
    workspace_id: i64,
) -> AppResult<Option<ReportPageSize>> {
    Ok(conn
        .query_row(
            "SELECT refused_size, served_size FROM report_page_sizes
             WHERE connection_id = ?1 AND workspace_id = ?2",
            params![connection_id, workspace_id],
            |r| {
                Ok(ReportPageSize {
                    refused: r.get(0)?,
                    served: r.get(1)?,
                })
            },
        )
        .optional()?)
}

/// Stores the workspace's facts, replacing what was remembered.
pub fn remember(
    conn: &Connection,
    connection_id: i64,
    workspace_id: i64,
    size: ReportPageSize,
) -> AppResult<()> {
    conn.execute(
        "INSERT INTO report_page_sizes
             (connection_id, workspace_id, refused_size, served_size, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (connection_id, workspace_id) DO UPDATE SET
             refused_size = excluded.refused_size, served_size = excluded.served_size,
             updated_at = excluded.updated_at",
        params![
            connection_id,
            workspace_id,
            size.refused,
            size.served,
            super::now()
        ],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    fn with_connection(db: &Db) -> i64 {
        db.with(|c| {
            c.execute(
                "INSERT INTO connections (source, name, name_key, privacy, access, created_at,
                     updated_at, secret_generation, state)
                 VALUES ('toggl', 'A', 'a', '{\"kind\":\"private_to_me\"}', '{}',
                     '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 0, 'ready')",
                [],
            )?;
            Ok(c.last_insert_rowid())
        })
        .unwrap()
    }

    #[test]
    fn a_refusal_survives_reopening_and_goes_with_its_connection() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("blink.sqlite3");
        let refused = ReportPageSize {
            refused: Some(1000),
            served: Some(50),
        };
        let c = {
            let db = Db::open(&path).unwrap().db;
            let c = with_connection(&db);
            db.with(|conn| remember(conn, c, 7, ReportPageSize::default()))
                .unwrap();
            db.with(|conn| remember(conn, c, 7, refused)).unwrap();
            c
        };
        let db = Db::open(&path).unwrap().db;
        assert_eq!(db.read(|conn| get(conn, c, 7)).unwrap(), Some(refused));
        assert_eq!(db.read(|conn| get(conn, c, 8)).unwrap(), None);
        assert_eq!(
            db.read(|conn| all(conn, c)).unwrap(),
            HashMap::from([(7, refused)])
        );
        db.with(|conn| crate::db::connections::delete(conn, c))
            .unwrap();
        assert!(db.read(|conn| all(conn, c)).unwrap().is_empty());
    }
}
