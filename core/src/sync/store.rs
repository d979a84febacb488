//! Writing one fetched page: its rows, the stage's next cursor, the sweep of rows the
//! completed pass did not see, and the pull's counters, all in ONE transaction. A crash
//! or cancel therefore leaves either the whole page with its cursor or neither, and
//! the next pull resumes right after the last committed page.

use super::fetch::PageData;
use super::model::StageKind;
use crate::db::metadata::{self, MetaTable};
use crate::db::time_entries::{self, SweepScope};
use crate::db::{pulls, Db};
use crate::error::AppResult;

/// Everything one page commit writes.
pub struct PageCommit<'a> {
    pub connection_id: i64,
    pub pull_id: i64,
    pub workspace_id: i64,
    pub kind: StageKind,
    pub data: &'a PageData,
    /// Cursor of the next page; `None` completes the stage.
    pub next: Option<i64>,
    /// Requests spent on this page (retries and refused tries included).
    pub requests: u64,
    /// Entries of this scope not seen by the pull are deleted.
    pub sweep_entries: Option<SweepScope<'a>>,
    /// This metadata table's rows of the workspace not seen by the pull are deleted.
    pub sweep_meta: Option<MetaTable>,
    /// Set when this page completes the workspace's metadata: the time to record.
    pub metadata_complete_at: Option<&'a str>,
    /// The stage's full cursor after this page, for stages that keep one (reports).
    pub cursor_detail: Option<Option<&'a str>>,
    /// The pull's notices (JSON) when this page added one.
    pub notices: Option<&'a str>,
}

/// What a commit changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Committed {
    pub entries_stored: u64,
    pub entries_deleted: u64,
}

/// Commits one page (see the module comment). The benchmark ingests through this too.
pub fn commit_page(db: &Db, page: &PageCommit<'_>) -> AppResult<Committed> {
    db.transaction(|tx| {
        let (c, w, p) = (page.connection_id, page.workspace_id, page.pull_id);
        let mut outcome = Committed::default();
        match page.data {
            PageData::Entries(rows) => {
                outcome.entries_stored = time_entries::upsert(tx, c, p, rows)? as u64
            }
            PageData::Projects(rows) => {
                metadata::upsert_projects(tx, c, p, rows)?;
            }
            PageData::Clients(rows) => {
                metadata::upsert_clients(tx, c, p, rows)?;
            }
            PageData::Tags(rows) => {
                metadata::upsert_tags(tx, c, p, rows)?;
            }
            PageData::Members(rows) => {
                metadata::upsert_members(tx, c, w, p, rows)?;
            }
        }
        if let Some(scope) = &page.sweep_entries {
            outcome.entries_deleted = time_entries::sweep(tx, c, p, scope)? as u64;
        }
        if let Some(table) = page.sweep_meta {
            metadata::sweep(tx, table, c, w, p)?;
        }
        if let Some(at) = page.metadata_complete_at {
            metadata::set_metadata_pulled_at(tx, c, w, at)?;
        }
        pulls::advance_stage(
            tx,
            p,
            w,
            page.kind.as_str(),
            page.next,
            page.data.len() as i64,
        )?;
        if let Some(detail) = page.cursor_detail {
            pulls::set_cursor_detail(tx, p, w, page.kind.as_str(), detail)?;
        }
        if let Some(notices) = page.notices {
            pulls::set_notices(tx, p, notices)?;
        }
        pulls::add_counts(
            tx,
            p,
            page.requests as i64,
            1,
            outcome.entries_stored as i64,
            outcome.entries_deleted as i64,
        )?;
        Ok(outcome)
    })
}

/// Starts a report chunk over in one transaction: this pull's marks on the chunk's
/// entries are cleared (so the new walk's sweep removes what Toggl dropped meanwhile),
/// the stage's cursor goes back to the chunk's start and the spent requests are counted.
pub fn restart_chunk(
    db: &Db,
    connection_id: i64,
    pull_id: i64,
    workspace_id: i64,
    scope: &SweepScope<'_>,
    cursor_detail: Option<&str>,
    requests: u64,
) -> AppResult<()> {
    db.transaction(|tx| {
        time_entries::unsee(tx, connection_id, pull_id, scope)?;
        let stage = StageKind::ReportEntries.as_str();
        pulls::set_cursor_detail(tx, pull_id, workspace_id, stage, cursor_detail)?;
        pulls::add_counts(tx, pull_id, requests as i64, 0, 0, 0)
    })
}
