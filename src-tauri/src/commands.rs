//! Thin `#[tauri::command]`s: parse arguments, call a service, map errors to
//! `{code, message}`. Work that touches SQLite or the credential store runs on the
//! blocking pool so the window never waits on a D-Bus round trip.

use crate::settings::{self, Settings};
use crate::state::AppState;
use blink_core::connections::{
    ConnectionDetail, ConnectionService, ConnectionSummary, NewConnection,
};
use blink_core::domain::{AccessReport, Privacy};
use blink_core::ticket::{save_ticket as write_ticket, TicketContext, TicketForm};
use blink_core::toggl::access::check_access;
use blink_core::{ApiToken, AppError, AppResult};
use serde::Serialize;
use std::sync::Arc;
use tauri::State;

/// Where the API token is shown in Toggl ("Profile Settings", API Token section).
const TOGGL_PROFILE_URL: &str = "https://track.toggl.com/profile";

pub type Cmd<T> = Result<T, AppError>;

pub fn recorded<T>(state: &AppState, result: AppResult<T>) -> Cmd<T> {
    if let Err(e) = &result {
        tracing::info!(code = e.code(), "command failed");
        state.record_error(e);
    }
    result
}

/// Runs `work` on the blocking pool with a shared dependency (the database or the
/// connection service) and records its failure.
pub async fn blocking<D, T>(
    state: &AppState,
    dependency: &Arc<D>,
    work: impl FnOnce(&D) -> AppResult<T> + Send + 'static,
) -> Cmd<T>
where
    D: Send + Sync + ?Sized + 'static,
    T: Send + 'static,
{
    let dependency = Arc::clone(dependency);
    let result = tauri::async_runtime::spawn_blocking(move || work(&dependency))
        .await
        .unwrap_or_else(|e| Err(AppError::Internal(format!("a background task failed: {e}"))));
    recorded(state, result)
}

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

#[derive(Serialize)]
pub struct CheckResult {
    check_id: String,
    report: AccessReport,
    suggested_name: String,
}

/// Checks a pasted token with Toggl (format first, then who it belongs to and their
/// roles). Only an Organization Owner or Workspace Admin passes; the passed check is
/// kept under `check_id` for the following Save or swap.
#[tauri::command]
pub async fn check_token(
    state: State<'_, AppState>,
    token: String,
    check_id: String,
) -> Cmd<CheckResult> {
    let result = async {
        let token = ApiToken::parse(&token)?;
        let client = state.toggl.clone();
        let probe = token.clone();
        let report = state
            .checks
            .run(&check_id, token, async move {
                check_access(&client, &probe).await?.require_allowed()
            })
            .await?;
        let suggested_name = format!("Toggl – {}", report.user.email);
        Ok(CheckResult {
            check_id,
            report,
            suggested_name,
        })
    }
    .await;
    recorded(&state, result)
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
) -> Cmd<ConnectionSummary> {
    let (token, access) = recorded(&state, state.checks.passed(&check_id))?;
    let created = with_connections(&state, move |s| {
        s.create(NewConnection {
            name,
            privacy,
            token,
            access,
            request_id,
        })
    })
    .await?;
    state.checks.forget(&check_id);
    Ok(created)
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
    let (token, access) = recorded(&state, state.checks.passed(&check_id))?;
    let swapped = with_connections(&state, move |s| {
        s.swap_token(id, token, access, confirm_different_account)
    })
    .await?;
    state.checks.forget(&check_id);
    Ok(swapped)
}

/// Re-checks a saved connection with its stored token, which never travels to the page.
/// Only an answer about the token itself is recorded (a new snapshot, or "rejected");
/// when Toggl cannot be asked (offline, quota, outage) nothing changes.
#[tauri::command]
pub async fn retest_connection(state: State<'_, AppState>, id: i64) -> Cmd<ConnectionSummary> {
    let token = with_connections(&state, move |s| s.token(id)).await?;
    let outcome = check_access(&state.toggl, &token).await;
    if let Err(e) = &outcome {
        if *e != AppError::TokenRejected {
            return recorded(&state, Err(e.clone()));
        }
    }
    let bookkeeping = outcome.clone().map_err(|e| e.code().to_string());
    let summary = with_connections(&state, move |s| s.record_check(id, bookkeeping)).await?;
    recorded(
        &state,
        outcome.and_then(|r| r.require_allowed()).map(|_| summary),
    )
}

/// The only path by which a token leaves the credential store towards the page: the
/// user pressed Reveal.
#[tauri::command]
pub async fn reveal_token(state: State<'_, AppState>, id: i64) -> Cmd<String> {
    let token = with_connections(&state, move |s| s.reveal(id)).await?;
    tracing::info!(connection = id, "token revealed at the user's request");
    Ok(token.expose().to_string())
}

#[tauri::command]
pub async fn delete_connection(state: State<'_, AppState>, id: i64) -> Cmd<()> {
    with_connections(&state, move |s| s.delete(id)).await
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
