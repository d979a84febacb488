//! Switches a test flips at run time to make the fake misbehave the ways Toggl does.
//! Counted faults (`server_errors(n)`, `too_many_requests(n)`) answer the next n
//! requests and then clear themselves, so "fails twice, then works" needs no timing.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FaultState {
    pub quota_exhausted: bool,
    pub paid_feature: bool,
    pub paid_reports: bool,
    pub too_many_requests: u32,
    pub retry_after_secs: Option<u64>,
    pub server_errors: u32,
    pub delay: Option<Duration>,
    pub malformed_json: bool,
    /// Requests still served before the quota runs out (`None`: no countdown).
    pub quota_left_before_exhaustion: Option<u32>,
    pub endless_report: bool,
    /// Pages of projects and tags all hold the first page's items (numbered as asked).
    pub repeated_list_pages: bool,
    /// Every request answers 307 to this host root plus the same path.
    pub redirect_to: Option<String>,
}

/// A handle to the fake's fault switches; clones share the same switches.
#[derive(Debug, Clone, Default)]
pub struct Faults(Arc<Mutex<FaultState>>);

impl Faults {
    pub(crate) fn lock(&self) -> MutexGuard<'_, FaultState> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Every request answers 402 with the quota headers and the hourly-limit text.
    pub fn quota_exhausted(&self, on: bool) -> &Self {
        self.lock().quota_exhausted = on;
        self
    }

    /// Every authenticated request answers 402 "Workspace needs to have this feature enabled".
    pub fn paid_feature(&self, on: bool) -> &Self {
        self.lock().paid_feature = on;
        self
    }

    /// Only the Reports API answers 402 "Workspace needs to have this feature enabled"
    /// (whether a Free workspace may use the detailed report is unconfirmed).
    pub fn paid_reports(&self, on: bool) -> &Self {
        self.lock().paid_reports = on;
        self
    }

    /// The next `n` requests answer 429 with nginx's HTML page (`u32::MAX`: all of them).
    pub fn too_many_requests(&self, n: u32) -> &Self {
        self.lock().too_many_requests = n;
        self
    }

    /// Adds `Retry-After: secs` to 429 answers (Toggl does not document one).
    pub fn retry_after(&self, secs: Option<u64>) -> &Self {
        self.lock().retry_after_secs = secs;
        self
    }

    /// The next `n` requests answer 503 (`u32::MAX`: all of them).
    pub fn server_errors(&self, n: u32) -> &Self {
        self.lock().server_errors = n;
        self
    }

    /// Every answer waits this long first: set it above the client's timeout.
    pub fn delay(&self, delay: Option<Duration>) -> &Self {
        self.lock().delay = delay;
        self
    }

    /// Successful answers carry a truncated JSON body.
    pub fn malformed_json(&self, on: bool) -> &Self {
        self.lock().malformed_json = on;
        self
    }

    /// The next `n` authenticated requests are served; every one after them answers
    /// 402 as [`quota_exhausted`](Self::quota_exhausted) does, until that is switched
    /// off. Cuts a pull at an exact request without timing.
    pub fn exhaust_quota_after(&self, n: u32) -> &Self {
        let mut state = self.lock();
        state.quota_left_before_exhaustion = Some(n);
        state.quota_exhausted = false;
        self
    }

    /// The detailed report never ends: every page repeats the first rows and names a
    /// next row, as a server bug might. Clients must cap the pages they follow.
    pub fn endless_report(&self, on: bool) -> &Self {
        self.lock().endless_report = on;
        self
    }

    /// Every page of projects or tags holds the first page's items while `X-Page` names the
    /// page asked for, as a server ignoring `page` would: clients must not loop.
    pub fn repeated_list_pages(&self, on: bool) -> &Self {
        self.lock().repeated_list_pages = on;
        self
    }

    /// Every request answers `307 Temporary Redirect` to `target` (a host root) with the
    /// same path, as a misconfigured proxy or a hostile server might. Clients must not follow.
    pub fn redirect_to(&self, target: Option<String>) -> &Self {
        self.lock().redirect_to = target;
        self
    }

    /// Turns every switch off.
    pub fn clear(&self) -> &Self {
        *self.lock() = FaultState::default();
        self
    }
}

/// Takes one from a counted fault; `u32::MAX` never runs out.
pub(crate) fn take_one(counter: &mut u32) -> bool {
    match *counter {
        0 => false,
        u32::MAX => true,
        _ => {
            *counter -= 1;
            true
        }
    }
}
