//! Totals of the review page: tracked seconds by project, user, client and day for the
//! filtered entries, each one GROUP BY in SQLite.

use super::filter::Filter;
use crate::db::Db;
use crate::error::AppResult;
use rusqlite::{params_from_iter, Connection};
use serde::Serialize;

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

/// Running entries (no duration yet) count as entries with zero seconds.
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
    db.with(|conn| {
        let (seconds, entries) = grand_total(conn, connection_id, filter)?;
        Ok(Totals {
            seconds,
            entries,
            by_project: grouped(
                conn,
                connection_id,
                filter,
                "e.project_id",
                "COALESCE(MAX(p.name), CASE WHEN e.project_id IS NULL THEN '(no project)' ELSE 'Project ' || e.project_id END)",
            )?,
            by_user: grouped(
                conn,
                connection_id,
                filter,
                "e.user_id",
                "COALESCE(MAX(e.user_name), CASE WHEN e.user_id IS NULL THEN '(unknown user)' ELSE 'User ' || e.user_id END)",
            )?,
            by_client: grouped(
                conn,
                connection_id,
                filter,
                "p.client_id",
                "COALESCE(MAX(c.name), CASE WHEN p.client_id IS NULL THEN '(no client)' ELSE 'Client ' || p.client_id END)",
            )?,
            by_day: by_day(conn, connection_id, filter)?,
        })
    })
}

const JOINS: &str = "FROM time_entries e \
    LEFT JOIN toggl_projects p ON p.connection_id = e.connection_id AND p.id = e.project_id \
    LEFT JOIN toggl_clients c ON c.connection_id = e.connection_id AND c.id = p.client_id";

fn grand_total(conn: &Connection, connection_id: i64, filter: &Filter) -> AppResult<(i64, i64)> {
    let sql = filter.to_sql(connection_id);
    Ok(conn.query_row(
        &format!(
            "SELECT COALESCE(SUM(e.duration), 0), COUNT(*) FROM time_entries e WHERE {}",
            sql.clause
        ),
        params_from_iter(sql.params),
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

fn grouped(
    conn: &Connection,
    connection_id: i64,
    filter: &Filter,
    key: &str,
    name: &str,
) -> AppResult<Vec<TotalRow>> {
    let sql = filter.to_sql(connection_id);
    let mut stmt = conn.prepare(&format!(
        "SELECT {key}, {name}, COALESCE(SUM(e.duration), 0) AS seconds, COUNT(*) {JOINS} \
         WHERE {} GROUP BY {key} ORDER BY seconds DESC, {key}",
        sql.clause
    ))?;
    let rows = stmt.query_map(params_from_iter(sql.params), |r| {
        Ok(TotalRow {
            id: r.get(0)?,
            name: r.get(1)?,
            seconds: r.get(2)?,
            entries: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn by_day(conn: &Connection, connection_id: i64, filter: &Filter) -> AppResult<Vec<DayTotal>> {
    let sql = filter.to_sql(connection_id);
    let day = filter.day_expression();
    let mut stmt = conn.prepare(&format!(
        "SELECT {day} AS day, COALESCE(SUM(e.duration), 0), COUNT(*) FROM time_entries e \
         WHERE {} GROUP BY day ORDER BY day",
        sql.clause
    ))?;
    let rows = stmt.query_map(params_from_iter(sql.params), |r| {
        Ok(DayTotal {
            day: r.get(0)?,
            seconds: r.get(1)?,
            entries: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
