//! Queries on the `connections` table. Plain functions over `&Connection` so the
//! connection service can group them into transactions with journal writes.

use super::{now, parse_time};
use crate::error::{AppError, AppResult};
use crate::toggl::access::AccessReport;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};

/// Lifecycle of a row. Only `Ready` rows are shown; the other two exist only while a
/// journal entry covers them (see the protocol in `connections`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowState {
    Pending,
    Ready,
    Deleting,
}

impl RowState {
    fn as_str(self) -> &'static str {
        match self {
            RowState::Pending => "pending",
            RowState::Ready => "ready",
            RowState::Deleting => "deleting",
        }
    }

    fn parse(text: &str) -> rusqlite::Result<Self> {
        match text {
            "pending" => Ok(RowState::Pending),
            "ready" => Ok(RowState::Ready),
            "deleting" => Ok(RowState::Deleting),
            other => Err(rusqlite::Error::InvalidColumnType(
                0,
                format!("state {other}"),
                rusqlite::types::Type::Text,
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConnectionRow {
    pub id: i64,
    pub source: String,
    pub name: String,
    /// Privacy as JSON; the service owns its type.
    pub privacy: String,
    pub access: AccessReport,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_verified_at: Option<DateTime<Utc>>,
    pub last_error_code: Option<String>,
    pub request_id: Option<String>,
    pub secret_generation: i64,
    pub state: RowState,
}

/// What a new row needs; it is inserted `Pending` at generation 0.
pub struct InsertRow<'a> {
    pub source: &'a str,
    pub name: &'a str,
    pub privacy: &'a str,
    pub access: &'a AccessReport,
    pub request_id: &'a str,
}

const COLUMNS: &str = "id, source, name, privacy, access, created_at, updated_at, \
     last_verified_at, last_error_code, request_id, secret_generation, state";

fn from_row(row: &Row<'_>) -> rusqlite::Result<ConnectionRow> {
    let access: String = row.get(4)?;
    let access = serde_json::from_str(&access).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, e.into())
    })?;
    Ok(ConnectionRow {
        id: row.get(0)?,
        source: row.get(1)?,
        name: row.get(2)?,
        privacy: row.get(3)?,
        access,
        created_at: parse_time(&row.get::<_, String>(5)?)?,
        updated_at: parse_time(&row.get::<_, String>(6)?)?,
        last_verified_at: row
            .get::<_, Option<String>>(7)?
            .as_deref()
            .map(parse_time)
            .transpose()?,
        last_error_code: row.get(8)?,
        request_id: row.get(9)?,
        secret_generation: row.get(10)?,
        state: RowState::parse(&row.get::<_, String>(11)?)?,
    })
}

fn access_json(access: &AccessReport) -> AppResult<String> {
    serde_json::to_string(access).map_err(|e| AppError::Database(e.to_string()))
}

/// The key that makes names unique per source ignoring case.
pub fn name_key(name: &str) -> String {
    name.to_lowercase()
}

/// Turns the unique-index violation into `NameTaken`, so callers need no pre-check race.
fn name_conflict(name: &str) -> impl FnOnce(rusqlite::Error) -> AppError + '_ {
    move |e| match &e {
        rusqlite::Error::SqliteFailure(f, Some(msg))
            if f.code == rusqlite::ErrorCode::ConstraintViolation
                && msg.contains("connections.name_key") =>
        {
            AppError::NameTaken(name.to_string())
        }
        _ => e.into(),
    }
}

pub fn insert_pending(conn: &Connection, new: &InsertRow<'_>) -> AppResult<i64> {
    let at = now();
    conn.execute(
        "INSERT INTO connections (source, name, name_key, privacy, access, created_at, updated_at,
             last_verified_at, request_id, secret_generation, state, toggl_user_id, toggl_email)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8, 0, 'pending', ?9, ?10)",
        params![
            new.source,
            new.name,
            name_key(new.name),
            new.privacy,
            access_json(new.access)?,
            at,
            new.access.checked_at.to_rfc3339(),
            new.request_id,
            new.access.user.id,
            new.access.user.email,
        ],
    )
    .map_err(name_conflict(new.name))?;
    Ok(conn.last_insert_rowid())
}

pub fn get(conn: &Connection, id: i64) -> AppResult<Option<ConnectionRow>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM connections WHERE id = ?1"),
            [id],
            from_row,
        )
        .optional()?)
}

/// A visible (`Ready`) row, or `NotFound`.
pub fn get_ready(conn: &Connection, id: i64) -> AppResult<ConnectionRow> {
    match get(conn, id)? {
        Some(row) if row.state == RowState::Ready => Ok(row),
        _ => Err(AppError::NotFound),
    }
}

pub fn find_by_request_id(conn: &Connection, request_id: &str) -> AppResult<Option<ConnectionRow>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM connections WHERE request_id = ?1"),
            [request_id],
            from_row,
        )
        .optional()?)
}

pub fn list_ready(conn: &Connection) -> AppResult<Vec<ConnectionRow>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM connections WHERE state = 'ready' ORDER BY name_key, id"
    ))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn list_ready_by_toggl_user(
    conn: &Connection,
    toggl_user_id: i64,
) -> AppResult<Vec<ConnectionRow>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM connections WHERE state = 'ready' AND toggl_user_id = ?1 ORDER BY name_key, id"
    ))?;
    let rows = stmt.query_map([toggl_user_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn list_all(conn: &Connection) -> AppResult<Vec<ConnectionRow>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM connections ORDER BY id"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn set_state(conn: &Connection, id: i64, state: RowState) -> AppResult<()> {
    conn.execute(
        "UPDATE connections SET state = ?2 WHERE id = ?1",
        params![id, state.as_str()],
    )?;
    Ok(())
}

pub fn rename(conn: &Connection, id: i64, name: &str) -> AppResult<()> {
    conn.execute(
        "UPDATE connections SET name = ?2, name_key = ?3, updated_at = ?4 WHERE id = ?1",
        params![id, name, name_key(name), now()],
    )
    .map_err(name_conflict(name))?;
    Ok(())
}

pub fn set_privacy(conn: &Connection, id: i64, privacy: &str) -> AppResult<()> {
    conn.execute(
        "UPDATE connections SET privacy = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, privacy, now()],
    )?;
    Ok(())
}

/// A passed check: new snapshot, verified now, no error.
pub fn record_access(conn: &Connection, id: i64, access: &AccessReport) -> AppResult<()> {
    conn.execute(
        "UPDATE connections SET access = ?2, toggl_user_id = ?3, toggl_email = ?4,
             last_verified_at = ?5, last_error_code = NULL, updated_at = ?6
         WHERE id = ?1",
        params![
            id,
            access_json(access)?,
            access.user.id,
            access.user.email,
            access.checked_at.to_rfc3339(),
            now()
        ],
    )?;
    Ok(())
}

pub fn record_error(conn: &Connection, id: i64, code: &str) -> AppResult<()> {
    conn.execute(
        "UPDATE connections SET last_error_code = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, code, now()],
    )?;
    Ok(())
}

/// Points the row at a new credential store entry and records the check that came with it.
pub fn commit_swap(
    conn: &Connection,
    id: i64,
    generation: i64,
    access: &AccessReport,
) -> AppResult<()> {
    record_access(conn, id, access)?;
    conn.execute(
        "UPDATE connections SET secret_generation = ?2 WHERE id = ?1",
        params![id, generation],
    )?;
    Ok(())
}

pub fn delete(conn: &Connection, id: i64) -> AppResult<()> {
    conn.execute("DELETE FROM connections WHERE id = ?1", [id])?;
    Ok(())
}
