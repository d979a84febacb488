//! The local SQLite database: opening it safely, embedded ordered migrations, and one
//! query module per table.
//!
//! One connection behind a mutex: the app is a single user's desktop tool, writes are
//! tiny, and a single connection keeps transactions simple to reason about while Tauri
//! commands call in from several threads.

pub mod connections;
pub mod pulls;
pub mod secret_journal;
pub mod time_entries;
pub mod toggl_meta;

use crate::error::{AppError, AppResult};
use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

/// Embedded migrations, applied in order. Version N means the first N have run; the
/// number is kept in `PRAGMA user_version`. Append new files; never edit a shipped one.
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_connections",
        include_str!("migrations/0001_connections.sql"),
    ),
    (
        "0002_toggl_identity",
        include_str!("migrations/0002_toggl_identity.sql"),
    ),
    (
        "0003_toggl_data",
        include_str!("migrations/0003_toggl_data.sql"),
    ),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub struct Db {
    conn: Mutex<Connection>,
}

/// What [`Db::open`] found. A damaged database is not silently replaced: the caller
/// gets the path it was moved to and must tell the user (see [`OpenedDb::notice`]).
pub struct OpenedDb {
    pub db: Db,
    pub moved_aside: Option<PathBuf>,
}

impl OpenedDb {
    /// The message for the user when the old database had to be moved aside.
    pub fn notice(&self) -> Option<AppError> {
        self.moved_aside
            .as_ref()
            .map(|p| AppError::DatabaseCorrupt {
                moved_to: p.display().to_string(),
            })
    }
}

impl Db {
    /// Opens (or creates) the database at `path`, checks its integrity and migrates it.
    /// A file that is damaged or not a database at all is renamed to
    /// `<name>.corrupt-<timestamp>` (with its `-wal`/`-shm`) and a fresh one is started.
    /// Other failures (permissions, a newer schema) are errors: moving those aside would
    /// lose good data.
    pub fn open(path: &Path) -> AppResult<OpenedDb> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        match Self::open_checked(path) {
            Ok(db) => Ok(OpenedDb {
                db,
                moved_aside: None,
            }),
            Err(OpenError::Damaged(reason)) => {
                tracing::warn!(%reason, "database failed its integrity check; moving it aside");
                let moved_to = move_aside(path)?;
                let db = Self::open_checked(path).map_err(OpenError::into_app_error)?;
                Ok(OpenedDb {
                    db,
                    moved_aside: Some(moved_to),
                })
            }
            Err(other) => Err(other.into_app_error()),
        }
    }

    /// A private, fully migrated database for tests.
    pub fn open_in_memory() -> AppResult<Db> {
        let conn = Connection::open_in_memory()?;
        Self::prepare(conn, SCHEMA_VERSION).map_err(OpenError::into_app_error)
    }

    /// Opens a database migrated only up to `version`: lets tests build a database as an
    /// older release left it.
    pub fn open_at_version(path: &Path, version: usize) -> AppResult<Db> {
        let conn = Connection::open(path)?;
        Self::prepare(conn, version).map_err(OpenError::into_app_error)
    }

    /// Runs `f` with the connection locked. Query modules take `&Connection` so they
    /// can run inside a caller's transaction.
    pub fn with<T>(&self, f: impl FnOnce(&mut Connection) -> AppResult<T>) -> AppResult<T> {
        let mut conn = self
            .conn
            .lock()
            .map_err(|_| AppError::Database("database lock poisoned".into()))?;
        f(&mut conn)
    }

    /// Runs `f` inside one transaction, committed only if `f` succeeds.
    pub fn transaction<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> AppResult<T>,
    ) -> AppResult<T> {
        self.with(|conn| {
            let tx = conn.transaction()?;
            let value = f(&tx)?;
            tx.commit()?;
            Ok(value)
        })
    }

    /// The schema version recorded in the database.
    pub fn schema_version(&self) -> AppResult<usize> {
        self.with(|conn| Ok(user_version(conn)?))
    }

    /// Applies the migrations not yet applied.
    pub fn migrate(&self) -> AppResult<()> {
        self.with(|conn| migrate_to(conn, SCHEMA_VERSION).map_err(OpenError::into_app_error))
    }

    fn open_checked(path: &Path) -> Result<Db, OpenError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(OpenError::classify)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(OpenError::classify)?;
        Self::prepare(conn, SCHEMA_VERSION)
    }

    fn prepare(conn: Connection, version: usize) -> Result<Db, OpenError> {
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(OpenError::classify)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(OpenError::classify)?;
        let verdict: String = conn
            .query_row("PRAGMA integrity_check", [], |row| row.get(0))
            .map_err(OpenError::classify)?;
        if verdict != "ok" {
            return Err(OpenError::Damaged(verdict));
        }
        let mut conn = conn;
        migrate_to(&mut conn, version)?;
        Ok(Db {
            conn: Mutex::new(conn),
        })
    }
}

fn user_version(conn: &Connection) -> rusqlite::Result<usize> {
    conn.query_row("PRAGMA user_version", [], |row| row.get::<_, i64>(0))
        .map(|v| v as usize)
}

/// Applies migrations up to `target`, each in its own transaction together with the
/// version bump, so a crash leaves the database at a whole version.
fn migrate_to(conn: &mut Connection, target: usize) -> Result<(), OpenError> {
    let current = user_version(conn).map_err(OpenError::classify)?;
    if current > MIGRATIONS.len() {
        return Err(OpenError::Other(AppError::Database(format!(
            "the database was written by a newer version of Blink Connections (schema {current}, this version knows {}); update the app",
            MIGRATIONS.len()
        ))));
    }
    for (index, (name, sql)) in MIGRATIONS.iter().enumerate().take(target).skip(current) {
        let tx = conn.transaction().map_err(OpenError::classify)?;
        tx.execute_batch(sql)
            .and_then(|_| tx.pragma_update(None, "user_version", (index + 1) as i64))
            .and_then(|_| tx.commit())
            .map_err(|e| {
                OpenError::Other(AppError::Database(format!("migration {name} failed: {e}")))
            })?;
    }
    Ok(())
}

fn move_aside(path: &Path) -> AppResult<PathBuf> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "blink.sqlite3".into());
    let moved_to = path.with_file_name(format!("{file_name}.corrupt-{stamp}"));
    std::fs::rename(path, &moved_to)?;
    for suffix in ["-wal", "-shm"] {
        let side = path.with_file_name(format!("{file_name}{suffix}"));
        if side.exists() {
            let side_to = path.with_file_name(format!("{file_name}.corrupt-{stamp}{suffix}"));
            std::fs::rename(&side, side_to)?;
        }
    }
    Ok(moved_to)
}

enum OpenError {
    /// The file is not a usable database: moving it aside is the remedy.
    Damaged(String),
    Other(AppError),
}

impl OpenError {
    fn classify(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
                OpenError::Damaged(e.to_string())
            }
            _ => OpenError::Other(e.into()),
        }
    }

    fn into_app_error(self) -> AppError {
        match self {
            OpenError::Damaged(reason) => AppError::Database(reason),
            OpenError::Other(e) => e,
        }
    }
}

/// The current time as stored in every `*_at` column: RFC 3339, UTC.
pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub(crate) fn parse_time(text: &str) -> rusqlite::Result<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_database_is_fully_migrated_in_wal_mode_with_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let opened = Db::open(&dir.path().join("data").join("blink.sqlite3")).unwrap();
        assert!(opened.moved_aside.is_none());
        assert!(opened.notice().is_none());
        let db = opened.db;
        assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION);
        db.with(|c| {
            let mode: String = c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
            let fk: i64 = c.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
            assert_eq!(mode, "wal");
            assert_eq!(fk, 1);
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn reopening_keeps_data_and_does_not_rerun_migrations() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("blink.sqlite3");
        let db = Db::open(&path).unwrap().db;
        db.with(|c| {
            c.execute("CREATE TABLE keep (v TEXT)", [])?;
            c.execute("INSERT INTO keep VALUES ('x')", [])?;
            Ok(())
        })
        .unwrap();
        drop(db);
        let db = Db::open(&path).unwrap().db;
        let v: String = db
            .with(|c| Ok(c.query_row("SELECT v FROM keep", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(v, "x");
        assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION);
    }

    #[test]
    fn a_file_that_is_not_a_database_is_moved_aside_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("blink.sqlite3");
        std::fs::write(
            &path,
            b"this is not an sqlite database, just some text ".repeat(100),
        )
        .unwrap();
        let opened = Db::open(&path).unwrap();
        let moved = opened.moved_aside.clone().expect("moved aside");
        assert!(moved.exists());
        assert!(moved
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("blink.sqlite3.corrupt-"));
        assert_eq!(
            std::fs::read(&moved).unwrap(),
            b"this is not an sqlite database, just some text ".repeat(100)
        );
        assert_eq!(opened.notice().unwrap().code(), "database_corrupt");
        assert_eq!(opened.db.schema_version().unwrap(), SCHEMA_VERSION);
    }

    #[test]
    fn a_database_with_damaged_pages_is_moved_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("blink.sqlite3");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(
                "CREATE TABLE t (a TEXT); CREATE INDEX t_a ON t (a);
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
                 INSERT INTO t SELECT printf('row %d %s', i, hex(randomblob(20))) FROM n;",
            )
            .unwrap();
        }
        let mut bytes = std::fs::read(&path).unwrap();
        assert!(bytes.len() > 8192);
        let page = 4096;
        for b in &mut bytes[page + 100..3 * page] {
            *b = 0xA5;
        }
        std::fs::write(&path, bytes).unwrap();
        let opened = Db::open(&path).unwrap();
        assert!(opened.moved_aside.is_some(), "damage went unnoticed");
    }

    #[test]
    fn a_database_from_a_newer_release_is_refused_not_moved() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("blink.sqlite3");
        {
            let conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "user_version", 999).unwrap();
        }
        let err = Db::open(&path).err().unwrap();
        assert_eq!(err.code(), "database");
        assert!(err.to_string().contains("newer version"));
        assert!(path.exists());
    }
}
