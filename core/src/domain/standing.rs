//! The account's standing in each workspace a token can see, under the role rule of
//! [`super::access`]: Organization Owner, Workspace Admin, or the role it has there and
//! why that is not enough. The stepper lists these to choose a connection's scope, and
//! the detail page shows them for the workspaces in scope.

use super::access::{AccessReport, OrganizationAccess, WorkspaceAccess};
use crate::error::ROLE_RULE;
use serde::{Deserialize, Serialize};

/// What the account is in one workspace, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Owner of the workspace's organization: qualifies.
    OrganizationOwner,
    /// Toggl reports the account as this workspace's admin: qualifies.
    WorkspaceAdmin,
    /// Any other role (member, team lead, project lead, an Organization Admin without
    /// this workspace's admin role): does not qualify.
    NotEnough,
}

/// One workspace with the account's standing there, and its organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceStanding {
    pub workspace_id: i64,
    pub workspace_name: String,
    pub organization_id: Option<i64>,
    pub organization_name: String,
    pub standing: Standing,
    pub qualifies: bool,
    /// The account's role as Toggl's pages name it ("Organization Owner", "Member", …).
    pub role_label: String,
    /// Why the role is not enough, the role needed and where Toggl shows it; `None` when
    /// the workspace qualifies.
    pub reason: Option<String>,
}

/// The name shown for workspaces whose organization the token cannot see.
pub const UNKNOWN_ORGANIZATION: &str = "Other organization";

impl WorkspaceAccess {
    /// The account's standing here (see the module comment).
    pub fn standing(&self, organizations: &[OrganizationAccess]) -> WorkspaceStanding {
        let organization = organizations
            .iter()
            .find(|o| Some(o.id) == self.organization_id);
        let standing = if organization.is_some_and(|o| o.owner) {
            Standing::OrganizationOwner
        } else if self.is_admin() {
            Standing::WorkspaceAdmin
        } else {
            Standing::NotEnough
        };
        let role_label = match standing {
            Standing::OrganizationOwner => "Organization Owner".to_string(),
            Standing::WorkspaceAdmin => "Workspace Admin".to_string(),
            Standing::NotEnough => {
                let role = workspace_role_label(&self.role);
                if organization.is_some_and(|o| o.admin) {
                    format!("Organization Admin, {role} in this workspace")
                } else {
                    role
                }
            }
        };
        let qualifies = standing != Standing::NotEnough;
        let reason = (!qualifies).then(|| {
            format!("The account's role here is {role_label}, which is not enough. {ROLE_RULE}")
        });
        WorkspaceStanding {
            workspace_id: self.id,
            workspace_name: self.name.clone(),
            organization_id: self.organization_id,
            organization_name: organization
                .map(|o| o.name.clone())
                .unwrap_or_else(|| UNKNOWN_ORGANIZATION.to_string()),
            standing,
            qualifies,
            role_label,
            reason,
        }
    }
}

/// Toggl's workspace role codes in the words of its Members page.
fn workspace_role_label(role: &str) -> String {
    match role.to_ascii_lowercase().as_str() {
        "user" | "member" => "Member".into(),
        "teamlead" | "team_lead" => "Team Lead".into(),
        "projectlead" | "project_lead" => "Project Lead".into(),
        "admin" => "Workspace Admin".into(),
        _ => format!("“{role}”"),
    }
}

impl AccessReport {
    /// Every workspace the token can see with the account's standing, grouped by
    /// organization (in the order Toggl lists organizations, then by workspace name).
    pub fn standings(&self) -> Vec<WorkspaceStanding> {
        let rank = |w: &WorkspaceStanding| {
            self.organizations
                .iter()
                .position(|o| Some(o.id) == w.organization_id)
                .unwrap_or(usize::MAX)
        };
        let mut all: Vec<WorkspaceStanding> = self
            .workspaces
            .iter()
            .map(|w| w.standing(&self.organizations))
            .collect();
        all.sort_by(|a, b| {
            (rank(a), &a.workspace_name, a.workspace_id).cmp(&(
                rank(b),
                &b.workspace_name,
                b.workspace_id,
            ))
        });
        all
    }

    /// The standing of one workspace, `None` when the token no longer sees it.
    pub fn standing_of(&self, workspace_id: i64) -> Option<WorkspaceStanding> {
        self.workspaces
            .iter()
            .find(|w| w.id == workspace_id)
            .map(|w| w.standing(&self.organizations))
    }

    /// The report narrowed to `workspace_ids` (and their organizations): what a pull
    /// of a connection's scope may touch.
    pub fn within(&self, workspace_ids: &[i64]) -> AccessReport {
        let workspaces: Vec<WorkspaceAccess> = self
            .workspaces
            .iter()
            .filter(|w| workspace_ids.contains(&w.id))
            .cloned()
            .collect();
        let organizations = self
            .organizations
            .iter()
            .filter(|o| workspaces.iter().any(|w| w.organization_id == Some(o.id)))
            .cloned()
            .collect();
        AccessReport {
            beginning_of_week: self.beginning_of_week,
            ..AccessReport::new(
                self.user.clone(),
                organizations,
                workspaces,
                self.checked_at,
            )
        }
    }
}

#[cfg(test)]
mod tests;
