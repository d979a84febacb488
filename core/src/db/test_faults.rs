//! Storage faults for tests elsewhere in core: a write SQLite refuses as a full disk
//! would, a database an older release left, a file damaged outside the rows a test
//! needs. They live here so that SQL stays in the module that owns it.

use super::Db;
use crate::error::AppResult;
use std::path::Path;

/// Which connection write a [`refuse`] makes fail.
#[derive(Clone, Copy)]
pub enum Refusal {
    /// Inserting a connection record.
    Insert,
    /// Marking a record ready (the last step of a create).
    MarkReady,
    /// Any update of a record.
    Update,
    /// Deleting a record.
    Delete,
}

impl Refusal {
    fn trigger(self) -> (&'static str, &'static str) {
        match self {
            Refusal::Insert => ("refuse_insert", "BEFORE INSERT ON connections"),
            Refusal::MarkReady => (
                "refuse_ready",
                "BEFORE UPDATE OF state ON connections WHEN NEW.state = 'ready'",
            ),
            Refusal::Update => ("refuse_update", "BEFORE UPDATE ON connections"),
            Refusal::Delete => ("refuse_delete", "BEFORE DELETE ON connections"),
        }
    }
}

/// Makes SQLite refuse that write ("disk full") until [`allow`].
pub fn refuse(db: &Db, what: Refusal) {
    let (name, when) = what.trigger();
    db.with(|c| {
        Ok(c.execute_batch(&format!(
            "CREATE TRIGGER {name} {when} BEGIN SELECT RAISE(ABORT, 'disk full'); END;"
        ))?)
    })
    .unwrap();
}

pub fn allow(db: &Db, what: Refusal) {
    let (name, _) = what.trigger();
    db.with(|c| Ok(c.execute_batch(&format!("DROP TRIGGER {name};"))?))
        .unwrap();
}

/// A connection record as release 1 (schema version 1) wrote it, with this access snapshot.
pub fn insert_release_1_connection(db: &Db, access_json: &str) -> AppResult<()> {
    db.with(|c| {
        c.execute(
            "INSERT INTO connections (source, name, name_key, privacy, access, created_at,
                 updated_at, last_verified_at, request_id)
             VALUES ('toggl', 'Old', 'old', '{\"kind\":\"private_to_me\"}', ?1,
                 '2026-01-02T03:04:05Z', '2026-01-02T03:04:05Z', '2026-01-02T03:04:05Z', 'r')",
            [access_json],
        )?;
        Ok(())
    })
}

/// The Toggl identity columns migration 2 filled in, of the only connection.
pub fn toggl_identity(db: &Db) -> AppResult<(i64, String)> {
    db.with(|c| {
        Ok(c.query_row(
            "SELECT toggl_user_id, toggl_email FROM connections",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    })
}

/// Fills the file with a table of its own and damages that table's pages: the integrity
/// check fails while the connection records stay readable.
pub fn damage_all_but_the_connections(path: &Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = DELETE;
         CREATE TABLE filler (a TEXT); CREATE INDEX filler_a ON filler (a);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
         INSERT INTO filler SELECT printf('row %d %s', i, hex(randomblob(20))) FROM n;",
    )
    .unwrap();
    drop(conn);
    let mut bytes = std::fs::read(path).unwrap();
    let len = bytes.len();
    for b in &mut bytes[len - 6 * 4096..len - 4096] {
        *b = 0xA5;
    }
    std::fs::write(path, bytes).unwrap();
}

/// Some write, so the database file and its log exist on disk.
pub fn write_something(db: &Db) {
    db.with(|c| Ok(c.execute_batch("CREATE TABLE probe (x); INSERT INTO probe VALUES (1);")?))
        .unwrap();
}
