//! Keeps requests made with one token at least a minimum interval apart. Toggl calls
//! one request per second per token safe; going faster earns 429s that cost more time
//! than the pacing does.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

#[derive(Debug)]
pub(crate) struct Pacer {
    min_interval: Duration,
    /// Next free slot per token, keyed by a hash so the secret is not kept twice.
    next_slot: Mutex<HashMap<u64, Instant>>,
}

impl Pacer {
    pub(crate) fn new(min_interval: Duration) -> Self {
        Pacer {
            min_interval,
            next_slot: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for this token's next slot. The slot is reserved before sleeping, so
    /// concurrent callers queue up instead of racing; a caller dropped while asleep
    /// leaves only an unused slot behind, which makes the next caller wait at most
    /// one interval longer than needed.
    pub(crate) async fn wait_turn(&self, secret: &str) {
        let slot = {
            let mut slots = self.next_slot.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            let entry = slots.entry(key(secret)).or_insert(now);
            let slot = (*entry).max(now);
            *entry = slot + self.min_interval;
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

fn key(secret: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    secret.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_same_token_waits_one_interval_between_requests() {
        let pacer = Pacer::new(Duration::from_secs(1));
        let start = Instant::now();
        pacer.wait_turn("a").await;
        pacer.wait_turn("a").await;
        pacer.wait_turn("a").await;
        assert_eq!(start.elapsed(), Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn different_tokens_do_not_wait_for_each_other() {
        let pacer = Pacer::new(Duration::from_secs(1));
        let start = Instant::now();
        pacer.wait_turn("a").await;
        pacer.wait_turn("b").await;
        assert_eq!(start.elapsed(), Duration::ZERO);
    }
}
