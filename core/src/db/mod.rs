//! The local SQLite database: opening it safely, embedded ordered migrations, and one
//! query module per table for everything the app writes (and the reads the writers
//! need). The review page's read-only queries live in `review`, the read side; no other
//! module holds SQL text.
//!
//! One writing connection behind a mutex: the app is a single user's desktop tool,
//! writes are small, and a single writer keeps transactions simple to reason about while
//! Tauri commands call in from several threads. Reads for review and export go through
//! a separate read-only connection: in WAL mode it sees the last committed state while
//! a pull page or a cascade delete is being written, so neither side waits for the
//! other.

mod clean_close;
pub mod connections;
pub mod entry_walks;
pub mod history;
pub mod metadata;
pub mod pulls;
pub mod report_page_sizes;
pub mod scope;
pub mod secret_journal;
#[cfg(any(test, feature = "synthetic-data"))]
pub mod synthetic;
#[cfg(test)]
pub(crate) mod test_dump;
#[cfg(test)]
pub(crate) mod test_faults;
pub mod time_entries;

use crate::error::{AppError, AppResult};
use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
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
    ("0004_review", include_str!("migrations/0004_review.sql")),
    (
        "0005_pull_cursors",
        include_str!("migrations/0005_pull_cursors.sql"),
    ),
    (
        "0006_connection_scope",
        include_str!("migrations/0006_connection_scope.sql"),
    ),
    (
        "0007_tag_index",
        include_str!("migrations/0007_tag_index.sql"),
    ),
    (
        "0008_week_start_and_rates",
        include_str!("migrations/0008_week_start_and_rates.sql"),
    ),
    (
        "0009_report_page_sizes",
        include_str!("migrations/0009_report_page_sizes.sql"),
    ),
    (
        "0010_tag_links_without_entry_key",
        include_str!("migrations/0010_tag_links_without_entry_key.sql"),
    ),
    (
        "0011_changed_since",
        include_str!("migrations/0011_changed_since.sql"),
    ),
    (
        "0012_review_scale",
        include_str!("migrations/0012_review_scale.sql"),
    ),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub struct Db {
    /// The read-only side; `None` for an in-memory database, whose reads use `conn`.
    /// Declared first so it closes first: the writer, closing last, checkpoints the
    /// write-ahead log into the file and removes it, which a read-only connection cannot.
    reader: Option<Reader>,
    conn: Mutex<Connection>,
    /// Set by [`Db::close_cleanly`]; the next use of the writer voids the record.
    closed_cleanly: AtomicBool,
}

struct Reader {
    path: PathBuf,
    conn: Mutex<Connection>,
}

/// What [`Db::open`] found. A damaged database is not silently replaced: the caller
/// gets the path it was moved to and must tell the user (see [`OpenedDb::notice`]).
/// Whether opening runs the quick check.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Check {
    Quick,
    Skip,
}

pub struct OpenedDb {
    pub db: Db,
    pub moved_aside: Option<PathBuf>,
    /// Whether the quick check ran: it is skipped for a file this app closed cleanly
    /// and nothing changed since (see [`clean_close`]).
    pub checked: bool,
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
    /// Opens (or creates) the database at `path`, checks its integrity (unless the app
    /// closed it cleanly and it is unchanged since) and migrates it.
    /// A file that is damaged or not a database at all is renamed to
    /// `<name>.corrupt-<timestamp>` (with its `-wal`/`-shm`) and a fresh one is started.
    /// Other failures (permissions, a newer schema) are errors: moving those aside would
    /// lose good data.
    pub fn open(path: &Path) -> AppResult<OpenedDb> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        let check = if clean_close::take(path) {
            Check::Skip
        } else {
            Check::Quick
        };
        match Self::open_checked(path, check) {
            Ok(db) => Ok(OpenedDb {
                db,
                moved_aside: None,
                checked: check == Check::Quick,
            }),
            Err(OpenError::Damaged(reason)) => {
                tracing::warn!(%reason, "database failed its integrity check; moving it aside");
                let moved_to = move_aside(path)?;
                let db =
                    Self::open_checked(path, Check::Quick).map_err(OpenError::into_app_error)?;
                Ok(OpenedDb {
                    db,
                    moved_aside: Some(moved_to),
                    checked: true,
                })
            }
            Err(other) => Err(other.into_app_error()),
        }
    }

    /// A private, fully migrated database for tests and benchmarks. It has no separate
    /// read connection: reads share the writer.
    pub fn open_in_memory() -> AppResult<Db> {
        let conn = Connection::open_in_memory()?;
        let conn =
            Self::prepare(conn, SCHEMA_VERSION, Check::Quick).map_err(OpenError::into_app_error)?;
        Ok(Db::single(conn))
    }

    /// Opens a database migrated only up to `version`: lets tests build a database as an
    /// older release left it.
    #[cfg(test)]
    pub(crate) fn open_at_version(path: &Path, version: usize) -> AppResult<Db> {
        let conn = Connection::open(path)?;
        let conn = Self::prepare(conn, version, Check::Quick).map_err(OpenError::into_app_error)?;
        Ok(Db::single(conn))
    }

    /// The schema version just before the named migration ran: what `open_at_version`
    /// takes to build a database as the release before that migration left it.
    #[cfg(test)]
    pub(crate) fn version_before(migration: &str) -> usize {
        MIGRATIONS
            .iter()
            .position(|(name, _)| *name == migration)
            .unwrap_or_else(|| panic!("no migration named {migration}"))
    }

    fn single(conn: Connection) -> Db {
        Db {
            conn: Mutex::new(conn),
            reader: None,
            closed_cleanly: AtomicBool::new(false),
        }
    }

    /// Runs `f` with the writing connection locked. Query modules take `&Connection` so
    /// they can run inside a caller's transaction.
    ///
    /// A panic inside `f` does not disable the database: the next call takes the lock
    /// back, and whatever transaction the panic left open is rolled back (a
    /// `rusqlite::Transaction` already rolls back when dropped during the unwind).
    pub fn with<T>(&self, f: impl FnOnce(&mut Connection) -> AppResult<T>) -> AppResult<T> {
        let mut conn = lock(&self.conn);
        if self.closed_cleanly.swap(false, Ordering::SeqCst) {
            if let Some(reader) = &self.reader {
                clean_close::void(&reader.path);
            }
        }
        f(&mut conn)
    }

    /// Runs `f` on the read-only connection inside one read transaction, so the queries
    /// of one answer (a page and its count, say) see the same committed state. A write
    /// in progress neither blocks it nor is blocked by it.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> AppResult<T>) -> AppResult<T> {
        match &self.reader {
            Some(reader) => in_read_transaction(&mut lock(&reader.conn), f),
            None => self.with(|conn| f(conn)),
        }
    }

    /// Like [`Db::read`] on a connection of its own, for reads that run long (a CSV
    /// export of every entry): other reads do not queue behind it either.
    pub fn read_long<T>(&self, f: impl FnOnce(&Connection) -> AppResult<T>) -> AppResult<T> {
        match &self.reader {
            Some(reader) => {
                let mut conn = open_reader(&reader.path).map_err(OpenError::into_app_error)?;
                in_read_transaction(&mut conn, f)
            }
            None => self.with(|conn| f(conn)),
        }
    }

    /// The full integrity check (every page, every index entry), for when the user asks
    /// for it or an error suggests damage; start-up runs only the quick check. Returns the
    /// problems SQLite lists; empty when the file is sound.
    pub fn integrity_problems(&self) -> AppResult<Vec<String>> {
        self.read(|conn| Ok(check(conn, "integrity_check")?))
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

    /// Makes the write-ahead log empty and records that the file was left sound, so the
    /// next start may skip the quick check. Called as the app exits; any later write
    /// changes the file and so voids the record.
    pub fn close_cleanly(&self) -> AppResult<()> {
        let Some(reader) = &self.reader else {
            return Ok(());
        };
        self.with(|conn| {
            let busy: i64 =
                conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get(0))?;
            if busy == 0 {
                clean_close::record(&reader.path)?;
                self.closed_cleanly.store(true, Ordering::SeqCst);
            }
            Ok(())
        })
    }

    fn open_checked(path: &Path, check: Check) -> Result<Db, OpenError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(OpenError::classify)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(OpenError::classify)?;
        // Under WAL, NORMAL syncs at checkpoints instead of at every commit: the file
        // stays consistent after a crash, and a power loss can only drop the last
        // committed pages, which a resumable pull fetches again. A page commit then no
        // longer waits for the disk (see the quota benchmark).
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(OpenError::classify)?;
        // A page commit writes a statement journal per statement and dirties index pages
        // all over the file: keeping those journals in memory, a cache that holds the
        // hot index pages, and a longer log between checkpoints keep a pull's store
        // several times faster (see the pull benchmark's ingest part).
        for (pragma, value) in [
            ("temp_store", "MEMORY"),
            ("cache_size", "-32768"),
            ("wal_autocheckpoint", "10000"),
        ] {
            conn.pragma_update(None, pragma, value)
                .map_err(OpenError::classify)?;
        }
        let conn = Self::prepare(conn, SCHEMA_VERSION, check)?;
        let reader = open_reader(path)?;
        Ok(Db {
            conn: Mutex::new(conn),
            reader: Some(Reader {
                path: path.to_path_buf(),
                conn: Mutex::new(reader),
            }),
            closed_cleanly: AtomicBool::new(false),
        })
    }

    /// Settings, the quick check and the migrations. The quick check reads every page
    /// but skips matching index entries against their rows, which makes it about ten
    /// times faster than the full check on a large file; a problem it finds is
    /// confirmed and described by the full check before the file is moved aside.
    fn prepare(
        conn: Connection,
        version: usize,
        integrity: Check,
    ) -> Result<Connection, OpenError> {
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(OpenError::classify)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(OpenError::classify)?;
        if integrity == Check::Quick
            && !check(&conn, "quick_check")
                .map_err(OpenError::classify)?
                .is_empty()
        {
            let problems = check(&conn, "integrity_check").map_err(OpenError::classify)?;
            return Err(OpenError::Damaged(problems.join("; ")));
        }
        let mut conn = conn;
        migrate_to(&mut conn, version)?;
        Ok(conn)
    }
}

/// Takes a connection's lock, recovering it from a panic of an earlier holder.
fn lock(mutex: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    mutex.lock().unwrap_or_else(|poisoned| {
        mutex.clear_poison();
        let conn = poisoned.into_inner();
        if !conn.is_autocommit() {
            if let Err(e) = conn.execute_batch("ROLLBACK") {
                tracing::warn!(error = %e, "rolling back after a panic failed");
            }
        }
        tracing::warn!("a database call panicked; its work was rolled back");
        conn
    })
}

fn open_reader(path: &Path) -> Result<Connection, OpenError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(OpenError::classify)?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(OpenError::classify)?;
    // The review's totals read every matching entry of a covering index: mapping the
    // file lets them read its pages in place instead of copying each one through a
    // system call into SQLite's small default cache, and sorts stay in memory (see
    // the review benchmark).
    for (pragma, value) in [
        ("mmap_size", READER_MMAP_BYTES),
        ("cache_size", "-65536"),
        ("temp_store", "MEMORY"),
    ] {
        conn.pragma_update(None, pragma, value)
            .map_err(OpenError::classify)?;
    }
    Ok(conn)
}

/// How much of the file the read connection maps (SQLite maps only what the file holds).
const READER_MMAP_BYTES: &str = "1073741824";

fn in_read_transaction<T>(
    conn: &mut Connection,
    f: impl FnOnce(&Connection) -> AppResult<T>,
) -> AppResult<T> {
    let tx = conn.transaction()?;
    let value = f(&tx)?;
    tx.commit()?;
    Ok(value)
}

/// `PRAGMA quick_check` or `integrity_check`: the problems listed, none when "ok".
fn check(conn: &Connection, pragma: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("PRAGMA {pragma}"))?;
    let lines = stmt.query_map([], |row| row.get::<_, String>(0))?;
    let lines: Vec<String> = lines.collect::<Result<_, _>>()?;
    Ok(lines.into_iter().filter(|l| l != "ok").collect())
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
            let synchronous: i64 = c.query_row("PRAGMA synchronous", [], |r| r.get(0))?;
            assert_eq!(mode, "wal");
            assert_eq!(fk, 1);
            assert_eq!(
                synchronous, 1,
                "NORMAL: a page commit does not wait for an fsync"
            );
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn the_read_side_maps_the_file_and_closing_after_reads_leaves_no_log_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("blink.sqlite3");
        let db = Db::open(&path).unwrap().db;
        db.with(|c| Ok(c.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")?))
            .unwrap();
        let (mapped, rows): (i64, i64) = db
            .read(|c| {
                let mapped = c.query_row("PRAGMA mmap_size", [], |r| r.get(0))?;
                Ok((
                    mapped,
                    c.query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))?,
                ))
            })
            .unwrap();
        assert!(mapped > 0, "the reader maps the file");
        assert_eq!(rows, 1);
        drop(db);
        let log = dir.path().join("blink.sqlite3-wal");
        assert!(
            !log.exists(),
            "the writer closes last and folds the log into the file"
        );
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

    /// FNV-1a, 64 bit: a checksum that is stable across Rust releases (unlike the
    /// standard hasher), enough to notice an edited file.
    fn fnv1a(text: &str) -> u64 {
        text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    }

    /// A shipped migration has run on users' machines: editing it in place would leave
    /// their databases different from new ones. Append a new migration instead; only a
    /// new one gets a new line here.
    #[test]
    fn shipped_migrations_are_never_edited() {
        let pinned: &[(&str, usize, u64)] = &[
            ("0001_connections", 1405, 0xd6b2_3025_8500_27ff),
            ("0002_toggl_identity", 547, 0x106b_9868_0a5d_8b59),
            ("0003_toggl_data", 6493, 0xe30f_c996_953a_be2e),
            ("0004_review", 2951, 0x8a5b_cad9_9d5e_319e),
            ("0005_pull_cursors", 443, 0xa328_fb55_7a47_4ded),
            ("0006_connection_scope", 1777, 0xfd2d_7868_676a_64e0),
            ("0007_tag_index", 1502, 0xf00b_4160_e76f_86c7),
            ("0008_week_start_and_rates", 760, 0xefc6_9af3_3a16_91fe),
            ("0009_report_page_sizes", 720, 0x09db_50d8_c3d9_3ad1),
            (
                "0010_tag_links_without_entry_key",
                1603,
                0x1dc3_8623_b297_760e,
            ),
            ("0011_changed_since", 1106, 0xb047_5b13_dd51_97a3),
            ("0012_review_scale", 1447, 0x81d5_a094_41d7_2d24),
        ];
        assert_eq!(MIGRATIONS.len(), pinned.len(), "pin the new migration here");
        for ((name, sql), (pinned_name, len, hash)) in MIGRATIONS.iter().zip(pinned) {
            assert_eq!(name, pinned_name);
            assert_eq!(
                (sql.len(), fnv1a(sql)),
                (*len, *hash),
                "migration {name} was edited; append a new migration instead"
            );
        }
    }

    #[test]
    fn a_panic_inside_a_database_call_rolls_back_and_leaves_the_database_usable() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("blink.sqlite3")).unwrap().db;
        db.with(|c| Ok(c.execute_batch("CREATE TABLE t (v INTEGER)")?))
            .unwrap();
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            db.transaction(|tx| -> AppResult<()> {
                tx.execute("INSERT INTO t VALUES (1)", [])?;
                panic!("a bug in the middle of a write");
            })
        }));
        assert!(panicked.is_err());
        let raw = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            db.with(|c| -> AppResult<()> {
                c.execute_batch("BEGIN; INSERT INTO t VALUES (2);")?;
                panic!("a bug inside a hand-opened transaction");
            })
        }));
        assert!(raw.is_err());
        let count: i64 = db
            .with(|c| Ok(c.query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(count, 0, "both panicked writes were rolled back");
        db.transaction(|tx| Ok(tx.execute("INSERT INTO t VALUES (3)", [])?))
            .unwrap();
        let read: i64 = db
            .read(|c| Ok(c.query_row("SELECT SUM(v) FROM t", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(read, 3);
    }

    #[test]
    fn a_review_read_proceeds_while_a_write_transaction_is_open() {
        use std::sync::{mpsc, Arc};
        use std::time::Duration;
        let dir = tempfile::tempdir().unwrap();
        let db = Arc::new(Db::open(&dir.path().join("blink.sqlite3")).unwrap().db);
        db.with(|c| Ok(c.execute_batch("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1);")?))
            .unwrap();
        let count = |c: &Connection| Ok(c.query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))?);
        let (inside, wait_inside) = mpsc::channel();
        let (release, wait_release) = mpsc::channel::<()>();
        let writing = db.clone();
        let writer = std::thread::spawn(move || {
            writing.transaction(|tx| {
                tx.execute("INSERT INTO t VALUES (2)", [])?;
                inside.send(()).unwrap();
                let _ = wait_release.recv();
                Ok(())
            })
        });
        wait_inside.recv().unwrap();
        // The writer holds the write lock and an open transaction now. The reads run on
        // threads of their own so that a read that waited would fail the test on the
        // timeout rather than hang it.
        for long in [false, true] {
            let (seen, wait_seen) = mpsc::channel();
            let reading = db.clone();
            std::thread::spawn(move || {
                let n: AppResult<i64> = if long {
                    reading.read_long(count)
                } else {
                    reading.read(count)
                };
                seen.send(n)
            });
            let n = wait_seen
                .recv_timeout(Duration::from_secs(10))
                .expect("the read waited for the write");
            assert_eq!(n.unwrap(), 1, "the read sees the last committed state");
        }
        release.send(()).unwrap();
        writer.join().unwrap().unwrap();
        assert_eq!(db.read(count).unwrap(), 2);
    }

    #[test]
    fn the_read_connection_cannot_write() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("blink.sqlite3")).unwrap().db;
        let err = db
            .read(|c| Ok(c.execute_batch("CREATE TABLE nope (v INTEGER)")?))
            .unwrap_err();
        assert_eq!(err.code(), "database");
    }

    #[test]
    fn the_full_integrity_check_runs_on_request() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("blink.sqlite3")).unwrap().db;
        assert_eq!(db.integrity_problems().unwrap(), Vec::<String>::new());
    }
}
