//! The fake's limits and its choices where the fact sheet leaves Toggl's behaviour
//! unconfirmed. Defaults follow the real numbers and the likeliest behaviour.

use std::time::Duration;

/// Quota and rate limits. Toggl's real numbers are the defaults: 30 user-level requests
/// an hour, organization requests by plan, a 60-minute sliding window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    pub user_per_hour: u32,
    /// Overrides the plan's organization quota for every organization.
    pub org_per_hour: Option<u32>,
    pub window: Duration,
    /// Requests per second per token before a 429; `None` = no limit.
    pub per_second: Option<u32>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            user_per_hour: 30,
            org_per_hour: None,
            window: Duration::from_secs(3600),
            per_second: None,
        }
    }
}

/// Response details the fact sheet marks unconfirmed; defaults follow the likeliest.
/// Three real behaviours the app's pulls do not handle yet are off by default, so
/// tests switch them on where they are handled: `personal_organizations`,
/// `own_entries_earliest` (the lookback 400) and `report_dates_in_user_time_zone`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    /// Omit `role` on workspaces, leaving only the deprecated `admin` flag.
    pub omit_workspace_role: bool,
    /// Quota headers on 401/403/429 answers too, not only on served requests.
    pub quota_headers_on_errors: bool,
    /// Projects listed without `active` are the active ones only (the v8 default).
    pub projects_default_active_only: bool,
    /// Detailed report rows per page when the request names no `page_size`.
    pub report_page_size: usize,
    /// `/me/time_entries` draws from the organization bucket of the user's default
    /// workspace instead of the user bucket (which bucket Toggl uses is unconfirmed).
    pub me_time_entries_in_org_bucket: bool,
    /// Empty lists are answered `null`, as Toggl's Go backend may (unconfirmed per endpoint).
    pub null_for_empty_lists: bool,
    /// Workspace members carry `role` beside `is_admin` (Toggl's newer documentation);
    /// off, they have only `is_admin`, as the real recorded answer does.
    pub member_role_key: bool,
    /// Every account also owns a personal organization with no workspace, as every real
    /// Toggl account owns the one made at sign-up.
    pub personal_organizations: bool,
    /// The most items a page of projects or tags holds, whatever `per_page` asks for
    /// (`None`: as asked). Real Toggl named `x-page-size: 151` on a projects page.
    pub max_per_page: Option<usize>,
    /// `/me/time_entries` refuses a `start_date` before this day with a 400
    /// "start_date must not be earlier than <date>" (real Toggl: about three months back).
    pub own_entries_earliest: Option<chrono::NaiveDate>,
    /// A used-up quota answers 402 with a bare sentence and no quota headers (the real
    /// quota 402 has never been recorded), so only the client's bookkeeping can tell.
    pub bare_quota_refusals: bool,
    /// `/me?with_related_data=true` carries related elements in shapes no client
    /// expects (a project without a name, an entry with a text id, a broken workspace),
    /// as a large real account's body may.
    pub odd_related_elements: bool,
    /// The detailed report reads `start_date`/`end_date` as days in the requesting
    /// user's time zone, as Toggl does; off, as UTC days (what the app assumed so far).
    /// Row times carry the user's offset either way.
    pub report_dates_in_user_time_zone: bool,
}

impl Default for Shape {
    fn default() -> Self {
        Shape {
            omit_workspace_role: false,
            quota_headers_on_errors: false,
            projects_default_active_only: true,
            report_page_size: 50,
            me_time_entries_in_org_bucket: false,
            null_for_empty_lists: true,
            member_role_key: false,
            personal_organizations: false,
            max_per_page: None,
            own_entries_earliest: None,
            bare_quota_refusals: false,
            odd_related_elements: false,
            report_dates_in_user_time_zone: false,
        }
    }
}
