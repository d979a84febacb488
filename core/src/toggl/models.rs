//! Typed shapes of the Toggl responses the app reads. Only the fields the app uses are
//! declared; unknown fields are ignored, and every field the fact sheet shows as null or
//! missing in some response is an `Option`, so a new or absent key never fails a pull.

use chrono::{DateTime, FixedOffset};
use serde::de::{DeserializeOwned, Deserializer};
use serde::{Deserialize, Serialize};

/// `GET /api/v9/me`. With `with_related_data=true` Toggl adds every project, client,
/// tag and recent entry of the account (tens of kilobytes even for a small one); only the
/// workspaces are read, leniently, so one odd element elsewhere cannot fail the role
/// check. The echoed `api_token` is deliberately not declared, so it is never kept.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Me {
    pub id: i64,
    pub email: String,
    pub fullname: Option<String>,
    pub timezone: Option<String>,
    pub default_workspace_id: Option<i64>,
    pub beginning_of_week: Option<i64>,
    /// `None` when Toggl sent none (no related data asked, or `null`).
    #[serde(default, deserialize_with = "lenient_list")]
    pub workspaces: Option<Vec<Workspace>>,
}

/// A list where each element that does not fit `T` is skipped (and counted in the log)
/// instead of failing the whole answer; `null` or a non-list reads as `None`.
pub(crate) fn lenient_list<'de, D, T>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    let raw = Option::<serde_json::Value>::deserialize(deserializer)?;
    Ok(match raw {
        Some(serde_json::Value::Array(items)) => Some(lenient_items(items)),
        _ => None,
    })
}

pub(crate) fn lenient_items<T: DeserializeOwned>(items: Vec<serde_json::Value>) -> Vec<T> {
    let total = items.len();
    let kept: Vec<T> = items
        .into_iter()
        .filter_map(|item| serde_json::from_value(item).ok())
        .collect();
    if kept.len() < total {
        tracing::warn!(
            skipped = total - kept.len(),
            total,
            "toggl: list elements in an unknown shape were skipped"
        );
    }
    kept
}

/// One element of `GET /api/v9/me/organizations`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Organization {
    pub id: i64,
    pub name: String,
    pub owner: Option<bool>,
    pub admin: Option<bool>,
    pub user_count: Option<i64>,
    pub pricing_plan_name: Option<String>,
    pub is_multi_workspace_enabled: Option<bool>,
}

/// A workspace as seen by the caller (`/me/workspaces`, `/me?with_related_data`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Workspace {
    pub id: i64,
    pub name: String,
    pub organization_id: Option<i64>,
    /// The caller's role: "admin", "user", "projectlead", "teamlead", or newer values.
    pub role: Option<String>,
    /// Deprecated by Toggl in favour of `role`, still sent; the fallback when `role` is absent.
    pub admin: Option<bool>,
    pub premium: Option<bool>,
    pub business_ws: Option<bool>,
    pub default_currency: Option<String>,
}

impl Workspace {
    /// The caller's role, from `role` when present, else from the deprecated `admin` flag.
    pub fn effective_role(&self) -> Option<String> {
        match (&self.role, self.admin) {
            (Some(role), _) if !role.trim().is_empty() => Some(role.clone()),
            (_, Some(true)) => Some("admin".into()),
            (_, Some(false)) => Some("user".into()),
            _ => None,
        }
    }
}

/// `GET /api/v9/workspaces/{wid}/projects` element.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Project {
    pub id: i64,
    pub workspace_id: Option<i64>,
    pub client_id: Option<i64>,
    pub name: String,
    pub active: Option<bool>,
    pub status: Option<String>,
    pub color: Option<String>,
    pub billable: Option<bool>,
    pub is_private: Option<bool>,
    pub at: Option<String>,
    pub created_at: Option<String>,
    pub server_deleted_at: Option<String>,
    /// The project's billable rate per hour in `currency` (e.g. `72.5`); `null` when the
    /// project has none (the member's or workspace's rate applies in Toggl).
    #[serde(default)]
    pub rate: Option<f64>,
    #[serde(default)]
    pub currency: Option<String>,
}

impl Project {
    /// The rate in cents; `None` when absent, negative or not a number.
    pub fn rate_cents(&self) -> Option<i64> {
        self.rate
            .filter(|r| r.is_finite() && *r >= 0.0 && *r < 1e12)
            .map(|r| (r * 100.0).round() as i64)
    }
}

/// `GET /api/v9/workspaces/{wid}/clients` element.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Client {
    pub id: i64,
    pub wid: Option<i64>,
    pub name: String,
    pub archived: Option<bool>,
    pub at: Option<String>,
    pub creator_id: Option<i64>,
}

/// `GET /api/v9/workspaces/{wid}/tags` element.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Tag {
    pub id: i64,
    pub workspace_id: Option<i64>,
    pub name: String,
    pub at: Option<String>,
    pub creator_id: Option<i64>,
    pub deleted_at: Option<String>,
}

/// `GET /api/v9/workspaces/{wid}/users` element (a workspace member). The real answer
/// has `is_admin` and no `role`; Toggl's newer documentation has `role` and calls
/// `is_admin` deprecated. Both are read, and `role` is derived when absent.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(from = "WorkspaceMemberWire")]
pub struct WorkspaceMember {
    pub id: i64,
    pub email: Option<String>,
    pub fullname: Option<String>,
    /// Toggl's `role` when sent, else "admin" or "user" from `is_admin`.
    pub role: Option<String>,
    pub is_admin: Option<bool>,
    pub is_active: Option<bool>,
    pub inactive: Option<bool>,
}

#[derive(Deserialize)]
struct WorkspaceMemberWire {
    id: i64,
    email: Option<String>,
    fullname: Option<String>,
    role: Option<String>,
    is_admin: Option<bool>,
    is_active: Option<bool>,
    inactive: Option<bool>,
}

impl From<WorkspaceMemberWire> for WorkspaceMember {
    fn from(w: WorkspaceMemberWire) -> Self {
        let derived = w
            .is_admin
            .map(|a| if a { "admin" } else { "user" }.to_string());
        WorkspaceMember {
            role: w.role.filter(|r| !r.trim().is_empty()).or(derived),
            id: w.id,
            email: w.email,
            fullname: w.fullname,
            is_admin: w.is_admin,
            is_active: w.is_active,
            inactive: w.inactive,
        }
    }
}

/// `GET /api/v9/organizations/{oid}/users` element. `owner`/`admin` are deprecated by
/// Toggl in favour of `role_id`, whose values are undocumented, so all are kept.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct OrganizationUser {
    /// The organization-user id, not the user id.
    pub id: i64,
    pub user_id: Option<i64>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub owner: Option<bool>,
    pub admin: Option<bool>,
    pub role_id: Option<i64>,
    pub inactive: Option<bool>,
    pub joined: Option<bool>,
    pub workspaces: Option<Vec<OrganizationUserWorkspace>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct OrganizationUserWorkspace {
    pub workspace_id: i64,
    pub workspace_name: Option<String>,
    pub admin: Option<bool>,
    pub role: Option<String>,
    pub role_id: Option<i64>,
}

/// `GET /api/v9/me/time_entries` element. Times are UTC; a running entry has no `stop`
/// and a negative `duration`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TimeEntry {
    pub id: i64,
    pub workspace_id: Option<i64>,
    pub project_id: Option<i64>,
    pub task_id: Option<i64>,
    pub user_id: Option<i64>,
    pub billable: Option<bool>,
    pub start: Option<DateTime<FixedOffset>>,
    pub stop: Option<DateTime<FixedOffset>>,
    pub duration: Option<i64>,
    pub description: Option<String>,
    pub tags: Option<Vec<String>>,
    pub tag_ids: Option<Vec<i64>>,
    pub at: Option<DateTime<FixedOffset>>,
    pub server_deleted_at: Option<String>,
}

/// One row of the Reports v3 detailed report. Times carry the user's offset.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ReportRow {
    pub user_id: Option<i64>,
    pub username: Option<String>,
    pub project_id: Option<i64>,
    pub task_id: Option<i64>,
    pub billable: Option<bool>,
    pub description: Option<String>,
    pub tag_ids: Option<Vec<i64>>,
    pub billable_amount_in_cents: Option<i64>,
    pub hourly_rate_in_cents: Option<i64>,
    pub currency: Option<String>,
    pub row_number: Option<i64>,
    #[serde(default)]
    pub time_entries: Vec<ReportTimeEntry>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ReportTimeEntry {
    pub id: i64,
    pub seconds: Option<i64>,
    pub start: Option<DateTime<FixedOffset>>,
    pub stop: Option<DateTime<FixedOffset>>,
    pub at: Option<DateTime<FixedOffset>>,
}

/// Body of the detailed report request. Dates are `YYYY-MM-DD`; the `first_*` cursor
/// fields are set by the page methods, not by the caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportQuery {
    pub start_date: String,
    pub end_date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_ids: Option<Vec<i64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_row_number: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_timestamp: Option<i64>,
    pub order_by: String,
    pub order_dir: String,
}

/// Where the next page of a detailed report starts, as Toggl names it in
/// `X-Next-Row-Number`, `X-Next-ID` and `X-Next-Timestamp`. A row number is an offset
/// that shifts when entries earlier in the range are deleted; the id and timestamp name
/// the row itself, so a resumed walk sends all three.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportCursor {
    pub row_number: i64,
    pub id: Option<i64>,
    pub timestamp: Option<i64>,
}

/// One page of the detailed report with what Toggl said about it: the cursor of the
/// next page (`None` on the last) and the dates it reported on (`X-Range-Start`/`End`,
/// in the Toggl user's time zone), when sent.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportPage {
    pub rows: Vec<ReportRow>,
    pub next: Option<ReportCursor>,
    pub range: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    /// The rows a full page holds as Toggl applied it: `X-Page-Size` when sent, else the
    /// rows of a page followed by another; `None` when the page does not tell. Only for
    /// estimates: the next page is always the one the headers name.
    pub page_size: Option<u32>,
    /// The larger page size Toggl refused with a 400 before serving this page at the
    /// default one, if it did.
    pub refused_page_size: Option<u32>,
}

impl ReportPage {
    /// The entries the page holds (a grouped row holds several).
    pub fn entries(&self) -> usize {
        self.rows.iter().map(|r| r.time_entries.len()).sum()
    }
}

impl ReportQuery {
    /// All entries started in the given date range, oldest first, so a resumed pull
    /// keeps the row numbering stable.
    pub fn between(start_date: impl Into<String>, end_date: impl Into<String>) -> Self {
        ReportQuery {
            start_date: start_date.into(),
            end_date: end_date.into(),
            page_size: None,
            user_ids: None,
            first_row_number: None,
            first_id: None,
            first_timestamp: None,
            order_by: "date".into(),
            order_dir: "ASC".into(),
        }
    }

    /// The same entries, most recently changed first (`order_by: last_update`, `DESC`):
    /// a re-pull reads them until it meets what the last pull stored.
    pub fn latest_changes_first(self) -> Self {
        ReportQuery {
            order_by: "last_update".into(),
            order_dir: "DESC".into(),
            ..self
        }
    }

    /// Whether rows come in date order, oldest first, which a row's (start, id) follows.
    pub fn in_date_order(&self) -> bool {
        self.order_by == "date" && self.order_dir.eq_ignore_ascii_case("asc")
    }
}

/// One bucket of `GET /api/v9/me/quota`; `organization_id: null` is the user-level bucket.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct QuotaBucket {
    pub organization_id: Option<i64>,
    pub remaining: Option<i64>,
    pub resets_in_secs: Option<i64>,
    pub total: Option<i64>,
}

/// One page of a paginated list and where the next one starts; `next: None` means this
/// was the last page. The cursor is what a sync engine stores to resume.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T, C> {
    pub items: Vec<T>,
    pub next: Option<C>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toggl::status::classify;
    use proptest::prelude::*;
    use reqwest::header::{HeaderMap, HeaderValue};
    use reqwest::StatusCode;
    use serde::de::DeserializeOwned;
    use serde_json::Value;

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            ".{0,12}".prop_map(Value::String),
            prop_oneof![Just("id"), Just("2024-12-15T17:57:33+00:00"), Just("admin")]
                .prop_map(|s| Value::String(s.into())),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            let keys = prop_oneof![
                Just("id".to_string()),
                Just("name".to_string()),
                Just("email".to_string()),
                Just("workspaces".to_string()),
                Just("role".to_string()),
                Just("admin".to_string()),
                Just("owner".to_string()),
                Just("start".to_string()),
                Just("stop".to_string()),
                Just("time_entries".to_string()),
                Just("tag_ids".to_string()),
                ".{0,6}".prop_map(String::from),
            ];
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(keys, inner, 0..8)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// Every parser of a Toggl response, fed the same input; each must answer, not panic.
    fn parse_all(bytes: &[u8]) {
        fn one<T: DeserializeOwned>(bytes: &[u8]) {
            let _ = serde_json::from_slice::<T>(bytes);
        }
        one::<Me>(bytes);
        one::<Vec<Organization>>(bytes);
        one::<Vec<Workspace>>(bytes);
        one::<Vec<Project>>(bytes);
        one::<Vec<Client>>(bytes);
        one::<Vec<Tag>>(bytes);
        one::<Vec<WorkspaceMember>>(bytes);
        one::<Vec<OrganizationUser>>(bytes);
        one::<Vec<TimeEntry>>(bytes);
        one::<Vec<ReportRow>>(bytes);
        one::<Vec<QuotaBucket>>(bytes);
        for code in [200, 402, 403, 429, 500] {
            let mut headers = HeaderMap::new();
            if let Ok(v) = HeaderValue::from_bytes(&bytes[..bytes.len().min(20)]) {
                headers.insert("x-toggl-quota-remaining", v.clone());
                headers.insert("x-toggl-quota-resets-in", v.clone());
                headers.insert("retry-after", v);
            }
            let _ = classify(
                StatusCode::from_u16(code).unwrap(),
                &headers,
                bytes,
                "/p",
                None,
            );
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic_a_parser(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
            parse_all(&bytes);
        }

        #[test]
        fn arbitrary_json_never_panics_a_parser(value in any_json()) {
            parse_all(value.to_string().as_bytes());
            let wrapped = Value::Array(vec![value]);
            parse_all(wrapped.to_string().as_bytes());
        }
    }

    #[test]
    fn a_real_time_entry_parses_and_a_running_one_has_no_stop() {
        let body = r#"[{"id":3730092025,"workspace_id":2230580,"project_id":null,"task_id":null,
            "billable":false,"start":"2024-12-13T00:18:26+00:00","stop":null,"duration":-1734049107,
            "description":null,"tags":[],"tag_ids":[],"duronly":true,"at":"2024-12-15T21:50:09.354693Z",
            "server_deleted_at":null,"user_id":2166261,"uid":2166261,"wid":2230580}]"#;
        let entries: Vec<TimeEntry> = serde_json::from_str(body).unwrap();
        assert_eq!(entries[0].stop, None);
        assert!(entries[0].duration.unwrap() < 0);
    }

    /// Invented values in the real `/me/organizations` shape: plan and trial details
    /// the app does not use, `permissions: null`, `owner` and `admin` flags.
    #[test]
    fn a_real_organization_list_keeps_the_owner_and_admin_flags() {
        let body = r#"[{"id":501,"name":"Invented Org","pricing_plan_id":0,"created_at":"2021-03-04T05:06:07.123456Z",
            "at":"2021-03-04T05:06:07.123456Z","server_deleted_at":null,"is_multi_workspace_enabled":false,
            "suspended_at":null,"user_count":3,"trial_info":{"trial":false,"trial_available":true,
            "trial_end_date":null,"next_payment_date":null,"last_pricing_plan_id":null,"can_have_trial":true,
            "trial_plan_id":null},"is_unified":false,"max_workspaces":20,"permissions":null,"admin":true,
            "owner":false,"pricing_plan_name":"Free","pricing_plan_enterprise":false}]"#;
        let orgs: Vec<Organization> = serde_json::from_str(body).unwrap();
        assert_eq!(
            (orgs[0].id, orgs[0].owner, orgs[0].admin),
            (501, Some(false), Some(true))
        );
        assert_eq!(orgs[0].pricing_plan_name.as_deref(), Some("Free"));
    }

    /// Invented values in the real `/me/workspaces` shape: `role` beside the deprecated
    /// `admin`, and settings the app does not use.
    #[test]
    fn a_real_workspace_list_gives_the_role_and_the_organization() {
        let body = r#"[{"id":601,"organization_id":501,"name":"Invented Workspace","profile":0,"premium":false,
            "business_ws":false,"admin":false,"role":"projectlead","suspended_at":null,"server_deleted_at":null,
            "default_hourly_rate":null,"rate_last_updated":null,"default_currency":"EUR",
            "only_admins_may_create_projects":false,"projects_billable_by_default":true,"csv_upload":null,
            "logo_url":"https://example.test/logo.png","ical_enabled":true,"ical_url":"/ical/workspace_user/x"}]"#;
        let workspaces: Vec<Workspace> = serde_json::from_str(body).unwrap();
        assert_eq!(workspaces[0].organization_id, Some(501));
        assert_eq!(
            workspaces[0].effective_role().as_deref(),
            Some("projectlead")
        );
    }

    /// Invented values in the real `/workspaces/{wid}/projects` shape: `wid`/`cid`
    /// duplicates, nulls for rates and estimates, `status`.
    #[test]
    fn a_real_project_list_parses_with_its_nulls() {
        let body = r##"[{"id":701,"workspace_id":601,"client_id":null,"name":"Invented Project","is_private":true,
            "active":false,"at":"2024-02-03T04:05:06+00:00","created_at":"2024-02-03T04:05:06+00:00",
            "server_deleted_at":null,"color":"#0b83d9","billable":null,"template":null,"auto_estimates":null,
            "estimated_hours":null,"estimated_seconds":null,"rate":null,"rate_last_updated":null,"currency":null,
            "recurring":false,"template_id":null,"recurring_parameters":null,"fixed_fee":null,"actual_hours":0,
            "actual_seconds":42,"start_date":"2024-02-03","status":"archived","wid":601,"cid":null,
            "permissions":null,"can_track_time":true}]"##;
        let projects: Vec<Project> = serde_json::from_str(body).unwrap();
        assert_eq!((projects[0].id, projects[0].active), (701, Some(false)));
        assert_eq!(projects[0].status.as_deref(), Some("archived"));
    }

    /// Invented values in the real client shape (`wid`, `archived`) and tag shape
    /// (`workspace_id`, no `deleted_at` when live).
    #[test]
    fn real_client_and_tag_lists_parse() {
        let clients: Vec<Client> = serde_json::from_str(
            r#"[{"id":801,"wid":601,"archived":true,"name":"Invented Client","at":"2024-03-04T05:06:07+00:00","creator_id":71}]"#,
        )
        .unwrap();
        assert_eq!(
            (clients[0].wid, clients[0].archived),
            (Some(601), Some(true))
        );
        let tags: Vec<Tag> = serde_json::from_str(
            r#"[{"id":901,"workspace_id":601,"name":"Invented Tag","at":"2024-11-12T13:14:15.123456Z","creator_id":71}]"#,
        )
        .unwrap();
        assert_eq!(
            (tags[0].workspace_id, tags[0].deleted_at.as_deref()),
            (Some(601), None)
        );
    }

    /// Invented values in the real `/me/time_entries?since=` shape: a deleted entry
    /// carries `server_deleted_at`.
    #[test]
    fn a_real_entry_deleted_since_names_when_it_was_deleted() {
        let body = r#"[{"id":1001,"workspace_id":601,"project_id":701,"task_id":null,"billable":true,
            "start":"2024-05-06T07:00:00+00:00","stop":"2024-05-06T08:30:00+00:00","duration":5400,
            "description":"Invented work","tags":["Invented Tag"],"tag_ids":[901],"duronly":true,
            "at":"2024-05-07T09:10:11+00:00","server_deleted_at":"2024-05-07T09:10:11+00:00",
            "user_id":71,"uid":71,"wid":601,"pid":701}]"#;
        let entries: Vec<TimeEntry> = serde_json::from_str(body).unwrap();
        assert!(entries[0].server_deleted_at.is_some());
        assert_eq!(entries[0].tag_ids.as_deref(), Some(&[901][..]));
    }

    /// Invented values in the documented `/organizations/{oid}/users` shape: workspaces
    /// named `name` there (not `workspace_name`), `groups`, invitation fields.
    #[test]
    fn a_real_organization_user_list_gives_each_users_workspaces() {
        let body = r#"[{"admin":false,"avatar_url":"","can_edit_email":false,"email":"bo@example.test","groups":[],
            "id":1101,"inactive":false,"invitation_code":null,"joined":true,"name":"Bo Example","owner":false,
            "user_id":72,"workspaces":[{"admin":true,"name":"Invented Workspace","workspace_id":601}]}]"#;
        let users: Vec<OrganizationUser> = serde_json::from_str(body).unwrap();
        let workspaces = users[0].workspaces.as_ref().unwrap();
        assert_eq!(
            (
                users[0].user_id,
                workspaces[0].workspace_id,
                workspaces[0].admin
            ),
            (Some(72), 601, Some(true))
        );
    }

    /// Invented values in the real `/workspaces/{wid}/users` shape: `is_admin`, no `role`.
    #[test]
    fn a_real_member_list_without_role_gets_its_role_from_is_admin() {
        let body = r#"[{"id":61,"fullname":"Ada Example","email":"ada@example.test","is_active":true,"is_admin":true,"inactive":false},
                       {"id":62,"fullname":"Bo Example","email":"bo@example.test","is_active":true,"is_admin":false,"inactive":false},
                       {"id":63,"email":"cy@example.test","role":"projectlead","is_admin":false}]"#;
        let members: Vec<WorkspaceMember> = serde_json::from_str(body).unwrap();
        let roles: Vec<_> = members.iter().map(|m| m.role.as_deref()).collect();
        assert_eq!(roles, [Some("admin"), Some("user"), Some("projectlead")]);
    }

    /// Invented values in the shape of a real `/me?with_related_data=true`: the related
    /// arrays hold odd elements (a project without a name, an entry with a string id,
    /// `permissions: null`) and one workspace in an unknown shape; the check still parses.
    #[test]
    fn a_big_me_with_odd_related_elements_still_parses_its_workspaces() {
        let body = r#"{"id":71,"api_token":"00000000000000000000000000000000","email":"e@example.test",
            "fullname":"Eve Example","timezone":"America/Los_Angeles","default_workspace_id":801,
            "beginning_of_week":1,"created_at":"2020-01-02T03:04:05Z",
            "workspaces":[{"id":801,"organization_id":901,"name":"Own","role":"admin","admin":true,"premium":false},
                          {"id":"not-a-number","name":7},
                          {"id":802,"organization_id":902,"name":"Company","admin":false,"permissions":null}],
            "projects":[{"id":1,"workspace_id":801,"permissions":null},{"name":null}],
            "clients":null,"tags":[{"id":5,"name":"x","permissions":null}],
            "time_entries":[{"id":"odd","start":"yesterday"}]}"#;
        let me: Me = serde_json::from_str(body).unwrap();
        let workspaces = me.workspaces.unwrap();
        assert_eq!(
            workspaces.iter().map(|w| w.id).collect::<Vec<_>>(),
            [801, 802]
        );
        assert_eq!(workspaces[1].effective_role().as_deref(), Some("user"));
        assert_eq!(me.timezone.as_deref(), Some("America/Los_Angeles"));
    }

    #[test]
    fn me_never_keeps_the_echoed_api_token() {
        let me: Me = serde_json::from_str(
            r#"{"id":1,"email":"a@b.c","api_token":"0123456789abcdef0123456789abcdef","workspaces":null}"#,
        )
        .unwrap();
        assert!(!format!("{me:?}").contains("0123456789abcdef"));
    }
}
