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
    pub(crate) fn new(mut scenario: Scenario) -> Shared {
        if scenario.shape.personal_organizations {
            scenario.add_personal_organizations();
        }
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
    let answer = with_quota_on_refusal(&shared, user.as_ref(), &uri, answer);
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

fn quota_exhausted(shape: &super::scenario::Shape, resets_in_secs: u64) -> Answer {
    if shape.bare_quota_refusals {
        return Answer::error(402, "Too many requests in the last hour");
    }
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

/// Whether Toggl puts quota headers on refusals is unconfirmed; the scenario decides.
/// They describe the bucket the refused request would have drawn from.
fn with_quota_on_refusal(
    shared: &Shared,
    user: Option<&User>,
    uri: &Uri,
    answer: Answer,
) -> Answer {
    let scenario = shared.scenario();
    match user {
        Some(user)
            if scenario.shape.quota_headers_on_errors
                && !answer.has_header("x-toggl-quota-remaining") =>
        {
            let segments: Vec<&str> = uri.path().split('/').filter(|s| !s.is_empty()).collect();
            let (org, limit) = bucket_and_limit(&scenario, user.id, &segments);
            let status = shared
                .limiter()
                .peek((user.id, org), limit, scenario.limits.window);
            with_quota(answer, status)
        }
        _ => answer,
    }
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
    if let Some(target) = &faults.redirect_to {
        return Answer::empty(307).header("location", format!("{target}{}", uri.path()));
    }
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
    let (org, limit) = bucket_and_limit(&scenario, user.id, &segments);
    let window = scenario.limits.window;
    let mut limiter = shared.limiter();
    if let Some(per_second) = scenario.limits.per_second {
        if limiter.too_fast(&user.token, per_second) {
            return too_many_requests(faults.retry_after_secs);
        }
    }
    if let Some(left) = faults.quota_left_before_exhaustion {
        if left == 0 {
            faults.quota_exhausted = true;
            faults.quota_left_before_exhaustion = None;
        } else {
            faults.quota_left_before_exhaustion = Some(left - 1);
        }
    }
    if faults.quota_exhausted {
        let resets_in_secs = limiter.peek((user.id, org), limit, window).resets_in_secs;
        return quota_exhausted(&scenario.shape, resets_in_secs);
    }
    let spent = match limiter.spend((user.id, org), limit, window) {
        Ok(status) => status,
        Err(status) => return quota_exhausted(&scenario.shape, status.resets_in_secs),
    };
    if faults.paid_feature || (faults.paid_reports && uri.path().starts_with("/reports/")) {
        return Answer::error(402, "Workspace needs to have this feature enabled");
    }
    let quota = quota_report(&scenario, &limiter, user);
    drop(limiter);
    let call = Call {
        method: method.as_str(),
        segments,
        query: uri.query().map(url_pairs).unwrap_or_default(),
        body,
        endless_report: faults.endless_report,
        repeated_list_pages: faults.repeated_list_pages,
    };
    let mut answer = route(&scenario, user, &call, quota);
    if scenario.shape.null_for_empty_lists && answer.is_success() && answer.body == "[]" {
        answer.body = "null".into();
    }
    if faults.malformed_json && answer.is_success() {
        answer.body.truncate(answer.body.len() / 2);
        answer.body.push_str("{\"unterminated");
    }
    with_quota(answer, spent)
}

/// The quota bucket a request draws from (`None` = the user's) and that bucket's limit.
fn bucket_and_limit(s: &Scenario, user_id: i64, segments: &[&str]) -> (Option<i64>, u32) {
    let org = bucket_org(s, user_id, segments);
    (org, org.map_or(s.limits.user_per_hour, |o| s.org_quota(o)))
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

#[cfg(test)]
mod tests {
    use super::super::{FakeToggl, Limits, Scenario, Shape, DEMO_MEMBER, DEMO_OWNER};
    use reqwest::{Client, Response};
    use serde_json::{json, Value};

    async fn get(fake: &FakeToggl, user: Option<i64>, path: &str) -> Response {
        let request = Client::new().get(format!("{}{path}", fake.url()));
        let request = match user {
            Some(id) => request.basic_auth(fake.token_of(id), Some("api_token")),
            None => request,
        };
        request.send().await.unwrap()
    }

    async fn json_at(fake: &FakeToggl, user: i64, path: &str) -> Value {
        get(fake, Some(user), path).await.json().await.unwrap()
    }

    fn items(value: &Value) -> usize {
        value.as_array().map_or(0, Vec::len)
    }

    fn header(response: &Response, name: &str) -> Option<String> {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    }

    #[tokio::test]
    async fn no_authorization_header_gets_an_empty_401_marked_missing() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        let response = get(&fake, None, "/api/v9/me").await;
        assert_eq!(response.status(), 401);
        assert_eq!(
            header(&response, "x-authorization-missing").as_deref(),
            Some("true")
        );
        assert_eq!(response.text().await.unwrap(), "");
        assert!(!fake.requests()[0].had_auth_header);
    }

    #[tokio::test]
    async fn quota_headers_count_down_and_a_used_up_bucket_answers_402_with_text() {
        let limits = Limits {
            user_per_hour: 2,
            ..Limits::default()
        };
        let fake = FakeToggl::start(Scenario::demo().with_limits(limits)).await;
        let first = get(&fake, Some(DEMO_OWNER), "/api/v9/me").await;
        assert_eq!(
            header(&first, "x-toggl-quota-remaining").as_deref(),
            Some("1")
        );
        let second = get(&fake, Some(DEMO_OWNER), "/api/v9/me/organizations").await;
        assert_eq!(
            header(&second, "x-toggl-quota-remaining").as_deref(),
            Some("0")
        );
        let third = get(&fake, Some(DEMO_OWNER), "/api/v9/me").await;
        assert_eq!(third.status(), 402);
        assert_eq!(
            header(&third, "x-toggl-quota-remaining").as_deref(),
            Some("0")
        );
        let resets: u64 = header(&third, "x-toggl-quota-resets-in")
            .unwrap()
            .parse()
            .unwrap();
        let text = third.text().await.unwrap();
        assert!(text.starts_with("You have hit your hourly limit for API calls."));
        assert!(text.contains(&format!("reset in {resets} seconds")));
        let other_user = get(&fake, Some(DEMO_MEMBER), "/api/v9/me").await;
        assert_eq!(other_user.status(), 200, "buckets are per user");
        let org_bucket = get(&fake, Some(DEMO_OWNER), "/api/v9/workspaces/1001/clients").await;
        assert_eq!(
            org_bucket.status(),
            200,
            "organization requests have their own bucket"
        );
    }

    #[tokio::test]
    async fn me_quota_lists_the_user_bucket_and_one_per_organization() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        let body = json_at(&fake, DEMO_OWNER, "/api/v9/me/quota").await;
        assert_eq!(body[0]["organization_id"], Value::Null);
        assert_eq!(body[1]["organization_id"], json!(1));
        assert_eq!(
            body[2]["organization_id"],
            json!(super::super::PERSONAL_ORG_BASE + DEMO_OWNER)
        );
        assert_eq!(items(&body), 3);
    }

    #[tokio::test]
    async fn the_per_second_limit_answers_429_with_nginx_html() {
        let limits = Limits {
            per_second: Some(1),
            ..Scenario::demo().limits
        };
        let fake = FakeToggl::start(Scenario::demo().with_limits(limits)).await;
        assert_eq!(
            get(&fake, Some(DEMO_OWNER), "/api/v9/me").await.status(),
            200
        );
        let second = get(&fake, Some(DEMO_OWNER), "/api/v9/me").await;
        assert_eq!(second.status(), 429);
        assert_eq!(
            header(&second, "content-type").as_deref(),
            Some("text/html")
        );
        assert!(second
            .text()
            .await
            .unwrap()
            .contains("<title>429 Too Many Requests</title>"));
    }

    #[tokio::test]
    async fn counted_faults_clear_themselves() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        fake.faults().server_errors(2);
        let statuses = [
            get(&fake, Some(DEMO_OWNER), "/api/v9/me").await.status(),
            get(&fake, Some(DEMO_OWNER), "/api/v9/me").await.status(),
            get(&fake, Some(DEMO_OWNER), "/api/v9/me").await.status(),
        ];
        assert_eq!(statuses.map(|s| s.as_u16()), [503, 503, 200]);
    }

    #[tokio::test]
    async fn since_and_before_together_are_refused_like_toggl() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        let response = get(
            &fake,
            Some(DEMO_OWNER),
            "/api/v9/me/time_entries?since=1&before=2024-01-01",
        )
        .await;
        assert_eq!(response.status(), 400);
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            body,
            json!("'since' and 'before' can not be present simultaneously")
        );
    }

    #[tokio::test]
    async fn organization_users_are_for_admins_and_paged_with_headers() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        let refused = get(&fake, Some(DEMO_MEMBER), "/api/v9/organizations/1/users").await;
        assert_eq!(refused.status(), 403);
        let page = get(
            &fake,
            Some(DEMO_OWNER),
            "/api/v9/organizations/1/users?page=2&per_page=3",
        )
        .await;
        assert_eq!(header(&page, "x-pages").as_deref(), Some("2"));
        assert_eq!(header(&page, "x-records").as_deref(), Some("4"));
        assert_eq!(items(&page.json().await.unwrap()), 1);
    }

    #[tokio::test]
    async fn report_pages_name_the_next_row_until_the_last_page() {
        let fake = FakeToggl::start(Scenario::generated(3, 1, 2, 120)).await;
        let post = |first: u64| {
            Client::new()
                .post(format!("{}/reports/api/v3/workspace/1001/search/time_entries", fake.url()))
                .basic_auth(fake.token_of(1), Some("api_token"))
                .json(&json!({"start_date": "2025-01-01", "end_date": "2026-01-01", "first_row_number": first}))
                .send()
        };
        let first = post(1).await.unwrap();
        assert_eq!(header(&first, "x-next-row-number").as_deref(), Some("51"));
        assert!(header(&first, "x-next-id").is_some());
        let next_ts: i64 = header(&first, "x-next-timestamp").unwrap().parse().unwrap();
        assert!(next_ts > 1_700_000_000);
        assert_eq!(
            header(&first, "x-range-start").as_deref(),
            Some("2025-01-01")
        );
        let rows: Value = first.json().await.unwrap();
        assert_eq!(rows[0]["row_number"], json!(1));
        assert_eq!(rows.as_array().unwrap().len(), 50);
        let last = post(101).await.unwrap();
        assert_eq!(header(&last, "x-next-row-number"), None);
        assert_eq!(items(&last.json().await.unwrap()), 20);
    }

    #[test]
    fn generated_scenarios_are_the_same_for_the_same_seed() {
        assert_eq!(
            Scenario::generated(9, 2, 3, 50),
            Scenario::generated(9, 2, 3, 50)
        );
        assert_ne!(
            Scenario::generated(9, 2, 3, 50),
            Scenario::generated(10, 2, 3, 50)
        );
    }

    #[test]
    fn the_threaded_fake_serves_sync_callers_and_refuses_after_stop() {
        let mut fake = FakeToggl::start_in_thread(Scenario::demo());
        let addr = fake.url().trim_start_matches("http://").to_string();
        assert!(std::net::TcpStream::connect(&addr).is_ok());
        fake.stop();
        assert!(std::net::TcpStream::connect(&addr).is_err());
        fake.restart().unwrap();
        assert!(std::net::TcpStream::connect(&addr).is_ok());
    }

    #[tokio::test]
    async fn refusals_can_carry_the_user_quota_headers_when_the_scenario_says_so() {
        let shape = Shape {
            quota_headers_on_errors: true,
            ..Shape::default()
        };
        let fake = FakeToggl::start(Scenario::demo().with_shape(shape)).await;
        fake.faults().too_many_requests(1);
        let refused = get(&fake, Some(DEMO_OWNER), "/api/v9/me").await;
        assert_eq!(refused.status(), 429);
        assert_eq!(
            header(&refused, "x-toggl-quota-remaining").as_deref(),
            Some("1000")
        );
        get(&fake, Some(DEMO_OWNER), "/api/v9/workspaces/1001/tags").await;
        fake.faults().too_many_requests(1);
        let refused = get(&fake, Some(DEMO_OWNER), "/api/v9/workspaces/1001/clients").await;
        assert_eq!(
            header(&refused, "x-toggl-quota-remaining").as_deref(),
            Some("999"),
            "the organization's bucket, not the user's"
        );
        let plain = FakeToggl::start(Scenario::demo()).await;
        plain.faults().too_many_requests(1);
        let refused = get(&plain, Some(DEMO_OWNER), "/api/v9/me").await;
        assert_eq!(header(&refused, "x-toggl-quota-remaining"), None);
    }

    #[tokio::test]
    async fn own_time_entries_can_count_against_the_organization_bucket() {
        let limits = Limits {
            user_per_hour: 1,
            org_per_hour: Some(5),
            ..Limits::default()
        };
        let shape = Shape {
            me_time_entries_in_org_bucket: true,
            ..Shape::default()
        };
        let fake = FakeToggl::start(Scenario::demo().with_limits(limits).with_shape(shape)).await;
        let first = get(&fake, Some(DEMO_OWNER), "/api/v9/me/time_entries").await;
        assert_eq!(
            header(&first, "x-toggl-quota-remaining").as_deref(),
            Some("4")
        );
        assert_eq!(
            get(&fake, Some(DEMO_OWNER), "/api/v9/me").await.status(),
            200
        );
        assert_eq!(
            get(&fake, Some(DEMO_OWNER), "/api/v9/me").await.status(),
            402
        );
    }

    #[tokio::test]
    async fn the_quota_can_run_out_after_a_set_number_of_requests() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        fake.faults().exhaust_quota_after(2);
        let mut statuses = Vec::new();
        for _ in 0..4 {
            statuses.push(
                get(&fake, Some(DEMO_OWNER), "/api/v9/me")
                    .await
                    .status()
                    .as_u16(),
            );
        }
        assert_eq!(statuses, [200, 200, 402, 402]);
        fake.faults().quota_exhausted(false);
        assert_eq!(
            get(&fake, Some(DEMO_OWNER), "/api/v9/me").await.status(),
            200
        );
    }

    #[tokio::test]
    async fn an_endless_report_always_names_a_next_row() {
        let fake = FakeToggl::start(Scenario::generated(3, 1, 2, 60)).await;
        fake.faults().endless_report(true);
        let response = Client::new()
            .post(format!("{}/reports/api/v3/workspace/1001/search/time_entries", fake.url()))
            .basic_auth(fake.token_of(1), Some("api_token"))
            .json(&json!({"start_date": "2025-01-01", "end_date": "2026-01-01", "first_row_number": 5001}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            header(&response, "x-next-row-number").as_deref(),
            Some("5051")
        );
        let rows: Value = response.json().await.unwrap();
        assert_eq!(rows[0]["row_number"], json!(1));
    }

    #[tokio::test]
    async fn empty_lists_answer_null_unless_switched_off() {
        let mut scenario = Scenario::demo();
        scenario.clients.retain(|c| c.workspace_id != 1002);
        let fake = FakeToggl::start(scenario.clone()).await;
        let path = "/api/v9/workspaces/1002/clients";
        let body = get(&fake, Some(DEMO_OWNER), path)
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(body, "null");
        scenario.shape.null_for_empty_lists = false;
        let plain = FakeToggl::start(scenario).await;
        let body = get(&plain, Some(DEMO_OWNER), path)
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(body, "[]");
    }

    #[tokio::test]
    async fn members_have_is_admin_and_a_role_key_only_when_asked() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        let path = "/api/v9/workspaces/1002/users";
        let members = json_at(&fake, DEMO_OWNER, path).await;
        assert_eq!(members[0]["is_admin"], json!(true));
        assert!(members[0].get("role").is_none());
        let documented = FakeToggl::start(Scenario::demo().with_shape(Shape {
            member_role_key: true,
            ..Shape::default()
        }))
        .await;
        let members = json_at(&documented, DEMO_OWNER, path).await;
        assert_eq!(members[0]["role"], json!("admin"));
    }

    #[tokio::test]
    async fn every_account_owns_a_personal_organization_without_workspaces_by_default() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        let orgs = json_at(&fake, DEMO_MEMBER, "/api/v9/me/organizations").await;
        let personal = super::super::PERSONAL_ORG_BASE + DEMO_MEMBER;
        let owned: Vec<&Value> = orgs
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["owner"] == json!(true))
            .collect();
        assert_eq!(owned.len(), 1);
        assert_eq!(owned[0]["id"], json!(personal));
        let workspaces = json_at(&fake, DEMO_MEMBER, "/api/v9/me/workspaces").await;
        assert!(workspaces
            .as_array()
            .unwrap()
            .iter()
            .all(|w| w["organization_id"] != json!(personal)));
        let plain = FakeToggl::start(Scenario::demo().with_shape(Shape {
            personal_organizations: false,
            ..Shape::default()
        }))
        .await;
        let orgs = json_at(&plain, DEMO_MEMBER, "/api/v9/me/organizations").await;
        assert_eq!(items(&orgs), 1, "switched off");
    }

    #[tokio::test]
    async fn own_entries_before_the_lookback_limit_are_refused_with_the_date() {
        let earliest = chrono::NaiveDate::from_ymd_opt(2025, 10, 3).unwrap();
        let fake = FakeToggl::start(Scenario::demo().with_shape(Shape {
            own_entries_earliest: Some(earliest),
            ..Shape::default()
        }))
        .await;
        let old = get(
            &fake,
            Some(DEMO_OWNER),
            "/api/v9/me/time_entries?start_date=2025-10-02&end_date=2025-11-01",
        )
        .await;
        assert_eq!(old.status(), 400);
        let body: Value = old.json().await.unwrap();
        assert_eq!(
            body,
            json!("start_date must not be earlier than 2025-10-03")
        );
        let recent = get(
            &fake,
            Some(DEMO_OWNER),
            "/api/v9/me/time_entries?start_date=2025-10-03&end_date=2025-11-01",
        )
        .await;
        assert_eq!(recent.status(), 200);
    }

    #[tokio::test]
    async fn project_pages_name_their_number_and_a_capped_size() {
        let fake = FakeToggl::start(Scenario::demo().with_shape(Shape {
            max_per_page: Some(2),
            ..Shape::default()
        }))
        .await;
        let page = get(
            &fake,
            Some(DEMO_OWNER),
            "/api/v9/workspaces/1001/projects?active=both&page=2&per_page=200",
        )
        .await;
        assert_eq!(header(&page, "x-page").as_deref(), Some("2"));
        assert_eq!(header(&page, "x-page-size").as_deref(), Some("2"));
        assert_eq!(items(&page.json().await.unwrap()), 2);
    }

    #[tokio::test]
    async fn a_used_up_quota_can_answer_a_bare_402() {
        let limits = Limits {
            user_per_hour: 1,
            ..Limits::default()
        };
        let shape = Shape {
            bare_quota_refusals: true,
            ..Shape::default()
        };
        let fake = FakeToggl::start(Scenario::demo().with_limits(limits).with_shape(shape)).await;
        get(&fake, Some(DEMO_OWNER), "/api/v9/me").await;
        let refused = get(&fake, Some(DEMO_OWNER), "/api/v9/me").await;
        assert_eq!(refused.status(), 402);
        assert_eq!(header(&refused, "x-toggl-quota-remaining"), None);
        let text = refused.text().await.unwrap();
        assert!(
            !text.contains("hourly limit") && !text.contains("quota"),
            "{text}"
        );
    }

    /// One entry at 05:00 UTC on 1 November is still 31 October in Los Angeles.
    async fn report_ids_for_october(in_user_zone: bool) -> (Vec<i64>, String) {
        use super::super::TimeEntry;
        use chrono::TimeZone;
        let mut scenario = Scenario::demo().with_shape(Shape {
            report_dates_in_user_time_zone: in_user_zone,
            ..Shape::default()
        });
        scenario.time_entries.clear();
        scenario.users[0].timezone = "America/Los_Angeles".into();
        scenario = scenario.with_time_entry(TimeEntry {
            id: 4_200_001,
            workspace_id: 1001,
            user_id: DEMO_OWNER,
            project_id: None,
            description: None,
            start: chrono::Utc.with_ymd_and_hms(2025, 11, 1, 5, 0, 0).unwrap(),
            duration: Some(600),
            tag_ids: Vec::new(),
            billable: false,
            ..TimeEntry::default()
        });
        let fake = FakeToggl::start(scenario).await;
        let rows: Value = Client::new()
            .post(format!(
                "{}/reports/api/v3/workspace/1001/search/time_entries",
                fake.url()
            ))
            .basic_auth(fake.token_of(DEMO_OWNER), Some("api_token"))
            .json(&json!({"start_date": "2025-10-01", "end_date": "2025-10-31"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let ids = rows
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| r["time_entries"][0]["id"].as_i64().unwrap())
            .collect();
        let start = rows[0]["time_entries"][0]["start"]
            .as_str()
            .unwrap_or("")
            .to_string();
        (ids, start)
    }

    #[tokio::test]
    async fn report_days_can_be_read_in_the_users_time_zone_with_times_in_its_offset() {
        let (ids, start) = report_ids_for_october(true).await;
        assert_eq!(ids, [4_200_001]);
        assert_eq!(
            start, "2025-10-31T22:00:00-07:00",
            "still daylight saving time"
        );
        let (ids, _) = report_ids_for_october(false).await;
        assert!(ids.is_empty(), "as UTC days the entry is November's");
    }
}
