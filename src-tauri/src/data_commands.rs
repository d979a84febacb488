//! Commands of the data page: pull from Toggl (progress as `pull-progress` events,
//! Cancel), the facts the page starts from, and the offline review read from SQLite
//! (totals, paged entries, filter choices, CSV export), plus the export of shared
//! connection definitions. Each maps its arguments and makes one call into core.

use crate::invoke::{blocking, recorded, Cmd};
use crate::state::AppState;
use blink_core::exports::{self, Exported};
use blink_core::review::{self, EntriesPage, Filter, FilterOptions, PageRequest, Totals};
use blink_core::sync::{Progress, PullFacts, PullOutcome, ResumeFacts};
use std::sync::Arc;
use tauri::{AppHandle, Emitter, State};

/// Pulls the connection's data for the range, resuming an unfinished pull of the same
/// range. A stop for Toggl's limits or a cancel is an outcome, not an error. `full`:
/// the page's "Full re-pull", which walks the whole range instead of asking only for
/// what changed since the last pull.
#[tauri::command]
pub async fn start_pull(
    app: AppHandle,
    state: State<'_, AppState>,
    id: i64,
    start_date: String,
    end_date: String,
    full: Option<bool>,
) -> Cmd<PullOutcome> {
    let progress = Arc::new(move |p: &Progress| {
        let _ = app.emit("pull-progress", p);
    });
    let outcome = state
        .pulls
        .start(id, &start_date, &end_date, full.unwrap_or(false), progress)
        .await;
    recorded(&state, outcome)
}

#[tauri::command]
pub fn cancel_pull(state: State<'_, AppState>, id: i64) {
    state.pulls.cancel(id);
}

/// The range to offer, the last pull, and whether pulling resumes it or must wait.
#[tauri::command]
pub async fn pull_facts(state: State<'_, AppState>, id: i64) -> Cmd<PullFacts> {
    blocking(&state, &state.pulls, move |pulls| pulls.facts(id)).await
}

/// What pulling the range would cost on Toggl's quota (as a full re-pull with `full`),
/// and whether a pull stopped by the quota goes on by itself (when) or waits for the
/// user to resume it.
#[tauri::command]
pub async fn pull_plan(
    state: State<'_, AppState>,
    id: i64,
    start_date: String,
    end_date: String,
    full: Option<bool>,
) -> Cmd<ResumeFacts> {
    blocking(&state, &state.pulls, move |pulls| {
        pulls.resume_facts(id, &start_date, &end_date, full.unwrap_or(false))
    })
    .await
}

/// Has Toggl count the range: one report request per workspace whose entries the pull
/// reads (the pull's own first pages, which it then reuses); returns the plan with the
/// counted estimate. Only on the user's request: showing the plan never asks Toggl.
#[tauri::command]
pub async fn count_on_toggl(
    state: State<'_, AppState>,
    id: i64,
    start_date: String,
    end_date: String,
) -> Cmd<ResumeFacts> {
    let counted = state.pulls.count_on_toggl(id, &start_date, &end_date).await;
    recorded(&state, counted)
}

#[tauri::command]
pub async fn review_options(state: State<'_, AppState>, id: i64) -> Cmd<FilterOptions> {
    blocking(&state, &state.db, move |db| review::filter_options(db, id)).await
}

#[tauri::command]
pub async fn review_totals(state: State<'_, AppState>, id: i64, filter: Filter) -> Cmd<Totals> {
    blocking(&state, &state.db, move |db| review::totals(db, id, &filter)).await
}

#[tauri::command]
pub async fn review_entries(
    state: State<'_, AppState>,
    id: i64,
    filter: Filter,
    page: u64,
    page_size: u32,
) -> Cmd<EntriesPage> {
    let request = PageRequest::numbered(page, page_size);
    blocking(&state, &state.db, move |db| {
        review::entries_page(db, id, &filter, &request)
    })
    .await
}

/// Writes the filtered entries to `exports/` in the data folder.
#[tauri::command]
pub async fn export_csv(state: State<'_, AppState>, id: i64, filter: Filter) -> Cmd<Exported> {
    let data_dir = state.config.data_dir.clone();
    blocking(&state, &state.db, move |db| {
        exports::export_time_entries(db, &data_dir, id, &filter)
    })
    .await
}

/// Connections shared with the workspace or a team (never Private to Me, never tokens).
#[tauri::command]
pub async fn export_definitions(state: State<'_, AppState>) -> Cmd<Exported> {
    let data_dir = state.config.data_dir.clone();
    blocking(&state, &state.db, move |db| {
        exports::export_definitions(db, &data_dir)
    })
    .await
}
