//! One request-sized step of a stage: ask Toggl for the page at the stage's cursor and
//! turn the answer into rows to store plus the cursor of the next page. Nothing here
//! touches the database, so a failed request leaves no trace. This is where Toggl's
//! wire shapes become storage's neutral records: `db` never sees a Toggl type.

use super::model::{PullRange, StageKind};
use crate::db::metadata::{ClientRecord, MemberRecord, ProjectRecord, TagRecord};
use crate::db::time_entries::{EntryRecord, Money};
use crate::error::AppResult;
use crate::toggl::models::{
    Client, Project, ReportQuery, ReportRow, Tag, TimeEntry, WorkspaceMember,
};
use crate::toggl::{ClientStatus, TogglClient};
use crate::token::ApiToken;
use chrono::{DateTime, SecondsFormat, TimeZone, Utc};

/// Toggl's cap on one `/me/time_entries` answer.
pub const OWN_ENTRIES_CAP: usize = 1000;
const DAY: i64 = 86_400;

/// The rows of one page, by kind.
#[derive(Debug)]
pub enum PageData {
    Entries(Vec<EntryRecord>),
    Projects(Vec<ProjectRecord>),
    Clients(Vec<ClientRecord>),
    Tags(Vec<TagRecord>),
    Members(Vec<MemberRecord>),
}

impl PageData {
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn len(&self) -> usize {
        match self {
            PageData::Entries(v) => v.len(),
            PageData::Projects(v) => v.len(),
            PageData::Clients(v) => v.len(),
            PageData::Tags(v) => v.len(),
            PageData::Members(v) => v.len(),
        }
    }
}

/// A fetched page: its rows, the next cursor (`None`: the stage is complete), and for
/// own entries the time window the page covered completely.
#[derive(Debug)]
pub struct Fetched {
    pub data: PageData,
    pub next: Option<i64>,
    pub window: Option<(i64, i64)>,
}

/// What a fetch needs to know beyond the stage and its cursor.
pub struct FetchContext<'a> {
    pub client: &'a TogglClient,
    pub token: &'a ApiToken,
    pub range: PullRange,
    pub own_user_id: i64,
    pub own_user_name: &'a str,
    pub own_workspaces: &'a [i64],
    pub own_window_days: u32,
}

impl<'a> FetchContext<'a> {
    /// The workspaces an own-entries stage covers: all non-admin workspaces for the
    /// planned stage, or the one workspace of a fallback stage.
    pub fn own_scope<'s>(&'s self, workspace_id: i64, single: &'s [i64; 1]) -> &'s [i64] {
        if workspace_id == super::plan::ALL_WORKSPACES {
            self.own_workspaces
        } else {
            single
        }
    }
}

pub async fn fetch(
    ctx: &FetchContext<'_>,
    kind: StageKind,
    workspace_id: i64,
    cursor: Option<i64>,
) -> AppResult<Fetched> {
    let page_number = cursor.map_or(1, |c| c.max(1) as u32);
    let (client, token) = (ctx.client, ctx.token);
    let numbered = |next: Option<u32>| next.map(i64::from);
    Ok(match kind {
        StageKind::ProjectsActive | StageKind::ProjectsArchived => {
            let active = kind == StageKind::ProjectsActive;
            let page = client
                .projects_page(token, workspace_id, active, page_number)
                .await?;
            Fetched {
                next: numbered(page.next),
                data: PageData::Projects(projects(workspace_id, &page.items)),
                window: None,
            }
        }
        StageKind::Clients => Fetched {
            data: PageData::Clients(clients(
                workspace_id,
                &client
                    .clients(token, workspace_id, ClientStatus::Both)
                    .await?,
            )),
            next: None,
            window: None,
        },
        StageKind::Tags => {
            let page = client.tags_page(token, workspace_id, page_number).await?;
            Fetched {
                next: numbered(page.next),
                data: PageData::Tags(live_tags(workspace_id, &page.items)),
                window: None,
            }
        }
        StageKind::Members => Fetched {
            data: PageData::Members(members(
                &client.workspace_members(token, workspace_id).await?,
            )),
            next: None,
            window: None,
        },
        StageKind::ReportEntries => {
            let query = ReportQuery::between(
                ctx.range.start_date.format("%Y-%m-%d").to_string(),
                ctx.range.end_date.format("%Y-%m-%d").to_string(),
            );
            let page = client
                .detailed_report_page(token, workspace_id, &query, cursor)
                .await?;
            Fetched {
                data: PageData::Entries(report_entries(workspace_id, &page.items)),
                next: page.next,
                window: None,
            }
        }
        StageKind::OwnEntries => own_entries(ctx, workspace_id, cursor).await?,
    })
}

/// One window of the account's own entries. A window that comes back at Toggl's cap
/// may be missing entries, so it is halved and asked again (down to one day).
async fn own_entries(
    ctx: &FetchContext<'_>,
    workspace_id: i64,
    cursor: Option<i64>,
) -> AppResult<Fetched> {
    let single = [workspace_id];
    let workspaces = ctx.own_scope(workspace_id, &single);
    let end = ctx.range.end_ts_exclusive();
    let from = cursor.unwrap_or_else(|| ctx.range.start_ts());
    let mut length = i64::from(ctx.own_window_days.max(1)) * DAY;
    loop {
        let to = (from + length).min(end);
        let entries = ctx
            .client
            .my_time_entries(ctx.token, utc(from), utc(to))
            .await?;
        if entries.len() >= OWN_ENTRIES_CAP && to - from > DAY {
            length = ((to - from) / 2).max(DAY);
            continue;
        }
        let rows = entries
            .iter()
            .filter(|e| e.server_deleted_at.is_none())
            .filter(|e| e.workspace_id.is_some_and(|w| workspaces.contains(&w)))
            .filter_map(|e| own_entry(e, ctx.own_user_id, ctx.own_user_name))
            .collect();
        return Ok(Fetched {
            data: PageData::Entries(rows),
            next: (to < end).then_some(to),
            window: Some((from, to)),
        });
    }
}

fn utc(ts: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(ts, 0).single().unwrap_or_default()
}

fn iso(t: &DateTime<chrono::FixedOffset>) -> String {
    t.with_timezone(&Utc)
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Report rows carry the user's offset; stored times are UTC seconds.
pub fn report_entries(workspace_id: i64, rows: &[ReportRow]) -> Vec<EntryRecord> {
    rows.iter()
        .flat_map(|row| {
            let single = row.time_entries.len() == 1;
            row.time_entries.iter().filter_map(move |t| {
                let start = t.start?.timestamp();
                let stop = t.stop.map(|s| s.timestamp());
                Some(EntryRecord {
                    id: t.id,
                    workspace_id,
                    project_id: row.project_id,
                    task_id: row.task_id,
                    user_id: row.user_id,
                    user_name: row.username.clone(),
                    description: row.description.clone(),
                    start,
                    stop,
                    duration: stop.and(t.seconds),
                    billable: row.billable,
                    tag_ids: row.tag_ids.clone().unwrap_or_default(),
                    at: t.at.as_ref().map(iso),
                    money: report_money(row, single, stop.and(t.seconds)),
                })
            })
        })
        .collect()
}

/// The money of one entry of a report row. The row's amount is the entry's own when the
/// row holds one entry (Toggl's default, ungrouped report); a grouped row's amount is
/// shared out by the rate instead. `None` when Toggl gave neither amount nor rate.
fn report_money(row: &ReportRow, single: bool, seconds: Option<i64>) -> Option<Money> {
    if row.billable_amount_in_cents.is_none() && row.hourly_rate_in_cents.is_none() {
        return None;
    }
    let amount_cents = if single {
        row.billable_amount_in_cents
    } else {
        row.hourly_rate_in_cents
            .zip(seconds)
            .filter(|_| row.billable == Some(true))
            .map(|(rate, secs)| (rate.saturating_mul(secs) + 1_800) / 3_600)
    };
    Some(Money {
        amount_cents,
        hourly_rate_cents: row.hourly_rate_in_cents,
        currency: row.currency.clone(),
    })
}

/// A v9 entry; a running one (negative duration) is stored without stop or duration.
pub fn own_entry(e: &TimeEntry, own_user_id: i64, own_user_name: &str) -> Option<EntryRecord> {
    Some(EntryRecord {
        id: e.id,
        workspace_id: e.workspace_id?,
        project_id: e.project_id,
        task_id: e.task_id,
        user_id: e.user_id.or(Some(own_user_id)),
        user_name: Some(own_user_name.to_string()),
        description: e.description.clone(),
        start: e.start?.timestamp(),
        stop: e.stop.map(|s| s.timestamp()),
        duration: e.duration.filter(|d| *d >= 0 && e.stop.is_some()),
        billable: e.billable,
        tag_ids: e.tag_ids.clone().unwrap_or_default(),
        at: e.at.as_ref().map(iso),
        money: None,
    })
}

/// Projects of a workspace page; one without a workspace id belongs to the page's.
pub fn projects(workspace_id: i64, rows: &[Project]) -> Vec<ProjectRecord> {
    rows.iter()
        .map(|p| ProjectRecord {
            id: p.id,
            workspace_id: p.workspace_id.unwrap_or(workspace_id),
            client_id: p.client_id,
            name: p.name.clone(),
            active: p.active.unwrap_or(true),
            color: p.color.clone(),
            billable: p.billable,
        })
        .collect()
}

pub fn clients(workspace_id: i64, rows: &[Client]) -> Vec<ClientRecord> {
    rows.iter()
        .map(|c| ClientRecord {
            id: c.id,
            workspace_id: c.wid.unwrap_or(workspace_id),
            name: c.name.clone(),
            archived: c.archived.unwrap_or(false),
        })
        .collect()
}

/// Tags of a page without the deleted ones (Toggl may list them with `deleted_at`).
pub fn live_tags(workspace_id: i64, rows: &[Tag]) -> Vec<TagRecord> {
    rows.iter()
        .filter(|t| t.deleted_at.is_none())
        .map(|t| TagRecord {
            id: t.id,
            workspace_id: t.workspace_id.unwrap_or(workspace_id),
            name: t.name.clone(),
        })
        .collect()
}

pub fn members(rows: &[WorkspaceMember]) -> Vec<MemberRecord> {
    rows.iter()
        .map(|m| MemberRecord {
            user_id: m.id,
            name: m.fullname.clone(),
            email: m.email.clone(),
            role: m.role.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deleted_tags_are_dropped_and_missing_workspace_ids_filled_in() {
        let tag = |id, deleted: Option<&str>| Tag {
            id,
            workspace_id: None,
            name: format!("t{id}"),
            at: None,
            creator_id: None,
            deleted_at: deleted.map(str::to_string),
        };
        assert_eq!(
            live_tags(9, &[tag(1, None), tag(2, Some("2025-01-01T00:00:00Z"))]),
            vec![TagRecord {
                id: 1,
                workspace_id: 9,
                name: "t1".into()
            }]
        );
    }
}
