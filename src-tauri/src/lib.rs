//! Tauri glue of Blink Connections: plugins, managed state and the command list.
//! The domain code lives in `blink-core`; commands here stay thin.

mod checks;
mod commands;
mod data_commands;
mod logging;
mod pulls;
mod settings;
mod state;

use blink_core::config::Config;
use blink_core::AppError;
use state::AppState;
use tauri::Manager;

/// Plugins, state and the command list.
fn setup(builder: tauri::Builder<tauri::Wry>, app_state: AppState) -> tauri::Builder<tauri::Wry> {
    builder
        .plugin(tauri_plugin_store::Builder::new().build())
        .plugin(tauri_plugin_opener::init())
        .manage(app_state)
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::list_connections,
            commands::get_connection,
            commands::check_token,
            commands::cancel_check,
            commands::create_connection,
            commands::rename_connection,
            commands::set_privacy,
            commands::swap_token,
            commands::retest_connection,
            commands::reveal_token,
            commands::delete_connection,
            commands::open_toggl_profile,
            commands::save_ticket,
            commands::get_settings,
            commands::save_settings,
            data_commands::start_pull,
            data_commands::cancel_pull,
            data_commands::last_pull,
            data_commands::review_options,
            data_commands::review_totals,
            data_commands::review_entries,
            data_commands::export_csv,
            data_commands::export_definitions,
        ])
}

pub fn run() {
    let config = match Config::from_env(state::default_data_dir) {
        Ok(config) => config,
        Err(e) => fail_to_start(e),
    };
    if let Err(e) = logging::init(&config.data_dir.join("logs")) {
        eprintln!(
            "Blink Connections: the log file could not be opened ({e}); continuing without it"
        );
    }
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "starting");
    let app_state = AppState::open(config).unwrap_or_else(|e| fail_to_start(e));
    let builder =
        tauri::Builder::default().plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }));
    setup(builder, app_state)
        .run(tauri::generate_context!())
        .expect("error while running Blink Connections");
}

/// A start-up problem (bad configuration, unusable data folder) is said plainly on
/// stderr and in the log, and the app exits instead of running half-configured.
fn fail_to_start(error: AppError) -> ! {
    tracing::error!(code = error.code(), "cannot start: {error}");
    eprintln!("Blink Connections cannot start: {error}");
    std::process::exit(2);
}
