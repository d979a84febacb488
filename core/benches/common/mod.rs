//! What the benchmarks share: a ready connection to store pulled rows under, and the
//! set-up of a pull against the fake Toggl.

use blink_core::db::connections::{insert_pending, set_state, InsertRow, RowState};
use blink_core::db::Db;
use blink_core::domain::{AccessReport, Privacy};
use blink_core::sync::{PullOptions, PullRange, PullRequest};
use blink_core::toggl::{check_access, TogglClient};
use blink_core::ApiToken;
use blink_fake_toggl::fake::{FakeToggl, Scenario};
use chrono::NaiveDate;
use std::time::Duration;

pub mod pages;

/// A ready connection record (no token: benchmarks never ask the credential store).
pub fn connection(db: &Db, access: &AccessReport) -> i64 {
    db.transaction(|tx| {
        let id = insert_pending(
            tx,
            &InsertRow {
                source: "toggl",
                name: "Bench",
                privacy: &Privacy::SharedWithWorkspace,
                access,
                request_id: "bench",
            },
        )?;
        set_state(tx, id, RowState::Ready)?;
        Ok(id)
    })
    .unwrap()
}

/// The quarter both benchmarks pull.
pub fn range() -> PullRange {
    PullRange::new(
        NaiveDate::from_ymd_opt(2025, 10, 1).unwrap(),
        NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
    )
    .unwrap()
}

/// Everything a measured pull needs: the fake Toggl serving `scenario`, a client with no
/// pacing, the first account's token and a connection on a database in a folder of its own.
pub struct BenchPull {
    /// Serves the pull; a benchmark that changes Toggl's data meanwhile reaches it here.
    #[allow(
        dead_code,
        reason = "each benchmark compiles this module; not all change the data"
    )]
    pub fake: FakeToggl,
    pub client: TogglClient,
    pub token: ApiToken,
    pub db: Db,
    pub request: PullRequest,
    _dir: tempfile::TempDir,
}

impl BenchPull {
    pub async fn start(scenario: Scenario) -> BenchPull {
        let fake = FakeToggl::start(scenario).await;
        let client = TogglClient::builder()
            .base_url(fake.url())
            .min_interval(Duration::from_millis(0))
            .build()
            .unwrap();
        let token = ApiToken::parse(&fake.token_of(1)).unwrap();
        let access = check_access(&client, &token).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("bench.sqlite3")).unwrap().db;
        let request = PullRequest {
            connection_id: connection(&db, &access),
            access,
            range: range(),
            options: PullOptions::default(),
        };
        BenchPull {
            fake,
            client,
            token,
            db,
            request,
            _dir: dir,
        }
    }
}
