use super::*;
use crate::connections::{CheckedToken, NewConnection};
use crate::domain::Privacy;
use crate::secrets::{MemoryStore, SecretStore};
use crate::sync::test_support::{fast_client, range};
use crate::sync::{stored_counts, StoredCounts};
use crate::toggl::check_access;
use crate::token::ApiToken;
use blink_fake_toggl::fake::{FakeToggl, Scenario};
use std::sync::atomic::AtomicUsize;
use std::time::Duration;

const ADMIN: i64 = 1;

/// Counts credential store reads.
#[derive(Default)]
struct CountingStore {
    inner: MemoryStore,
    gets: AtomicUsize,
}

impl SecretStore for CountingStore {
    fn set(&self, key: &str, token: &ApiToken) -> AppResult<()> {
        self.inner.set(key, token)
    }

    fn get(&self, key: &str) -> AppResult<Option<ApiToken>> {
        self.gets.fetch_add(1, Ordering::SeqCst);
        self.inner.get(key)
    }

    fn delete(&self, key: &str) -> AppResult<()> {
        self.inner.delete(key)
    }

    fn list_keys(&self) -> AppResult<Option<Vec<String>>> {
        self.inner.list_keys()
    }
}

struct Pulling {
    fake: FakeToggl,
    db: Arc<Db>,
    store: Arc<CountingStore>,
    service: Arc<PullService>,
    id: i64,
}

impl Pulling {
    async fn new() -> Pulling {
        let fake = FakeToggl::start(Scenario::generated(42, 2, 3, 640)).await;
        let client = fast_client(&fake.url());
        let token = ApiToken::parse(&fake.token_of(ADMIN)).unwrap();
        let access = check_access(&client, &token).await.unwrap();
        let db = Arc::new(Db::open_in_memory().unwrap());
        let store = Arc::new(CountingStore::default());
        let connections = Arc::new(ConnectionService::new(db.clone(), store.clone()));
        let new = NewConnection {
            name: "Main".into(),
            privacy: Privacy::SharedWithWorkspace,
            request_id: "r".into(),
            workspace_ids: None,
        };
        let checked = CheckedToken::for_tests(token, access);
        let id = connections.create(&checked, new).unwrap().id;
        fake.log().clear();
        let service = Arc::new(PullService::new(db.clone(), connections, client));
        Pulling {
            fake,
            db,
            store,
            service,
            id,
        }
    }

    async fn pull(&self, progress: ProgressSink) -> AppResult<PullOutcome> {
        let (start, end) = range_fields();
        self.service
            .start(self.id, &start, &end, false, progress)
            .await
    }

    /// Starts a pull and returns once its first page is committed, with every later
    /// request held for `hold`: the pull is surely running when the caller acts.
    async fn in_flight(&self, hold: Duration) -> tokio::task::JoinHandle<AppResult<PullOutcome>> {
        let faults = self.fake.faults().clone();
        let (first_page_tx, first_page) = tokio::sync::oneshot::channel();
        let first_page_tx = Mutex::new(Some(first_page_tx));
        let progress = Pulling::after_first_page(move || {
            faults.delay(Some(hold));
            if let Some(tx) = first_page_tx.lock().unwrap().take() {
                let _ = tx.send(());
            }
        });
        let service = Arc::clone(&self.service);
        let ((start, end), id) = (range_fields(), self.id);
        let running =
            tokio::spawn(async move { service.start(id, &start, &end, false, progress).await });
        first_page.await.unwrap();
        running
    }

    /// Runs `at_first_page` once, right after the first page was committed.
    fn after_first_page(at_first_page: impl Fn() + Send + Sync + 'static) -> ProgressSink {
        let done = AtomicBool::new(false);
        Arc::new(move |p: &Progress| {
            if p.pages_done >= 1 && !done.swap(true, Ordering::SeqCst) {
                at_first_page();
            }
        })
    }
}

/// The test range as the page's date fields send it.
fn range_fields() -> (String, String) {
    let r = range();
    (r.start_date.to_string(), r.end_date.to_string())
}

fn quiet() -> ProgressSink {
    Arc::new(|_: &Progress| {})
}

/// A service with no connection and no reachable Toggl: for the running set alone.
fn idle() -> PullService {
    let db = Arc::new(Db::open_in_memory().unwrap());
    let connections = Arc::new(ConnectionService::new(
        db.clone(),
        Arc::new(MemoryStore::new()),
    ));
    PullService::new(db, connections, fast_client("http://127.0.0.1:9"))
}

#[test]
fn cancel_reaches_the_running_pull_of_that_connection_only() {
    let pulls = idle();
    let first = pulls.claim(1).unwrap();
    let other = pulls.claim(2).unwrap();
    pulls.cancel(1);
    assert!(first.cancel.load(Ordering::SeqCst));
    assert!(!other.cancel.load(Ordering::SeqCst));
}

#[test]
fn a_finished_pull_no_longer_takes_a_cancel() {
    let pulls = idle();
    let flag = Arc::clone(&pulls.claim(1).unwrap().cancel);
    pulls.cancel(1);
    assert!(!flag.load(Ordering::SeqCst));
    assert!(!pulls.is_running(1));
}

#[test]
fn a_second_pull_of_a_running_connection_is_refused_and_keeps_the_first_cancel() {
    let pulls = idle();
    let first = pulls.claim(1).unwrap();
    assert_eq!(pulls.claim(1).err(), Some(AppError::PullRunning));
    pulls.cancel(1);
    assert!(first.cancel.load(Ordering::SeqCst));
    drop(first);
    assert!(pulls.claim(1).is_ok());
}

#[tokio::test]
async fn a_second_concurrent_pull_of_one_connection_is_refused() {
    let p = Pulling::new().await;
    let _held = p.service.claim(p.id).unwrap();
    assert_eq!(p.pull(quiet()).await.unwrap_err(), AppError::PullRunning);
    assert_eq!(p.fake.request_count(), 0);
}

#[tokio::test]
async fn a_complete_pull_reads_the_credential_store_once_and_releases_the_connection() {
    let p = Pulling::new().await;
    let reads_before = p.store.gets.load(Ordering::SeqCst);
    let outcome = p.pull(quiet()).await.unwrap();
    assert_eq!(p.store.gets.load(Ordering::SeqCst) - reads_before, 1);
    assert_eq!(outcome.report.status, PullStatus::Done);
    assert!(!outcome.resumable);
    assert_eq!(outcome.pull_allowed_after, None);
    assert!(
        outcome.message.starts_with("Done: 640 entries"),
        "{}",
        outcome.message
    );
    assert!(!p.service.is_running(p.id));
}

#[tokio::test]
async fn a_cancel_mid_pull_says_what_was_kept_and_that_the_next_pull_resumes() {
    let p = Pulling::new().await;
    let (service, id) = (Arc::clone(&p.service), p.id);
    let outcome = p
        .pull(Pulling::after_first_page(move || service.cancel(id)))
        .await
        .unwrap();
    let report = &outcome.report;
    assert_eq!(report.status, PullStatus::Cancelled);
    assert!(report.pages_total >= 1 && report.entries_stored_total >= 1);
    assert!(outcome.resumable);
    assert!(
        outcome.message.contains(&format!(
            "Kept the {} entries from {} pages",
            report.entries_stored_total, report.pages_total
        )),
        "{}",
        outcome.message
    );
    assert!(outcome.message.contains("resumes"), "{}", outcome.message);
    assert!(!outcome.message.contains("Nothing was changed"));
    let json = serde_json::to_value(&outcome).unwrap();
    assert_eq!(json["status"], "cancelled");
    assert_eq!(json["resumable"], true);

    let facts = p.service.facts(p.id).unwrap();
    assert!(facts.resumable);
    assert_eq!(facts.default_range, range());
    let resumed = p.pull(quiet()).await.unwrap();
    assert!(resumed.report.resumed);
    assert_eq!(resumed.report.status, PullStatus::Done);
    assert_eq!(resumed.report.entries_stored_total, 640);
}

#[tokio::test]
async fn a_panicking_pull_releases_the_connection_and_the_next_pull_resumes() {
    let p = Pulling::new().await;
    let panicking = Pulling::after_first_page(|| panic!("a probe panics mid-pull"));
    let error = p.pull(panicking).await.unwrap_err();
    assert_eq!(error.code(), "internal");
    assert!(!p.service.is_running(p.id));
    let resumed = p.pull(quiet()).await.unwrap();
    assert!(resumed.report.resumed);
    assert_eq!(resumed.report.status, PullStatus::Done);
}

#[tokio::test]
async fn deleting_a_connection_stops_its_running_pull_first() {
    let p = Pulling::new().await;
    let running = p.in_flight(Duration::from_secs(3)).await;
    assert!(p.service.is_running(p.id));
    p.service.delete_connection(p.id).await.unwrap();
    assert!(!p.service.is_running(p.id));
    assert_eq!(stored_counts(&p.db, p.id).unwrap(), StoredCounts::default());
    assert_eq!(last_pull(&p.db, p.id).unwrap(), None);
    assert_eq!(running.await.unwrap().unwrap_err(), AppError::NotFound);
}

#[tokio::test]
async fn a_pull_stopped_by_the_rate_limit_is_kept_resumable_and_holds_the_next_one() {
    let p = Pulling::new().await;
    let faults = p.fake.faults().clone();
    let progress = Pulling::after_first_page(move || {
        faults.too_many_requests(u32::MAX);
    });
    let before = Utc::now();
    let outcome = p.pull(progress).await.unwrap();
    assert_eq!(outcome.report.status, PullStatus::StoppedQuota);
    assert_eq!(outcome.report.error_code.as_deref(), Some("rate_limited"));
    assert!(outcome.resumable);
    let after = outcome.pull_allowed_after.expect("a hold");
    assert!(after > before && after <= Utc::now() + chrono::Duration::seconds(60));
    assert!(outcome.message.contains("Kept"), "{}", outcome.message);
    assert!(outcome.report.pages_total >= 1);

    p.fake.faults().clear();
    p.fake.log().clear();
    let held = p.pull(quiet()).await.unwrap_err();
    assert_eq!(held.code(), "rate_limited");
    assert_eq!(p.fake.request_count(), 0);
    assert_eq!(
        p.service.facts(p.id).unwrap().pull_allowed_after,
        Some(after)
    );
}

#[tokio::test]
async fn a_quota_stop_is_an_outcome_and_refuses_pulls_until_the_reset() {
    let p = Pulling::new().await;
    p.fake.faults().exhaust_quota_after(3);
    let outcome = p.pull(quiet()).await.unwrap();
    assert_eq!(outcome.report.status, PullStatus::StoppedQuota);
    assert_eq!(
        outcome.report.error_code.as_deref(),
        Some("quota_exhausted")
    );
    assert!(outcome.resumable);
    let held = outcome.pull_allowed_after.expect("the reset time");
    assert!(outcome.message.contains("quota"), "{}", outcome.message);

    p.fake.log().clear();
    let refused = p.pull(quiet()).await.unwrap_err();
    assert_eq!(refused.code(), "quota_exhausted");
    assert_eq!(p.fake.request_count(), 0);
    let facts = p.service.facts(p.id).unwrap();
    assert_eq!(facts.pull_allowed_after, Some(held));
    assert!(facts.resumable);
    assert_eq!(facts.default_range, range());
}

#[tokio::test]
async fn the_facts_offer_the_default_days_until_a_pull_is_left_unfinished() {
    let p = Pulling::new().await;
    let fresh = p.service.facts(p.id).unwrap();
    let today = Utc::now().date_naive();
    assert_eq!(
        fresh.default_range,
        PullRange::last_days(crate::sync::DEFAULT_PULL_DAYS, today)
    );
    assert_eq!(fresh.last, None);
    assert!(!fresh.resumable);
    assert_eq!(fresh.pull_allowed_after, None);
    p.pull(quiet()).await.unwrap();
    let done = p.service.facts(p.id).unwrap();
    assert_eq!(
        done.default_range,
        PullRange::last_days(crate::sync::DEFAULT_PULL_DAYS, today)
    );
    assert_eq!(done.last.unwrap().status, PullStatus::Done);
    assert!(!done.resumable);
}

#[tokio::test]
async fn dates_the_page_could_not_fill_are_refused_before_any_request() {
    let p = Pulling::new().await;
    for (start, end) in [
        ("", "2025-12-31"),
        ("2025-10-01", "tomorrow"),
        ("2025-12-31", "2025-10-01"),
    ] {
        let error = p
            .service
            .start(p.id, start, end, false, quiet())
            .await
            .unwrap_err();
        assert_eq!(error.code(), "invalid_input", "{start} {end}");
    }
    assert_eq!(p.fake.request_count(), 0);
    assert!(!p.service.is_running(p.id));
}

#[tokio::test]
async fn a_workspace_is_not_removed_while_the_connections_pull_runs() {
    let p = Pulling::new().await;
    let workspace = p.service.connections.get(p.id).unwrap().workspaces[0]
        .standing
        .workspace_id;
    let running = p.in_flight(Duration::from_secs(2)).await;
    assert_eq!(
        p.service
            .remove_workspace(p.id, workspace)
            .await
            .unwrap_err(),
        AppError::PullRunning
    );
    p.fake.faults().delay(None);
    running.await.unwrap().unwrap();
    let before = stored_counts(&p.db, p.id).unwrap();
    let removed = p.service.remove_workspace(p.id, workspace).await.unwrap();
    assert!(removed.entries > 0);
    let after = stored_counts(&p.db, p.id).unwrap();
    assert_eq!(after.time_entries + removed.entries, before.time_entries);
}

impl Pulling {
    /// The usual connection on a fake whose organization allows `per_hour` requests.
    async fn with_org_quota(per_hour: u32) -> Pulling {
        let p = Pulling::new().await;
        p.fake
            .update_scenario(|s| s.limits.org_per_hour = Some(per_hour));
        p
    }
}

/// A progress sink that counts finished runs (the last report of a run names no
/// stage), so a test can wait for a resumed run without sleeping.
fn run_ends() -> (ProgressSink, watch::Receiver<usize>) {
    let (tx, rx) = watch::channel(0usize);
    let sink: ProgressSink = Arc::new(move |p: &Progress| {
        if p.stage.is_none() && p.stages_done > 0 {
            tx.send_modify(|n| *n += 1);
        }
    });
    (sink, rx)
}

#[tokio::test]
async fn a_pull_cut_by_the_quota_goes_on_by_itself_after_the_reset_and_ends_as_an_uncut_one() {
    let p = Pulling::with_org_quota(15).await;
    let (sink, mut ends) = run_ends();
    let cut = p.pull(sink).await.unwrap();
    assert_eq!(cut.report.status, PullStatus::StoppedQuota);
    let (at, waiting_range) = p.service.scheduled_resume(p.id).expect("a resume waits");
    assert_eq!(Some(at), cut.pull_allowed_after);
    assert_eq!(waiting_range, range());
    let facts = p
        .service
        .resume_facts(
            p.id,
            &range().start_date.to_string(),
            &range().end_date.to_string(),
            false,
        )
        .unwrap();
    assert_eq!(facts.auto_resume_at, Some(at));
    assert!(
        !facts.offer_resume,
        "a resume that waits is not offered too"
    );

    // The hour passes on Toggl and on the app's clock, paused: no real waiting.
    p.fake.pass_quota_window();
    let ended_before = *ends.borrow();
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(3601)).await;
    tokio::time::resume();
    tokio::time::timeout(
        Duration::from_secs(60),
        ends.wait_for(|n| *n > ended_before),
    )
    .await
    .expect("the stopped pull went on by itself")
    .unwrap();
    assert_eq!(p.service.scheduled_resume(p.id), None);
    let last = p.service.facts(p.id).unwrap().last.unwrap();
    assert_eq!(last.status, PullStatus::Done, "{last:?}");
    assert_eq!(last.entries_stored, 640);

    let reference = Pulling::new().await;
    reference.pull(quiet()).await.unwrap();
    assert_eq!(
        crate::sync::test_support::dump(&p.db, p.id),
        crate::sync::test_support::dump(&reference.db, reference.id)
    );
}

#[tokio::test]
async fn cancel_drops_the_wait_and_the_stopped_pull_is_offered_instead() {
    let p = Pulling::with_org_quota(15).await;
    let cut = p.pull(quiet()).await.unwrap();
    assert_eq!(cut.report.status, PullStatus::StoppedQuota);
    assert!(p.service.scheduled_resume(p.id).is_some());
    p.service.cancel(p.id);
    assert_eq!(p.service.scheduled_resume(p.id), None);
    let (start, end) = range_fields();
    let facts = p.service.resume_facts(p.id, &start, &end, false).unwrap();
    assert_eq!(facts.auto_resume_at, None);
    assert!(facts.offer_resume);
}

#[tokio::test]
async fn after_a_restart_the_stopped_pull_is_offered_not_run() {
    let p = Pulling::with_org_quota(15).await;
    p.pull(quiet()).await.unwrap();
    // A new service on the same database is the app started again.
    let restarted = PullService::new(
        p.db.clone(),
        Arc::new(ConnectionService::new(p.db.clone(), p.store.clone())),
        fast_client(&p.fake.url()),
    );
    let (start, end) = range_fields();
    let facts = restarted.resume_facts(p.id, &start, &end, false).unwrap();
    assert!(facts.offer_resume);
    assert_eq!(facts.auto_resume_at, None);
    assert!(restarted.facts(p.id).unwrap().resumable);
}

#[tokio::test]
async fn a_pull_leaves_the_user_level_requests_a_token_check_needs() {
    use crate::toggl::quota::TOKEN_CHECK_RESERVE;
    // Reports refused by the plan: entries come from /me/time_entries, whose requests
    // draw from the user-level bucket, the one a token check needs.
    let p = Pulling::new().await;
    p.fake.faults().paid_reports(true);
    p.fake.update_scenario(|s| s.limits.user_per_hour = 8);
    let outcome = p.pull(quiet()).await.unwrap();
    assert_eq!(outcome.report.status, PullStatus::StoppedQuota);
    let client = &p.service.client;
    let left = client
        .quota_of(crate::toggl::Bucket::User)
        .unwrap()
        .remaining;
    assert_eq!(left, TOKEN_CHECK_RESERVE, "the pull stopped at the reserve");
    p.service.cancel(p.id);
    let token = ApiToken::parse(&p.fake.token_of(ADMIN)).unwrap();
    // The token check runs on the app's client, which keeps no reserve.
    let app_client = fast_client(&p.fake.url());
    check_access(&app_client, &token)
        .await
        .expect("the token check still fits");
}

#[tokio::test]
async fn progress_says_entries_of_the_expected_total_requests_of_the_estimate_and_time_left() {
    let p = Pulling::new().await;
    p.pull(quiet()).await.unwrap();
    let seen = Arc::new(Mutex::new(Vec::<Progress>::new()));
    let sink = {
        let seen = Arc::clone(&seen);
        Arc::new(move |progress: &Progress| seen.lock().unwrap().push(progress.clone()))
    };
    let outcome = p.pull(sink).await.unwrap();
    let seen = seen.lock().unwrap();
    let last = seen.last().unwrap();
    let expected = last.expected.expect("progress against the estimate");
    assert_eq!(expected.entries, Some(640));
    assert_eq!(expected.requests, outcome.report.requests_used);
    assert_eq!(expected.time_left_secs, 0);
    let first = seen.first().unwrap().expected.unwrap();
    assert_eq!(
        first.requests, expected.requests,
        "the estimate of a re-pull is exact"
    );
}

#[tokio::test]
async fn a_full_re_pull_asked_of_the_service_walks_the_whole_range_as_its_estimate_says() {
    let p = Pulling::new().await;
    p.pull(quiet()).await.unwrap();
    let (start, end) = range_fields();
    let changes = p.service.resume_facts(p.id, &start, &end, false).unwrap();
    let full = p.service.resume_facts(p.id, &start, &end, true).unwrap();
    assert!(full.estimate.requests > changes.estimate.requests);
    p.fake.log().clear();
    let outcome = p
        .service
        .start(p.id, &start, &end, true, quiet())
        .await
        .unwrap();
    assert_eq!(outcome.report.requests_used, full.estimate.requests);
    let again = p.pull(quiet()).await.unwrap();
    assert_eq!(again.report.requests_used, changes.estimate.requests);
}
