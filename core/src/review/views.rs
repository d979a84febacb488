//! Saved views: a named filter set of the review, kept in the local database only, so
//! an analyst reopens "Acme, last month, billable" in one click.

use super::filter::Filter;
use crate::db::Db;
use crate::error::{AppError, AppResult, InputField};
use chrono::Utc;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

/// The longest view name, in characters.
pub const MAX_VIEW_NAME: usize = 80;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedView {
    pub id: i64,
    pub name: String,
    pub filter: Filter,
    pub updated_at: String,
}

/// Saves `filter` under `name`; a view of the same name (ignoring case) is replaced,
/// so saving again updates the view instead of failing.
pub fn save_view(db: &Db, name: &str, filter: &Filter) -> AppResult<SavedView> {
    let name = name.trim();
    let chars = name.chars().count();
    if chars == 0 {
        return Err(AppError::text_missing(InputField::ViewName));
    }
    if chars > MAX_VIEW_NAME {
        return Err(AppError::text_too_long(
            InputField::ViewName,
            chars,
            MAX_VIEW_NAME,
        ));
    }
    let json = serde_json::to_string(filter)
        .map_err(|e| AppError::Database(format!("the view could not be encoded: {e}")))?;
    let now = Utc::now().to_rfc3339();
    let id = db.transaction(|tx| {
        Ok(tx.query_row(
            "INSERT INTO review_views (name, name_key, filter, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?4)
             ON CONFLICT (name_key) DO UPDATE SET
                 name = excluded.name, filter = excluded.filter, updated_at = excluded.updated_at
             RETURNING id",
            params![name, name.to_lowercase(), json, now],
            |r| r.get(0),
        )?)
    })?;
    Ok(SavedView {
        id,
        name: name.to_string(),
        filter: filter.clone(),
        updated_at: now,
    })
}

/// Every saved view, by name.
pub fn list_views(db: &Db) -> AppResult<Vec<SavedView>> {
    db.read(|conn| {
        let mut stmt = conn.prepare(
            "SELECT id, name, filter, updated_at FROM review_views ORDER BY name_key, id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get::<_, String>(2)?, r.get(3)?))
        })?;
        let mut views = Vec::new();
        for row in rows {
            let (id, name, filter, updated_at) = row?;
            views.push(SavedView {
                id,
                name,
                filter: decode(&filter)?,
                updated_at,
            });
        }
        Ok(views)
    })
}

/// One saved view; `not_found` when it was deleted meanwhile.
pub fn open_view(db: &Db, id: i64) -> AppResult<SavedView> {
    let row = db.read(|conn| {
        Ok(conn
            .query_row(
                "SELECT id, name, filter, updated_at FROM review_views WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                },
            )
            .optional()?)
    })?;
    let (id, name, filter, updated_at) = row.ok_or(AppError::NotFound)?;
    Ok(SavedView {
        id,
        name,
        filter: decode(&filter)?,
        updated_at,
    })
}

/// Deletes a saved view; deleting one that is already gone is not an error.
pub fn delete_view(db: &Db, id: i64) -> AppResult<()> {
    db.with(|conn| {
        conn.execute("DELETE FROM review_views WHERE id = ?1", [id])?;
        Ok(())
    })
}

fn decode(json: &str) -> AppResult<Filter> {
    serde_json::from_str(json)
        .map_err(|e| AppError::DataFormat(format!("a saved view could not be read: {e}")))
}
