//! What earlier pulls left in the database that tells what the next pull will cost:
//! per workspace, the entries stored (in a range and overall, with their time span),
//! the projects and tags stored and when its metadata was last pulled completely.

use crate::error::AppResult;
use rusqlite::{params, Connection};

/// One workspace's stored rows, as the pull estimate reads them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkspaceHistory {
    /// Entries that started in the asked range.
    pub entries_in_range: u64,
    pub entries_total: u64,
    /// Start of the earliest and latest stored entry (unix seconds).
    pub first_start: Option<i64>,
    pub last_start: Option<i64>,
    pub active_projects: u64,
    pub archived_projects: u64,
    pub tags: u64,
}

/// The stored rows of one workspace of a connection; entries of the account alone when
/// `user_id` is given (its own-entries workspaces).
pub fn workspace_history(
    conn: &Connection,
    connection_id: i64,
    workspace_ids: &[i64],
    user_id: Option<i64>,
    range: (i64, i64),
) -> AppResult<WorkspaceHistory> {
    let mut history = WorkspaceHistory::default();
    let mut entries = conn.prepare_cached(
        "SELECT COUNT(*), COALESCE(SUM(start >= ?3 AND start < ?4), 0), MIN(start), MAX(start)
         FROM time_entries
         WHERE connection_id = ?1 AND workspace_id = ?2 AND (?5 IS NULL OR user_id = ?5)",
    )?;
    let mut projects = conn.prepare_cached(
        "SELECT COALESCE(SUM(active != 0), 0), COALESCE(SUM(active = 0), 0) FROM toggl_projects
         WHERE connection_id = ?1 AND workspace_id = ?2",
    )?;
    let mut tags = conn.prepare_cached(
        "SELECT COUNT(*) FROM toggl_tags WHERE connection_id = ?1 AND workspace_id = ?2",
    )?;
    for w in workspace_ids {
        let (total, in_range, first, last): (i64, i64, Option<i64>, Option<i64>) = entries
            .query_row(params![connection_id, w, range.0, range.1, user_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
        let (active, archived): (i64, i64) =
            projects.query_row(params![connection_id, w], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let tag_count: i64 = tags.query_row(params![connection_id, w], |r| r.get(0))?;
        history.entries_total += total as u64;
        history.entries_in_range += in_range as u64;
        history.first_start = min_opt(history.first_start, first);
        history.last_start = history.last_start.max(last);
        history.active_projects += active as u64;
        history.archived_projects += archived as u64;
        history.tags += tag_count as u64;
    }
    Ok(history)
}

fn min_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Whether a pull of exactly this range completed once: its stored entries are then
/// what Toggl had for the range.
pub fn range_pulled_completely(
    conn: &Connection,
    connection_id: i64,
    start_date: chrono::NaiveDate,
    end_date: chrono::NaiveDate,
) -> AppResult<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM pulls WHERE connection_id = ?1 AND start_date = ?2
             AND end_date = ?3 AND status = 'done')",
        params![connection_id, start_date.to_string(), end_date.to_string()],
        |r| r.get(0),
    )?)
}
