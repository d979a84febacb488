//! The HTTP client for Toggl Track: authentication, pacing, retries and the mapping of
//! failures to `AppError`. Endpoint methods live in `endpoints.rs`; this file only knows
//! how to send one request well.
//!
//! Every request costs part of a small hourly quota, so retries are few and bounded:
//! a 429 is waited out once, and only when Toggl names a short `Retry-After`; otherwise
//! it comes back as `RateLimited` for the caller to stop resumably. 5xx gets at most 2
//! retries, and nothing else is retried. Dropping a returned future cancels the request;
//! no state is left half-updated.
//!
//! The token travels in every request, so the transport is strict: no redirects are
//! followed (Toggl's API needs none), an https base allows https only, a plain-http base
//! (loopback only, see `config.rs`) uses no proxy whatever the environment says, and
//! `localhost` is pinned to the loopback addresses instead of asking DNS. Bodies are
//! read up to a size limit.

use super::pacing::Pacer;
use super::quota::{Bucket, Quota};
use super::status::{classify, path_scope, toggl_message, PathScope, Verdict};
use crate::error::{AppError, AppResult};
use crate::token::ApiToken;
use reqwest::header::{HeaderMap, CONTENT_TYPE};
use reqwest::Method;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;
use url::Url;

pub const DEFAULT_BASE_URL: &str = crate::config::DEFAULT_TOGGL_URL;
const USER_AGENT: &str = concat!("BlinkConnections/", env!("CARGO_PKG_VERSION"));
const MAX_RETRIES_ON_5XX: u32 = 2;
/// Far above any real answer (a large account's `/me?with_related_data=true` is a few
/// megabytes), low enough that a broken or hostile server cannot exhaust memory.
pub const DEFAULT_MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// Settings of a [`TogglClient`]; the defaults suit the real Toggl, tests shorten them.
#[derive(Debug, Clone)]
pub struct TogglClientBuilder {
    base_url: String,
    connect_timeout: Duration,
    timeout: Duration,
    min_interval: Duration,
    backoff_base: Duration,
    max_backoff: Duration,
    max_body_bytes: usize,
    /// Tests only: a DNS that answers this address for every name, to prove which
    /// names the client never looks up.
    #[cfg(test)]
    lying_dns: Option<std::net::IpAddr>,
}

impl Default for TogglClientBuilder {
    fn default() -> Self {
        TogglClientBuilder {
            base_url: DEFAULT_BASE_URL.into(),
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(15),
            min_interval: Duration::from_secs(1),
            backoff_base: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            #[cfg(test)]
            lying_dns: None,
        }
    }
}

impl TogglClientBuilder {
    /// Host root such as `https://api.track.toggl.com`, without `/api/v9`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }
    /// Overall limit for one request, from connecting to the last body byte.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
        self
    }
    /// Least time between two requests with the same token (Toggl: 1 s is safe).
    pub fn min_interval(mut self, d: Duration) -> Self {
        self.min_interval = d;
        self
    }
    /// First backoff delay after a 5xx; later ones double.
    pub fn backoff_base(mut self, d: Duration) -> Self {
        self.backoff_base = d;
        self
    }
    /// Upper bound of any backoff, and the longest `Retry-After` the client waits out
    /// itself; a longer one is handed to the caller as `RateLimited`.
    pub fn max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }
    /// Largest response body read; a longer one is an unexpected response.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    #[cfg(test)]
    pub(crate) fn lying_dns(mut self, answer: std::net::IpAddr) -> Self {
        self.lying_dns = Some(answer);
        self
    }

    /// Refuses a base URL that `BLINK_TOGGL_URL` would refuse (plain http off loopback).
    pub fn build(self) -> AppResult<TogglClient> {
        let base = crate::config::parse_toggl_url(self.base_url.trim_end_matches('/'))?;
        let mut http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .https_only(base.scheme() == "https");
        if base.scheme() == "http" {
            http = http.no_proxy();
        }
        if let Some((host, addrs)) = crate::config::pinned_loopback(&base) {
            http = http.resolve_to_addrs(&host, &addrs);
        }
        #[cfg(test)]
        if let Some(answer) = self.lying_dns {
            http = http.dns_resolver(std::sync::Arc::new(super::test_support::LyingDns(answer)));
        }
        let http = http
            .build()
            .map_err(|e| AppError::Config(format!("HTTP client could not start: {e}")))?;
        Ok(TogglClient {
            inner: Arc::new(Inner {
                http,
                base,
                pacer: Pacer::new(self.min_interval),
                backoff_base: self.backoff_base,
                max_backoff: self.max_backoff,
                max_body_bytes: self.max_body_bytes,
                meter: Meter::default(),
                workspace_orgs: Mutex::new(HashMap::new()),
            }),
            meter: None,
            user_reserve: 0,
        })
    }
}

/// A Toggl client shared by the whole app (cheap to clone). It holds no token: each call
/// takes one, so one client serves every saved connection.
#[derive(Debug, Clone)]
pub struct TogglClient {
    inner: Arc<Inner>,
    /// Counts of one piece of work (a pull) apart from everything else the app sends
    /// meanwhile; see [`TogglClient::metered`].
    meter: Option<Arc<Meter>>,
    /// User-level requests this client leaves unspent (see [`TogglClient::keeping_user_reserve`]).
    user_reserve: i64,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    base: Url,
    pacer: Pacer,
    backoff_base: Duration,
    max_backoff: Duration,
    max_body_bytes: usize,
    meter: Meter,
    /// Which organization each workspace belongs to, learned from Toggl's answers, so a
    /// workspace path's quota is booked to its organization's bucket.
    workspace_orgs: Mutex<HashMap<i64, i64>>,
}

/// Requests sent and the latest quota headers seen, overall and per bucket.
#[derive(Debug, Default)]
struct Meter {
    requests_made: AtomicU64,
    last_quota: Mutex<Option<Quota>>,
    buckets: Mutex<HashMap<Bucket, (Quota, Instant)>>,
}

impl Meter {
    fn count_request(&self) {
        self.requests_made.fetch_add(1, Ordering::Relaxed);
    }

    fn record_quota(&self, bucket: Option<Bucket>, quota: Quota) {
        *self.last_quota.lock().unwrap_or_else(|p| p.into_inner()) = Some(quota);
        if let Some(bucket) = bucket {
            self.buckets
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(bucket, (quota, Instant::now()));
        }
    }

    /// The bucket as it stands now: the reset time counts down from when it was seen,
    /// and a bucket whose window has passed since is unknown again.
    fn quota_of(&self, bucket: Bucket) -> Option<Quota> {
        let buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let (quota, seen) = buckets.get(&bucket)?;
        let elapsed = seen.elapsed().as_secs();
        match quota.resets_in_secs {
            Some(resets) if elapsed >= resets => None,
            Some(resets) => Some(Quota {
                remaining: quota.remaining,
                resets_in_secs: Some(resets - elapsed),
            }),
            None => Some(*quota),
        }
    }

    fn buckets(&self) -> Vec<Bucket> {
        let buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        buckets.keys().copied().collect()
    }
}

/// A successful response: the body bytes and the headers (pagination lives there).
pub(crate) struct Reply {
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub path: String,
}

impl Reply {
    pub(crate) fn json<T: DeserializeOwned>(&self) -> AppResult<T> {
        serde_json::from_slice(&self.body).map_err(|_| AppError::UnexpectedResponse {
            path: self.path.clone(),
        })
    }

    pub(crate) fn header_i64(&self, name: &str) -> Option<i64> {
        self.headers.get(name)?.to_str().ok()?.trim().parse().ok()
    }
}

impl TogglClient {
    pub fn builder() -> TogglClientBuilder {
        TogglClientBuilder::default()
    }

    /// A client with the default settings for the given host root.
    pub fn new(base_url: impl Into<String>) -> AppResult<TogglClient> {
        Self::builder().base_url(base_url).build()
    }

    /// A clone that shares the connection pool and the per-token pacing but counts its
    /// own requests and quota, so a pull reports what it used, not what a token check
    /// or another connection's pull sent at the same time. The app-wide counts go on.
    pub fn metered(&self) -> TogglClient {
        TogglClient {
            inner: Arc::clone(&self.inner),
            meter: Some(Arc::new(Meter::default())),
            user_reserve: self.user_reserve,
        }
    }

    /// A clone that refuses, without sending, a user-level request (`/me*`) while the
    /// user bucket is known to hold `reserve` requests or fewer: a pull must not spend
    /// the requests the user needs to check or replace a token. The refusal is the
    /// quota's (`quota_exhausted`, with the bucket's reset), so a pull stops resumable.
    pub fn keeping_user_reserve(&self, reserve: i64) -> TogglClient {
        TogglClient {
            user_reserve: reserve,
            ..self.clone()
        }
    }

    /// The reserve's refusal for a request to `bucket`, if it applies.
    fn reserve_refusal(&self, bucket: Option<Bucket>) -> Option<AppError> {
        if self.user_reserve <= 0 || bucket != Some(Bucket::User) {
            return None;
        }
        let quota = self.inner.meter.quota_of(Bucket::User)?;
        (quota.remaining <= self.user_reserve).then(|| AppError::QuotaExhausted {
            resets_in_secs: quota.resets_in_secs.unwrap_or(3600),
        })
    }

    fn meter(&self) -> &Meter {
        self.meter.as_deref().unwrap_or(&self.inner.meter)
    }

    /// The quota headers of the latest response that carried them, whatever its bucket.
    pub fn last_quota(&self) -> Option<Quota> {
        *self
            .meter()
            .last_quota
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// What is known of one hourly bucket: user-level calls, or one organization's.
    pub fn quota_of(&self, bucket: Bucket) -> Option<Quota> {
        self.meter().quota_of(bucket)
    }

    /// Every bucket this client (or this metered clone) has seen, with its state now.
    pub fn quotas(&self) -> Vec<(Bucket, Quota)> {
        let meter = self.meter();
        let mut all: Vec<(Bucket, Quota)> = meter
            .buckets()
            .into_iter()
            .filter_map(|b| Some((b, meter.quota_of(b)?)))
            .collect();
        all.sort_by_key(|(b, _)| format!("{b:?}"));
        all
    }

    /// Tells the client which organization a workspace belongs to, so its quota is
    /// booked to that organization's bucket. The role check's answers teach it too.
    pub fn note_workspace_organization(&self, workspace_id: i64, organization_id: i64) {
        self.inner
            .workspace_orgs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(workspace_id, organization_id);
    }

    fn bucket_of(&self, path: &str) -> Option<Bucket> {
        match path_scope(path) {
            PathScope::User => Some(Bucket::User),
            PathScope::Organization(id) => Some(Bucket::Organization(id)),
            PathScope::Workspace(wid) => {
                let orgs = self
                    .inner
                    .workspace_orgs
                    .lock()
                    .unwrap_or_else(|p| p.into_inner());
                Some(
                    orgs.get(&wid)
                        .map_or(Bucket::Workspace(wid), |o| Bucket::Organization(*o)),
                )
            }
            PathScope::Other => None,
        }
    }

    /// HTTP requests sent so far, retries included: the quota counts each one.
    pub fn requests_made(&self) -> u64 {
        self.meter().requests_made.load(Ordering::Relaxed)
    }

    /// Sends one logical request, retrying only a short 429 wait and 5xx, as above.
    pub(crate) async fn send(
        &self,
        token: &ApiToken,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&serde_json::Value>,
    ) -> AppResult<Reply> {
        let url = self.url(path, query);
        let bucket = self.bucket_of(path);
        let mut waited_429 = false;
        let mut retries_5xx = 0;
        if let Some(refusal) = self.reserve_refusal(bucket) {
            return Err(refusal);
        }
        loop {
            let known = bucket.and_then(|b| self.inner.meter.quota_of(b));
            let (status, headers, bytes) = self
                .send_once(token, &method, &url, path, body, bucket)
                .await?;
            match classify(status, &headers, &bytes, path, known) {
                Verdict::Success => {
                    return Ok(Reply {
                        headers,
                        body: bytes,
                        path: path.to_string(),
                    })
                }
                Verdict::Fail(e) => {
                    tracing::info!(
                        %method, path, status = status.as_u16(), code = e.code(),
                        toggl_says = ?toggl_message(&bytes), "toggl refused the request"
                    );
                    return Err(e);
                }
                Verdict::SlowDown { retry_after } => match retry_after {
                    Some(wait) if !waited_429 && wait <= self.inner.max_backoff => {
                        waited_429 = true;
                        tokio::time::sleep(wait).await;
                    }
                    _ => {
                        return Err(AppError::RateLimited {
                            retry_after_secs: retry_after.map(|d| d.as_secs()),
                        })
                    }
                },
                Verdict::ServerError => {
                    if retries_5xx >= MAX_RETRIES_ON_5XX {
                        return Err(AppError::TogglUnavailable);
                    }
                    let delay = self.backoff(retries_5xx) + self.jitter();
                    retries_5xx += 1;
                    tokio::time::sleep(delay.min(self.inner.max_backoff)).await;
                }
            }
        }
    }

    async fn send_once(
        &self,
        token: &ApiToken,
        method: &Method,
        url: &Url,
        path: &str,
        body: Option<&serde_json::Value>,
        bucket: Option<Bucket>,
    ) -> AppResult<(reqwest::StatusCode, HeaderMap, Vec<u8>)> {
        self.inner.pacer.wait_turn(token.expose()).await;
        let mut request = self
            .inner
            .http
            .request(method.clone(), url.clone())
            .basic_auth(token.expose(), Some("api_token"));
        if let Some(json) = body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(json.to_string());
        }
        self.inner.meter.count_request();
        if let Some(meter) = &self.meter {
            meter.count_request();
        }
        let response = request
            .send()
            .await
            .map_err(|e| transport_error(&e, method, path))?;
        let status = response.status();
        let headers = response.headers().clone();
        if let Some(quota) = super::quota::Quota::from_headers(&headers) {
            self.inner.meter.record_quota(bucket, quota);
            if let Some(meter) = &self.meter {
                meter.record_quota(bucket, quota);
            }
        }
        let bytes = self.read_body(response, method, path).await?;
        tracing::debug!(%method, path, status = status.as_u16(), "toggl request");
        Ok((status, headers, bytes))
    }

    /// Reads the body chunk by chunk and stops at the size limit, so an oversized
    /// answer costs at most the limit in memory.
    async fn read_body(
        &self,
        mut response: reqwest::Response,
        method: &Method,
        path: &str,
    ) -> AppResult<Vec<u8>> {
        let limit = self.inner.max_body_bytes;
        let too_big = || {
            tracing::warn!(%method, path, limit, "toggl response body over the size limit");
            AppError::UnexpectedResponse {
                path: path.to_string(),
            }
        };
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(too_big());
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| transport_error(&e, method, path))?
        {
            if bytes.len().saturating_add(chunk.len()) > limit {
                return Err(too_big());
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    }

    fn url(&self, path: &str, query: &[(&str, String)]) -> Url {
        let mut url = self.inner.base.clone();
        url.set_path(path);
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        url
    }

    fn backoff(&self, attempt: u32) -> Duration {
        self.inner.backoff_base.saturating_mul(1 << attempt.min(8))
    }

    /// Up to one backoff base of random delay, so many clients do not retry in step.
    fn jitter(&self) -> Duration {
        self.inner.backoff_base.mul_f64(fastrand::f64())
    }
}

/// Transport failures carry no status; the log line names the method and path only.
fn transport_error(e: &reqwest::Error, method: &Method, path: &str) -> AppError {
    let error = if e.is_timeout() {
        AppError::Timeout
    } else if e.is_decode() || e.is_redirect() {
        AppError::UnexpectedResponse {
            path: path.to_string(),
        }
    } else {
        AppError::NetworkUnreachable
    };
    tracing::debug!(%method, path, code = error.code(), "toggl request failed");
    error
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toggl::test_support::{fast_client, token};
    use blink_fake_toggl::fake::{FakeToggl, Scenario, DEMO_MEMBER, DEMO_OWNER};

    /// The demo fake, a fast client and the owner's token: most tests start here.
    async fn demo_owner() -> (FakeToggl, TogglClient, ApiToken) {
        let fake = FakeToggl::start(Scenario::demo()).await;
        let client = fast_client(&fake.url());
        let owner = token(&fake.token_of(DEMO_OWNER));
        (fake, client, owner)
    }

    #[tokio::test]
    async fn the_default_pacing_keeps_one_token_to_one_request_per_second() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        let client = TogglClient::new(fake.url()).unwrap();
        let owner = token(&fake.token_of(DEMO_OWNER));
        let started = std::time::Instant::now();
        for _ in 0..3 {
            client.my_quota(&owner).await.unwrap();
        }
        assert!(
            started.elapsed() >= Duration::from_millis(1990),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(fake.request_count(), 3);
    }

    #[tokio::test]
    async fn requests_carry_basic_auth_and_the_app_user_agent() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        let client = fast_client(&fake.url());
        client
            .me(&token(&fake.token_of(DEMO_MEMBER)), false)
            .await
            .unwrap();
        let request = &fake.requests()[0];
        assert_eq!(request.user_id, Some(DEMO_MEMBER));
        let agent = request.user_agent.clone().unwrap_or_default();
        assert_eq!(
            agent,
            format!("BlinkConnections/{}", env!("CARGO_PKG_VERSION"))
        );
        assert!(!request.path.contains(&fake.token_of(DEMO_MEMBER)));
    }

    #[tokio::test]
    async fn the_latest_quota_headers_and_the_request_count_are_exposed() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        let client = fast_client(&fake.url());
        assert_eq!(client.last_quota(), None);
        let owner = token(&fake.token_of(DEMO_OWNER));
        client.me(&owner, false).await.unwrap();
        client.my_organizations(&owner).await.unwrap();
        let quota = client.last_quota().unwrap();
        assert_eq!(quota.remaining, 998);
        assert!(quota.resets_in_secs.is_some_and(|s| s <= 3600));
        fake.faults().server_errors(1);
        client.my_workspaces(&owner).await.unwrap();
        assert_eq!(client.requests_made(), 4);
        assert_eq!(fake.request_count(), 4);
    }

    #[tokio::test]
    async fn a_metered_clone_counts_only_its_own_requests_and_the_app_counts_all() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        let client = fast_client(&fake.url());
        let pull = client.metered();
        let owner = token(&fake.token_of(DEMO_OWNER));
        let member = token(&fake.token_of(DEMO_MEMBER));
        pull.me(&owner, false).await.unwrap();
        client.me(&member, false).await.unwrap();
        client.my_organizations(&member).await.unwrap();
        assert_eq!(pull.requests_made(), 1);
        assert_eq!(client.requests_made(), 3);
        assert_eq!(fake.request_count(), 3);
        assert_eq!(pull.last_quota().map(|q| q.remaining), Some(999));
    }

    #[tokio::test]
    async fn quota_headers_on_a_refusal_are_remembered_too() {
        use blink_fake_toggl::fake::Shape;
        let shape = Shape {
            quota_headers_on_errors: true,
            ..Shape::default()
        };
        let fake = FakeToggl::start(Scenario::demo().with_shape(shape)).await;
        fake.faults().too_many_requests(u32::MAX);
        let client = fast_client(&fake.url());
        let owner = token(&fake.token_of(DEMO_OWNER));
        assert_eq!(
            client.me(&owner, false).await.unwrap_err(),
            AppError::RateLimited {
                retry_after_secs: None
            }
        );
        assert_eq!(client.last_quota().map(|q| q.remaining), Some(1000));
        assert_eq!(fake.request_count(), 1, "no retry without Retry-After");
    }

    #[tokio::test]
    async fn log_lines_name_method_path_and_status_but_never_the_token() {
        use crate::toggl::test_support::CapturedLogs;
        let logs = CapturedLogs::for_this_thread();
        let fake = FakeToggl::start(Scenario::demo()).await;
        let client = fast_client(&fake.url());
        let secret = fake.token_of(DEMO_OWNER);
        let owner = token(&secret);
        client.me(&owner, true).await.unwrap();
        fake.faults().server_errors(1).malformed_json(true);
        let _ = client.my_organizations(&owner).await;
        fake.reset_token(DEMO_OWNER);
        let _ = client.me(&owner, false).await;
        let lines = logs.lines();
        assert!(lines
            .iter()
            .any(|l| l.contains("/api/v9/me") && l.contains("200")));
        assert!(lines.iter().any(|l| l.contains("503")));
        assert!(lines.iter().any(|l| l.contains("403")));
        for line in &lines {
            let lower = line.to_ascii_lowercase();
            assert!(!line.contains(&secret), "token in log line: {line}");
            assert!(
                !lower.contains("authorization") && !lower.contains("basic "),
                "{line}"
            );
        }
    }

    #[tokio::test]
    async fn a_dropped_request_leaves_the_client_usable() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        let client = fast_client(&fake.url());
        let owner = token(&fake.token_of(DEMO_OWNER));
        fake.faults().delay(Some(Duration::from_secs(2)));
        let dropped =
            tokio::time::timeout(Duration::from_millis(100), client.me(&owner, true)).await;
        assert!(dropped.is_err(), "the request was cancelled by dropping it");
        fake.faults().clear();
        assert_eq!(client.me(&owner, false).await.unwrap().id, DEMO_OWNER);
        assert_eq!(fake.request_count(), 2);
    }

    #[tokio::test]
    async fn an_unreachable_host_is_network_unreachable() {
        let mut fake = FakeToggl::start(Scenario::demo()).await;
        let url = fake.url();
        fake.stop();
        let client = fast_client(&url);
        let error = client.me(&token(&"a".repeat(32)), false).await.unwrap_err();
        assert_eq!(error, AppError::NetworkUnreachable);
        assert_eq!(client.requests_made(), 1);
    }

    #[tokio::test]
    async fn a_short_retry_after_is_waited_out_once() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        fake.faults().too_many_requests(1).retry_after(Some(1));
        let client = TogglClient::builder()
            .base_url(fake.url())
            .min_interval(Duration::from_millis(1))
            .max_backoff(Duration::from_secs(2))
            .build()
            .unwrap();
        let owner = token(&fake.token_of(DEMO_OWNER));
        let started = std::time::Instant::now();
        assert_eq!(client.me(&owner, false).await.unwrap().id, DEMO_OWNER);
        assert!(started.elapsed() >= Duration::from_millis(990));
        assert_eq!(fake.request_count(), 2);
    }

    #[tokio::test]
    async fn a_long_retry_after_or_a_second_429_goes_back_to_the_caller() {
        let (fake, client, owner) = demo_owner().await;
        fake.faults().too_many_requests(1).retry_after(Some(3600));
        assert_eq!(
            client.me(&owner, false).await.unwrap_err(),
            AppError::RateLimited {
                retry_after_secs: Some(3600)
            }
        );
        assert_eq!(fake.request_count(), 1);
        fake.faults()
            .too_many_requests(u32::MAX)
            .retry_after(Some(0));
        assert_eq!(
            client.me(&owner, false).await.unwrap_err(),
            AppError::RateLimited {
                retry_after_secs: Some(0)
            }
        );
        assert_eq!(fake.request_count(), 3, "one wait, then the caller decides");
    }

    #[tokio::test]
    async fn redirects_are_not_followed_and_read_as_unexpected() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        let elsewhere = FakeToggl::start(Scenario::demo()).await;
        fake.faults().redirect_to(Some(elsewhere.url()));
        let client = fast_client(&fake.url());
        let error = client
            .me(&token(&fake.token_of(DEMO_OWNER)), false)
            .await
            .unwrap_err();
        assert_eq!(
            error,
            AppError::UnexpectedResponse {
                path: "/api/v9/me".into()
            }
        );
        assert_eq!(fake.request_count(), 1);
        assert_eq!(elsewhere.request_count(), 0, "the token went nowhere else");
    }

    #[test]
    fn a_plain_http_base_off_loopback_is_refused_by_the_client_too() {
        let error = TogglClient::new("http://example.com").unwrap_err();
        assert_eq!(error.code(), "config");
        assert!(TogglClient::new("https://api.track.toggl.com").is_ok());
    }

    #[tokio::test]
    async fn an_oversized_body_is_refused_by_its_length() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        let client = TogglClient::builder()
            .base_url(fake.url())
            .min_interval(Duration::from_millis(1))
            .max_body_bytes(2_000)
            .build()
            .unwrap();
        let owner = token(&fake.token_of(DEMO_OWNER));
        assert_eq!(client.me(&owner, false).await.unwrap().id, DEMO_OWNER);
        assert_eq!(
            client.me(&owner, true).await.unwrap_err(),
            AppError::UnexpectedResponse {
                path: "/api/v9/me".into()
            }
        );
    }

    /// A server that streams an endless chunked body with no length announced.
    fn endless_chunked_server() -> String {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            let Ok((mut stream, _)) = listener.accept() else {
                return;
            };
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n",
            );
            let chunk = format!("400\r\n{}\r\n", "[".repeat(0x400));
            while stream.write_all(chunk.as_bytes()).is_ok() {}
        });
        url
    }

    #[tokio::test]
    async fn a_streamed_body_is_cut_at_the_limit() {
        let url = endless_chunked_server();
        let client = TogglClient::builder()
            .base_url(url)
            .max_body_bytes(64 * 1024)
            .build()
            .unwrap();
        let error = client
            .my_workspaces(&token(&"a".repeat(32)))
            .await
            .unwrap_err();
        assert_eq!(
            error,
            AppError::UnexpectedResponse {
                path: "/api/v9/me/workspaces".into()
            }
        );
    }

    /// The DNS answers an address that is not this computer (and does not answer) for
    /// every name; `localhost` still reaches the fake, so it was never looked up.
    #[tokio::test]
    async fn localhost_is_never_asked_of_dns() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        let client = TogglClient::builder()
            .base_url(format!("http://localhost:{}", fake.port()))
            .min_interval(Duration::from_millis(1))
            .connect_timeout(Duration::from_millis(500))
            .lying_dns(std::net::IpAddr::from([192, 0, 2, 1]))
            .build()
            .unwrap();
        let owner = token(&fake.token_of(DEMO_OWNER));
        assert_eq!(client.me(&owner, false).await.unwrap().id, DEMO_OWNER);
        assert_eq!(fake.request_count(), 1);
    }

    const PROXY_PROBE: &str = "BLINK_TEST_PROXY_PROBE";

    /// Runs [`proxy_probe`] in a child process with every proxy variable pointing at a
    /// listener; the child's requests must reach the fake and the listener nothing.
    /// A child process, because environment variables are shared by all test threads.
    #[test]
    fn a_loopback_base_url_ignores_proxy_variables() {
        let trap = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let proxy = format!("http://{}", trap.local_addr().unwrap());
        let mut child = std::process::Command::new(std::env::current_exe().unwrap());
        child
            .args(["--exact", "toggl::client::tests::proxy_probe", "--ignored"])
            .env(PROXY_PROBE, "1")
            .env_remove("NO_PROXY")
            .env_remove("no_proxy");
        for var in [
            "HTTP_PROXY",
            "http_proxy",
            "ALL_PROXY",
            "all_proxy",
            "HTTPS_PROXY",
        ] {
            child.env(var, &proxy);
        }
        let output = child.output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{stdout}");
        assert!(stdout.contains("1 passed"), "{stdout}");
        trap.set_nonblocking(true).unwrap();
        assert!(
            trap.accept().is_err(),
            "a request went to the proxy, Authorization header and all"
        );
    }

    #[tokio::test]
    #[ignore = "run in a child process by a_loopback_base_url_ignores_proxy_variables"]
    async fn proxy_probe() {
        if std::env::var_os(PROXY_PROBE).is_none() {
            return;
        }
        let fake = FakeToggl::start(Scenario::demo()).await;
        let client = TogglClient::builder()
            .base_url(fake.url())
            .timeout(Duration::from_secs(2))
            .build()
            .unwrap();
        let owner = token(&fake.token_of(DEMO_OWNER));
        assert_eq!(client.me(&owner, false).await.unwrap().id, DEMO_OWNER);
        assert_eq!(fake.request_count(), 1);
    }

    #[tokio::test]
    async fn user_level_and_organization_quotas_are_kept_in_separate_buckets() {
        use crate::toggl::quota::Bucket;
        let mut scenario = Scenario::demo();
        scenario.limits.user_per_hour = 2;
        scenario.limits.org_per_hour = Some(5);
        let fake = FakeToggl::start(scenario).await;
        let client = fast_client(&fake.url());
        let owner = token(&fake.token_of(DEMO_OWNER));
        client.me(&owner, true).await.unwrap();
        client.my_organizations(&owner).await.unwrap();
        client
            .clients(&owner, 1001, crate::toggl::ClientStatus::Both)
            .await
            .unwrap();
        assert_eq!(client.quota_of(Bucket::User).map(|q| q.remaining), Some(0));
        assert_eq!(
            client
                .quota_of(Bucket::Organization(1))
                .map(|q| q.remaining),
            Some(4),
            "the workspace's organization was learned from /me"
        );
        assert_eq!(client.last_quota().map(|q| q.remaining), Some(4));
        assert_eq!(client.quotas().len(), 2);
        let refused = client.me(&owner, false).await.unwrap_err();
        assert_eq!(refused.code(), "quota_exhausted");
        client.tags_page(&owner, 1001, 1).await.unwrap();
    }

    #[tokio::test]
    async fn a_402_without_quota_details_after_the_bucket_ran_dry_is_the_quota() {
        use blink_fake_toggl::fake::Shape;
        let mut scenario = Scenario::demo().with_shape(Shape {
            bare_quota_refusals: true,
            ..Shape::default()
        });
        scenario.limits.org_per_hour = Some(1);
        let fake = FakeToggl::start(scenario).await;
        let client = fast_client(&fake.url());
        let owner = token(&fake.token_of(DEMO_OWNER));
        client.note_workspace_organization(1001, 1);
        client.tags_page(&owner, 1001, 1).await.unwrap();
        let error = client.tags_page(&owner, 1001, 2).await.unwrap_err();
        assert_eq!(error.code(), "quota_exhausted", "{error:?}");
        assert_eq!(fake.requests()[1].status, Some(402));
    }

    #[tokio::test]
    async fn a_403_on_a_workspace_is_lost_access_there_not_a_bad_token() {
        let (fake, client, owner) = demo_owner().await;
        fake.update_scenario(|s| {
            s.workspaces[1].members.retain(|(id, _)| *id != DEMO_OWNER);
            s.organizations[0].owner_id = DEMO_MEMBER;
        });
        let error = client.workspace_members(&owner, 1002).await.unwrap_err();
        assert_eq!(
            error,
            AppError::AccessChanged {
                scope: "workspace 1002".into(),
                toggl_says: Some("User does not have access to this resource.".into()),
            }
        );
        let report = client
            .detailed_report_page(
                &owner,
                1002,
                &crate::toggl::models::ReportQuery::between("2025-10-01", "2025-10-31"),
                None,
            )
            .await
            .unwrap_err();
        assert_eq!(report.code(), "access_changed");
        assert!(report
            .to_string()
            .contains("\"Workspace not found/accessible\""));
        assert_eq!(client.me(&owner, false).await.unwrap().id, DEMO_OWNER);
        fake.reset_token(DEMO_OWNER);
        assert_eq!(
            client.workspace_members(&owner, 1001).await.unwrap_err(),
            AppError::TokenRejected,
            "a reset token still reads as a reset token"
        );
    }

    #[tokio::test]
    async fn toggls_own_words_reach_the_error_and_the_log() {
        use crate::toggl::test_support::CapturedLogs;
        use blink_fake_toggl::fake::Shape;
        let logs = CapturedLogs::for_this_thread();
        let earliest = chrono::NaiveDate::from_ymd_opt(2025, 11, 2).unwrap();
        let fake = FakeToggl::start(Scenario::demo().with_shape(Shape {
            own_entries_earliest: Some(earliest),
            ..Shape::default()
        }))
        .await;
        let client = fast_client(&fake.url());
        let owner = token(&fake.token_of(DEMO_OWNER));
        let end = blink_fake_toggl::fake::generated_epoch();
        let error = client
            .my_time_entries(&owner, end - chrono::Duration::days(89), end)
            .await
            .unwrap_err();
        assert_eq!(error.code(), "toggl_refused");
        let text = error.to_string();
        assert!(
            text.contains("start_date must not be earlier than 2025-11-02"),
            "{text}"
        );
        assert!(!text.contains("did not understand"), "{text}");
        assert_eq!(
            crate::toggl::status::own_entries_earliest_date(&error),
            Some(earliest)
        );
        assert!(logs
            .lines()
            .iter()
            .any(|l| l.contains("must not be earlier than 2025-11-02") && l.contains("400")));
        let reachable = client
            .my_time_entries(&owner, end - chrono::Duration::days(30), end)
            .await;
        assert!(reachable.is_ok(), "{reachable:?}");
    }
}
