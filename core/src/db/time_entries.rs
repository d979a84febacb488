//! Queries on `time_entries` and `time_entry_tags`: the upsert every pulled page goes
//! through (the benchmark uses the same function) and the sweep that removes entries
//! deleted on Toggl once a pass over their range is complete.

use crate::error::{AppError, AppResult};
use rusqlite::{params, params_from_iter, Connection};

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

/// Inserts or updates `entries` for a connection and marks them seen by `pull_id`.
/// Run it inside the page's transaction; returns the number of entries written. A page
/// holding an impossible entry (see [`MAX_DURATION_SECS`]) is refused whole, before
/// anything is written.
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
    let mut entry = conn.prepare_cached(
        "INSERT INTO time_entries (connection_id, id, workspace_id, project_id, task_id, user_id,
             user_name, description, description_folded, start, stop, duration, billable, tag_ids,
             at, seen_pull, billable_amount_cents, hourly_rate_cents, currency)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
             ?19)
         ON CONFLICT (connection_id, id) DO UPDATE SET
             workspace_id = excluded.workspace_id, project_id = excluded.project_id,
             task_id = excluded.task_id, user_id = excluded.user_id,
             user_name = COALESCE(excluded.user_name, time_entries.user_name),
             description = excluded.description,
             description_folded = excluded.description_folded, start = excluded.start,
             stop = excluded.stop, duration = excluded.duration, billable = excluded.billable,
             tag_ids = excluded.tag_ids, at = excluded.at, seen_pull = excluded.seen_pull,
             billable_amount_cents = excluded.billable_amount_cents,
             hourly_rate_cents = excluded.hourly_rate_cents, currency = excluded.currency",
    )?;
    let mut clear_tags = conn
        .prepare_cached("DELETE FROM time_entry_tags WHERE connection_id = ?1 AND entry_id = ?2")?;
    let mut add_tag = conn.prepare_cached(
        "INSERT OR IGNORE INTO time_entry_tags (connection_id, entry_id, tag_id, workspace_id,
             start, project_id, user_id, duration, billable, billable_amount_cents, currency)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    for e in entries {
        let description = e.description.as_deref().filter(|d| !d.is_empty());
        let tag_ids = serde_json::to_string(&e.tag_ids).unwrap_or_else(|_| "[]".into());
        entry.execute(params![
            connection_id,
            e.id,
            e.workspace_id,
            e.project_id,
            e.task_id,
            e.user_id,
            e.user_name,
            description,
            description.map(str::to_lowercase),
            e.start,
            e.stop,
            e.duration,
            e.billable,
            tag_ids,
            e.at,
            pull_id,
            e.money.as_ref().and_then(|m| m.amount_cents),
            e.money.as_ref().and_then(|m| m.hourly_rate_cents),
            e.money.as_ref().and_then(|m| m.currency.as_deref()),
        ])?;
        clear_tags.execute(params![connection_id, e.id])?;
        for tag in &e.tag_ids {
            add_tag.execute(params![
                connection_id,
                e.id,
                tag,
                e.workspace_id,
                e.start,
                e.project_id,
                e.user_id,
                e.duration,
                e.billable,
                e.money.as_ref().and_then(|m| m.amount_cents),
                e.money.as_ref().and_then(|m| m.currency.as_deref()),
            ])?;
        }
    }
    Ok(entries.len())
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
/// them (or they moved out of the range). Returns how many went.
pub fn sweep(
    conn: &Connection,
    connection_id: i64,
    pull_id: i64,
    scope: &SweepScope<'_>,
) -> AppResult<usize> {
    in_scope(
        conn,
        "DELETE FROM time_entries WHERE seen_pull <> ?",
        connection_id,
        pull_id,
        scope,
        true,
    )
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
        "UPDATE time_entries SET seen_pull = 0 WHERE seen_pull = ?",
        connection_id,
        pull_id,
        scope,
        false,
    )
}

/// Runs `statement` (whose `WHERE` names the pull first) over the connection's entries
/// in `scope`: its days and workspaces, and its user when `by_user` and one is set.
fn in_scope(
    conn: &Connection,
    statement: &str,
    connection_id: i64,
    pull_id: i64,
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
    let sql = format!(
        "{statement} AND connection_id = ? AND start >= ? AND start < ? \
         AND workspace_id IN ({marks}){user_clause}"
    );
    let mut values: Vec<i64> = vec![pull_id, connection_id, scope.start, scope.end];
    values.extend_from_slice(scope.workspace_ids);
    values.extend(user);
    Ok(conn.execute(&sql, params_from_iter(values))?)
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
        let c = crate::sync::test_support::add_connection(
            &db,
            "Durations",
            &crate::domain::Privacy::PrivateToMe,
            &crate::domain::AccessReport::new(
                crate::domain::TogglUser {
                    id: 1,
                    fullname: "A".into(),
                    email: "a@example.test".into(),
                    timezone: None,
                },
                vec![],
                vec![],
                chrono::Utc::now(),
            ),
        );
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
}
