//! One method per Toggl endpoint the app reads. Lists that Toggl paginates come back a
//! page at a time with the cursor of the next page, so a sync engine can store each page
//! before asking for the next and resume after a crash or a used-up quota.

use super::client::TogglClient;
use super::models::{
    Client, Me, Organization, OrganizationUser, Page, Project, QuotaBucket, ReportQuery, ReportRow,
    Tag, TimeEntry, Workspace, WorkspaceMember,
};
use crate::error::{AppError, AppResult};
use crate::token::ApiToken;
use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::Method;

/// Toggl's documented maximum for `per_page` on projects; also used for tags.
pub const LIST_PAGE_SIZE: u32 = 200;
/// Toggl's default `per_page` for organization users; its maximum is not documented.
pub const ORG_USERS_PAGE_SIZE: u32 = 50;
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
        self.send(token, Method::GET, path, query, None)
            .await?
            .json()
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
            (
                "start_date",
                start.to_rfc3339_opts(SecondsFormat::Secs, true),
            ),
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

    /// One page (1-based) of an organization's users; for its owner and admins only
    /// (others get 403). Toggl names the page count in `X-Pages`; without it, a full
    /// page suggests another.
    pub async fn organization_users_page(
        &self,
        token: &ApiToken,
        organization_id: i64,
        page: u32,
    ) -> AppResult<Page<OrganizationUser, u32>> {
        let path = format!("/api/v9/organizations/{organization_id}/users");
        let query = [
            ("page", page.to_string()),
            ("per_page", ORG_USERS_PAGE_SIZE.to_string()),
        ];
        let reply = self.send(token, Method::GET, &path, &query, None).await?;
        let items: Vec<OrganizationUser> = reply.json()?;
        let next = match reply.header_i64("x-pages") {
            Some(pages) => (i64::from(page) < pages && !items.is_empty()).then_some(page + 1),
            None => (items.len() >= ORG_USERS_PAGE_SIZE as usize).then_some(page + 1),
        };
        Ok(Page { items, next })
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
        let json = serde_json::to_value(&body)
            .map_err(|_| AppError::UnexpectedResponse { path: path.clone() })?;
        let reply = self
            .send(token, Method::POST, &path, &[], Some(&json))
            .await?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toggl::test_support::{fast_client, token};
    use blink_fake_toggl::fake::{generated_epoch, FakeToggl, Scenario};
    use chrono::Duration as Days;
    use std::collections::HashSet;

    const WORKSPACE: i64 = 1001;

    async fn generated(entries: usize) -> (FakeToggl, TogglClient, ApiToken) {
        let fake = FakeToggl::start(Scenario::generated(42, 2, 3, entries)).await;
        let client = fast_client(&fake.url());
        let admin = token(&fake.token_of(1));
        (fake, client, admin)
    }

    #[tokio::test]
    async fn the_detailed_report_is_walked_page_by_page_to_the_end() {
        let (fake, client, admin) = generated(300).await;
        let expected = fake
            .scenario()
            .time_entries
            .iter()
            .filter(|e| e.workspace_id == WORKSPACE)
            .count();
        let query = ReportQuery::between("2025-09-01", "2026-01-01");
        let mut cursor = None;
        let mut ids = HashSet::new();
        let mut pages = 0;
        loop {
            let page = client
                .detailed_report_page(&admin, WORKSPACE, &query, cursor)
                .await
                .unwrap();
            pages += 1;
            ids.extend(
                page.items
                    .iter()
                    .flat_map(|r| r.time_entries.iter().map(|t| t.id)),
            );
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
            assert!(pages < 100, "pagination did not end");
        }
        assert_eq!(ids.len(), expected);
        assert_eq!(pages, expected.div_ceil(50));
        assert_eq!(fake.request_count(), pages);
        assert!(fake.requests()[1].body.contains("\"first_row_number\":51"));
    }

    #[tokio::test]
    async fn active_and_archived_projects_are_asked_for_separately() {
        let (fake, client, admin) = generated(0).await;
        let active = client
            .projects_page(&admin, WORKSPACE, true, 1)
            .await
            .unwrap();
        let archived = client
            .projects_page(&admin, WORKSPACE, false, 1)
            .await
            .unwrap();
        assert_eq!((active.items.len(), active.next), (3, None));
        assert_eq!(archived.items.len(), 1);
        assert_eq!(archived.items[0].active, Some(false));
        assert_eq!(fake.request_count(), 2);
    }

    #[tokio::test]
    async fn clients_tags_members_and_own_time_entries_are_read() {
        let (fake, client, admin) = generated(400).await;
        assert_eq!(
            client
                .clients(&admin, WORKSPACE, ClientStatus::Both)
                .await
                .unwrap()
                .len(),
            3
        );
        assert_eq!(
            client
                .clients(&admin, WORKSPACE, ClientStatus::Active)
                .await
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            client
                .tags_page(&admin, WORKSPACE, 1)
                .await
                .unwrap()
                .items
                .len(),
            5
        );
        let members = client.workspace_members(&admin, WORKSPACE).await.unwrap();
        assert_eq!(members.len(), 3);
        assert_eq!(
            members
                .iter()
                .filter(|m| m.role.as_deref() == Some("admin"))
                .count(),
            1
        );
        let end = generated_epoch();
        let entries = client
            .my_time_entries(&admin, end - Days::days(30), end)
            .await
            .unwrap();
        let expected = fake
            .scenario()
            .time_entries
            .iter()
            .filter(|e| e.user_id == 1 && e.start >= end - Days::days(30) && e.start < end)
            .count();
        assert_eq!(entries.len(), expected);
        assert!(entries
            .iter()
            .all(|e| e.user_id == Some(1) && e.stop.is_some()));
        assert_eq!(fake.request_count(), 5);
    }

    #[tokio::test]
    async fn organization_users_are_paged_by_the_x_pages_header() {
        let fake = FakeToggl::start(Scenario::generated(1, 1, 60, 0)).await;
        let client = fast_client(&fake.url());
        let owner = token(&fake.token_of(1));
        let first = client.organization_users_page(&owner, 1, 1).await.unwrap();
        assert_eq!((first.items.len(), first.next), (50, Some(2)));
        let second = client.organization_users_page(&owner, 1, 2).await.unwrap();
        assert_eq!((second.items.len(), second.next), (10, None));
        assert_eq!(second.items[0].workspaces.as_ref().map(Vec::len), Some(1));
        let member = token(&fake.token_of(2));
        let refused = client
            .organization_users_page(&member, 1, 1)
            .await
            .unwrap_err();
        assert_eq!(refused, AppError::TokenRejected);
        assert_eq!(fake.request_count(), 3);
    }

    #[tokio::test]
    async fn me_with_related_data_lists_workspaces_with_roles() {
        let (fake, client, member) = {
            let (fake, client, _) = generated(10).await;
            let member = token(&fake.token_of(2));
            (fake, client, member)
        };
        let me = client.me(&member, true).await.unwrap();
        let roles: Vec<_> = me
            .workspaces
            .unwrap()
            .iter()
            .map(|w| w.effective_role())
            .collect();
        assert_eq!(
            roles,
            vec![Some("user".to_string()), Some("user".to_string())]
        );
        assert!(me.projects.is_some());
        assert_eq!(client.my_quota(&member).await.unwrap().len(), 2);
        assert_eq!(fake.request_count(), 2);
    }
}
