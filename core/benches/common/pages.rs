//! Storing pulled pages the way a pull does, for the benchmarks that time the store.

use blink_core::db::time_entries::SweepScope;
use blink_core::db::Db;
use blink_core::sync::fetch::PageData;
use blink_core::sync::store::{commit_page, PageCommit};
use blink_core::sync::StageKind;

/// Where a benchmark's pull stores its report pages.
#[derive(Clone, Copy)]
pub struct ReportStage {
    pub connection_id: i64,
    pub pull_id: i64,
    pub workspace_id: i64,
}

/// Commits one page of report entries through the pull's own commit path (its cursor,
/// one request, no metadata), sweeping `sweep` when the page finishes its window.
pub fn commit_report_page(
    db: &Db,
    stage: ReportStage,
    data: &PageData,
    next: Option<i64>,
    sweep: Option<SweepScope<'_>>,
) {
    commit_page(
        db,
        &PageCommit {
            connection_id: stage.connection_id,
            pull_id: stage.pull_id,
            workspace_id: stage.workspace_id,
            kind: StageKind::ReportEntries,
            data,
            next,
            requests: 1,
            sweep_entries: sweep,
            sweep_meta: None,
            metadata_complete_at: None,
            cursor_detail: None,
            notices: None,
        },
    )
    .unwrap();
}
