//! A connection's scope in the real window, against the fake Toggl with a personal
//! organization for every account: only the workspaces that qualify under the role rule
//! are included, pulls and the review stay inside them, and removing a workspace deletes
//! exactly its rows after a confirmation that says how many go.

mod common;

use blink_core::error::ROLE_RULE;
use blink_fake_toggl::fake::{
    FakeToggl, Scenario, TimeEntry, Workspace, DEMO_MEMBER, DEMO_OWNER, DEMO_WORKSPACE_ADMIN,
    PERSONAL_ORG_BASE,
};
use common::{set_value, AppSession, TestResult};

/// The member's own workspace in their personal organization.
const PERSONAL_WORKSPACE: i64 = 990_001;

/// The demo company, and a personal organization for every account; the member's has a
/// workspace of its own with two entries.
fn scenario() -> Scenario {
    let mut s = Scenario::demo();
    s.shape.personal_organizations = true;
    s.add_personal_organizations();
    s.workspaces.push(Workspace {
        id: PERSONAL_WORKSPACE,
        organization_id: PERSONAL_ORG_BASE + DEMO_MEMBER,
        name: "Max's projects".into(),
        members: vec![(DEMO_MEMBER, "admin".into())],
    });
    for (id, day) in [(990_101, 3), (990_102, 4)] {
        s.time_entries.push(TimeEntry {
            id,
            workspace_id: PERSONAL_WORKSPACE,
            user_id: DEMO_MEMBER,
            project_id: None,
            description: Some("Side project".into()),
            start: format!("2025-12-{day:02}T09:00:00Z").parse().unwrap(),
            duration: Some(3600),
            tag_ids: vec![],
            billable: false,
            ..TimeEntry::default()
        });
    }
    s
}

/// The company's workspace ids.
fn company_workspaces(fake: &FakeToggl) -> Vec<i64> {
    fake.scenario()
        .workspaces
        .iter()
        .filter(|w| w.organization_id < PERSONAL_ORG_BASE)
        .map(|w| w.id)
        .collect()
}

/// Whether a request's path names the workspace.
fn names_workspace(path: &str, workspace: i64) -> bool {
    [
        format!("/workspaces/{workspace}"),
        format!("/workspace/{workspace}"),
    ]
    .iter()
    .any(|p| path.ends_with(p.as_str()) || path.contains(&format!("{p}/")))
}

async fn finish_with_token(app: &AppSession, token: &str) -> TestResult {
    app.click("#add-connection").await?;
    app.click("#source-toggl").await?;
    app.wait_for("#api-token").await?.send_keys(token).await?;
    app.click("#finish").await?;
    Ok(())
}

/// Saves the checked token and opens the new connection's detail page.
async fn save_and_open(app: &AppSession) -> TestResult {
    app.click("#save-connection").await?;
    app.click(".connection.highlight a").await?;
    app.wait_for("#scope-section").await?;
    Ok(())
}

/// From the detail page: a pull of the demo's range, to its end.
async fn pull(app: &AppSession) -> Result<String, Box<dyn std::error::Error>> {
    app.click("#open-data").await?;
    app.wait_for_text("#last-pull", "Nothing pulled yet")
        .await?;
    set_value(app, "pull-start", "2025-09-01").await?;
    set_value(app, "pull-end", "2026-01-31").await?;
    app.click("#pull-start-button").await?;
    app.wait_for_text_within("#pull-counts", "Done", 120).await
}

/// The workspaces the review's filter offers.
async fn offered_workspaces(app: &AppSession) -> Result<Vec<i64>, Box<dyn std::error::Error>> {
    app.wait_for("#filter-workspace").await?;
    let values = app
        .client
        .execute(
            "return [...document.querySelectorAll('#filter-workspace option')] \
             .map((o) => o.value).filter((v) => v !== '').join(',');",
            vec![],
        )
        .await?;
    Ok(values
        .as_str()
        .unwrap_or_default()
        .split(',')
        .filter(|v| !v.is_empty())
        .map(|v| v.parse().unwrap())
        .collect())
}

#[tokio::test]
async fn a_plain_member_is_connected_for_the_personal_workspace_and_never_pulls_the_company(
) -> TestResult {
    let fake = FakeToggl::start(scenario()).await;
    let company = company_workspaces(&fake);
    let data = tempfile::tempdir()?;
    let app = common::launch(data.path(), Some(&fake.url())).await;
    finish_with_token(&app, &fake.token_of(DEMO_MEMBER)).await?;
    app.wait_for("#panel-privacy:not([hidden]) #save-name")
        .await?;
    let personal = app
        .wait_for(&format!("#save-scope-ws-{PERSONAL_WORKSPACE}"))
        .await?;
    assert!(
        personal.is_selected().await?,
        "the qualifying workspace is selected"
    );
    for workspace in &company {
        let box_ = app.wait_for(&format!("#save-scope-ws-{workspace}")).await?;
        assert!(!box_.is_selected().await? && !box_.is_enabled().await?);
        let hint = app
            .wait_for(&format!("#save-scope-ws-{workspace}-hint"))
            .await?
            .text()
            .await?;
        assert!(hint.contains("Not included: Member"), "{hint}");
        assert!(hint.contains(ROLE_RULE), "{hint}");
    }
    let suggested = app.wait_for("#save-name").await?.prop("value").await?;
    let owner_of_personal = fake
        .scenario()
        .organizations
        .iter()
        .find(|o| o.id == PERSONAL_ORG_BASE + DEMO_MEMBER)
        .unwrap()
        .name
        .clone();
    assert_eq!(
        suggested.as_deref(),
        Some(format!("Toggl – {owner_of_personal}").as_str())
    );
    app.screenshot("stepper-scope").await?;
    assert_eq!(
        fake.request_count(),
        2,
        "token check and standings: two requests"
    );

    save_and_open(&app).await?;
    fake.log().clear();
    let done = pull(&app).await?;
    assert!(done.contains("2 entries"), "{done}");
    let asked: Vec<String> = fake.requests().into_iter().map(|r| r.path).collect();
    for workspace in &company {
        assert!(
            !asked.iter().any(|p| names_workspace(p, *workspace)),
            "a request named company workspace {workspace}: {asked:?}"
        );
    }
    assert_eq!(offered_workspaces(&app).await?, [PERSONAL_WORKSPACE]);
    app.close().await;
    Ok(())
}

#[tokio::test]
async fn an_owner_pulls_every_workspace_of_the_organization_and_removing_one_deletes_its_rows(
) -> TestResult {
    let fake = FakeToggl::start(scenario()).await;
    let company = company_workspaces(&fake);
    let scenario = fake.scenario();
    let entries_of = |w: i64| {
        scenario
            .time_entries
            .iter()
            .filter(|e| e.workspace_id == w)
            .count()
    };
    let all: usize = company.iter().map(|w| entries_of(*w)).sum();
    let data = tempfile::tempdir()?;
    let app = common::launch(data.path(), Some(&fake.url())).await;
    finish_with_token(&app, &fake.token_of(DEMO_OWNER)).await?;
    app.wait_for("#panel-privacy:not([hidden]) #save-name")
        .await?;
    let suggested = app.wait_for("#save-name").await?.prop("value").await?;
    assert_eq!(suggested.as_deref(), Some("Toggl – Blink Demo"));
    save_and_open(&app).await?;
    app.client
        .execute(
            "document.getElementById('scope-section').scrollIntoView();",
            vec![],
        )
        .await?;
    app.next_frame().await?;
    app.screenshot("connection-scope").await?;
    fake.log().clear();
    let done = pull(&app).await?;
    assert!(done.contains(&format!("{all} entries")), "{done}");
    let asked: Vec<String> = fake.requests().into_iter().map(|r| r.path).collect();
    for workspace in &company {
        assert!(
            asked.iter().any(|p| names_workspace(p, *workspace)),
            "{workspace} not pulled"
        );
    }
    let mut offered = offered_workspaces(&app).await?;
    offered.sort_unstable();
    assert_eq!(offered, company);

    let removed = company[0];
    app.client.execute("history.back();", vec![]).await?;
    app.wait_for("#scope-section").await?;
    app.click(&format!("#remove-ws-{removed}")).await?;
    let text = app.wait_for("#remove-ws-dialog-text").await?.text().await?;
    assert!(
        text.contains(&format!("{} time entries", entries_of(removed))),
        "{text}"
    );
    app.click("#remove-ws-dialog-confirm").await?;
    app.wait_for_text("#detail-status", "removed").await?;
    app.click("#open-data").await?;
    let info = app.wait_for_text("#page-info", "entries").await?;
    let kept = all - entries_of(removed);
    assert!(info.contains(&format!("{kept} entries")), "{info}");

    app.client.execute("history.back();", vec![]).await?;
    app.wait_for(&format!("#add-ws-{removed}")).await?;
    fake.log().clear();
    app.click(&format!("#add-ws-{removed}")).await?;
    app.wait_for_text("#detail-status", "added").await?;
    assert!(
        fake.request_count() <= 2,
        "adding a workspace: {} requests",
        fake.request_count()
    );
    app.close().await;
    Ok(())
}

#[tokio::test]
async fn a_role_lost_at_a_re_test_is_badged_on_the_connections_list() -> TestResult {
    let studio_role = |s: &mut Scenario, role: &str| {
        for member in s.workspaces[0].members.iter_mut() {
            if member.0 == DEMO_WORKSPACE_ADMIN {
                member.1 = role.into();
            }
        }
    };
    let mut demo = Scenario::demo();
    studio_role(&mut demo, "admin");
    let fake = FakeToggl::start(demo).await;
    let data = tempfile::tempdir()?;
    let app = common::launch(data.path(), Some(&fake.url())).await;
    finish_with_token(&app, &fake.token_of(DEMO_WORKSPACE_ADMIN)).await?;
    app.wait_for("#panel-privacy:not([hidden]) #save-name")
        .await?;
    app.click("#save-connection").await?;
    app.wait_for(".connection.highlight").await?;
    let badges = app
        .client
        .execute(
            "return document.querySelectorAll('.lost-role').length;",
            vec![],
        )
        .await?;
    assert_eq!(
        badges.as_u64(),
        Some(0),
        "no role is lost before the re-test"
    );
    app.click(".connection.highlight a").await?;
    app.wait_for("#retest").await?;
    fake.update_scenario(|s| studio_role(s, "user"));
    app.click("#retest").await?;
    app.wait_for_text("#detail-status", "qualifying role was lost in Studio")
        .await?;
    app.click("a[href='#/connections?source=toggl']").await?;
    let badge = app.wait_for(".connection .lost-role").await?.text().await?;
    assert_eq!(badge, "Role lost in Studio");
    app.close().await;
    Ok(())
}
