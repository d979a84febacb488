//! The HTTP client for Toggl Track: authentication, pacing, retries and the mapping of
//! failures to `AppError`. Endpoint methods live in `endpoints.rs`; this file only knows
//! how to send one request well.
//!
//! Every request costs part of a small hourly quota, so retries are few and bounded:
//! 429 gets at most 3 tries in all, 5xx at most 2 retries, and nothing else is retried.
//! Dropping a returned future cancels the request; no state is left half-updated.

use super::pacing::Pacer;
use super::quota::Quota;
use super::status::{classify, Verdict};
use crate::error::{AppError, AppResult};
use crate::token::ApiToken;
use reqwest::header::{HeaderMap, CONTENT_TYPE};
use reqwest::Method;
use serde::de::DeserializeOwned;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use url::Url;

pub const DEFAULT_BASE_URL: &str = crate::config::DEFAULT_TOGGL_URL;
const USER_AGENT: &str = concat!("BlinkConnections/", env!("CARGO_PKG_VERSION"));
const MAX_TRIES_ON_429: u32 = 3;
const MAX_RETRIES_ON_5XX: u32 = 2;

/// Settings of a [`TogglClient`]; the defaults suit the real Toggl, tests shorten them.
#[derive(Debug, Clone)]
pub struct TogglClientBuilder {
    base_url: String,
    connect_timeout: Duration,
    timeout: Duration,
    min_interval: Duration,
    backoff_base: Duration,
    max_backoff: Duration,
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
    /// First backoff delay after a 429 or 5xx; later ones double.
    pub fn backoff_base(mut self, d: Duration) -> Self {
        self.backoff_base = d;
        self
    }
    /// Upper bound of any backoff, including one asked for by `Retry-After`.
    pub fn max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }

    pub fn build(self) -> AppResult<TogglClient> {
        let base = Url::parse(self.base_url.trim_end_matches('/'))
            .map_err(|e| AppError::Config(format!("Toggl URL is not a URL ({e})")))?;
        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .build()
            .map_err(|e| AppError::Config(format!("HTTP client could not start: {e}")))?;
        Ok(TogglClient {
            inner: Arc::new(Inner {
                http,
                base,
                pacer: Pacer::new(self.min_interval),
                backoff_base: self.backoff_base,
                max_backoff: self.max_backoff,
                meter: Meter::default(),
            }),
            meter: None,
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
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    base: Url,
    pacer: Pacer,
    backoff_base: Duration,
    max_backoff: Duration,
    meter: Meter,
}

/// Requests sent and the latest quota headers seen.
#[derive(Debug, Default)]
struct Meter {
    requests_made: AtomicU64,
    last_quota: Mutex<Option<Quota>>,
}

impl Meter {
    fn count_request(&self) {
        self.requests_made.fetch_add(1, Ordering::Relaxed);
    }

    fn record_quota(&self, quota: Quota) {
        *self.last_quota.lock().unwrap_or_else(|p| p.into_inner()) = Some(quota);
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

    /// A client with the default settings for the configured host (`BLINK_TOGGL_URL`).
    pub fn from_config(config: &crate::config::Config) -> AppResult<TogglClient> {
        Self::new(config.toggl_url.as_str())
    }

    /// A clone that shares the connection pool and the per-token pacing but counts its
    /// own requests and quota, so a pull reports what it used, not what a token check
    /// or another connection's pull sent at the same time. The app-wide counts go on.
    pub fn metered(&self) -> TogglClient {
        TogglClient {
            inner: Arc::clone(&self.inner),
            meter: Some(Arc::new(Meter::default())),
        }
    }

    fn meter(&self) -> &Meter {
        self.meter.as_deref().unwrap_or(&self.inner.meter)
    }

    /// The quota headers of the latest response that carried them.
    pub fn last_quota(&self) -> Option<Quota> {
        *self
            .meter()
            .last_quota
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// HTTP requests sent so far, retries included: the quota counts each one.
    pub fn requests_made(&self) -> u64 {
        self.meter().requests_made.load(Ordering::Relaxed)
    }

    /// Sends one logical request, retrying only 429 and 5xx within the bounds above.
    pub(crate) async fn send(
        &self,
        token: &ApiToken,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&serde_json::Value>,
    ) -> AppResult<Reply> {
        let url = self.url(path, query);
        let mut tries_429 = 0;
        let mut retries_5xx = 0;
        loop {
            let (status, headers, bytes) = self.send_once(token, &method, &url, path, body).await?;
            match classify(status, &headers, &bytes, path) {
                Verdict::Success => {
                    return Ok(Reply {
                        headers,
                        body: bytes,
                        path: path.to_string(),
                    })
                }
                Verdict::Fail(e) => return Err(e),
                Verdict::SlowDown { retry_after } => {
                    tries_429 += 1;
                    if tries_429 >= MAX_TRIES_ON_429 {
                        return Err(AppError::RateLimited);
                    }
                    let delay = retry_after.unwrap_or_else(|| self.backoff(tries_429 - 1));
                    tokio::time::sleep(delay.min(self.inner.max_backoff)).await;
                }
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
        if let Some(quota) = Quota::from_headers(&headers) {
            self.inner.meter.record_quota(quota);
            if let Some(meter) = &self.meter {
                meter.record_quota(quota);
            }
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| transport_error(&e, method, path))?;
        tracing::debug!(%method, path, status = status.as_u16(), "toggl request");
        Ok((status, headers, bytes.to_vec()))
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
    } else if e.is_decode() {
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
            AppError::RateLimited
        );
        assert_eq!(client.last_quota().map(|q| q.remaining), Some(1000));
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
}
