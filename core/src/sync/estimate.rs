//! What a pull will cost before it starts: requests, and how long that is on the
//! account's hourly quota. Worked out with no request at all, from the cheapest source
//! there is, and the estimate says which:
//!
//! - `last_pull`: entries stored for this very range by a complete pull: a re-pull
//!   asks only for what changed (see [`walk`](super::walk)), one request per report
//!   workspace (per year-long chunk) and one `since` request for the own-entry
//!   workspaces, while fewer entries changed than a page holds; when a whole walk is
//!   due or asked for, what the stored pages say;
//! - `earlier_pulls`: entries stored for other ranges: their entries per day, scaled to
//!   this range;
//! - `counted`: the user had Toggl count (see [`count`](super::count)): the range's
//!   first report page of each workspace, exact when it held everything, else
//!   extrapolated; those pages are the pull's own, so they are not counted again;
//! - `no_history`: nothing stored yet and nothing counted: one report page per
//!   workspace at least, the figure grows as pages come in.
//!
//! Pages hold what Toggl served on a full page of the workspace's report before (see
//! [`page_sizes`](super::page_sizes)), else the size that will be asked.
//!
//! The quota's state comes from the headers the client already tracks; until Toggl has
//! sent some, the hour of the smallest plan (Free, 30) is assumed and said to be.
//! Toggl's report totals endpoint names no entry count, and `/me/quota` would spend one
//! of the 30 user-level requests the token check needs, so neither is asked.

use super::count::Count;
use super::model::{PullRequest, PullStatus, StageKind};
use super::page_sizes::expected_rows;
use super::plan::{own_entry_workspaces, plan, report_chunks, PlannedStage, ALL_WORKSPACES};
use super::walk;
use crate::db::history::{range_pulled_completely, workspace_history, WorkspaceHistory};
use crate::db::{metadata, pulls, report_page_sizes, Db};
use crate::error::AppResult;
use crate::toggl::endpoints::LIST_PAGE_SIZE;
use crate::toggl::quota::{Bucket, Quota};
use crate::toggl::TogglClient;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Requests an hour of Toggl's smallest plan, assumed until Toggl says more.
pub const FREE_PLAN_PER_HOUR: u64 = 30;
const HOUR_SECS: u64 = 3600;
const DAY_SECS: i64 = 86_400;

/// Where the request count of an estimate comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EstimateSource {
    LastPull,
    EarlierPulls,
    Counted,
    NoHistory,
}

impl EstimateSource {
    pub fn as_str(self) -> &'static str {
        match self {
            EstimateSource::LastPull => "last_pull",
            EstimateSource::EarlierPulls => "earlier_pulls",
            EstimateSource::Counted => "counted",
            EstimateSource::NoHistory => "no_history",
        }
    }

    fn phrase(self) -> &'static str {
        match self {
            EstimateSource::LastPull => "counted from the last pull of this range",
            EstimateSource::EarlierPulls => "from the entries per day of earlier pulls",
            EstimateSource::Counted => "counted from Toggl's first page of each workspace",
            EstimateSource::NoHistory => {
                "nothing pulled yet, so at least one page per workspace; Count on Toggl for a closer figure"
            }
        }
    }
}

/// The quota a pull draws from, as far as Toggl has told the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct QuotaView {
    /// The hour's size; [`FREE_PLAN_PER_HOUR`] unless Toggl showed more left than that.
    pub per_hour: u64,
    /// `false` while `per_hour` is the assumed Free plan's.
    pub per_hour_known: bool,
    /// Requests left in the organization's bucket now, when Toggl said.
    pub remaining: Option<i64>,
    pub resets_in_secs: Option<u64>,
}

/// What the data page shows before a pull.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PullEstimate {
    /// Requests the pull will send (what is left of it, for a resumed one).
    pub requests: u64,
    /// Entries expected in the range; `None` with no history.
    pub entries: Option<u64>,
    pub source: EstimateSource,
    pub quota: QuotaView,
    /// How long the pull takes on the quota: 0 when it fits in what is left this hour.
    pub duration_secs: u64,
    /// "about 18 requests: within this hour (counted from …)".
    pub message: String,
}

/// Estimates `request`'s pull (see the module comment). Sends nothing.
pub fn estimate(db: &Db, client: &TogglClient, request: &PullRequest) -> AppResult<PullEstimate> {
    estimate_counted(db, client, request, None)
}

/// [`estimate`], with what a count of the range found for the workspaces it counted.
pub fn estimate_counted(
    db: &Db,
    client: &TogglClient,
    request: &PullRequest,
    count: Option<&Count>,
) -> AppResult<PullEstimate> {
    let count = count.filter(|c| c.stands_for(request.range));
    let stages = plan(&request.access);
    let range = (request.range.start_ts(), request.range.end_ts_exclusive());
    let own = own_entry_workspaces(&request.access);
    let c = request.connection_id;
    let user = request.access.user.id;
    let now = Utc::now();
    let (costs, source, entries) = db.read(|conn| {
        let done = done_stages(conn, request)?;
        let (start, end) = (request.range.start_date, request.range.end_date);
        let same_range = range_pulled_completely(conn, c, start, end)?;
        let mut source = if same_range {
            EstimateSource::LastPull
        } else {
            EstimateSource::EarlierPulls
        };
        let sizes = report_page_sizes::all(conn, c)?;
        let mut requests = 0u64;
        let mut entries = 0u64;
        let (mut counted, mut unknown) = (false, false);
        for stage in &stages {
            let w = stage.workspace_id;
            let done_pages = done.pages_of(stage);
            let changes_only = !stage.kind.is_metadata()
                && match done.changed_since_of(stage) {
                    Some(planned) => planned.is_some(),
                    None => walk::changed_since(conn, request, w, stage.kind, now)?.is_some(),
                };
            let whole_report = stage.kind == StageKind::ReportEntries && !changes_only;
            if let Some(n) = count.filter(|_| whole_report) {
                if let Some(n) = n.of(w) {
                    counted = true;
                    entries += n.entries;
                    // Without pages of an earlier run, the pull takes the counted one.
                    requests += match done_pages {
                        0 => n.requests_left,
                        done => (n.requests_left + 1).saturating_sub(done),
                    };
                    continue;
                }
            }
            let (scope, user_id) = match stage.kind {
                StageKind::OwnEntries if w == ALL_WORKSPACES => (own.clone(), Some(user)),
                _ => (vec![w], None),
            };
            let history = workspace_history(conn, c, &scope, user_id, range)?;
            let expected = expected_entries(&history, range, same_range);
            if stage.kind == StageKind::ReportEntries {
                match expected {
                    Some(n) => entries += n,
                    None => unknown = true,
                }
            }
            let fresh = stage.kind.is_metadata() && metadata_is_fresh(conn, request, w, now)?;
            let rows = expected_rows(sizes.get(&w));
            let cost = if fresh {
                0
            } else if changes_only {
                changes_cost(stage, request)
            } else {
                stage_cost(stage, &history, expected, rows, request)
            };
            requests += cost.saturating_sub(done_pages);
        }
        if unknown {
            source = EstimateSource::NoHistory;
        } else if counted {
            source = EstimateSource::Counted;
        }
        Ok((requests, source, entries))
    })?;
    let entries = (source != EstimateSource::NoHistory).then_some(entries);
    let quota = quota_view(client, request);
    Ok(describe(costs, entries, source, quota))
}

/// Entries a stage's scope will hold in the range: what is stored when a complete pull
/// of the range stored it, else the stored entries per day times the range's days.
fn expected_entries(
    history: &WorkspaceHistory,
    range: (i64, i64),
    same_range: bool,
) -> Option<u64> {
    if same_range {
        return Some(history.entries_in_range);
    }
    let (first, last) = history.first_start.zip(history.last_start)?;
    let span_days = ((last - first) / DAY_SECS + 1).max(1) as f64;
    let range_days = ((range.1 - range.0) / DAY_SECS).max(1) as f64;
    Some((history.entries_total as f64 / span_days * range_days).round() as u64)
}

/// Requests one stage costs in full; a report page holds `report_rows`.
fn stage_cost(
    stage: &PlannedStage,
    history: &WorkspaceHistory,
    expected: Option<u64>,
    report_rows: u32,
    request: &PullRequest,
) -> u64 {
    let pages = |n: u64, size: u32| n.div_ceil(u64::from(size)).max(1);
    match stage.kind {
        StageKind::ReportEntries => {
            // A range longer than the report serves at once is walked chunk by chunk,
            // each at least one request.
            let chunks =
                report_chunks(request.range, request.options.report_chunk_days).len() as u64;
            pages(expected.unwrap_or(0), report_rows) + chunks.saturating_sub(1)
        }
        StageKind::OwnEntries => {
            let days = (request.range.end_date - request.range.start_date).num_days() + 1;
            (days as u64).div_ceil(u64::from(request.options.own_entries_window_days.max(1)))
        }
        StageKind::ProjectsActive => pages(history.active_projects, LIST_PAGE_SIZE),
        StageKind::ProjectsArchived => pages(history.archived_projects, LIST_PAGE_SIZE),
        StageKind::Tags => pages(history.tags, LIST_PAGE_SIZE),
        StageKind::Clients | StageKind::Members => 1,
    }
}

/// Requests of an entries stage that asks only for what changed, while fewer entries
/// changed than one answer holds: one report request per chunk, or the one `since`.
fn changes_cost(stage: &PlannedStage, request: &PullRequest) -> u64 {
    match stage.kind {
        StageKind::ReportEntries => {
            report_chunks(request.range, request.options.report_chunk_days).len() as u64
        }
        _ => 1,
    }
}

/// The engine's rule: metadata younger than the allowed age, naming every project and
/// tag the stored entries use, is not pulled again.
fn metadata_is_fresh(
    conn: &rusqlite::Connection,
    request: &PullRequest,
    workspace_id: i64,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let c = request.connection_id;
    let recent = metadata::metadata_pulled_at(conn, c, workspace_id)?
        .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .is_some_and(|t| now - t.with_timezone(&Utc) < request.options.metadata_max_age);
    Ok(recent && !metadata::has_dangling_references(conn, c, workspace_id)?)
}

/// Pages already committed by an unfinished pull of the same range, which a resumed
/// pull does not ask for again.
struct DoneStages(Vec<pulls::StageRow>);

impl DoneStages {
    /// How the unfinished pull planned the stage to walk (`None`: not planned yet).
    fn changed_since_of(&self, stage: &PlannedStage) -> Option<Option<i64>> {
        self.0
            .iter()
            .find(|r| r.workspace_id == stage.workspace_id && r.stage == stage.kind.as_str())
            .map(|r| r.changed_since)
    }

    fn pages_of(&self, stage: &PlannedStage) -> u64 {
        self.0
            .iter()
            .find(|r| r.workspace_id == stage.workspace_id && r.stage == stage.kind.as_str())
            .map_or(0, |r| {
                if r.done || r.skipped {
                    u64::MAX
                } else {
                    r.pages as u64
                }
            })
    }
}

fn done_stages(conn: &rusqlite::Connection, request: &PullRequest) -> AppResult<DoneStages> {
    let unfinished = pulls::latest(conn, request.connection_id)?.filter(|p| {
        PullStatus::parse(&p.status).is_resumable()
            && p.start_date == request.range.start_date
            && p.end_date == request.range.end_date
    });
    Ok(DoneStages(match unfinished {
        Some(p) => pulls::stages(conn, p.id)?,
        None => Vec::new(),
    }))
}

/// The tightest organization bucket of the workspaces in scope, from the quota headers
/// the client has seen.
fn quota_view(client: &TogglClient, request: &PullRequest) -> QuotaView {
    let seen: Option<Quota> = request
        .access
        .workspaces
        .iter()
        .filter_map(|w| {
            let bucket = w
                .organization_id
                .map_or(Bucket::Workspace(w.id), Bucket::Organization);
            client.quota_of(bucket)
        })
        .min_by_key(|q| q.remaining);
    let per_hour_seen = seen.map_or(0, |q| q.remaining.max(0) as u64);
    QuotaView {
        per_hour: FREE_PLAN_PER_HOUR.max(per_hour_seen),
        per_hour_known: per_hour_seen > FREE_PLAN_PER_HOUR,
        remaining: seen.map(|q| q.remaining),
        resets_in_secs: seen.and_then(|q| q.resets_in_secs),
    }
}

/// How long `requests` take on the quota: what is left this hour goes now, the rest
/// a plan's hour at a time after the reset.
pub(crate) fn time_on_quota(requests: u64, quota: QuotaView) -> u64 {
    let left_now = quota.remaining.map_or(quota.per_hour, |r| r.max(0) as u64);
    if requests <= left_now {
        return 0;
    }
    let later = requests - left_now;
    let first_reset = quota.resets_in_secs.unwrap_or(HOUR_SECS);
    first_reset + (later.div_ceil(quota.per_hour.max(1)) - 1) * HOUR_SECS
}

/// The progress sink a run reports through: each report carries where the pull
/// stands against `estimate` (made as the run started, so its requests are what was
/// left then).
pub(crate) fn against_estimate(
    progress: super::ProgressSink,
    estimate: PullEstimate,
) -> super::ProgressSink {
    use std::sync::atomic::{AtomicU64, Ordering};
    let at_start = AtomicU64::new(u64::MAX);
    std::sync::Arc::new(move |p: &super::Progress| {
        let _ = at_start.compare_exchange(
            u64::MAX,
            p.requests_used,
            Ordering::SeqCst,
            Ordering::SeqCst,
        );
        let requests = at_start
            .load(Ordering::SeqCst)
            .saturating_add(estimate.requests);
        let quota = QuotaView {
            remaining: p.quota_remaining.or(estimate.quota.remaining),
            resets_in_secs: p.quota_resets_in_secs.or(estimate.quota.resets_in_secs),
            ..estimate.quota
        };
        let mut p = p.clone();
        p.expected = Some(super::model::Expected {
            entries: estimate.entries,
            requests: requests.max(p.requests_used),
            time_left_secs: time_on_quota(requests.saturating_sub(p.requests_used), quota),
        });
        progress(&p);
    })
}

fn describe(
    requests: u64,
    entries: Option<u64>,
    source: EstimateSource,
    quota: QuotaView,
) -> PullEstimate {
    let duration_secs = time_on_quota(requests, quota);
    let plan = if quota.per_hour_known {
        format!("your plan's {} an hour", quota.per_hour)
    } else {
        format!(
            "a Free plan's {} an hour (Toggl has not said the plan's size yet)",
            quota.per_hour
        )
    };
    let how_long = if duration_secs == 0 {
        "within this hour".to_string()
    } else {
        let hours = (duration_secs as f64 / HOUR_SECS as f64).round().max(1.0) as u64;
        let unit = if hours == 1 { "hour" } else { "hours" };
        format!("about {hours} {unit} on {plan}")
    };
    let noun = if requests == 1 { "request" } else { "requests" };
    let about = match source {
        EstimateSource::NoHistory => "At least",
        _ => "About",
    };
    PullEstimate {
        requests,
        entries,
        source,
        quota,
        duration_secs,
        message: format!(
            "{about} {requests} {noun}: {how_long} ({}).",
            source.phrase()
        ),
    }
}

#[cfg(test)]
mod tests;
