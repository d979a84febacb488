//! What the benchmarks share: a ready connection to store pulled rows under, and the
//! set-up of a pull against the fake Toggl.

use blink_core::db::connections::{insert_pending, set_state, InsertRow, RowState};
use blink_core::db::time_entries::{EntryRecord, Money};
use blink_core::db::{pulls, Db};
use blink_core::domain::{AccessReport, Privacy};
use blink_core::sync::{PullOptions, PullRange, PullRequest, StageKind};
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

/// A plausible entry numbered `i` that starts at `start`: three workspaces, twenty
/// projects, 25 users, up to two tags, half of it billable in EUR or USD.
pub fn synthetic_at(i: i64, start: i64) -> EntryRecord {
    let tags = (0..(i % 3)).map(|t| 900 + (i + t) % 10).collect();
    EntryRecord {
        id: 10_000_000 + i,
        workspace_id: 1 + i % 3,
        project_id: (i % 7 != 0).then_some(100 + i % 20),
        task_id: None,
        user_id: Some(1 + i % 25),
        user_name: Some(format!("User {}", 1 + i % 25)),
        description: (i % 5 != 0).then(|| format!("Task {} for client work", i % 997)),
        start,
        stop: Some(start + 60 + i % 7200),
        duration: Some(60 + i % 7200),
        billable: Some(i % 2 == 0),
        tag_ids: tags,
        at: Some("2025-12-31T00:00:00Z".into()),
        money: (i % 2 == 0).then(|| Money {
            amount_cents: Some((60 + i % 7200) * 5_000 / 3_600),
            hourly_rate_cents: Some(5_000),
            currency: Some(if i % 3 == 0 { "EUR" } else { "USD" }.into()),
        }),
    }
}

/// A database on disk as the app opens it, with a connection whose scope is the
/// synthetic entries' three workspaces and a running pull of 2025.
pub fn bench_database(path: &std::path::Path) -> (Db, i64, i64) {
    let db = Db::open(path).unwrap().db;
    let access: AccessReport = serde_json::from_value(serde_json::json!({
        "user": {"id": 1, "fullname": "Bench", "email": "bench@example.test", "timezone": null},
        "organizations": [], "workspaces": [], "verdict": {"kind": "refused"},
        "checked_at": "2026-01-01T00:00:00Z"
    }))
    .unwrap();
    let c = connection(&db, &access);
    db.with(|conn| {
        Ok(conn.execute_batch(&format!(
            "INSERT INTO connection_scope (connection_id, workspace_id, workspace_name, added_at)
             VALUES ({c}, 1, 'One', '2026-01-01T00:00:00Z'), ({c}, 2, 'Two', '2026-01-01T00:00:00Z'),
                    ({c}, 3, 'Three', '2026-01-01T00:00:00Z')"
        ))?)
    })
    .unwrap();
    let pull_id = start_pull(&db, c);
    (db, c, pull_id)
}

/// A new pull of 2025 with its one report stage planned.
pub fn start_pull(db: &Db, c: i64) -> i64 {
    db.transaction(|tx| {
        let id = pulls::insert(
            tx,
            c,
            NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
        )?;
        pulls::plan_stage(tx, id, 1, StageKind::ReportEntries.as_str())?;
        Ok(id)
    })
    .unwrap()
}
