//! Tauri glue of Blink Connections: plugins, managed state and the command list.
//! The domain code lives in `blink-core`; commands here stay thin.

mod commands;
mod data_commands;
mod invoke;
mod logging;
mod review_commands;
mod settings;
mod shutdown;
mod state;

use blink_core::config::Config;
use blink_core::data_dir::{self, DataFolder};
use blink_core::AppError;
use state::AppState;
use tauri::Manager;

/// Plugins, state and the command list.
fn setup(builder: tauri::Builder<tauri::Wry>, app_state: AppState) -> tauri::Builder<tauri::Wry> {
    builder
        .plugin(tauri_plugin_store::Builder::new().build())
        .plugin(tauri_plugin_opener::init())
        .manage(app_state)
        .setup(|app| {
            shutdown::exit_on_terminate(app.handle());
            Ok(())
        })
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
            commands::add_workspace,
            commands::workspace_rows,
            commands::remove_workspace,
            commands::reveal_token,
            commands::delete_connection,
            commands::open_toggl_profile,
            commands::save_ticket,
            commands::get_settings,
            commands::save_settings,
            data_commands::start_pull,
            data_commands::cancel_pull,
            data_commands::pull_facts,
            data_commands::pull_plan,
            data_commands::count_on_toggl,
            data_commands::review_options,
            data_commands::review_totals,
            data_commands::review_entries,
            data_commands::export_csv,
            data_commands::export_definitions,
            review_commands::across_options,
            review_commands::across_totals,
            review_commands::across_periods,
            review_commands::across_week_start,
            review_commands::across_entries,
            review_commands::export_review,
            review_commands::list_views,
            review_commands::rename_view,
            review_commands::save_view,
            review_commands::delete_view,
        ])
}

/// Start-up order: the configuration, then the data folder's instance lock, and only with
/// the lock held the log file, the database and the credential store. A second launch on a
/// folder in use touches none of them: it hands over to the running instance and exits.
pub fn run() {
    let context = tauri::generate_context!();
    let config = match Config::from_env(data_dir::default_data_dir) {
        Ok(config) => config,
        Err(e) => fail_to_start(e),
    };
    let folder = match DataFolder::claim(&config.data_dir) {
        Ok(folder) => folder,
        Err(in_use @ AppError::DataFolderInUse { .. }) => hand_over(context, in_use),
        Err(e) => fail_to_start(e),
    };
    if let Err(e) = logging::init(&folder.logs_dir()) {
        eprintln!(
            "Blink Connections: the log file could not be opened ({e}); continuing without it"
        );
    }
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "starting");
    let app_state = AppState::open(config, &folder).unwrap_or_else(|e| fail_to_start(e));
    setup(
        tauri::Builder::default().plugin(single_instance()),
        app_state,
    )
    .build(context)
    .expect("error while building Blink Connections")
    .run(|app, event| {
        if let tauri::RunEvent::Exit = event {
            app.state::<AppState>().close();
        }
    });
    // `run` exits the process; the folder stays claimed until then.
    drop(folder);
}

/// A launch while another instance runs: brings the running window forward and exits.
fn single_instance() -> tauri::plugin::TauriPlugin<tauri::Wry> {
    tauri_plugin_single_instance::init(|app, _args, _cwd| {
        if let Some(window) = app.get_webview_window("main") {
            let _ = window.unminimize();
            let _ = window.show();
            let _ = window.set_focus();
        }
    })
}

/// The data folder is in use. Building an app with only the single-instance plugin asks
/// the running instance to show its window and exits this process (status 0) inside
/// `build`; no window, database or credential store is opened. If the plugin cannot reach
/// the running instance (no session bus), this process still exits, saying why.
fn hand_over(context: tauri::Context<tauri::Wry>, in_use: AppError) -> ! {
    let handed_over = tauri::Builder::default()
        .plugin(single_instance())
        .build(context);
    if let Err(e) = handed_over {
        eprintln!("Blink Connections: the running instance could not be reached ({e})");
    }
    fail_to_start(in_use)
}

/// A start-up problem (bad configuration, unusable data folder) is said plainly on
/// stderr, with its code, and in the log, and the app exits instead of running half-configured.
fn fail_to_start(error: AppError) -> ! {
    tracing::error!(code = error.code(), "cannot start: {error}");
    eprintln!("Blink Connections cannot start ({}): {error}", error.code());
    std::process::exit(2);
}
