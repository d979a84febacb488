//! Tauri glue of Blink Connections: plugins, managed state and the command list.
//! The domain code lives in `blink-core`; commands here stay thin.

mod commands;
mod logging;
mod state;

use state::AppState;
use tauri::{Manager, Runtime};

/// Everything `run()` registers, shared with tests that build the app on Tauri's mock runtime.
pub fn setup<R: Runtime>(builder: tauri::Builder<R>, app_state: AppState) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_store::Builder::new().build())
        .plugin(tauri_plugin_opener::init())
        .manage(app_state)
        .invoke_handler(tauri::generate_handler![commands::app_info])
}

pub fn run() {
    let app_state = match AppState::from_env() {
        Ok(state) => state,
        Err(e) => {
            eprintln!("Blink Connections cannot start: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = logging::init(&app_state.log_dir()) {
        eprintln!(
            "Blink Connections: the log file could not be opened ({e}); continuing without it"
        );
    }
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "starting");
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
