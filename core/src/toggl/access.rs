//! Who a token belongs to and whether that account may be used for a connection.
//! The product guide requires the Organization Owner or a Workspace Admin.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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
