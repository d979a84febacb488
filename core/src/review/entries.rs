//! The time-entries table of the review page: one page of filtered rows, newest first,
//! with the total count. The page asks by page number ("Page 3 of 40"), so paging is by
//! offset; the count it shows already reads every matching row, so a deep page costs
//! little more than the count.

use super::filter::{Filter, Scope};
use super::rates::{amount_at_rate, derivable, ProjectRate};
use crate::db::Db;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, TimeZone, Utc};
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection, Row};
use serde::{Deserialize, Serialize};

pub const MAX_PAGE_SIZE: u32 = 500;

/// Which page to read: `page_size` rows after the first `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRequest {
    #[serde(default)]
    pub offset: u64,
    pub page_size: u32,
}

impl PageRequest {
    pub fn first(page_size: u32) -> PageRequest {
        PageRequest::numbered(0, page_size)
    }

    /// Page `page` (0 is the first) of `page_size` rows.
    pub fn numbered(page: u64, page_size: u32) -> PageRequest {
        PageRequest {
            offset: page.saturating_mul(u64::from(page_size)),
            page_size,
        }
    }
}

/// One time entry as the table and the CSV show it, with the connection and workspace
/// it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryRow {
    pub connection_id: i64,
    pub connection_name: String,
    pub id: i64,
    pub workspace_id: i64,
    pub workspace_name: Option<String>,
    pub project_id: Option<i64>,
    pub project_name: Option<String>,
    pub client_name: Option<String>,
    pub user_id: Option<i64>,
    pub user_name: Option<String>,
    pub description: Option<String>,
    pub start: DateTime<Utc>,
    /// `None` while the entry is running.
    pub stop: Option<DateTime<Utc>>,
    pub duration_seconds: Option<i64>,
    pub billable: Option<bool>,
    /// What Toggl's detailed report says the entry earns, in cents of `currency`; for a
    /// billable entry it gave no amount for, the project's rate makes one
    /// (`amount_derived`).
    pub billable_amount_cents: Option<i64>,
    pub hourly_rate_cents: Option<i64>,
    pub currency: Option<String>,
    /// The amount, rate and currency are the project's, not Toggl's report.
    pub amount_derived: bool,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntriesPage {
    pub rows: Vec<EntryRow>,
    /// Entries matching the filter, all pages together.
    pub total_count: u64,
}

/// A page of one connection's entries (the per-connection review).
pub fn entries_page(
    db: &Db,
    connection_id: i64,
    filter: &Filter,
    page: &PageRequest,
) -> AppResult<EntriesPage> {
    review_page(db, &filter.for_connection(connection_id), page)
}

/// A page of the entries of the filter's connections, newest first across all of them.
/// Each connection is asked for its own newest `offset + page_size` rows (an index walk
/// that stops early) and the answers are merged, instead of one query that would sort
/// every matching row of all connections.
pub fn review_page(db: &Db, filter: &Filter, page: &PageRequest) -> AppResult<EntriesPage> {
    if page.page_size == 0 || page.page_size > MAX_PAGE_SIZE {
        return Err(AppError::page_size_out_of_range(MAX_PAGE_SIZE));
    }
    db.read(|conn| {
        let scope = filter.scope(conn)?;
        let total_count = count(conn, &scope, filter)?;
        let offset = i64::try_from(page.offset).unwrap_or(i64::MAX);
        let size = i64::from(page.page_size);
        if scope.connections.len() <= 1 {
            let mut rows = Vec::with_capacity(page.page_size as usize);
            for_each_row(conn, &scope, filter, Some((size, offset)), |row| {
                rows.push(row);
                Ok(())
            })?;
            return Ok(EntriesPage { rows, total_count });
        }
        let mut rows = Vec::new();
        for &connection in &scope.connections {
            let first = offset.saturating_add(size);
            for_each_row(
                conn,
                &scope.only(connection),
                filter,
                Some((first, 0)),
                |row| {
                    rows.push(row);
                    Ok(())
                },
            )?;
        }
        rows.sort_by_key(|row| std::cmp::Reverse(newest_first(row)));
        let rows = rows
            .into_iter()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(page.page_size as usize)
            .collect();
        Ok(EntriesPage { rows, total_count })
    })
}

/// The table's order as a key (larger is listed first): ORDER BY below.
fn newest_first(row: &EntryRow) -> (DateTime<Utc>, i64, i64) {
    (row.start, row.id, row.connection_id)
}

/// The matching rows, counted in the scope's parts ([`Filter::parts`]).
fn count(conn: &Connection, scope: &Scope, filter: &Filter) -> AppResult<u64> {
    let mut total = 0;
    for part in filter.parts(scope) {
        let sql = filter.to_sql(&part);
        let n: i64 = conn.query_row(
            &format!("SELECT COUNT(*) FROM {} WHERE {}", sql.from, sql.clause),
            params_from_iter(sql.params),
            |r| r.get(0),
        )?;
        total += n as u64;
    }
    Ok(total)
}

const COLUMNS: &str = "SELECT e.connection_id, \
    (SELECT k.name FROM connections k WHERE k.id = e.connection_id), e.id, e.workspace_id, \
    w.name, e.project_id, p.name, c.name, e.user_id, e.user_name, e.description, e.start, \
    e.stop, e.duration, e.billable, e.billable_amount_cents, e.hourly_rate_cents, e.currency, \
    (SELECT json_group_array(tg.name) FROM time_entry_tags t \
       JOIN toggl_tags tg ON tg.connection_id = t.connection_id AND tg.id = t.tag_id \
       WHERE t.connection_id = e.connection_id AND t.entry_id = e.id), \
    p.rate_cents, p.currency";

const NAMES: &str = "\
    LEFT JOIN toggl_workspaces w ON w.connection_id = e.connection_id AND w.id = e.workspace_id \
    LEFT JOIN toggl_projects p ON p.connection_id = e.connection_id AND p.id = e.project_id \
    LEFT JOIN toggl_clients c ON c.connection_id = e.connection_id AND c.id = p.client_id";

/// Streams the filtered rows of the scope, newest first, to `each` without
/// collecting them: the table reads one page through it, the exports every row.
pub(crate) fn for_each_row(
    conn: &Connection,
    scope: &Scope,
    filter: &Filter,
    limit_offset: Option<(i64, i64)>,
    mut each: impl FnMut(EntryRow) -> AppResult<()>,
) -> AppResult<()> {
    let mut sql = filter.to_sql(scope);
    // One connection's rows are ordered by the index; several connections' (the
    // export) need the connection as the last tie-break.
    let tie_break = if scope.connections.len() > 1 {
        ", e.connection_id DESC"
    } else {
        ""
    };
    // A tag's links are walked newest first by their index; each row then joins its entry.
    let (from, order) = if sql.by_tag() {
        (
            "time_entry_tags g JOIN time_entries e \
             ON e.connection_id = g.connection_id AND e.id = g.entry_id",
            "g.start DESC, g.entry_id DESC",
        )
    } else {
        (sql.from, "e.start DESC, e.id DESC")
    };
    let text = match limit_offset {
        // A page picks its rows by the cheap columns first and names only those: the
        // names, tags and connection of every matching row would otherwise be read
        // before the sort that keeps a page of them.
        Some((limit, offset)) => {
            sql.params.push(Value::Integer(limit));
            sql.params.push(Value::Integer(offset));
            format!(
                "{COLUMNS} FROM (SELECT e.rowid AS picked FROM {from} WHERE {} \
                 ORDER BY {order}{tie_break} LIMIT ? OFFSET ?) k \
                 CROSS JOIN time_entries e ON e.rowid = k.picked {NAMES} \
                 ORDER BY e.start DESC, e.id DESC{tie_break}",
                sql.clause
            )
        }
        None => format!(
            "{COLUMNS} FROM {from} {NAMES} WHERE {} ORDER BY {order}{tie_break}",
            sql.clause
        ),
    };
    let mut stmt = conn.prepare(&text)?;
    let mut rows = stmt.query(params_from_iter(sql.params))?;
    while let Some(row) = rows.next()? {
        each(entry_row(row)?)?;
    }
    Ok(())
}

fn time(ts: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(ts, 0).single().unwrap_or_default()
}

fn entry_row(r: &Row<'_>) -> rusqlite::Result<EntryRow> {
    let tags: Option<String> = r.get(18)?;
    let mut tags: Vec<String> = tags
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    tags.sort();
    let duration_seconds: Option<i64> = r.get(13)?;
    let billable: Option<bool> = r.get(14)?;
    let reported: Option<i64> = r.get(15)?;
    let rate = match r.get::<_, Option<i64>>(19)? {
        Some(cents) => Some(ProjectRate {
            cents,
            currency: r.get(20)?,
        }),
        None => None,
    };
    let seconds = duration_seconds.unwrap_or(0).max(0);
    let derived = derivable(billable.unwrap_or(false), reported, seconds, rate.as_ref());
    let (billable_amount_cents, hourly_rate_cents, currency) = match derived {
        Some(rate) => (
            Some(amount_at_rate(seconds, rate.cents)),
            Some(rate.cents),
            rate.currency.clone(),
        ),
        None => (reported, r.get(16)?, r.get(17)?),
    };
    Ok(EntryRow {
        connection_id: r.get(0)?,
        connection_name: r.get(1)?,
        id: r.get(2)?,
        workspace_id: r.get(3)?,
        workspace_name: r.get(4)?,
        project_id: r.get(5)?,
        project_name: r.get(6)?,
        client_name: r.get(7)?,
        user_id: r.get(8)?,
        user_name: r.get(9)?,
        description: r.get(10)?,
        start: time(r.get(11)?),
        stop: r.get::<_, Option<i64>>(12)?.map(time),
        duration_seconds,
        billable,
        billable_amount_cents,
        hourly_rate_cents,
        currency,
        amount_derived: derived.is_some(),
        tags,
    })
}
