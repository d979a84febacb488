//! Totals of the review page: tracked and billable seconds and money per currency by
//! project, user, client and day for the filtered entries, summed in one pass over the
//! rows SQLite selects.

use super::filter::Filter;
use super::tally::{scan, Amount, Currencies, Tally};
use crate::db::Db;
use crate::error::AppResult;
use rusqlite::Connection;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// One group of a total. `id` is `None` for entries without a project/client/user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TotalRow {
    pub id: Option<i64>,
    pub name: String,
    pub seconds: i64,
    pub billable_seconds: i64,
    pub non_billable_seconds: i64,
    pub entries: i64,
    /// Billable money per currency; two currencies are never added together.
    pub amounts: Vec<Amount>,
}

/// Seconds tracked on one day (`YYYY-MM-DD`, in the filter's time zone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayTotal {
    pub day: String,
    pub seconds: i64,
    pub billable_seconds: i64,
    pub entries: i64,
}

/// Running entries (no duration yet) count as entries with zero seconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub seconds: i64,
    pub billable_seconds: i64,
    pub non_billable_seconds: i64,
    pub entries: i64,
    pub amounts: Vec<Amount>,
    /// Largest first.
    pub by_project: Vec<TotalRow>,
    pub by_user: Vec<TotalRow>,
    pub by_client: Vec<TotalRow>,
    /// Oldest day first; days without entries are absent.
    pub by_day: Vec<DayTotal>,
}

/// Totals of one connection (the per-connection review).
pub fn totals(db: &Db, connection_id: i64, filter: &Filter) -> AppResult<Totals> {
    review_totals(db, &filter.for_connection(connection_id))
}

/// Totals over the filter's connections. A project, client or user is one group
/// whichever connection its entries came through (Toggl's ids are global).
pub fn review_totals(db: &Db, filter: &Filter) -> AppResult<Totals> {
    db.read(|conn| {
        let scope = filter.scope(conn)?;
        let mut currencies = Currencies::default();
        let mut sums = Sums::default();
        let offset = i64::from(filter.utc_offset_minutes) * 60;
        scan(conn, &scope, filter, &mut currencies, |fact| {
            sums.all.add(fact);
            sums.by_project.entry(fact.project).or_default().add(fact);
            sums.by_user.entry(fact.user).or_default().add(fact);
            let day = fact.start.saturating_add(offset).div_euclid(86_400);
            sums.by_day.entry(day).or_default().add(fact);
        })?;
        let names = Names::load(conn, &scope.connections, &sums)?;
        let mut by_client: HashMap<Option<i64>, Tally> = HashMap::new();
        for (project, tally) in &sums.by_project {
            let client = project.and_then(|p| names.project_client.get(&p).copied().flatten());
            by_client.entry(client).or_default().merge(tally);
        }
        let by_day = sums
            .by_day
            .iter()
            .map(|(day, t)| DayTotal {
                day: day_text(*day),
                seconds: t.seconds,
                billable_seconds: t.billable_seconds,
                entries: t.entries,
            })
            .collect();
        let rank = |groups: &HashMap<Option<i64>, Tally>, name: &dyn Fn(Option<i64>) -> String| {
            ranked(groups, &currencies, name)
        };
        Ok(Totals {
            seconds: sums.all.seconds,
            billable_seconds: sums.all.billable_seconds,
            non_billable_seconds: sums.all.seconds - sums.all.billable_seconds,
            entries: sums.all.entries,
            amounts: sums.all.amounts(&currencies),
            by_project: rank(&sums.by_project, &|id| names.project(id)),
            by_user: rank(&sums.by_user, &|id| names.user(id)),
            by_client: rank(&by_client, &|id| names.client(id)),
            by_day,
        })
    })
}

#[derive(Default)]
struct Sums {
    all: Tally,
    by_project: HashMap<Option<i64>, Tally>,
    by_user: HashMap<Option<i64>, Tally>,
    by_day: BTreeMap<i64, Tally>,
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
    groups: &HashMap<Option<i64>, Tally>,
    currencies: &Currencies,
    name: &dyn Fn(Option<i64>) -> String,
) -> Vec<TotalRow> {
    let mut rows: Vec<TotalRow> = groups
        .iter()
        .map(|(id, t)| TotalRow {
            id: *id,
            name: name(*id),
            seconds: t.seconds,
            billable_seconds: t.billable_seconds,
            non_billable_seconds: t.seconds - t.billable_seconds,
            entries: t.entries,
            amounts: t.amounts(currencies),
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
    /// The names as any of `connections` stores them (the first that has one).
    fn load(conn: &Connection, connections: &[i64], sums: &Sums) -> AppResult<Names> {
        let mut names = Names {
            projects: HashMap::new(),
            project_client: HashMap::new(),
            clients: HashMap::new(),
            users: HashMap::new(),
        };
        let mut projects = conn
            .prepare("SELECT id, name, client_id FROM toggl_projects WHERE connection_id = ?1")?;
        let mut clients =
            conn.prepare("SELECT id, name FROM toggl_clients WHERE connection_id = ?1")?;
        let mut user = conn.prepare(
            "SELECT COALESCE(
                 (SELECT user_name FROM time_entries WHERE connection_id = ?1 AND user_id = ?2
                    AND user_name IS NOT NULL LIMIT 1),
                 (SELECT MAX(name) FROM toggl_members WHERE connection_id = ?1 AND user_id = ?2))",
        )?;
        for &connection_id in connections {
            let mut rows = projects.query([connection_id])?;
            while let Some(r) = rows.next()? {
                let id: i64 = r.get(0)?;
                if let std::collections::hash_map::Entry::Vacant(slot) = names.projects.entry(id) {
                    slot.insert(r.get(1)?);
                    names.project_client.insert(id, r.get(2)?);
                }
            }
            let mut rows = clients.query([connection_id])?;
            while let Some(r) = rows.next()? {
                names.clients.entry(r.get(0)?).or_insert(r.get(1)?);
            }
            for id in sums.by_user.keys().flatten() {
                if names.users.contains_key(id) {
                    continue;
                }
                let name: Option<String> = user.query_row([connection_id, *id], |r| r.get(0))?;
                if let Some(name) = name {
                    names.users.insert(*id, name);
                }
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
