//! The path of every request through the fake, in Toggl's order: record it, wait if a
//! delay fault is set, then server faults, rate limit faults, authentication, the
//! per-second limit, the hourly quota, the paid-feature fault, and finally the endpoint.
//! Successful answers carry the quota headers of the bucket they drew from.

use super::answer::Answer;
use super::auth::{credentials, Credentials};
use super::faults::{take_one, Faults};
use super::limits::{Limiter, QuotaStatus};
use super::log::{RecordedRequest, RequestLog};
use super::routes::{bucket_org, route, Call};
use super::scenario::{Scenario, User};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, Response, Uri};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex, MutexGuard};

pub(crate) struct Shared {
    pub scenario: Mutex<Scenario>,
    pub faults: Faults,
    pub log: RequestLog,
    pub limiter: Mutex<Limiter>,
}

impl Shared {
    pub(crate) fn new(scenario: Scenario) -> Shared {
        Shared {
            scenario: Mutex::new(scenario),
            faults: Faults::default(),
            log: RequestLog::default(),
            limiter: Mutex::new(Limiter::default()),
        }
    }

    pub(crate) fn scenario(&self) -> MutexGuard<'_, Scenario> {
        self.scenario.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn limiter(&self) -> MutexGuard<'_, Limiter> {
        self.limiter.lock().unwrap_or_else(|p| p.into_inner())
    }
}

const NGINX_429: &str = "<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n<body>\r\n<center><h1>429 Too Many Requests</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

pub(crate) async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response<Body> {
    let creds = credentials(&headers);
    let user = match &creds {
        Credentials::Token(token) => shared.scenario().user_by_token(token).cloned(),
        _ => None,
    };
    let index = shared.log.push(RecordedRequest {
        method: method.to_string(),
        path: uri.path().to_string(),
        query: uri.query().map(str::to_string),
        body: String::from_utf8_lossy(&body).into_owned(),
        user_id: user.as_ref().map(|u| u.id),
        had_auth_header: creds != Credentials::Missing,
        user_agent: headers
            .get("user-agent")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        status: None,
    });
    let delay = shared.faults.lock().delay;
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    let answer = answer(&shared, &method, &uri, &creds, user.as_ref(), &body);
    shared.log.set_status(index, answer.status);
    answer.into_response()
}

fn too_many_requests(retry_after: Option<u64>) -> Answer {
    let answer = Answer::text(429, "text/html", NGINX_429.into());
    match retry_after {
        Some(secs) => answer.header("retry-after", secs),
        None => answer,
    }
}

fn quota_exhausted(resets_in_secs: u64) -> Answer {
    let text = format!(
        "You have hit your hourly limit for API calls. The quota will reset in {resets_in_secs} seconds."
    );
    with_quota(
        Answer::text(402, "text/plain; charset=utf-8", text),
        QuotaStatus {
            remaining: 0,
            resets_in_secs,
        },
    )
}

fn with_quota(answer: Answer, status: QuotaStatus) -> Answer {
    answer
        .header("x-toggl-quota-remaining", status.remaining)
        .header("x-toggl-quota-resets-in", status.resets_in_secs)
}

fn answer(
    shared: &Shared,
    method: &Method,
    uri: &Uri,
    creds: &Credentials,
    user: Option<&User>,
    body: &[u8],
) -> Answer {
    let scenario = shared.scenario();
    let mut faults = shared.faults.lock();
    if take_one(&mut faults.server_errors) {
        return Answer::error(503, "Service Unavailable");
    }
    if take_one(&mut faults.too_many_requests) {
        return too_many_requests(faults.retry_after_secs);
    }
    let user = match (creds, user) {
        (Credentials::Missing, _) => {
            return Answer::empty(401).header("x-authorization-missing", "true")
        }
        (_, None) => return Answer::error(403, "Incorrect username and/or password"),
        (_, Some(user)) => user,
    };
    let segments: Vec<&str> = uri.path().split('/').filter(|s| !s.is_empty()).collect();
    let org = bucket_org(&scenario, &segments);
    let limit = org.map_or(scenario.limits.user_per_hour, |o| scenario.org_quota(o));
    let window = scenario.limits.window;
    let mut limiter = shared.limiter();
    let user_bucket = |l: &Limiter| l.peek((user.id, None), scenario.limits.user_per_hour, window);
    if let Some(per_second) = scenario.limits.per_second {
        if limiter.too_fast(&user.token, per_second) {
            let answer = too_many_requests(faults.retry_after_secs);
            return if scenario.shape.quota_headers_on_errors {
                with_quota(answer, user_bucket(&limiter))
            } else {
                answer
            };
        }
    }
    if faults.quota_exhausted {
        return quota_exhausted(limiter.peek((user.id, org), limit, window).resets_in_secs);
    }
    let spent = match limiter.spend((user.id, org), limit, window) {
        Ok(status) => status,
        Err(status) => return quota_exhausted(status.resets_in_secs),
    };
    if faults.paid_feature {
        return Answer::error(402, "Workspace needs to have this feature enabled");
    }
    let quota = quota_report(&scenario, &limiter, user);
    drop(limiter);
    let call = Call {
        method: method.as_str(),
        segments,
        query: uri.query().map(url_pairs).unwrap_or_default(),
        body,
    };
    let mut answer = route(&scenario, user, &call, quota);
    if faults.malformed_json && answer.is_success() {
        answer.body.truncate(answer.body.len() / 2);
        answer.body.push_str("{\"unterminated");
    }
    with_quota(answer, spent)
}

/// `GET /me/quota`: the user bucket (`organization_id: null`) and one per organization.
fn quota_report(s: &Scenario, limiter: &Limiter, user: &User) -> Value {
    let window = s.limits.window;
    let bucket = |org: Option<i64>, total: u32| {
        let status = limiter.peek((user.id, org), total, window);
        json!({"organization_id": org, "remaining": status.remaining,
               "resets_in_secs": status.resets_in_secs, "total": total})
    };
    let mut buckets = vec![bucket(None, s.limits.user_per_hour)];
    for org in s.organizations_of(user.id) {
        buckets.push(bucket(Some(org.id), s.org_quota(org.id)));
    }
    Value::Array(buckets)
}

/// Query parameters by name; the last value wins.
fn url_pairs(query: &str) -> std::collections::HashMap<String, String> {
    url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}
