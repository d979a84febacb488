//! The filter of the review page and its translation to SQL. Every condition maps to an
//! indexed column of `time_entries`, the `time_entry_tags` key or the full-text index
//! `time_entries_fts`, so filtering a million rows stays inside SQLite and never loads
//! the table.

use crate::error::AppResult;
use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

/// What the review page filters by; every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Filter {
    /// The connections reviewed; empty means every connection.
    pub connection_ids: Vec<i64>,
    /// First day included (in the viewer's time zone, see `utc_offset_minutes`).
    pub start_date: Option<NaiveDate>,
    /// Last day included.
    pub end_date: Option<NaiveDate>,
    pub workspace_id: Option<i64>,
    pub project_id: Option<i64>,
    pub client_id: Option<i64>,
    pub user_id: Option<i64>,
    pub tag_id: Option<i64>,
    /// Description contains this, ignoring case (Unicode-aware).
    pub text: Option<String>,
    /// Only billable (`true`) or only non-billable (`false`) entries.
    pub billable: Option<bool>,
    /// The viewer's offset from UTC, for day boundaries and the by-day totals, so a
    /// user east or west of UTC sees entries on the day they tracked them.
    pub utc_offset_minutes: i32,
}

/// What the filter covers once read against the database: the connections, and the
/// projects of the chosen client (a short list of ids, so the project index serves the
/// client filter and a client without projects matches nothing at once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Scope {
    pub connections: Vec<i64>,
    pub client_projects: Option<Vec<i64>>,
}

impl Scope {
    /// The same scope over one of its connections.
    pub fn only(&self, connection_id: i64) -> Scope {
        Scope {
            connections: vec![connection_id],
            client_projects: self.client_projects.clone(),
        }
    }
}

/// A WHERE clause over `time_entries e` and its parameters, in order.
pub(crate) struct Sql {
    pub clause: String,
    pub params: Vec<Value>,
}

/// The shortest text the trigram index can look up; shorter text is matched by a scan.
const FTS_MIN_CHARS: usize = 3;

impl Filter {
    /// The same filter over one connection only (the per-connection review).
    pub fn for_connection(&self, connection_id: i64) -> Filter {
        Filter {
            connection_ids: vec![connection_id],
            ..self.clone()
        }
    }

    fn offset_secs(&self) -> i64 {
        i64::from(self.utc_offset_minutes) * 60
    }

    /// Local midnight of `day` as unix seconds.
    pub(crate) fn local_midnight(&self, day: NaiveDate) -> i64 {
        crate::sync::model::midnight(day) - self.offset_secs()
    }

    /// The connections reviewed (the chosen ones, or every ready connection when none
    /// is chosen) and the chosen client's projects in them.
    pub(crate) fn scope(&self, conn: &Connection) -> AppResult<Scope> {
        let connections: Vec<i64> = if self.connection_ids.is_empty() {
            let mut stmt =
                conn.prepare("SELECT id FROM connections WHERE state = 'ready' ORDER BY id")?;
            let ids = stmt.query_map([], |r| r.get(0))?;
            ids.collect::<Result<_, _>>()?
        } else {
            let mut ids = self.connection_ids.clone();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        let client_projects = match self.client_id {
            None => None,
            Some(client) => {
                let marks = vec!["?"; connections.len()].join(", ");
                let mut stmt = conn.prepare(&format!(
                    "SELECT DISTINCT id FROM toggl_projects \
                     WHERE client_id = ? AND connection_id IN ({marks}) ORDER BY id"
                ))?;
                let params = std::iter::once(client).chain(connections.iter().copied());
                let ids = stmt.query_map(rusqlite::params_from_iter(params), |r| r.get(0))?;
                Some(ids.collect::<Result<_, _>>()?)
            }
        };
        Ok(Scope {
            connections,
            client_projects,
        })
    }

    /// The condition over `connections` (see [`Filter::connections`]). One connection
    /// is an equality, so every index that starts with `connection_id` serves it.
    ///
    /// The tag filter's subquery names the connections again instead of referring to
    /// the outer row: a correlated subquery would run once per entry, an uncorrelated
    /// one runs once and uses the tag key.
    pub(crate) fn to_sql(&self, scope: &Scope) -> Sql {
        let connections = &scope.connections;
        let marks = |n: usize| vec!["?"; n].join(", ");
        let among = |column: &str| match connections.len() {
            1 => format!("{column} = ?"),
            n => format!("{column} IN ({})", marks(n)),
        };
        let ids = || connections.iter().map(|c| Value::Integer(*c));
        let mut clause = among("e.connection_id");
        let mut params: Vec<Value> = ids().collect();
        if let Some(projects) = &scope.client_projects {
            clause.push_str(&format!(" AND e.project_id IN ({})", marks(projects.len())));
            params.extend(projects.iter().map(|p| Value::Integer(*p)));
        }
        if let Some(tag) = self.tag_id {
            clause.push_str(&format!(
                " AND e.id IN (SELECT t.entry_id FROM time_entry_tags t WHERE {} AND t.tag_id = ?)",
                among("t.connection_id")
            ));
            params.extend(ids());
            params.push(Value::Integer(tag));
        }
        let mut push = |sql: &str, value: Value| {
            clause.push_str(sql);
            params.push(value);
        };
        if let Some(day) = self.start_date {
            push(
                " AND e.start >= ?",
                Value::Integer(self.local_midnight(day)),
            );
        }
        if let Some(day) = self.end_date {
            push(
                " AND e.start < ?",
                Value::Integer(self.local_midnight(day) + 86_400),
            );
        }
        if let Some(id) = self.workspace_id {
            push(" AND e.workspace_id = ?", Value::Integer(id));
        }
        if let Some(id) = self.project_id {
            push(" AND e.project_id = ?", Value::Integer(id));
        }
        if let Some(id) = self.user_id {
            push(" AND e.user_id = ?", Value::Integer(id));
        }
        if let Some(billable) = self.billable {
            push(" AND e.billable = ?", Value::Integer(i64::from(billable)));
        }
        if let Some(text) = self.folded_text() {
            if text.chars().count() >= FTS_MIN_CHARS {
                push(
                    " AND e.rowid IN (SELECT rowid FROM time_entries_fts \
                     WHERE time_entries_fts MATCH ?)",
                    Value::Text(fts_phrase(&text)),
                );
            } else {
                push(" AND instr(e.description_folded, ?) > 0", Value::Text(text));
            }
        }
        Sql { clause, params }
    }

    fn folded_text(&self) -> Option<String> {
        self.text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_lowercase)
    }
}

/// `text` as one FTS5 phrase: any substring, whatever characters it holds (quotes are
/// doubled, so no text is read as query syntax).
fn fts_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}
