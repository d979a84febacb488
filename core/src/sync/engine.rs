//! The pull loop: start or resume the pull row, then run each planned stage page by
//! page, committing every page with its cursor, until done, cancelled, out of quota or
//! failed. Each outcome is recorded on the pull row before returning.

use super::fetch::{fetch, FetchContext, Fetched};
use super::model::{Progress, PullReport, PullRequest, PullStatus, StageKind};
use super::plan::{metadata_stages, own_entry_workspaces, plan, PlannedStage};
use super::store::{commit_page, PageCommit};
use crate::db::metadata::{self, MetaTable};
use crate::db::time_entries::SweepScope;
use crate::db::{connections, pulls, Db};
use crate::error::{AppError, AppResult};
use crate::toggl::quota::MAX_WAIT_SECS;
use crate::toggl::TogglClient;
use crate::token::ApiToken;
use chrono::{DateTime, Utc};
use std::sync::atomic::{AtomicBool, Ordering};

/// The progress callback: called after every committed page and at stage changes,
/// on the pulling task (keep it quick; forward to a channel or a Tauri event).
pub type ProgressFn<'a> = &'a (dyn Fn(&Progress) + Send + Sync);

/// Pulls Toggl data of one connection for `request.range` into the database.
///
/// Resumes the connection's previous pull when it did not finish and had the same
/// range (no finished page is asked for again); otherwise starts a new one.
///
/// Returns `Ok` with `status` `Done`, `StoppedQuota` (Toggl answered 402 for the hourly
/// quota, or 429 for its rate limit; `error_code` says which and `quota_resets_at` when
/// pulling may go on; pull again after that to resume) or `Cancelled` (`cancel` was
/// set; pull again to resume). Any other failure is recorded as `Failed` with its
/// error code and returned as `Err`; pulling again resumes too.
///
/// One pull per connection at a time is the caller's job (see
/// [`PullService`](super::PullService)): two would share stage cursors.
pub async fn pull(
    db: &Db,
    client: &TogglClient,
    token: &ApiToken,
    request: &PullRequest,
    progress: ProgressFn<'_>,
    cancel: &AtomicBool,
) -> AppResult<PullReport> {
    let client = &client.metered();
    let stages = plan(&request.access);
    let (pull_id, resumed) = db.transaction(|tx| begin(tx, request, &stages))?;
    let before = db
        .with(|c| pulls::get(c, pull_id))?
        .ok_or(AppError::NotFound)?;
    let own_workspaces = own_entry_workspaces(&request.access);
    let mut run = Run {
        db,
        request,
        stages: &stages,
        pull_id,
        progress,
        cancel,
        ctx: FetchContext {
            client,
            token,
            range: request.range,
            own_user_id: request.access.user.id,
            own_user_name: &request.access.user.fullname,
            own_workspaces: &own_workspaces,
            own_window_days: request.options.own_entries_window_days,
        },
        requests_at_start: client.requests_made(),
        requests_committed: client.requests_made(),
        totals_before: (
            before.requests_used as u64,
            before.pages as u64,
            before.entries_stored as u64,
        ),
        pages: 0,
        entries: 0,
        stages_done: 0,
        skipped: 0,
    };
    let outcome = run.run_stages().await;
    let unrecorded = client.requests_made() - run.requests_committed;
    let (status, error, resets_at) = match &outcome {
        Ok(()) => (PullStatus::Done, None, None),
        Err(AppError::Cancelled) => (PullStatus::Cancelled, Some("cancelled"), None),
        Err(e @ AppError::QuotaExhausted { resets_in_secs }) => (
            PullStatus::StoppedQuota,
            Some(e.code()),
            Some(hold_until(Utc::now(), *resets_in_secs)),
        ),
        Err(e @ AppError::RateLimited { retry_after_secs }) => (
            PullStatus::StoppedQuota,
            Some(e.code()),
            Some(hold_until(
                Utc::now(),
                retry_after_secs.unwrap_or(RATE_LIMIT_PAUSE_SECS),
            )),
        ),
        Err(e) => (PullStatus::Failed, Some(e.code()), None),
    };
    db.transaction(|tx| {
        pulls::add_counts(tx, pull_id, unrecorded as i64, 0, 0, 0)?;
        pulls::finish(tx, pull_id, status.as_str(), error, resets_at)
    })?;
    run.emit(None, None);
    match outcome {
        Err(e) if status == PullStatus::Failed => Err(e),
        _ => run.report(status, error, resumed, resets_at),
    }
}

/// How long a pull stopped by Toggl's rate limit waits when Toggl named no time.
const RATE_LIMIT_PAUSE_SECS: u64 = 60;

/// When a pull stopped by Toggl's limits may go on: `secs` from `now`, clamped to a day
/// ([`MAX_WAIT_SECS`]: a reset further away is an absurd header, not a reason to hold
/// pulls for years or to overflow the clock), in whole seconds as the pull row stores it.
pub(crate) fn hold_until(now: DateTime<Utc>, secs: u64) -> DateTime<Utc> {
    use chrono::SubsecRound;
    let secs = secs.min(MAX_WAIT_SECS) as i64;
    chrono::TimeDelta::try_seconds(secs)
        .and_then(|wait| now.checked_add_signed(wait))
        .unwrap_or(now)
        .trunc_subsecs(0)
}

/// Starts the pull row (or resumes the stopped one), stores organizations and
/// workspaces from the access snapshot, and plans the stages.
fn begin(
    tx: &rusqlite::Transaction<'_>,
    request: &PullRequest,
    stages: &[PlannedStage],
) -> AppResult<(i64, bool)> {
    let connection_id = request.connection_id;
    connections::get_ready(tx, connection_id)?;
    let range = request.range;
    let previous = pulls::latest(tx, connection_id)?.filter(|p| {
        PullStatus::parse(&p.status).is_resumable()
            && p.start_date == range.start_date
            && p.end_date == range.end_date
    });
    let (pull_id, resumed) = match previous {
        Some(p) => {
            pulls::resume(tx, p.id)?;
            (p.id, true)
        }
        None => (
            pulls::insert(tx, connection_id, range.start_date, range.end_date)?,
            false,
        ),
    };
    metadata::upsert_organizations(tx, connection_id, &request.access.organizations)?;
    metadata::upsert_workspaces(tx, connection_id, &request.access.workspaces)?;
    for s in stages {
        pulls::plan_stage(tx, pull_id, s.workspace_id, s.kind.as_str())?;
    }
    Ok((pull_id, resumed))
}

struct Run<'a> {
    db: &'a Db,
    request: &'a PullRequest,
    stages: &'a [PlannedStage],
    pull_id: i64,
    progress: ProgressFn<'a>,
    cancel: &'a AtomicBool,
    ctx: FetchContext<'a>,
    requests_at_start: u64,
    requests_committed: u64,
    /// Requests, pages and entries of earlier runs of this pull.
    totals_before: (u64, u64, u64),
    pages: u64,
    entries: u64,
    stages_done: u32,
    skipped: u32,
}

impl Run<'_> {
    async fn run_stages(&mut self) -> AppResult<()> {
        for stage in self.stages {
            let (w, kind) = (stage.workspace_id, stage.kind);
            let Some(row) = self
                .db
                .with(|c| pulls::stage(c, self.pull_id, w, kind.as_str()))?
            else {
                continue;
            };
            if kind == StageKind::ReportEntries && row.skipped {
                self.run_own_fallback(w).await?;
                self.stages_done += 1;
                continue;
            }
            if row.done {
                self.stages_done += 1;
                continue;
            }
            if kind == StageKind::ProjectsActive && row.pages == 0 && self.metadata_is_fresh(w)? {
                self.skip_metadata(w)?;
                self.stages_done += 1;
                continue;
            }
            self.emit(Some(kind), Some(w));
            match self.run_stage(stage, row.next_cursor, row.pages).await {
                Err(AppError::PaidFeatureRequired)
                    if kind == StageKind::ReportEntries && row.pages == 0 =>
                {
                    self.start_own_fallback(w)?;
                    self.run_own_fallback(w).await?;
                }
                other => other?,
            }
            self.stages_done += 1;
        }
        Ok(())
    }

    /// The workspace's plan refuses the detailed report (402 paid feature): its report
    /// stage is marked skipped and an own-entries stage for it is planned instead, in
    /// one transaction, so a resumed pull takes the same path.
    fn start_own_fallback(&self, workspace_id: i64) -> AppResult<()> {
        tracing::info!(
            workspace = workspace_id,
            "detailed report refused; own entries instead"
        );
        self.db.transaction(|tx| {
            let own = StageKind::OwnEntries.as_str();
            pulls::skip_stage(
                tx,
                self.pull_id,
                workspace_id,
                StageKind::ReportEntries.as_str(),
            )?;
            pulls::plan_stage(tx, self.pull_id, workspace_id, own)
        })
    }

    async fn run_own_fallback(&mut self, workspace_id: i64) -> AppResult<()> {
        let own = StageKind::OwnEntries;
        let Some(row) = self
            .db
            .with(|c| pulls::stage(c, self.pull_id, workspace_id, own.as_str()))?
        else {
            return Ok(());
        };
        if row.done {
            return Ok(());
        }
        let stage = PlannedStage {
            workspace_id,
            kind: own,
        };
        self.emit(Some(own), Some(workspace_id));
        self.run_stage(&stage, row.next_cursor, row.pages).await
    }

    async fn run_stage(
        &mut self,
        stage: &PlannedStage,
        mut cursor: Option<i64>,
        mut pages: i64,
    ) -> AppResult<()> {
        let (w, kind) = (stage.workspace_id, stage.kind);
        loop {
            if self.cancel.load(Ordering::SeqCst) {
                return Err(AppError::Cancelled);
            }
            if pages >= i64::from(self.request.options.max_pages_per_stage) {
                tracing::warn!(
                    stage = kind.as_str(),
                    workspace = w,
                    pages,
                    "page cap reached"
                );
                return Err(AppError::UnexpectedResponse {
                    path: format!(
                        "{} of workspace {w}: more than {pages} pages",
                        kind.as_str()
                    ),
                });
            }
            let fetched = fetch(&self.ctx, kind, w, cursor).await?;
            self.commit(stage, &fetched)?;
            pages += 1;
            self.emit(Some(kind), Some(w));
            match fetched.next {
                Some(next) => cursor = Some(next),
                None => return Ok(()),
            }
        }
    }

    fn commit(&mut self, stage: &PlannedStage, fetched: &Fetched) -> AppResult<()> {
        let (w, kind) = (stage.workspace_id, stage.kind);
        let range = self.request.range;
        let stage_complete = fetched.next.is_none();
        let report_scope = [w];
        let sweep_entries = match (kind, fetched.window) {
            (StageKind::OwnEntries, Some((start, end))) => Some(SweepScope {
                workspace_ids: self.ctx.own_scope(w, &report_scope),
                user_id: Some(self.ctx.own_user_id),
                start,
                end,
            }),
            (StageKind::ReportEntries, _) if stage_complete => Some(SweepScope {
                workspace_ids: &report_scope,
                user_id: None,
                start: range.start_ts(),
                end: range.end_ts_exclusive(),
            }),
            _ => None,
        };
        let sweep_meta = match kind {
            _ if !stage_complete => None,
            StageKind::ProjectsArchived => Some(MetaTable::Projects),
            StageKind::Clients => Some(MetaTable::Clients),
            StageKind::Tags => Some(MetaTable::Tags),
            StageKind::Members => Some(MetaTable::Members),
            _ => None,
        };
        let now = crate::db::now();
        let last_metadata = metadata_stages(self.stages, w).last().copied();
        let metadata_complete_at =
            (stage_complete && Some(kind) == last_metadata).then_some(now.as_str());
        let made = self.ctx.client.requests_made();
        let committed = commit_page(
            self.db,
            &PageCommit {
                connection_id: self.request.connection_id,
                pull_id: self.pull_id,
                workspace_id: w,
                kind,
                data: &fetched.data,
                next: fetched.next,
                requests: made - self.requests_committed,
                sweep_entries,
                sweep_meta,
                metadata_complete_at,
            },
        )?;
        self.requests_committed = made;
        self.pages += 1;
        self.entries += committed.entries_stored;
        Ok(())
    }

    /// Metadata is fresh when its last complete pull is younger than the allowed age
    /// and no stored entry of the workspace names an unknown project or tag.
    fn metadata_is_fresh(&self, workspace_id: i64) -> AppResult<bool> {
        let c = self.request.connection_id;
        let max_age = self.request.options.metadata_max_age;
        self.db.with(|conn| {
            let pulled_at = metadata::metadata_pulled_at(conn, c, workspace_id)?;
            let recent = pulled_at
                .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
                .is_some_and(|t| Utc::now() - t.with_timezone(&Utc) < max_age);
            Ok(recent && !metadata::has_dangling_references(conn, c, workspace_id)?)
        })
    }

    fn skip_metadata(&mut self, workspace_id: i64) -> AppResult<()> {
        let kinds = metadata_stages(self.stages, workspace_id);
        self.db.transaction(|tx| {
            for kind in &kinds {
                pulls::skip_stage(tx, self.pull_id, workspace_id, kind.as_str())?;
            }
            Ok(())
        })?;
        self.skipped += kinds.len() as u32;
        Ok(())
    }

    fn requests_this_run(&self) -> u64 {
        self.ctx.client.requests_made() - self.requests_at_start
    }

    fn emit(&self, stage: Option<StageKind>, workspace_id: Option<i64>) {
        let quota = self.ctx.client.last_quota();
        let (requests, pages, entries) = self.totals_before;
        (self.progress)(&Progress {
            connection_id: self.request.connection_id,
            pull_id: self.pull_id,
            stage,
            workspace_id: workspace_id.filter(|w| *w != super::plan::ALL_WORKSPACES),
            stages_done: self.stages_done,
            stages_total: self.stages.len() as u32,
            pages_done: pages + self.pages,
            entries_stored: entries + self.entries,
            requests_used: requests + self.requests_this_run(),
            quota_remaining: quota.map(|q| q.remaining),
            quota_resets_in_secs: quota.and_then(|q| q.resets_in_secs),
        });
    }

    fn report(
        &self,
        status: PullStatus,
        error_code: Option<&str>,
        resumed: bool,
        quota_resets_at: Option<DateTime<Utc>>,
    ) -> AppResult<PullReport> {
        let row = self
            .db
            .with(|c| pulls::get(c, self.pull_id))?
            .ok_or(AppError::NotFound)?;
        Ok(PullReport {
            pull_id: self.pull_id,
            connection_id: self.request.connection_id,
            status,
            error_code: error_code.map(str::to_string),
            resumed,
            range: self.request.range,
            requests_used: self.requests_this_run(),
            requests_total: row.requests_used as u64,
            pages: self.pages,
            pages_total: row.pages as u64,
            entries_stored: self.entries,
            entries_stored_total: row.entries_stored as u64,
            entries_deleted_total: row.entries_deleted as u64,
            quota_resets_at,
            quota_remaining: self.ctx.client.last_quota().map(|q| q.remaining),
            stages_skipped: self.skipped,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_absurd_reset_time_holds_pulls_for_a_day_at_most() {
        let now = DateTime::from_timestamp(1_767_225_600, 0).unwrap();
        for secs in [u64::MAX, i64::MAX as u64, 1 << 62, 10_000_000_000] {
            assert_eq!(hold_until(now, secs), now + chrono::Duration::hours(24));
        }
        assert_eq!(hold_until(now, 90), now + chrono::Duration::seconds(90));
    }
}
