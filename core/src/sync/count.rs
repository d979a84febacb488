//! Counting a first pull on Toggl, when the user asks for it. Toggl names no entry
//! count anywhere (the report totals give seconds and amounts, not entries), so the
//! count is the pull's own first report page of each workspace it reads everyone's
//! entries of, at the large page size: a page without `X-Next-*` holds the whole range
//! (exact); otherwise the entries are extrapolated from how far into the range the
//! page's last row reaches.
//!
//! No request is wasted: the pages are kept (see [`FirstPages`]) and the pull's first
//! fetch of each such stage takes its page instead of asking again. Only for a short
//! while ([`COUNT_LIFETIME`]): entries added on Toggl after the count and before the
//! pull would otherwise be missed until the next pull.

use super::model::{user_zone, window_in, PullRange, PullRequest, StageKind};
use super::page_sizes::PageSizes;
use super::plan::{plan, report_chunks};
use crate::error::{AppError, AppResult};
use crate::toggl::models::ReportQuery;
use crate::toggl::{ReportPage, TogglClient};
use crate::token::ApiToken;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// How long a count's pages stand in for the pull's first pages.
pub const COUNT_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// One workspace's count.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct WorkspaceCount {
    pub workspace_id: i64,
    /// Entries in the range: exactly when `exact`, else extrapolated.
    pub entries: u64,
    pub exact: bool,
    /// Report requests the pull still sends for the workspace: the counted page is one
    /// it does not send again.
    pub requests_left: u64,
}

/// A count of one connection's range: what each workspace holds, and the pages it cost.
pub struct Count {
    pub range: PullRange,
    pub workspaces: Vec<WorkspaceCount>,
    counted_at: Instant,
    pages: FirstPages,
}

impl Count {
    /// Whether the count still stands for `range`.
    pub fn stands_for(&self, range: PullRange) -> bool {
        self.range == range && self.counted_at.elapsed() < COUNT_LIFETIME
    }

    pub fn of(&self, workspace_id: i64) -> Option<&WorkspaceCount> {
        self.workspaces
            .iter()
            .find(|w| w.workspace_id == workspace_id)
    }

    /// The pages, for the pull that uses them.
    pub fn into_pages(self) -> FirstPages {
        self.pages
    }
}

/// First pages of report chunks fetched ahead of a pull, by workspace and the chunk's
/// dates; each is handed out once.
#[derive(Debug, Default)]
pub struct FirstPages(Mutex<HashMap<(i64, NaiveDate, NaiveDate), ReportPage>>);

impl FirstPages {
    fn pages(&self) -> std::sync::MutexGuard<'_, HashMap<(i64, NaiveDate, NaiveDate), ReportPage>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn keep(&self, workspace_id: i64, chunk: PullRange, page: ReportPage) {
        self.pages()
            .insert((workspace_id, chunk.start_date, chunk.end_date), page);
    }

    /// The page fetched ahead for the first page of `chunk`, if one was.
    pub fn take(&self, workspace_id: i64, chunk: PullRange) -> Option<ReportPage> {
        self.pages()
            .remove(&(workspace_id, chunk.start_date, chunk.end_date))
    }
}

/// Counts `request`'s range: one request per workspace whose report the pull reads.
/// A workspace whose report Toggl refuses (a plan without it, lost access) is left
/// out: the pull finds out itself. Other failures (quota, token) stop the count.
pub async fn count(
    client: &TogglClient,
    token: &ApiToken,
    request: &PullRequest,
    page_sizes: &PageSizes<'_>,
) -> AppResult<Count> {
    let chunks = report_chunks(request.range, request.options.report_chunk_days);
    let zone = user_zone(request.access.user.timezone.as_deref());
    let pages = FirstPages::default();
    let mut workspaces = Vec::new();
    let Some(first) = chunks.first().copied() else {
        return Err(AppError::range_reversed());
    };
    let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    for stage in plan(&request.access) {
        if stage.kind != StageKind::ReportEntries {
            continue;
        }
        let w = stage.workspace_id;
        let mut query = ReportQuery::between(day(first.start_date), day(first.end_date));
        query.page_size = Some(page_sizes.ask(w));
        let page = match client.detailed_report_window(token, w, &query, None).await {
            Ok(page) => page,
            Err(
                AppError::PaidFeatureRequired
                | AppError::AccessChanged { .. }
                | AppError::TogglRefused { .. },
            ) => continue,
            Err(e) => return Err(e),
        };
        page_sizes.learn(w, &page)?;
        let size = page.page_size.or(query.page_size).unwrap_or(1).max(1);
        let counted = extrapolate(
            &page,
            window_in(first, &zone),
            window_in(request.range, &zone).1,
            chrono::Utc::now().timestamp(),
        );
        workspaces.push(WorkspaceCount {
            workspace_id: w,
            entries: counted.entries(),
            exact: counted.exact,
            requests_left: requests_left(counted, size, chunks.len()),
        });
        pages.keep(w, first, page);
    }
    Ok(Count {
        range: request.range,
        workspaces,
        counted_at: Instant::now(),
        pages,
    })
}

/// Entries of a range as its first page shows them: those of the first chunk (the
/// page's query) and those of the chunks after it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Extrapolated {
    first_chunk: f64,
    later_chunks: f64,
    exact: bool,
}

impl Extrapolated {
    fn entries(&self) -> u64 {
        (self.first_chunk + self.later_chunks).round() as u64
    }
}

/// The range's entries from its first page. `chunk`: the first chunk's window;
/// `range_end`: the end of the whole range. Entries do not start in the future, so
/// the span extrapolated over ends at `now` at the latest. The rate is the page's own:
/// its entries between its first and its last start.
fn extrapolate(page: &ReportPage, chunk: (i64, i64), range_end: i64, now: i64) -> Extrapolated {
    let n = page.entries() as f64;
    let starts = page
        .rows
        .iter()
        .flat_map(|r| r.time_entries.iter().filter_map(|t| t.start))
        .map(|t| t.timestamp());
    let (first, last) = starts.fold((i64::MAX, i64::MIN), |(lo, hi), t| (lo.min(t), hi.max(t)));
    let later_span = (range_end.min(now) - chunk.1).max(0);
    if first > last {
        return Extrapolated {
            first_chunk: 0.0,
            later_chunks: 0.0,
            exact: page.next.is_none() && later_span == 0,
        };
    }
    let chunk_end = chunk.1.min(now).max(last + 1);
    let first_chunk = match page.next {
        None => n,
        Some(_) => n + (n - 1.0) / (last - first).max(1) as f64 * (chunk_end - last) as f64,
    };
    let later_chunks =
        first_chunk / (chunk_end - first.max(chunk.0)).max(1) as f64 * later_span as f64;
    Extrapolated {
        first_chunk,
        later_chunks,
        exact: page.next.is_none() && later_span == 0,
    }
}

/// Report requests after the counted page: the rest of the first chunk's pages, and
/// the later chunks' pages (each chunk at least one request).
fn requests_left(counted: Extrapolated, page_size: u32, chunks: usize) -> u64 {
    let pages = |entries: f64| (entries / f64::from(page_size.max(1))).ceil() as u64;
    let later = if chunks > 1 {
        pages(counted.later_chunks).max(chunks as u64 - 1)
    } else {
        0
    };
    pages(counted.first_chunk).max(1) - 1 + later
}

#[cfg(test)]
mod tests;
