//! The pull loop: start or resume the pull row, then run each planned stage page by
//! page, committing every page with its cursor, until done, cancelled, out of quota or
//! failed. Each outcome is recorded on the pull row before returning.

use super::count::FirstPages;
use super::fetch::{fetch, At, FetchContext, Fetched, Removed, ReportPosition};
use super::model::{
    user_zone, window_in, BucketQuota, NoticeKind, Progress, PullNotice, PullReport, PullRequest,
    PullStatus, StageKind,
};
use super::page_sizes::PageSizes;
use super::plan::{metadata_stages, own_entry_workspaces, plan, sees_everyone, PlannedStage};
use super::store::{commit_page, restart_chunk, PageCommit};
use super::walk;
use crate::db::metadata::{self, MetaTable};
use crate::db::time_entries::{self, SweepScope};
use crate::db::{connections, pulls, Db};
use crate::error::{AppError, AppResult};
use crate::toggl::quota::MAX_WAIT_SECS;
use crate::toggl::TogglClient;
use crate::token::ApiToken;
use chrono::{DateTime, Utc};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

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
    let none = FirstPages::default();
    pull_with_first_pages(db, client, token, request, progress, cancel, &none).await
}

/// [`pull`], taking the first report page of a chunk from `first_pages` where a count
/// fetched it (see [`count`](super::count)) instead of asking Toggl for it again.
pub async fn pull_with_first_pages(
    db: &Db,
    client: &TogglClient,
    token: &ApiToken,
    request: &PullRequest,
    progress: ProgressFn<'_>,
    cancel: &AtomicBool,
    first_pages: &FirstPages,
) -> AppResult<PullReport> {
    let client = &client.metered();
    for w in &request.access.workspaces {
        if let Some(org) = w.organization_id {
            client.note_workspace_organization(w.id, org);
        }
    }
    let stages = plan(&request.access);
    let (pull_id, resumed) = db.transaction(|tx| begin(tx, request, &stages))?;
    let before = db
        .with(|c| pulls::get(c, pull_id))?
        .ok_or(AppError::NotFound)?;
    let own_workspaces = own_entry_workspaces(&request.access);
    let notices = db
        .with(|c| pulls::notices(c, pull_id))?
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default();
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
            workspaces: &request.access.workspaces,
            zone: user_zone(request.access.user.timezone.as_deref()),
            options: &request.options,
            own_earliest: AtomicI64::new(i64::MIN),
            page_sizes: PageSizes::load(db, request.connection_id)?,
            first_pages,
        },
        started_at: before.started_at.timestamp(),
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
        notices,
        rechecked: None,
        lost: HashSet::new(),
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
    let now = Utc::now();
    for s in stages {
        let (w, kind) = (s.workspace_id, s.kind);
        if s.kind.is_metadata() {
            pulls::plan_stage(tx, pull_id, w, kind.as_str())?;
        } else {
            let since = walk::changed_since(tx, request, w, kind, now)?;
            pulls::plan_entries_stage(tx, pull_id, w, kind.as_str(), since)?;
        }
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
    /// When the pull first started (unix seconds; a resumed pull keeps it).
    started_at: i64,
    requests_at_start: u64,
    requests_committed: u64,
    /// Requests, pages and entries of earlier runs of this pull.
    totals_before: (u64, u64, u64),
    pages: u64,
    entries: u64,
    stages_done: u32,
    skipped: u32,
    /// What the pull could not reach, all runs together.
    notices: Vec<PullNotice>,
    /// The access re-check after a 403 (at most one per run: it costs user-level requests).
    rechecked: Option<crate::domain::AccessReport>,
    /// Workspaces the account lost access to during this run: their stages are skipped.
    lost: HashSet<i64>,
}

/// What a stage pulls, in words for a notice.
fn stage_words(kind: StageKind) -> &'static str {
    match kind {
        StageKind::ReportEntries => "time entries",
        StageKind::OwnEntries => "own time entries",
        StageKind::ProjectsActive | StageKind::ProjectsArchived => "projects",
        StageKind::Clients => "clients",
        StageKind::Tags => "tags",
        StageKind::Members => "members",
    }
}

/// A refusal of one stage that leaves the others worth pulling: Toggl's 4xx answers
/// (lost access, a plan without the feature, anything else refused). Quota, rate limit,
/// a rejected token and transport trouble stop the whole pull instead.
fn refuses_only_the_stage(error: &AppError) -> bool {
    matches!(
        error,
        AppError::AccessChanged { .. }
            | AppError::TogglRefused { .. }
            | AppError::PaidFeatureRequired
    )
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
            if row.done || self.lost.contains(&w) {
                self.stages_done += 1;
                continue;
            }
            if kind == StageKind::ProjectsActive && row.pages == 0 && self.metadata_is_fresh(w)? {
                self.skip_metadata(w)?;
                self.stages_done += 1;
                continue;
            }
            self.emit(Some(kind), Some(w));
            match self.run_stage(stage, &row).await {
                Err(AppError::PaidFeatureRequired)
                    if kind == StageKind::ReportEntries && row.pages == 0 =>
                {
                    self.start_own_fallback(w)?;
                    self.run_own_fallback(w).await?;
                }
                Err(e) if refuses_only_the_stage(&e) => self.stage_refused(stage, e).await?,
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
        match self.run_stage(&stage, &row).await {
            Err(e) if refuses_only_the_stage(&e) => self.stage_refused(&stage, e).await,
            other => other,
        }
    }

    /// Toggl refused one stage: it is recorded as skipped with a notice saying what was
    /// not pulled, and the pull goes on. A 403 off `/me` means the account lost access
    /// there while the token works: access is checked again (once per run, two
    /// user-level requests), and a workspace that no longer qualifies has its remaining
    /// stages skipped without a request. A refused token there fails the pull.
    async fn stage_refused(&mut self, stage: &PlannedStage, error: AppError) -> AppResult<()> {
        let (w, kind) = (stage.workspace_id, stage.kind);
        tracing::info!(
            workspace = w,
            stage = kind.as_str(),
            code = error.code(),
            "stage refused"
        );
        let name = self.ctx.workspace_name(w);
        let what = stage_words(kind);
        let (kind_of_notice, message, skip_all) = match &error {
            AppError::AccessChanged { toggl_says, .. } => {
                let still = self.still_qualifies(w, kind).await?;
                let says = toggl_says
                    .as_deref()
                    .map(|t| format!(" (Toggl says \"{t}\")"))
                    .unwrap_or_default();
                (
                    NoticeKind::AccessChanged,
                    format!(
                        "Your access to {name} changed in Toggl{says}, so its {what} were not \
                         pulled. The API token still works and needs no change: ask the \
                         Organization Owner about your role in {name}, then test the \
                         connection again."
                    ),
                    !still,
                )
            }
            other => (
                NoticeKind::StageRefused,
                format!("The {what} of {name} were not pulled: {other} The other data was."),
                false,
            ),
        };
        let notice = PullNotice {
            kind: kind_of_notice,
            workspace_id: (w != super::plan::ALL_WORKSPACES).then_some(w),
            not_reached: Some(self.request.range),
            message,
        };
        self.add_notice(notice);
        let skipped: Vec<StageKind> = if skip_all {
            self.lost.insert(w);
            self.stages
                .iter()
                .filter(|s| s.workspace_id == w)
                .map(|s| s.kind)
                .chain([kind])
                .collect()
        } else {
            vec![kind]
        };
        let notices = self.notices_json();
        let made = self.ctx.client.requests_made();
        self.db.transaction(|tx| {
            for k in &skipped {
                let done = pulls::stage(tx, self.pull_id, w, k.as_str())?.is_some_and(|r| r.done);
                if !done || *k == kind {
                    pulls::skip_stage(tx, self.pull_id, w, k.as_str())?;
                }
            }
            pulls::set_notices(tx, self.pull_id, &notices)?;
            pulls::add_counts(
                tx,
                self.pull_id,
                (made - self.requests_committed) as i64,
                0,
                0,
                0,
            )
        })?;
        self.requests_committed = made;
        Ok(())
    }

    /// Whether the account still may read this stage of the workspace, by a fresh
    /// access check (made once per run).
    async fn still_qualifies(&mut self, workspace_id: i64, kind: StageKind) -> AppResult<bool> {
        if self.rechecked.is_none() {
            let fresh = crate::toggl::check_access(self.ctx.client, self.ctx.token).await?;
            self.rechecked = Some(fresh);
        }
        let Some(access) = &self.rechecked else {
            return Ok(false);
        };
        let Some(workspace) = access.workspaces.iter().find(|x| x.id == workspace_id) else {
            return Ok(false);
        };
        let needs_admin = matches!(kind, StageKind::ReportEntries | StageKind::Members);
        Ok(!needs_admin || sees_everyone(access, workspace))
    }

    fn add_notice(&mut self, notice: PullNotice) {
        let same = |n: &PullNotice| n.kind == notice.kind && n.workspace_id == notice.workspace_id;
        if !self.notices.iter().any(same) {
            self.notices.push(notice);
        }
    }

    fn notices_json(&self) -> String {
        serde_json::to_string(&self.notices).unwrap_or_else(|_| "[]".into())
    }

    /// Follows a stage page by page from its stored cursor. A report stage resumed
    /// from an earlier run first checks that its cursor still points at its row; if
    /// rows moved meanwhile, the chunk is walked again from its start before it may be
    /// swept. A page repeating the previous page's rows ends the stage without a sweep.
    async fn run_stage(&mut self, stage: &PlannedStage, row: &pulls::StageRow) -> AppResult<()> {
        let (w, kind) = (stage.workspace_id, stage.kind);
        let (mut cursor, mut pages) = (row.next_cursor, row.pages);
        let mut position: Option<ReportPosition> = row
            .cursor_detail
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok());
        let mut check_moved = position.is_some_and(|p| p.row.is_some());
        let mut changed_since = row.changed_since;
        let mut previous_ids: Option<Vec<i64>> = None;
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
            let at = At {
                cursor,
                position,
                check_moved,
                changed_since,
            };
            let fetched = fetch(&self.ctx, kind, w, at).await?;
            check_moved = false;
            if fetched.changes_unknown {
                self.walk_whole_range(stage)?;
                (cursor, position, changed_since, previous_ids) = (None, None, None, None);
                continue;
            }
            if let Some(removed) = &fetched.removed {
                self.remove(removed)?;
            }
            if let Some(window) = fetched.moved {
                self.walk_again(stage, window, fetched.position)?;
                (cursor, position) = (fetched.next, fetched.position);
                continue;
            }
            let ids = fetched.data.ids();
            if !ids.is_empty() && previous_ids.as_ref() == Some(&ids) {
                tracing::warn!(
                    stage = kind.as_str(),
                    workspace = w,
                    "a page repeated the previous one"
                );
                let end = Fetched::page(fetched.data.emptied(), None);
                return self.commit(stage, &end, false);
            }
            previous_ids = Some(ids);
            self.commit(stage, &fetched, true)?;
            pages += 1;
            self.emit(Some(kind), Some(w));
            match fetched.next {
                Some(next) => (cursor, position) = (Some(next), fetched.position),
                None => return self.remember_walk(stage, changed_since.is_none()),
            }
        }
    }

    /// Toggl could not say what changed: the stage walks its whole range from the start,
    /// and this pull's marks on the range's entries are cleared so the walk's sweeps see
    /// only what the walk itself saw.
    fn walk_whole_range(&mut self, stage: &PlannedStage) -> AppResult<()> {
        let (w, kind) = (stage.workspace_id, stage.kind);
        let (start, end) = window_in(self.request.range, &self.ctx.zone);
        let single = [w];
        let scope = SweepScope {
            workspace_ids: self.ctx.own_scope(w, &single),
            user_id: (kind == StageKind::OwnEntries).then_some(self.ctx.own_user_id),
            start,
            end,
        };
        let made = self.ctx.client.requests_made();
        let (c, p) = (self.request.connection_id, self.pull_id);
        self.db.transaction(|tx| {
            pulls::walk_whole_range(tx, p, w, kind.as_str())?;
            time_entries::unsee(tx, c, p, &scope)?;
            pulls::add_counts(tx, p, (made - self.requests_committed) as i64, 0, 0, 0)
        })?;
        self.requests_committed = made;
        Ok(())
    }

    /// Deletes what a `since` answer says is gone. Deleting is idempotent, so this may
    /// go in its own transaction before the page's: a stop between the two asks again.
    fn remove(&mut self, removed: &Removed) -> AppResult<()> {
        let (c, p) = (self.request.connection_id, self.pull_id);
        let deleted = self.db.transaction(|tx| {
            let n = time_entries::delete_ids(tx, c, &removed.deleted, None)?
                + time_entries::delete_ids(tx, c, &removed.moved_out, Some(removed.window))?;
            pulls::add_counts(tx, p, 0, 0, 0, n as i64)?;
            Ok(n)
        })?;
        if deleted > 0 {
            tracing::info!(
                deleted,
                "entries deleted on Toggl or moved out of the range"
            );
        }
        Ok(())
    }

    /// A remembered entries stage completed: the next pull of the range asks only for
    /// what changed after this one (see [`walk`]).
    fn remember_walk(&self, stage: &PlannedStage, whole: bool) -> AppResult<()> {
        let window = window_in(self.request.range, &self.ctx.zone);
        self.db.transaction(|tx| {
            walk::record_completed(
                tx,
                self.request,
                stage.workspace_id,
                stage.kind,
                whole,
                self.started_at,
                window,
            )
        })
    }

    /// Starts a report chunk over: this pull's marks on the chunk's entries are
    /// cleared, so the sweep at the end of the new walk removes what Toggl dropped.
    fn walk_again(
        &mut self,
        stage: &PlannedStage,
        window: (i64, i64),
        position: Option<ReportPosition>,
    ) -> AppResult<()> {
        let made = self.ctx.client.requests_made();
        let scope = [stage.workspace_id];
        restart_chunk(
            self.db,
            self.request.connection_id,
            self.pull_id,
            stage.workspace_id,
            &SweepScope {
                workspace_ids: &scope,
                user_id: None,
                start: window.0,
                end: window.1,
            },
            position
                .and_then(|p| serde_json::to_string(&p).ok())
                .as_deref(),
            made - self.requests_committed,
        )?;
        self.requests_committed = made;
        Ok(())
    }

    /// Commits one page with its cursor; `sweeps`: the page may complete a pass whose
    /// unseen rows are deleted (not so for a page that repeated the previous one).
    fn commit(&mut self, stage: &PlannedStage, fetched: &Fetched, sweeps: bool) -> AppResult<()> {
        let (w, kind) = (stage.workspace_id, stage.kind);
        if let Some(notice) = &fetched.notice {
            self.add_notice(notice.clone());
        }
        let stage_complete = fetched.next.is_none();
        let report_scope = [w];
        let sweep_entries = match (kind, fetched.window) {
            _ if !sweeps => None,
            (StageKind::OwnEntries, Some((start, end))) => Some(SweepScope {
                workspace_ids: self.ctx.own_scope(w, &report_scope),
                user_id: Some(self.ctx.own_user_id),
                start,
                end,
            }),
            (StageKind::ReportEntries, Some((start, end))) => Some(SweepScope {
                workspace_ids: &report_scope,
                user_id: None,
                start,
                end,
            }),
            _ => None,
        };
        let notices = fetched.notice.as_ref().map(|_| self.notices_json());
        let cursor_detail = (kind == StageKind::ReportEntries).then(|| {
            fetched
                .position
                .and_then(|p| serde_json::to_string(&p).ok())
        });
        let sweep_meta = match kind {
            _ if !stage_complete || !sweeps => None,
            StageKind::ProjectsArchived => Some(MetaTable::Projects),
            StageKind::Clients => Some(MetaTable::Clients),
            StageKind::Tags => Some(MetaTable::Tags),
            StageKind::Members => Some(MetaTable::Members),
            _ => None,
        };
        let now = crate::db::now();
        let last_metadata = metadata_stages(self.stages, w).last().copied();
        let metadata_complete_at =
            (stage_complete && sweeps && Some(kind) == last_metadata).then_some(now.as_str());
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
                cursor_detail: cursor_detail.as_ref().map(Option::as_deref),
                notices: notices.as_deref(),
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
            quota_buckets: BucketQuota::all(self.ctx.client, &self.request.access),
            expected: None,
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
            notices: self.notices.clone(),
            quota_buckets: BucketQuota::all(self.ctx.client, &self.request.access),
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
