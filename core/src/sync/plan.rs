//! Which stages a pull runs, from the access snapshot alone (no request): every
//! workspace the account belongs to, with everyone's entries where it is an admin and
//! its own entries elsewhere.

use super::model::{PullRange, StageKind};
use crate::domain::{AccessReport, WorkspaceAccess};

/// The workspace id under which the cross-workspace `OwnEntries` stage is recorded.
pub const ALL_WORKSPACES: i64 = 0;

/// One unit of work: a stage in a workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlannedStage {
    pub workspace_id: i64,
    pub kind: StageKind,
}

/// Whether the account may see all members' entries (and list the members) of a
/// workspace: its admin, or owner/admin of the workspace's organization.
pub fn sees_everyone(access: &AccessReport, workspace: &WorkspaceAccess) -> bool {
    workspace.is_admin()
        || access
            .organizations
            .iter()
            .any(|o| Some(o.id) == workspace.organization_id && (o.owner || o.admin))
}

/// Workspaces where only the account's own entries can be read.
pub fn own_entry_workspaces(access: &AccessReport) -> Vec<i64> {
    let mut ids: Vec<i64> = access
        .workspaces
        .iter()
        .filter(|w| !sees_everyone(access, w))
        .map(|w| w.id)
        .collect();
    ids.sort_unstable();
    ids
}

/// The stages in the order they run: own entries first (one stage for all
/// non-admin workspaces), then per workspace its entries and its metadata. Entries
/// come before metadata so the metadata check can see projects or tags the new
/// entries name but the database lacks.
pub fn plan(access: &AccessReport) -> Vec<PlannedStage> {
    let mut workspaces: Vec<&WorkspaceAccess> = access.workspaces.iter().collect();
    workspaces.sort_by_key(|w| w.id);
    let mut stages = Vec::new();
    if !own_entry_workspaces(access).is_empty() {
        stages.push(PlannedStage {
            workspace_id: ALL_WORKSPACES,
            kind: StageKind::OwnEntries,
        });
    }
    for w in workspaces {
        let admin = sees_everyone(access, w);
        let mut kinds = Vec::new();
        if admin {
            kinds.push(StageKind::ReportEntries);
        }
        kinds.extend([
            StageKind::ProjectsActive,
            StageKind::ProjectsArchived,
            StageKind::Clients,
            StageKind::Tags,
        ]);
        if admin {
            kinds.push(StageKind::Members);
        }
        stages.extend(kinds.into_iter().map(|kind| PlannedStage {
            workspace_id: w.id,
            kind,
        }));
    }
    stages
}

/// The metadata stages of one workspace in a plan, in order.
pub fn metadata_stages(stages: &[PlannedStage], workspace_id: i64) -> Vec<StageKind> {
    stages
        .iter()
        .filter(|s| s.workspace_id == workspace_id && s.kind.is_metadata())
        .map(|s| s.kind)
        .collect()
}

/// The range cut into consecutive chunks of at most `max_days` days, each one detailed
/// report query (Toggl's reports span at most a year).
pub fn report_chunks(range: PullRange, max_days: u32) -> Vec<PullRange> {
    let step = chrono::Duration::days(i64::from(max_days.max(1)));
    let mut chunks = Vec::new();
    let mut start = range.start_date;
    while start <= range.end_date {
        let end = (start + step - chrono::Duration::days(1)).min(range.end_date);
        chunks.push(PullRange {
            start_date: start,
            end_date: end,
        });
        start = end + chrono::Duration::days(1);
    }
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_ranges_are_cut_into_adjacent_chunks_of_at_most_a_year() {
        let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let range = PullRange::new(day(2023, 1, 1), day(2025, 3, 1)).unwrap();
        let chunks = report_chunks(range, 365);
        assert_eq!(chunks.len(), 3);
        assert_eq!(chunks[0].start_date, range.start_date);
        assert_eq!(chunks[2].end_date, range.end_date);
        for pair in chunks.windows(2) {
            assert_eq!(
                pair[0].end_date + chrono::Duration::days(1),
                pair[1].start_date
            );
        }
        assert!(chunks
            .iter()
            .all(|c| (c.end_date - c.start_date).num_days() < 365));
        let short = PullRange::new(day(2025, 1, 1), day(2025, 1, 1)).unwrap();
        assert_eq!(report_chunks(short, 365), vec![short]);
    }
}
