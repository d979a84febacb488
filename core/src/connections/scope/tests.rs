use super::super::tests::tok;
use super::super::{CheckedToken, NewConnection};
use super::*;
use crate::db::metadata::{upsert_members, upsert_workspaces, MemberRecord};
use crate::db::time_entries::{upsert, EntryRecord};
use crate::db::Db;
use crate::domain::test_support::{org as org_flags, report, ws};
use crate::domain::{OrganizationAccess, Privacy};
use crate::secrets::MemoryStore;

const COMPANY: i64 = 1;
const PERSONAL: i64 = 2;

/// An organization whose owner is flagged as its admin too, as Toggl does.
fn org(id: i64, name: &str, owner: bool) -> OrganizationAccess {
    org_flags(id, name, owner, owner)
}

/// A plain member of two company workspaces who owns a personal organization.
fn member_with_personal_org() -> AccessReport {
    report(
        5,
        vec![
            org(COMPANY, "Acme Analytics", false),
            org(PERSONAL, "Pat's org", true),
        ],
        vec![
            ws(10, "Consulting", COMPANY, "user"),
            ws(11, "Design", COMPANY, "user"),
            ws(20, "Pat's workspace", PERSONAL, "admin"),
        ],
    )
}

/// Admin of both company workspaces, owner of nothing.
fn company_admin() -> AccessReport {
    report(
        5,
        vec![org(COMPANY, "Acme Analytics", false)],
        vec![
            ws(10, "Consulting", COMPANY, "admin"),
            ws(11, "Design", COMPANY, "admin"),
        ],
    )
}

fn demoted() -> AccessReport {
    report(
        5,
        vec![org(COMPANY, "Acme Analytics", false)],
        vec![
            ws(10, "Consulting", COMPANY, "user"),
            ws(11, "Design", COMPANY, "admin"),
        ],
    )
}

fn service() -> (Arc<Db>, ConnectionService) {
    let db = Arc::new(Db::open_in_memory().unwrap());
    let service = ConnectionService::new(db.clone(), Arc::new(MemoryStore::new()));
    (db, service)
}

fn save(
    service: &ConnectionService,
    access: AccessReport,
    workspace_ids: Option<Vec<i64>>,
) -> AppResult<ConnectionSummary> {
    service.create(
        &CheckedToken::for_tests(tok(1), access),
        NewConnection {
            name: "Scoped".into(),
            privacy: Privacy::PrivateToMe,
            request_id: "req".into(),
            workspace_ids,
        },
    )
}

fn book(service: &ConnectionService, id: i64, access: AccessReport) -> ConnectionSummary {
    let (summary, booked) = service
        .book_check(id, 0, super::super::Booking::Checked(access))
        .unwrap();
    assert!(booked);
    summary
}

fn scope_ids(service: &ConnectionService, id: i64) -> Vec<i64> {
    let mut ids: Vec<i64> = service
        .get(id)
        .unwrap()
        .workspaces
        .iter()
        .filter(|w| w.in_scope)
        .map(|w| w.standing.workspace_id)
        .collect();
    ids.sort_unstable();
    ids
}

fn entry(id: i64, workspace_id: i64) -> EntryRecord {
    EntryRecord {
        id,
        workspace_id,
        project_id: None,
        task_id: None,
        user_id: Some(5),
        user_name: None,
        description: None,
        start: 1_700_000_000 + id,
        stop: Some(1_700_000_100 + id),
        duration: Some(100),
        billable: None,
        tag_ids: vec![],
        at: None,
        money: None,
    }
}

/// Rows as a pull leaves them: the workspaces, `n` entries and one member each.
fn pulled(db: &Db, id: i64, access: &AccessReport, per_workspace: &[(i64, i64)]) {
    db.transaction(|tx| {
        upsert_workspaces(tx, id, &access.workspaces)?;
        for (workspace, n) in per_workspace {
            let entries: Vec<EntryRecord> = (0..*n)
                .map(|k| entry(workspace * 1000 + k, *workspace))
                .collect();
            upsert(tx, id, 1, &entries)?;
            upsert_members(
                tx,
                id,
                *workspace,
                1,
                &[MemberRecord {
                    user_id: 9,
                    name: Some("Max".into()),
                    email: Some("max@example.test".into()),
                    role: None,
                }],
            )?;
        }
        Ok(())
    })
    .unwrap();
}

#[test]
fn a_plain_member_with_a_personal_organization_is_connected_for_the_personal_workspace_only() {
    let (_, service) = service();
    let saved = save(&service, member_with_personal_org(), None).unwrap();
    assert_eq!(scope_ids(&service, saved.id), [20]);
    let detail = service.get(saved.id).unwrap();
    let company: Vec<&ScopeWorkspace> = detail
        .workspaces
        .iter()
        .filter(|w| w.standing.organization_id == Some(COMPANY))
        .collect();
    assert_eq!(company.len(), 2, "the company workspaces are listed");
    assert!(company
        .iter()
        .all(|w| !w.in_scope && w.standing.reason.is_some()));

    let (_, pulled) = service.pull_credentials(saved.id).unwrap();
    let ids: Vec<i64> = pulled.workspaces.iter().map(|w| w.id).collect();
    assert_eq!(ids, [20], "a pull is given only the scope");
    assert_eq!(
        pulled
            .organizations
            .iter()
            .map(|o| o.id)
            .collect::<Vec<_>>(),
        [PERSONAL]
    );
}

#[test]
fn the_stepper_cannot_choose_a_workspace_that_does_not_qualify_or_none() {
    let (_, service) = service();
    let refused = save(&service, member_with_personal_org(), Some(vec![20, 10])).unwrap_err();
    assert_eq!(refused.code(), "role_insufficient");
    assert!(refused.to_string().contains("Consulting"), "{refused}");
    let empty = save(&service, member_with_personal_org(), Some(vec![])).unwrap_err();
    assert_eq!(empty.field(), Some(crate::error::InputField::Scope));
    assert!(service.list().unwrap().is_empty(), "nothing saved");
    let chosen = save(&service, company_admin(), Some(vec![11])).unwrap();
    assert_eq!(scope_ids(&service, chosen.id), [11]);
}

#[test]
fn a_role_lost_at_a_retest_is_marked_and_left_out_of_pulls_with_its_rows_kept() {
    let (db, service) = service();
    let id = save(&service, company_admin(), None).unwrap().id;
    pulled(&db, id, &company_admin(), &[(10, 3), (11, 2)]);
    let summary = book(&service, id, demoted());
    assert_eq!(summary.workspaces_lost, ["Consulting"]);
    let detail = service.get(id).unwrap();
    let consulting = detail
        .workspaces
        .iter()
        .find(|w| w.standing.workspace_id == 10)
        .unwrap();
    assert!(consulting.in_scope && consulting.lost);
    assert_eq!(consulting.standing.role_label, "Member");
    assert_eq!(
        consulting.pulled.entries, 3,
        "nothing deleted without asking"
    );
    let (_, pulled) = service.pull_credentials(id).unwrap();
    assert_eq!(
        pulled.workspaces.iter().map(|w| w.id).collect::<Vec<_>>(),
        [11]
    );
}

#[test]
fn a_pull_is_refused_when_no_workspace_of_the_scope_qualifies() {
    let (_, service) = service();
    let id = save(&service, company_admin(), Some(vec![10])).unwrap().id;
    book(&service, id, demoted());
    let refused = service.pull_credentials(id).unwrap_err();
    assert_eq!(refused.code(), "role_insufficient");
    assert!(refused.to_string().contains("Consulting"), "{refused}");
}

#[test]
fn removing_a_workspace_deletes_exactly_its_rows_after_saying_how_many() {
    let (db, service) = service();
    let id = save(&service, company_admin(), None).unwrap().id;
    pulled(&db, id, &company_admin(), &[(10, 3), (11, 2)]);
    let before = service.workspace_rows(id, 10).unwrap();
    assert_eq!((before.entries, before.members), (3, 1));
    assert_eq!(service.remove_workspace(id, 10).unwrap(), before);
    assert_eq!(scope_ids(&service, id), [11]);
    assert!(service.workspace_rows(id, 10).unwrap().is_empty());
    let kept = service.workspace_rows(id, 11).unwrap();
    assert_eq!(
        (kept.entries, kept.members),
        (2, 1),
        "the other workspace keeps its rows"
    );
    let last = service.remove_workspace(id, 11).unwrap_err();
    assert_eq!(last.field(), Some(crate::error::InputField::Scope));
    assert_eq!(service.workspace_rows(id, 11).unwrap().entries, 2);
}

#[test]
fn a_swap_to_another_account_deletes_the_rows_of_the_workspaces_it_leaves() {
    let (db, service) = service();
    let id = save(&service, company_admin(), None).unwrap().id;
    pulled(&db, id, &company_admin(), &[(10, 3), (11, 2)]);
    let other = report(
        6,
        vec![org(3, "Other Co", true)],
        vec![
            ws(30, "Other", 3, "user"),
            ws(11, "Design", COMPANY, "user"),
        ],
    );
    service
        .swap_token(id, &CheckedToken::for_tests(tok(2), other), true)
        .unwrap();
    assert_eq!(scope_ids(&service, id), [30]);
    for workspace in [10, 11] {
        assert!(
            service.workspace_rows(id, workspace).unwrap().is_empty(),
            "{workspace}"
        );
    }
    assert!(db
        .with(|c| scope::pulled_workspaces(c, id))
        .unwrap()
        .is_empty());
}

#[test]
fn a_swap_to_the_same_account_keeps_the_scope_and_its_rows() {
    let (db, service) = service();
    let id = save(&service, company_admin(), Some(vec![10])).unwrap().id;
    pulled(&db, id, &company_admin(), &[(10, 3)]);
    service
        .swap_token(id, &CheckedToken::for_tests(tok(2), company_admin()), false)
        .unwrap();
    assert_eq!(scope_ids(&service, id), [10]);
    assert_eq!(service.workspace_rows(id, 10).unwrap().entries, 3);
}

#[test]
fn rows_of_a_workspace_outside_the_scope_are_listed_for_deletion() {
    let (db, service) = service();
    let id = save(&service, member_with_personal_org(), None).unwrap().id;
    // An older release pulled the member's own entries of a company workspace.
    pulled(&db, id, &member_with_personal_org(), &[(10, 4)]);
    pulled(&db, id, &member_with_personal_org(), &[(20, 2)]);
    db.transaction(|tx| {
        let colleague = MemberRecord {
            user_id: 77,
            name: Some("Company colleague".into()),
            email: Some("colleague@example.test".into()),
            role: None,
        };
        upsert_members(tx, id, 10, 1, &[colleague])
    })
    .unwrap();
    let filter = crate::review::Filter::default();
    let options = crate::review::filter_options(&db, id).unwrap();
    let offered: Vec<i64> = options.workspaces.iter().map(|w| w.id).collect();
    assert_eq!(offered, [20], "the review offers only the scope");
    assert!(
        options.users.iter().all(|u| u.id != 77),
        "a member seen only outside the scope is not offered"
    );
    let totals = crate::review::totals(&db, id, &filter).unwrap();
    assert_eq!(totals.entries, 2, "totals leave the company entries out");
    let page = crate::review::PageRequest {
        offset: 0,
        page_size: 50,
    };
    let listed = crate::review::entries_page(&db, id, &filter, &page).unwrap();
    assert_eq!(listed.total_count, 2);
    assert!(listed.rows.iter().all(|e| e.workspace_id == 20));
    let detail = service.get(id).unwrap();
    let outside = detail
        .workspaces
        .iter()
        .find(|w| w.standing.workspace_id == 10)
        .unwrap();
    assert!(!outside.in_scope);
    assert_eq!(outside.pulled.entries, 4);
    assert_eq!(service.remove_workspace(id, 10).unwrap().entries, 4);
    assert_eq!(scope_ids(&service, id), [20]);
}

#[test]
fn an_older_connection_gets_the_qualifying_workspaces_of_its_snapshot_unconfirmed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("blink.sqlite3");
    // Version 5: the last before 0006_connection_scope.
    let old = Db::open_at_version(&path, 5).unwrap();
    let snapshot = serde_json::to_string(&member_with_personal_org()).unwrap();
    old.with(|c| rows::insert_as_an_older_release(c, &snapshot))
        .unwrap();
    drop(old);
    let db = Db::open_at_version(&path, crate::db::SCHEMA_VERSION).unwrap();
    let rows = db.with(|c| scope::list(c, 1)).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].workspace_id, 20);
    assert_eq!(rows[0].workspace_name, "Pat's workspace");
    assert_eq!(rows[0].organization_name.as_deref(), Some("Pat's org"));
    assert_eq!(rows[0].confirmed_at, None, "the first re-test confirms it");
    let service = ConnectionService::new(Arc::new(db), Arc::new(MemoryStore::new()));
    book(&service, 1, member_with_personal_org());
    let detail = service.get(1).unwrap();
    let personal = detail.workspaces.iter().find(|w| w.in_scope).unwrap();
    assert!(personal.confirmed_at.is_some());
}
