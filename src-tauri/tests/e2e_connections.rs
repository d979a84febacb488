//! The Connections page, the Add Connection stepper and the connection detail page in
//! the real window, against the fake Toggl server.

mod common;

use blink_core::error::ROLE_RULE;
use blink_fake_toggl::e2e::{AppSession, Locator};
use blink_fake_toggl::fake::{FakeToggl, Scenario, DEMO_MEMBER, DEMO_OWNER, DEMO_WORKSPACE_ADMIN};
use common::TestResult;
use std::path::Path;
use std::time::Duration;

/// A token nobody in the scenario has: well formed, so only Toggl can refuse it.
const UNKNOWN_TOKEN: &str = "0123456789abcdef0123456789abcdef";

/// Add Connection → Toggl: the Set Up Credentials step.
async fn open_credentials_step(app: &AppSession) -> TestResult {
    app.click("#add-connection").await?;
    app.click("#source-toggl").await?;
    Ok(())
}

/// Add Connection → Toggl → paste the token → Finish.
async fn finish_with_token(app: &AppSession, token: &str) -> TestResult {
    open_credentials_step(app).await?;
    let field = app.wait_for("#api-token").await?;
    field.send_keys(token).await?;
    app.click("#finish").await?;
    Ok(())
}

/// Waits until an error slot shows a message with the given code; returns its text.
async fn error_with_code(
    app: &AppSession,
    slot: &str,
    code: &str,
) -> Result<String, Box<dyn std::error::Error>> {
    let text = app.wait_for_text(slot, &format!("[{code}]")).await?;
    Ok(text)
}

async fn add_connection(app: &AppSession, token: &str, name: Option<&str>) -> TestResult {
    finish_with_token(app, token).await?;
    app.wait_for("#panel-privacy:not([hidden]) #save-name")
        .await?;
    if let Some(name) = name {
        let field = app.wait_for("#save-name").await?;
        field.clear().await?;
        field.send_keys(name).await?;
    }
    app.click("#save-connection").await?;
    app.wait_for_text("main h1", "Toggl Connections").await?;
    Ok(())
}

#[tokio::test]
async fn an_organization_owner_adds_a_connection_and_lands_on_toggl_connections() -> TestResult {
    let fake = FakeToggl::start(Scenario::demo()).await;
    let data = tempfile::tempdir()?;
    let app = common::launch(data.path(), Some(&fake.url())).await;
    app.click("#add-connection").await?;
    app.wait_for("#tab-source[aria-selected=true]").await?;
    app.screenshot("stepper-select-source").await?;
    app.click("#source-toggl").await?;
    app.wait_for("#tab-credentials[aria-selected=true]").await?;
    app.wait_for("#api-token")
        .await?
        .send_keys(&fake.token_of(DEMO_OWNER))
        .await?;
    app.screenshot("stepper-credentials").await?;
    app.click("#finish").await?;
    let verdict = app
        .wait_for_text("#checked-verdict", "Organization Owner")
        .await?;
    assert_eq!(verdict, "Organization Owner");
    let suggested = app
        .wait_for("#save-name")
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    let email = fake.scenario().user(DEMO_OWNER).unwrap().email.clone();
    assert_eq!(
        suggested, "Toggl – Blink Demo",
        "named after the one organization in scope"
    );
    assert!(
        app.wait_for("#save-privacy-private_to_me")
            .await?
            .is_selected()
            .await?
    );
    app.click("label[for=save-privacy-shared_with_team]")
        .await?;
    app.wait_for("#save-privacy-team")
        .await?
        .send_keys("Analytics")
        .await?;
    app.screenshot("stepper-review-privacy").await?;
    app.click("#save-connection").await?;
    app.wait_for_text("main h1", "Toggl Connections").await?;
    let listing = app.wait_for(".connection.highlight").await?;
    let text = listing.text().await?;
    assert!(text.contains(&suggested) && text.contains(&email), "{text}");
    assert!(text.contains("Shared with Team: Analytics"), "{text}");
    app.screenshot("toggl-connections").await?;
    assert_eq!(fake.request_count(), 2, "the role check costs two requests");
    app.close().await;
    Ok(())
}

#[tokio::test]
async fn a_workspace_admin_is_accepted_as_workspace_admin() -> TestResult {
    let fake = FakeToggl::start(Scenario::demo()).await;
    let data = tempfile::tempdir()?;
    let app = common::launch(data.path(), Some(&fake.url())).await;
    finish_with_token(&app, &fake.token_of(DEMO_WORKSPACE_ADMIN)).await?;
    app.wait_for_text("#checked-verdict", "Workspace Admin")
        .await?;
    app.click("#save-connection").await?;
    let listing = app.wait_for(".connection.highlight").await?.text().await?;
    assert!(
        listing.contains("Workspace Admin") && listing.contains("Private to Me"),
        "{listing}"
    );
    app.close().await;
    Ok(())
}

#[tokio::test]
async fn a_rejected_token_is_explained_beside_the_field_and_kept() -> TestResult {
    let fake = FakeToggl::start(Scenario::demo()).await;
    let data = tempfile::tempdir()?;
    let app = common::launch(data.path(), Some(&fake.url())).await;
    finish_with_token(&app, UNKNOWN_TOKEN).await?;
    let message = error_with_code(&app, "#token-error", "token_rejected").await?;
    assert!(message.contains("did not accept"), "{message}");
    let field = app.wait_for("#api-token").await?;
    assert_eq!(field.prop("value").await?.as_deref(), Some(UNKNOWN_TOKEN));
    assert_eq!(field.attr("aria-invalid").await?.as_deref(), Some("true"));
    let described = field.attr("aria-describedby").await?.unwrap_or_default();
    assert!(
        described.split(' ').any(|id| id == "token-error"),
        "{described}"
    );
    assert!(app
        .wait_for("#panel-privacy")
        .await?
        .attr("hidden")
        .await?
        .is_some());
    app.close().await;
    Ok(())
}

#[tokio::test]
async fn a_malformed_token_is_refused_without_asking_toggl() -> TestResult {
    let fake = FakeToggl::start(Scenario::demo()).await;
    let data = tempfile::tempdir()?;
    let app = common::launch(data.path(), Some(&fake.url())).await;
    finish_with_token(&app, "not a token").await?;
    error_with_code(&app, "#token-error", "token_malformed").await?;
    assert_eq!(fake.request_count(), 0);
    app.close().await;
    Ok(())
}

#[tokio::test]
async fn a_plain_member_is_refused_with_the_role_needed() -> TestResult {
    let fake = FakeToggl::start(Scenario::demo()).await;
    let data = tempfile::tempdir()?;
    let app = common::launch(data.path(), Some(&fake.url())).await;
    finish_with_token(&app, &fake.token_of(DEMO_MEMBER)).await?;
    let message = error_with_code(&app, "#token-error", "role_insufficient").await?;
    assert!(
        message.contains("Organization Owner") && message.contains("Workspace Admin"),
        "{message}"
    );
    assert!(
        message.contains(
            "See your role in Toggl under Admin → Organization (Owner) or Admin → Members (Workspace Admin)."
        ),
        "the refusal says where to see roles: {message}"
    );
    app.screenshot("stepper-role-refused").await?;
    app.close().await;
    Ok(())
}

#[tokio::test]
async fn an_exhausted_quota_says_when_it_resets() -> TestResult {
    let fake = FakeToggl::start(Scenario::demo()).await;
    fake.faults().quota_exhausted(true);
    let data = tempfile::tempdir()?;
    let app = common::launch(data.path(), Some(&fake.url())).await;
    finish_with_token(&app, &fake.token_of(DEMO_OWNER)).await?;
    let message = error_with_code(&app, "#check-error", "quota_exhausted").await?;
    assert!(message.contains("resets in"), "{message}");
    app.close().await;
    Ok(())
}

#[tokio::test]
async fn toggl_unreachable_is_said_plainly() -> TestResult {
    let unreachable = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        format!("http://127.0.0.1:{}", listener.local_addr()?.port())
    };
    let data = tempfile::tempdir()?;
    let app = common::launch(data.path(), Some(&unreachable)).await;
    finish_with_token(&app, UNKNOWN_TOKEN).await?;
    let message = error_with_code(&app, "#check-error", "network_unreachable").await?;
    assert!(message.contains("could not be reached"), "{message}");
    app.close().await;
    Ok(())
}

#[tokio::test]
async fn cancel_during_the_check_stops_it_and_keeps_the_form() -> TestResult {
    let fake = FakeToggl::start(Scenario::demo()).await;
    fake.faults().delay(Some(Duration::from_secs(10)));
    let data = tempfile::tempdir()?;
    let app = common::launch(data.path(), Some(&fake.url())).await;
    let token = fake.token_of(DEMO_OWNER);
    finish_with_token(&app, &token).await?;
    app.wait_for_text("#check-status", "Checking").await?;
    assert!(
        !app.wait_for("#finish").await?.is_enabled().await?,
        "Finish cannot run twice"
    );
    app.click("#cancel-check").await?;
    error_with_code(&app, "#check-error", "cancelled").await?;
    assert!(app.wait_for("#finish").await?.is_enabled().await?);
    let kept = app.wait_for("#api-token").await?.prop("value").await?;
    assert_eq!(kept.as_deref(), Some(token.as_str()));
    app.click("a[href='#/connections']").await?;
    app.wait_for("#connections-empty").await?;
    app.close().await;
    Ok(())
}

#[tokio::test]
async fn the_detail_page_renames_reveals_swaps_changes_privacy_and_deletes() -> TestResult {
    let mut fake = FakeToggl::start(Scenario::demo().with_week_start(DEMO_OWNER, 0)).await;
    let data = tempfile::tempdir()?;
    let token = fake.token_of(DEMO_OWNER);
    let app = common::launch(data.path(), Some(&fake.url())).await;
    add_connection(&app, &token, Some("Agency Toggl")).await?;
    app.click(".connection.highlight a").await?;
    app.wait_for_text("#detail-title", "Agency Toggl").await?;
    // The token check read the user's week start from Toggl.
    app.wait_for_text("#account-week-start", "Sunday").await?;
    let masked = app.wait_for("#token-value").await?.text().await?;
    assert!(
        masked.ends_with(&token[28..]) && !masked.contains(&token[..28]),
        "{masked}"
    );
    app.screenshot("connection-detail").await?;

    app.click("#edit-name").await?;
    let input = app.wait_for("#name-input").await?;
    input.clear().await?;
    input.send_keys("Agency Toggl (main)").await?;
    app.click("#save-name").await?;
    app.wait_for_text("#detail-title", "Agency Toggl (main)")
        .await?;

    app.click("#reveal-token").await?;
    app.wait_for_text("#token-value", &token).await?;
    app.click("#reveal-token").await?;
    app.wait_for_text("#token-value", "•").await?;

    let new_token = fake.reset_token(DEMO_OWNER).expect("the owner exists");
    let before = fake.request_count();
    app.click("#swap-token").await?;
    app.wait_for("#new-token")
        .await?
        .send_keys(&new_token)
        .await?;
    app.click("#swap-done").await?;
    app.wait_for_text("#detail-status", "Token swapped").await?;
    assert_eq!(
        fake.request_count() - before,
        2,
        "a swap checks the new token once"
    );
    app.wait_for_text("#token-value", &new_token[28..]).await?;

    app.click("label[for=detail-privacy-shared_with_workspace]")
        .await?;
    app.click("#save-privacy").await?;
    app.wait_for_text("#privacy-value", "Shared with Workspace")
        .await?;
    app.close().await;

    fake.stop();
    // Reopened with Toggl gone: the last page open comes back, and everything local works.
    let app = common::launch(data.path(), Some(&fake.url())).await;
    app.wait_for_text("#detail-title", "Agency Toggl (main)")
        .await?;
    app.click("#settings-button").await?;
    app.click("#menu-connections").await?;
    app.wait_for_text("#connection-list", "Agency Toggl (main)")
        .await?;
    app.click(".connection a").await?;
    app.wait_for_text("#privacy-value", "Shared with Workspace")
        .await?;
    let email = fake.scenario().user(DEMO_OWNER).unwrap().email.clone();
    app.wait_for_text("#account-email", &email).await?;
    app.wait_for_text("#account-verdict", "Organization Owner")
        .await?;
    app.click("#retest").await?;
    error_with_code(&app, "#retest-error", "network_unreachable").await?;
    app.wait_for_text("#privacy-value", "Shared with Workspace")
        .await?;

    app.click("#delete-connection").await?;
    let dialog = app
        .wait_for_text("#delete-dialog", "Agency Toggl (main)")
        .await?;
    assert!(dialog.contains("Delete"), "{dialog}");
    app.click("#delete-dialog-confirm").await?;
    app.wait_for("#connections-empty").await?;
    app.close().await;

    let files = files_under(data.path());
    assert!(files.iter().any(|f| f.ends_with("blink.log")), "{files:?}");
    for file in files {
        let bytes = std::fs::read(&file)?;
        for secret in [&token, &new_token] {
            let found = bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
            assert!(!found, "a token was written to {}", file.display());
        }
    }
    Ok(())
}

fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[tokio::test]
async fn keyboard_alone_reaches_the_settings_menu_and_add_connection() -> TestResult {
    let data = tempfile::tempdir()?;
    let app = common::launch(data.path(), Some("http://127.0.0.1:9")).await;
    let cog = app.wait_for("#settings-button").await?;
    cog.send_keys("\u{E015}").await?;
    let focused = app.client.active_element().await?;
    assert_eq!(
        focused.attr("id").await?.as_deref(),
        Some("menu-connections")
    );
    focused.send_keys("\u{E007}").await?;
    app.wait_for_text("main h1", "Connections").await?;
    let add = app.client.find(Locator::Css("#add-connection")).await?;
    add.send_keys("\u{E007}").await?;
    app.wait_for("#tab-source[aria-selected=true]").await?;
    app.close().await;
    Ok(())
}

#[tokio::test]
async fn a_support_ticket_records_recent_error_codes_but_never_the_token() -> TestResult {
    let fake = FakeToggl::start(Scenario::demo()).await;
    let data = tempfile::tempdir()?;
    let app = common::launch(data.path(), Some(&fake.url())).await;
    finish_with_token(&app, UNKNOWN_TOKEN).await?;
    error_with_code(&app, "#token-error", "token_rejected").await?;
    app.click("#settings-button").await?;
    app.click("#menu-help").await?;
    app.wait_for("#ticket-tried")
        .await?
        .send_keys("Pasted my token and pressed Finish")
        .await?;
    app.wait_for("#ticket-expected")
        .await?
        .send_keys("A saved connection")
        .await?;
    app.wait_for("#ticket-got")
        .await?
        .send_keys("Toggl did not accept it")
        .await?;
    app.click("#save-ticket").await?;
    let path = app.wait_for("#ticket-path").await?.text().await?;
    assert!(
        path.starts_with(&data.path().display().to_string()),
        "{path}"
    );
    let ticket = std::fs::read_to_string(&path)?;
    assert!(
        ticket.contains("token_rejected") && ticket.contains("A saved connection"),
        "{ticket}"
    );
    assert!(!ticket.contains(UNKNOWN_TOKEN));
    app.close().await;
    Ok(())
}

/// Core decides the name and team rules; the page shows each answer beside the field
/// its `field` names, and nothing is saved.
#[tokio::test]
async fn name_and_team_refusals_from_core_show_beside_their_fields() -> TestResult {
    let fake = FakeToggl::start(Scenario::demo()).await;
    let data = tempfile::tempdir()?;
    let app = common::launch(data.path(), Some(&fake.url())).await;
    open_credentials_step(&app).await?;
    app.wait_for_text("#role-rule", "Organization Owner")
        .await?;
    assert_eq!(app.wait_for("#role-rule").await?.text().await?, ROLE_RULE);
    app.wait_for("#api-token")
        .await?
        .send_keys(&fake.token_of(DEMO_OWNER))
        .await?;
    app.click("#finish").await?;
    app.wait_for("#panel-privacy:not([hidden]) #save-name")
        .await?;

    app.click("label[for=save-privacy-shared_with_team]")
        .await?;
    app.click("#save-connection").await?;
    let message = error_with_code(&app, "#save-privacy-error", "invalid_input").await?;
    assert!(message.contains("Enter a team name."), "{message}");
    let team = app.wait_for("#save-privacy-team").await?;
    assert_eq!(team.attr("aria-invalid").await?.as_deref(), Some("true"));

    team.send_keys("Ops").await?;
    app.client
        .execute(
            "const n = document.querySelector('#save-name'); \
             n.value = 'Acme\\u202Emoc.live'; n.dispatchEvent(new Event('input'));",
            vec![],
        )
        .await?;
    app.click("#save-connection").await?;
    let message = error_with_code(&app, "#save-name-error", "name_invalid_characters").await?;
    assert!(message.contains("U+202E"), "{message}");
    assert!(app
        .wait_for("#save-privacy-error")
        .await?
        .attr("hidden")
        .await?
        .is_some());
    assert_eq!(team.attr("aria-invalid").await?, None);

    app.click("a[href='#/connections']").await?;
    app.wait_for("#connections-empty").await?;
    assert_eq!(fake.request_count(), 2, "refusals ask Toggl nothing more");
    app.close().await;
    Ok(())
}
