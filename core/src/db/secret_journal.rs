//! Queries on the `secret_journal` table: credential store writes and deletes that
//! have been announced but not yet settled. Only ids are stored, never a token.

use super::now;
use crate::error::AppResult;
use rusqlite::{params, Connection};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// A token is being written to the entry of this generation.
    Write,
    /// The entry of this generation is being removed.
    Delete,
}

impl Intent {
    fn as_str(self) -> &'static str {
        match self {
            Intent::Write => "write",
            Intent::Delete => "delete",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    pub id: i64,
    pub connection_id: i64,
    pub generation: i64,
    pub intent: Intent,
}

pub fn add(
    conn: &Connection,
    connection_id: i64,
    generation: i64,
    intent: Intent,
) -> AppResult<i64> {
    conn.execute(
        "INSERT INTO secret_journal (connection_id, generation, intent, created_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![connection_id, generation, intent.as_str(), now()],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn remove(conn: &Connection, entry_id: i64) -> AppResult<()> {
    conn.execute("DELETE FROM secret_journal WHERE id = ?1", [entry_id])?;
    Ok(())
}

/// Entries in the order they were written, optionally for one connection only.
pub fn pending(conn: &Connection, connection_id: Option<i64>) -> AppResult<Vec<JournalEntry>> {
    let mut stmt = conn.prepare(
        "SELECT id, connection_id, generation, intent FROM secret_journal
         WHERE ?1 IS NULL OR connection_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([connection_id], |row| {
        let intent: String = row.get(3)?;
        Ok(JournalEntry {
            id: row.get(0)?,
            connection_id: row.get(1)?,
            generation: row.get(2)?,
            intent: if intent == "write" {
                Intent::Write
            } else {
                Intent::Delete
            },
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
