use super::*;
use crate::connections::{CheckedToken, ConnectionService, NewConnection};
use crate::db::Db;
use crate::domain::Privacy;
use crate::secrets::MemoryStore;
use crate::sync::test_support::{fast_client, range};
use crate::sync::{EstimateSource, Progress, PullService, PullStatus};
use crate::toggl::check_access;
use crate::token::ApiToken;
use blink_fake_toggl::fake::{FakeToggl, RecordedRequest, Scenario, Shape};
use std::collections::BTreeMap;
use std::sync::Arc;

const ADMIN: i64 = 1;

struct Counting {
    fake: FakeToggl,
    service: PullService,
    id: i64,
}

/// A saved connection of the admin of `workspaces` workspaces holding `entries`
/// entries, whose Toggl serves report pages of up to 1,000 rows.
async fn counting(workspaces: usize, entries: usize) -> Counting {
    let shape = Shape {
        report_max_page_size: 1000,
        ..Shape::default()
    };
    let fake =
        FakeToggl::start(Scenario::generated(42, workspaces, 3, entries).with_shape(shape)).await;
    let client = fast_client(&fake.url());
    let token = ApiToken::parse(&fake.token_of(ADMIN)).unwrap();
    let access = check_access(&client, &token).await.unwrap();
    let db = Arc::new(Db::open_in_memory().unwrap());
    let connections = Arc::new(ConnectionService::new(
        db.clone(),
        Arc::new(MemoryStore::default()),
    ));
    let new = NewConnection {
        name: "Main".into(),
        privacy: Privacy::SharedWithWorkspace,
        request_id: "r".into(),
        workspace_ids: None,
    };
    let id = connections
        .create(&CheckedToken::for_tests(token, access), new)
        .unwrap()
        .id;
    fake.log().clear();
    Counting {
        fake,
        service: PullService::new(db, connections, client),
        id,
    }
}

fn dates() -> (String, String) {
    let r = range();
    (r.start_date.to_string(), r.end_date.to_string())
}

fn report_requests(fake: &FakeToggl) -> Vec<RecordedRequest> {
    fake.requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/search/time_entries"))
        .collect()
}

fn per_workspace(fake: &FakeToggl) -> BTreeMap<i64, usize> {
    let mut counts = BTreeMap::new();
    for e in &fake.scenario().time_entries {
        *counts.entry(e.workspace_id).or_default() += 1;
    }
    counts
}

#[tokio::test]
async fn after_a_count_the_first_pull_uses_what_the_estimate_said_within_a_tenth() {
    let c = counting(2, 5000).await;
    let (start, end) = dates();
    let before = c.service.resume_facts(c.id, &start, &end, false).unwrap();
    assert_eq!(before.estimate.source, EstimateSource::NoHistory);
    assert!(
        before.estimate.message.starts_with("At least"),
        "{}",
        before.estimate.message
    );
    assert_eq!(c.fake.request_count(), 0, "showing the plan sends nothing");
    assert!(before.count_offered);

    let counted = c.service.count_on_toggl(c.id, &start, &end).await.unwrap();
    assert_eq!(
        c.fake.request_count(),
        2,
        "one request per report workspace"
    );
    let said = counted.estimate;
    assert_eq!(said.source, EstimateSource::Counted);
    assert!(
        said.message.contains("counted from Toggl's first page"),
        "{}",
        said.message
    );
    let entries = said.entries.unwrap() as f64;
    assert!(
        (entries - 5000.0).abs() / 5000.0 <= 0.05,
        "counted {entries}"
    );
    let again = c.service.resume_facts(c.id, &start, &end, false).unwrap();
    assert_eq!(again.estimate, said, "the count stands until the pull");
    assert!(!again.count_offered, "counted already");
    assert_eq!(c.fake.request_count(), 2);

    let outcome = c
        .service
        .start(c.id, &start, &end, false, Arc::new(|_: &Progress| {}))
        .await
        .unwrap();
    assert_eq!(outcome.report.status, PullStatus::Done);
    assert_eq!(outcome.report.entries_stored, 5000);
    let used = outcome.report.requests_used;
    let off = (said.requests as f64 - used as f64).abs() / used as f64;
    assert!(off <= 0.10, "said {} used {used}", said.requests);

    let report = report_requests(&c.fake);
    let first_pages = report
        .iter()
        .filter(|r| !r.body.contains("first_row_number"))
        .count();
    assert_eq!(first_pages, 2, "each counted page was fetched once");
    let floor: usize = per_workspace(&c.fake)
        .values()
        .map(|n| n.div_ceil(1000))
        .sum();
    assert_eq!(report.len(), floor, "no report request wasted");
}

#[tokio::test]
async fn a_count_of_another_range_is_not_used_and_a_small_range_is_counted_exactly() {
    let c = counting(1, 300).await;
    let (start, end) = dates();
    let counted = c.service.count_on_toggl(c.id, &start, &end).await.unwrap();
    assert_eq!(
        counted.estimate.entries,
        Some(300),
        "one page holds them all"
    );
    let other = c
        .service
        .resume_facts(c.id, "2025-11-01", &end, false)
        .unwrap();
    assert_eq!(other.estimate.source, EstimateSource::NoHistory);
    assert_eq!(c.fake.request_count(), 1);
    let outcome = c
        .service
        .start(c.id, "2025-11-01", &end, false, Arc::new(|_: &Progress| {}))
        .await
        .unwrap();
    assert_eq!(outcome.report.status, PullStatus::Done);
    assert_eq!(
        report_requests(&c.fake).len(),
        2,
        "the pull of another range asked its own first page"
    );
}

const DAY: i64 = 86_400;

/// A report page with one entry per start; `more`: Toggl named a next page.
fn page_of(starts: impl IntoIterator<Item = i64>, more: bool) -> ReportPage {
    let rows: Vec<crate::toggl::models::ReportRow> = starts
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            let start = chrono::DateTime::from_timestamp(t, 0).unwrap().to_rfc3339();
            serde_json::from_value(serde_json::json!({
                "row_number": i + 1,
                "time_entries": [{"id": i, "start": start}],
            }))
            .unwrap()
        })
        .collect();
    ReportPage {
        next: more.then_some(crate::toggl::ReportCursor {
            row_number: rows.len() as i64 + 1,
            id: None,
            timestamp: None,
        }),
        page_size: Some(rows.len() as u32),
        rows,
        range: None,
        refused_page_size: None,
    }
}

#[test]
fn a_full_page_reaching_a_third_into_its_range_counts_three_times_its_entries() {
    let page = page_of((0..100).map(|i| i * 30 * DAY / 100), true);
    let counted = extrapolate(&page, (0, 90 * DAY), 90 * DAY, i64::MAX);
    assert!(!counted.exact);
    assert!(
        (counted.entries() as f64 - 300.0).abs() <= 3.0,
        "{counted:?}"
    );
    assert_eq!(requests_left(counted, 120, 1), 2, "pages 2 and 3 of 3");
}

#[test]
fn a_page_without_a_next_one_is_the_exact_count_and_costs_nothing_more() {
    let page = page_of((0..40).map(|i| i * DAY), false);
    let counted = extrapolate(&page, (0, 90 * DAY), 90 * DAY, i64::MAX);
    assert!(counted.exact);
    assert_eq!(counted.entries(), 40);
    assert_eq!(requests_left(counted, 1000, 1), 0);
    let empty = extrapolate(&page_of([], false), (0, 90 * DAY), 90 * DAY, i64::MAX);
    assert_eq!((empty.entries(), empty.exact), (0, true));
}

#[test]
fn later_chunks_are_counted_at_the_first_chunks_rate_and_cost_a_request_each_at_least() {
    let year = 365 * DAY;
    let page = page_of((0..100).map(|i| i * year / 1000), true);
    let counted = extrapolate(&page, (0, year), 2 * year, i64::MAX);
    assert!(!counted.exact);
    assert!((counted.first_chunk - 1000.0).abs() <= 10.0, "{counted:?}");
    assert!((counted.later_chunks - 1000.0).abs() <= 10.0, "{counted:?}");
    assert_eq!(requests_left(counted, 150, 2), 6 + 7);
    let all_on_one_page = extrapolate(&page_of([0, DAY], false), (0, year), 3 * year, i64::MAX);
    assert!(!all_on_one_page.exact, "the later chunks are not seen");
    assert_eq!(requests_left(all_on_one_page, 1000, 3), 2);
}

#[test]
fn no_entries_are_expected_after_now() {
    let page = page_of((0..100).map(|i| i * 15 * DAY / 100), true);
    let counted = extrapolate(&page, (0, 90 * DAY), 90 * DAY, 45 * DAY);
    assert!(
        (counted.entries() as f64 - 300.0).abs() <= 4.0,
        "{counted:?}"
    );
}
