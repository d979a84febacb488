//! One method per Toggl endpoint the app reads. Lists that Toggl paginates come back a
//! page at a time with the cursor of the next page, so a sync engine can store each page
//! before asking for the next and resume after a crash or a used-up quota.

use super::client::TogglClient;
use super::models::{
    Client, Me, Organization, Page, Project, QuotaBucket, ReportQuery, ReportRow, Tag, TimeEntry,
    Workspace, WorkspaceMember,
};
use crate::error::{AppError, AppResult};
use crate::token::ApiToken;
use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::Method;

/// Toggl's documented maximum for `per_page` on projects; also used for tags.
pub const LIST_PAGE_SIZE: u32 = 200;
/// Reports v3 default page size; Toggl's maximum is not documented.
pub const REPORT_PAGE_SIZE: u32 = 50;

/// Which clients to list; Toggl's default is active only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientStatus {
    Active,
    Archived,
    Both,
}

impl ClientStatus {
    fn as_str(self) -> &'static str {
        match self {
            ClientStatus::Active => "active",
            ClientStatus::Archived => "archived",
            ClientStatus::Both => "both",
        }
    }
}

impl TogglClient {
    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        token: &ApiToken,
        path: &str,
        query: &[(&str, String)],
    ) -> AppResult<T> {
        self.send(token, Method::GET, path, query, None).await?.json()
    }

    /// `GET /api/v9/me`, with workspaces, projects, clients, tags and recent time entries
    /// when `with_related_data` is set (still one request).
    pub async fn me(&self, token: &ApiToken, with_related_data: bool) -> AppResult<Me> {
        let query = [("with_related_data", with_related_data.to_string())];
        self.get(token, "/api/v9/me", &query).await
    }

    /// `GET /api/v9/me/organizations`: each organization with the caller's owner/admin flags.
    pub async fn my_organizations(&self, token: &ApiToken) -> AppResult<Vec<Organization>> {
        self.get(token, "/api/v9/me/organizations", &[]).await
    }

    /// `GET /api/v9/me/workspaces`: each workspace with the caller's role.
    pub async fn my_workspaces(&self, token: &ApiToken) -> AppResult<Vec<Workspace>> {
        self.get(token, "/api/v9/me/workspaces", &[]).await
    }

    /// `GET /api/v9/me/quota`: every quota bucket of the caller.
    pub async fn my_quota(&self, token: &ApiToken) -> AppResult<Vec<QuotaBucket>> {
        self.get(token, "/api/v9/me/quota", &[]).await
    }

    /// `GET /api/v9/me/time_entries` for entries started in `[start, end)`. Not paginated:
    /// Toggl returns at most 1000 entries and only for recent months; use the detailed
    /// report for full history.
    pub async fn my_time_entries(
        &self,
        token: &ApiToken,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> AppResult<Vec<TimeEntry>> {
        let query = [
            ("start_date", start.to_rfc3339_opts(SecondsFormat::Secs, true)),
            ("end_date", end.to_rfc3339_opts(SecondsFormat::Secs, true)),
        ];
        self.get(token, "/api/v9/me/time_entries", &query).await
    }

    /// One page (1-based) of a workspace's projects, active or archived. The two are
    /// asked for separately because whether Toggl accepts `active=both` is not confirmed.
    /// The next page is offered while pages come back full.
    pub async fn projects_page(
        &self,
        token: &ApiToken,
        workspace_id: i64,
        active: bool,
        page: u32,
    ) -> AppResult<Page<Project, u32>> {
        let path = format!("/api/v9/workspaces/{workspace_id}/projects");
        let query = [
            ("active", active.to_string()),
            ("page", page.to_string()),
            ("per_page", LIST_PAGE_SIZE.to_string()),
        ];
        let items: Vec<Project> = self.get(token, &path, &query).await?;
        Ok(numbered_page(items, page))
    }

    /// A workspace's clients; Toggl does not paginate them.
    pub async fn clients(
        &self,
        token: &ApiToken,
        workspace_id: i64,
        status: ClientStatus,
    ) -> AppResult<Vec<Client>> {
        let path = format!("/api/v9/workspaces/{workspace_id}/clients");
        self.get(token, &path, &[("status", status.as_str().to_string())])
            .await
    }

    /// One page (1-based) of a workspace's tags.
    pub async fn tags_page(
        &self,
        token: &ApiToken,
        workspace_id: i64,
        page: u32,
    ) -> AppResult<Page<Tag, u32>> {
        let path = format!("/api/v9/workspaces/{workspace_id}/tags");
        let query = [
            ("page", page.to_string()),
            ("per_page", LIST_PAGE_SIZE.to_string()),
        ];
        let items: Vec<Tag> = self.get(token, &path, &query).await?;
        Ok(numbered_page(items, page))
    }

    /// `GET /api/v9/workspaces/{wid}/users`: the workspace's members.
    pub async fn workspace_members(
        &self,
        token: &ApiToken,
        workspace_id: i64,
    ) -> AppResult<Vec<WorkspaceMember>> {
        let path = format!("/api/v9/workspaces/{workspace_id}/users");
        self.get(token, &path, &[]).await
    }

    /// One page of the Reports v3 detailed report, starting at `first_row_number`
    /// (`None` = the first row). The cursor is Toggl's `X-Next-Row-Number`; a cursor that
    /// does not move forward is refused so a confused server cannot cause an endless pull.
    pub async fn detailed_report_page(
        &self,
        token: &ApiToken,
        workspace_id: i64,
        query: &ReportQuery,
        first_row_number: Option<i64>,
    ) -> AppResult<Page<ReportRow, i64>> {
        let path = format!("/reports/api/v3/workspace/{workspace_id}/search/time_entries");
        let mut body = query.clone();
        body.first_row_number = first_row_number;
        body.page_size = body.page_size.or(Some(REPORT_PAGE_SIZE));
        let json = serde_json::to_value(&body).map_err(|_| AppError::UnexpectedResponse {
            path: path.clone(),
        })?;
        let reply = self.send(token, Method::POST, &path, &[], Some(&json)).await?;
        let items: Vec<ReportRow> = reply.json()?;
        let next = match reply.header_i64("x-next-row-number") {
            _ if items.is_empty() => None,
            Some(n) if n <= first_row_number.unwrap_or(1) => {
                return Err(AppError::UnexpectedResponse { path })
            }
            other => other,
        };
        Ok(Page { items, next })
    }
}

/// Page-numbered lists: a full page suggests there is another.
fn numbered_page<T>(items: Vec<T>, page: u32) -> Page<T, u32> {
    let next = (items.len() >= LIST_PAGE_SIZE as usize).then_some(page + 1);
    Page { items, next }
}
