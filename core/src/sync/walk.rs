//! Whether an entries stage walks its whole range or asks Toggl only for what changed
//! since the last pull of that range, and what a completed stage leaves for the next.
//!
//! A stage asks for changes when an earlier pull completed the same stage for the same
//! range, the last walk of the whole range is younger than
//! [`PullOptions::full_walk_max_age`](super::PullOptions) (a week) and the user did not
//! ask for a full re-pull. Only a whole walk sees entries other people deleted in an
//! admin workspace (the report never lists deletions) or entries whose start moved out
//! of the range there; the weekly walk bounds how long those stay. A workspace new to
//! the own entries (a role or scope change) was never walked, so the own entries are
//! walked whole then too.

use super::model::{PullRange, PullRequest, StageKind};
use super::plan::{own_entry_workspaces, ALL_WORKSPACES};
use crate::db::entry_walks::{self, WalkKey};
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use rusqlite::Connection;

/// Whether the stage is one whose walk is remembered: the report of an admin workspace
/// or the account's own entries across workspaces (a fallback own-entries stage of one
/// workspace always walks its range).
pub fn is_remembered(workspace_id: i64, kind: StageKind) -> bool {
    match kind {
        StageKind::ReportEntries => true,
        StageKind::OwnEntries => workspace_id == ALL_WORKSPACES,
        _ => false,
    }
}

/// The workspaces a remembered stage covers: its own, or every own-entry workspace.
fn scope(request: &PullRequest, workspace_id: i64) -> String {
    if workspace_id == ALL_WORKSPACES {
        entry_walks::scope_text(&own_entry_workspaces(&request.access))
    } else {
        entry_walks::scope_text(&[workspace_id])
    }
}

pub fn key(connection_id: i64, workspace_id: i64, range: PullRange) -> WalkKey {
    WalkKey {
        connection_id,
        workspace_id,
        start_date: range.start_date,
        end_date: range.end_date,
    }
}

/// What a new entries stage asks Toggl: `None` walks the whole range; `Some(t)` only
/// the entries changed since `t` (unix seconds).
pub fn changed_since(
    conn: &Connection,
    request: &PullRequest,
    workspace_id: i64,
    kind: StageKind,
    now: DateTime<Utc>,
) -> AppResult<Option<i64>> {
    if request.options.full_walk || !is_remembered(workspace_id, kind) {
        return Ok(None);
    }
    let key = key(request.connection_id, workspace_id, request.range);
    let Some(walk) = entry_walks::get(conn, &key)? else {
        return Ok(None);
    };
    let max_age = request.options.full_walk_max_age.num_seconds();
    let recent = now.timestamp() - walk.full_walk_at < max_age;
    Ok((recent && walk.scope == scope(request, workspace_id)).then_some(walk.changes_until))
}

/// Records a completed remembered stage: up to when every change is stored, taken
/// conservatively as never later than the start of the pull (`pull_started`): for own
/// entries that start itself (Toggl's `since` reads its own clock); for a report the
/// latest `at` stored for the workspace and range when earlier (so a clock ahead of
/// Toggl's cannot skip a change). A whole walk also records its start as the last
/// full walk.
pub fn record_completed(
    conn: &Connection,
    request: &PullRequest,
    workspace_id: i64,
    kind: StageKind,
    whole: bool,
    pull_started: i64,
    window: (i64, i64),
) -> AppResult<()> {
    if !is_remembered(workspace_id, kind) {
        return Ok(());
    }
    let changes_until = match kind {
        StageKind::ReportEntries => {
            entry_walks::latest_change(conn, request.connection_id, &[workspace_id], window)?
                .map_or(pull_started, |at| at.min(pull_started))
        }
        _ => pull_started,
    };
    let key = key(request.connection_id, workspace_id, request.range);
    let scope = scope(request, workspace_id);
    entry_walks::record(
        conn,
        &key,
        &scope,
        whole.then_some(pull_started),
        changes_until,
    )
}
