//! A termination request (logout, system shutdown, `kill`) ends the app the way closing
//! its window does, so the exit hook closes the database cleanly instead of the process
//! dying between pages.

/// Turns SIGTERM into an orderly exit of the app.
#[cfg(unix)]
pub fn exit_on_terminate(app: &tauri::AppHandle) {
    use tokio::signal::unix::{signal, SignalKind};
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                terminate.recv().await;
                tracing::info!("asked to terminate; exiting");
                app.exit(0);
            }
            Err(e) => tracing::warn!(error = %e, "termination requests will end the app abruptly"),
        }
    });
}

#[cfg(not(unix))]
pub fn exit_on_terminate(_app: &tauri::AppHandle) {}
