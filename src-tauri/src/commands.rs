//! Thin `#[tauri::command]`s: parse arguments, call a service, map errors to `{code, message}`.

use crate::state::AppState;
use serde::Serialize;
use tauri::State;

#[derive(Serialize)]
pub struct AppInfo {
    name: &'static str,
    version: &'static str,
    os: &'static str,
    data_dir: String,
    log_dir: String,
    toggl_url: String,
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
    }
}
