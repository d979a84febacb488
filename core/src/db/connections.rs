//! Queries on the `connections` table. Plain functions over `&Connection` so the
//! connection service can group them into transactions with journal writes.

use super::{now, parse_time};
use crate::domain::{AccessReport, Privacy};
use crate::error::{AppError, AppResult};
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
    pub privacy: Privacy,
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
    pub privacy: &'a Privacy,
    pub access: &'a AccessReport,
    pub request_id: &'a str,
}

const COLUMNS: &str = "id, source, name, privacy, access, created_at, updated_at, \
     last_verified_at, last_error_code, request_id, secret_generation, state, beginning_of_week";

fn json_column<T: serde::de::DeserializeOwned>(row: &Row<'_>, index: usize) -> rusqlite::Result<T> {
    let text: String = row.get(index)?;
    serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, e.into())
    })
}

/// The access snapshot as stored. The stored verdict is not read back: it is decided
/// again by the current rule, so a snapshot written under an older rule (or with a
/// verdict kind this version no longer has) is judged like a fresh check.
#[derive(serde::Deserialize)]
struct StoredAccess {
    user: crate::domain::TogglUser,
    organizations: Vec<crate::domain::OrganizationAccess>,
    workspaces: Vec<crate::domain::WorkspaceAccess>,
    checked_at: DateTime<Utc>,
}

fn access_column(row: &Row<'_>, index: usize) -> rusqlite::Result<AccessReport> {
    let s: StoredAccess = json_column(row, index)?;
    Ok(AccessReport::new(
        s.user,
        s.organizations,
        s.workspaces,
        s.checked_at,
    ))
}

/// The week start is read from its column (the one the review reads), so a snapshot
/// written before the column existed still agrees with the review.
fn from_row(row: &Row<'_>) -> rusqlite::Result<ConnectionRow> {
    let mut access = access_column(row, 4)?;
    access.beginning_of_week = row.get(12)?;
    Ok(ConnectionRow {
        id: row.get(0)?,
        source: row.get(1)?,
        name: row.get(2)?,
        privacy: json_column(row, 3)?,
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

fn to_json(value: &impl serde::Serialize) -> AppResult<String> {
    Ok(serde_json::to_string(value)?)
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
             last_verified_at, request_id, secret_generation, state, toggl_user_id, toggl_email,
             beginning_of_week)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8, 0, 'pending', ?9, ?10, ?11)",
        params![
            new.source,
            new.name,
            name_key(new.name),
            to_json(new.privacy)?,
            to_json(new.access)?,
            at,
            new.access.checked_at.to_rfc3339(),
            new.request_id,
            new.access.user.id,
            new.access.user.email,
            new.access.beginning_of_week,
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

pub fn set_privacy(conn: &Connection, id: i64, privacy: &Privacy) -> AppResult<()> {
    conn.execute(
        "UPDATE connections SET privacy = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, to_json(privacy)?, now()],
    )?;
    Ok(())
}

/// A passed check: new snapshot, verified now, no error.
pub fn record_access(conn: &Connection, id: i64, access: &AccessReport) -> AppResult<()> {
    conn.execute(
        "UPDATE connections SET access = ?2, toggl_user_id = ?3, toggl_email = ?4,
             last_verified_at = ?5, last_error_code = NULL, updated_at = ?6,
             beginning_of_week = ?7
         WHERE id = ?1",
        params![
            id,
            to_json(access)?,
            access.user.id,
            access.user.email,
            access.checked_at.to_rfc3339(),
            now(),
            access.beginning_of_week
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

/// A ready connection "Old" (Private to Me) with the access snapshot `access` as JSON,
/// written as an older release wrote it: for tests of reading and migrating old rows.
#[cfg(test)]
pub(crate) fn insert_as_an_older_release(conn: &Connection, access: &str) -> AppResult<()> {
    conn.execute(
        "INSERT INTO connections (source, name, name_key, privacy, access, created_at,
             updated_at, secret_generation, state)
         VALUES ('toggl', 'Old', 'old', '{\"kind\":\"private_to_me\"}', ?1,
             '2025-06-01T00:00:00Z', '2025-06-01T00:00:00Z', 0, 'ready')",
        [access],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;
    use crate::domain::Verdict;

    /// A snapshot saved by an older release under the old rule, whose verdict kind this
    /// release no longer has, is read back and judged by the current rule.
    #[test]
    fn a_snapshot_stored_under_the_old_rule_is_judged_by_the_current_one() {
        let db = Db::open_in_memory().unwrap();
        let legacy = r#"{"user":{"id":5,"fullname":"Adam","email":"adam@example.test","timezone":null},
            "organizations":[{"id":1,"name":"Org","owner":false,"admin":true}],
            "workspaces":[{"id":10,"name":"Main","organization_id":1,"role":"user"}],
            "verdict":{"kind":"organization_admin","organizations":["Org"]},
            "checked_at":"2025-06-01T00:00:00Z"}"#;
        db.with(|c| insert_as_an_older_release(c, legacy)).unwrap();
        let rows = db.with(|c| list_ready(c)).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].privacy, Privacy::PrivateToMe);
        assert_eq!(rows[0].access.verdict, Verdict::Refused);
        assert_eq!(rows[0].access.user.email, "adam@example.test");
    }

    #[test]
    fn privacy_and_access_round_trip_through_their_columns() {
        let db = Db::open_in_memory().unwrap();
        let access = AccessReport::new(
            crate::domain::TogglUser {
                id: 1,
                fullname: "Olivia".into(),
                email: "olivia@example.test".into(),
                timezone: Some("Europe/Berlin".into()),
            },
            vec![crate::domain::OrganizationAccess {
                id: 1,
                name: "Org".into(),
                owner: true,
                admin: true,
            }],
            vec![crate::domain::WorkspaceAccess {
                id: 10,
                name: "Main".into(),
                organization_id: Some(1),
                role: "admin".into(),
            }],
            chrono::DateTime::parse_from_rfc3339("2025-06-01T00:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
        );
        let team = Privacy::SharedWithTeam {
            team: "Design".into(),
        };
        let id = db
            .transaction(|tx| {
                insert_pending(
                    tx,
                    &InsertRow {
                        source: "toggl",
                        name: "Round trip",
                        privacy: &team,
                        access: &access,
                        request_id: "r",
                    },
                )
            })
            .unwrap();
        let row = db.with(|c| get(c, id)).unwrap().unwrap();
        assert_eq!(row.privacy, team);
        assert_eq!(row.access, access);
    }

    /// The week start is stored by the first check and replaced by every later one.
    #[test]
    fn each_check_stores_the_users_week_start() {
        let db = Db::open_in_memory().unwrap();
        let mut access = crate::domain::test_support::report(1, vec![], vec![]);
        access.beginning_of_week = 0;
        let id = db
            .transaction(|tx| {
                insert_pending(
                    tx,
                    &InsertRow {
                        source: "toggl",
                        name: "Weeks",
                        privacy: &Privacy::PrivateToMe,
                        access: &access,
                        request_id: "w",
                    },
                )
            })
            .unwrap();
        let week_start = |db: &Db| {
            db.with(|c| {
                Ok(c.query_row(
                    "SELECT beginning_of_week FROM connections WHERE id = ?1",
                    [id],
                    |r| r.get::<_, u8>(0),
                )?)
            })
            .unwrap()
        };
        assert_eq!(week_start(&db), 0);
        access.beginning_of_week = 6;
        db.with(|c| record_access(c, id, &access)).unwrap();
        assert_eq!(week_start(&db), 6);
        let row = db.with(|c| get(c, id)).unwrap().unwrap();
        assert_eq!(row.access.beginning_of_week, 6);
    }

    /// Rows written before the week start was stored read as Monday, Toggl's default.
    #[test]
    fn a_row_from_before_the_week_start_reads_as_monday() {
        let db = Db::open_in_memory().unwrap();
        let legacy = r#"{"user":{"id":5,"fullname":"Adam","email":"adam@example.test","timezone":null},
            "organizations":[],"workspaces":[],"checked_at":"2025-06-01T00:00:00Z"}"#;
        db.with(|c| insert_as_an_older_release(c, legacy)).unwrap();
        let rows = db.with(|c| list_ready(c)).unwrap();
        assert_eq!(rows[0].access.beginning_of_week, 1);
    }
}
