//! Commands of the data page: pull from Toggl (progress as `pull-progress` events,
//! Cancel), and the offline review read from SQLite (totals, paged entries, filter
//! choices, CSV export), plus the export of shared connection definitions.

use crate::commands::{blocking, recorded, Cmd};
use crate::state::AppState;
use blink_core::connections::definitions::export_connection_definitions;
use blink_core::review::{self, EntriesPage, Filter, FilterOptions, PageRequest, Totals};
use blink_core::sync::{
    self, PullOptions, PullRange, PullReport, PullRequest, PullStatus, PullSummary,
};
use blink_core::{AppError, AppResult};
use chrono::{NaiveDate, Utc};
use serde::Serialize;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use tauri::{AppHandle, Emitter, State};

/// Pulls the connection's data for the range, resuming an unfinished pull of the same
/// range. A stop for the hourly quota or a cancel is returned as its error (with the
/// reset time), after the pages already fetched were kept.
#[tauri::command]
pub async fn start_pull(
    app: AppHandle,
    state: State<'_, AppState>,
    id: i64,
    start_date: NaiveDate,
    end_date: NaiveDate,
) -> Cmd<PullReport> {
    let result = run_pull(&app, &state, id, start_date, end_date).await;
    recorded(&state, result)
}

async fn run_pull(
    app: &AppHandle,
    state: &AppState,
    id: i64,
    start_date: NaiveDate,
    end_date: NaiveDate,
) -> AppResult<PullReport> {
    let range = PullRange::new(start_date, end_date)?;
    let (token, access) = blocking(state, &state.connections, move |s| {
        Ok((s.token(id)?, s.get(id)?.access))
    })
    .await?;
    let request = PullRequest {
        connection_id: id,
        access,
        range,
        options: PullOptions::default(),
    };
    let cancel = state.pulls.start(id)?;
    let emit = |progress: &sync::Progress| {
        let _ = app.emit("pull-progress", progress);
    };
    let report = sync::pull(&state.db, &state.toggl, &token, &request, &emit, &cancel).await;
    state.pulls.finish(id, &cancel);
    let report = report?;
    match report.status {
        PullStatus::StoppedQuota => Err(AppError::QuotaExhausted {
            resets_in_secs: report
                .quota_resets_at
                .map(|at| (at - Utc::now()).num_seconds().max(0) as u64)
                .unwrap_or(3600),
        }),
        PullStatus::Cancelled => Err(AppError::Cancelled),
        _ => Ok(report),
    }
}

#[tauri::command]
pub fn cancel_pull(state: State<'_, AppState>, id: i64) {
    state.pulls.cancel(id);
}

#[tauri::command]
pub async fn last_pull(state: State<'_, AppState>, id: i64) -> Cmd<Option<PullSummary>> {
    blocking(&state, &state.db, move |db| sync::last_pull(db, id)).await
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

#[derive(Serialize)]
pub struct Exported {
    path: String,
    rows: u64,
}

/// Writes the filtered entries to `exports/` in the data folder.
#[tauri::command]
pub async fn export_csv(state: State<'_, AppState>, id: i64, filter: Filter) -> Cmd<Exported> {
    let path = recorded(
        &state,
        export_path(&state, &format!("time-entries-{id}"), "csv"),
    )?;
    blocking(&state, &state.db, move |db| {
        let rows = write_whole_file(&path, |out| review::export_csv(db, id, &filter, out))?;
        Ok(Exported {
            path: path.display().to_string(),
            rows,
        })
    })
    .await
}

#[derive(Serialize)]
pub struct ExportedDefinitions {
    path: String,
    count: usize,
}

/// Connections shared with the workspace or a team (never Private to Me, never tokens).
#[tauri::command]
pub async fn export_definitions(state: State<'_, AppState>) -> Cmd<ExportedDefinitions> {
    let path = recorded(&state, export_path(&state, "shared-connections", "json"))?;
    blocking(&state, &state.db, move |db| {
        let count = write_whole_file(&path, |out| export_connection_definitions(db, out))?;
        Ok(ExportedDefinitions {
            path: path.display().to_string(),
            count,
        })
    })
    .await
}

fn export_path(state: &AppState, stem: &str, extension: &str) -> AppResult<PathBuf> {
    let dir = state.config.data_dir.join("exports");
    std::fs::create_dir_all(&dir)?;
    let stamp = Utc::now().format("%Y%m%d-%H%M%S%.3f");
    Ok(dir.join(format!("{stem}-{stamp}.{extension}")))
}

/// Writes `path` through a `.part` file renamed on success, so a failed export leaves
/// no half-written file behind.
fn write_whole_file<T>(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> AppResult<T>,
) -> AppResult<T> {
    let part = path.with_extension("part");
    let result = (|| {
        let mut out = BufWriter::new(File::create(&part)?);
        let value = write(&mut out)?;
        out.flush()?;
        drop(out);
        std::fs::rename(&part, path)?;
        Ok(value)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&part);
    }
    result
}
