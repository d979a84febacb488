use super::test_support::{admin_of_1001_member_of_1002, dump, range, Setup};
use super::*;
use crate::db::pulls;
use crate::error::AppResult;
use crate::review::stored::probe;
use blink_fake_toggl::fake::{Scenario, DEMO_WORKSPACE_ADMIN};
use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

const ADMIN: i64 = 1;
const PAGE: usize = 50;

fn scenario() -> Scenario {
    Scenario::generated(42, 2, 3, 640)
}

fn quiet(_: &Progress) {}

async fn run(setup: &Setup, options: PullOptions) -> AppResult<PullReport> {
    let cancel = AtomicBool::new(false);
    pull(
        &setup.db,
        &setup.client,
        &setup.token,
        &setup.request(options),
        &quiet,
        &cancel,
    )
    .await
}

/// A pull with the default options whose progress goes to `on_progress`.
async fn run_watched(setup: &Setup, on_progress: ProgressFn<'_>) -> AppResult<PullReport> {
    let cancel = AtomicBool::new(false);
    pull(
        &setup.db,
        &setup.client,
        &setup.token,
        &setup.request(PullOptions::default()),
        on_progress,
        &cancel,
    )
    .await
}

fn entries_per_workspace(s: &Scenario) -> BTreeMap<i64, usize> {
    let mut map = BTreeMap::new();
    for w in &s.workspaces {
        map.insert(w.id, 0);
    }
    for e in &s.time_entries {
        *map.entry(e.workspace_id).or_default() += 1;
    }
    map
}

/// Report pages of a full pass: at least one request per admin workspace.
fn report_requests(s: &Scenario) -> u64 {
    entries_per_workspace(s)
        .values()
        .map(|n| n.div_ceil(PAGE).max(1) as u64)
        .sum()
}

fn expected_sums(
    s: &Scenario,
    key: impl Fn(&blink_fake_toggl::fake::TimeEntry) -> Option<i64>,
) -> BTreeMap<Option<i64>, i64> {
    let mut map = BTreeMap::new();
    for e in &s.time_entries {
        *map.entry(key(e)).or_default() += e.duration.unwrap_or(0);
    }
    map
}

/// The resumed pull ended with exactly the data of an uninterrupted one.
fn assert_same_tables(resumed: &Setup, reference: &Setup) {
    assert_eq!(
        dump(&resumed.db, resumed.connection_id),
        dump(&reference.db, reference.connection_id)
    );
}

fn successful_requests(setup: &Setup) -> Vec<String> {
    setup
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.status == Some(200))
        .map(|r| {
            format!(
                "{} {}?{} {}",
                r.method,
                r.path,
                r.query.unwrap_or_default(),
                r.body
            )
        })
        .collect()
}

#[tokio::test]
async fn a_full_pull_matches_the_fake_data_exactly() {
    let setup = Setup::new(scenario(), ADMIN).await;
    let report = run(&setup, PullOptions::default()).await.unwrap();
    let s = setup.fake.scenario();
    assert_eq!(report.status, PullStatus::Done);
    assert_eq!(report.entries_stored, s.time_entries.len() as u64);
    let counts = stored_counts(&setup.db, setup.connection_id).unwrap();
    assert_eq!(counts.time_entries, s.time_entries.len() as u64);
    assert_eq!(counts.projects, s.projects.len() as u64);
    assert_eq!(counts.clients, s.clients.len() as u64);
    assert_eq!(counts.tags, s.tags.len() as u64);
    assert_eq!(counts.members, 6);
    assert_eq!(
        (counts.workspaces, counts.organizations),
        (2, 2),
        "the company's organization and the account's personal one"
    );
    assert_eq!(
        probe::seconds_by_project(&setup.db, setup.connection_id),
        expected_sums(&s, |e| e.project_id)
    );
    assert_eq!(
        probe::seconds_by_user(&setup.db, setup.connection_id),
        expected_sums(&s, |e| Some(e.user_id))
    );
    // per workspace: report pages + projects active/archived + clients + tags + members
    let expected = report_requests(&s) + 5 * 2;
    assert_eq!(report.requests_used, expected);
    assert_eq!(setup.fake.request_count() as u64, expected);
    let last = last_pull(&setup.db, setup.connection_id).unwrap().unwrap();
    assert_eq!(last.status, PullStatus::Done);
    assert_eq!(last.requests_used, expected);
    assert_eq!(last.range, range());
    assert_eq!(last.entries_stored, s.time_entries.len() as u64);
    assert!(last.finished_at.is_some());
    let tagged = probe::entry_tag_links(&setup.db, None);
    let expected_tags: usize = s.time_entries.iter().map(|e| e.tag_ids.len()).sum();
    assert_eq!(tagged as usize, expected_tags);
}

#[tokio::test]
async fn a_pull_cut_by_the_quota_resumes_after_the_reset_and_ends_identical() {
    let reference = Setup::new(scenario(), ADMIN).await;
    let full = run(&reference, PullOptions::default()).await.unwrap();

    let setup = Setup::new(scenario(), ADMIN).await;
    setup.fake.faults().exhaust_quota_after(4);
    let stopped = run(&setup, PullOptions::default()).await.unwrap();
    assert_eq!(stopped.status, PullStatus::StoppedQuota);
    assert_eq!(stopped.pages, 4);
    assert_eq!(
        stopped.requests_used, 5,
        "four pages and the refused request"
    );
    let resets = stopped.quota_resets_at.expect("reset time");
    assert!(resets > chrono::Utc::now());
    let last = last_pull(&setup.db, setup.connection_id).unwrap().unwrap();
    assert_eq!(last.status, PullStatus::StoppedQuota);
    assert_eq!(last.error_code.as_deref(), Some("quota_exhausted"));
    assert_eq!(
        last.quota_resets_at.map(|t| t.timestamp()),
        Some(resets.timestamp())
    );
    assert_eq!(last.counts.time_entries, 4 * PAGE as u64);

    setup.fake.faults().quota_exhausted(false);
    let resumed = run(&setup, PullOptions::default()).await.unwrap();
    assert_eq!(resumed.status, PullStatus::Done);
    assert!(resumed.resumed);
    assert_eq!(resumed.pull_id, stopped.pull_id);
    assert_eq!(
        resumed.requests_used + 4,
        full.requests_used,
        "no page asked twice"
    );
    assert_eq!(resumed.requests_total, full.requests_used + 1);
    let ok = successful_requests(&setup);
    assert_eq!(
        ok.iter().collect::<HashSet<_>>().len(),
        ok.len(),
        "a page was fetched twice"
    );
    assert_same_tables(&setup, &reference);
}

#[tokio::test]
async fn a_cancelled_pull_leaves_whole_pages_and_resumes() {
    let reference = Setup::new(scenario(), ADMIN).await;
    let full = run(&reference, PullOptions::default()).await.unwrap();

    let setup = Setup::new(scenario(), ADMIN).await;
    let cancel = AtomicBool::new(false);
    let seen = Mutex::new(Vec::new());
    let on_progress = |p: &Progress| {
        seen.lock().unwrap().push(p.clone());
        if p.pages_done == 3 {
            cancel.store(true, Ordering::SeqCst);
        }
    };
    let request = setup.request(PullOptions::default());
    let report = pull(
        &setup.db,
        &setup.client,
        &setup.token,
        &request,
        &on_progress,
        &cancel,
    )
    .await
    .unwrap();
    assert_eq!(report.status, PullStatus::Cancelled);
    assert_eq!((report.pages, report.requests_used), (3, 3));
    assert_eq!(setup.fake.request_count(), 3);
    let stages = setup.db.with(|c| pulls::stages(c, report.pull_id)).unwrap();
    let committed: i64 = stages.iter().map(|s| s.items).sum();
    let counts = stored_counts(&setup.db, setup.connection_id).unwrap();
    assert_eq!(counts.time_entries as i64, committed);
    assert_eq!(counts.time_entries, 3 * PAGE as u64, "only whole pages");
    let last_seen = seen.lock().unwrap().last().cloned().unwrap();
    assert_eq!((last_seen.pages_done, last_seen.entries_stored), (3, 150));
    assert_eq!(last_seen.requests_used, 3);
    assert_eq!(last_seen.quota_remaining, Some(i64::from(u32::MAX) - 3));
    let last = last_pull(&setup.db, setup.connection_id).unwrap().unwrap();
    assert_eq!(last.status, PullStatus::Cancelled);

    let resumed = run(&setup, PullOptions::default()).await.unwrap();
    assert_eq!(resumed.status, PullStatus::Done);
    assert_eq!(resumed.requests_total, full.requests_used);
    assert_same_tables(&setup, &reference);
}

#[tokio::test]
async fn a_second_pull_of_an_unchanged_range_asks_one_request_per_workspace() {
    let setup = Setup::new(scenario(), ADMIN).await;
    run(&setup, PullOptions::default()).await.unwrap();
    let before = dump(&setup.db, setup.connection_id);
    setup.fake.log().clear();
    let again = run(&setup, PullOptions::default()).await.unwrap();
    let s = setup.fake.scenario();
    assert_eq!(again.status, PullStatus::Done);
    assert!(!again.resumed);
    assert_eq!(again.requests_used, s.workspaces.len() as u64);
    assert_eq!(setup.fake.request_count(), s.workspaces.len());
    assert!(setup
        .fake
        .requests()
        .iter()
        .all(|r| r.path.starts_with("/reports/")
            && r.body.contains("\"order_by\":\"last_update\"")
            && r.body.contains("\"order_dir\":\"DESC\"")));
    assert_eq!(again.stages_skipped, 10);
    assert_eq!(
        dump(&setup.db, setup.connection_id),
        before,
        "no duplicates, no changes"
    );

    setup.fake.log().clear();
    let stale = PullOptions {
        metadata_max_age: chrono::Duration::zero(),
        ..PullOptions::default()
    };
    let refreshed = run(&setup, stale).await.unwrap();
    assert_eq!(refreshed.requests_used, s.workspaces.len() as u64 + 10);
}

#[tokio::test]
async fn metadata_is_refreshed_when_entries_name_an_unknown_project() {
    let setup = Setup::new(scenario(), ADMIN).await;
    run(&setup, PullOptions::default()).await.unwrap();
    setup.fake.update_scenario(|s| {
        s.projects.push(blink_fake_toggl::fake::Project {
            id: 1_001_999,
            workspace_id: 1001,
            client_id: None,
            name: "Brand new".into(),
            active: true,
            rate: None,
        });
        let id = s
            .time_entries
            .iter()
            .find(|e| e.workspace_id == 1001)
            .unwrap()
            .id;
        s.edit_entry(id, |e| e.project_id = Some(1_001_999));
    });
    setup.fake.log().clear();
    let again = run(&setup, PullOptions::default()).await.unwrap();
    assert_eq!(
        again.stages_skipped, 5,
        "only the other workspace's metadata is fresh"
    );
    let s = setup.fake.scenario();
    assert_eq!(again.requests_used, s.workspaces.len() as u64 + 5);
    assert_eq!(
        probe::project_name(&setup.db, 1_001_999).as_deref(),
        Some("Brand new")
    );
}

#[tokio::test]
async fn entries_deleted_or_edited_on_toggl_are_gone_or_updated_after_a_repull() {
    let setup = Setup::new(scenario(), ADMIN).await;
    run(&setup, PullOptions::default()).await.unwrap();
    let mut removed = Vec::new();
    setup.fake.update_scenario(|s| {
        for _ in 0..5 {
            let i = s
                .time_entries
                .iter()
                .position(|e| e.workspace_id == 1002)
                .unwrap();
            removed.push(s.time_entries.remove(i).id);
        }
        s.time_entries[0].description = Some("Edited on Toggl".into());
        s.tags.retain(|t| t.id != 10_024);
        for e in &mut s.time_entries {
            e.tag_ids.retain(|t| *t != 10_024);
        }
    });
    let edited = setup.fake.scenario().time_entries[0].id;
    let again = run(
        &setup,
        PullOptions {
            metadata_max_age: chrono::Duration::zero(),
            full_walk: true,
            ..PullOptions::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(again.entries_deleted_total, 5);
    let s = setup.fake.scenario();
    let counts = stored_counts(&setup.db, setup.connection_id).unwrap();
    assert_eq!(counts.time_entries, s.time_entries.len() as u64);
    assert_eq!(counts.tags, s.tags.len() as u64);
    for id in &removed {
        assert_eq!(
            probe::entry_description(&setup.db, *id),
            None,
            "entry {id} deleted on Toggl is still stored"
        );
        assert_eq!(probe::entry_tag_links(&setup.db, Some(*id)), 0);
    }
    assert_eq!(
        probe::entry_description(&setup.db, edited),
        Some(Some("Edited on Toggl".into()))
    );
}

#[tokio::test]
async fn the_page_cap_stops_a_stage_with_more_pages_than_allowed() {
    let setup = Setup::new(scenario(), ADMIN).await;
    let options = PullOptions {
        max_pages_per_stage: 3,
        ..PullOptions::default()
    };
    let error = run(&setup, options).await.unwrap_err();
    assert_eq!(error.code(), "unexpected_response");
    assert_eq!(setup.fake.request_count(), 3);
    let last = last_pull(&setup.db, setup.connection_id).unwrap().unwrap();
    assert_eq!(last.status, PullStatus::Failed);
    assert_eq!(last.error_code.as_deref(), Some("unexpected_response"));
    assert_eq!(last.requests_used, 3);
}

#[tokio::test]
async fn a_report_that_repeats_its_rows_stops_at_the_second_page() {
    let setup = Setup::new(scenario(), ADMIN).await;
    setup.fake.faults().endless_report(true);
    let error = run(&setup, PullOptions::default()).await.unwrap_err();
    assert_eq!(error.code(), "unexpected_response");
    assert_eq!(
        setup.fake.request_count(),
        2,
        "the full cursor shows the loop"
    );
}

#[tokio::test]
async fn non_admin_workspaces_get_the_accounts_own_entries_in_windows() {
    let setup = Setup::new(Scenario::demo(), DEMO_WORKSPACE_ADMIN).await;
    let report = run(&setup, PullOptions::default()).await.unwrap();
    assert_eq!(report.status, PullStatus::Done);
    let s = setup.fake.scenario();
    let expected: BTreeMap<i64, usize> = s
        .time_entries
        .iter()
        .filter(|e| e.workspace_id == 1002 || e.user_id == DEMO_WORKSPACE_ADMIN)
        .fold(BTreeMap::new(), |mut m, e| {
            *m.entry(e.workspace_id).or_default() += 1;
            m
        });
    assert_eq!(probe::entries_per_workspace(&setup.db), expected);
    let own_requests = setup
        .fake
        .requests()
        .iter()
        .filter(|r| r.path == "/api/v9/me/time_entries")
        .count();
    assert_eq!(
        own_requests,
        1 + 4,
        "the lookback 400, then 91 served days in 30-day windows"
    );
    assert_eq!(
        probe::workspaces_with_members(&setup.db),
        1,
        "members only where the account is admin"
    );
}

#[tokio::test]
async fn deleting_the_connection_removes_its_pulled_data() {
    let setup = Setup::new(scenario(), ADMIN).await;
    run(&setup, PullOptions::default()).await.unwrap();
    setup
        .db
        .with(|c| crate::db::connections::delete(c, setup.connection_id))
        .unwrap();
    assert_eq!(
        stored_counts(&setup.db, setup.connection_id).unwrap(),
        StoredCounts::default()
    );
    assert_eq!(last_pull(&setup.db, setup.connection_id).unwrap(), None);
    assert_eq!(probe::entry_tag_links(&setup.db, None), 0);
}

#[test]
fn a_reversed_range_is_refused_and_the_default_is_ninety_days() {
    let day = |d| chrono::NaiveDate::from_ymd_opt(2025, 12, d).unwrap();
    assert_eq!(
        PullRange::new(day(2), day(1)).unwrap_err().code(),
        "invalid_input"
    );
    let r = PullRange::last_days(90, day(31));
    assert_eq!((r.end_ts_exclusive() - r.start_ts()) / 86_400, 90);
}

#[tokio::test]
async fn a_pull_failed_midway_records_the_error_and_resumes_after_its_last_page() {
    let reference = Setup::new(scenario(), ADMIN).await;
    let full = run(&reference, PullOptions::default()).await.unwrap();

    let setup = Setup::new(scenario(), ADMIN).await;
    let faults = setup.fake.faults().clone();
    let on_progress = move |p: &Progress| {
        if p.pages_done == 2 {
            faults.malformed_json(true);
        }
    };
    let error = run_watched(&setup, &on_progress).await.unwrap_err();
    assert_eq!(error.code(), "unexpected_response");
    let last = last_pull(&setup.db, setup.connection_id).unwrap().unwrap();
    assert_eq!(last.status, PullStatus::Failed);
    assert_eq!(last.error_code.as_deref(), Some("unexpected_response"));
    assert_eq!((last.pages, last.requests_used), (2, 3));
    assert_eq!(
        last.counts.time_entries,
        2 * PAGE as u64,
        "the spoiled page left nothing"
    );

    setup.fake.faults().malformed_json(false);
    let resumed = run(&setup, PullOptions::default()).await.unwrap();
    assert_eq!(resumed.status, PullStatus::Done);
    assert!(resumed.resumed);
    assert_eq!(
        resumed.requests_total,
        full.requests_used + 1,
        "only the spoiled page again"
    );
    assert_same_tables(&setup, &reference);
}

#[tokio::test]
async fn a_full_window_of_own_entries_is_halved_so_none_is_lost() {
    let mut s = Scenario::generated(5, 1, 2, 7000);
    s.organizations[0].owner_id = 99;
    let member = 2;
    let setup = Setup::new(s, member).await;
    assert!(
        !setup.access.verdict.is_allowed(),
        "a plain member: own entries only"
    );
    let report = run(&setup, PullOptions::default()).await.unwrap();
    assert_eq!(report.status, PullStatus::Done);
    let own = setup
        .fake
        .scenario()
        .time_entries
        .iter()
        .filter(|e| e.user_id == member)
        .count();
    assert!(own > 3000, "windows of 30 days overflow Toggl's 1000 cap");
    let counts = stored_counts(&setup.db, setup.connection_id).unwrap();
    assert_eq!(counts.time_entries as usize, own);
    let own_requests: Vec<_> = setup
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/v9/me/time_entries")
        .collect();
    assert!(
        own_requests.len() > 4,
        "full windows were asked again, halved"
    );
    assert_eq!(counts.members, 0, "members need an admin role");
}

#[tokio::test]
async fn a_workspace_refused_the_detailed_report_falls_back_to_own_entries() {
    let setup = Setup::new(scenario(), ADMIN).await;
    setup.fake.faults().paid_reports(true);
    let report = run(&setup, PullOptions::default()).await.unwrap();
    assert_eq!(report.status, PullStatus::Done);
    let s = setup.fake.scenario();
    let own = s.time_entries.iter().filter(|e| e.user_id == ADMIN).count();
    let counts = stored_counts(&setup.db, setup.connection_id).unwrap();
    assert_eq!(counts.time_entries as usize, own);
    let requests = setup.fake.requests();
    let refused = requests.iter().filter(|r| r.status == Some(402)).count();
    let windows = requests
        .iter()
        .filter(|r| r.path == "/api/v9/me/time_entries")
        .count();
    assert_eq!(
        (refused, windows),
        (2, 1 + 2 * 4),
        "one refusal per workspace, four windows each and one lookback 400 per pull"
    );

    setup.fake.log().clear();
    let again = run(&setup, PullOptions::default()).await.unwrap();
    assert_eq!(
        again.requests_used,
        2 * (1 + 4) + 1,
        "a re-pull asks the report again, then falls back"
    );
    assert_eq!(
        stored_counts(&setup.db, setup.connection_id)
            .unwrap()
            .time_entries as usize,
        own
    );
}

#[tokio::test]
async fn a_fallback_cut_by_the_quota_resumes_on_the_same_path() {
    let setup = Setup::new(scenario(), ADMIN).await;
    setup
        .fake
        .faults()
        .paid_reports(true)
        .exhaust_quota_after(3);
    let stopped = run(&setup, PullOptions::default()).await.unwrap();
    assert_eq!(stopped.status, PullStatus::StoppedQuota);
    setup.fake.faults().quota_exhausted(false);
    let resumed = run(&setup, PullOptions::default()).await.unwrap();
    assert_eq!(resumed.status, PullStatus::Done);
    let own = setup
        .fake
        .scenario()
        .time_entries
        .iter()
        .filter(|e| e.user_id == ADMIN)
        .count();
    let counts = stored_counts(&setup.db, setup.connection_id).unwrap();
    assert_eq!(counts.time_entries as usize, own);
    let requests = setup.fake.requests();
    let windows_ok = requests
        .iter()
        .filter(|r| r.path == "/api/v9/me/time_entries" && r.status == Some(200))
        .count();
    assert_eq!(windows_ok, 2 * 4, "no window fetched twice");
    let reports = requests
        .iter()
        .filter(|r| r.path.starts_with("/reports/"))
        .count();
    assert_eq!(
        reports, 2,
        "the refused report is not asked again on resume"
    );
}

#[tokio::test]
async fn progress_ends_with_every_stage_done_also_when_metadata_is_skipped() {
    let setup = Setup::new(scenario(), ADMIN).await;
    for expected_skipped in [0, 10] {
        let seen = Mutex::new(Vec::new());
        let record = |p: &Progress| seen.lock().unwrap().push(p.clone());
        let report = run_watched(&setup, &record).await.unwrap();
        assert_eq!(report.stages_skipped, expected_skipped);
        let seen = seen.into_inner().unwrap();
        let last = seen.last().unwrap();
        assert_eq!(last.stage, None);
        assert_eq!((last.stages_done, last.stages_total), (12, 12));
        assert_eq!(last.requests_used, report.requests_used);
        assert!(seen.windows(2).all(|w| w[0].pages_done <= w[1].pages_done));
    }
}

async fn run_range(setup: &Setup, range: PullRange, options: PullOptions) -> AppResult<PullReport> {
    let cancel = AtomicBool::new(false);
    let request = PullRequest {
        range,
        ..setup.request(options)
    };
    pull(
        &setup.db,
        &setup.client,
        &setup.token,
        &request,
        &quiet,
        &cancel,
    )
    .await
}

fn day(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Ids of the fake's entries that are stored.
fn stored_entry_ids(setup: &Setup) -> std::collections::BTreeSet<i64> {
    setup
        .fake
        .scenario()
        .time_entries
        .iter()
        .map(|e| e.id)
        .filter(|id| probe::entry_description(&setup.db, *id).is_some())
        .collect()
}

/// User 1 administers workspace 1001 and is a plain member of 1002 (someone else owns
/// the organization); half the entries move three months back, so the range's first
/// half lies before the own-entries lookback.
fn admin_of_one_member_of_another() -> Scenario {
    let mut s = scenario();
    s.organizations[0].owner_id = 99;
    for ws in &mut s.workspaces {
        if ws.id == 1002 {
            ws.members.retain(|(id, _)| *id != ADMIN);
            ws.members.push((ADMIN, "user".into()));
        }
    }
    for (i, e) in s.time_entries.iter_mut().enumerate() {
        if i % 2 == 0 {
            e.start -= chrono::Duration::days(91);
        }
    }
    s
}

#[tokio::test]
async fn six_months_for_an_admin_of_one_workspace_and_member_of_another_store_what_is_reachable() {
    let setup = Setup::new(admin_of_one_member_of_another(), ADMIN).await;
    let range = PullRange::new(day(2025, 7, 1), day(2026, 1, 1)).unwrap();
    let report = run_range(&setup, range, PullOptions::default())
        .await
        .unwrap();
    assert_eq!(report.status, PullStatus::Done);
    let s = setup.fake.scenario();
    let edge = blink_fake_toggl::fake::own_entries_earliest()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();
    let reachable: std::collections::BTreeSet<i64> = s
        .time_entries
        .iter()
        .filter(|e| e.workspace_id == 1001 || (e.user_id == ADMIN && e.start >= edge))
        .map(|e| e.id)
        .collect();
    assert!(s
        .time_entries
        .iter()
        .any(|e| e.workspace_id == 1002 && e.user_id == ADMIN && e.start < edge));
    assert_eq!(stored_entry_ids(&setup), reachable);
    let lookback: Vec<_> = report
        .notices
        .iter()
        .filter(|n| n.kind == model::NoticeKind::OwnEntriesLookback)
        .collect();
    assert_eq!(lookback.len(), 1, "{:?}", report.notices);
    let missed = lookback[0].not_reached.unwrap();
    assert_eq!(
        (missed.start_date, missed.end_date),
        (day(2025, 7, 1), day(2025, 10, 2))
    );
    assert!(
        lookback[0].message.contains("Workspace 2"),
        "{}",
        lookback[0].message
    );
    assert!(
        lookback[0].message.contains("2025-10-03"),
        "{}",
        lookback[0].message
    );
    let lookback_refusals = setup
        .fake
        .requests()
        .iter()
        .filter(|r| r.status == Some(400))
        .count();
    assert_eq!(lookback_refusals, 1, "the limit is learned once");
}

#[tokio::test]
async fn a_range_longer_than_a_year_is_reported_in_chunks_each_resumable() {
    let range = PullRange::new(day(2024, 10, 1), day(2026, 1, 1)).unwrap();
    let reference = Setup::new(scenario(), ADMIN).await;
    let full = run_range(&reference, range, PullOptions::default())
        .await
        .unwrap();
    assert_eq!(full.status, PullStatus::Done);
    assert_eq!(full.entries_stored_total, 640);
    let spans: Vec<i64> = reference
        .fake
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/reports/"))
        .map(|r| {
            let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
            let date = |k: &str| {
                chrono::NaiveDate::parse_from_str(body[k].as_str().unwrap(), "%Y-%m-%d").unwrap()
            };
            (date("end_date") - date("start_date")).num_days() + 1
        })
        .collect();
    assert!(spans.iter().all(|d| *d <= 365), "{spans:?}");
    assert!(spans.contains(&365) && spans.len() > 2, "{spans:?}");

    let setup = Setup::new(scenario(), ADMIN).await;
    setup.fake.faults().exhaust_quota_after(3);
    let stopped = run_range(&setup, range, PullOptions::default())
        .await
        .unwrap();
    assert_eq!(stopped.status, PullStatus::StoppedQuota);
    setup.fake.faults().quota_exhausted(false);
    let resumed = run_range(&setup, range, PullOptions::default())
        .await
        .unwrap();
    assert_eq!(resumed.status, PullStatus::Done);
    assert!(resumed.resumed);
    let ok = successful_requests(&setup);
    assert_eq!(
        ok.iter().collect::<HashSet<_>>().len(),
        ok.len(),
        "a page was fetched twice"
    );
    assert_same_tables(&setup, &reference);
}

/// Entries of the LA user at the UTC edges of November and December, where the UTC
/// day and the Los Angeles day differ.
fn los_angeles() -> Scenario {
    use chrono::TimeZone;
    let mut s = Scenario::generated(42, 1, 2, 400);
    for u in &mut s.users {
        u.timezone = "America/Los_Angeles".into();
    }
    let at = |m, d, h| chrono::Utc.with_ymd_and_hms(2025, m, d, h, 30, 0).unwrap();
    for (n, start) in [
        at(11, 1, 6),
        at(11, 1, 7),
        at(12, 1, 3),
        at(12, 1, 7),
        at(12, 1, 9),
    ]
    .into_iter()
    .enumerate()
    {
        s.time_entries.push(blink_fake_toggl::fake::TimeEntry {
            id: 7_000_000 + n as i64,
            workspace_id: 1001,
            user_id: 2,
            project_id: None,
            description: Some("edge".into()),
            start,
            duration: Some(600),
            tag_ids: Vec::new(),
            billable: false,
            ..blink_fake_toggl::fake::TimeEntry::default()
        });
    }
    s
}

#[tokio::test]
async fn a_user_in_los_angeles_pulling_two_adjacent_months_keeps_every_edge_entry() {
    let setup = Setup::new(los_angeles(), ADMIN).await;
    let november = PullRange::new(day(2025, 11, 1), day(2025, 11, 30)).unwrap();
    let december = PullRange::new(day(2025, 12, 1), day(2025, 12, 31)).unwrap();
    run_range(&setup, november, PullOptions::default())
        .await
        .unwrap();
    run_range(&setup, december, PullOptions::default())
        .await
        .unwrap();
    let zone = jiff::tz::TimeZone::get("America/Los_Angeles").unwrap();
    let month_in_la = |t: chrono::DateTime<chrono::Utc>| {
        let local = jiff::Timestamp::from_second(t.timestamp())
            .unwrap()
            .to_zoned(zone.clone());
        (local.year(), local.month())
    };
    let stored = stored_entry_ids(&setup);
    let s = setup.fake.scenario();
    let mut expected = BTreeMap::new();
    let mut kept = BTreeMap::new();
    for e in s.time_entries.iter().filter(|e| e.workspace_id == 1001) {
        let month = month_in_la(e.start);
        if month == (2025, 11) || month == (2025, 12) {
            *expected.entry(month).or_insert(0) += 1;
            if stored.contains(&e.id) {
                *kept.entry(month).or_insert(0) += 1;
            }
        }
    }
    assert_eq!(kept, expected, "per Los Angeles month: stored vs Toggl's");
    assert!(
        stored.contains(&7_000_002),
        "30 November 19:30 in Los Angeles"
    );
    assert!(
        !stored.contains(&7_000_000),
        "31 October in Los Angeles is in neither month"
    );
}

/// Deletes the first `n` entries of workspace 1001 in report order (already pulled).
fn delete_first_entries(s: &mut Scenario, n: usize) {
    let mut ids: Vec<(chrono::DateTime<chrono::Utc>, i64)> = s
        .time_entries
        .iter()
        .filter(|e| e.workspace_id == 1001)
        .map(|e| (e.start, e.id))
        .collect();
    ids.sort();
    let gone: HashSet<i64> = ids.iter().take(n).map(|(_, id)| *id).collect();
    s.time_entries.retain(|e| !gone.contains(&e.id));
}

#[tokio::test]
async fn deletions_on_toggl_during_a_quota_stop_leave_the_resumed_tables_as_a_fresh_pull() {
    let reference = Setup::new(scenario(), ADMIN).await;
    reference
        .fake
        .update_scenario(|s| delete_first_entries(s, 10));
    run(&reference, PullOptions::default()).await.unwrap();

    let setup = Setup::new(scenario(), ADMIN).await;
    setup.fake.faults().exhaust_quota_after(3);
    let stopped = run(&setup, PullOptions::default()).await.unwrap();
    assert_eq!(stopped.status, PullStatus::StoppedQuota);
    assert_eq!(stopped.entries_stored, 3 * PAGE as u64);
    setup.fake.update_scenario(|s| delete_first_entries(s, 10));
    setup.fake.faults().quota_exhausted(false);
    let resumed = run(&setup, PullOptions::default()).await.unwrap();
    assert_eq!(resumed.status, PullStatus::Done);
    assert_same_tables(&setup, &reference);
    let bodies: Vec<String> = setup
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.path.contains("/workspace/1001/"))
        .map(|r| r.body)
        .collect();
    assert!(
        bodies
            .iter()
            .any(|b| b.contains("\"first_id\"") && b.contains("\"first_timestamp\"")),
        "the resumed page names its row by id and timestamp"
    );
}

#[tokio::test]
async fn a_revoked_admin_role_reads_as_changed_access_and_the_rest_is_pulled() {
    let setup = Setup::new(scenario(), ADMIN).await;
    setup.fake.update_scenario(|s| {
        s.organizations[0].owner_id = 99;
        for ws in &mut s.workspaces {
            if ws.id == 1002 {
                ws.members.retain(|(id, _)| *id != ADMIN);
            }
        }
    });
    let report = run(&setup, PullOptions::default()).await.unwrap();
    assert_eq!(report.status, PullStatus::Done);
    let s = setup.fake.scenario();
    let in_1001 = s
        .time_entries
        .iter()
        .filter(|e| e.workspace_id == 1001)
        .count();
    assert_eq!(
        probe::entries_per_workspace(&setup.db).get(&1001),
        Some(&in_1001)
    );
    let changed: Vec<_> = report
        .notices
        .iter()
        .filter(|n| n.kind == model::NoticeKind::AccessChanged)
        .collect();
    assert_eq!(changed.len(), 1, "{:?}", report.notices);
    assert_eq!(changed[0].workspace_id, Some(1002));
    let text = &changed[0].message;
    assert!(
        text.contains("Your access to Workspace 2 changed"),
        "{text}"
    );
    assert!(text.contains("still works"), "{text}");
    assert!(!text.to_lowercase().contains("replace the"), "{text}");
    let requests = setup.fake.requests();
    let to_1002 = requests
        .iter()
        .filter(|r| r.path.contains("/1002/") || r.path.ends_with("/1002"))
        .count();
    let rechecks = requests
        .iter()
        .filter(|r| r.path.starts_with("/api/v9/me"))
        .count();
    assert_eq!(
        (to_1002, rechecks),
        (1, 2),
        "one refused report, one access check, nothing more asked of the lost workspace"
    );
}

#[tokio::test]
async fn a_pull_stopped_by_the_rate_limit_resumes_with_no_page_fetched_twice() {
    let reference = Setup::new(scenario(), ADMIN).await;
    run(&reference, PullOptions::default()).await.unwrap();

    let setup = Setup::new(scenario(), ADMIN).await;
    let faults = setup.fake.faults().clone();
    let armed = AtomicBool::new(true);
    let on_progress = move |p: &Progress| {
        if p.pages_done == 2 && armed.swap(false, Ordering::SeqCst) {
            faults.too_many_requests(1);
        }
    };
    let stopped = run_watched(&setup, &on_progress).await.unwrap();
    assert_eq!(stopped.status, PullStatus::StoppedQuota);
    assert_eq!(stopped.error_code.as_deref(), Some("rate_limited"));
    assert_eq!(stopped.pages, 2);
    let resumed = run(&setup, PullOptions::default()).await.unwrap();
    assert_eq!(resumed.status, PullStatus::Done);
    assert!(resumed.resumed);
    let ok = successful_requests(&setup);
    assert_eq!(
        ok.iter().collect::<HashSet<_>>().len(),
        ok.len(),
        "a page was fetched twice"
    );
    assert_same_tables(&setup, &reference);
}

#[tokio::test]
async fn durations_are_stop_minus_start_whatever_the_reports_rounding() {
    use blink_fake_toggl::fake::Shape;
    let rounded = scenario().with_shape(Shape {
        report_rounding_minutes: Some(15),
        ..Shape::default()
    });
    let setup = Setup::new(rounded, ADMIN).await;
    run(&setup, PullOptions::default()).await.unwrap();
    let s = setup.fake.scenario();
    assert_eq!(
        probe::seconds_by_user(&setup.db, setup.connection_id),
        expected_sums(&s, |e| Some(e.user_id))
    );
}

/// Projects and tags in pages of at most two, whatever the client asks for.
fn small_pages() -> Scenario {
    use blink_fake_toggl::fake::Shape;
    scenario().with_shape(Shape {
        max_per_page: Some(2),
        ..Shape::default()
    })
}

#[tokio::test]
async fn a_server_page_cap_below_the_size_asked_still_pulls_every_project_and_tag() {
    let setup = Setup::new(small_pages(), ADMIN).await;
    run(&setup, PullOptions::default()).await.unwrap();
    let s = setup.fake.scenario();
    let counts = stored_counts(&setup.db, setup.connection_id).unwrap();
    assert_eq!(counts.tags, s.tags.len() as u64);
    assert_eq!(counts.projects, s.projects.len() as u64);
}

#[tokio::test]
async fn a_list_page_repeating_the_previous_one_ends_the_stage_instead_of_looping() {
    let setup = Setup::new(small_pages(), ADMIN).await;
    setup.fake.faults().repeated_list_pages(true);
    let options = PullOptions {
        max_pages_per_stage: 50,
        ..PullOptions::default()
    };
    let report = run(&setup, options).await.unwrap();
    assert_eq!(report.status, PullStatus::Done);
    let tag_requests = setup
        .fake
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/tags"))
        .count();
    assert_eq!(
        tag_requests,
        2 * 2,
        "two pages per workspace, the second a repeat"
    );
    let counts = stored_counts(&setup.db, setup.connection_id).unwrap();
    assert_eq!(
        counts.tags,
        2 * 2,
        "the repeated page's rows, nothing swept"
    );
}

#[tokio::test]
async fn quota_buckets_are_reported_apart_and_a_bare_402_from_an_empty_one_is_the_quota() {
    use blink_fake_toggl::fake::Shape;
    let mut s = admin_of_one_member_of_another().with_shape(Shape {
        bare_quota_refusals: true,
        ..Shape::default()
    });
    s.limits.org_per_hour = Some(3);
    let setup = Setup::new(s, ADMIN).await;
    let seen = Mutex::new(Vec::new());
    let record = |p: &Progress| seen.lock().unwrap().push(p.clone());
    let report = run_watched(&setup, &record).await.unwrap();
    assert_eq!(report.status, PullStatus::StoppedQuota);
    assert_eq!(report.error_code.as_deref(), Some("quota_exhausted"));
    let stages = setup.db.with(|c| pulls::stages(c, report.pull_id)).unwrap();
    assert!(
        !stages.iter().any(|s| s.workspace_id == 1001 && s.skipped),
        "the quota 402 did not switch the workspace to own entries"
    );
    use crate::toggl::Bucket;
    let bucket = |b: Bucket| report.quota_buckets.iter().find(|q| q.bucket == b).cloned();
    let user = bucket(Bucket::User).expect("the user-level bucket");
    let org = bucket(Bucket::Organization(1)).expect("the organization's bucket");
    assert_eq!((org.remaining, org.label.as_str()), (0, "Generated Org"));
    assert!(user.remaining > 0);
    assert_eq!(user.label, "user-level");
    let last = seen.into_inner().unwrap().pop().unwrap();
    assert_eq!(last.quota_buckets, report.quota_buckets);
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["quota_buckets"][0]["bucket"]["kind"], "organization");
}

#[tokio::test]
async fn a_workspace_with_no_clients_no_tags_and_no_projects_pulls() {
    let mut s = scenario();
    s.clients.retain(|c| c.workspace_id != 1002);
    s.tags.retain(|t| t.workspace_id != 1002);
    s.projects.retain(|p| p.workspace_id != 1002);
    for e in &mut s.time_entries {
        if e.workspace_id == 1002 {
            e.project_id = None;
            e.tag_ids.clear();
        }
    }
    let setup = Setup::new(s, ADMIN).await;
    let report = run(&setup, PullOptions::default()).await.unwrap();
    assert_eq!(report.status, PullStatus::Done);
    let s = setup.fake.scenario();
    let counts = stored_counts(&setup.db, setup.connection_id).unwrap();
    assert_eq!(counts.time_entries, s.time_entries.len() as u64);
    assert_eq!(counts.clients, s.clients.len() as u64);
}

#[test]
fn the_default_range_lies_well_inside_the_own_entries_lookback() {
    let now = chrono::Utc::now();
    let facts = PullFacts::derive(None, now);
    assert!(facts.default_range.start_date > facts.own_entries_from + chrono::Duration::days(14));
    assert_eq!(facts.default_range.end_date, now.date_naive());
}

/// Requests of the log to the report of one workspace, and to `/me/time_entries`.
fn report_and_own_requests(setup: &Setup, workspace_id: i64) -> (usize, usize) {
    let requests = setup.fake.requests();
    let report = format!("/workspace/{workspace_id}/");
    (
        requests.iter().filter(|r| r.path.contains(&report)).count(),
        requests
            .iter()
            .filter(|r| r.path == "/api/v9/me/time_entries")
            .count(),
    )
}

/// The report page size the fake applied: the entries the first page of a full walk
/// of `workspace_id` stored (the client asks for the largest; the server decides).
async fn applied_page_size(scenario: Scenario, workspace_id: i64) -> usize {
    let setup = Setup::new(scenario, ADMIN).await;
    let first = Mutex::new(None);
    let watch = |p: &Progress| {
        let mut first = first.lock().unwrap();
        if first.is_none() && p.stage == Some(StageKind::ReportEntries) && p.pages_done == 1 {
            assert_eq!(p.workspace_id, Some(workspace_id), "its report comes first");
            *first = Some(p.entries_stored as usize);
        }
    };
    run_watched(&setup, &watch).await.unwrap();
    let stored = first.lock().unwrap().expect("a report page");
    stored
}

/// The same pull into a second database against a fake holding the same data now.
async fn fresh_pull_of(setup: &Setup) -> Setup {
    let fresh = Setup::new(setup.fake.scenario(), ADMIN).await;
    run(&fresh, PullOptions::default()).await.unwrap();
    fresh
}

/// Every stored column of the connection's entries and tag links, but the pull that
/// last saw a row.
fn assert_every_column_equal(setup: &Setup, fresh: &Setup) {
    use crate::db::entry_walks::every_entry_column;
    let ours = every_entry_column(&setup.db, setup.connection_id);
    let theirs = every_entry_column(&fresh.db, fresh.connection_id);
    let only_ours: Vec<&String> = ours.iter().filter(|r| !theirs.contains(r)).collect();
    let only_theirs: Vec<&String> = theirs.iter().filter(|r| !ours.contains(r)).collect();
    assert!(
        only_ours.is_empty() && only_theirs.is_empty(),
        "stored only by the re-pull: {only_ours:#?}\nonly by the fresh pull: {only_theirs:#?}"
    );
    assert_eq!(ours, theirs);
    assert_same_tables(setup, fresh);
}

/// About 1% of 640 entries change on Toggl: others' and own entries edited, added, and
/// own entries deleted, in the admin workspace and in the member one. Returns how many
/// changed and the own entry deleted in admin workspace 1001.
fn change_one_percent(s: &mut Scenario) -> (usize, i64) {
    let pick = |s: &Scenario, ws: i64, own: bool, skip: usize| {
        s.live_entries()
            .filter(|e| e.workspace_id == ws && (e.user_id == ADMIN) == own)
            .nth(skip)
            .unwrap()
            .id
    };
    let template = s.time_entries[0].clone();
    let edits = [
        (pick(s, 1001, false, 0), "Edited someone's"),
        (pick(s, 1001, false, 1), "Edited another's"),
        (pick(s, 1001, true, 0), "Edited own in admin workspace"),
        (pick(s, 1002, true, 0), "Edited own in member workspace"),
    ];
    for (id, text) in edits {
        assert!(s.edit_entry(id, |e| {
            e.description = Some(text.into());
            e.duration = e.duration.map(|d| d + 60);
            e.tag_ids = vec![e.workspace_id * 10_000 + 4];
        }));
    }
    for (n, (ws, user)) in [(1001, 2), (1002, ADMIN)].into_iter().enumerate() {
        s.add_entry(blink_fake_toggl::fake::TimeEntry {
            id: 8_000_000 + n as i64,
            workspace_id: ws,
            user_id: user,
            description: Some("Added on Toggl".into()),
            tag_ids: vec![ws * 10_000 + 1],
            ..template.clone()
        });
    }
    // Tagged ones, so their tag links must go too.
    let deleted = [1001, 1002].map(|ws| {
        s.live_entries()
            .filter(|e| e.workspace_id == ws && e.user_id == ADMIN && !e.tag_ids.is_empty())
            .nth(3)
            .unwrap()
            .id
    });
    for id in deleted {
        assert!(s.delete_entry(id));
    }
    (edits.len() + 2 + 2, deleted[0])
}

#[tokio::test]
async fn a_re_pull_after_one_percent_changed_fetches_only_that_and_ends_as_a_fresh_pull() {
    let page = applied_page_size(scenario(), 1001).await;
    let setup = Setup::new(admin_of_1001_member_of_1002(), ADMIN).await;
    run(&setup, PullOptions::default()).await.unwrap();
    let mut changed = 0;
    setup
        .fake
        .update_scenario(|s| changed = change_one_percent(s).0);
    setup.fake.log().clear();
    let again = run(&setup, PullOptions::default()).await.unwrap();
    assert_eq!(again.status, PullStatus::Done);
    let (report, own) = report_and_own_requests(&setup, 1001);
    assert_eq!(own, 1, "one `since` request covers own entries everywhere");
    assert!(
        report <= changed.div_ceil(page) + 1,
        "{report} report requests"
    );
    assert_eq!(again.requests_used as usize, report + own);
    let workspaces = setup.fake.scenario().workspaces.len();
    assert!(again.requests_used as usize <= workspaces * (changed.div_ceil(page) + 1));
    assert_eq!(
        again.entries_deleted_total, 2,
        "the two own entries deleted"
    );
    assert_every_column_equal(&setup, &fresh_pull_of(&setup).await);
}

#[tokio::test]
async fn a_re_pull_after_more_changes_than_a_page_reads_just_their_pages() {
    let page = applied_page_size(scenario(), 1001).await;
    let setup = Setup::new(scenario(), ADMIN).await;
    run(&setup, PullOptions::default()).await.unwrap();
    let edited: Vec<i64> = setup
        .fake
        .scenario()
        .live_entries()
        .filter(|e| e.workspace_id == 1001)
        .map(|e| e.id)
        .take(page.min(200) + 10)
        .collect();
    setup.fake.update_scenario(|s| {
        for id in &edited {
            s.edit_entry(*id, |e| e.billable = !e.billable);
        }
    });
    setup.fake.log().clear();
    let again = run(&setup, PullOptions::default()).await.unwrap();
    let (report, own) = report_and_own_requests(&setup, 1001);
    assert_eq!(own, 0, "no own-entry workspace, no `since` request");
    assert!(
        report <= edited.len().div_ceil(page) + 1,
        "{report} requests"
    );
    assert_eq!(again.requests_used as usize, report + 1, "and one for 1002");
    assert_every_column_equal(&setup, &fresh_pull_of(&setup).await);
}

#[tokio::test]
async fn a_full_re_pull_removes_an_entry_someone_else_deleted_in_an_admin_workspace() {
    let setup = Setup::new(scenario(), ADMIN).await;
    run(&setup, PullOptions::default()).await.unwrap();
    let s = setup.fake.scenario();
    let theirs = s
        .live_entries()
        .find(|e| e.workspace_id == 1002 && e.user_id != ADMIN)
        .unwrap()
        .id;
    setup
        .fake
        .update_scenario(|s| assert!(s.delete_entry(theirs)));
    run(&setup, PullOptions::default()).await.unwrap();
    assert!(
        probe::entry_description(&setup.db, theirs).is_some(),
        "the report never lists deletions, so only a whole walk sees this one"
    );
    setup.fake.log().clear();
    let full = PullOptions {
        full_walk: true,
        ..PullOptions::default()
    };
    let report = run(&setup, full).await.unwrap();
    assert_eq!(report.entries_deleted_total, 1);
    assert_eq!(probe::entry_description(&setup.db, theirs), None);
    let live = setup.fake.scenario();
    assert_eq!(report.requests_used, report_requests_of_live(&live));
    assert_every_column_equal(&setup, &fresh_pull_of(&setup).await);
}

/// Report pages of a full walk of the entries Toggl still has, at the page size the fake
/// serves (its cap: the client asks for more).
fn report_requests_of_live(s: &Scenario) -> u64 {
    let page = s.shape.report_max_page_size.max(1);
    s.workspaces
        .iter()
        .map(|w| {
            let n = s.live_entries().filter(|e| e.workspace_id == w.id).count();
            n.div_ceil(page).max(1) as u64
        })
        .sum()
}

#[tokio::test]
async fn a_re_pull_a_week_after_the_last_full_walk_walks_the_whole_range() {
    let setup = Setup::new(scenario(), ADMIN).await;
    run(&setup, PullOptions::default()).await.unwrap();
    setup.fake.update_scenario(|s| {
        let theirs = s.live_entries().find(|e| e.user_id != ADMIN).unwrap().id;
        s.delete_entry(theirs);
    });
    setup.fake.log().clear();
    let week_old = PullOptions {
        full_walk_max_age: chrono::Duration::zero(),
        ..PullOptions::default()
    };
    let report = run(&setup, week_old).await.unwrap();
    assert_eq!(report.entries_deleted_total, 1);
    assert_eq!(
        report.requests_used,
        report_requests_of_live(&setup.fake.scenario())
    );
    assert!(setup
        .fake
        .requests()
        .iter()
        .all(|r| r.body.contains("\"order_by\":\"date\"")));
}

#[tokio::test]
async fn report_rows_out_of_last_update_order_fall_back_to_a_whole_walk() {
    let setup = Setup::new(scenario(), ADMIN).await;
    run(&setup, PullOptions::default()).await.unwrap();
    setup.fake.update_scenario(|s| {
        s.shape.report_ignores_order = true;
        let theirs = s.live_entries().find(|e| e.user_id != ADMIN).unwrap().id;
        s.delete_entry(theirs);
    });
    setup.fake.log().clear();
    let report = run(&setup, PullOptions::default()).await.unwrap();
    assert_eq!(report.status, PullStatus::Done);
    let live = setup.fake.scenario();
    assert_eq!(
        report.requests_used,
        live.workspaces.len() as u64 + report_requests_of_live(&live),
        "one page in the wrong order per workspace, then its whole walk"
    );
    assert_eq!(report.entries_deleted_total, 1, "the whole walk sweeps");
    assert_every_column_equal(&setup, &fresh_pull_of(&setup).await);
}

#[tokio::test]
async fn a_refused_since_walks_the_own_entries_range_instead() {
    let setup = Setup::new(admin_of_1001_member_of_1002(), ADMIN).await;
    run(&setup, PullOptions::default()).await.unwrap();
    let mut deleted_in_admin_workspace = 0;
    setup.fake.update_scenario(|s| {
        s.shape.own_entries_since_days = Some(0);
        deleted_in_admin_workspace = change_one_percent(s).1;
    });
    setup.fake.log().clear();
    let report = run(&setup, PullOptions::default()).await.unwrap();
    assert_eq!(report.status, PullStatus::Done);
    let refused = setup
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.query.as_deref().is_some_and(|q| q.starts_with("since=")))
        .map(|r| r.status)
        .collect::<Vec<_>>();
    assert_eq!(refused, [Some(400)]);
    let (_, own) = report_and_own_requests(&setup, 1001);
    assert_eq!(
        own,
        1 + 1 + 4,
        "the refused since, the lookback 400, four windows"
    );
    let fresh = fresh_pull_of(&setup).await;
    assert_eq!(
        stored_entry_ids(&setup)
            .difference(&stored_entry_ids(&fresh))
            .collect::<Vec<_>>(),
        [&deleted_in_admin_workspace],
        "without `since`, an own entry deleted in an admin workspace waits for a whole walk"
    );
    let full = PullOptions {
        full_walk: true,
        ..PullOptions::default()
    };
    run(&setup, full).await.unwrap();
    assert_every_column_equal(&setup, &fresh);
}

#[tokio::test]
async fn a_since_answer_at_the_cap_walks_the_own_entries_range_instead() {
    let setup = Setup::new(admin_of_1001_member_of_1002(), ADMIN).await;
    run(&setup, PullOptions::default()).await.unwrap();
    setup.fake.update_scenario(|s| {
        let template = s.time_entries[0].clone();
        for n in 0..1000 {
            s.add_entry(blink_fake_toggl::fake::TimeEntry {
                id: 8_100_000 + n,
                workspace_id: 1002,
                user_id: ADMIN,
                start: template.start + chrono::Duration::minutes(n),
                ..template.clone()
            });
        }
    });
    setup.fake.log().clear();
    run(&setup, PullOptions::default()).await.unwrap();
    let since: Vec<_> = setup
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.query.as_deref().is_some_and(|q| q.starts_with("since=")))
        .collect();
    assert_eq!(since.len(), 1, "a full answer is not trusted");
    assert_every_column_equal(&setup, &fresh_pull_of(&setup).await);
}

#[tokio::test]
async fn a_re_pull_of_changes_cut_by_the_quota_resumes_on_its_path_and_ends_as_a_fresh_pull() {
    let page = applied_page_size(scenario(), 1001).await;
    let setup = Setup::new(admin_of_1001_member_of_1002(), ADMIN).await;
    run(&setup, PullOptions::default()).await.unwrap();
    let edited: Vec<i64> = setup
        .fake
        .scenario()
        .live_entries()
        .filter(|e| e.workspace_id == 1001)
        .map(|e| e.id)
        .take(page + 1)
        .collect();
    setup.fake.update_scenario(|s| {
        change_one_percent(s);
        for id in &edited {
            s.edit_entry(*id, |e| {
                e.description = Some("Edited before the stop".into())
            });
        }
    });
    setup.fake.faults().exhaust_quota_after(2);
    let stopped = run(&setup, PullOptions::default()).await.unwrap();
    assert_eq!(stopped.status, PullStatus::StoppedQuota);
    setup.fake.faults().clear();
    setup.fake.log().clear();
    let resumed = run(&setup, PullOptions::default()).await.unwrap();
    assert_eq!((resumed.status, resumed.resumed), (PullStatus::Done, true));
    assert!(
        setup
            .fake
            .requests()
            .iter()
            .all(|r| r.path.contains("/workspace/1001/") && r.body.contains("last_update")),
        "the resumed run goes on reading changes, nothing else"
    );
    assert_every_column_equal(&setup, &fresh_pull_of(&setup).await);
}

#[tokio::test]
async fn a_workspace_new_to_the_own_entries_has_them_walked_whole_not_asked_since() {
    let setup = Setup::new(admin_of_1001_member_of_1002(), ADMIN).await;
    run(&setup, PullOptions::default()).await.unwrap();
    setup.fake.update_scenario(|s| {
        for ws in &mut s.workspaces {
            for member in &mut ws.members {
                member.1 = "user".into();
            }
        }
    });
    let access = crate::toggl::check_access(&setup.client, &setup.token)
        .await
        .unwrap();
    assert_eq!(plan::own_entry_workspaces(&access), [1001, 1002]);
    setup.fake.log().clear();
    let cancel = AtomicBool::new(false);
    let request = PullRequest {
        access,
        ..setup.request(PullOptions::default())
    };
    let report = pull(
        &setup.db,
        &setup.client,
        &setup.token,
        &request,
        &quiet,
        &cancel,
    )
    .await
    .unwrap();
    assert_eq!(report.status, PullStatus::Done);
    let own: Vec<String> = setup
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/v9/me/time_entries")
        .filter_map(|r| r.query)
        .collect();
    assert!(
        !own.is_empty() && own.iter().all(|q| q.starts_with("start_date=")),
        "{own:?}"
    );
}
