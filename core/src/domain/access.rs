//! What the role check learned about the account behind a token, and the rule that
//! decides whether it may be used for a connection.
//!
//! The product guide asks for "the Organization Owner or the Workspace Admin", and
//! the rule is read per workspace: a workspace qualifies when the account owns that
//! workspace's organization, or Toggl reports it as that workspace's admin. An
//! Organization Admin flag alone does not qualify (the guide names Owner and Workspace
//! Admin, and the flag says nothing about the workspace). A token passes when at least
//! one of its workspaces qualifies.

use crate::error::{AppError, AppResult, ROLE_RULE};
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

/// The account's standing in one organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationAccess {
    pub id: i64,
    pub name: String,
    pub owner: bool,
    pub admin: bool,
}

/// The account's role in one workspace ("admin", "user", "projectlead", "teamlead",
/// or whatever else Toggl sends).
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

    /// The organization of this workspace, if the account owns it.
    fn owned_organization<'a>(
        &self,
        organizations: &'a [OrganizationAccess],
    ) -> Option<&'a OrganizationAccess> {
        organizations
            .iter()
            .find(|o| o.owner && Some(o.id) == self.organization_id)
    }

    /// The role rule for this workspace (see the module comment).
    pub fn qualifies(&self, organizations: &[OrganizationAccess]) -> bool {
        self.is_admin() || self.owned_organization(organizations).is_some()
    }
}

/// The outcome of the role check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Verdict {
    /// Owner of the organization of at least one of the account's workspaces (those
    /// organizations' names).
    OrganizationOwner { organizations: Vec<String> },
    /// Admin of the named workspaces, owner of none of their organizations.
    WorkspaceAdmin { workspaces: Vec<String> },
    /// No workspace qualifies: the connection cannot be saved with this token.
    Refused,
}

impl Verdict {
    pub fn is_allowed(&self) -> bool {
        !matches!(self, Verdict::Refused)
    }

    /// The strongest standing among the qualifying workspaces: organization owner,
    /// then workspace admin; refused when none qualifies.
    pub fn decide(organizations: &[OrganizationAccess], workspaces: &[WorkspaceAccess]) -> Verdict {
        let mut owned: Vec<String> = Vec::new();
        for org in workspaces
            .iter()
            .filter_map(|w| w.owned_organization(organizations))
        {
            if !owned.contains(&org.name) {
                owned.push(org.name.clone());
            }
        }
        if !owned.is_empty() {
            return Verdict::OrganizationOwner {
                organizations: owned,
            };
        }
        let administered: Vec<String> = workspaces
            .iter()
            .filter(|w| w.is_admin())
            .map(|w| w.name.clone())
            .collect();
        if administered.is_empty() {
            Verdict::Refused
        } else {
            Verdict::WorkspaceAdmin {
                workspaces: administered,
            }
        }
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
    /// The day the account starts weeks on in Toggl (`beginning_of_week`: 0 Sunday …
    /// 6 Saturday), so the review's weeks are the weeks the user sees in Toggl.
    #[serde(default = "toggl_default_week_start")]
    pub beginning_of_week: u8,
}

/// Toggl's default `beginning_of_week`: Monday.
pub const DEFAULT_WEEK_START: u8 = 1;

fn toggl_default_week_start() -> u8 {
    DEFAULT_WEEK_START
}

impl AccessReport {
    /// A report whose verdict is decided by the current rule.
    pub fn new(
        user: TogglUser,
        organizations: Vec<OrganizationAccess>,
        workspaces: Vec<WorkspaceAccess>,
        checked_at: DateTime<Utc>,
    ) -> AccessReport {
        let verdict = Verdict::decide(&organizations, &workspaces);
        AccessReport {
            user,
            organizations,
            workspaces,
            verdict,
            checked_at,
            beginning_of_week: DEFAULT_WEEK_START,
        }
    }

    /// The report with the account's week start as Toggl sent it; a value outside
    /// 0..=6 (or none) keeps Toggl's default, Monday.
    pub fn with_week_start(mut self, beginning_of_week: Option<i64>) -> AccessReport {
        self.beginning_of_week = beginning_of_week
            .and_then(|day| u8::try_from(day).ok())
            .filter(|day| *day <= 6)
            .unwrap_or(DEFAULT_WEEK_START);
        self
    }

    /// The workspaces that qualify under the role rule.
    pub fn qualifying_workspaces(&self) -> impl Iterator<Item = &WorkspaceAccess> {
        self.workspaces
            .iter()
            .filter(|w| w.qualifies(&self.organizations))
    }

    /// The report when the account may be connected; otherwise `RoleInsufficient` with a
    /// message that names the account, the role needed and where Toggl shows roles.
    pub fn require_allowed(self) -> AppResult<AccessReport> {
        self.ensure_allowed()?;
        Ok(self)
    }

    /// Fails with `RoleInsufficient` (naming the role needed and where Toggl shows it)
    /// unless the verdict allows a connection.
    pub fn ensure_allowed(&self) -> AppResult<()> {
        if self.verdict.is_allowed() {
            return Ok(());
        }
        Err(AppError::RoleInsufficient(format!(
            "The Toggl account {} does not have the role a connection needs in any of its workspaces. {ROLE_RULE}",
            self.user.email
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(id: i64, owner: bool, admin: bool) -> OrganizationAccess {
        OrganizationAccess {
            id,
            name: format!("Org {id}"),
            owner,
            admin,
        }
    }

    fn ws(id: i64, organization_id: i64, role: &str) -> WorkspaceAccess {
        WorkspaceAccess {
            id,
            name: format!("WS {id}"),
            organization_id: Some(organization_id),
            role: role.into(),
        }
    }

    #[test]
    fn an_organization_admin_flag_alone_qualifies_no_workspace() {
        let orgs = [org(1, false, true)];
        let workspaces = [ws(10, 1, "user"), ws(11, 1, "projectlead")];
        assert_eq!(Verdict::decide(&orgs, &workspaces), Verdict::Refused);
    }

    #[test]
    fn owning_an_organization_qualifies_only_its_own_workspaces() {
        // Owner of a personal organization, plain member of a company workspace.
        let orgs = [org(1, true, true), org(2, false, false)];
        let report = AccessReport::new(
            TogglUser {
                id: 5,
                fullname: "Pat".into(),
                email: "pat@example.test".into(),
                timezone: None,
            },
            orgs.to_vec(),
            vec![ws(10, 1, "user"), ws(20, 2, "user")],
            Utc::now(),
        );
        assert_eq!(
            report.verdict,
            Verdict::OrganizationOwner {
                organizations: vec!["Org 1".into()]
            }
        );
        let qualifying: Vec<i64> = report.qualifying_workspaces().map(|w| w.id).collect();
        assert_eq!(qualifying, vec![10]);
    }

    #[test]
    fn owning_an_organization_without_a_workspace_qualifies_nothing() {
        let orgs = [org(1, true, true)];
        assert_eq!(
            Verdict::decide(&orgs, &[ws(20, 2, "user")]),
            Verdict::Refused
        );
    }

    #[test]
    fn a_workspace_admin_role_qualifies_that_workspace_whatever_the_organization_flags() {
        let orgs = [org(1, false, true)];
        assert_eq!(
            Verdict::decide(&orgs, &[ws(10, 1, "user"), ws(11, 1, "Admin")]),
            Verdict::WorkspaceAdmin {
                workspaces: vec!["WS 11".into()]
            }
        );
    }

    #[test]
    fn the_refusal_names_the_account_and_states_the_rule() {
        let report = AccessReport::new(
            TogglUser {
                id: 5,
                fullname: "Max".into(),
                email: "max@example.test".into(),
                timezone: None,
            },
            vec![org(1, false, true)],
            vec![ws(10, 1, "user")],
            Utc::now(),
        );
        let error = report.require_allowed().unwrap_err();
        assert_eq!(error.code(), "role_insufficient");
        let message = error.to_string();
        assert!(message.contains("max@example.test"), "{message}");
        assert!(message.contains(
            "The account must be the Organization Owner of the workspace's organization or an Admin of the workspace. \
             See your role in Toggl under Admin → Organization (Owner) or Admin → Members (Workspace Admin)."
        ), "{message}");
    }
}
