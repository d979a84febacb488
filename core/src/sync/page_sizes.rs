//! The page size a pull asks of each workspace's detailed report, and what it learns
//! from Toggl's answers: a refused large page size is remembered (the next pull asks
//! the default straight away) and so is the size Toggl applied to a full page (what the
//! next estimate divides by). Both are written as soon as they are learned, apart from
//! the page's own commit: they are facts about Toggl, true whether or not the page is
//! stored.

use crate::db::report_page_sizes::{self, ReportPageSize};
use crate::db::Db;
use crate::error::AppResult;
use crate::toggl::endpoints::{REPORT_LARGE_PAGE_SIZE, REPORT_PAGE_SIZE};
use crate::toggl::ReportPage;
use std::collections::HashMap;
use std::sync::Mutex;

/// The size to ask a workspace's report for, by what is remembered of it.
pub fn ask_for(known: Option<&ReportPageSize>) -> u32 {
    match known.and_then(|k| k.refused) {
        Some(_) => REPORT_PAGE_SIZE,
        None => REPORT_LARGE_PAGE_SIZE,
    }
}

/// The rows a full page of a workspace's report is expected to hold: what Toggl served
/// on one, else the size that will be asked.
pub fn expected_rows(known: Option<&ReportPageSize>) -> u32 {
    known
        .and_then(|k| k.served)
        .unwrap_or_else(|| ask_for(known))
        .max(1)
}

/// One connection's remembered sizes for the length of a pull.
pub struct PageSizes<'a> {
    db: &'a Db,
    connection_id: i64,
    known: Mutex<HashMap<i64, ReportPageSize>>,
}

impl<'a> PageSizes<'a> {
    pub fn load(db: &'a Db, connection_id: i64) -> AppResult<Self> {
        let known = db.read(|c| report_page_sizes::all(c, connection_id))?;
        Ok(PageSizes {
            db,
            connection_id,
            known: Mutex::new(known),
        })
    }

    fn known(&self) -> std::sync::MutexGuard<'_, HashMap<i64, ReportPageSize>> {
        self.known.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn ask(&self, workspace_id: i64) -> u32 {
        ask_for(self.known().get(&workspace_id))
    }

    /// Records what `page` showed of the workspace's report, when it is news.
    pub fn learn(&self, workspace_id: i64, page: &ReportPage) -> AppResult<()> {
        let before = self.known().get(&workspace_id).copied().unwrap_or_default();
        let after = ReportPageSize {
            refused: page.refused_page_size.or(before.refused),
            served: page.page_size.or(before.served),
        };
        if after == before {
            return Ok(());
        }
        self.db
            .with(|c| report_page_sizes::remember(c, self.connection_id, workspace_id, after))?;
        self.known().insert(workspace_id, after);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
