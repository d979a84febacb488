//! What the fake Toggl knows: users with their tokens, organizations, workspaces with a
//! role per member, and the workspace data. Built with chained `with_*` calls, or from a
//! seed (`generate.rs`). Knobs for the behaviours the fact sheet leaves unconfirmed live
//! in [`Shape`] (see `settings.rs`), so a test picks the behaviour it wants to survive.

pub use super::settings::{Limits, Shape};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub fullname: String,
    pub timezone: String,
    pub token: String,
    /// `beginning_of_week` of `/me`: 0 Sunday … 6 Saturday (Toggl's default is Monday).
    pub beginning_of_week: u8,
}

/// Toggl plans differ in the hourly quota of organization requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    Free,
    Starter,
    Premium,
}

impl Plan {
    pub fn hourly_quota(self) -> u32 {
        match self {
            Plan::Free => 30,
            Plan::Starter => 240,
            Plan::Premium => 600,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Plan::Free => "Free",
            Plan::Starter => "Starter",
            Plan::Premium => "Premium",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    pub id: i64,
    pub name: String,
    pub plan: Plan,
    pub owner_id: i64,
    /// Organization admins besides the owner (Toggl also flags the owner as admin).
    pub admin_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    pub id: i64,
    pub organization_id: i64,
    pub name: String,
    /// Each member's role: "admin", "user", "projectlead", "teamlead", or anything else.
    pub members: Vec<(i64, String)>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Project {
    pub id: i64,
    pub workspace_id: i64,
    pub client_id: Option<i64>,
    pub name: String,
    pub active: bool,
    /// The project's billable rate; `None` sends `"rate": null` as Toggl does.
    pub rate: Option<Rate>,
}

/// A billable rate per hour in cents of `currency` ("7250", "EUR" is 72.50 EUR an hour).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rate {
    pub cents: i64,
    pub currency: String,
}

impl Rate {
    /// What `seconds` earn at this rate, to the nearest cent, as the detailed report's
    /// `billable_amount_in_cents` gives it.
    pub fn amount(&self, seconds: i64) -> i64 {
        (seconds * self.cents + 1_800).div_euclid(3_600)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub id: i64,
    pub workspace_id: i64,
    pub name: String,
    pub archived: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub id: i64,
    pub workspace_id: i64,
    pub name: String,
}

/// A time entry. Build one with `..TimeEntry::default()` for the fields a test does not
/// care about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimeEntry {
    pub id: i64,
    pub workspace_id: i64,
    pub user_id: i64,
    pub project_id: Option<i64>,
    pub description: Option<String>,
    pub start: DateTime<Utc>,
    /// Seconds; a running entry has none and is sent with a negative duration.
    pub duration: Option<i64>,
    pub tag_ids: Vec<i64>,
    pub billable: bool,
    /// Toggl's last update (`at`); `None`: the entry was last touched when it stopped
    /// (or started, while running), as generated data is.
    pub at: Option<DateTime<Utc>>,
    /// When the entry was deleted on Toggl (`server_deleted_at`). A deleted entry is
    /// served only by `/me/time_entries?since=…`, to its owner.
    pub deleted_at: Option<DateTime<Utc>>,
}

impl TimeEntry {
    /// Toggl's `at`: when the entry last changed.
    pub fn last_update(&self) -> DateTime<Utc> {
        self.at.unwrap_or_else(|| {
            self.duration
                .map_or(self.start, |d| self.start + chrono::Duration::seconds(d))
        })
    }

    pub fn is_deleted(&self) -> bool {
        self.deleted_at.is_some()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scenario {
    pub users: Vec<User>,
    pub organizations: Vec<Organization>,
    pub workspaces: Vec<Workspace>,
    pub projects: Vec<Project>,
    pub clients: Vec<Client>,
    pub tags: Vec<Tag>,
    pub time_entries: Vec<TimeEntry>,
    pub limits: Limits,
    pub shape: Shape,
}

/// Personal organizations (see [`Shape::personal_organizations`]) are numbered from here.
pub const PERSONAL_ORG_BASE: i64 = 900_000;

/// The token the fake gives user `id`: 32 hex characters, stable across runs.
pub fn token_for(id: i64) -> String {
    let mixed = (id as u128).wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835) ^ 0xb1e5;
    format!("{mixed:032x}")
}

impl Scenario {
    pub fn new() -> Self {
        Scenario::default()
    }

    pub fn with_user(mut self, id: i64, email: &str, fullname: &str) -> Self {
        self.users.push(User {
            id,
            email: email.into(),
            fullname: fullname.into(),
            timezone: "Europe/Berlin".into(),
            token: token_for(id),
            beginning_of_week: 1,
        });
        self
    }

    /// The day `user_id` starts weeks on in Toggl (0 Sunday … 6 Saturday).
    pub fn with_week_start(mut self, user_id: i64, beginning_of_week: u8) -> Self {
        if let Some(user) = self.users.iter_mut().find(|u| u.id == user_id) {
            user.beginning_of_week = beginning_of_week;
        }
        self
    }

    pub fn with_organization(mut self, id: i64, name: &str, owner_id: i64) -> Self {
        self.organizations.push(Organization {
            id,
            name: name.into(),
            plan: Plan::Free,
            owner_id,
            admin_ids: Vec::new(),
        });
        self
    }

    pub fn with_org_admin(mut self, organization_id: i64, user_id: i64) -> Self {
        if let Some(org) = self
            .organizations
            .iter_mut()
            .find(|o| o.id == organization_id)
        {
            org.admin_ids.push(user_id);
        }
        self
    }

    pub fn with_workspace(mut self, id: i64, organization_id: i64, name: &str) -> Self {
        self.workspaces.push(Workspace {
            id,
            organization_id,
            name: name.into(),
            members: Vec::new(),
        });
        self
    }

    pub fn with_member(mut self, workspace_id: i64, user_id: i64, role: &str) -> Self {
        if let Some(ws) = self.workspaces.iter_mut().find(|w| w.id == workspace_id) {
            ws.members.push((user_id, role.into()));
        }
        self
    }

    pub fn with_project(mut self, id: i64, workspace_id: i64, name: &str, active: bool) -> Self {
        self.projects.push(Project {
            id,
            workspace_id,
            client_id: None,
            name: name.into(),
            active,
            rate: None,
        });
        self
    }

    /// Gives a project a billable rate (`cents` per hour of `currency`).
    pub fn with_project_rate(mut self, project_id: i64, cents: i64, currency: &str) -> Self {
        if let Some(p) = self.projects.iter_mut().find(|p| p.id == project_id) {
            p.rate = Some(Rate {
                cents,
                currency: currency.into(),
            });
        }
        self
    }

    pub fn with_client(mut self, id: i64, workspace_id: i64, name: &str, archived: bool) -> Self {
        self.clients.push(Client {
            id,
            workspace_id,
            name: name.into(),
            archived,
        });
        self
    }

    pub fn with_tag(mut self, id: i64, workspace_id: i64, name: &str) -> Self {
        self.tags.push(Tag {
            id,
            workspace_id,
            name: name.into(),
        });
        self
    }

    pub fn with_time_entry(mut self, entry: TimeEntry) -> Self {
        self.time_entries.push(entry);
        self
    }

    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    pub fn with_shape(mut self, shape: Shape) -> Self {
        self.shape = shape;
        self
    }

    /// Quotas high enough that volume tests never meet them.
    pub fn with_unlimited_quota(mut self) -> Self {
        self.limits.user_per_hour = u32::MAX;
        self.limits.org_per_hour = Some(u32::MAX);
        self
    }

    pub fn token_of(&self, user_id: i64) -> String {
        self.user(user_id)
            .map(|u| u.token.clone())
            .unwrap_or_default()
    }

    pub fn user(&self, id: i64) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    pub fn user_by_token(&self, token: &str) -> Option<&User> {
        self.users.iter().find(|u| u.token == token)
    }

    pub fn workspace(&self, id: i64) -> Option<&Workspace> {
        self.workspaces.iter().find(|w| w.id == id)
    }

    pub fn organization(&self, id: i64) -> Option<&Organization> {
        self.organizations.iter().find(|o| o.id == id)
    }

    /// The user's role in a workspace, if a direct member.
    pub fn role_in(&self, user_id: i64, workspace_id: i64) -> Option<&str> {
        let ws = self.workspace(workspace_id)?;
        ws.members
            .iter()
            .find(|(id, _)| *id == user_id)
            .map(|(_, role)| role.as_str())
    }

    pub fn is_org_admin(&self, user_id: i64, org: &Organization) -> bool {
        org.owner_id == user_id || org.admin_ids.contains(&user_id)
    }

    /// Members see their workspaces; organization owners and admins see all of theirs.
    pub fn can_see_workspace(&self, user_id: i64, workspace_id: i64) -> bool {
        let Some(ws) = self.workspace(workspace_id) else {
            return false;
        };
        self.role_in(user_id, workspace_id).is_some()
            || self
                .organization(ws.organization_id)
                .is_some_and(|o| self.is_org_admin(user_id, o))
    }

    /// Workspaces the user is a direct member of (what `/me/workspaces` lists).
    pub fn workspaces_of(&self, user_id: i64) -> Vec<&Workspace> {
        self.workspaces
            .iter()
            .filter(|w| w.members.iter().any(|(id, _)| *id == user_id))
            .collect()
    }

    /// Organizations the user owns, administers, or has a workspace in.
    pub fn organizations_of(&self, user_id: i64) -> Vec<&Organization> {
        self.organizations
            .iter()
            .filter(|o| {
                self.is_org_admin(user_id, o)
                    || self
                        .workspaces_of(user_id)
                        .iter()
                        .any(|w| w.organization_id == o.id)
            })
            .collect()
    }

    /// The hourly quota of one organization's bucket.
    pub fn org_quota(&self, organization_id: i64) -> u32 {
        self.limits.org_per_hour.unwrap_or_else(|| {
            self.organization(organization_id)
                .map_or(Plan::Free.hourly_quota(), |o| o.plan.hourly_quota())
        })
    }

    /// Gives every user an organization of their own with no workspace in it, as Toggl
    /// makes one at sign-up; ids are `PERSONAL_ORG_BASE + user id`.
    pub fn add_personal_organizations(&mut self) {
        for user in &self.users {
            let id = PERSONAL_ORG_BASE + user.id;
            if self.organizations.iter().any(|o| o.id == id) {
                continue;
            }
            self.organizations.push(Organization {
                id,
                name: format!("{}'s organization", user.fullname),
                plan: Plan::Free,
                owner_id: user.id,
                admin_ids: Vec::new(),
            });
        }
    }

    /// Changes one entry as an edit on Toggl does: its `at` moves to now. Returns whether
    /// the entry exists (deleted ones are not edited).
    pub fn edit_entry(&mut self, id: i64, change: impl FnOnce(&mut TimeEntry)) -> bool {
        let Some(entry) = self
            .time_entries
            .iter_mut()
            .find(|e| e.id == id && !e.is_deleted())
        else {
            return false;
        };
        change(entry);
        entry.at = Some(Utc::now());
        true
    }

    /// Adds an entry as tracking it on Toggl does: its `at` is now.
    pub fn add_entry(&mut self, entry: TimeEntry) {
        self.time_entries.push(TimeEntry {
            at: Some(Utc::now()),
            deleted_at: None,
            ..entry
        });
    }

    /// Deletes an entry as Toggl does: it stays known to `since` answers with
    /// `server_deleted_at`, and no other answer shows it. Returns whether it existed.
    pub fn delete_entry(&mut self, id: i64) -> bool {
        self.edit_entry(id, |e| e.deleted_at = Some(Utc::now()))
    }

    /// Entries Toggl still has (not deleted).
    pub fn live_entries(&self) -> impl Iterator<Item = &TimeEntry> {
        self.time_entries.iter().filter(|e| !e.is_deleted())
    }

    /// Replaces a user's token, as Toggl's "reset token" does; returns the new one.
    pub fn reset_token(&mut self, user_id: i64) -> Option<String> {
        let user = self.users.iter_mut().find(|u| u.id == user_id)?;
        let seed = i64::from_str_radix(&user.token[..15], 16).unwrap_or(user.id);
        user.token = token_for(seed.wrapping_add(1));
        Some(user.token.clone())
    }
}
