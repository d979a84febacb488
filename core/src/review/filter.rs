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
    /// (connection, workspace) for every workspace in a connection's scope: only those
    /// entries are reviewed, totalled and exported; rows of a workspace that left a
    /// scope stay out until the user deletes them.
    pub workspaces: Vec<(i64, i64)>,
    pub client_projects: Option<Vec<i64>>,
}

impl Scope {
    /// The same scope over one of its connections.
    pub fn only(&self, connection_id: i64) -> Scope {
        Scope {
            connections: vec![connection_id],
            workspaces: self
                .workspaces
                .iter()
                .copied()
                .filter(|(c, _)| *c == connection_id)
                .collect(),
            client_projects: self.client_projects.clone(),
        }
    }
}

/// What the rows are read from, its alias in `clause`, and the WHERE clause with its
/// parameters in order. A tag filter without text reads the entry–tag links
/// (`time_entry_tags g`), which carry every column the filter and the sums use, so a
/// tag's count and totals never visit `time_entries`. A text the full-text index can
/// look up starts from its matches (`time_entries_fts` joined to `time_entries e`, in
/// that order), so a rare word reads only its few rows. Otherwise `time_entries e`.
pub(crate) struct Sql {
    pub from: &'static str,
    pub alias: &'static str,
    pub clause: String,
    pub params: Vec<Value>,
}

impl Sql {
    /// Reads through the tag links (see [`Sql`]).
    pub fn by_tag(&self) -> bool {
        self.alias == "g"
    }
}

/// The scope condition as a subquery over `time_entries e`, for the filter choices
/// (small lookups); the review's own queries use the scope's ids (see [`Scope`]).
pub(crate) const IN_SCOPE: &str =
    "e.workspace_id IN (SELECT s.workspace_id FROM connection_scope s \
     WHERE s.connection_id = e.connection_id)";

/// The shortest text the trigram index can look up; shorter text is matched by a scan.
const FTS_MIN_CHARS: usize = 3;

/// The text filter's rows: the index's matches first, each joined to its entry by rowid.
/// CROSS JOIN keeps that order; left to itself, the planner walked every row of the
/// scope and probed the matches for each.
const FTS_FROM: &str =
    "time_entries_fts CROSS JOIN time_entries e ON e.rowid = time_entries_fts.rowid";

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
        crate::domain::calendar::utc_midnight(day) - self.offset_secs()
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
        let marks = vec!["?"; connections.len()].join(", ");
        let mut stmt = conn.prepare(&format!(
            "SELECT connection_id, workspace_id FROM connection_scope \
             WHERE connection_id IN ({marks}) ORDER BY connection_id, workspace_id"
        ))?;
        let pairs = stmt.query_map(rusqlite::params_from_iter(connections.iter()), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        let workspaces = pairs.collect::<Result<_, _>>()?;
        let client_projects = match self.client_id {
            None => None,
            Some(client) => {
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
            workspaces,
            client_projects,
        })
    }

    /// The condition over the scope's connections. One connection is an equality, so
    /// every index that starts with `connection_id` serves it.
    pub(crate) fn to_sql(&self, scope: &Scope) -> Sql {
        let text = self.folded_text();
        let indexed_text = self.uses_text_index();
        let (from, a) = match (self.tag_id, &text) {
            (Some(_), None) => ("time_entry_tags g", "g"),
            _ if indexed_text => (FTS_FROM, "e"),
            _ => ("time_entries e", "e"),
        };
        let connections = &scope.connections;
        let marks = |n: usize| vec!["?"; n].join(", ");
        let mut clause = match connections.len() {
            1 => format!("{a}.connection_id = ?"),
            n => format!("{a}.connection_id IN ({})", marks(n)),
        };
        let mut params: Vec<Value> = connections.iter().map(|c| Value::Integer(*c)).collect();
        // The scope as a list of ids, not a subquery per row.
        let workspaces = &scope.workspaces;
        match (connections.len(), workspaces.len()) {
            (_, 0) => clause.push_str(" AND 0"),
            (1, n) => {
                clause.push_str(&format!(" AND {a}.workspace_id IN ({})", marks(n)));
                params.extend(workspaces.iter().map(|(_, w)| Value::Integer(*w)));
            }
            (_, n) => {
                clause.push_str(&format!(
                    " AND ({a}.connection_id, {a}.workspace_id) IN (VALUES {})",
                    vec!["(?, ?)"; n].join(", ")
                ));
                params.extend(
                    workspaces
                        .iter()
                        .flat_map(|(c, w)| [Value::Integer(*c), Value::Integer(*w)]),
                );
            }
        }
        if let Some(projects) = &scope.client_projects {
            clause.push_str(&format!(
                " AND {a}.project_id IN ({})",
                marks(projects.len())
            ));
            params.extend(projects.iter().map(|p| Value::Integer(*p)));
        }
        let mut push = |sql: String, value: Value| {
            clause.push_str(&sql);
            params.push(value);
        };
        if let Some(tag) = self.tag_id {
            if a == "g" {
                push(" AND g.tag_id = ?".into(), Value::Integer(tag));
            } else {
                // With text, the text index narrows first; the link is a key lookup.
                push(
                    " AND EXISTS (SELECT 1 FROM time_entry_tags t WHERE t.connection_id = \
                     e.connection_id AND t.tag_id = ? AND t.entry_id = e.id)"
                        .into(),
                    Value::Integer(tag),
                );
            }
        }
        if let Some(day) = self.start_date {
            push(
                format!(" AND {a}.start >= ?"),
                Value::Integer(self.local_midnight(day)),
            );
        }
        if let Some(day) = self.end_date {
            push(
                format!(" AND {a}.start < ?"),
                Value::Integer(self.local_midnight(day) + 86_400),
            );
        }
        for (column, value) in [
            ("workspace_id", self.workspace_id),
            ("project_id", self.project_id),
            ("user_id", self.user_id),
            ("billable", self.billable.map(i64::from)),
        ] {
            if let Some(v) = value {
                push(format!(" AND {a}.{column} = ?"), Value::Integer(v));
            }
        }
        if let Some(text) = text {
            if indexed_text {
                push(
                    " AND time_entries_fts MATCH ?".into(),
                    Value::Text(fts_phrase(&text)),
                );
            } else {
                push(
                    " AND instr(e.description_folded, ?) > 0".into(),
                    Value::Text(text),
                );
            }
        }
        Sql {
            from,
            alias: a,
            clause,
            params,
        }
    }

    /// The scope in the parts the counts and sums query one at a time: each connection
    /// alone (its condition is then an equality and a short list of workspaces, which
    /// the covering indexes serve directly, where the pairs of several connections would
    /// leave all but the connection unindexed), except for a text the full-text index
    /// looks up: one lookup finds its matches in every connection, so the scope is
    /// queried whole rather than the lookup repeated per connection.
    pub(crate) fn parts(&self, scope: &Scope) -> Vec<Scope> {
        if self.uses_text_index() {
            vec![scope.clone()]
        } else {
            scope.connections.iter().map(|c| scope.only(*c)).collect()
        }
    }

    fn uses_text_index(&self) -> bool {
        self.folded_text()
            .is_some_and(|t| t.chars().count() >= FTS_MIN_CHARS)
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
