//! Typed shapes of the Toggl responses the app reads. Only the fields the app uses are
//! declared; unknown fields are ignored, and every field the fact sheet shows as null or
//! missing in some response is an `Option`, so a new or absent key never fails a pull.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// `GET /api/v9/me`, with the related arrays when `with_related_data=true`. The echoed
/// `api_token` is deliberately not declared, so it is never kept.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Me {
    pub id: i64,
    pub email: String,
    pub fullname: Option<String>,
    pub timezone: Option<String>,
    pub default_workspace_id: Option<i64>,
    pub beginning_of_week: Option<i64>,
    pub workspaces: Option<Vec<Workspace>>,
    pub projects: Option<Vec<Project>>,
    pub clients: Option<Vec<Client>>,
    pub tags: Option<Vec<Tag>>,
    pub time_entries: Option<Vec<TimeEntry>>,
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

/// `GET /api/v9/workspaces/{wid}/users` element (a workspace member).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct WorkspaceMember {
    pub id: i64,
    pub email: Option<String>,
    pub fullname: Option<String>,
    pub role: Option<String>,
    pub is_admin: Option<bool>,
    pub is_active: Option<bool>,
    pub inactive: Option<bool>,
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

/// Body of the detailed report request. Dates are `YYYY-MM-DD`; `first_row_number` is
/// set by the page method, not by the caller.
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
    pub order_by: String,
    pub order_dir: String,
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
            order_by: "date".into(),
            order_dir: "ASC".into(),
        }
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
