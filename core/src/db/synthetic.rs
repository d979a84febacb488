//! Made-up pulled data in bulk, for measurements that need a database the size a heavy
//! user has (the start-up measurement opens one with a million entries). One SQL
//! statement writes all entries, so a million take seconds rather than the minutes the
//! pull's page-by-page path would. Not part of the app: compiled only with the
//! `synthetic-data` feature, which the app's tests enable.

use super::connections::{self as rows, InsertRow, RowState};
use super::Db;
use crate::domain::{AccessReport, OrganizationAccess, Privacy, TogglUser, WorkspaceAccess};
use crate::error::AppResult;
use rusqlite::params;

/// Adds a ready connection (with no token stored) holding `entries` time entries spread
/// over the year before 2026-01-01, and returns its id.
pub fn connection_with_entries(db: &Db, name: &str, entries: i64) -> AppResult<i64> {
    let access = AccessReport::new(
        TogglUser {
            id: 1,
            fullname: "Synthetic Owner".into(),
            email: "owner@synthetic.test".into(),
            timezone: None,
        },
        vec![OrganizationAccess {
            id: 10,
            name: "Synthetic Org".into(),
            owner: true,
            admin: true,
        }],
        vec![WorkspaceAccess {
            id: 100,
            name: "Synthetic Workspace".into(),
            organization_id: Some(10),
            role: "admin".into(),
        }],
        chrono::Utc::now(),
    );
    db.transaction(|tx| {
        let id = rows::insert_pending(
            tx,
            &InsertRow {
                source: "toggl",
                name,
                privacy: &Privacy::PrivateToMe,
                access: &access,
                request_id: &format!("synthetic-{name}"),
            },
        )?;
        rows::set_state(tx, id, RowState::Ready)?;
        tx.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
             INSERT INTO time_entries (connection_id, id, workspace_id, project_id, user_id,
                 user_name, description, description_folded, start, stop, duration, billable,
                 tag_ids, at, seen_pull)
             SELECT ?1, i, 100, i % 40 + 1, i % 12 + 1, 'User ' || (i % 12 + 1),
                 'Entry ' || i, 'entry ' || i, 1735689600 + i * 31, 1735689600 + i * 31 + 1800,
                 1800, i % 2, '[]', '2026-01-01T00:00:00Z', 0
             FROM n",
            params![id, entries],
        )?;
        Ok(id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entries_asked_for_are_stored_under_a_listed_connection() {
        let db = Db::open_in_memory().unwrap();
        let id = connection_with_entries(&db, "Big", 1_000).unwrap();
        let stored: i64 = db
            .with(|c| {
                Ok(c.query_row(
                    "SELECT count(*) FROM time_entries WHERE connection_id = ?1",
                    [id],
                    |r| r.get(0),
                )?)
            })
            .unwrap();
        assert_eq!(stored, 1_000);
        let listed = db.with(|c| rows::list_ready(c)).unwrap();
        assert_eq!(listed.iter().map(|r| r.id).collect::<Vec<_>>(), vec![id]);
    }
}
