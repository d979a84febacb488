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
    let name = view_name(name)?;
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

/// Gives view `id` a new name, keeping its filter; `not_found` when it was deleted
/// meanwhile. A name another view has (ignoring case) is refused, so a rename never
/// replaces a view; a different case of the view's own name is a rename.
pub fn rename_view(db: &Db, id: i64, name: &str) -> AppResult<SavedView> {
    let name = view_name(name)?;
    let now = Utc::now().to_rfc3339();
    let row = db.transaction(|tx| {
        let taken: Option<i64> = tx
            .query_row(
                "SELECT id FROM review_views WHERE name_key = ?1 AND id != ?2",
                params![name.to_lowercase(), id],
                |r| r.get(0),
            )
            .optional()?;
        if taken.is_some() {
            return Err(AppError::view_name_taken(name));
        }
        Ok(tx
            .query_row(
                "UPDATE review_views SET name = ?2, name_key = ?3, updated_at = ?4 WHERE id = ?1
                 RETURNING filter",
                params![id, name, name.to_lowercase(), now],
                |r| r.get::<_, String>(0),
            )
            .optional()?)
    })?;
    let filter = row.ok_or(AppError::NotFound)?;
    Ok(SavedView {
        id,
        name: name.to_string(),
        filter: decode(&filter)?,
        updated_at: now,
    })
}

/// The name trimmed, or why it cannot name a view.
fn view_name(name: &str) -> AppResult<&str> {
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
    Ok(name)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn named(db: &Db) -> Vec<(i64, String, Option<bool>)> {
        list_views(db)
            .unwrap()
            .into_iter()
            .map(|v| (v.id, v.name, v.filter.billable))
            .collect()
    }

    #[test]
    fn a_renamed_view_keeps_its_filter_and_never_replaces_another_view() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("blink.sqlite3");
        let billable = Filter {
            billable: Some(true),
            project_id: Some(100),
            ..Filter::default()
        };
        let (acme, other) = {
            let db = Db::open(&path).unwrap().db;
            let acme = save_view(&db, "Acme", &billable).unwrap().id;
            let other = save_view(&db, "Other", &Filter::default()).unwrap().id;
            let renamed = rename_view(&db, acme, "  Acme billable ").unwrap();
            assert_eq!((renamed.id, renamed.name.as_str()), (acme, "Acme billable"));
            assert_eq!(renamed.filter, billable);
            // Another view's name (any case) is refused and changes nothing.
            let taken = rename_view(&db, acme, "OTHER").unwrap_err();
            assert_eq!(
                (taken.code(), taken.field()),
                ("invalid_input", Some(InputField::ViewName))
            );
            assert!(taken.to_string().contains("\"OTHER\" already exists"));
            // The view's own name in another case is a rename.
            rename_view(&db, acme, "ACME billable").unwrap();
            for bad in [" ", &"x".repeat(MAX_VIEW_NAME + 1)] {
                assert_eq!(
                    rename_view(&db, acme, bad).unwrap_err().code(),
                    "invalid_input"
                );
            }
            (acme, other)
        };
        let db = Db::open(&path).unwrap().db;
        assert_eq!(
            named(&db),
            [
                (acme, "ACME billable".to_string(), Some(true)),
                (other, "Other".to_string(), None)
            ]
        );
        // The renamed view answers to its new name: saving under it replaces it.
        let saved = save_view(&db, "acme BILLABLE", &Filter::default()).unwrap();
        assert_eq!(saved.id, acme);
        delete_view(&db, acme).unwrap();
        assert_eq!(
            rename_view(&db, acme, "Gone").unwrap_err().code(),
            "not_found"
        );
    }
}
