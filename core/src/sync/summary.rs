//! What the connection detail page shows about pulls: the last pull's time, range,
//! outcome, counts and requests, and what the connection holds now (counted by the
//! read side, `review`).

use super::model::{PullRange, PullStatus, PullSummary, StoredCounts};
use crate::db::{pulls, Db};
use crate::error::AppResult;
use crate::review::stored;

/// The newest pull of a connection, `None` before its first pull.
pub fn last_pull(db: &Db, connection_id: i64) -> AppResult<Option<PullSummary>> {
    db.read(|conn| {
        let Some(row) = pulls::latest(conn, connection_id)? else {
            return Ok(None);
        };
        Ok(Some(PullSummary {
            pull_id: row.id,
            status: PullStatus::parse(&row.status),
            range: PullRange {
                start_date: row.start_date,
                end_date: row.end_date,
            },
            started_at: row.started_at,
            finished_at: row.finished_at,
            updated_at: row.updated_at,
            requests_used: row.requests_used as u64,
            pages: row.pages as u64,
            entries_stored: row.entries_stored as u64,
            entries_deleted: row.entries_deleted as u64,
            error_code: row.error_code,
            quota_resets_at: row.quota_resets_at,
            counts: stored::counts(conn, connection_id)?,
        }))
    })
}

/// Rows stored for a connection, table by table.
pub fn stored_counts(db: &Db, connection_id: i64) -> AppResult<StoredCounts> {
    stored::stored_counts(db, connection_id)
}
