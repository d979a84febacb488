//! At most one pull per connection at a time in this process: two would share stage
//! cursors and double the requests. A crashed pull leaves its row `running`; since no
//! guard is held for it after a restart, the next pull simply resumes it. The key
//! includes the database's address, so separate databases (tests) never collide.

use crate::db::Db;
use crate::error::{AppError, AppResult};
use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

fn running() -> &'static Mutex<HashSet<(usize, i64)>> {
    static RUNNING: OnceLock<Mutex<HashSet<(usize, i64)>>> = OnceLock::new();
    RUNNING.get_or_init(Default::default)
}

/// Held while a connection's pull runs; released on drop, also on panic or cancel.
pub struct RunningGuard((usize, i64));

impl RunningGuard {
    pub fn acquire(db: &Db, connection_id: i64) -> AppResult<RunningGuard> {
        let key = (db as *const Db as usize, connection_id);
        let mut set = running().lock().unwrap_or_else(|p| p.into_inner());
        if !set.insert(key) {
            return Err(AppError::PullRunning);
        }
        Ok(RunningGuard(key))
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
