//! Shared by the sync, review and export tests: a database holding one connection
//! whose access snapshot came from the fake, and a dump of the pulled tables to compare
//! two pulls row by row.

use crate::db::connections::{insert_pending, set_state, InsertRow, RowState};
use crate::db::Db;
use crate::domain::{AccessReport, Privacy};
use crate::sync::{PullOptions, PullRange, PullRequest};
use crate::toggl::{check_access, TogglClient};
use crate::token::ApiToken;
use blink_fake_toggl::fake::{FakeToggl, Scenario};
use chrono::NaiveDate;
use std::sync::Arc;

pub(crate) use crate::review::stored::dump;
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

/// A ready connection whose scope is every workspace of `access`, whatever the role
/// there (the review and export tests read what a pull stored).
pub(crate) fn add_connection(db: &Db, name: &str, privacy: &Privacy, access: &AccessReport) -> i64 {
    db.transaction(|tx| {
        let id = insert_pending(
            tx,
            &InsertRow {
                source: "toggl",
                name,
                privacy,
                access,
                request_id: &format!("req-{name}"),
            },
        )?;
        set_state(tx, id, RowState::Ready)?;
        for workspace in access.standings() {
            crate::db::scope::confirm(tx, id, &workspace, &access.checked_at)?;
        }
        Ok(id)
    })
    .unwrap()
}

/// A private connection of an account with no organization or workspace: for storage
/// tests that only need a connection id to hang rows on.
pub(crate) fn add_bare_connection(db: &Db, name: &str) -> i64 {
    let user = crate::domain::TogglUser {
        id: 1,
        fullname: "A".into(),
        email: "a@example.test".into(),
        timezone: None,
    };
    let access = AccessReport::new(user, vec![], vec![], chrono::Utc::now());
    add_connection(db, name, &Privacy::PrivateToMe, &access)
}

/// Covers every generated entry (they lie in the 90 days before 2026-01-01 UTC) as days
/// of the generated users' time zone (Europe/Berlin, where the last UTC hour of 2025 is
/// already 1 January).
pub(crate) fn range() -> PullRange {
    PullRange::new(
        NaiveDate::from_ymd_opt(2025, 10, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
    )
    .unwrap()
}

/// The generated data (2 workspaces, 3 users, 640 entries) where user 1 administers
/// workspace 1001 and is a plain member of 1002 (someone else owns the organization): a
/// re-pull asks the report of 1001 and `since` for the own entries.
pub(crate) fn admin_of_1001_member_of_1002() -> Scenario {
    let mut s = Scenario::generated(42, 2, 3, 640);
    s.organizations[0].owner_id = 99;
    for ws in &mut s.workspaces {
        if ws.id == 1002 {
            ws.members.retain(|(id, _)| *id != 1);
            ws.members.push((1, "user".into()));
        }
    }
    s
}
