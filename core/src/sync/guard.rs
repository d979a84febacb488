//! At most one pull per connection at a time in this process: two would share stage
//! cursors and double the requests. A crashed pull leaves its row `running`; since no
//! guard is held for it after a restart, the next pull simply resumes it.

use crate::error::{AppError, AppResult};
use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

fn running() -> &'static Mutex<HashSet<i64>> {
    static RUNNING: OnceLock<Mutex<HashSet<i64>>> = OnceLock::new();
    RUNNING.get_or_init(Default::default)
}

/// Held while a connection's pull runs; released on drop, also on panic or cancel.
pub struct RunningGuard(i64);

impl RunningGuard {
    pub fn acquire(connection_id: i64) -> AppResult<RunningGuard> {
        let mut set = running().lock().unwrap_or_else(|p| p.into_inner());
        if !set.insert(connection_id) {
            return Err(AppError::InvalidInput(
                "A pull of this connection is already running. Wait for it or cancel it.".into(),
            ));
        }
        Ok(RunningGuard(connection_id))
    }
}

impl Drop for RunningGuard {
    fn drop(&mut self) {
        running()
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.0);
    }
}
