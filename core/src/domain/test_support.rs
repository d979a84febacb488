//! Access records for tests: an organization, a workspace with a role, and a report
//! decided by the current rule.

use super::{AccessReport, OrganizationAccess, TogglUser, WorkspaceAccess};

pub(crate) fn org(id: i64, name: &str, owner: bool, admin: bool) -> OrganizationAccess {
    OrganizationAccess {
        id,
        name: name.into(),
        owner,
        admin,
    }
}

pub(crate) fn ws(id: i64, name: &str, organization_id: i64, role: &str) -> WorkspaceAccess {
    WorkspaceAccess {
        id,
        name: name.into(),
        organization_id: Some(organization_id),
        role: role.into(),
    }
}

/// The report of account `user_id` (e-mail `user{id}@example.test`), checked now.
pub(crate) fn report(
    user_id: i64,
    organizations: Vec<OrganizationAccess>,
    workspaces: Vec<WorkspaceAccess>,
) -> AccessReport {
    AccessReport::new(
        TogglUser {
            id: user_id,
            fullname: "Pat".into(),
            email: format!("user{user_id}@example.test"),
            timezone: None,
        },
        organizations,
        workspaces,
        chrono::Utc::now(),
    )
}
