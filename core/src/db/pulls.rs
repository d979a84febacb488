//! Queries on `pulls` and `pull_stages`: the state that lets a pull stop anywhere
//! (quota, cancel, crash) and resume after its last committed page.

use super::{now, parse_time};
use crate::error::AppResult;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullRow {
    pub id: i64,
    pub connection_id: i64,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub status: String,
    pub error_code: Option<String>,
    pub quota_resets_at: Option<DateTime<Utc>>,
    pub requests_used: i64,
    pub pages: i64,
    pub entries_stored: i64,
    pub entries_deleted: i64,
    pub started_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, connection_id, start_date, end_date, status, error_code, \
    quota_resets_at, requests_used, pages, entries_stored, entries_deleted, started_at, \
    updated_at, finished_at";

fn date(text: String) -> rusqlite::Result<NaiveDate> {
    NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
    })
}

fn optional_time(text: Option<String>) -> rusqlite::Result<Option<DateTime<Utc>>> {
    text.as_deref().map(parse_time).transpose()
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<PullRow> {
    Ok(PullRow {
        id: row.get(0)?,
        connection_id: row.get(1)?,
        start_date: date(row.get(2)?)?,
        end_date: date(row.get(3)?)?,
        status: row.get(4)?,
        error_code: row.get(5)?,
        quota_resets_at: optional_time(row.get(6)?)?,
        requests_used: row.get(7)?,
        pages: row.get(8)?,
        entries_stored: row.get(9)?,
        entries_deleted: row.get(10)?,
        started_at: parse_time(&row.get::<_, String>(11)?)?,
        updated_at: parse_time(&row.get::<_, String>(12)?)?,
        finished_at: optional_time(row.get(13)?)?,
    })
}

/// The newest pull of a connection.
pub fn latest(conn: &Connection, connection_id: i64) -> AppResult<Option<PullRow>> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {COLUMNS} FROM pulls WHERE connection_id = ?1 ORDER BY id DESC LIMIT 1"
            ),
            [connection_id],
            from_row,
        )
        .optional()?)
}

pub fn get(conn: &Connection, id: i64) -> AppResult<Option<PullRow>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM pulls WHERE id = ?1"),
            [id],
            from_row,
        )
        .optional()?)
}

/// Starts a new pull, `running`.
pub fn insert(
    conn: &Connection,
    connection_id: i64,
    start_date: NaiveDate,
    end_date: NaiveDate,
) -> AppResult<i64> {
    let at = now();
    conn.execute(
        "INSERT INTO pulls (connection_id, start_date, end_date, status, started_at, updated_at)
         VALUES (?1, ?2, ?3, 'running', ?4, ?4)",
        params![
            connection_id,
            start_date.format("%Y-%m-%d").to_string(),
            end_date.format("%Y-%m-%d").to_string(),
            at
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Marks a stopped pull running again; its counters and stages are kept.
pub fn resume(conn: &Connection, id: i64) -> AppResult<()> {
    conn.execute(
        "UPDATE pulls SET status = 'running', error_code = NULL, quota_resets_at = NULL,
             finished_at = NULL, updated_at = ?2 WHERE id = ?1",
        params![id, now()],
    )?;
    Ok(())
}

/// Adds to the counters of a pull (in the transaction of the page they describe).
pub fn add_counts(
    conn: &Connection,
    id: i64,
    requests: i64,
    pages: i64,
    entries_stored: i64,
    entries_deleted: i64,
) -> AppResult<()> {
    conn.execute(
        "UPDATE pulls SET requests_used = requests_used + ?2, pages = pages + ?3,
             entries_stored = entries_stored + ?4, entries_deleted = entries_deleted + ?5,
             updated_at = ?6 WHERE id = ?1",
        params![id, requests, pages, entries_stored, entries_deleted, now()],
    )?;
    Ok(())
}

/// Records how a pull ended; `finished_at` is set for every end but `running`.
pub fn finish(
    conn: &Connection,
    id: i64,
    status: &str,
    error_code: Option<&str>,
    quota_resets_at: Option<DateTime<Utc>>,
) -> AppResult<()> {
    let at = now();
    conn.execute(
        "UPDATE pulls SET status = ?2, error_code = ?3, quota_resets_at = ?4, updated_at = ?5,
             finished_at = ?5 WHERE id = ?1",
        params![
            id,
            status,
            error_code,
            quota_resets_at.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            at
        ],
    )?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageRow {
    pub workspace_id: i64,
    pub stage: String,
    pub next_cursor: Option<i64>,
    pub done: bool,
    pub skipped: bool,
    pub pages: i64,
    pub items: i64,
    /// The stage's full cursor as JSON, for stages one integer cannot resume (reports).
    pub cursor_detail: Option<String>,
    /// An entries stage that asks only what changed since this instant (unix seconds);
    /// `None` walks the whole range.
    pub changed_since: Option<i64>,
}

/// Adds a stage unless the pull has it already (a resumed pull keeps its cursors).
pub fn plan_stage(
    conn: &Connection,
    pull_id: i64,
    workspace_id: i64,
    stage: &str,
) -> AppResult<()> {
    plan_entries_stage(conn, pull_id, workspace_id, stage, None)
}

/// Adds an entries stage that walks the whole range (`changed_since: None`) or asks only
/// what changed since then, unless the pull has it already (a resumed pull keeps the
/// path it started on).
pub fn plan_entries_stage(
    conn: &Connection,
    pull_id: i64,
    workspace_id: i64,
    stage: &str,
    changed_since: Option<i64>,
) -> AppResult<()> {
    conn.execute(
        "INSERT OR IGNORE INTO pull_stages (pull_id, workspace_id, stage, changed_since)
         VALUES (?1, ?2, ?3, ?4)",
        params![pull_id, workspace_id, stage, changed_since],
    )?;
    Ok(())
}

/// Turns an entries stage into a walk of the whole range from its start (Toggl could not
/// say what changed), in the transaction that records why.
pub fn walk_whole_range(
    conn: &Connection,
    pull_id: i64,
    workspace_id: i64,
    stage: &str,
) -> AppResult<()> {
    conn.execute(
        "UPDATE pull_stages SET changed_since = NULL, next_cursor = NULL, cursor_detail = NULL
         WHERE pull_id = ?1 AND workspace_id = ?2 AND stage = ?3",
        params![pull_id, workspace_id, stage],
    )?;
    Ok(())
}

pub fn stage(
    conn: &Connection,
    pull_id: i64,
    workspace_id: i64,
    stage: &str,
) -> AppResult<Option<StageRow>> {
    Ok(conn
        .query_row(
            "SELECT workspace_id, stage, next_cursor, done, skipped, pages, items, cursor_detail,
                 changed_since
             FROM pull_stages WHERE pull_id = ?1 AND workspace_id = ?2 AND stage = ?3",
            params![pull_id, workspace_id, stage],
            stage_from_row,
        )
        .optional()?)
}

pub fn stages(conn: &Connection, pull_id: i64) -> AppResult<Vec<StageRow>> {
    let mut stmt = conn.prepare(
        "SELECT workspace_id, stage, next_cursor, done, skipped, pages, items, cursor_detail,
             changed_since
         FROM pull_stages WHERE pull_id = ?1 ORDER BY rowid",
    )?;
    let rows = stmt.query_map([pull_id], stage_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn stage_from_row(row: &Row<'_>) -> rusqlite::Result<StageRow> {
    Ok(StageRow {
        workspace_id: row.get(0)?,
        stage: row.get(1)?,
        next_cursor: row.get(2)?,
        done: row.get(3)?,
        skipped: row.get(4)?,
        pages: row.get(5)?,
        items: row.get(6)?,
        cursor_detail: row.get(7)?,
        changed_since: row.get(8)?,
    })
}

/// Records one committed page of a stage: where the next page starts, or that the
/// stage is done.
pub fn advance_stage(
    conn: &Connection,
    pull_id: i64,
    workspace_id: i64,
    stage: &str,
    next_cursor: Option<i64>,
    items: i64,
) -> AppResult<()> {
    conn.execute(
        "UPDATE pull_stages SET next_cursor = ?4, done = (?4 IS NULL), pages = pages + 1,
             items = items + ?5 WHERE pull_id = ?1 AND workspace_id = ?2 AND stage = ?3",
        params![pull_id, workspace_id, stage, next_cursor, items],
    )?;
    Ok(())
}

/// Sets a stage's full cursor (JSON), in the transaction of the page it follows.
pub fn set_cursor_detail(
    conn: &Connection,
    pull_id: i64,
    workspace_id: i64,
    stage: &str,
    detail: Option<&str>,
) -> AppResult<()> {
    conn.execute(
        "UPDATE pull_stages SET cursor_detail = ?4
         WHERE pull_id = ?1 AND workspace_id = ?2 AND stage = ?3",
        params![pull_id, workspace_id, stage, detail],
    )?;
    Ok(())
}

/// What the pull could not reach (a JSON list), kept across its resumed runs.
pub fn notices(conn: &Connection, pull_id: i64) -> AppResult<Option<String>> {
    Ok(conn
        .query_row("SELECT notices FROM pulls WHERE id = ?1", [pull_id], |r| {
            r.get(0)
        })
        .optional()?
        .flatten())
}

pub fn set_notices(conn: &Connection, pull_id: i64, notices: &str) -> AppResult<()> {
    conn.execute(
        "UPDATE pulls SET notices = ?2 WHERE id = ?1",
        params![pull_id, notices],
    )?;
    Ok(())
}

/// Marks a stage done without a request (its data is fresh).
pub fn skip_stage(
    conn: &Connection,
    pull_id: i64,
    workspace_id: i64,
    stage: &str,
) -> AppResult<()> {
    conn.execute(
        "UPDATE pull_stages SET done = 1, skipped = 1
         WHERE pull_id = ?1 AND workspace_id = ?2 AND stage = ?3",
        params![pull_id, workspace_id, stage],
    )?;
    Ok(())
}
