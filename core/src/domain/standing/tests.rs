use super::*;
use crate::domain::test_support::{org, report, ws};

/// (workspace id, standing) for every workspace, in the listed order.
fn table(report: &AccessReport) -> Vec<(i64, Standing)> {
    report
        .standings()
        .iter()
        .map(|s| (s.workspace_id, s.standing))
        .collect()
}

fn qualifying(report: &AccessReport) -> Vec<i64> {
    report
        .standings()
        .iter()
        .filter(|s| s.qualifies)
        .map(|s| s.workspace_id)
        .collect()
}

#[test]
fn the_owner_of_the_company_organization_qualifies_for_all_its_workspaces() {
    let r = report(
        5,
        vec![org(1, "Acme Analytics", true, true)],
        vec![
            ws(11, "Design", 1, "user"),
            ws(10, "Consulting", 1, "admin"),
        ],
    );
    assert_eq!(
        table(&r),
        [
            (10, Standing::OrganizationOwner),
            (11, Standing::OrganizationOwner)
        ]
    );
    assert!(r.standings().iter().all(|s| s.reason.is_none()));
    assert_eq!(r.standings()[0].role_label, "Organization Owner");
}

#[test]
fn a_workspace_admin_of_one_workspace_qualifies_only_for_that_one() {
    let r = report(
        5,
        vec![org(1, "Acme Analytics", false, false)],
        vec![
            ws(10, "Consulting", 1, "user"),
            ws(11, "Design", 1, "admin"),
        ],
    );
    assert_eq!(
        table(&r),
        [(10, Standing::NotEnough), (11, Standing::WorkspaceAdmin)]
    );
    assert_eq!(qualifying(&r), [11]);
}

#[test]
fn an_organization_admin_who_is_a_plain_user_in_the_workspaces_qualifies_for_none() {
    let r = report(
        5,
        vec![org(1, "Acme Analytics", false, true)],
        vec![
            ws(10, "Consulting", 1, "user"),
            ws(11, "Design", 1, "projectlead"),
        ],
    );
    assert_eq!(qualifying(&r), Vec::<i64>::new());
    let standings = r.standings();
    assert_eq!(
        standings[0].role_label,
        "Organization Admin, Member in this workspace"
    );
    assert_eq!(
        standings[1].role_label,
        "Organization Admin, Project Lead in this workspace"
    );
    assert!(r.ensure_allowed().is_err());
}

#[test]
fn a_plain_member_owning_a_personal_organization_qualifies_only_for_the_personal_workspace() {
    let r = report(
        5,
        vec![
            org(1, "Acme Analytics", false, false),
            org(2, "Pat's organization", true, true),
        ],
        vec![
            ws(10, "Consulting", 1, "user"),
            ws(11, "Design", 1, "teamlead"),
            ws(20, "Pat's workspace", 2, "admin"),
        ],
    );
    assert_eq!(qualifying(&r), [20]);
    let standings = r.standings();
    let company: Vec<&WorkspaceStanding> = standings
        .iter()
        .filter(|s| s.organization_name == "Acme Analytics")
        .collect();
    assert_eq!(company.len(), 2, "the company workspaces are listed");
    for s in company {
        assert!(!s.qualifies);
        let reason = s.reason.as_deref().unwrap();
        assert!(reason.contains(&s.role_label), "{reason}");
        assert!(reason.contains(ROLE_RULE), "{reason}");
    }
    assert_eq!(standings[1].role_label, "Team Lead");
}

#[test]
fn two_organizations_with_mixed_roles_are_listed_by_organization() {
    let r = report(
        5,
        vec![
            org(2, "Beta Labs", false, true),
            org(1, "Acme Analytics", true, true),
        ],
        vec![
            ws(10, "Acme Main", 1, "user"),
            ws(21, "Beta Ops", 2, "admin"),
            ws(20, "Beta Main", 2, "user"),
            WorkspaceAccess {
                id: 30,
                name: "Loose".into(),
                organization_id: None,
                role: "admin".into(),
            },
        ],
    );
    assert_eq!(
        table(&r),
        [
            (20, Standing::NotEnough),
            (21, Standing::WorkspaceAdmin),
            (10, Standing::OrganizationOwner),
            (30, Standing::WorkspaceAdmin),
        ]
    );
    assert_eq!(r.standings()[3].organization_name, UNKNOWN_ORGANIZATION);
}

#[test]
fn a_role_lost_at_a_retest_shows_in_the_new_standing() {
    let before = report(
        5,
        vec![org(1, "Acme Analytics", false, false)],
        vec![
            ws(10, "Consulting", 1, "admin"),
            ws(11, "Design", 1, "admin"),
        ],
    );
    let after = report(
        5,
        vec![org(1, "Acme Analytics", false, false)],
        vec![
            ws(10, "Consulting", 1, "user"),
            ws(11, "Design", 1, "admin"),
        ],
    );
    assert!(before.standing_of(10).unwrap().qualifies);
    let lost = after.standing_of(10).unwrap();
    assert!(!lost.qualifies);
    assert_eq!(lost.role_label, "Member");
    assert!(after.standing_of(11).unwrap().qualifies);
    assert_eq!(after.standing_of(99), None, "a workspace no longer seen");
}

#[test]
fn a_report_within_a_scope_keeps_only_those_workspaces_and_their_organizations() {
    let r = report(
        5,
        vec![
            org(1, "Acme Analytics", false, false),
            org(2, "Pat's organization", true, true),
        ],
        vec![ws(10, "Consulting", 1, "user"), ws(20, "Pat's", 2, "admin")],
    );
    let scoped = r.within(&[20]);
    assert_eq!(
        scoped.workspaces.iter().map(|w| w.id).collect::<Vec<_>>(),
        [20]
    );
    assert_eq!(
        scoped
            .organizations
            .iter()
            .map(|o| o.id)
            .collect::<Vec<_>>(),
        [2]
    );
    assert!(scoped.verdict.is_allowed());
}
