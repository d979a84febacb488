//! Queries on `time_entries` and `time_entry_tags`: the upsert every pulled page goes
//! through (the benchmark uses the same function) and the sweep that removes entries
//! deleted on Toggl once a pass over their range is complete.

use crate::error::{AppError, AppResult};
use rusqlite::{params, params_from_iter, Connection};
use std::collections::{HashMap, HashSet};

/// The longest entry storage accepts, in seconds (a year and a day). Longer is no real
/// entry, and refusing it keeps every sum of durations far from overflowing.
pub const MAX_DURATION_SECS: i64 = 367 * 86_400;

/// One time entry as stored, whichever Toggl endpoint it came from. Times are unix
/// seconds, UTC. A running entry has no `stop` and no `duration`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRecord {
    pub id: i64,
    pub workspace_id: i64,
    pub project_id: Option<i64>,
    pub task_id: Option<i64>,
    pub user_id: Option<i64>,
    pub user_name: Option<String>,
    pub description: Option<String>,
    pub start: i64,
    pub stop: Option<i64>,
    pub duration: Option<i64>,
    pub billable: Option<bool>,
    pub tag_ids: Vec<i64>,
    pub at: Option<String>,
    /// What the entry earns, as the detailed report gives it (never for own entries).
    pub money: Option<Money>,
}

/// An entry's billable amount and hourly rate in cents of `currency`, as Toggl reported
/// them. Amounts of different currencies are never added together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Money {
    pub amount_cents: Option<i64>,
    pub hourly_rate_cents: Option<i64>,
    /// ISO 4217 code; `None` when Toggl named none.
    pub currency: Option<String>,
}

impl EntryRecord {
    /// Why the entry cannot be real, if it cannot: a negative or absurd duration, a
    /// duration without a stop, or a stop before the start.
    fn impossibility(&self) -> Option<String> {
        if let Some(d) = self.duration {
            if !(0..=MAX_DURATION_SECS).contains(&d) {
                return Some(format!("a duration of {d} seconds"));
            }
            if self.stop.is_none() {
                return Some("a duration but no stop".into());
            }
        }
        match self.stop {
            Some(stop) if stop < self.start => Some("a stop before its start".into()),
            Some(stop) if stop - self.start > MAX_DURATION_SECS => {
                Some(format!("a span of {} seconds", stop - self.start))
            }
            _ => None,
        }
    }
}

/// Entries per upsert statement (19 values each) and entry–tag links per insert (11
/// each), inside SQLite's limit of 32,766 values: a page of the report's largest size
/// goes in one statement of each kind. Not one per row: SQLite opens a statement journal
/// for each upsert, and the full-text index writes its pending terms out as a new
/// segment at each one, which made a statement per row cost far more than the row.
const ROWS_PER_STATEMENT: usize = 1000;
const LINKS_PER_STATEMENT: usize = 2000;

/// Inserts or updates `entries` for a connection and marks them seen by `pull_id`.
/// Run it inside the page's transaction; returns the number of entries written. A page
/// holding an impossible entry (see [`MAX_DURATION_SECS`]) is refused whole, before
/// anything is written.
///
/// An entry stored already with the same content only gets its mark: no index, no
/// full-text or tag-link work, so re-pulling unchanged entries costs almost nothing. The
/// tag links of an entry are written only when the entry itself was.
pub fn upsert(
    conn: &Connection,
    connection_id: i64,
    pull_id: i64,
    entries: &[EntryRecord],
) -> AppResult<usize> {
    if let Some((e, why)) = entries
        .iter()
        .find_map(|e| e.impossibility().map(|why| (e, why)))
    {
        return Err(AppError::Database(format!(
            "time entry {} has {why}, which no real entry has; the page was not stored",
            e.id
        )));
    }
    for chunk in entries.chunks(ROWS_PER_STATEMENT) {
        upsert_chunk(conn, connection_id, pull_id, chunk)?;
    }
    Ok(entries.len())
}

/// One statement's worth of [`upsert`]: the rows, then the marks of the unchanged ones,
/// then the tag links of the written ones.
fn upsert_chunk(
    conn: &Connection,
    connection_id: i64,
    pull_id: i64,
    chunk: &[EntryRecord],
) -> AppResult<()> {
    // A new row gets a rowid above every existing one (SQLite's rule while the largest
    // is below i64::MAX; past it a new row counts as existing, which only costs a
    // needless delete of links it does not have).
    let newest: i64 = conn
        .prepare_cached("SELECT COALESCE(MAX(rowid), 0) FROM time_entries")?
        .query_row([], |r| r.get(0))?;
    let written = write_rows(conn, connection_id, pull_id, chunk)?;
    let written_ids: HashSet<i64> = written.iter().map(|(id, _)| *id).collect();
    let unchanged: Vec<i64> = chunk
        .iter()
        .map(|e| e.id)
        .filter(|id| !written_ids.contains(id))
        .collect();
    if !unchanged.is_empty() {
        conn.prepare_cached(
            "UPDATE time_entries SET seen_pull = ?2
             WHERE connection_id = ?1 AND id IN (SELECT value FROM json_each(?3))
               AND seen_pull IS NOT ?2",
        )?
        .execute(params![connection_id, pull_id, id_list(&unchanged)])?;
    }
    let rewritten: Vec<i64> = written
        .iter()
        .filter(|(_, rowid)| *rowid <= newest)
        .map(|(id, _)| *id)
        .collect();
    if !rewritten.is_empty() {
        // Named index: without statistics the planner reads every link of the
        // connection through the review index instead.
        conn.prepare_cached(
            "DELETE FROM time_entry_tags INDEXED BY time_entry_tags_entry
             WHERE connection_id = ?1 AND entry_id IN (SELECT value FROM json_each(?2))",
        )?
        .execute(params![connection_id, id_list(&rewritten)])?;
    }
    // The last version of an entry the chunk names twice is the one stored.
    let latest: HashMap<i64, &EntryRecord> = chunk.iter().map(|e| (e.id, e)).collect();
    let mut linked = HashSet::new();
    let links: Vec<(&EntryRecord, i64)> = written
        .iter()
        .filter(|(id, _)| linked.insert(*id))
        .filter_map(|(id, _)| latest.get(id))
        .flat_map(|e| e.tag_ids.iter().map(move |tag| (*e, *tag)))
        .collect();
    for part in links.chunks(LINKS_PER_STATEMENT) {
        insert_links(conn, connection_id, part)?;
    }
    Ok(())
}

/// `VALUES` rows of `columns` placeholders each, `rows` times.
fn values(rows: usize, columns: usize) -> String {
    let row = format!("({})", vec!["?"; columns].join(", "));
    vec![row; rows].join(", ")
}

/// A JSON array of ids, for `IN (SELECT value FROM json_each(?))`: one statement text
/// whatever the number of ids.
fn id_list(ids: &[i64]) -> String {
    serde_json::to_string(ids).unwrap_or_else(|_| "[]".into())
}

/// The multi-row upsert: inserts new entries, updates those whose content differs, leaves
/// identical ones untouched. Returns (id, rowid) of every row it wrote.
fn write_rows(
    conn: &Connection,
    connection_id: i64,
    pull_id: i64,
    chunk: &[EntryRecord],
) -> AppResult<Vec<(i64, i64)>> {
    const COLUMNS: usize = 19;
    let sql = format!(
        "INSERT INTO time_entries (connection_id, id, workspace_id, project_id, task_id,
             user_id, user_name, description, description_folded, start, stop, duration,
             billable, tag_ids, at, seen_pull, billable_amount_cents, hourly_rate_cents,
             currency)
         VALUES {}
         ON CONFLICT (connection_id, id) DO UPDATE SET
             workspace_id = excluded.workspace_id, project_id = excluded.project_id,
             task_id = excluded.task_id, user_id = excluded.user_id,
             user_name = COALESCE(excluded.user_name, time_entries.user_name),
             description = excluded.description,
             description_folded = excluded.description_folded, start = excluded.start,
             stop = excluded.stop, duration = excluded.duration, billable = excluded.billable,
             tag_ids = excluded.tag_ids, at = excluded.at, seen_pull = excluded.seen_pull,
             billable_amount_cents = excluded.billable_amount_cents,
             hourly_rate_cents = excluded.hourly_rate_cents, currency = excluded.currency
         WHERE time_entries.workspace_id IS NOT excluded.workspace_id
            OR time_entries.project_id IS NOT excluded.project_id
            OR time_entries.task_id IS NOT excluded.task_id
            OR time_entries.user_id IS NOT excluded.user_id
            OR time_entries.user_name IS NOT COALESCE(excluded.user_name, time_entries.user_name)
            OR time_entries.description IS NOT excluded.description
            OR time_entries.description_folded IS NOT excluded.description_folded
            OR time_entries.start IS NOT excluded.start
            OR time_entries.stop IS NOT excluded.stop
            OR time_entries.duration IS NOT excluded.duration
            OR time_entries.billable IS NOT excluded.billable
            OR time_entries.tag_ids IS NOT excluded.tag_ids
            OR time_entries.at IS NOT excluded.at
            OR time_entries.billable_amount_cents IS NOT excluded.billable_amount_cents
            OR time_entries.hourly_rate_cents IS NOT excluded.hourly_rate_cents
            OR time_entries.currency IS NOT excluded.currency
         RETURNING id, rowid",
        values(chunk.len(), COLUMNS)
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    for (row, e) in chunk.iter().enumerate() {
        let at = |k: usize| row * COLUMNS + k;
        let description = e.description.as_deref().filter(|d| !d.is_empty());
        let money = e.money.as_ref();
        stmt.raw_bind_parameter(at(1), connection_id)?;
        stmt.raw_bind_parameter(at(2), e.id)?;
        stmt.raw_bind_parameter(at(3), e.workspace_id)?;
        stmt.raw_bind_parameter(at(4), e.project_id)?;
        stmt.raw_bind_parameter(at(5), e.task_id)?;
        stmt.raw_bind_parameter(at(6), e.user_id)?;
        stmt.raw_bind_parameter(at(7), e.user_name.as_deref())?;
        stmt.raw_bind_parameter(at(8), description)?;
        stmt.raw_bind_parameter(at(9), description.map(str::to_lowercase))?;
        stmt.raw_bind_parameter(at(10), e.start)?;
        stmt.raw_bind_parameter(at(11), e.stop)?;
        stmt.raw_bind_parameter(at(12), e.duration)?;
        stmt.raw_bind_parameter(at(13), e.billable)?;
        stmt.raw_bind_parameter(at(14), id_list(&e.tag_ids))?;
        stmt.raw_bind_parameter(at(15), e.at.as_deref())?;
        stmt.raw_bind_parameter(at(16), pull_id)?;
        stmt.raw_bind_parameter(at(17), money.and_then(|m| m.amount_cents))?;
        stmt.raw_bind_parameter(at(18), money.and_then(|m| m.hourly_rate_cents))?;
        stmt.raw_bind_parameter(at(19), money.and_then(|m| m.currency.as_deref()))?;
    }
    let mut rows = stmt.raw_query();
    let mut written = Vec::with_capacity(chunk.len());
    while let Some(row) = rows.next()? {
        written.push((row.get(0)?, row.get(1)?));
    }
    Ok(written)
}

/// Inserts entry–tag links, each with the entry's columns the review filters and sums by.
fn insert_links(
    conn: &Connection,
    connection_id: i64,
    links: &[(&EntryRecord, i64)],
) -> AppResult<()> {
    const COLUMNS: usize = 11;
    let sql = format!(
        "INSERT OR IGNORE INTO time_entry_tags (connection_id, entry_id, tag_id, workspace_id,
             start, project_id, user_id, duration, billable, billable_amount_cents, currency)
         VALUES {}",
        values(links.len(), COLUMNS)
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    for (row, (e, tag)) in links.iter().enumerate() {
        let at = |k: usize| row * COLUMNS + k;
        let money = e.money.as_ref();
        stmt.raw_bind_parameter(at(1), connection_id)?;
        stmt.raw_bind_parameter(at(2), e.id)?;
        stmt.raw_bind_parameter(at(3), tag)?;
        stmt.raw_bind_parameter(at(4), e.workspace_id)?;
        stmt.raw_bind_parameter(at(5), e.start)?;
        stmt.raw_bind_parameter(at(6), e.project_id)?;
        stmt.raw_bind_parameter(at(7), e.user_id)?;
        stmt.raw_bind_parameter(at(8), e.duration)?;
        stmt.raw_bind_parameter(at(9), e.billable)?;
        stmt.raw_bind_parameter(at(10), money.and_then(|m| m.amount_cents))?;
        stmt.raw_bind_parameter(at(11), money.and_then(|m| m.currency.as_deref()))?;
    }
    stmt.raw_execute()?;
    Ok(())
}

/// The rows a completed pass covered: entries of these workspaces (and of this user,
/// for the caller's own entries) that started in `[start, end)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepScope<'a> {
    pub workspace_ids: &'a [i64],
    pub user_id: Option<i64>,
    pub start: i64,
    pub end: i64,
}

/// Deletes the entries in `scope` that pull `pull_id` did not see: Toggl no longer has
/// them (or they moved out of the range). Returns how many went. Their tag links go
/// first: no key cascades from an entry to its links (see migration 0010).
pub fn sweep(
    conn: &Connection,
    connection_id: i64,
    pull_id: i64,
    scope: &SweepScope<'_>,
) -> AppResult<usize> {
    in_scope(
        conn,
        "DELETE FROM time_entry_tags INDEXED BY time_entry_tags_entry
         WHERE connection_id = ? AND entry_id IN
             (SELECT id FROM time_entries WHERE seen_pull <> ? AND {scope})",
        &[connection_id, pull_id],
        connection_id,
        scope,
        true,
    )?;
    in_scope(
        conn,
        "DELETE FROM time_entries WHERE seen_pull <> ? AND {scope}",
        &[pull_id],
        connection_id,
        scope,
        true,
    )
}

/// Deletes every entry of one workspace of a connection, with its tag links.
pub fn delete_workspace(
    conn: &Connection,
    connection_id: i64,
    workspace_id: i64,
) -> AppResult<usize> {
    conn.execute(
        "DELETE FROM time_entry_tags INDEXED BY time_entry_tags_entry
         WHERE connection_id = ?1 AND entry_id IN
             (SELECT id FROM time_entries WHERE connection_id = ?1 AND workspace_id = ?2)",
        params![connection_id, workspace_id],
    )?;
    Ok(conn.execute(
        "DELETE FROM time_entries WHERE connection_id = ?1 AND workspace_id = ?2",
        params![connection_id, workspace_id],
    )?)
}

/// Forgets that pull `pull_id` saw the entries in `scope`, so a second walk of that scope
/// (its rows moved on Toggl while the pull was stopped) sweeps what it no longer sees.
pub fn unsee(
    conn: &Connection,
    connection_id: i64,
    pull_id: i64,
    scope: &SweepScope<'_>,
) -> AppResult<usize> {
    in_scope(
        conn,
        "UPDATE time_entries SET seen_pull = 0 WHERE seen_pull = ? AND {scope}",
        &[pull_id],
        connection_id,
        scope,
        false,
    )
}

/// Deletes the connection's entries with these ids, and their tag links: Toggl said
/// they were deleted. With `starting_in`, only those whose stored start lies in
/// `[start, end)`: they moved out of a range walked for changes. Returns how many went.
pub fn delete_ids(
    conn: &Connection,
    connection_id: i64,
    ids: &[i64],
    starting_in: Option<(i64, i64)>,
) -> AppResult<usize> {
    let mut links = conn.prepare_cached(
        "DELETE FROM time_entry_tags INDEXED BY time_entry_tags_entry
         WHERE connection_id = ?1 AND entry_id = ?2 AND EXISTS (SELECT 1 FROM time_entries
             WHERE connection_id = ?1 AND id = ?2 AND (?3 IS NULL OR (start >= ?3 AND start < ?4)))",
    )?;
    let mut entry = conn.prepare_cached(
        "DELETE FROM time_entries WHERE connection_id = ?1 AND id = ?2
             AND (?3 IS NULL OR (start >= ?3 AND start < ?4))",
    )?;
    let (start, end) = starting_in.unzip();
    let mut deleted = 0;
    for id in ids {
        links.execute(params![connection_id, id, start, end])?;
        deleted += entry.execute(params![connection_id, id, start, end])?;
    }
    Ok(deleted)
}

/// Runs `statement` with `{scope}` standing for the connection's entries in `scope`:
/// its days and workspaces, and its user when `by_user` and one is set. `leading` are
/// the values of the placeholders before `{scope}`.
fn in_scope(
    conn: &Connection,
    statement: &str,
    leading: &[i64],
    connection_id: i64,
    scope: &SweepScope<'_>,
    by_user: bool,
) -> AppResult<usize> {
    if scope.workspace_ids.is_empty() {
        return Ok(0);
    }
    let marks = vec!["?"; scope.workspace_ids.len()].join(", ");
    let user = scope.user_id.filter(|_| by_user);
    let user_clause = if user.is_some() {
        " AND user_id = ?"
    } else {
        ""
    };
    let clause = format!(
        "connection_id = ? AND start >= ? AND start < ? \
         AND workspace_id IN ({marks}){user_clause}"
    );
    let sql = statement.replace("{scope}", &clause);
    let mut values: Vec<i64> = leading.to_vec();
    values.extend([connection_id, scope.start, scope.end]);
    values.extend_from_slice(scope.workspace_ids);
    values.extend(user);
    Ok(conn.execute(&sql, params_from_iter(values))?)
}

/// What tests read back of the stored entries: every table the upsert writes, rowids and
/// the full-text index's own tables included, and the index's integrity check.
#[cfg(test)]
pub(crate) mod inspect {
    use crate::error::AppResult;
    use rusqlite::Connection;

    /// Every row of `time_entries` (with its rowid, without the pull's mark), of
    /// `time_entry_tags` and of the full-text index's shadow tables, as text.
    pub(crate) fn storage(conn: &Connection) -> AppResult<Vec<String>> {
        let mut out = Vec::new();
        for sql in [
            "SELECT 'entry', rowid, connection_id, id, workspace_id, project_id, task_id, user_id,
                 user_name, description, description_folded, start, stop, duration, billable,
                 tag_ids, at, billable_amount_cents, hourly_rate_cents, currency
             FROM time_entries ORDER BY rowid",
            "SELECT 'link', * FROM time_entry_tags ORDER BY connection_id, entry_id, tag_id",
            "SELECT 'fts_data', * FROM time_entries_fts_data ORDER BY id",
            "SELECT 'fts_idx', * FROM time_entries_fts_idx ORDER BY segid, term",
            "SELECT 'fts_docsize', * FROM time_entries_fts_docsize ORDER BY id",
        ] {
            out.extend(crate::db::test_dump::rows_as_text(conn, sql, [], &[])?);
        }
        Ok(out)
    }

    /// FTS5's own check that the index holds exactly the table's folded descriptions.
    pub(crate) fn text_index_is_sound(conn: &Connection) -> AppResult<()> {
        conn.execute_batch(
            "INSERT INTO time_entries_fts (time_entries_fts, rank) VALUES ('integrity-check', 1)",
        )?;
        Ok(())
    }

    /// Ids of the entries whose folded description the full-text index matches `phrase`.
    pub(crate) fn text_matches(conn: &Connection, phrase: &str) -> AppResult<Vec<i64>> {
        let mut stmt = conn.prepare(
            "SELECT id FROM time_entries WHERE rowid IN
                 (SELECT rowid FROM time_entries_fts WHERE time_entries_fts MATCH ?1)
             ORDER BY id",
        )?;
        let ids = stmt.query_map([format!("\"{phrase}\"")], |r| r.get(0))?;
        Ok(ids.collect::<Result<_, _>>()?)
    }

    /// (entry, tag, link's start, link's duration) of one link.
    pub(crate) type Link = (i64, i64, i64, Option<i64>);

    /// Every link, in order.
    pub(crate) fn links(conn: &Connection) -> AppResult<Vec<Link>> {
        let mut stmt = conn.prepare(
            "SELECT entry_id, tag_id, start, duration FROM time_entry_tags ORDER BY entry_id, tag_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// (id, seen_pull) of every entry, in order.
    pub(crate) fn marks(conn: &Connection) -> AppResult<Vec<(i64, i64)>> {
        let mut stmt = conn.prepare("SELECT id, seen_pull FROM time_entries ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    fn entry(id: i64, start: i64, stop: Option<i64>, duration: Option<i64>) -> EntryRecord {
        EntryRecord {
            id,
            workspace_id: 1,
            project_id: None,
            task_id: None,
            user_id: Some(1),
            user_name: None,
            description: None,
            start,
            stop,
            duration,
            billable: None,
            tag_ids: vec![],
            at: None,
            money: None,
        }
    }

    fn stored(db: &Db) -> i64 {
        db.with(|c| Ok(c.query_row("SELECT COUNT(*) FROM time_entries", [], |r| r.get(0))?))
            .unwrap()
    }

    #[test]
    fn impossible_durations_are_refused_with_the_whole_page() {
        let db = Db::open_in_memory().unwrap();
        let c = crate::sync::test_support::add_bare_connection(&db, "Durations");
        let start = 1_760_000_000;
        let fine = entry(1, start, Some(start + 60), Some(60));
        for bad in [
            entry(2, start, Some(start + 60), Some(-60)),
            entry(3, start, Some(start + 60), Some(i64::MAX)),
            entry(4, start, Some(start + 60), Some(MAX_DURATION_SECS + 1)),
            entry(5, start, None, Some(60)),
            entry(6, start, Some(start - 1), None),
            entry(7, start, Some(i64::MAX), None),
        ] {
            let id = bad.id;
            let error = db
                .transaction(|tx| upsert(tx, c, 1, &[fine.clone(), bad]))
                .unwrap_err();
            assert_eq!(error.code(), "database");
            assert!(
                error.to_string().contains(&format!("time entry {id}")),
                "{error}"
            );
            assert_eq!(stored(&db), 0, "nothing of the page is written");
        }
        let running = entry(8, start, None, None);
        let longest = entry(
            9,
            start,
            Some(start + MAX_DURATION_SECS),
            Some(MAX_DURATION_SECS),
        );
        db.transaction(|tx| upsert(tx, c, 1, &[fine, running, longest]))
            .unwrap();
        assert_eq!(stored(&db), 3);
    }

    #[test]
    fn migrating_keeps_the_tag_links_and_drops_only_their_key_to_the_entries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("blink.sqlite3");
        let before = Db::version_before("0010_tag_links_without_entry_key");
        let db = Db::open_at_version(&path, before).unwrap();
        let c = crate::sync::test_support::add_bare_connection(&db, "Links");
        let start = 1_760_000_000;
        let mut tagged = entry(1, start, Some(start + 60), Some(60));
        tagged.tag_ids = vec![5, 6];
        db.transaction(|tx| upsert(tx, c, 1, &[tagged])).unwrap();
        let links = |db: &Db| db.with(|conn| inspect::links(conn)).unwrap();
        let old = links(&db);
        assert_eq!(old.len(), 2);
        drop(db);
        let db = Db::open(&path).unwrap().db;
        assert_eq!(links(&db), old);
        let parents: Vec<String> = db
            .with(|conn| {
                let mut stmt = conn
                    .prepare("SELECT \"table\" FROM pragma_foreign_key_list('time_entry_tags')")?;
                let rows = stmt.query_map([], |r| r.get(0))?;
                Ok(rows.collect::<Result<_, _>>()?)
            })
            .unwrap();
        assert_eq!(parents, ["connections"]);
        db.transaction(|tx| crate::db::connections::delete(tx, c))
            .unwrap();
        assert_eq!(links(&db), vec![], "the connection's links go with it");
    }
}
