//! Totals of the review page: tracked seconds by project, user, client and day for the
//! filtered entries, summed in one pass over the rows SQLite selects.

use super::filter::Filter;
use crate::db::Db;
use crate::error::AppResult;
use rusqlite::{params_from_iter, Connection};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// One group of a total. `id` is `None` for entries without a project/client/user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TotalRow {
    pub id: Option<i64>,
    pub name: String,
    pub seconds: i64,
    pub entries: i64,
}

/// Seconds tracked on one day (`YYYY-MM-DD`, in the filter's time zone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayTotal {
    pub day: String,
    pub seconds: i64,
    pub entries: i64,
}

/// Running entries (no duration yet) count as entries with zero seconds. Sums saturate
/// rather than wrap: storage refuses absurd durations, and a sum is never allowed to
/// overflow into a negative total whatever the file holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub seconds: i64,
    pub entries: i64,
    /// Largest first.
    pub by_project: Vec<TotalRow>,
    pub by_user: Vec<TotalRow>,
    pub by_client: Vec<TotalRow>,
    /// Oldest day first; days without entries are absent.
    pub by_day: Vec<DayTotal>,
}

pub fn totals(db: &Db, connection_id: i64, filter: &Filter) -> AppResult<Totals> {
    db.read(|conn| {
        let sums = scan(conn, connection_id, filter)?;
        let names = Names::load(conn, connection_id, &sums)?;
        let mut by_client: HashMap<Option<i64>, (i64, i64)> = HashMap::new();
        for (project, (seconds, entries)) in &sums.by_project {
            let client = project.and_then(|p| names.project_client.get(&p).copied().flatten());
            let slot = by_client.entry(client).or_default();
            slot.0 = slot.0.saturating_add(*seconds);
            slot.1 = slot.1.saturating_add(*entries);
        }
        let by_day = sums
            .by_day
            .iter()
            .map(|(day, (seconds, entries))| DayTotal {
                day: day_text(*day),
                seconds: *seconds,
                entries: *entries,
            })
            .collect();
        Ok(Totals {
            seconds: sums.seconds,
            entries: sums.entries,
            by_project: ranked(&sums.by_project, |id| names.project(id)),
            by_user: ranked(&sums.by_user, |id| names.user(id)),
            by_client: ranked(&by_client, |id| names.client(id)),
            by_day,
        })
    })
}

/// Seconds and entry counts per key, summed in one pass over the filtered rows.
#[derive(Default)]
struct Sums {
    seconds: i64,
    entries: i64,
    by_project: HashMap<Option<i64>, (i64, i64)>,
    by_user: HashMap<Option<i64>, (i64, i64)>,
    by_day: BTreeMap<i64, (i64, i64)>,
}

/// One pass over the filtered entries, reading only the columns the totals need (the
/// `time_entries_totals` index covers them, so an unfiltered pass never touches the
/// table itself). Five GROUP BY queries would read the rows five times.
fn scan(conn: &Connection, connection_id: i64, filter: &Filter) -> AppResult<Sums> {
    let sql = filter.to_sql(connection_id);
    let offset = i64::from(filter.utc_offset_minutes) * 60;
    let mut stmt = conn.prepare(&format!(
        "SELECT e.project_id, e.user_id, e.start, e.duration FROM time_entries e WHERE {}",
        sql.clause
    ))?;
    let mut rows = stmt.query(params_from_iter(sql.params))?;
    let mut sums = Sums::default();
    while let Some(row) = rows.next()? {
        let project: Option<i64> = row.get(0)?;
        let user: Option<i64> = row.get(1)?;
        let start: i64 = row.get(2)?;
        let seconds = row.get::<_, Option<i64>>(3)?.unwrap_or(0).max(0);
        sums.seconds = sums.seconds.saturating_add(seconds);
        sums.entries += 1;
        for slot in [
            sums.by_project.entry(project).or_default(),
            sums.by_user.entry(user).or_default(),
            sums.by_day
                .entry(start.saturating_add(offset).div_euclid(86_400))
                .or_default(),
        ] {
            slot.0 = slot.0.saturating_add(seconds);
            slot.1 += 1;
        }
    }
    Ok(sums)
}

fn day_text(days_since_epoch: i64) -> String {
    days_since_epoch
        .checked_mul(86_400)
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// Largest first; ties by id, entries without one first.
fn ranked(
    sums: &HashMap<Option<i64>, (i64, i64)>,
    name: impl Fn(Option<i64>) -> String,
) -> Vec<TotalRow> {
    let mut rows: Vec<TotalRow> = sums
        .iter()
        .map(|(id, (seconds, entries))| TotalRow {
            id: *id,
            name: name(*id),
            seconds: *seconds,
            entries: *entries,
        })
        .collect();
    rows.sort_by(|a, b| b.seconds.cmp(&a.seconds).then(a.id.cmp(&b.id)));
    rows
}

/// Names of the projects, clients and users the totals mention (small lookups).
struct Names {
    projects: HashMap<i64, String>,
    project_client: HashMap<i64, Option<i64>>,
    clients: HashMap<i64, String>,
    users: HashMap<i64, String>,
}

impl Names {
    fn load(conn: &Connection, connection_id: i64, sums: &Sums) -> AppResult<Names> {
        let mut names = Names {
            projects: HashMap::new(),
            project_client: HashMap::new(),
            clients: HashMap::new(),
            users: HashMap::new(),
        };
        let mut stmt = conn
            .prepare("SELECT id, name, client_id FROM toggl_projects WHERE connection_id = ?1")?;
        let mut rows = stmt.query([connection_id])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            names.projects.insert(id, r.get(1)?);
            names.project_client.insert(id, r.get(2)?);
        }
        let mut stmt =
            conn.prepare("SELECT id, name FROM toggl_clients WHERE connection_id = ?1")?;
        let mut rows = stmt.query([connection_id])?;
        while let Some(r) = rows.next()? {
            names.clients.insert(r.get(0)?, r.get(1)?);
        }
        let mut stmt = conn.prepare(
            "SELECT COALESCE(
                 (SELECT user_name FROM time_entries WHERE connection_id = ?1 AND user_id = ?2
                    AND user_name IS NOT NULL LIMIT 1),
                 (SELECT MAX(name) FROM toggl_members WHERE connection_id = ?1 AND user_id = ?2))",
        )?;
        for id in sums.by_user.keys().flatten() {
            let name: Option<String> = stmt.query_row([connection_id, *id], |r| r.get(0))?;
            if let Some(name) = name {
                names.users.insert(*id, name);
            }
        }
        Ok(names)
    }

    fn project(&self, id: Option<i64>) -> String {
        match id {
            None => "(no project)".into(),
            Some(id) => self
                .projects
                .get(&id)
                .cloned()
                .unwrap_or_else(|| format!("Project {id}")),
        }
    }

    fn client(&self, id: Option<i64>) -> String {
        match id {
            None => "(no client)".into(),
            Some(id) => self
                .clients
                .get(&id)
                .cloned()
                .unwrap_or_else(|| format!("Client {id}")),
        }
    }

    fn user(&self, id: Option<i64>) -> String {
        match id {
            None => "(unknown user)".into(),
            Some(id) => self
                .users
                .get(&id)
                .cloned()
                .unwrap_or_else(|| format!("User {id}")),
        }
    }
}
