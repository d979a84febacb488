//! A record that the app closed its database cleanly, so the next start can skip the
//! quick check. The check reads every page: with a million pulled entries it is most of
//! the start-up time, and a file nothing touched since a clean close cannot have been
//! damaged by a crash of the app. The record names the file's size and modification
//! time; anything that writes to the file afterwards (this app, another program, a
//! restore from backup) changes them and voids it. It is used once: taking it removes
//! it, so a run that crashes leaves none and the next start checks again, and a write
//! by the app after the record was made removes it (file times are too coarse to show
//! a write made within the same few milliseconds).

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

fn record_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".closed-cleanly");
    PathBuf::from(name)
}

/// The database's size and modification time, or `None` when it cannot be read or its
/// write-ahead log still holds pages (then it was not left clean).
fn fingerprint(database: &Path) -> Option<String> {
    let mut wal = database.as_os_str().to_owned();
    wal.push("-wal");
    if std::fs::metadata(PathBuf::from(wal)).is_ok_and(|m| m.len() > 0) {
        return None;
    }
    let meta = std::fs::metadata(database).ok()?;
    let modified = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    Some(format!("{} {}", meta.len(), modified.as_nanos()))
}

/// Writes the record for a database whose log was just emptied.
pub(super) fn record(database: &Path) -> std::io::Result<()> {
    match fingerprint(database) {
        Some(stamp) => std::fs::write(record_path(database), stamp),
        None => Ok(()),
    }
}

/// Removes the record: the app wrote again after recording a clean close.
pub(super) fn void(database: &Path) {
    let _ = std::fs::remove_file(record_path(database));
}

/// Whether the database is exactly as the app left it at a clean close. The record is
/// removed either way.
pub(super) fn take(database: &Path) -> bool {
    let path = record_path(database);
    let Ok(recorded) = std::fs::read_to_string(&path) else {
        return false;
    };
    if let Err(e) = std::fs::remove_file(&path) {
        tracing::warn!(error = %e, "the clean-close record could not be removed; checking the database");
        return false;
    }
    fingerprint(database).is_some_and(|now| now == recorded)
}

#[cfg(test)]
mod tests {
    use crate::db::Db;

    fn entries(db: &Db) -> i64 {
        db.with(|c| Ok(c.query_row("SELECT count(*) FROM time_entries", [], |r| r.get(0))?))
            .unwrap()
    }

    #[test]
    fn a_database_closed_cleanly_and_untouched_opens_without_the_check_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("blink.sqlite3");
        let opened = Db::open(&path).unwrap();
        assert!(opened.checked, "a new file is checked");
        opened.db.close_cleanly().unwrap();
        drop(opened);

        let reopened = Db::open(&path).unwrap();
        assert!(!reopened.checked, "unchanged since a clean close");
        assert_eq!(entries(&reopened.db), 0);
        drop(reopened);

        assert!(Db::open(&path).unwrap().checked, "the record is used once");
    }

    #[test]
    fn a_write_after_the_clean_close_voids_the_record() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("blink.sqlite3");
        let opened = Db::open(&path).unwrap();
        opened.db.close_cleanly().unwrap();
        opened
            .db
            .with(|c| Ok(c.execute_batch("CREATE TABLE touched (x); DROP TABLE touched;")?))
            .unwrap();
        drop(opened);
        assert!(Db::open(&path).unwrap().checked);
    }

    #[test]
    fn a_file_damaged_after_a_clean_close_is_still_found_and_moved_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("blink.sqlite3");
        let opened = Db::open(&path).unwrap();
        opened.db.close_cleanly().unwrap();
        drop(opened);
        let mut bytes = std::fs::read(&path).unwrap();
        let len = bytes.len();
        for b in &mut bytes[4096..len.min(8192)] {
            *b = 0xA5;
        }
        std::fs::write(&path, bytes).unwrap();
        let reopened = Db::open(&path).unwrap();
        assert!(reopened.checked);
        assert!(reopened.moved_aside.is_some(), "damage is still detected");
    }
}
