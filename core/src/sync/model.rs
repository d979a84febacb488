//! The shapes a pull takes and returns: the date range, the options, the progress
//! reported while it runs, the report at its end and the outcome the page shows, the
//! facts the page starts from, and the stages a pull is made of.

use crate::domain::AccessReport;
use crate::error::{AppError, AppResult};
pub use crate::review::stored::StoredCounts;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Days of time entries to pull, both ends included, as UTC calendar days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullRange {
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
}

impl PullRange {
    /// Refuses an empty or reversed range.
    pub fn new(start_date: NaiveDate, end_date: NaiveDate) -> AppResult<PullRange> {
        if start_date > end_date {
            return Err(AppError::range_reversed());
        }
        Ok(PullRange {
            start_date,
            end_date,
        })
    }

    /// The range as the page's date fields give it (`YYYY-MM-DD`, maybe empty).
    pub fn parse(start_date: &str, end_date: &str) -> AppResult<PullRange> {
        let day = |text: &str, which: &str| {
            let text = text.trim();
            if text.is_empty() {
                return Err(AppError::range_date_missing(which));
            }
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| AppError::range_date_unreadable(which))
        };
        PullRange::new(day(start_date, "start")?, day(end_date, "end")?)
    }

    /// The default: the last `days` days up to and including `today`.
    pub fn last_days(days: u32, today: NaiveDate) -> PullRange {
        let start = today - Duration::days(i64::from(days.max(1)) - 1);
        PullRange {
            start_date: start,
            end_date: today,
        }
    }

    /// First second of the range (unix seconds, UTC).
    pub fn start_ts(&self) -> i64 {
        midnight(self.start_date)
    }

    /// First second after the range (unix seconds, UTC).
    pub fn end_ts_exclusive(&self) -> i64 {
        midnight(self.end_date) + 86_400
    }
}

/// The range's days as the Toggl user lives them: from the first instant of the first
/// day to the first instant after the last, in the user's time zone (unix seconds). The
/// detailed report reads dates this way, so a sweep of what it reported must too.
pub fn window_in(range: PullRange, zone: &jiff::tz::TimeZone) -> (i64, i64) {
    (
        zone_midnight(zone, range.start_date),
        zone_midnight(zone, range.end_date + Duration::days(1)),
    )
}

/// The first instant of `day` in `zone`; UTC midnight when the zone cannot say.
pub fn zone_midnight(zone: &jiff::tz::TimeZone, day: NaiveDate) -> i64 {
    use chrono::Datelike;
    jiff::civil::Date::new(day.year() as i16, day.month() as i8, day.day() as i8)
        .and_then(|d| d.to_zoned(zone.clone()))
        .map(|z| z.timestamp().as_second())
        .unwrap_or_else(|_| midnight(day))
}

/// The user's time zone by Toggl's name for it; UTC when unknown or not given.
pub fn user_zone(name: Option<&str>) -> jiff::tz::TimeZone {
    name.and_then(|n| jiff::tz::TimeZone::get(n).ok())
        .unwrap_or(jiff::tz::TimeZone::UTC)
}

pub(crate) use crate::domain::calendar::utc_midnight as midnight;

/// Days back `/me/time_entries` serves when Toggl's refusal names no date ("about three
/// months"; the exact limit is unconfirmed, so Toggl's own date wins when it names one).
pub const OWN_ENTRIES_LOOKBACK_DAYS: u32 = 90;
/// Toggl's reports span at most a year (Reports v2; a public client says 366 days).
pub const REPORT_CHUNK_DAYS: u32 = 365;

/// Knobs of a pull; the defaults suit the real Toggl.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullOptions {
    /// Pages one stage may follow before the pull fails with `unexpected_response`:
    /// a server that keeps naming a next page cannot make a pull loop forever.
    pub max_pages_per_stage: u32,
    /// Projects, clients, tags and members of a workspace are pulled again only when
    /// their last complete pull is older than this, or when stored entries name a
    /// project or tag that is not stored. Time entries are always re-read.
    pub metadata_max_age: Duration,
    /// Length of one `/me/time_entries` request window (Toggl caps an answer at 1000
    /// entries; a window that comes back full is halved and asked again).
    pub own_entries_window_days: u32,
    /// How far back `/me/time_entries` serves when Toggl's refusal names no date.
    pub own_entries_lookback_days: u32,
    /// Longest range of one detailed report request; longer ranges are walked in chunks.
    pub report_chunk_days: u32,
    /// Walk every entry of the range again ("Full re-pull") instead of asking Toggl only
    /// for what changed since the last pull of the range.
    pub full_walk: bool,
    /// A re-pull walks the whole range when its last whole walk is older than this: only
    /// a whole walk sees entries others deleted in an admin workspace.
    pub full_walk_max_age: Duration,
}

impl Default for PullOptions {
    fn default() -> Self {
        PullOptions {
            max_pages_per_stage: 10_000,
            metadata_max_age: Duration::hours(24),
            own_entries_window_days: 30,
            own_entries_lookback_days: OWN_ENTRIES_LOOKBACK_DAYS,
            report_chunk_days: REPORT_CHUNK_DAYS,
            full_walk: false,
            full_walk_max_age: Duration::days(7),
        }
    }
}

/// What to pull: a connection, the access snapshot saved with it (which workspaces,
/// which role in each), and the range.
#[derive(Debug, Clone, PartialEq)]
pub struct PullRequest {
    pub connection_id: i64,
    pub access: AccessReport,
    pub range: PullRange,
    pub options: PullOptions,
}

/// One kind of work in a pull. Stages run per workspace except `OwnEntries`, which
/// covers every workspace where the account may only see its own entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageKind {
    /// Everyone's entries via the Reports API v3 detailed search (admin workspaces).
    ReportEntries,
    /// The account's own entries via `/me/time_entries` (other workspaces).
    OwnEntries,
    ProjectsActive,
    ProjectsArchived,
    Clients,
    Tags,
    Members,
}

impl StageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StageKind::ReportEntries => "report_entries",
            StageKind::OwnEntries => "own_entries",
            StageKind::ProjectsActive => "projects_active",
            StageKind::ProjectsArchived => "projects_archived",
            StageKind::Clients => "clients",
            StageKind::Tags => "tags",
            StageKind::Members => "members",
        }
    }

    pub fn is_metadata(self) -> bool {
        !matches!(self, StageKind::ReportEntries | StageKind::OwnEntries)
    }
}

/// Where a pull stands; sent after every committed page and at every stage change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub connection_id: i64,
    pub pull_id: i64,
    pub stage: Option<StageKind>,
    /// The workspace of the current stage (`None` for own entries across workspaces).
    pub workspace_id: Option<i64>,
    pub stages_done: u32,
    pub stages_total: u32,
    /// Pages committed by this pull, resumed runs included.
    pub pages_done: u64,
    /// Time entries written by this pull, resumed runs included.
    pub entries_stored: u64,
    /// Requests this pull sent to Toggl, resumed runs included.
    pub requests_used: u64,
    /// From the latest quota headers, when Toggl sent them.
    pub quota_remaining: Option<i64>,
    pub quota_resets_in_secs: Option<u64>,
    /// Each hourly bucket apart: user-level calls and each organization's.
    pub quota_buckets: Vec<BucketQuota>,
    /// Where the pull stands against its estimate; the service fills it in.
    pub expected: Option<Expected>,
}

/// A running pull against the estimate made when it started, in the user's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Expected {
    /// Entries expected in the range; `None` when nothing was pulled before.
    pub entries: Option<u64>,
    /// Requests the whole pull is expected to take, earlier runs included.
    pub requests: u64,
    /// How long what is left takes on the quota: 0 when it fits in this hour.
    pub time_left_secs: u64,
}

/// What is left in one of Toggl's hourly buckets, as the latest answer from it said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BucketQuota {
    pub bucket: crate::toggl::Bucket,
    /// "user-level", or the organization's (workspace's) name, for the page.
    pub label: String,
    pub remaining: i64,
    pub resets_in_secs: Option<u64>,
}

impl BucketQuota {
    /// Every bucket the client has seen, named from the access snapshot.
    pub fn all(client: &crate::toggl::TogglClient, access: &AccessReport) -> Vec<BucketQuota> {
        use crate::toggl::Bucket;
        client
            .quotas()
            .into_iter()
            .map(|(bucket, q)| {
                let label = match bucket {
                    Bucket::User => "user-level".to_string(),
                    Bucket::Organization(id) => access
                        .organizations
                        .iter()
                        .find(|o| o.id == id)
                        .map_or_else(|| format!("organization {id}"), |o| o.name.clone()),
                    Bucket::Workspace(id) => access
                        .workspaces
                        .iter()
                        .find(|w| w.id == id)
                        .map_or_else(|| format!("workspace {id}"), |w| w.name.clone()),
                };
                BucketQuota {
                    bucket,
                    label,
                    remaining: q.remaining,
                    resets_in_secs: q.resets_in_secs,
                }
            })
            .collect()
    }
}

/// Why a notice was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// `/me/time_entries` no longer serves the start of the range.
    OwnEntriesLookback,
    /// The account lost access to a workspace during the pull; the token still works.
    AccessChanged,
    /// Toggl refused one stage (a 4xx); the other stages went on.
    StageRefused,
}

/// Something the pull could not reach, said plainly; the page shows `message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullNotice {
    pub kind: NoticeKind,
    /// The workspace concerned; `None` for own entries across workspaces.
    pub workspace_id: Option<i64>,
    /// The days not reached, when the notice is about dates.
    pub not_reached: Option<PullRange>,
    pub message: String,
}

/// How a pull ended (or stands).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PullStatus {
    Running,
    Done,
    /// Stopped by Toggl's request limits: the hourly quota (402) or the rate limit
    /// (429); the pull's `error_code` says which.
    StoppedQuota,
    Cancelled,
    Failed,
}

impl PullStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PullStatus::Running => "running",
            PullStatus::Done => "done",
            PullStatus::StoppedQuota => "stopped_quota",
            PullStatus::Cancelled => "cancelled",
            PullStatus::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> PullStatus {
        match text {
            "done" => PullStatus::Done,
            "stopped_quota" => PullStatus::StoppedQuota,
            "cancelled" => PullStatus::Cancelled,
            "failed" => PullStatus::Failed,
            _ => PullStatus::Running,
        }
    }

    /// Whether the next pull of the same range continues this one.
    pub fn is_resumable(self) -> bool {
        !matches!(self, PullStatus::Done)
    }
}

/// What one call of [`pull`](super::pull) did. Totals (`*_total`) include earlier runs
/// of a resumed pull.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PullReport {
    pub pull_id: i64,
    pub connection_id: i64,
    pub status: PullStatus,
    /// What stopped a pull that did not finish: `quota_exhausted`, `rate_limited` or
    /// `cancelled`.
    pub error_code: Option<String>,
    /// This call continued a pull that had stopped.
    pub resumed: bool,
    pub range: PullRange,
    /// Requests sent by this call (the 402 that stopped it included).
    pub requests_used: u64,
    pub requests_total: u64,
    pub pages: u64,
    pub pages_total: u64,
    pub entries_stored: u64,
    pub entries_stored_total: u64,
    pub entries_deleted_total: u64,
    /// When pulling may go on, for `StoppedQuota`.
    pub quota_resets_at: Option<DateTime<Utc>>,
    pub quota_remaining: Option<i64>,
    /// Metadata stages skipped because fresh (see [`PullOptions::metadata_max_age`]).
    pub stages_skipped: u32,
    /// What this pull could not reach and why (all runs of a resumed pull).
    pub notices: Vec<PullNotice>,
    /// Each hourly bucket apart, as the last answers from them said.
    pub quota_buckets: Vec<BucketQuota>,
}

/// How a started pull ended, as the data page shows it: `Ok` also when it stopped for
/// Toggl's limits or was cancelled, since the pages pulled so far are kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PullOutcome {
    #[serde(flatten)]
    pub report: PullReport,
    /// The next pull of the same range continues this one.
    pub resumable: bool,
    /// Pulls are held until then by Toggl's limits; `None` when one may start now.
    pub pull_allowed_after: Option<DateTime<Utc>>,
    /// What happened, what was kept and how to go on, in one sentence.
    pub message: String,
}

/// What the data page starts from, all derived here: the range to offer, the last pull,
/// whether pulling that range again resumes it, and whether Toggl's limits hold pulls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PullFacts {
    /// The range of an unfinished last pull (so pulling resumes it), else the last
    /// [`DEFAULT_PULL_DAYS`] days.
    pub default_range: PullRange,
    pub last: Option<PullSummary>,
    pub resumable: bool,
    pub pull_allowed_after: Option<DateTime<Utc>>,
    /// The earliest day `/me/time_entries` is expected to serve today: own entries of
    /// workspaces the account does not administer start here whatever the range.
    pub own_entries_from: NaiveDate,
}

/// Days a first pull covers unless the user picks other dates: well inside the window
/// `/me/time_entries` still serves ([`OWN_ENTRIES_LOOKBACK_DAYS`]), so a default pull
/// never sits on that edge.
pub const DEFAULT_PULL_DAYS: u32 = 60;

impl PullFacts {
    pub fn derive(last: Option<PullSummary>, now: DateTime<Utc>) -> PullFacts {
        let resumable = last.as_ref().is_some_and(|l| l.status.is_resumable());
        let default_range = match &last {
            Some(l) if resumable => l.range,
            _ => PullRange::last_days(DEFAULT_PULL_DAYS, now.date_naive()),
        };
        let pull_allowed_after = last
            .as_ref()
            .and_then(|l| held_until(l.status, l.quota_resets_at, now));
        PullFacts {
            default_range,
            last,
            resumable,
            pull_allowed_after,
            own_entries_from: own_entries_from(now.date_naive(), OWN_ENTRIES_LOOKBACK_DAYS),
        }
    }
}

/// The first day of the `days` up to and including `today`.
pub(crate) fn own_entries_from(today: NaiveDate, days: u32) -> NaiveDate {
    today - Duration::days(i64::from(days.max(1)) - 1)
}

/// The time a stop for Toggl's limits holds pulls until, while it lies ahead.
pub(crate) fn held_until(
    status: PullStatus,
    resets_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    resets_at.filter(|at| status == PullStatus::StoppedQuota && *at > now)
}

/// The last pull of a connection, for its detail page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PullSummary {
    pub pull_id: i64,
    pub status: PullStatus,
    pub range: PullRange,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub requests_used: u64,
    pub pages: u64,
    pub entries_stored: u64,
    pub entries_deleted: u64,
    /// `AppError::code()` of the failure, for `Failed` (also `quota_exhausted`,
    /// `cancelled` for the other stops).
    pub error_code: Option<String>,
    pub quota_resets_at: Option<DateTime<Utc>>,
    /// What the connection holds now, all pulls together.
    pub counts: StoredCounts,
}
