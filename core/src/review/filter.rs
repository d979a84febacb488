//! The filter of the review page and its translation to SQL. Every condition maps to an
//! indexed column of `time_entries` (or the `time_entry_tags` key), so filtering a
//! million rows stays inside SQLite and never loads the table.

use chrono::NaiveDate;
use rusqlite::types::Value;
use serde::{Deserialize, Serialize};

/// What the review page filters by; every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Filter {
    /// First day included (in the viewer's time zone, see `utc_offset_minutes`).
    pub start_date: Option<NaiveDate>,
    /// Last day included.
    pub end_date: Option<NaiveDate>,
    pub workspace_id: Option<i64>,
    pub project_id: Option<i64>,
    pub user_id: Option<i64>,
    pub tag_id: Option<i64>,
    /// Description contains this, ignoring case (Unicode-aware).
    pub text: Option<String>,
    /// The viewer's offset from UTC, for day boundaries and the by-day totals, so a
    /// user east or west of UTC sees entries on the day they tracked them.
    pub utc_offset_minutes: i32,
}

/// A WHERE clause over `time_entries e` and its parameters, in order.
pub(crate) struct Sql {
    pub clause: String,
    pub params: Vec<Value>,
}

impl Filter {
    fn offset_secs(&self) -> i64 {
        i64::from(self.utc_offset_minutes) * 60
    }

    /// Local midnight of `day` as unix seconds.
    fn local_midnight(&self, day: NaiveDate) -> i64 {
        crate::sync::model::midnight(day) - self.offset_secs()
    }

    pub(crate) fn to_sql(&self, connection_id: i64) -> Sql {
        let mut clause = String::from("e.connection_id = ?");
        let mut params = vec![Value::Integer(connection_id)];
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
        if let Some(id) = self.tag_id {
            clause.push_str(
                " AND e.id IN (SELECT t.entry_id FROM time_entry_tags t \
                 WHERE t.connection_id = ? AND t.tag_id = ?)",
            );
            params.push(Value::Integer(connection_id));
            params.push(Value::Integer(id));
        }
        if let Some(text) = self
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            clause.push_str(" AND instr(e.description_folded, ?) > 0");
            params.push(Value::Text(text.to_lowercase()));
        }
        Sql { clause, params }
    }
}
