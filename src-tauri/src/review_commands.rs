//! Commands of the review across connections: totals, periods, the paged entries, the
//! filter choices, saved views and the CSV/Excel export, each over the filter's set of
//! connections (all when it names none). Each maps its arguments and makes one call
//! into core; the per-connection review keeps its own commands in `data_commands`.

use crate::invoke::{blocking, Cmd};
use crate::state::AppState;
use blink_core::exports::{self, Exported, ReviewFormat};
use blink_core::review::{
    self, EntriesPage, Filter, FilterOptions, PageRequest, PeriodRequest, PeriodTotal, SavedView,
    Totals, WeekStart,
};
use tauri::State;

#[tauri::command]
pub async fn across_options(state: State<'_, AppState>, filter: Filter) -> Cmd<FilterOptions> {
    blocking(&state, &state.db, move |db| {
        review::review_filter_options(db, &filter)
    })
    .await
}

#[tauri::command]
pub async fn across_totals(state: State<'_, AppState>, filter: Filter) -> Cmd<Totals> {
    blocking(&state, &state.db, move |db| {
        review::review_totals(db, &filter)
    })
    .await
}

/// Hours per day, week or month, each beside the period before it.
#[tauri::command]
pub async fn across_periods(
    state: State<'_, AppState>,
    filter: Filter,
    request: PeriodRequest,
) -> Cmd<Vec<PeriodTotal>> {
    blocking(&state, &state.db, move |db| {
        review::review_periods(db, &filter, &request)
    })
    .await
}

/// The day the filter's weeks start on, from its connections' Toggl users.
#[tauri::command]
pub async fn across_week_start(state: State<'_, AppState>, filter: Filter) -> Cmd<WeekStart> {
    blocking(&state, &state.db, move |db| review::week_start(db, &filter)).await
}

#[tauri::command]
pub async fn across_entries(
    state: State<'_, AppState>,
    filter: Filter,
    page: u64,
    page_size: u32,
) -> Cmd<EntriesPage> {
    let request = PageRequest::numbered(page, page_size);
    blocking(&state, &state.db, move |db| {
        review::review_page(db, &filter, &request)
    })
    .await
}

/// Writes the review's entries (CSV) or workbook (Excel) to `exports/`.
#[tauri::command]
pub async fn export_review(
    state: State<'_, AppState>,
    filter: Filter,
    request: PeriodRequest,
    format: ReviewFormat,
) -> Cmd<Exported> {
    let data_dir = state.config.data_dir.clone();
    blocking(&state, &state.db, move |db| {
        exports::export_review(db, &data_dir, &filter, &request, format)
    })
    .await
}

#[tauri::command]
pub async fn list_views(state: State<'_, AppState>) -> Cmd<Vec<SavedView>> {
    blocking(&state, &state.db, review::list_views).await
}

/// Saves the filter under the name; the same name (any case) replaces that view.
#[tauri::command]
pub async fn save_view(state: State<'_, AppState>, name: String, filter: Filter) -> Cmd<SavedView> {
    blocking(&state, &state.db, move |db| {
        review::save_view(db, &name, &filter)
    })
    .await
}

/// Renames a view, keeping its filter; another view's name is refused.
#[tauri::command]
pub async fn rename_view(state: State<'_, AppState>, id: i64, name: String) -> Cmd<SavedView> {
    blocking(&state, &state.db, move |db| {
        review::rename_view(db, id, &name)
    })
    .await
}

#[tauri::command]
pub async fn delete_view(state: State<'_, AppState>, id: i64) -> Cmd<()> {
    blocking(&state, &state.db, move |db| review::delete_view(db, id)).await
}
