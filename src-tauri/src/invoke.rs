//! What every command file shares: the command result type, the recording of a failure's
//! code for support tickets, and running blocking core work (SQLite, the credential
//! store) on the blocking pool so the window never waits on a D-Bus round trip.

use crate::state::AppState;
use blink_core::{AppError, AppResult};
use std::sync::Arc;

pub type Cmd<T> = Result<T, AppError>;

/// Logs and remembers a failure's code (codes only, no text) and passes the result on.
pub fn recorded<T>(state: &AppState, result: AppResult<T>) -> Cmd<T> {
    if let Err(e) = &result {
        tracing::info!(code = e.code(), "command failed");
        state.record_error(e);
    }
    result
}

/// Runs `work` on the blocking pool with a shared dependency (the database or a
/// service) and records its failure.
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
