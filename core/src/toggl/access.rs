//! Who a token belongs to and what the account may do, asked of Toggl. The rule that
//! decides whether the account may be used lives with the neutral records in
//! [`crate::domain::access`]; this module only asks and translates.

use super::client::TogglClient;
use super::models::{Me, Organization};
use crate::domain::access::{AccessReport, OrganizationAccess, TogglUser, WorkspaceAccess};
use crate::error::AppResult;
use crate::token::ApiToken;
use chrono::{DateTime, Utc};

/// Learns who `token` belongs to and what the account may do, in exactly **2 requests**,
/// both user-level calls (30 an hour on every Toggl plan):
/// `GET /api/v9/me?with_related_data=true` (the user and each workspace with the
/// caller's role) and `GET /api/v9/me/organizations` (the owner/admin flags).
/// Retries after a 429 or 5xx add requests, within the client's bounds.
pub async fn check_access(client: &TogglClient, token: &ApiToken) -> AppResult<AccessReport> {
    let me = client.me(token, true).await?;
    let organizations = client.my_organizations(token).await?;
    Ok(report_from_toggl(me, organizations, Utc::now()))
}

/// The role check for the token as pasted: a malformed token is refused here with no
/// request to Toggl; a well-formed one is checked with [`check_access`] (2 requests).
pub async fn check_pasted_token(
    client: &TogglClient,
    pasted: &str,
) -> AppResult<(ApiToken, AccessReport)> {
    let token = ApiToken::parse(pasted)?;
    let report = check_access(client, &token).await?;
    Ok((token, report))
}

/// Builds the access snapshot from the two role-check responses: the wire shapes are
/// turned into the neutral [`crate::domain::access`] records here, and the verdict is
/// decided by the domain's rule.
pub fn report_from_toggl(
    me: Me,
    organizations: Vec<Organization>,
    checked_at: DateTime<Utc>,
) -> AccessReport {
    let organizations = organizations
        .into_iter()
        .map(|o| OrganizationAccess {
            id: o.id,
            name: o.name,
            owner: o.owner.unwrap_or(false),
            admin: o.admin.unwrap_or(false),
        })
        .collect();
    let workspaces = me
        .workspaces
        .unwrap_or_default()
        .into_iter()
        .map(|w| WorkspaceAccess {
            role: w.effective_role().unwrap_or_else(|| "unknown".into()),
            id: w.id,
            name: w.name,
            organization_id: w.organization_id,
        })
        .collect();
    let week_start = me.beginning_of_week;
    let user = TogglUser {
        id: me.id,
        fullname: me.fullname.unwrap_or_default(),
        email: me.email,
        timezone: me.timezone,
    };
    AccessReport::new(user, organizations, workspaces, checked_at).with_week_start(week_start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::access::Verdict;
    use crate::error::AppError;
    use crate::error::ROLE_RULE;
    use crate::toggl::test_support::{fast_client, token};
    use blink_fake_toggl::fake::{
        FakeToggl, Scenario, Shape, DEMO_MEMBER, DEMO_ORG_ADMIN, DEMO_OWNER, DEMO_WORKSPACE_ADMIN,
    };
    use std::time::Duration;

    /// Runs the role check for one scenario user; returns the outcome and the fake.
    async fn check_as(scenario: Scenario, user_id: i64) -> (AppResult<AccessReport>, FakeToggl) {
        let fake = FakeToggl::start(scenario).await;
        let outcome =
            check_access(&fast_client(&fake.url()), &token(&fake.token_of(user_id))).await;
        (outcome, fake)
    }

    fn assert_two_role_requests(fake: &FakeToggl) {
        let paths: Vec<(String, Option<String>)> = fake
            .requests()
            .into_iter()
            .map(|r| (r.path, r.query))
            .collect();
        assert_eq!(
            paths,
            vec![
                ("/api/v9/me".into(), Some("with_related_data=true".into())),
                ("/api/v9/me/organizations".into(), None),
            ]
        );
    }

    #[tokio::test]
    async fn the_organization_owner_is_allowed_in_two_requests() {
        let (report, fake) = check_as(Scenario::demo(), DEMO_OWNER).await;
        let report = report.unwrap();
        assert_eq!(
            report.verdict,
            Verdict::OrganizationOwner {
                organizations: vec!["Blink Demo".into()]
            }
        );
        assert_eq!(report.user.email, "olivia.owner@example.test");
        assert_eq!(report.user.fullname, "Olivia Owner");
        assert_eq!(report.user.timezone.as_deref(), Some("Europe/Berlin"));
        assert!(report.organizations[0].owner && report.organizations[0].admin);
        assert_two_role_requests(&fake);
    }

    /// The week start comes with the user in the same answer: no request is added.
    #[tokio::test]
    async fn the_users_week_start_is_read_from_the_same_two_requests() {
        let sunday = Scenario::demo().with_week_start(DEMO_OWNER, 0);
        let (report, fake) = check_as(sunday, DEMO_OWNER).await;
        assert_eq!(report.unwrap().beginning_of_week, 0);
        assert_two_role_requests(&fake);
        let (report, _) =
            check_as(Scenario::demo().with_week_start(DEMO_OWNER, 6), DEMO_OWNER).await;
        assert_eq!(report.unwrap().beginning_of_week, 6);
    }

    #[test]
    fn a_week_start_toggl_never_sends_falls_back_to_monday() {
        let at = Utc::now();
        let user = TogglUser {
            id: 1,
            fullname: "Ann".into(),
            email: "ann@example.test".into(),
            timezone: None,
        };
        let report = |day| AccessReport::new(user.clone(), vec![], vec![], at).with_week_start(day);
        assert_eq!(report(Some(3)).beginning_of_week, 3);
        assert_eq!(report(None).beginning_of_week, 1);
        assert_eq!(report(Some(7)).beginning_of_week, 1);
        assert_eq!(report(Some(-1)).beginning_of_week, 1);
    }

    /// The old rule let the Organization Admin flag decide on its own; the guide's rule
    /// needs the workspace's admin role (or ownership of its organization).
    #[tokio::test]
    async fn an_organization_admin_who_administers_no_workspace_is_refused() {
        let (report, fake) = check_as(Scenario::demo(), DEMO_ORG_ADMIN).await;
        let report = report.unwrap();
        assert!(report.organizations.iter().any(|o| o.admin && !o.owner));
        assert!(report.workspaces.iter().all(|w| !w.is_admin()));
        assert_eq!(report.verdict, Verdict::Refused);
        assert_eq!(report.qualifying_workspaces().count(), 0);
        assert_eq!(
            report.require_allowed().unwrap_err().code(),
            "role_insufficient"
        );
        assert_two_role_requests(&fake);
    }

    #[tokio::test]
    async fn a_workspace_admin_of_one_of_two_workspaces_is_allowed_for_that_one() {
        let (report, fake) = check_as(Scenario::demo(), DEMO_WORKSPACE_ADMIN).await;
        let report = report.unwrap();
        assert_eq!(
            report.verdict,
            Verdict::WorkspaceAdmin {
                workspaces: vec!["Client Work".into()]
            }
        );
        assert_eq!(report.workspaces.len(), 2);
        assert_two_role_requests(&fake);
    }

    #[tokio::test]
    async fn a_plain_member_everywhere_is_refused_with_the_role_and_where_to_see_it() {
        let (report, fake) = check_as(Scenario::demo(), DEMO_MEMBER).await;
        let report = report.unwrap();
        assert_eq!(report.verdict, Verdict::Refused);
        let error = report.require_allowed().unwrap_err();
        assert_eq!(error.code(), "role_insufficient");
        let message = error.to_string();
        for needle in [
            "Organization Owner",
            "Workspace Admin",
            ROLE_RULE,
            "Admin → Organization (Owner) or Admin → Members (Workspace Admin)",
            "max.member@example.test",
        ] {
            assert!(message.contains(needle), "{needle} missing from: {message}");
        }
        assert_two_role_requests(&fake);
    }

    fn two_organizations() -> Scenario {
        Scenario::new()
            .with_user(1, "owner-a@example.test", "Owner A")
            .with_user(2, "owner-b@example.test", "Owner B")
            .with_user(7, "mixed@example.test", "Mixed Roles")
            .with_organization(10, "Org A", 1)
            .with_organization(20, "Org B", 2)
            .with_workspace(100, 10, "A main")
            .with_workspace(200, 20, "B main")
            .with_member(100, 7, "user")
            .with_member(200, 7, "admin")
    }

    /// An Organization Admin of Org A who is a plain user in its workspace gains nothing
    /// from that flag: only the admin role in "B main" qualifies.
    #[tokio::test]
    async fn a_member_of_two_organizations_qualifies_only_where_the_workspace_role_allows() {
        let (report, fake) = check_as(two_organizations(), 7).await;
        let report = report.unwrap();
        let personal = blink_fake_toggl::fake::PERSONAL_ORG_BASE + 7;
        assert_eq!(
            report.organizations.len(),
            3,
            "two companies and the personal one"
        );
        assert!(report
            .organizations
            .iter()
            .all(|o| (o.id == personal) == (o.owner && o.admin)));
        assert_eq!(
            report.verdict,
            Verdict::WorkspaceAdmin {
                workspaces: vec!["B main".into()]
            }
        );
        assert_two_role_requests(&fake);

        let (report, fake) = check_as(two_organizations().with_org_admin(10, 7), 7).await;
        let report = report.unwrap();
        assert!(report.organizations.iter().any(|o| o.id == 10 && o.admin));
        assert_eq!(
            report.verdict,
            Verdict::WorkspaceAdmin {
                workspaces: vec!["B main".into()]
            }
        );
        let qualifying: Vec<i64> = report.qualifying_workspaces().map(|w| w.id).collect();
        assert_eq!(qualifying, vec![200]);
        assert_eq!(fake.request_count(), 2);
    }

    #[tokio::test]
    async fn the_deprecated_admin_flag_decides_when_role_is_missing() {
        let shape = Shape {
            omit_workspace_role: true,
            ..Shape::default()
        };
        let (report, fake) =
            check_as(Scenario::demo().with_shape(shape), DEMO_WORKSPACE_ADMIN).await;
        let report = report.unwrap();
        assert_eq!(
            report.verdict,
            Verdict::WorkspaceAdmin {
                workspaces: vec!["Client Work".into()]
            }
        );
        assert_eq!(fake.request_count(), 2);
    }

    #[tokio::test]
    async fn malformed_pasted_tokens_are_refused_before_any_request() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        let client = fast_client(&fake.url());
        let cases = [
            ("", "token_empty"),
            ("   \n", "token_empty"),
            ("0123456789abcdef 123456789abcdef", "token_malformed"),
            ("0123456789abcdef0123456789abcde", "token_malformed"),
            ("0123456789abcdef0123456789abcdef00", "token_malformed"),
            ("0123456789abcdef0123456789abcdeg", "token_malformed"),
        ];
        for (input, code) in cases {
            let error = check_pasted_token(&client, input).await.unwrap_err();
            assert_eq!(error.code(), code, "{input:?}");
        }
        assert_eq!(fake.request_count(), 0);
        assert_eq!(client.requests_made(), 0);
    }

    #[tokio::test]
    async fn a_pasted_token_with_surrounding_whitespace_is_checked() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        let pasted = format!("  {}\n", fake.token_of(DEMO_OWNER));
        let (_, report) = check_pasted_token(&fast_client(&fake.url()), &pasted)
            .await
            .unwrap();
        assert!(report.verdict.is_allowed());
        assert_eq!(fake.request_count(), 2);
    }

    #[tokio::test]
    async fn an_unknown_token_is_rejected_after_one_request() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        let client = fast_client(&fake.url());
        let error = check_access(&client, &token("0123456789abcdef0123456789abcdef"))
            .await
            .unwrap_err();
        assert_eq!(error, AppError::TokenRejected);
        assert_eq!(fake.request_count(), 1);
        assert_eq!(fake.requests()[0].status, Some(403));
    }

    #[tokio::test]
    async fn a_reset_token_is_rejected_and_the_new_one_works() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        let client = fast_client(&fake.url());
        let old = token(&fake.token_of(DEMO_OWNER));
        let new = token(&fake.reset_token(DEMO_OWNER).unwrap());
        assert_ne!(old, new);
        assert_eq!(
            check_access(&client, &old).await.unwrap_err(),
            AppError::TokenRejected
        );
        assert!(check_access(&client, &new)
            .await
            .unwrap()
            .verdict
            .is_allowed());
        assert_eq!(fake.request_count(), 3);
    }

    #[tokio::test]
    async fn an_exhausted_quota_is_reported_with_its_reset_time_after_one_request() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        fake.faults().quota_exhausted(true);
        let client = fast_client(&fake.url());
        let error = check_access(&client, &token(&fake.token_of(DEMO_OWNER)))
            .await
            .unwrap_err();
        match error {
            AppError::QuotaExhausted { resets_in_secs } => {
                assert!((1..=3600).contains(&resets_in_secs))
            }
            other => panic!("expected quota_exhausted, got {other:?}"),
        }
        assert_eq!(fake.request_count(), 1);
        assert_eq!(client.last_quota().map(|q| q.remaining), Some(0));
    }

    #[tokio::test]
    async fn the_user_level_quota_runs_out_between_the_two_requests() {
        let mut scenario = Scenario::demo();
        scenario.limits.user_per_hour = 1;
        let (error, fake) = check_as(scenario, DEMO_OWNER).await;
        assert_eq!(error.unwrap_err().code(), "quota_exhausted");
        assert_eq!(fake.request_count(), 2);
    }

    #[tokio::test]
    async fn a_paid_feature_402_is_not_mistaken_for_the_quota() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        fake.faults().paid_feature(true);
        let client = fast_client(&fake.url());
        let error = check_access(&client, &token(&fake.token_of(DEMO_OWNER)))
            .await
            .unwrap_err();
        assert_eq!(error, AppError::PaidFeatureRequired);
        assert_eq!(fake.request_count(), 1);
    }

    #[tokio::test]
    async fn one_429_with_an_html_body_stops_the_check_without_a_retry() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        fake.faults().too_many_requests(1);
        let client = fast_client(&fake.url());
        let error = check_access(&client, &token(&fake.token_of(DEMO_OWNER)))
            .await
            .unwrap_err();
        assert_eq!(
            error,
            AppError::RateLimited {
                retry_after_secs: None
            }
        );
        assert_eq!(fake.request_count(), 1);
        assert_eq!(fake.requests()[0].status, Some(429));
    }

    #[tokio::test]
    async fn a_long_retry_after_is_handed_back_instead_of_waited() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        fake.faults().too_many_requests(1).retry_after(Some(3600));
        let client = fast_client(&fake.url());
        let checked = tokio::time::timeout(
            Duration::from_secs(5),
            check_access(&client, &token(&fake.token_of(DEMO_OWNER))),
        )
        .await
        .expect("the client does not sleep through a long Retry-After");
        assert_eq!(
            checked.unwrap_err(),
            AppError::RateLimited {
                retry_after_secs: Some(3600)
            }
        );
        assert_eq!(fake.request_count(), 1);
    }

    #[tokio::test]
    async fn constant_429s_give_rate_limited_after_one_short_wait() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        fake.faults()
            .too_many_requests(u32::MAX)
            .retry_after(Some(0));
        let client = fast_client(&fake.url());
        let error = check_access(&client, &token(&fake.token_of(DEMO_OWNER)))
            .await
            .unwrap_err();
        assert_eq!(
            error,
            AppError::RateLimited {
                retry_after_secs: Some(0)
            }
        );
        assert_eq!(fake.request_count(), 2);
        assert_eq!(client.requests_made(), 2);
    }

    #[tokio::test]
    async fn server_errors_are_retried_then_the_check_succeeds() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        fake.faults().server_errors(2);
        let client = fast_client(&fake.url());
        let report = check_access(&client, &token(&fake.token_of(DEMO_OWNER)))
            .await
            .unwrap();
        assert!(report.verdict.is_allowed());
        assert_eq!(fake.request_count(), 4);
    }

    #[tokio::test]
    async fn constant_server_errors_give_toggl_unavailable_after_exactly_three_tries() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        fake.faults().server_errors(u32::MAX);
        let client = fast_client(&fake.url());
        let error = check_access(&client, &token(&fake.token_of(DEMO_OWNER)))
            .await
            .unwrap_err();
        assert_eq!(error, AppError::TogglUnavailable);
        assert_eq!(fake.request_count(), 3);
    }

    #[tokio::test]
    async fn a_slow_answer_times_out_after_one_request() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        fake.faults().delay(Some(Duration::from_secs(3)));
        let client = TogglClient::builder()
            .base_url(fake.url())
            .min_interval(Duration::from_millis(1))
            .timeout(Duration::from_millis(300))
            .build()
            .unwrap();
        let error = check_access(&client, &token(&fake.token_of(DEMO_OWNER)))
            .await
            .unwrap_err();
        assert_eq!(error, AppError::Timeout);
        assert_eq!(fake.request_count(), 1);
    }

    #[tokio::test]
    async fn malformed_json_is_an_unexpected_response_naming_the_path_not_the_token() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        fake.faults().malformed_json(true);
        let client = fast_client(&fake.url());
        let secret = fake.token_of(DEMO_OWNER);
        let error = check_access(&client, &token(&secret)).await.unwrap_err();
        assert_eq!(
            error,
            AppError::UnexpectedResponse {
                path: "/api/v9/me".into()
            }
        );
        assert!(!error.to_string().contains(&secret));
        assert_eq!(fake.request_count(), 1);
    }

    #[tokio::test]
    async fn a_stopped_server_means_network_unreachable() {
        let mut fake = FakeToggl::start(Scenario::demo()).await;
        let client = fast_client(&fake.url());
        let owner = token(&fake.token_of(DEMO_OWNER));
        assert!(check_access(&client, &owner).await.is_ok());
        fake.stop();
        assert_eq!(
            check_access(&client, &owner).await.unwrap_err(),
            AppError::NetworkUnreachable
        );
        assert_eq!(fake.request_count(), 2);
    }
}
