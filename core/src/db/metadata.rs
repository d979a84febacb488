//! Queries on the pulled metadata: organizations, workspaces, projects, clients, tags
//! and members. All are small per workspace, so each write is a plain upsert and each
//! stage ends with a sweep of the rows its pass did not see.
//!
//! Rows come in as neutral records (like `time_entries::EntryRecord`): the sync layer
//! turns the source's answers into them, so storage knows no wire format.

use crate::domain::{OrganizationAccess, WorkspaceAccess};
use crate::error::AppResult;
use rusqlite::{params, Connection, OptionalExtension};

/// A project as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectRecord {
    pub id: i64,
    pub workspace_id: i64,
    pub client_id: Option<i64>,
    pub name: String,
    /// `false` once archived.
    pub active: bool,
    pub color: Option<String>,
    pub billable: Option<bool>,
    /// Billable rate per hour in cents of `currency`, when the project has one.
    pub rate_cents: Option<i64>,
    pub currency: Option<String>,
}

/// A client as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRecord {
    pub id: i64,
    pub workspace_id: i64,
    pub name: String,
    pub archived: bool,
}

/// A live (not deleted) tag as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagRecord {
    pub id: i64,
    pub workspace_id: i64,
    pub name: String,
}

/// A member of one workspace as stored; the workspace is given with the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRecord {
    pub user_id: i64,
    pub name: Option<String>,
    pub email: Option<String>,
    pub role: Option<String>,
}

/// Organizations and workspaces come from the access snapshot (no request needed).
pub fn upsert_organizations(
    conn: &Connection,
    connection_id: i64,
    organizations: &[OrganizationAccess],
) -> AppResult<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO toggl_organizations (connection_id, id, name, owner, admin)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (connection_id, id) DO UPDATE SET
             name = excluded.name, owner = excluded.owner, admin = excluded.admin",
    )?;
    for o in organizations {
        stmt.execute(params![connection_id, o.id, o.name, o.owner, o.admin])?;
    }
    Ok(())
}

pub fn upsert_workspaces(
    conn: &Connection,
    connection_id: i64,
    workspaces: &[WorkspaceAccess],
) -> AppResult<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO toggl_workspaces (connection_id, id, organization_id, name, role)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (connection_id, id) DO UPDATE SET
             organization_id = excluded.organization_id, name = excluded.name,
             role = excluded.role",
    )?;
    for w in workspaces {
        stmt.execute(params![
            connection_id,
            w.id,
            w.organization_id,
            w.name,
            w.role
        ])?;
    }
    Ok(())
}

pub fn upsert_projects(
    conn: &Connection,
    connection_id: i64,
    pull_id: i64,
    projects: &[ProjectRecord],
) -> AppResult<usize> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO toggl_projects (connection_id, id, workspace_id, client_id, name, active,
             color, billable, seen_pull, rate_cents, currency)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT (connection_id, id) DO UPDATE SET
             workspace_id = excluded.workspace_id, client_id = excluded.client_id,
             name = excluded.name, active = excluded.active, color = excluded.color,
             billable = excluded.billable, seen_pull = excluded.seen_pull,
             rate_cents = excluded.rate_cents, currency = excluded.currency",
    )?;
    for p in projects {
        stmt.execute(params![
            connection_id,
            p.id,
            p.workspace_id,
            p.client_id,
            p.name,
            p.active,
            p.color,
            p.billable,
            pull_id,
            p.rate_cents,
            p.currency
        ])?;
    }
    Ok(projects.len())
}

pub fn upsert_clients(
    conn: &Connection,
    connection_id: i64,
    pull_id: i64,
    clients: &[ClientRecord],
) -> AppResult<usize> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO toggl_clients (connection_id, id, workspace_id, name, archived, seen_pull)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (connection_id, id) DO UPDATE SET
             workspace_id = excluded.workspace_id, name = excluded.name,
             archived = excluded.archived, seen_pull = excluded.seen_pull",
    )?;
    for c in clients {
        stmt.execute(params![
            connection_id,
            c.id,
            c.workspace_id,
            c.name,
            c.archived,
            pull_id
        ])?;
    }
    Ok(clients.len())
}

pub fn upsert_tags(
    conn: &Connection,
    connection_id: i64,
    pull_id: i64,
    tags: &[TagRecord],
) -> AppResult<usize> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO toggl_tags (connection_id, id, workspace_id, name, seen_pull)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (connection_id, id) DO UPDATE SET
             workspace_id = excluded.workspace_id, name = excluded.name,
             seen_pull = excluded.seen_pull",
    )?;
    for t in tags {
        stmt.execute(params![
            connection_id,
            t.id,
            t.workspace_id,
            t.name,
            pull_id
        ])?;
    }
    Ok(tags.len())
}

pub fn upsert_members(
    conn: &Connection,
    connection_id: i64,
    workspace_id: i64,
    pull_id: i64,
    members: &[MemberRecord],
) -> AppResult<usize> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO toggl_members (connection_id, workspace_id, user_id, name, email, role, seen_pull)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (connection_id, workspace_id, user_id) DO UPDATE SET
             name = excluded.name, email = excluded.email, role = excluded.role,
             seen_pull = excluded.seen_pull",
    )?;
    for m in members {
        stmt.execute(params![
            connection_id,
            workspace_id,
            m.user_id,
            m.name,
            m.email,
            m.role,
            pull_id
        ])?;
    }
    Ok(members.len())
}

/// The metadata tables that are swept per workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaTable {
    Projects,
    Clients,
    Tags,
    Members,
}

impl MetaTable {
    fn name(self) -> &'static str {
        match self {
            MetaTable::Projects => "toggl_projects",
            MetaTable::Clients => "toggl_clients",
            MetaTable::Tags => "toggl_tags",
            MetaTable::Members => "toggl_members",
        }
    }
}

/// Removes a workspace's rows that pull `pull_id` did not see: deleted on Toggl.
pub fn sweep(
    conn: &Connection,
    table: MetaTable,
    connection_id: i64,
    workspace_id: i64,
    pull_id: i64,
) -> AppResult<usize> {
    let sql = format!(
        "DELETE FROM {} WHERE connection_id = ?1 AND workspace_id = ?2 AND seen_pull <> ?3",
        table.name()
    );
    Ok(conn.execute(&sql, params![connection_id, workspace_id, pull_id])?)
}

pub fn set_metadata_pulled_at(
    conn: &Connection,
    connection_id: i64,
    workspace_id: i64,
    at: &str,
) -> AppResult<()> {
    conn.execute(
        "UPDATE toggl_workspaces SET metadata_pulled_at = ?3 WHERE connection_id = ?1 AND id = ?2",
        params![connection_id, workspace_id, at],
    )?;
    Ok(())
}

pub fn metadata_pulled_at(
    conn: &Connection,
    connection_id: i64,
    workspace_id: i64,
) -> AppResult<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT metadata_pulled_at FROM toggl_workspaces WHERE connection_id = ?1 AND id = ?2",
            params![connection_id, workspace_id],
            |r| r.get::<_, Option<String>>(0),
        )
        .optional()?
        .flatten())
}

/// Whether entries of the workspace name a project or tag that is not stored: then the
/// metadata is out of date, however recent its pull.
pub fn has_dangling_references(
    conn: &Connection,
    connection_id: i64,
    workspace_id: i64,
) -> AppResult<bool> {
    let projects: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM time_entries e
             WHERE e.connection_id = ?1 AND e.workspace_id = ?2 AND e.project_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM toggl_projects p
                               WHERE p.connection_id = ?1 AND p.id = e.project_id))",
        params![connection_id, workspace_id],
        |r| r.get(0),
    )?;
    if projects {
        return Ok(true);
    }
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM time_entry_tags t
             JOIN time_entries e ON e.connection_id = t.connection_id AND e.id = t.entry_id
             WHERE t.connection_id = ?1 AND e.workspace_id = ?2
               AND NOT EXISTS (SELECT 1 FROM toggl_tags g
                               WHERE g.connection_id = ?1 AND g.id = t.tag_id))",
        params![connection_id, workspace_id],
        |r| r.get(0),
    )?)
}
