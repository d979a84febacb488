//! One method per Toggl endpoint the app reads. Lists that Toggl paginates come back a
//! page at a time with the cursor of the next page, so a sync engine can store each page
//! before asking for the next and resume after a crash or a used-up quota.
//!
//! Toggl's Go backend may answer `null` for an empty list (documented for the related
//! arrays of `/me`, guarded against by other clients on clients and tags, unconfirmed
//! per endpoint), so every list reads `null` as empty.

use super::client::{Reply, TogglClient};
use super::models::lenient_items;
use super::models::{
    Client, Me, Organization, OrganizationUser, Page, Project, QuotaBucket, ReportCursor,
    ReportPage, ReportQuery, ReportRow, Tag, TimeEntry, Workspace, WorkspaceMember,
};
use crate::error::{AppError, AppResult};
use crate::token::ApiToken;
use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::Method;
use serde::de::DeserializeOwned;

/// Toggl's documented maximum for `per_page` on projects; also used for tags.
pub const LIST_PAGE_SIZE: u32 = 200;
/// Toggl's default `per_page` for organization users; its maximum is not documented.
pub const ORG_USERS_PAGE_SIZE: u32 = 50;
/// Reports v3's documented default page size: what a workspace whose Toggl refused a
/// larger page is asked from then on.
pub const REPORT_PAGE_SIZE: u32 = 50;
/// The page size asked of the detailed report. Toggl documents no maximum (its docs
/// name only the default of 50; no public client or issue names a larger size that
/// works or fails), so this is the cap Toggl does document for entries, the 1000 of
/// `/me/time_entries`: 20 times fewer requests if Toggl serves it. Nothing depends on
/// it being served: the next page always comes from the `X-Next-*` headers, a smaller
/// size applied silently only costs more pages, and a 400 falls back to the default
/// (see [`TogglClient::detailed_report_window`]).
pub const REPORT_LARGE_PAGE_SIZE: u32 = 1000;

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

impl Reply {
    /// A JSON list; `null` is the empty list.
    pub(crate) fn list<T: DeserializeOwned>(&self) -> AppResult<Vec<T>> {
        Ok(self.json::<Option<Vec<T>>>()?.unwrap_or_default())
    }

    /// A JSON list whose odd elements are skipped; `null` is the empty list.
    fn lenient_list<T: DeserializeOwned>(&self) -> AppResult<Vec<T>> {
        Ok(lenient_items(self.list::<serde_json::Value>()?))
    }
}

impl TogglClient {
    async fn get(
        &self,
        token: &ApiToken,
        path: &str,
        query: &[(&str, String)],
    ) -> AppResult<Reply> {
        self.send(token, Method::GET, path, query, None).await
    }

    async fn get_list<T: DeserializeOwned>(
        &self,
        token: &ApiToken,
        path: &str,
        query: &[(&str, String)],
    ) -> AppResult<Vec<T>> {
        self.get(token, path, query).await?.list()
    }

    /// `GET /api/v9/me`; with `with_related_data` its workspaces with the caller's role
    /// come in the same request. Teaches the client each workspace's organization.
    pub async fn me(&self, token: &ApiToken, with_related_data: bool) -> AppResult<Me> {
        let query = [("with_related_data", with_related_data.to_string())];
        let me: Me = self.get(token, "/api/v9/me", &query).await?.json()?;
        self.learn_organizations(me.workspaces.iter().flatten());
        Ok(me)
    }

    /// `GET /api/v9/me/organizations`: each organization with the caller's owner/admin
    /// flags. Read leniently: one organization in an unknown shape is skipped.
    pub async fn my_organizations(&self, token: &ApiToken) -> AppResult<Vec<Organization>> {
        self.get(token, "/api/v9/me/organizations", &[])
            .await?
            .lenient_list()
    }

    /// `GET /api/v9/me/workspaces`: each workspace with the caller's role.
    pub async fn my_workspaces(&self, token: &ApiToken) -> AppResult<Vec<Workspace>> {
        let workspaces: Vec<Workspace> = self.get_list(token, "/api/v9/me/workspaces", &[]).await?;
        self.learn_organizations(workspaces.iter());
        Ok(workspaces)
    }

    fn learn_organizations<'a>(&self, workspaces: impl Iterator<Item = &'a Workspace>) {
        for w in workspaces {
            if let Some(org) = w.organization_id {
                self.note_workspace_organization(w.id, org);
            }
        }
    }

    /// `GET /api/v9/me/quota`: every quota bucket of the caller.
    pub async fn my_quota(&self, token: &ApiToken) -> AppResult<Vec<QuotaBucket>> {
        self.get_list(token, "/api/v9/me/quota", &[]).await
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
        self.get_list(token, "/api/v9/me/time_entries", &query)
            .await
    }

    /// `GET /api/v9/me/time_entries?since=<unix seconds>`: the caller's entries changed
    /// since then in every workspace, deleted ones included (`server_deleted_at` set).
    /// Capped at 1000 like the other form; Toggl refuses (400) a `since` more than
    /// about three months back.
    pub async fn my_time_entries_since(
        &self,
        token: &ApiToken,
        since: i64,
    ) -> AppResult<Vec<TimeEntry>> {
        let query = [("since", since.to_string())];
        self.get_list(token, "/api/v9/me/time_entries", &query)
            .await
    }

    /// One page (1-based) of a workspace's projects, active or archived. The two are
    /// asked for separately because whether Toggl accepts `active=both` is not confirmed.
    /// The next page is offered while pages come back full (see [`numbered_page`]).
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
        numbered_page(self.get(token, &path, &query).await?, page)
    }

    /// A workspace's clients; Toggl does not paginate them.
    pub async fn clients(
        &self,
        token: &ApiToken,
        workspace_id: i64,
        status: ClientStatus,
    ) -> AppResult<Vec<Client>> {
        let path = format!("/api/v9/workspaces/{workspace_id}/clients");
        self.get_list(token, &path, &[("status", status.as_str().to_string())])
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
        numbered_page(self.get(token, &path, &query).await?, page)
    }

    /// `GET /api/v9/workspaces/{wid}/users`: the workspace's members.
    pub async fn workspace_members(
        &self,
        token: &ApiToken,
        workspace_id: i64,
    ) -> AppResult<Vec<WorkspaceMember>> {
        let path = format!("/api/v9/workspaces/{workspace_id}/users");
        self.get_list(token, &path, &[]).await
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
        let reply = self.get(token, &path, &query).await?;
        let items: Vec<OrganizationUser> = reply.list()?;
        let next = match reply.header_i64("x-pages") {
            Some(pages) => (i64::from(page) < pages && !items.is_empty()).then_some(page + 1),
            None => (items.len() >= ORG_USERS_PAGE_SIZE as usize).then_some(page + 1),
        };
        Ok(Page { items, next })
    }

    /// One page of the Reports v3 detailed report, starting at `first_row_number`
    /// (`None` = the first row). The cursor is Toggl's `X-Next-Row-Number`; see
    /// [`TogglClient::detailed_report_window`] for the full cursor.
    pub async fn detailed_report_page(
        &self,
        token: &ApiToken,
        workspace_id: i64,
        query: &ReportQuery,
        first_row_number: Option<i64>,
    ) -> AppResult<Page<ReportRow, i64>> {
        let from = first_row_number.map(|row_number| ReportCursor {
            row_number,
            id: None,
            timestamp: None,
        });
        let page = self
            .detailed_report_window(token, workspace_id, query, from)
            .await?;
        Ok(Page {
            items: page.rows,
            next: page.next.map(|c| c.row_number),
        })
    }

    /// One page of the detailed report from `from` (`None` = the first row), sending
    /// every part of the cursor Toggl named, at the query's page size (default
    /// [`REPORT_LARGE_PAGE_SIZE`]). A next row number that does not move forward is
    /// refused so a confused server cannot cause an endless pull.
    ///
    /// A 400 to a page size above the default may be Toggl refusing that size: unless
    /// its message names another field, the page is asked once more at
    /// [`REPORT_PAGE_SIZE`], and when that is served the page says the larger size was
    /// refused (`refused_page_size`), for the caller to remember.
    pub async fn detailed_report_window(
        &self,
        token: &ApiToken,
        workspace_id: i64,
        query: &ReportQuery,
        from: Option<ReportCursor>,
    ) -> AppResult<ReportPage> {
        let asked = query.page_size.unwrap_or(REPORT_LARGE_PAGE_SIZE);
        match self
            .report_window_at(token, workspace_id, query, from, asked)
            .await
        {
            Err(e) if asked > REPORT_PAGE_SIZE && may_refuse_page_size(&e) => {
                tracing::info!(
                    workspace = workspace_id,
                    asked,
                    "report page size refused; asking the default"
                );
                let mut page = self
                    .report_window_at(token, workspace_id, query, from, REPORT_PAGE_SIZE)
                    .await?;
                page.refused_page_size = Some(asked);
                Ok(page)
            }
            other => other,
        }
    }

    async fn report_window_at(
        &self,
        token: &ApiToken,
        workspace_id: i64,
        query: &ReportQuery,
        from: Option<ReportCursor>,
        page_size: u32,
    ) -> AppResult<ReportPage> {
        let path = format!("/reports/api/v3/workspace/{workspace_id}/search/time_entries");
        let mut body = query.clone();
        body.first_row_number = from.map(|c| c.row_number);
        body.first_id = from.and_then(|c| c.id);
        body.first_timestamp = from.and_then(|c| c.timestamp);
        body.page_size = Some(page_size);
        let json = serde_json::to_value(&body)
            .map_err(|_| AppError::UnexpectedResponse { path: path.clone() })?;
        let reply = self
            .send(token, Method::POST, &path, &[], Some(&json))
            .await?;
        let rows: Vec<ReportRow> = reply.list()?;
        let next = match reply.header_i64("x-next-row-number") {
            Some(row_number) if !rows.is_empty() => Some(ReportCursor {
                row_number,
                id: reply.header_i64("x-next-id"),
                timestamp: reply.header_i64("x-next-timestamp"),
            }),
            _ => None,
        };
        if next.is_some_and(|n| !moves_forward(from, n, query.in_date_order())) {
            return Err(AppError::UnexpectedResponse { path });
        }
        let date = |name: &str| {
            let raw = reply.headers.get(name)?.to_str().ok()?;
            chrono::NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok()
        };
        let range = date("x-range-start").zip(date("x-range-end"));
        let served = reply
            .header_i64("x-page-size")
            .filter(|n| *n > 0)
            .map(|n| n as u32)
            .or_else(|| next.map(|_| rows.len() as u32).filter(|n| *n > 0));
        Ok(ReportPage {
            rows,
            next,
            range,
            page_size: served,
            refused_page_size: None,
        })
    }
}

/// Whether a failed report request may have failed for its page size: a 400 whose
/// message names the page size, or names none of the other fields the app sends.
fn may_refuse_page_size(error: &AppError) -> bool {
    let AppError::TogglRefused {
        status: 400,
        toggl_says,
        ..
    } = error
    else {
        return false;
    };
    let says = toggl_says
        .as_deref()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let names = |words: &[&str]| words.iter().any(|w| says.contains(w));
    names(&["page_size", "page size", "pagesize"])
        || !names(&[
            "start_date",
            "end_date",
            "date range",
            "first_",
            "user_ids",
            "order_",
            "workspace",
        ])
}

/// Whether the next cursor lies after `from`. In date order, by the row itself
/// (timestamp, then id, as the report is ordered) when both name one, since deletions
/// may lower a row number; in any other order (latest changes first) the timestamp says
/// nothing about the row's place, so by row number.
fn moves_forward(from: Option<ReportCursor>, next: ReportCursor, date_order: bool) -> bool {
    let row = |c: ReportCursor| c.timestamp.zip(c.id).filter(|_| date_order);
    match (from.and_then(row), row(next)) {
        (Some(before), Some(after)) => after > before,
        _ => next.row_number > from.map_or(1, |c| c.row_number),
    }
}

/// Page-numbered lists: a full page suggests there is another. "Full" is Toggl's
/// `X-Page-Size` when sent (a server cap below the size asked for must not end the list
/// early), else the size asked for. A page Toggl numbers differently from the one asked
/// for (`X-Page`) is the last: following it could loop.
fn numbered_page<T: DeserializeOwned>(reply: Reply, page: u32) -> AppResult<Page<T, u32>> {
    let items: Vec<T> = reply.list()?;
    let page_size = reply
        .header_i64("x-page-size")
        .filter(|n| *n > 0)
        .unwrap_or(i64::from(LIST_PAGE_SIZE));
    let same_page = reply
        .header_i64("x-page")
        .is_none_or(|p| p == i64::from(page));
    let full = !items.is_empty() && items.len() as i64 >= page_size;
    let next = (full && same_page).then_some(page + 1);
    Ok(Page { items, next })
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
        assert_eq!(
            refused,
            AppError::AccessChanged {
                scope: "organization 1".into(),
                toggl_says: Some("User is not authorized to list the organization users".into()),
            }
        );
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
        assert_eq!(
            client.my_quota(&member).await.unwrap().len(),
            3,
            "the user bucket, the company's and the personal organization's"
        );
        assert_eq!(fake.request_count(), 2);
    }

    #[tokio::test]
    async fn a_workspace_with_no_clients_tags_projects_or_entries_reads_nulls_as_empty() {
        let mut scenario = Scenario::generated(42, 2, 3, 0);
        scenario.clients.retain(|c| c.workspace_id != 1002);
        scenario.tags.retain(|t| t.workspace_id != 1002);
        scenario.projects.retain(|p| p.workspace_id != 1002);
        assert!(
            scenario.shape.null_for_empty_lists,
            "the fake answers null by default"
        );
        let fake = FakeToggl::start(scenario).await;
        let client = fast_client(&fake.url());
        let admin = token(&fake.token_of(1));
        let clients = client
            .clients(&admin, 1002, ClientStatus::Both)
            .await
            .unwrap();
        assert!(clients.is_empty());
        let tags = client.tags_page(&admin, 1002, 1).await.unwrap();
        assert_eq!((tags.items.len(), tags.next), (0, None));
        let projects = client.projects_page(&admin, 1002, false, 1).await.unwrap();
        assert_eq!((projects.items.len(), projects.next), (0, None));
        let end = generated_epoch();
        let entries = client
            .my_time_entries(&admin, end - Days::days(7), end)
            .await
            .unwrap();
        assert!(entries.is_empty());
        let report = client
            .detailed_report_page(
                &admin,
                1002,
                &ReportQuery::between("2025-12-01", "2025-12-31"),
                None,
            )
            .await
            .unwrap();
        assert_eq!((report.items.len(), report.next), (0, None));
        assert_eq!(fake.request_count(), 5);
    }

    #[tokio::test]
    async fn a_server_page_cap_below_the_size_asked_does_not_end_the_list_early() {
        use blink_fake_toggl::fake::{Project, Shape};
        let mut scenario = Scenario::generated(42, 1, 1, 0).with_shape(Shape {
            max_per_page: Some(150),
            ..Shape::default()
        });
        for n in 0..156 {
            scenario.projects.push(Project {
                id: 9_000_000 + n,
                workspace_id: WORKSPACE,
                client_id: None,
                name: format!("Extra {n}"),
                active: true,
                rate: None,
            });
        }
        let fake = FakeToggl::start(scenario).await;
        let client = fast_client(&fake.url());
        let admin = token(&fake.token_of(1));
        let first = client
            .projects_page(&admin, WORKSPACE, true, 1)
            .await
            .unwrap();
        assert_eq!((first.items.len(), first.next), (150, Some(2)));
        let second = client
            .projects_page(&admin, WORKSPACE, true, 2)
            .await
            .unwrap();
        assert_eq!((second.items.len(), second.next), (9, None));
        assert_eq!(fake.request_count(), 2);
    }

    #[tokio::test]
    async fn real_member_lists_without_role_still_give_each_member_a_role() {
        let (fake, client, admin) = generated(0).await;
        assert!(
            !fake.scenario().shape.member_role_key,
            "the real shape by default"
        );
        let members = client.workspace_members(&admin, WORKSPACE).await.unwrap();
        let roles: Vec<_> = members.iter().map(|m| m.role.as_deref()).collect();
        assert_eq!(roles, [Some("admin"), Some("user"), Some("user")]);
    }

    async fn demo_verdicts(shape: blink_fake_toggl::fake::Shape) -> Vec<(i64, String)> {
        use blink_fake_toggl::fake::{
            DEMO_MEMBER, DEMO_ORG_ADMIN, DEMO_OWNER, DEMO_WORKSPACE_ADMIN,
        };
        let fake = FakeToggl::start(Scenario::demo().with_shape(shape)).await;
        let client = fast_client(&fake.url());
        let mut verdicts = Vec::new();
        for user in [
            DEMO_OWNER,
            DEMO_ORG_ADMIN,
            DEMO_WORKSPACE_ADMIN,
            DEMO_MEMBER,
        ] {
            fake.log().clear();
            let report = crate::toggl::check_access(&client, &token(&fake.token_of(user)))
                .await
                .unwrap();
            assert_eq!(fake.request_count(), 2, "two user-level requests");
            verdicts.push((user, format!("{:?}", report.verdict)));
        }
        verdicts
    }

    #[tokio::test]
    async fn a_personal_organization_per_account_changes_no_role_verdict() {
        use blink_fake_toggl::fake::Shape;
        let plain = demo_verdicts(Shape::default()).await;
        let personal = demo_verdicts(Shape {
            personal_organizations: true,
            ..Shape::default()
        })
        .await;
        assert_eq!(personal, plain);
        assert!(plain.last().unwrap().1.contains("Refused"), "{plain:?}");
    }

    #[tokio::test]
    async fn odd_elements_in_the_big_related_body_do_not_fail_the_role_check() {
        use blink_fake_toggl::fake::Shape;
        let odd = demo_verdicts(Shape {
            odd_related_elements: true,
            ..Shape::default()
        })
        .await;
        assert_eq!(odd, demo_verdicts(Shape::default()).await);
    }

    /// Walks the report, deleting entries on the fake that sit before the cursor after
    /// `cut_after` pages, as Toggl data changes during a quota stop; returns ids seen.
    async fn walk_with_deletions(by_row_number_only: bool) -> (HashSet<i64>, HashSet<i64>) {
        let (fake, client, admin) = generated(300).await;
        let query = ReportQuery::between("2025-09-01", "2026-01-01");
        let mut from: Option<ReportCursor> = None;
        let mut seen = HashSet::new();
        let mut pages = 0;
        loop {
            let page = client
                .detailed_report_window(&admin, WORKSPACE, &query, from)
                .await
                .unwrap();
            assert!(page.range.is_some(), "X-Range-* were read");
            seen.extend(
                page.rows
                    .iter()
                    .flat_map(|r| r.time_entries.iter().map(|t| t.id)),
            );
            pages += 1;
            if pages == 2 {
                let gone: Vec<i64> = seen.iter().copied().take(10).collect();
                fake.update_scenario(|s| s.time_entries.retain(|e| !gone.contains(&e.id)));
            }
            let Some(next) = page.next else { break };
            from = Some(if by_row_number_only {
                ReportCursor {
                    id: None,
                    timestamp: None,
                    ..next
                }
            } else {
                next
            });
            assert!(pages < 100);
        }
        let live: HashSet<i64> = fake
            .scenario()
            .time_entries
            .iter()
            .filter(|e| e.workspace_id == WORKSPACE)
            .map(|e| e.id)
            .collect();
        (seen, live)
    }

    #[tokio::test]
    async fn a_report_walk_resumed_by_id_and_timestamp_misses_no_row_after_deletions() {
        let (seen, live) = walk_with_deletions(false).await;
        assert!(
            live.is_subset(&seen),
            "{} live rows missed",
            live.difference(&seen).count()
        );
        let (seen, live) = walk_with_deletions(true).await;
        assert_eq!(
            live.difference(&seen).count(),
            10,
            "a row number alone skips as many rows as were deleted before it"
        );
    }

    #[test]
    fn a_cursor_moves_forward_by_its_row_in_date_order_and_by_row_number_otherwise() {
        let at = |row_number, id, timestamp| ReportCursor {
            row_number,
            id: Some(id),
            timestamp: Some(timestamp),
        };
        // Deletions before the cursor lowered the row number; the row itself lies later.
        assert!(moves_forward(Some(at(51, 7, 100)), at(40, 9, 200), true));
        // Latest changes first: the next row may well have started earlier.
        assert!(moves_forward(Some(at(51, 7, 200)), at(101, 9, 100), false));
        assert!(!moves_forward(Some(at(51, 7, 100)), at(51, 9, 200), false));
        assert!(!moves_forward(Some(at(51, 7, 200)), at(101, 9, 100), true));
    }

    /// Invented values in the real Reports v3 page shape: `x-next-*` and `x-range-*`
    /// headers, rows of one entry each with times in the user's offset (-08:00).
    #[tokio::test]
    async fn a_real_report_page_gives_the_full_cursor_and_the_reported_dates() {
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json; charset=utf-8\r\n\
                    x-next-id: 777001\r\nx-next-row-number: 51\r\nx-next-timestamp: 1760000000\r\n\
                    x-page-size: 50\r\nx-range-start: 2025-10-01\r\nx-range-end: 2025-10-31";
        let body = r#"[{"user_id":4401,"username":"Lee Example","project_id":null,"task_id":null,
            "billable":false,"description":"Edge of day","tag_ids":[],"billable_amount_in_cents":null,
            "hourly_rate_in_cents":null,"currency":"USD","row_number":50,
            "time_entries":[{"id":777000,"seconds":1800,"start":"2025-10-08T23:30:00-08:00",
            "stop":"2025-10-09T00:00:00-08:00","at":"2025-10-09T08:01:02+00:00"}]}]"#;
        let client = fast_client(&crate::toggl::test_support::canned_server(head, body));
        let page = client
            .detailed_report_window(
                &token(&"b".repeat(32)),
                WORKSPACE,
                &ReportQuery::between("2025-10-01", "2025-10-31"),
                None,
            )
            .await
            .unwrap();
        assert_eq!(
            page.next,
            Some(ReportCursor {
                row_number: 51,
                id: Some(777001),
                timestamp: Some(1760000000)
            })
        );
        let day = |d| chrono::NaiveDate::from_ymd_opt(2025, 10, d).unwrap();
        assert_eq!(page.range, Some((day(1), day(31))));
        let start = page.rows[0].time_entries[0].start.unwrap();
        assert_eq!(start.offset().local_minus_utc(), -8 * 3600);
    }
}
