//! One request-sized step of a stage: ask Toggl for the page at the stage's cursor and
//! turn the answer into rows to store plus the cursor of the next page. Nothing here
//! touches the pulled data, so a failed request leaves no trace (only what a report
//! answer shows of its page size is remembered, see [`PageSizes`]). This is where
//! Toggl's wire shapes become storage's neutral records: `db` never sees a Toggl type.

use super::count::FirstPages;
use super::model::{
    midnight, own_entries_from, window_in, zone_midnight, NoticeKind, PullNotice, PullOptions,
    PullRange, StageKind,
};
use super::page_sizes::PageSizes;
use super::plan::report_chunks;
use crate::db::metadata::{ClientRecord, MemberRecord, ProjectRecord, TagRecord};
use crate::db::time_entries::{EntryRecord, Money};
use crate::domain::WorkspaceAccess;
use crate::error::{AppError, AppResult};
use crate::toggl::models::{
    Client, Project, ReportQuery, ReportRow, Tag, TimeEntry, WorkspaceMember,
};
use crate::toggl::{own_entries_earliest_date, ClientStatus, ReportCursor, TogglClient};
use crate::token::ApiToken;
use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicI64, Ordering};

/// Toggl's cap on one `/me/time_entries` answer.
pub const OWN_ENTRIES_CAP: usize = 1000;
const DAY: i64 = 86_400;

/// The rows of one page, by kind.
#[derive(Debug)]
pub enum PageData {
    Entries(Vec<EntryRecord>),
    Projects(Vec<ProjectRecord>),
    Clients(Vec<ClientRecord>),
    Tags(Vec<TagRecord>),
    Members(Vec<MemberRecord>),
}

impl PageData {
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The ids of the page's rows, to tell a page that repeats the previous one.
    pub fn ids(&self) -> Vec<i64> {
        match self {
            PageData::Entries(v) => v.iter().map(|r| r.id).collect(),
            PageData::Projects(v) => v.iter().map(|r| r.id).collect(),
            PageData::Clients(v) => v.iter().map(|r| r.id).collect(),
            PageData::Tags(v) => v.iter().map(|r| r.id).collect(),
            PageData::Members(v) => v.iter().map(|r| r.user_id).collect(),
        }
    }

    /// No rows, of the same kind.
    pub fn emptied(&self) -> PageData {
        match self {
            PageData::Entries(_) => PageData::Entries(Vec::new()),
            PageData::Projects(_) => PageData::Projects(Vec::new()),
            PageData::Clients(_) => PageData::Clients(Vec::new()),
            PageData::Tags(_) => PageData::Tags(Vec::new()),
            PageData::Members(_) => PageData::Members(Vec::new()),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            PageData::Entries(v) => v.len(),
            PageData::Projects(v) => v.len(),
            PageData::Clients(v) => v.len(),
            PageData::Tags(v) => v.len(),
            PageData::Members(v) => v.len(),
        }
    }
}

/// A fetched page: its rows, the next cursor (`None`: the stage is complete), and the
/// time window the page completed (for own entries each window; for a report the window
/// Toggl reported a finished chunk on): stored entries there that were not seen go.
#[derive(Debug)]
pub struct Fetched {
    pub data: PageData,
    pub next: Option<i64>,
    pub window: Option<(i64, i64)>,
    /// Where a report stage goes on (`None` with `next`: the stage is done).
    pub position: Option<ReportPosition>,
    /// Something the pull could not reach, to tell the user.
    pub notice: Option<PullNotice>,
    /// A resumed report cursor no longer points at its row (entries before it changed on
    /// Toggl during the stop): this chunk window must be walked again before any sweep.
    pub moved: Option<(i64, i64)>,
    /// A stage asking for changes learnt that Toggl cannot tell them (rows out of
    /// last-update order, a full answer, a refused `since`): walk the whole range.
    pub changes_unknown: bool,
    /// Entries Toggl said are gone from the range, for a stage asking for changes.
    pub removed: Option<Removed>,
}

/// What a `since` answer removes: entries deleted on Toggl, and entries whose start
/// moved out of the pulled window (stored ones starting in it go).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Removed {
    pub deleted: Vec<i64>,
    pub moved_out: Vec<i64>,
    pub window: (i64, i64),
}

impl Fetched {
    pub(super) fn page(data: PageData, next: Option<i64>) -> Fetched {
        Fetched {
            data,
            next,
            window: None,
            position: None,
            notice: None,
            moved: None,
            changes_unknown: false,
            removed: None,
        }
    }

    fn changes_unknown() -> Fetched {
        Fetched {
            changes_unknown: true,
            ..Fetched::page(PageData::Entries(Vec::new()), None)
        }
    }
}

/// Where a report stage stands: which chunk of the range (see [`report_chunks`]) and
/// Toggl's full cursor within it (`row: None`: the chunk's first row).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportPosition {
    pub chunk: u32,
    pub row: Option<i64>,
    pub id: Option<i64>,
    pub timestamp: Option<i64>,
    /// Walking latest changes first: the last update (unix milliseconds) of the last row
    /// read, which the next page's rows must not be later than.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_at: Option<i64>,
}

impl ReportPosition {
    fn cursor(&self) -> Option<ReportCursor> {
        self.row.map(|row_number| ReportCursor {
            row_number,
            id: self.id,
            timestamp: self.timestamp,
        })
    }

    fn chunk_start(chunk: u32) -> ReportPosition {
        ReportPosition {
            chunk,
            ..ReportPosition::default()
        }
    }
}

/// What a fetch needs to know beyond the stage and its cursor.
pub struct FetchContext<'a> {
    pub client: &'a TogglClient,
    pub token: &'a ApiToken,
    pub range: PullRange,
    pub own_user_id: i64,
    pub own_user_name: &'a str,
    pub own_workspaces: &'a [i64],
    pub workspaces: &'a [WorkspaceAccess],
    pub zone: jiff::tz::TimeZone,
    pub options: &'a PullOptions,
    /// The earliest start `/me/time_entries` serves, once Toggl said (unix seconds).
    pub own_earliest: AtomicI64,
    /// The page size each workspace's report is asked for, and what Toggl's answers
    /// teach about it.
    pub page_sizes: PageSizes<'a>,
    /// Report pages fetched ahead of the pull (by a count): a chunk's first fetch
    /// takes its page from here instead of asking Toggl again.
    pub first_pages: &'a FirstPages,
}

impl<'a> FetchContext<'a> {
    /// The workspaces an own-entries stage covers: all non-admin workspaces for the
    /// planned stage, or the one workspace of a fallback stage.
    pub fn own_scope<'s>(&'s self, workspace_id: i64, single: &'s [i64; 1]) -> &'s [i64] {
        if workspace_id == super::plan::ALL_WORKSPACES {
            self.own_workspaces
        } else {
            single
        }
    }

    /// The workspace's name as the access snapshot has it.
    pub fn workspace_name(&self, workspace_id: i64) -> String {
        self.workspaces
            .iter()
            .find(|w| w.id == workspace_id)
            .map_or_else(|| format!("workspace {workspace_id}"), |w| w.name.clone())
    }

    fn known_own_earliest(&self) -> Option<i64> {
        Some(self.own_earliest.load(Ordering::Relaxed)).filter(|t| *t != i64::MIN)
    }
}

/// Where an entries stage stands and how it walks, for [`fetch`].
#[derive(Debug, Clone, Copy, Default)]
pub struct At {
    pub cursor: Option<i64>,
    /// Report stages: where in the range.
    pub position: Option<ReportPosition>,
    /// The position comes from an earlier run, so whether its row is still there is checked.
    pub check_moved: bool,
    /// Ask only for entries changed since then (unix seconds); `None`: the whole range.
    pub changed_since: Option<i64>,
}

/// Fetches the page of a stage at `at`.
pub async fn fetch(
    ctx: &FetchContext<'_>,
    kind: StageKind,
    workspace_id: i64,
    at: At,
) -> AppResult<Fetched> {
    let At {
        cursor,
        position,
        check_moved,
        changed_since,
    } = at;
    let page_number = cursor.map_or(1, |c| c.max(1) as u32);
    let (client, token) = (ctx.client, ctx.token);
    let numbered = |next: Option<u32>| next.map(i64::from);
    Ok(match kind {
        StageKind::ProjectsActive | StageKind::ProjectsArchived => {
            let active = kind == StageKind::ProjectsActive;
            let page = client
                .projects_page(token, workspace_id, active, page_number)
                .await?;
            Fetched::page(
                PageData::Projects(projects(workspace_id, &page.items)),
                numbered(page.next),
            )
        }
        StageKind::Clients => Fetched::page(
            PageData::Clients(clients(
                workspace_id,
                &client
                    .clients(token, workspace_id, ClientStatus::Both)
                    .await?,
            )),
            None,
        ),
        StageKind::Tags => {
            let page = client.tags_page(token, workspace_id, page_number).await?;
            Fetched::page(
                PageData::Tags(live_tags(workspace_id, &page.items)),
                numbered(page.next),
            )
        }
        StageKind::Members => Fetched::page(
            PageData::Members(members(
                &client.workspace_members(token, workspace_id).await?,
            )),
            None,
        ),
        StageKind::ReportEntries => {
            let at = position.unwrap_or_default();
            report_page(ctx, workspace_id, at, check_moved, changed_since).await?
        }
        StageKind::OwnEntries => match changed_since {
            Some(since) => own_changes(ctx, since).await?,
            None => own_entries(ctx, workspace_id, cursor).await?,
        },
    })
}

/// One page of one chunk of the detailed report. A chunk's last page names the window
/// Toggl reported on (`X-Range-*` when sent, else the dates asked) in the user's time
/// zone, which is exactly what the chunk's sweep may cover.
///
/// With `changed_since`, the chunk is read latest changes first and ends at the first
/// row changed before then: everything older is stored already. Such a walk never
/// sweeps (it sees only what changed), and rows out of that order mean Toggl cannot
/// tell what changed.
async fn report_page(
    ctx: &FetchContext<'_>,
    workspace_id: i64,
    at: ReportPosition,
    check_moved: bool,
    changed_since: Option<i64>,
) -> AppResult<Fetched> {
    let chunks = report_chunks(ctx.range, ctx.options.report_chunk_days);
    let Some(chunk) = chunks.get(at.chunk as usize).copied() else {
        return Ok(Fetched::page(PageData::Entries(Vec::new()), None));
    };
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let mut query = ReportQuery::between(day(chunk.start_date), day(chunk.end_date));
    query.page_size = Some(ctx.page_sizes.ask(workspace_id));
    let query = match changed_since {
        Some(_) => query.latest_changes_first(),
        None => query,
    };
    let from = at.cursor();
    // A counted first page is in date order: a walk of changes asks its own.
    let fetched_ahead = (from.is_none() && changed_since.is_none())
        .then(|| ctx.first_pages.take(workspace_id, chunk))
        .flatten();
    let page = match fetched_ahead {
        Some(page) => page,
        None => {
            ctx.client
                .detailed_report_window(ctx.token, workspace_id, &query, from)
                .await?
        }
    };
    ctx.page_sizes.learn(workspace_id, &page)?;
    let reported = page
        .range
        .map_or(chunk, |(start_date, end_date)| PullRange {
            start_date,
            end_date,
        });
    let window = window_in(reported, &ctx.zone);
    if check_moved && from.is_some_and(|c| cursor_moved(c, &page.rows)) {
        tracing::info!(
            workspace = workspace_id,
            chunk = at.chunk,
            "report rows moved during the stop; walking the chunk again"
        );
        let restart = ReportPosition::chunk_start(at.chunk);
        return Ok(Fetched {
            position: Some(restart),
            moved: Some(window),
            ..Fetched::page(PageData::Entries(Vec::new()), Some(i64::from(at.chunk)))
        });
    }
    let mut last_at = None;
    let mut reached_stored = false;
    if let Some(since) = changed_since {
        let Some(order) = latest_first(&page.rows, at.last_at) else {
            tracing::info!(
                workspace = workspace_id,
                "report rows not in last-update order; walking the whole range"
            );
            return Ok(Fetched::changes_unknown());
        };
        last_at = order.last_at.or(at.last_at);
        reached_stored = order.oldest_secs.is_some_and(|t| t < since);
    }
    let data = PageData::Entries(report_entries(workspace_id, &page.rows));
    let (position, sweep) = match page.next {
        Some(n) if !reached_stored => (
            Some(ReportPosition {
                chunk: at.chunk,
                row: Some(n.row_number),
                id: n.id,
                timestamp: n.timestamp,
                last_at,
            }),
            None,
        ),
        _ => {
            let next_chunk = at.chunk + 1;
            let more = (next_chunk as usize) < chunks.len();
            (
                more.then(|| ReportPosition::chunk_start(next_chunk)),
                changed_since.is_none().then_some(window),
            )
        }
    };
    Ok(Fetched {
        window: sweep,
        position,
        ..Fetched::page(data, position.map(|p| i64::from(p.chunk)))
    })
}

/// A page read latest changes first, when it is in that order.
struct LatestFirst {
    /// The last row's update (unix milliseconds).
    last_at: Option<i64>,
    /// The oldest update on the page (unix seconds, rounded down).
    oldest_secs: Option<i64>,
}

/// Checks that every entry names its last update and that none is later than the one
/// before it (`before`: the previous page's last, in unix milliseconds); `None` when not.
fn latest_first(rows: &[ReportRow], before: Option<i64>) -> Option<LatestFirst> {
    let mut previous = before;
    let mut oldest_secs = None;
    for t in rows.iter().flat_map(|r| &r.time_entries) {
        let at = t.at?;
        let millis = at.timestamp_millis();
        if previous.is_some_and(|p| millis > p) {
            return None;
        }
        previous = Some(millis);
        oldest_secs = Some(at.timestamp());
    }
    Some(LatestFirst {
        last_at: previous.filter(|_| !rows.is_empty()),
        oldest_secs,
    })
}

/// One `since` request for the account's own entries changed since then, in every
/// workspace. Changed entries of its own-entry workspaces starting in the range are
/// stored; deleted ones go wherever they are, and so do stored ones whose start moved
/// out of the range. Toggl refusing the `since` (a 400: it serves about three months)
/// or an answer at its cap means the whole range must be walked instead.
async fn own_changes(ctx: &FetchContext<'_>, since: i64) -> AppResult<Fetched> {
    let entries = match ctx.client.my_time_entries_since(ctx.token, since).await {
        Ok(entries) if entries.len() < OWN_ENTRIES_CAP => entries,
        Ok(_) => return Ok(Fetched::changes_unknown()),
        Err(AppError::TogglRefused { status: 400, .. }) => {
            tracing::info!("own entries since the last pull refused; walking the range");
            return Ok(Fetched::changes_unknown());
        }
        Err(e) => return Err(e),
    };
    let window = window_in(ctx.range, &ctx.zone);
    let inside = |e: &TimeEntry| {
        e.start
            .is_some_and(|s| (window.0..window.1).contains(&s.timestamp()))
    };
    let ours = |e: &TimeEntry| {
        e.workspace_id
            .is_some_and(|w| ctx.workspaces.iter().any(|x| x.id == w))
    };
    let mut removed = Removed {
        window,
        ..Removed::default()
    };
    let mut rows = Vec::new();
    for e in &entries {
        if e.server_deleted_at.is_some() {
            removed.deleted.push(e.id);
        } else if !inside(e) {
            if ours(e) {
                removed.moved_out.push(e.id);
            }
        } else if e
            .workspace_id
            .is_some_and(|w| ctx.own_workspaces.contains(&w))
        {
            rows.extend(own_entry(e, ctx.own_user_id, ctx.own_user_name));
        }
    }
    Ok(Fetched {
        removed: Some(removed),
        ..Fetched::page(PageData::Entries(rows), None)
    })
}

/// Whether a resumed page does not start at the row its cursor named: by the entry id
/// Toggl named as next (`X-Next-ID`) and by the row number. When Toggl gives neither,
/// nothing proves the rows stayed, so they count as moved.
fn cursor_moved(cursor: ReportCursor, rows: &[ReportRow]) -> bool {
    let Some(first) = rows.first() else {
        return true;
    };
    let first_id = first.time_entries.first().map(|t| t.id);
    let by_id = cursor.id.map(|id| first_id != Some(id));
    let by_row = first.row_number.map(|n| n != cursor.row_number);
    match (by_id, by_row) {
        (None, None) => true,
        (a, b) => a.unwrap_or(false) || b.unwrap_or(false),
    }
}

/// One window of the account's own entries. A window that comes back at Toggl's cap
/// may be missing entries, so it is halved and asked again (down to one day). A start
/// Toggl no longer serves moves to the earliest it serves, with a notice.
async fn own_entries(
    ctx: &FetchContext<'_>,
    workspace_id: i64,
    cursor: Option<i64>,
) -> AppResult<Fetched> {
    let single = [workspace_id];
    let workspaces = ctx.own_scope(workspace_id, &single);
    let (range_start, end) = window_in(ctx.range, &ctx.zone);
    let asked = cursor.unwrap_or(range_start);
    let mut from = ctx.known_own_earliest().map_or(asked, |e| asked.max(e));
    let mut length = i64::from(ctx.options.own_entries_window_days.max(1)) * DAY;
    loop {
        let notice = (from > asked).then(|| lookback_notice(ctx, workspace_id, asked, from));
        if from >= end {
            return Ok(Fetched {
                notice,
                ..Fetched::page(PageData::Entries(Vec::new()), None)
            });
        }
        let to = (from + length).min(end);
        let entries = match ctx
            .client
            .my_time_entries(ctx.token, utc(from), utc(to))
            .await
        {
            Ok(entries) => entries,
            Err(e) => match lookback_edge(ctx, &e) {
                Some(edge) if edge > from => {
                    ctx.own_earliest.store(edge, Ordering::Relaxed);
                    from = edge;
                    continue;
                }
                _ => return Err(e),
            },
        };
        if entries.len() >= OWN_ENTRIES_CAP && to - from > DAY {
            length = ((to - from) / 2).max(DAY);
            continue;
        }
        let rows = entries
            .iter()
            .filter(|e| e.server_deleted_at.is_none())
            .filter(|e| e.workspace_id.is_some_and(|w| workspaces.contains(&w)))
            .filter_map(|e| own_entry(e, ctx.own_user_id, ctx.own_user_name))
            .collect();
        return Ok(Fetched {
            window: Some((from, to)),
            notice,
            ..Fetched::page(PageData::Entries(rows), (to < end).then_some(to))
        });
    }
}

/// The first instant `/me/time_entries` serves, from its lookback 400: Toggl's date when
/// it names one, else [`PullOptions::own_entries_lookback_days`] back from today. Which
/// time zone Toggl reads that date in is unconfirmed, so the later of the user's and
/// UTC midnight is taken: either reading accepts it.
fn lookback_edge(ctx: &FetchContext<'_>, error: &AppError) -> Option<i64> {
    let day = own_entries_earliest_date(error).or_else(|| match error {
        AppError::TogglRefused {
            status: 400,
            toggl_says: Some(text),
            ..
        } if text.to_ascii_lowercase().contains("earlier than") => Some(own_entries_from(
            Utc::now().date_naive(),
            ctx.options.own_entries_lookback_days,
        )),
        _ => None,
    })?;
    Some(midnight(day).max(zone_midnight(&ctx.zone, day)))
}

fn lookback_notice(ctx: &FetchContext<'_>, workspace_id: i64, from: i64, edge: i64) -> PullNotice {
    let zone_day = |ts: i64| {
        jiff::Timestamp::from_second(ts)
            .ok()
            .map(|t| t.to_zoned(ctx.zone.clone()).date())
            .and_then(|d| {
                chrono::NaiveDate::from_ymd_opt(
                    i32::from(d.year()),
                    d.month() as u32,
                    d.day() as u32,
                )
            })
            .unwrap_or(ctx.range.start_date)
    };
    let first_served = zone_day(edge);
    let missed = PullRange {
        start_date: zone_day(from),
        end_date: (first_served - chrono::Duration::days(1)).max(zone_day(from)),
    };
    let single = [workspace_id];
    let names: Vec<String> = ctx
        .own_scope(workspace_id, &single)
        .iter()
        .map(|w| ctx.workspace_name(*w))
        .collect();
    PullNotice {
        kind: NoticeKind::OwnEntriesLookback,
        workspace_id: (workspace_id != super::plan::ALL_WORKSPACES).then_some(workspace_id),
        not_reached: Some(missed),
        message: format!(
            "Toggl serves your own time entries only from {first_served} on, so your entries \
             in {} from {} to {} were not pulled (entries stored by earlier pulls are kept). \
             Toggl's detailed report has older entries for workspaces you are an Admin of.",
            names.join(", "),
            missed.start_date,
            missed.end_date
        ),
    }
}

fn utc(ts: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(ts, 0).single().unwrap_or_default()
}

fn iso(t: &DateTime<chrono::FixedOffset>) -> String {
    t.with_timezone(&Utc)
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Report rows carry the user's offset; stored times are UTC seconds. The duration is
/// stop − start: the report's `seconds` follow the user's rounding preference, and the
/// admin's report and the own-entries figures must agree.
pub fn report_entries(workspace_id: i64, rows: &[ReportRow]) -> Vec<EntryRecord> {
    rows.iter()
        .flat_map(|row| {
            let single = row.time_entries.len() == 1;
            row.time_entries.iter().filter_map(move |t| {
                let start = t.start?.timestamp();
                let stop = t.stop.map(|s| s.timestamp());
                Some(EntryRecord {
                    id: t.id,
                    workspace_id,
                    project_id: row.project_id,
                    task_id: row.task_id,
                    user_id: row.user_id,
                    user_name: row.username.clone(),
                    description: row.description.clone(),
                    start,
                    stop,
                    duration: stop.map(|stop| stop - start),
                    billable: row.billable,
                    tag_ids: row.tag_ids.clone().unwrap_or_default(),
                    at: t.at.as_ref().map(iso),
                    money: report_money(row, single, stop.and(t.seconds)),
                })
            })
        })
        .collect()
}

/// The money of one entry of a report row. The row's amount is the entry's own when the
/// row holds one entry (Toggl's default, ungrouped report); a grouped row's amount is
/// shared out by the rate instead. `None` when Toggl gave neither amount nor rate.
fn report_money(row: &ReportRow, single: bool, seconds: Option<i64>) -> Option<Money> {
    if row.billable_amount_in_cents.is_none() && row.hourly_rate_in_cents.is_none() {
        return None;
    }
    let amount_cents = if single {
        row.billable_amount_in_cents
    } else {
        row.hourly_rate_in_cents
            .zip(seconds)
            .filter(|_| row.billable == Some(true))
            .map(|(rate, secs)| (rate.saturating_mul(secs) + 1_800) / 3_600)
    };
    Some(Money {
        amount_cents,
        hourly_rate_cents: row.hourly_rate_in_cents,
        currency: row.currency.clone(),
    })
}

/// A v9 entry; a running one (negative duration) is stored without stop or duration.
pub fn own_entry(e: &TimeEntry, own_user_id: i64, own_user_name: &str) -> Option<EntryRecord> {
    Some(EntryRecord {
        id: e.id,
        workspace_id: e.workspace_id?,
        project_id: e.project_id,
        task_id: e.task_id,
        user_id: e.user_id.or(Some(own_user_id)),
        user_name: Some(own_user_name.to_string()),
        description: e.description.clone(),
        start: e.start?.timestamp(),
        stop: e.stop.map(|s| s.timestamp()),
        duration: e.duration.filter(|d| *d >= 0 && e.stop.is_some()),
        billable: e.billable,
        tag_ids: e.tag_ids.clone().unwrap_or_default(),
        at: e.at.as_ref().map(iso),
        money: None,
    })
}

/// Projects of a workspace page; one without a workspace id belongs to the page's.
pub fn projects(workspace_id: i64, rows: &[Project]) -> Vec<ProjectRecord> {
    rows.iter()
        .map(|p| ProjectRecord {
            id: p.id,
            workspace_id: p.workspace_id.unwrap_or(workspace_id),
            client_id: p.client_id,
            name: p.name.clone(),
            active: p.active.unwrap_or(true),
            color: p.color.clone(),
            billable: p.billable,
            rate_cents: p.rate_cents(),
            currency: p.currency.clone(),
        })
        .collect()
}

pub fn clients(workspace_id: i64, rows: &[Client]) -> Vec<ClientRecord> {
    rows.iter()
        .map(|c| ClientRecord {
            id: c.id,
            workspace_id: c.wid.unwrap_or(workspace_id),
            name: c.name.clone(),
            archived: c.archived.unwrap_or(false),
        })
        .collect()
}

/// Tags of a page without the deleted ones (Toggl may list them with `deleted_at`).
pub fn live_tags(workspace_id: i64, rows: &[Tag]) -> Vec<TagRecord> {
    rows.iter()
        .filter(|t| t.deleted_at.is_none())
        .map(|t| TagRecord {
            id: t.id,
            workspace_id: t.workspace_id.unwrap_or(workspace_id),
            name: t.name.clone(),
        })
        .collect()
}

pub fn members(rows: &[WorkspaceMember]) -> Vec<MemberRecord> {
    rows.iter()
        .map(|m| MemberRecord {
            user_id: m.id,
            name: m.fullname.clone(),
            email: m.email.clone(),
            role: m.role.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deleted_tags_are_dropped_and_missing_workspace_ids_filled_in() {
        let tag = |id, deleted: Option<&str>| Tag {
            id,
            workspace_id: None,
            name: format!("t{id}"),
            at: None,
            creator_id: None,
            deleted_at: deleted.map(str::to_string),
        };
        assert_eq!(
            live_tags(9, &[tag(1, None), tag(2, Some("2025-01-01T00:00:00Z"))]),
            vec![TagRecord {
                id: 1,
                workspace_id: 9,
                name: "t1".into()
            }]
        );
    }
}
