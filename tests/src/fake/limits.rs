//! Toggl's two limits: the hourly quota (a sliding window per user, one bucket for
//! user-level calls and one per organization, answered with 402) and the leaky bucket
//! per token (answered with 429).

use std::collections::HashMap;
use std::time::Duration;
use tokio::time::Instant;

/// Which quota bucket a request draws from: `None` is the user-level bucket.
pub(crate) type BucketKey = (i64, Option<i64>);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct QuotaStatus {
    pub remaining: i64,
    pub resets_in_secs: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Limiter {
    windows: HashMap<BucketKey, (Instant, u32)>,
    recent: HashMap<String, Vec<Instant>>,
}

impl Limiter {
    /// Counts one request in the bucket. The window starts at the first request and
    /// lasts `window`; `Err` carries the state to report when nothing is left.
    pub(crate) fn spend(
        &mut self,
        key: BucketKey,
        limit: u32,
        window: Duration,
    ) -> Result<QuotaStatus, QuotaStatus> {
        let now = Instant::now();
        let (started, used) = self.windows.entry(key).or_insert((now, 0));
        if now.duration_since(*started) >= window {
            *started = now;
            *used = 0;
        }
        let resets_in_secs = window
            .saturating_sub(now.duration_since(*started))
            .as_secs();
        if *used >= limit {
            return Err(QuotaStatus {
                remaining: 0,
                resets_in_secs,
            });
        }
        *used += 1;
        Ok(QuotaStatus {
            remaining: i64::from(limit - *used),
            resets_in_secs,
        })
    }

    /// Every hourly window ends now: the next request starts a fresh one.
    pub(crate) fn end_windows(&mut self) {
        self.windows.clear();
    }

    /// The bucket's state without spending from it.
    pub(crate) fn peek(&self, key: BucketKey, limit: u32, window: Duration) -> QuotaStatus {
        let now = Instant::now();
        match self.windows.get(&key) {
            Some((started, used)) if now.duration_since(*started) < window => QuotaStatus {
                remaining: i64::from(limit.saturating_sub(*used)),
                resets_in_secs: window
                    .saturating_sub(now.duration_since(*started))
                    .as_secs(),
            },
            _ => QuotaStatus {
                remaining: i64::from(limit),
                resets_in_secs: window.as_secs(),
            },
        }
    }

    /// True when this token already sent `per_second` requests in the last second.
    pub(crate) fn too_fast(&mut self, token: &str, per_second: u32) -> bool {
        let now = Instant::now();
        let times = self.recent.entry(token.to_string()).or_default();
        times.retain(|t| now.duration_since(*t) < Duration::from_secs(1));
        if times.len() >= per_second as usize {
            return true;
        }
        times.push(now);
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bucket_refuses_after_the_limit_and_counts_down() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        rt.block_on(async {
            let mut limiter = Limiter::default();
            let window = Duration::from_secs(3600);
            assert_eq!(limiter.spend((1, None), 2, window).unwrap().remaining, 1);
            assert_eq!(limiter.spend((1, None), 2, window).unwrap().remaining, 0);
            let refused = limiter.spend((1, None), 2, window).unwrap_err();
            assert_eq!(refused.remaining, 0);
            assert!(refused.resets_in_secs > 3500);
            assert!(
                limiter.spend((1, Some(9)), 2, window).is_ok(),
                "other bucket"
            );
        });
    }
}
