use super::*;
use crate::sync::test_support::{admin_of_1001_member_of_1002, range, Setup};
use crate::sync::{pull, PullOptions, PullRange};
use blink_fake_toggl::fake::Scenario;
use chrono::NaiveDate;
use std::sync::atomic::AtomicBool;

const ADMIN: i64 = 1;

/// Pulls `request` and returns the requests it sent.
async fn pulled(setup: &Setup, request: &PullRequest) -> u64 {
    let cancel = AtomicBool::new(false);
    let report = pull(
        &setup.db,
        &setup.client,
        &setup.token,
        request,
        &|_| {},
        &cancel,
    )
    .await
    .unwrap();
    assert_eq!(report.status, PullStatus::Done);
    report.requests_used
}

#[tokio::test]
async fn the_estimate_of_a_re_pull_is_exact_and_says_it_comes_from_the_last_pull() {
    let setup = Setup::new(Scenario::generated(42, 2, 3, 640), ADMIN).await;
    let request = setup.request(PullOptions::default());
    pulled(&setup, &request).await;
    let said = estimate(&setup.db, &setup.client, &request).unwrap();
    assert_eq!(said.source, EstimateSource::LastPull);
    assert_eq!(said.entries, Some(640));
    let used = pulled(&setup, &request).await;
    assert_eq!(said.requests, used);
    assert!(said.message.contains("last pull"), "{}", said.message);
}

#[tokio::test]
async fn the_estimate_of_a_re_pull_counts_the_one_since_request_for_own_entries() {
    let setup = Setup::new(admin_of_1001_member_of_1002(), ADMIN).await;
    let request = setup.request(PullOptions::default());
    pulled(&setup, &request).await;
    let said = estimate(&setup.db, &setup.client, &request).unwrap();
    assert_eq!(said.source, EstimateSource::LastPull);
    assert_eq!(said.requests, 2, "the report of 1001 and one `since`");
    let used = pulled(&setup, &request).await;
    assert_eq!(said.requests, used);
}

#[tokio::test]
async fn the_estimate_of_a_full_re_pull_or_one_due_counts_the_whole_walk() {
    let setup = Setup::new(Scenario::generated(42, 2, 3, 640), ADMIN).await;
    pulled(&setup, &setup.request(PullOptions::default())).await;
    for options in [
        PullOptions {
            full_walk: true,
            ..PullOptions::default()
        },
        PullOptions {
            full_walk_max_age: chrono::Duration::zero(),
            ..PullOptions::default()
        },
    ] {
        let request = setup.request(options);
        let said = estimate(&setup.db, &setup.client, &request).unwrap();
        let used = pulled(&setup, &request).await;
        assert_eq!(said.requests, used);
        assert!(used > 2, "every report page, not one per workspace");
    }
}

#[tokio::test]
async fn the_estimate_of_a_first_pull_of_a_range_is_within_a_tenth_from_earlier_pulls() {
    let setup = Setup::new(Scenario::generated(7, 3, 4, 3000), ADMIN).await;
    let earlier = PullRequest {
        range: PullRange::new(
            NaiveDate::from_ymd_opt(2025, 10, 1).unwrap(),
            NaiveDate::from_ymd_opt(2025, 11, 15).unwrap(),
        )
        .unwrap(),
        ..setup.request(PullOptions::default())
    };
    pulled(&setup, &earlier).await;
    // Metadata is stale by then, as on a later day: the estimate must count it too.
    let request = PullRequest {
        options: PullOptions {
            metadata_max_age: chrono::Duration::zero(),
            ..PullOptions::default()
        },
        ..setup.request(PullOptions::default())
    };
    assert_eq!(request.range, range());
    let said = estimate(&setup.db, &setup.client, &request).unwrap();
    assert_eq!(said.source, EstimateSource::EarlierPulls);
    let used = pulled(&setup, &request).await;
    let off = (said.requests as f64 - used as f64).abs() / used as f64;
    assert!(off <= 0.10, "said {} used {used}", said.requests);
}

#[tokio::test]
async fn with_nothing_pulled_the_estimate_says_so_and_counts_every_stage_once() {
    let setup = Setup::new(Scenario::generated(42, 2, 3, 640), ADMIN).await;
    let request = setup.request(PullOptions::default());
    let said = estimate(&setup.db, &setup.client, &request).unwrap();
    assert_eq!(said.source, EstimateSource::NoHistory);
    assert_eq!(said.entries, None);
    assert_eq!(said.requests, plan(&request.access).len() as u64);
    assert!(
        said.message.contains("nothing pulled yet"),
        "{}",
        said.message
    );
    assert_eq!(setup.fake.request_count(), 0, "an estimate sends nothing");
}

#[tokio::test]
async fn a_resumed_pull_is_estimated_without_the_pages_it_already_has() {
    let setup = Setup::new(Scenario::generated(42, 2, 3, 640), ADMIN).await;
    pulled(&setup, &setup.request(PullOptions::default())).await;
    let request = setup.request(PullOptions {
        full_walk: true,
        ..PullOptions::default()
    });
    setup.fake.faults().exhaust_quota_after(4);
    let cancel = AtomicBool::new(false);
    let cut = pull(
        &setup.db,
        &setup.client,
        &setup.token,
        &request,
        &|_| {},
        &cancel,
    )
    .await
    .unwrap();
    assert_eq!(cut.status, PullStatus::StoppedQuota);
    let said = estimate(&setup.db, &setup.client, &request).unwrap();
    setup.fake.faults().clear();
    let used = pulled(&setup, &request).await;
    assert_eq!(said.requests, used);
}

fn quota(per_hour: u64, known: bool, remaining: Option<i64>, resets: Option<u64>) -> QuotaView {
    QuotaView {
        per_hour,
        per_hour_known: known,
        remaining,
        resets_in_secs: resets,
    }
}

#[test]
fn the_time_is_said_in_hours_of_the_plan() {
    let within = describe(
        18,
        Some(800),
        EstimateSource::LastPull,
        quota(30, false, Some(25), Some(900)),
    );
    assert_eq!(within.duration_secs, 0);
    assert!(
        within
            .message
            .starts_with("About 18 requests: within this hour"),
        "{}",
        within.message
    );

    let long = describe(
        240,
        Some(12_000),
        EstimateSource::EarlierPulls,
        quota(30, false, None, None),
    );
    assert_eq!(
        long.duration_secs,
        7 * 3600,
        "30 now, then seven more hours"
    );
    assert!(
        long.message
            .starts_with("About 240 requests: about 7 hours on a Free plan's 30 an hour"),
        "{}",
        long.message
    );

    let known = describe(
        700,
        None,
        EstimateSource::NoHistory,
        quota(600, true, Some(100), Some(1200)),
    );
    assert_eq!(known.duration_secs, 1200);
    assert!(
        known.message.contains("your plan's 600 an hour"),
        "{}",
        known.message
    );
}
