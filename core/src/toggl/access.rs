//! Who a token belongs to and whether that account may be used for a connection.
//! The product guide requires the Organization Owner or a Workspace Admin.
//!
//! An organization admin who is not the owner is allowed too: Toggl organization admins
//! administer every workspace of their organization, so they hold at least the rights of
//! a Workspace Admin that the guide asks for. Whether Toggl also marks them `role: admin`
//! on each workspace is not confirmed, so the organization flag decides on its own.

use super::client::TogglClient;
use super::models::{Me, Organization};
use crate::error::{AppError, AppResult};
use crate::token::ApiToken;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Learns who `token` belongs to and what the account may do, in exactly **2 requests**,
/// both user-level calls (30 an hour on every Toggl plan):
/// `GET /api/v9/me?with_related_data=true` (the user and each workspace with the
/// caller's role) and `GET /api/v9/me/organizations` (the owner/admin flags).
/// Retries after a 429 or 5xx add requests, within the client's bounds.
pub async fn check_access(client: &TogglClient, token: &ApiToken) -> AppResult<AccessReport> {
    let me = client.me(token, true).await?;
    let organizations = client.my_organizations(token).await?;
    Ok(AccessReport::from_toggl(me, organizations, Utc::now()))
}

/// The Toggl account behind a token, as shown on the connection detail page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TogglUser {
    pub id: i64,
    pub fullname: String,
    pub email: String,
    pub timezone: Option<String>,
}

/// The caller's standing in one organization (`/me/organizations`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationAccess {
    pub id: i64,
    pub name: String,
    pub owner: bool,
    pub admin: bool,
}

/// The caller's role in one workspace (`role` on the workspace object; "admin",
/// "user", "projectlead", "teamlead", or whatever else Toggl sends).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceAccess {
    pub id: i64,
    pub name: String,
    pub organization_id: Option<i64>,
    pub role: String,
}

impl WorkspaceAccess {
    pub fn is_admin(&self) -> bool {
        self.role.eq_ignore_ascii_case("admin")
    }
}

/// The outcome of the role check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Verdict {
    /// Owner of at least one organization (names listed).
    OrganizationOwner { organizations: Vec<String> },
    /// Admin of at least one organization but its owner of none (names listed).
    OrganizationAdmin { organizations: Vec<String> },
    /// Admin of the named workspaces only.
    WorkspaceAdmin { workspaces: Vec<String> },
    /// Neither: the connection cannot be saved with this token.
    Refused,
}

impl Verdict {
    pub fn is_allowed(&self) -> bool {
        !matches!(self, Verdict::Refused)
    }

    /// The strongest standing found: owner, then organization admin, then workspace admin.
    pub fn decide(organizations: &[OrganizationAccess], workspaces: &[WorkspaceAccess]) -> Verdict {
        let names = |keep: &dyn Fn(&OrganizationAccess) -> bool| -> Vec<String> {
            organizations.iter().filter(|o| keep(o)).map(|o| o.name.clone()).collect()
        };
        let owned = names(&|o| o.owner);
        if !owned.is_empty() {
            return Verdict::OrganizationOwner { organizations: owned };
        }
        let administered = names(&|o| o.admin);
        if !administered.is_empty() {
            return Verdict::OrganizationAdmin { organizations: administered };
        }
        let workspaces: Vec<String> = workspaces
            .iter()
            .filter(|w| w.is_admin())
            .map(|w| w.name.clone())
            .collect();
        if !workspaces.is_empty() {
            return Verdict::WorkspaceAdmin { workspaces };
        }
        Verdict::Refused
    }
}

/// Everything the role check learned, stored with the connection as its access snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessReport {
    pub user: TogglUser,
    pub organizations: Vec<OrganizationAccess>,
    pub workspaces: Vec<WorkspaceAccess>,
    pub verdict: Verdict,
    pub checked_at: DateTime<Utc>,
}

impl AccessReport {
    /// Builds the report from the two role-check responses.
    pub fn from_toggl(me: Me, organizations: Vec<Organization>, checked_at: DateTime<Utc>) -> Self {
        let organizations: Vec<OrganizationAccess> = organizations
            .into_iter()
            .map(|o| OrganizationAccess {
                id: o.id,
                name: o.name,
                owner: o.owner.unwrap_or(false),
                admin: o.admin.unwrap_or(false),
            })
            .collect();
        let workspaces: Vec<WorkspaceAccess> = me
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
        let verdict = Verdict::decide(&organizations, &workspaces);
        AccessReport {
            user: TogglUser {
                id: me.id,
                fullname: me.fullname.unwrap_or_default(),
                email: me.email,
                timezone: me.timezone,
            },
            organizations,
            workspaces,
            verdict,
            checked_at,
        }
    }

    /// The report when the account may be connected; otherwise `RoleInsufficient` with a
    /// message that names the account, the role needed and where Toggl shows roles.
    pub fn require_allowed(self) -> AppResult<AccessReport> {
        if self.verdict.is_allowed() {
            return Ok(self);
        }
        Err(AppError::RoleInsufficient(format!(
            "The Toggl account {} is neither an Organization Owner nor a Workspace Admin, and a connection needs one of those roles. \
             Use the API token of an account that is the Organization Owner or a Workspace Admin; \
             you can see each member's role in Toggl under Admin, then Organization.",
            self.user.email
        )))
    }
}
