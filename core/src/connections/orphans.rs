//! Credential store entries that no connection owns any more, and their removal.
//!
//! An entry is owned when a record (in any state) points at it with its id and current
//! generation, or when a journal entry announces a write or delete of it: recovery settles
//! those. Anything else filed as a connection's token in this data folder's namespace is an
//! orphan: left by a database that was damaged and moved aside, or by a step whose cleanup
//! never ran. Entries whose names are not connection keys are never touched.
//!
//! Orphans are found two ways: the store lists its entries where the platform allows it
//! (the Secret Service on Linux), and a moved-aside database names the keys its records
//! used, when the damaged copy can still be read.

use super::secret_key;
use crate::db::connections as rows;
use crate::db::secret_journal as journal;
use crate::db::Db;
use crate::error::AppResult;
use crate::secrets::SecretStore;
use rusqlite::{Connection, OpenFlags};
use std::collections::BTreeSet;
use std::path::Path;

/// What one sweep did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sweep {
    /// The keys removed (ids and generations, never a token).
    pub removed: Vec<String>,
    /// Whether the store listed its entries, so every orphan was seen.
    pub listed: bool,
}

/// Whether the database holds anything that points at a credential store entry.
pub fn has_owners(db: &Db) -> AppResult<bool> {
    Ok(!owned_keys(db)?.is_empty())
}

/// Removes the entries of `store` that no record of `db` owns: every orphan the store
/// lists, and the keys in `named` (read from a moved-aside copy) that are orphans.
pub fn remove_orphans(db: &Db, store: &dyn SecretStore, named: &[String]) -> AppResult<Sweep> {
    let owned = owned_keys(db)?;
    let listed = store.list_keys()?;
    let candidates: BTreeSet<&String> = listed.iter().flatten().chain(named).collect();
    let mut removed = Vec::new();
    for key in candidates {
        if is_connection_key(key) && !owned.contains(key) {
            store.delete(key)?;
            removed.push(key.clone());
        }
    }
    if !removed.is_empty() {
        tracing::info!(
            count = removed.len(),
            "removed credential store entries no connection owns"
        );
    }
    Ok(Sweep {
        removed,
        listed: listed.is_some(),
    })
}

/// The keys a moved-aside database's records and journal name, or `None` when the copy
/// cannot be read (or not its connections).
pub fn keys_in_copy(path: &Path) -> Option<Vec<String>> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).ok()?;
    let mut keys = keys_of(&conn).ok()?;
    keys.extend(journal_keys(&conn).unwrap_or_default());
    Some(keys.into_iter().collect())
}

fn owned_keys(db: &Db) -> AppResult<BTreeSet<String>> {
    db.with(|conn| {
        let mut keys = keys_of(conn)?;
        keys.extend(journal_keys(conn)?);
        Ok(keys)
    })
}

fn keys_of(conn: &Connection) -> AppResult<BTreeSet<String>> {
    Ok(rows::list_all(conn)?
        .iter()
        .map(|row| secret_key(row.id, row.secret_generation))
        .collect())
}

fn journal_keys(conn: &Connection) -> AppResult<BTreeSet<String>> {
    Ok(journal::pending(conn, None)?
        .iter()
        .map(|entry| secret_key(entry.connection_id, entry.generation))
        .collect())
}

/// Whether `key` has the shape of [`secret_key`]: `connection-<id>.<generation>`.
fn is_connection_key(key: &str) -> bool {
    let number = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    key.strip_prefix("connection-")
        .and_then(|rest| rest.split_once('.'))
        .is_some_and(|(id, generation)| number(id) && number(generation))
}

#[cfg(test)]
pub(crate) mod tests;
