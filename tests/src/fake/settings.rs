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

/// Response details the fact sheet marks unconfirmed; defaults follow the likeliest, and
/// the real behaviours recorded traffic shows are on: a personal organization per
/// account, the own-entries lookback 400 (three months before the generated data's
/// end), report days in the user's time zone and the report's span limit.
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
    /// The most rows a detailed report page holds: a larger `page_size` is served
    /// `min(asked, max)` silently, naming the size applied in `X-Page-Size` as real
    /// Toggl does. Toggl documents no maximum; the default is the documented default of
    /// 50, the pessimistic reading of the evidence (users report being unable to raise
    /// it, a public client caps its page size there), so a client that assumes the size
    /// it asked for is caught.
    pub report_max_page_size: usize,
    /// A `page_size` above [`Shape::report_max_page_size`] is refused with a 400 naming
    /// `page_size` instead of being clamped (how Toggl answers one is unconfirmed).
    pub report_refuses_large_page_size: bool,
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
    /// The detailed report refuses (400) a range of more days than this, as Reports v2
    /// did at one year (a public client names 366 days; unconfirmed for v3).
    pub report_max_span_days: Option<u32>,
    /// The report's `seconds` are rounded up to this many minutes, as a user's rounding
    /// preference makes them (start and stop stay as recorded).
    pub report_rounding_minutes: Option<u32>,
    /// `/me/time_entries?since=…` refuses (400) a `since` more than this many days ago
    /// (real Toggl bounds it to about three months; `None`: any `since` is served).
    pub own_entries_since_days: Option<u32>,
    /// The detailed report ignores `order_by`/`order_dir` and answers in date order, as
    /// a server that does not know the ordering would.
    pub report_ignores_order: bool,
}

impl Default for Shape {
    fn default() -> Self {
        Shape {
            omit_workspace_role: false,
            quota_headers_on_errors: false,
            projects_default_active_only: true,
            report_page_size: 50,
            report_max_page_size: 50,
            report_refuses_large_page_size: false,
            me_time_entries_in_org_bucket: false,
            null_for_empty_lists: true,
            member_role_key: false,
            personal_organizations: true,
            max_per_page: None,
            own_entries_earliest: Some(own_entries_earliest()),
            bare_quota_refusals: false,
            odd_related_elements: false,
            report_dates_in_user_time_zone: true,
            report_max_span_days: Some(366),
            report_rounding_minutes: None,
            own_entries_since_days: Some(90),
            report_ignores_order: false,
        }
    }
}

/// The fake's own-entries lookback edge by default: 90 days before the generated data's
/// end, so generated entries are all still served (they start on that day).
pub fn own_entries_earliest() -> chrono::NaiveDate {
    (super::generate::generated_epoch() - chrono::Duration::days(90)).date_naive()
}
