//! Thin `#[tauri::command]`s of the connections pages: each maps its arguments, makes
//! one call into core and records a failure's code.

use crate::invoke::{blocking, recorded, Cmd};
use crate::settings::{self, Settings};
use crate::state::AppState;
use blink_core::connections::{
    CheckResult, ConnectionDetail, ConnectionService, ConnectionSummary, NewConnection,
};
use blink_core::db::scope::PulledRows;
use blink_core::domain::Privacy;
use blink_core::ticket::{save_ticket as write_ticket, TicketContext, TicketForm};
use blink_core::{AppError, AppResult};
use serde::Serialize;
use tauri::State;

/// Where the API token is shown in Toggl ("Profile Settings", API Token section).
const TOGGL_PROFILE_URL: &str = "https://track.toggl.com/profile";

async fn with_connections<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce(&ConnectionService) -> AppResult<T> + Send + 'static,
) -> Cmd<T> {
    blocking(state, &state.connections, work).await
}

#[derive(Serialize)]
pub struct AppInfo {
    name: &'static str,
    version: &'static str,
    os: &'static str,
    data_dir: String,
    log_dir: String,
    toggl_url: String,
    startup_notice: Option<AppError>,
}

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo {
        name: "Blink Connections",
        version: env!("CARGO_PKG_VERSION"),
        os: std::env::consts::OS,
        data_dir: state.config.data_dir.display().to_string(),
        log_dir: state.log_dir().display().to_string(),
        toggl_url: state.config.toggl_url.to_string(),
        startup_notice: state.startup_notice.clone(),
    }
}

#[tauri::command]
pub async fn list_connections(state: State<'_, AppState>) -> Cmd<Vec<ConnectionSummary>> {
    with_connections(&state, |s| s.list()).await
}

#[tauri::command]
pub async fn get_connection(state: State<'_, AppState>, id: i64) -> Cmd<ConnectionDetail> {
    with_connections(&state, move |s| s.get(id)).await
}

/// Checks a pasted token with Toggl; a passed check is kept for the following Save or swap.
#[tauri::command]
pub async fn check_token(
    state: State<'_, AppState>,
    token: String,
    check_id: String,
) -> Cmd<CheckResult> {
    let checked = state.checks.check(&state.toggl, &check_id, &token).await;
    recorded(&state, checked)
}

#[tauri::command]
pub fn cancel_check(state: State<'_, AppState>, check_id: String) {
    state.checks.cancel(&check_id);
}

#[tauri::command]
pub async fn create_connection(
    state: State<'_, AppState>,
    check_id: String,
    name: String,
    privacy: Privacy,
    request_id: String,
    workspace_ids: Option<Vec<i64>>,
) -> Cmd<ConnectionSummary> {
    let checks = state.checks.clone();
    let new = NewConnection {
        name,
        privacy,
        request_id,
        workspace_ids,
    };
    with_connections(&state, move |s| checks.save(s, &check_id, new)).await
}

#[tauri::command]
pub async fn rename_connection(
    state: State<'_, AppState>,
    id: i64,
    name: String,
) -> Cmd<ConnectionSummary> {
    with_connections(&state, move |s| s.rename(id, &name)).await
}

#[tauri::command]
pub async fn set_privacy(
    state: State<'_, AppState>,
    id: i64,
    privacy: Privacy,
) -> Cmd<ConnectionSummary> {
    with_connections(&state, move |s| s.set_privacy(id, privacy)).await
}

#[tauri::command]
pub async fn swap_token(
    state: State<'_, AppState>,
    id: i64,
    check_id: String,
    confirm_different_account: bool,
) -> Cmd<ConnectionSummary> {
    let checks = state.checks.clone();
    with_connections(&state, move |s| {
        checks.swap(s, id, &check_id, confirm_different_account)
    })
    .await
}

/// Re-checks a saved connection with its stored token, which never travels to the page.
#[tauri::command]
pub async fn retest_connection(state: State<'_, AppState>, id: i64) -> Cmd<ConnectionSummary> {
    let retested = state.connections.retest(&state.toggl, id).await;
    recorded(&state, retested)
}

/// Adds a qualifying workspace to the connection's scope (its standing re-read from Toggl).
#[tauri::command]
pub async fn add_workspace(
    state: State<'_, AppState>,
    id: i64,
    workspace_id: i64,
) -> Cmd<ConnectionSummary> {
    let added = state
        .connections
        .add_workspace(&state.toggl, id, workspace_id)
        .await;
    recorded(&state, added)
}

/// What removing a workspace deletes, for the confirmation.
#[tauri::command]
pub async fn workspace_rows(
    state: State<'_, AppState>,
    id: i64,
    workspace_id: i64,
) -> Cmd<PulledRows> {
    with_connections(&state, move |s| s.workspace_rows(id, workspace_id)).await
}

/// Takes a workspace out of the connection and deletes its pulled rows; refused while
/// the connection's pull runs (it would write that workspace's rows again).
#[tauri::command]
pub async fn remove_workspace(
    state: State<'_, AppState>,
    id: i64,
    workspace_id: i64,
) -> Cmd<PulledRows> {
    let removed = state.pulls.remove_workspace(id, workspace_id).await;
    recorded(&state, removed)
}

/// The only path by which a token leaves the credential store towards the page: the
/// user pressed Reveal.
#[tauri::command]
pub async fn reveal_token(state: State<'_, AppState>, id: i64) -> Cmd<String> {
    let token = with_connections(&state, move |s| s.reveal(id)).await?;
    tracing::info!(connection = id, "token revealed at the user's request");
    Ok(token.expose().to_string())
}

/// Deletes the connection, its token and its pulled data, stopping its pull first.
#[tauri::command]
pub async fn delete_connection(state: State<'_, AppState>, id: i64) -> Cmd<()> {
    let deleted = state.pulls.delete_connection(id).await;
    recorded(&state, deleted)
}

#[tauri::command]
pub fn open_toggl_profile(app: tauri::AppHandle, state: State<'_, AppState>) -> Cmd<()> {
    use tauri_plugin_opener::OpenerExt;
    let opened = app
        .opener()
        .open_url(TOGGL_PROFILE_URL, None::<&str>)
        .map_err(|e| AppError::BrowserUnavailable(e.to_string(), TOGGL_PROFILE_URL.to_string()));
    recorded(&state, opened)
}

#[derive(Serialize)]
pub struct SavedTicket {
    path: String,
}

#[tauri::command]
pub fn save_ticket(state: State<'_, AppState>, ticket: TicketForm) -> Cmd<SavedTicket> {
    let context = TicketContext {
        app_version: env!("CARGO_PKG_VERSION").to_string(),
        os: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        recent_error_codes: state.recent_errors(),
    };
    let saved = write_ticket(
        &state.config.data_dir,
        &ticket,
        &context,
        chrono::Utc::now(),
    )
    .map(|p| SavedTicket {
        path: p.display().to_string(),
    });
    recorded(&state, saved)
}

#[tauri::command]
pub fn get_settings(app: tauri::AppHandle, state: State<'_, AppState>) -> Cmd<Settings> {
    recorded(&state, settings::load(&app, &state.config.data_dir))
}

#[tauri::command]
pub fn save_settings(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    settings: Settings,
) -> Cmd<Settings> {
    recorded(
        &state,
        settings::save(&app, &state.config.data_dir, settings),
    )
}
