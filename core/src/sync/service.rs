//! Pulls as the app runs them: at most one per connection at a time (two would share
//! stage cursors and double the requests), each with its own Cancel, held while Toggl's
//! limits say to wait, and stopped before its connection is deleted.
//!
//! A pull runs as its own task that holds the connection's running entry; the entry is
//! released whenever that task ends: done, failed, cancelled, aborted or panicked. A
//! crashed process leaves its pull row `running`; since no entry is held for it after a
//! restart, the next pull simply resumes it.

use super::count::{count, Count};
use super::engine::{pull_with_first_pages, ProgressFn};
use super::estimate::{against_estimate, estimate_counted, EstimateSource, PullEstimate};
use super::model::{
    held_until, Progress, PullFacts, PullOptions, PullOutcome, PullRange, PullReport, PullRequest,
    PullStatus,
};
use super::page_sizes::PageSizes;
use super::summary::last_pull;
use crate::connections::ConnectionService;
use crate::db::scope::PulledRows;
use crate::db::Db;
use crate::error::{human_duration, AppError, AppResult};
use crate::toggl::quota::TOKEN_CHECK_RESERVE;
use crate::toggl::TogglClient;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::watch;
use tokio::task::AbortHandle;

/// Called after every committed page and at stage changes (keep it quick).
pub type ProgressSink = Arc<dyn Fn(&Progress) + Send + Sync>;

type RunningSet = Arc<Mutex<HashMap<i64, Running>>>;

struct Running {
    cancel: Arc<AtomicBool>,
    abort: Option<AbortHandle>,
    /// Closes when the pull's [`Claim`] is dropped.
    finished: watch::Receiver<()>,
}

/// The last count of each connection's range, until a pull of that range takes its
/// pages or it goes stale.
type CountSet = Arc<Mutex<HashMap<i64, Count>>>;

/// Pulls stopped by the quota that go on by themselves when it resets, by connection.
type ResumeSet = Arc<Mutex<HashMap<i64, ScheduledResume>>>;

struct ScheduledResume {
    at: DateTime<Utc>,
    range: PullRange,
    abort: AbortHandle,
}

/// A pull waiting for the quota to reset, as the data page shows it (countdown, Cancel).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResumeFacts {
    /// When the stopped pull goes on by itself; `None` when none waits.
    pub auto_resume_at: Option<DateTime<Utc>>,
    pub auto_resume_range: Option<PullRange>,
    /// A stopped pull no one resumes (the app was closed while it waited, or it was
    /// cancelled): the page offers to resume it.
    pub offer_resume: bool,
    /// What pulling the page's range would cost, before it starts.
    pub estimate: PullEstimate,
    /// Whether "Count on Toggl" would make the estimate closer: it is a lower bound or
    /// comes from other ranges, and nothing runs or waits that a count would compete with.
    pub count_offered: bool,
}

#[derive(Clone)]
pub struct PullService {
    db: Arc<Db>,
    connections: Arc<ConnectionService>,
    client: TogglClient,
    options: PullOptions,
    running: RunningSet,
    resumes: ResumeSet,
    counts: CountSet,
}

impl PullService {
    pub fn new(db: Arc<Db>, connections: Arc<ConnectionService>, client: TogglClient) -> Self {
        Self::with_options(db, connections, client, PullOptions::default())
    }

    pub fn with_options(
        db: Arc<Db>,
        connections: Arc<ConnectionService>,
        client: TogglClient,
        options: PullOptions,
    ) -> Self {
        Self {
            db,
            connections,
            client: client.keeping_user_reserve(TOKEN_CHECK_RESERVE),
            options,
            running: RunningSet::default(),
            resumes: ResumeSet::default(),
            counts: CountSet::default(),
        }
    }

    /// Pulls the connection's data for the range, resuming an unfinished pull of the
    /// same range. `Ok` when it completed, stopped for Toggl's limits or was cancelled
    /// (the pages fetched so far are kept); `Err` only for failures. Refused with no
    /// request while another pull of the connection runs or Toggl's limits hold pulls.
    /// The dates are the page's fields as typed (`YYYY-MM-DD`). `full`: the user asked
    /// for a full re-pull, which walks the whole range instead of asking only for what
    /// changed (a resumed pull keeps the path it started on).
    pub async fn start(
        &self,
        connection_id: i64,
        start_date: &str,
        end_date: &str,
        full: bool,
        progress: ProgressSink,
    ) -> AppResult<PullOutcome> {
        let range = PullRange::parse(start_date, end_date)?;
        let outcome = self
            .run(connection_id, range, full, Arc::clone(&progress), true)
            .await?;
        self.schedule_resume(connection_id, range, &outcome, progress);
        Ok(outcome)
    }

    /// One run of a pull. `check_hold`: refuse while the last stop for Toggl's limits
    /// holds (a scheduled resume runs when its own wait has passed).
    async fn run(
        &self,
        connection_id: i64,
        range: PullRange,
        full: bool,
        progress: ProgressSink,
        check_hold: bool,
    ) -> AppResult<PullOutcome> {
        let claim = self.claim(connection_id)?;
        let (db, connections) = (Arc::clone(&self.db), Arc::clone(&self.connections));
        let (token, access) = blocking(move || {
            if check_hold {
                refuse_while_held(&db, connection_id)?;
            }
            connections.pull_credentials(connection_id)
        })
        .await?;
        // Past the hold: a resume still waiting would only pull the same pages again.
        self.cancel_resume(connection_id);
        let request = PullRequest {
            connection_id,
            access,
            range,
            options: self.options_for(full),
        };
        let counted = self.take_count(connection_id, range);
        let progress = match estimate_counted(&self.db, &self.client, &request, counted.as_ref()) {
            Ok(expected) => against_estimate(progress, expected),
            Err(_) => progress,
        };
        let first_pages = counted.map(Count::into_pages).unwrap_or_default();
        let (db, client) = (Arc::clone(&self.db), self.client.clone());
        let cancel = Arc::clone(&claim.cancel);
        let task = tokio::spawn(async move {
            let _claim = claim;
            let progress: ProgressFn<'_> = &*progress;
            pull_with_first_pages(
                &db,
                &client,
                &token,
                &request,
                progress,
                &cancel,
                &first_pages,
            )
            .await
        });
        self.note_abort(connection_id, &task);
        match task.await {
            Ok(report) => Ok(outcome(report?, Utc::now())),
            Err(e) if e.is_cancelled() => Err(AppError::NotFound),
            Err(_) => Err(AppError::Internal(
                "the pull stopped unexpectedly; the pages fetched so far are kept and the next pull resumes"
                    .into(),
            )),
        }
    }

    /// Asks the connection's running pull to stop after its current page, and drops a
    /// resume waiting for the quota: Cancel means the user wants no more requests now.
    pub fn cancel(&self, connection_id: i64) {
        self.cancel_resume(connection_id);
        if let Some(running) = lock(&self.running).get(&connection_id) {
            running.cancel.store(true, Ordering::SeqCst);
        }
    }

    /// Drops the connection's pull waiting for the quota, if one waits.
    pub fn cancel_resume(&self, connection_id: i64) {
        if let Some(waiting) = lock_resumes(&self.resumes).remove(&connection_id) {
            waiting.abort.abort();
        }
    }

    /// A pull stopped by the hourly quota goes on by itself once the quota resets,
    /// while the app runs, with the same progress sink; a resumed run stopped again
    /// waits again. Cancel, a new pull or a deleted connection drops the wait.
    fn schedule_resume(
        &self,
        connection_id: i64,
        range: PullRange,
        outcome: &PullOutcome,
        progress: ProgressSink,
    ) {
        let (PullStatus::StoppedQuota, Some(at)) =
            (outcome.report.status, outcome.pull_allowed_after)
        else {
            return;
        };
        let service = self.clone();
        let mut resumes = lock_resumes(&self.resumes);
        let due = tokio::time::Instant::now() + (at - Utc::now()).to_std().unwrap_or_default();
        let task = tokio::spawn(async move {
            tokio::time::sleep_until(due).await;
            lock_resumes(&service.resumes).remove(&connection_id);
            tracing::info!(
                connection = connection_id,
                "quota reset; the stopped pull goes on"
            );
            let resumed = service
                .run(connection_id, range, false, Arc::clone(&progress), false)
                .await;
            match resumed {
                Ok(outcome) => service.schedule_resume(connection_id, range, &outcome, progress),
                Err(e) => tracing::warn!(code = e.code(), "the resumed pull failed"),
            }
        });
        resumes.insert(
            connection_id,
            ScheduledResume {
                at,
                range,
                abort: task.abort_handle(),
            },
        );
    }

    /// When the connection's stopped pull goes on by itself, if it does.
    pub fn scheduled_resume(&self, connection_id: i64) -> Option<(DateTime<Utc>, PullRange)> {
        lock_resumes(&self.resumes)
            .get(&connection_id)
            .map(|r| (r.at, r.range))
    }

    /// Has Toggl count the range (see [`count`](super::count)): one report request per
    /// workspace whose entries the pull reads, each the pull's own first page, kept for
    /// the pull of this range that follows. Returns the plan with the counted estimate.
    /// Refused with no request while a pull of the connection runs or Toggl's limits
    /// hold pulls.
    pub async fn count_on_toggl(
        &self,
        connection_id: i64,
        start_date: &str,
        end_date: &str,
    ) -> AppResult<ResumeFacts> {
        let range = PullRange::parse(start_date, end_date)?;
        let claim = self.claim(connection_id)?;
        let (db, connections) = (Arc::clone(&self.db), Arc::clone(&self.connections));
        let (token, access) = blocking(move || {
            refuse_while_held(&db, connection_id)?;
            connections.pull_credentials(connection_id)
        })
        .await?;
        let request = PullRequest {
            connection_id,
            access,
            range,
            options: self.options.clone(),
        };
        let sizes = PageSizes::load(&self.db, connection_id)?;
        let counted = count(&self.client, &token, &request, &sizes).await?;
        lock_counts(&self.counts).insert(connection_id, counted);
        drop(claim);
        self.resume_facts(connection_id, start_date, end_date, false)
    }

    /// The connection's count of `range`, taken out for the pull that uses its pages.
    fn take_count(&self, connection_id: i64, range: PullRange) -> Option<Count> {
        lock_counts(&self.counts)
            .remove(&connection_id)
            .filter(|c| c.stands_for(range))
    }

    /// The service's options, walking the whole range when the user asked (`full`).
    fn options_for(&self, full: bool) -> PullOptions {
        PullOptions {
            full_walk: full || self.options.full_walk,
            ..self.options.clone()
        }
    }

    /// What the data page shows before a pull of the range (a full re-pull with `full`):
    /// its estimate, and whether a stopped pull waits for the quota (countdown) or waits
    /// for the user (offer).
    pub fn resume_facts(
        &self,
        connection_id: i64,
        start_date: &str,
        end_date: &str,
        full: bool,
    ) -> AppResult<ResumeFacts> {
        let range = PullRange::parse(start_date, end_date)?;
        let access = self
            .db
            .with(|c| crate::db::connections::get_ready(c, connection_id))?
            .access;
        let request = PullRequest {
            connection_id,
            access,
            range,
            options: self.options_for(full),
        };
        let estimate = {
            let counts = lock_counts(&self.counts);
            estimate_counted(&self.db, &self.client, &request, counts.get(&connection_id))?
        };
        let scheduled = self.scheduled_resume(connection_id);
        let stopped = last_pull(&self.db, connection_id)?.is_some_and(|l| l.status.is_resumable());
        let idle = scheduled.is_none() && !self.is_running(connection_id);
        let uncertain = matches!(
            estimate.source,
            EstimateSource::NoHistory | EstimateSource::EarlierPulls
        );
        Ok(ResumeFacts {
            auto_resume_at: scheduled.map(|s| s.0),
            auto_resume_range: scheduled.map(|s| s.1),
            offer_resume: stopped && idle,
            count_offered: uncertain && idle && !stopped,
            estimate,
        })
    }

    pub fn is_running(&self, connection_id: i64) -> bool {
        lock(&self.running).contains_key(&connection_id)
    }

    /// What the data page starts from (see [`PullFacts`]).
    pub fn facts(&self, connection_id: i64) -> AppResult<PullFacts> {
        Ok(PullFacts::derive(
            last_pull(&self.db, connection_id)?,
            Utc::now(),
        ))
    }

    /// Deletes the connection and its pulled data, after stopping its running pull:
    /// a pull left running would go on writing rows of a connection that is gone.
    pub async fn delete_connection(&self, connection_id: i64) -> AppResult<()> {
        self.cancel_resume(connection_id);
        lock_counts(&self.counts).remove(&connection_id);
        let finished = lock(&self.running).get(&connection_id).map(|running| {
            running.cancel.store(true, Ordering::SeqCst);
            if let Some(abort) = &running.abort {
                abort.abort();
            }
            running.finished.clone()
        });
        if let Some(mut finished) = finished {
            // Resolves with an error once the sender is dropped: the pull has ended.
            let _ = finished.changed().await;
        }
        let connections = Arc::clone(&self.connections);
        blocking(move || connections.delete(connection_id)).await
    }

    /// Takes a workspace out of the connection and deletes its pulled rows. It holds the
    /// connection's running entry meanwhile: a running pull would write that workspace's
    /// rows again, so the removal is refused while one runs, and no pull starts until the
    /// removal is done.
    pub async fn remove_workspace(
        &self,
        connection_id: i64,
        workspace_id: i64,
    ) -> AppResult<PulledRows> {
        let _held = self.claim(connection_id)?;
        let connections = Arc::clone(&self.connections);
        blocking(move || connections.remove_workspace(connection_id, workspace_id)).await
    }

    fn claim(&self, connection_id: i64) -> AppResult<Claim> {
        let mut running = lock(&self.running);
        if running.contains_key(&connection_id) {
            return Err(AppError::PullRunning);
        }
        let cancel = Arc::new(AtomicBool::new(false));
        let (finished_tx, finished) = watch::channel(());
        running.insert(
            connection_id,
            Running {
                cancel: Arc::clone(&cancel),
                abort: None,
                finished,
            },
        );
        Ok(Claim {
            set: Arc::clone(&self.running),
            connection_id,
            cancel,
            _finished: finished_tx,
        })
    }

    fn note_abort<T>(&self, connection_id: i64, task: &tokio::task::JoinHandle<T>) {
        if let Some(running) = lock(&self.running).get_mut(&connection_id) {
            if running.abort.is_none() {
                running.abort = Some(task.abort_handle());
            }
        }
    }
}

/// The connection's running entry, released on drop (also on panic or abort).
struct Claim {
    set: RunningSet,
    connection_id: i64,
    cancel: Arc<AtomicBool>,
    _finished: watch::Sender<()>,
}

impl Drop for Claim {
    fn drop(&mut self) {
        let mut running = lock(&self.set);
        if running
            .get(&self.connection_id)
            .is_some_and(|r| Arc::ptr_eq(&r.cancel, &self.cancel))
        {
            running.remove(&self.connection_id);
        }
    }
}

fn lock(set: &RunningSet) -> MutexGuard<'_, HashMap<i64, Running>> {
    set.lock().unwrap_or_else(|p| p.into_inner())
}

fn lock_counts(set: &CountSet) -> MutexGuard<'_, HashMap<i64, Count>> {
    set.lock().unwrap_or_else(|p| p.into_inner())
}

fn lock_resumes(set: &ResumeSet) -> MutexGuard<'_, HashMap<i64, ScheduledResume>> {
    set.lock().unwrap_or_else(|p| p.into_inner())
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|e| Err(AppError::Internal(format!("a background task failed: {e}"))))
}

/// While the last pull's stop for Toggl's limits holds, a new pull would only be
/// refused by Toggl again: refuse it here, with no request.
fn refuse_while_held(db: &Db, connection_id: i64) -> AppResult<()> {
    let Some(last) = last_pull(db, connection_id)? else {
        return Ok(());
    };
    let now = Utc::now();
    let Some(until) = held_until(last.status, last.quota_resets_at, now) else {
        return Ok(());
    };
    let wait = (until - now).num_seconds().max(1) as u64;
    Err(match last.error_code.as_deref() {
        Some("rate_limited") => AppError::RateLimited {
            retry_after_secs: Some(wait),
        },
        _ => AppError::QuotaExhausted {
            resets_in_secs: wait,
        },
    })
}

/// The outcome the page shows for what [`pull`] returned.
fn outcome(report: PullReport, now: DateTime<Utc>) -> PullOutcome {
    let resumable = report.status.is_resumable();
    let pull_allowed_after = held_until(report.status, report.quota_resets_at, now);
    let kept = format!(
        "{} entries from {} pages",
        report.entries_stored_total, report.pages_total
    );
    let resume = "the next pull of this range resumes where this one stopped";
    let wait = pull_allowed_after
        .map(|at| human_duration((at - now).num_seconds().max(0) as u64))
        .unwrap_or_else(|| human_duration(0));
    let message = match (report.status, report.error_code.as_deref()) {
        (PullStatus::Done, _) => format!(
            "Done: {} entries, {} pages, {} requests to Toggl.",
            report.entries_stored, report.pages, report.requests_used
        ),
        (PullStatus::Cancelled, _) if report.pages_total == 0 => {
            "Cancelled before any page was pulled.".to_string()
        }
        (PullStatus::Cancelled, _) => {
            format!("Cancelled. Kept the {kept} already pulled; {resume}.")
        }
        (_, Some("rate_limited")) => format!(
            "Stopped: Toggl is limiting how fast requests are sent. Kept {kept}; pull again in {wait} and {resume}."
        ),
        _ => format!(
            "Stopped: the Toggl hourly request quota is used up. Kept {kept}; it resets in {wait}, then pull again and {resume}."
        ),
    };
    let message = std::iter::once(message)
        .chain(report.notices.iter().map(|n| n.message.clone()))
        .collect::<Vec<_>>()
        .join(" ");
    PullOutcome {
        report,
        resumable,
        pull_allowed_after,
        message,
    }
}

#[cfg(test)]
mod tests;
