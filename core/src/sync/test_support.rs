//! Shared by the sync, review and export tests: a database holding one connection
//! whose access snapshot came from the fake, and a dump of the pulled tables to compare
//! two pulls row by row.

use crate::connections::Privacy;
use crate::db::connections::{insert_pending, set_state, InsertRow, RowState};
use crate::db::Db;
use crate::sync::{PullOptions, PullRange, PullRequest};
use crate::toggl::access::AccessReport;
use crate::toggl::{check_access, TogglClient};
use crate::token::ApiToken;
use blink_fake_toggl::fake::{FakeToggl, Scenario};
use chrono::NaiveDate;
use std::sync::Arc;

pub(crate) use crate::toggl::test_support::fast_client;

pub(crate) struct Setup {
    pub fake: FakeToggl,
    pub client: TogglClient,
    pub token: ApiToken,
    pub db: Arc<Db>,
    pub connection_id: i64,
    pub access: AccessReport,
}

impl Setup {
    pub async fn new(scenario: Scenario, user_id: i64) -> Setup {
        let fake = FakeToggl::start(scenario).await;
        let client = fast_client(&fake.url());
        let token = ApiToken::parse(&fake.token_of(user_id)).unwrap();
        let access = check_access(&client, &token).await.unwrap();
        let db = Arc::new(Db::open_in_memory().unwrap());
        let connection_id = add_connection(&db, "Main", &Privacy::SharedWithWorkspace, &access);
        fake.log().clear();
        Setup {
            fake,
            client,
            token,
            db,
            connection_id,
            access,
        }
    }

    pub fn request(&self, options: PullOptions) -> PullRequest {
        PullRequest {
            connection_id: self.connection_id,
            access: self.access.clone(),
            range: range(),
            options,
        }
    }
}

pub(crate) fn add_connection(db: &Db, name: &str, privacy: &Privacy, access: &AccessReport) -> i64 {
    let privacy = serde_json::to_string(privacy).unwrap();
    db.transaction(|tx| {
        let id = insert_pending(
            tx,
            &InsertRow {
                source: "toggl",
                name,
                privacy: &privacy,
                access,
                request_id: &format!("req-{name}"),
            },
        )?;
        set_state(tx, id, RowState::Ready)?;
        Ok(id)
    })
    .unwrap()
}

/// Covers every generated entry (they lie in the 90 days before 2026-01-01).
pub(crate) fn range() -> PullRange {
    PullRange::new(
        NaiveDate::from_ymd_opt(2025, 10, 1).unwrap(),
        NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
    )
    .unwrap()
}

/// Every pulled row of a connection as text, without the bookkeeping column
/// `seen_pull`, so two databases can be compared for equal content.
pub(crate) fn dump(db: &Db, connection_id: i64) -> Vec<String> {
    let queries = [
        "SELECT 'org', id, name, owner, admin FROM toggl_organizations WHERE connection_id = ?1 ORDER BY id",
        "SELECT 'ws', id, organization_id, name, role FROM toggl_workspaces WHERE connection_id = ?1 ORDER BY id",
        "SELECT 'project', id, workspace_id, client_id, name, active FROM toggl_projects WHERE connection_id = ?1 ORDER BY id",
        "SELECT 'client', id, workspace_id, name, archived FROM toggl_clients WHERE connection_id = ?1 ORDER BY id",
        "SELECT 'tag', id, workspace_id, name FROM toggl_tags WHERE connection_id = ?1 ORDER BY id",
        "SELECT 'member', workspace_id, user_id, name, email, role FROM toggl_members WHERE connection_id = ?1 ORDER BY workspace_id, user_id",
        "SELECT 'entry', id, workspace_id, project_id, task_id, user_id, user_name, description, start, stop, duration, billable, tag_ids, at FROM time_entries WHERE connection_id = ?1 ORDER BY id",
        "SELECT 'entry_tag', entry_id, tag_id FROM time_entry_tags WHERE connection_id = ?1 ORDER BY entry_id, tag_id",
    ];
    db.with(|c| {
        let mut out = Vec::new();
        for sql in queries {
            let mut stmt = c.prepare(sql)?;
            let n = stmt.column_count();
            let rows = stmt.query_map([connection_id], |r| {
                let cells: Vec<String> = (0..n)
                    .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                    .collect();
                Ok(cells.join("|"))
            })?;
            for row in rows {
                out.push(row?);
            }
        }
        Ok(out)
    })
    .unwrap()
}
