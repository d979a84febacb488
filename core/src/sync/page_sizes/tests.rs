use super::*;
use crate::db::report_page_sizes;
use crate::domain::Privacy;
use crate::error::AppError;
use crate::review::stored::probe::entry_ids;
use crate::sync::test_support::{add_connection, fast_client, range, Setup};
use crate::sync::{estimate, pull, PullOptions, PullReport, PullRequest, PullStatus};
use crate::toggl::{check_access, TogglClient};
use crate::token::ApiToken;
use blink_fake_toggl::fake::{FakeToggl, RecordedRequest, Scenario, Shape};
use std::collections::HashSet;
use std::sync::atomic::AtomicBool;

const ADMIN: i64 = 1;
const WORKSPACE: i64 = 1001;

/// One admin workspace with `entries` entries, the report served as `shape` says.
fn one_workspace(entries: usize, shape: Shape) -> Scenario {
    Scenario::generated(5, 1, 3, entries).with_shape(shape)
}

fn report_requests(fake: &FakeToggl) -> Vec<RecordedRequest> {
    fake.requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/search/time_entries"))
        .collect()
}

fn asked_page_size(r: &RecordedRequest) -> u64 {
    let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    body["page_size"].as_u64().unwrap()
}

async fn pulled(
    db: &Db,
    client: &TogglClient,
    token: &ApiToken,
    request: &PullRequest,
) -> PullReport {
    let cancel = AtomicBool::new(false);
    let report = pull(db, client, token, request, &|_| {}, &cancel)
        .await
        .unwrap();
    assert_eq!(report.status, PullStatus::Done);
    report
}

#[tokio::test]
async fn with_pages_of_1000_a_first_pull_of_1000_entries_takes_at_most_3_report_requests() {
    let shape = Shape {
        report_max_page_size: 1000,
        ..Shape::default()
    };
    let setup = Setup::new(one_workspace(1000, shape), ADMIN).await;
    pulled(
        &setup.db,
        &setup.client,
        &setup.token,
        &setup.request(PullOptions::default()),
    )
    .await;
    let report = report_requests(&setup.fake);
    assert!(report.len() <= 3, "{} report requests", report.len());
    assert!(report.iter().all(|r| asked_page_size(r) == 1000));
    assert_eq!(entry_ids(&setup.db, setup.connection_id).len(), 1000);
}

#[tokio::test]
async fn a_server_serving_50_rows_of_the_1000_asked_is_followed_by_its_cursor_exactly() {
    let entries = 1234;
    let setup = Setup::new(one_workspace(entries, Shape::default()), ADMIN).await;
    assert_eq!(setup.fake.scenario().shape.report_max_page_size, 50);
    let request = setup.request(PullOptions::default());
    let done = pulled(&setup.db, &setup.client, &setup.token, &request).await;
    assert_eq!(done.entries_stored, entries as u64, "no row fetched twice");
    let report = report_requests(&setup.fake);
    assert_eq!(report.len(), entries.div_ceil(50));
    assert!(report.iter().all(|r| asked_page_size(r) == 1000));
    assert!(
        report[1].body.contains("\"first_row_number\":51"),
        "{}",
        report[1].body
    );
    let stored = entry_ids(&setup.db, setup.connection_id);
    let unique: HashSet<i64> = stored.iter().copied().collect();
    let expected: HashSet<i64> = setup
        .fake
        .scenario()
        .time_entries
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(unique, expected, "no entry missed");
    let remembered = setup
        .db
        .read(|c| report_page_sizes::get(c, setup.connection_id, WORKSPACE))
        .unwrap();
    assert_eq!(remembered.and_then(|r| r.served), Some(50));
    assert_eq!(remembered.and_then(|r| r.refused), None);
}

#[tokio::test]
async fn a_refused_page_size_falls_back_once_and_later_pulls_ask_50_straight_away() {
    let entries = 240;
    let shape = Shape {
        report_refuses_large_page_size: true,
        ..Shape::default()
    };
    let fake = FakeToggl::start(one_workspace(entries, shape)).await;
    let client = fast_client(&fake.url());
    let token = ApiToken::parse(&fake.token_of(ADMIN)).unwrap();
    let access = check_access(&client, &token).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("blink.sqlite3");
    let request = {
        let db = Db::open(&path).unwrap().db;
        let connection_id = add_connection(&db, "Main", &Privacy::SharedWithWorkspace, &access);
        let request = PullRequest {
            connection_id,
            access,
            range: range(),
            options: PullOptions::default(),
        };
        fake.log().clear();
        pulled(&db, &client, &token, &request).await;
        request
    };
    let first = report_requests(&fake);
    let sizes: Vec<u64> = first.iter().map(asked_page_size).collect();
    assert_eq!(sizes[..2], [1000, 50], "refused once, then the default");
    assert!(sizes[2..].iter().all(|s| *s == 50), "{sizes:?}");
    assert_eq!(first.len(), 1 + entries.div_ceil(50));
    assert_eq!(first.iter().filter(|r| r.status == Some(400)).count(), 1);

    let db = Db::open(&path).unwrap().db;
    assert_eq!(
        entry_ids(&db, request.connection_id).len(),
        entries,
        "the first pull stored everything"
    );
    // A full re-pull walks every page again, as a first pull does.
    let request = PullRequest {
        options: PullOptions {
            full_walk: true,
            ..PullOptions::default()
        },
        ..request
    };
    let said = estimate(&db, &client, &request).unwrap();
    fake.log().clear();
    pulled(&db, &client, &token, &request).await;
    let again = report_requests(&fake);
    assert!(again.iter().all(|r| asked_page_size(r) == 50));
    assert!(again.iter().all(|r| r.status == Some(200)));
    assert_eq!(again.len(), entries.div_ceil(50));
    assert_eq!(
        said.requests,
        fake.request_count() as u64,
        "the estimate counts pages of 50 for the workspace"
    );
}

#[tokio::test]
async fn a_400_naming_another_field_is_not_asked_again_at_the_default_size() {
    let shape = Shape {
        report_refuses_large_page_size: true,
        ..Shape::default()
    };
    let setup = Setup::new(one_workspace(10, shape), ADMIN).await;
    let too_long = crate::toggl::models::ReportQuery::between("2024-01-01", "2025-12-31");
    let refused = setup
        .client
        .detailed_report_window(&setup.token, WORKSPACE, &too_long, None)
        .await
        .unwrap_err();
    assert!(
        matches!(refused, AppError::TogglRefused { status: 400, .. }),
        "{refused:?}"
    );
    assert_eq!(setup.fake.request_count(), 1);
    let fine = crate::toggl::models::ReportQuery::between("2025-10-01", "2025-12-31");
    let page = setup
        .client
        .detailed_report_window(&setup.token, WORKSPACE, &fine, None)
        .await
        .unwrap();
    assert_eq!(page.refused_page_size, Some(1000));
    assert_eq!(page.page_size, Some(50));
    assert_eq!(setup.fake.request_count(), 3);
}
