//! Pulls in flight: one cancel flag per connection, so the page's Cancel reaches the
//! engine, which stops between pages and leaves only whole pages behind.

use blink_core::{AppError, AppResult};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Default)]
pub struct Pulls {
    running: Mutex<HashMap<i64, Arc<AtomicBool>>>,
}

impl Pulls {
    /// A fresh cancel flag for the connection's pull; refused while one runs, so a second
    /// Pull can never take the first one's Cancel away.
    pub fn start(&self, connection_id: i64) -> AppResult<Arc<AtomicBool>> {
        let mut running = self.lock();
        if running.contains_key(&connection_id) {
            return Err(AppError::PullRunning);
        }
        let flag = Arc::new(AtomicBool::new(false));
        running.insert(connection_id, Arc::clone(&flag));
        Ok(flag)
    }

    pub fn cancel(&self, connection_id: i64) {
        if let Some(flag) = self.lock().get(&connection_id) {
            flag.store(true, Ordering::SeqCst);
        }
    }

    pub fn finish(&self, connection_id: i64, flag: &Arc<AtomicBool>) {
        let mut running = self.lock();
        if running
            .get(&connection_id)
            .is_some_and(|f| Arc::ptr_eq(f, flag))
        {
            running.remove(&connection_id);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Arc<AtomicBool>>> {
        self.running.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_reaches_the_running_pull_of_that_connection_only() {
        let pulls = Pulls::default();
        let first = pulls.start(1).unwrap();
        let other = pulls.start(2).unwrap();
        pulls.cancel(1);
        assert!(first.load(Ordering::SeqCst));
        assert!(!other.load(Ordering::SeqCst));
    }

    #[test]
    fn a_finished_pull_no_longer_takes_a_cancel() {
        let pulls = Pulls::default();
        let flag = pulls.start(1).unwrap();
        pulls.finish(1, &flag);
        pulls.cancel(1);
        assert!(!flag.load(Ordering::SeqCst));
    }

    #[test]
    fn a_second_pull_of_a_running_connection_is_refused_and_keeps_the_first_cancel() {
        let pulls = Pulls::default();
        let first = pulls.start(1).unwrap();
        assert_eq!(pulls.start(1).unwrap_err(), AppError::PullRunning);
        pulls.cancel(1);
        assert!(first.load(Ordering::SeqCst));
        pulls.finish(1, &first);
        assert!(pulls.start(1).is_ok());
    }
}
