//! A connection's scope: the workspaces it is for. Only workspaces that qualify under
//! the role rule ([`crate::domain::access`]) can be in it; pulls, review and exports
//! touch only those. The scope is chosen in the stepper (every qualifying workspace by
//! default), can grow by a qualifying workspace (its standing re-read from Toggl) or
//! shrink by one (its pulled rows are deleted, after the page said how many).
//!
//! A workspace whose qualifying role is lost at a re-test stays in scope, marked
//! `lost`, and is left out of pulls; its rows stay until the user removes it. Rows of a
//! workspace that left the connection in another way (an older release pulled it, the
//! token was swapped to another account) are listed on the detail page with their
//! counts, so the user can delete them; a confirmed swap to another account deletes
//! the rows of the workspaces it leaves behind.

use super::{summarize, ConnectionService, ConnectionSummary, ScopeWorkspace};
use crate::db::connections as rows;
use crate::db::scope::{self, PulledRows, ScopeRow};
use crate::domain::{AccessReport, Standing, WorkspaceStanding};
use crate::error::{AppError, AppResult};
use crate::toggl::{check_access, TogglClient};
use rusqlite::Connection;
use std::sync::Arc;

/// The workspaces chosen in the stepper: the ones asked for, each checked against the
/// report, or every qualifying one. Refused when nothing qualifies or nothing is chosen.
pub(super) fn chosen_scope(
    access: &AccessReport,
    asked: Option<&[i64]>,
) -> AppResult<Vec<WorkspaceStanding>> {
    access.ensure_allowed()?;
    let standings = access.standings();
    let Some(asked) = asked else {
        return Ok(standings.into_iter().filter(|s| s.qualifies).collect());
    };
    if asked.is_empty() {
        return Err(AppError::scope_empty());
    }
    let mut chosen = Vec::new();
    for id in asked {
        let standing = standings
            .iter()
            .find(|s| s.workspace_id == *id)
            .ok_or(AppError::NotFound)?;
        if let Some(reason) = &standing.reason {
            return Err(AppError::RoleInsufficient(format!(
                "{}: {reason}",
                standing.workspace_name
            )));
        }
        if !chosen.contains(standing) {
            chosen.push(standing.clone());
        }
    }
    Ok(chosen)
}

/// Books the workspaces in scope that a check found qualifying as confirmed at its time.
pub(super) fn confirm_qualifying(
    conn: &Connection,
    id: i64,
    access: &AccessReport,
) -> AppResult<()> {
    for row in scope::list(conn, id)? {
        if let Some(standing) = access.standing_of(row.workspace_id).filter(|s| s.qualifies) {
            scope::confirm(conn, id, &standing, &access.checked_at)?;
        }
    }
    Ok(())
}

/// After a swap to another account: the old scope where the new account still
/// qualifies, or else every workspace that qualifies for it. The rows of every
/// workspace that leaves are deleted (the user confirmed the switch).
pub(super) fn rescope_for_new_account(
    conn: &Connection,
    id: i64,
    access: &AccessReport,
) -> AppResult<()> {
    let old: Vec<i64> = scope::list(conn, id)?
        .iter()
        .map(|r| r.workspace_id)
        .collect();
    let qualifying: Vec<WorkspaceStanding> = access
        .standings()
        .into_iter()
        .filter(|s| s.qualifies)
        .collect();
    let kept: Vec<&WorkspaceStanding> = qualifying
        .iter()
        .filter(|s| old.contains(&s.workspace_id))
        .collect();
    let new: Vec<&WorkspaceStanding> = if kept.is_empty() {
        qualifying.iter().collect()
    } else {
        kept
    };
    for workspace in old {
        if !new.iter().any(|s| s.workspace_id == workspace) {
            scope::remove(conn, id, workspace)?;
        }
    }
    for standing in &new {
        scope::confirm(conn, id, standing, &access.checked_at)?;
    }
    for (workspace, _) in scope::pulled_workspaces(conn, id)? {
        if !new.iter().any(|s| s.workspace_id == workspace) {
            scope::delete_pulled(conn, id, workspace)?;
        }
    }
    Ok(())
}

/// The ids of the workspaces a pull may touch: in scope and still qualifying.
pub(super) fn pullable(access: &AccessReport, scope: &[ScopeRow]) -> Vec<i64> {
    scope
        .iter()
        .filter(|r| {
            access
                .standing_of(r.workspace_id)
                .is_some_and(|s| s.qualifies)
        })
        .map(|r| r.workspace_id)
        .collect()
}

/// Names of the workspaces in scope that no longer qualify.
pub(super) fn lost_names(access: &AccessReport, scope: &[ScopeRow]) -> Vec<String> {
    scope
        .iter()
        .filter(|r| {
            !access
                .standing_of(r.workspace_id)
                .is_some_and(|s| s.qualifies)
        })
        .map(|r| r.workspace_name.clone())
        .collect()
}

/// Every workspace for the detail page: the scope, the others the token sees, and
/// those with rows stored but in neither.
pub(super) fn workspaces(
    conn: &Connection,
    id: i64,
    access: &AccessReport,
) -> AppResult<Vec<ScopeWorkspace>> {
    let in_scope = scope::list(conn, id)?;
    let mut all = Vec::new();
    for row in &in_scope {
        let standing = access.standing_of(row.workspace_id).unwrap_or_else(|| {
            unseen(
                row.workspace_id,
                &row.workspace_name,
                row.organization_id,
                row.organization_name.clone(),
            )
        });
        all.push(ScopeWorkspace {
            lost: !standing.qualifies,
            in_scope: true,
            confirmed_at: row.confirmed_at,
            pulled: scope::pulled_rows(conn, id, row.workspace_id)?,
            standing,
        });
    }
    let listed = |all: &[ScopeWorkspace], w: i64| all.iter().any(|s| s.standing.workspace_id == w);
    for standing in access.standings() {
        if !listed(&all, standing.workspace_id) {
            all.push(ScopeWorkspace {
                in_scope: false,
                lost: false,
                confirmed_at: None,
                pulled: scope::pulled_rows(conn, id, standing.workspace_id)?,
                standing,
            });
        }
    }
    for (workspace, name) in scope::pulled_workspaces(conn, id)? {
        if !listed(&all, workspace) {
            all.push(ScopeWorkspace {
                in_scope: false,
                lost: false,
                confirmed_at: None,
                pulled: scope::pulled_rows(conn, id, workspace)?,
                standing: unseen(workspace, &name, None, None),
            });
        }
    }
    Ok(all)
}

/// The standing of a workspace the token no longer sees.
fn unseen(
    workspace_id: i64,
    name: &str,
    organization_id: Option<i64>,
    organization_name: Option<String>,
) -> WorkspaceStanding {
    WorkspaceStanding {
        workspace_id,
        workspace_name: name.to_string(),
        organization_id,
        organization_name: organization_name
            .unwrap_or_else(|| crate::domain::standing::UNKNOWN_ORGANIZATION.into()),
        standing: Standing::NotEnough,
        qualifies: false,
        role_label: "no longer a member".into(),
        reason: Some(AppError::workspace_unseen_reason()),
    }
}

impl ConnectionService {
    /// Adds a workspace to the scope. Its standing is re-read from Toggl with the
    /// connection's token (the role check: 2 requests), and the whole check is booked
    /// like a re-test; the workspace is added only if it qualifies now.
    pub async fn add_workspace(
        self: &Arc<Self>,
        client: &TogglClient,
        id: i64,
        workspace_id: i64,
    ) -> AppResult<ConnectionSummary> {
        let (token, generation) = self.blocking(move |s| s.token_at(id)).await?;
        let report = match check_access(client, &token).await {
            Ok(report) => report,
            Err(AppError::TokenRejected) => {
                self.blocking(move |s| s.book_check(id, generation, super::Booking::Rejected))
                    .await?;
                return Err(AppError::TokenRejected);
            }
            Err(e) => return Err(e),
        };
        let standing = report.standing_of(workspace_id).ok_or(AppError::NotFound)?;
        let booking = super::Booking::Checked(report);
        let (_, booked) = self
            .blocking(move |s| s.book_check(id, generation, booking))
            .await?;
        if !booked {
            return Err(AppError::CheckExpired);
        }
        if let Some(reason) = &standing.reason {
            return Err(AppError::RoleInsufficient(format!(
                "{}: {reason}",
                standing.workspace_name
            )));
        }
        self.blocking(move |s| {
            let _op = s.serialize();
            let row = s.db.transaction(|tx| {
                let row = rows::get_ready(tx, id)?;
                scope::confirm(tx, id, &standing, &row.access.checked_at)?;
                Ok(row)
            })?;
            s.db.with(|c| summarize(c, row))
        })
        .await
    }

    /// How many rows removing a workspace from the connection would delete: what the
    /// confirmation says before [`Self::remove_workspace`].
    pub fn workspace_rows(&self, id: i64, workspace_id: i64) -> AppResult<PulledRows> {
        self.db.with(|c| {
            rows::get_ready(c, id)?;
            scope::pulled_rows(c, id, workspace_id)
        })
    }

    /// Takes a workspace out of the connection and deletes its pulled rows, members'
    /// e-mails included, in one transaction. The last workspace of a scope stays: a
    /// connection for no workspace would pull nothing (delete the connection instead).
    pub fn remove_workspace(&self, id: i64, workspace_id: i64) -> AppResult<PulledRows> {
        let _op = self.serialize();
        self.db.transaction(|tx| {
            rows::get_ready(tx, id)?;
            let in_scope = scope::list(tx, id)?;
            let member = in_scope.iter().any(|r| r.workspace_id == workspace_id);
            if member && in_scope.len() == 1 {
                return Err(AppError::scope_last_workspace());
            }
            scope::remove(tx, id, workspace_id)?;
            scope::delete_pulled(tx, id, workspace_id)
        })
    }
}

#[cfg(test)]
mod tests;
