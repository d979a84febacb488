//! The review across connections in the real window: two connections pulled from the
//! fake Toggl, one review over both whose totals are their sum, a chart with axes and
//! a tooltip that gives the hours, weeks that start on the Toggl users' day, money from
//! the report in two currencies, and a saved view that reopens after a restart and can be
//! renamed.

mod common;

use blink_fake_toggl::e2e::AppSession;
use blink_fake_toggl::fake::{FakeToggl, Scenario, DEMO_OWNER, DEMO_WORKSPACE_ADMIN};
use common::TestResult;

/// Adds a connection under `name`, pulls its range and returns how many entries the
/// pull stored (from the outcome the data page shows).
async fn add_and_pull(
    app: &AppSession,
    token: &str,
    name: &str,
) -> Result<u64, Box<dyn std::error::Error>> {
    app.click("#add-connection").await?;
    app.click("#source-toggl").await?;
    app.wait_for("#api-token").await?.send_keys(token).await?;
    app.click("#finish").await?;
    let field = app
        .wait_for("#panel-privacy:not([hidden]) #save-name")
        .await?;
    field.clear().await?;
    field.send_keys(name).await?;
    app.click("#save-connection").await?;
    app.click(".connection.highlight a").await?;
    app.click("#open-data").await?;
    app.wait_for_text("#last-pull", "Nothing pulled yet")
        .await?;
    common::set_value(app, "pull-start", "2025-09-01").await?;
    common::set_value(app, "pull-end", "2026-01-31").await?;
    app.click("#pull-start-button").await?;
    let done = app
        .wait_for_text_within("#pull-counts", "Done", 120)
        .await?;
    let entries = count_before(&done, " entries")
        .ok_or_else(|| format!("no entry count in the outcome: {done}"))?;
    app.client
        .execute("location.hash = '#/connections'", vec![])
        .await?;
    app.wait_for_text("main h1", "Connections").await?;
    Ok(entries)
}

/// "12.5 h in 40 entries" → 40.
fn entries_in(text: &str) -> Option<u64> {
    let (_, after) = text.split_once(" in ")?;
    after.split_whitespace().next()?.parse().ok()
}

/// The number just before the first `unit` ("… 120 entries …" → 120).
fn count_before(text: &str, unit: &str) -> Option<u64> {
    let (before, _) = text.split_once(unit)?;
    before
        .split_whitespace()
        .last()?
        .trim_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .ok()
}

/// The weekdays (0 Sunday … 6 Saturday) the period chart's weeks start on, e.g. "1".
async fn week_start_days(app: &AppSession) -> Result<String, Box<dyn std::error::Error>> {
    let days = app
        .client
        .execute(
            "return [...new Set(Chart.getChart('review-period-chart').data.labels                .map((l) => new Date(l + 'T00:00:00Z').getUTCDay()))].join(',')",
            vec![],
        )
        .await?;
    Ok(days.as_str().unwrap_or_default().to_string())
}

async fn number(app: &AppSession, script: &str) -> Result<f64, Box<dyn std::error::Error>> {
    let value = app.client.execute(script, vec![]).await?;
    value
        .as_f64()
        .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
        .ok_or_else(|| format!("{script} gave {value}").into())
}

#[tokio::test]
async fn the_review_across_two_connections_sums_them_charts_them_and_keeps_a_saved_view(
) -> TestResult {
    // The owner's weeks start on Monday (Toggl's default), the admin's on Sunday.
    let scenario = Scenario::demo().with_week_start(DEMO_WORKSPACE_ADMIN, 0);
    let mut fake = FakeToggl::start(scenario).await;
    let data = tempfile::tempdir()?;
    let app = common::launch(data.path(), Some(&fake.url())).await;
    let owner = add_and_pull(&app, &fake.token_of(DEMO_OWNER), "Owner Toggl").await?;
    let admin = add_and_pull(
        &app,
        &fake.token_of(DEMO_WORKSPACE_ADMIN),
        "Client Work Toggl",
    )
    .await?;
    assert!(
        owner > 0 && admin > 0,
        "both pulls stored entries: {owner}, {admin}"
    );

    app.click("#open-review").await?;
    let total = app.wait_for_text("#review-total-hours", "entries").await?;
    assert_eq!(entries_in(&total), Some(owner + admin), "{total}");
    let sum_of_connections = number(
        &app,
        "return [...document.querySelectorAll('#review-by-connection tbody tr')] \
         .reduce((n, r) => n + Number(r.dataset.seconds), 0)",
    )
    .await?;
    let all = number(
        &app,
        "return Number(document.getElementById('review-total-hours').dataset.seconds)",
    )
    .await?;
    assert_eq!(
        all, sum_of_connections,
        "the review's total is the sum of the connections'"
    );
    // The fake's report gives amounts for the rated projects, in EUR and USD: two
    // amounts side by side, never one sum.
    let amounts = app.wait_for("#review-amounts").await?.text().await?;
    assert_eq!(
        amounts.matches(" · ").count(),
        1,
        "two currencies: {amounts}"
    );
    assert!(
        (amounts.contains('€') || amounts.contains("EUR"))
            && (amounts.contains('$') || amounts.contains("USD")),
        "{amounts}"
    );
    let named = app.wait_for("#review-by-connection").await?.text().await?;
    assert!(
        named.contains("Owner Toggl") && named.contains("Client Work Toggl"),
        "{named}"
    );
    let rows = app.wait_for("#review-entries-table").await?.text().await?;
    assert!(
        rows.contains("Owner Toggl") || rows.contains("Client Work Toggl"),
        "rows name their connection"
    );

    // The chart: both axes with ticks and titles, and a tooltip giving the hours.
    app.wait_for("#review-period-chart").await?;
    assert_eq!(
        common::chart_axes(&app, "review-period-chart").await?,
        "true,true,Hours,true"
    );
    let (shown, expected) = common::chart_tooltip(&app, "review-period-chart").await?;
    assert!(
        shown.contains(&expected) && shown.contains(" h"),
        "tooltip {shown:?} should give {expected:?} h"
    );
    // The two users disagree: the review's weeks start on Monday and the page says why.
    let note = app
        .wait_for_text("#review-week-start", "different days")
        .await?;
    assert!(
        note.contains("Owner Toggl: Monday") && note.contains("Client Work Toggl: Sunday"),
        "{note}"
    );
    assert_eq!(
        week_start_days(&app).await?,
        "1",
        "disagreeing users: Monday"
    );
    app.client
        .execute(
            "document.getElementById('review-totals').scrollIntoView()",
            vec![],
        )
        .await?;
    app.screenshot("review-across").await?;

    // A saved view: the second connection only, reopened after a restart.
    let owner_box: String = app
        .client
        .execute(
            "return [...document.querySelectorAll('#filter-connections label')] \
             .find((l) => l.textContent.includes('Owner Toggl')).querySelector('input').id",
            vec![],
        )
        .await?
        .as_str()
        .unwrap_or_default()
        .to_string();
    app.click(&format!("#{owner_box}")).await?;
    app.wait_for_text("#review-total-hours", &format!("in {admin} entries"))
        .await?;
    app.wait_for("#view-name")
        .await?
        .send_keys("Client Work only")
        .await?;
    let sunday = app
        .wait_for_text("#review-week-start", "Weeks start on Sunday")
        .await?;
    assert!(sunday.contains("Client Work Toggl"), "{sunday}");
    assert_eq!(
        week_start_days(&app).await?,
        "0",
        "one connection: its user's day"
    );
    app.click("#save-view").await?;
    app.wait_for_text("#view-status", "Saved").await?;
    app.close().await;

    fake.stop();
    let app = common::launch(data.path(), None).await;
    app.client
        .execute("location.hash = '#/review'", vec![])
        .await?;
    app.wait_for_text(
        "#review-total-hours",
        &format!("in {} entries", owner + admin),
    )
    .await?;
    app.click("#saved-views .view-open").await?;
    let reopened = app
        .wait_for_text("#review-total-hours", &format!("in {admin} entries"))
        .await?;
    assert_eq!(entries_in(&reopened), Some(admin));
    let only: bool = app
        .client
        .execute(
            "const boxes = [...document.querySelectorAll('#filter-connections input')]; \
             return boxes.filter((b) => b.checked).length === 1 && \
               !document.getElementById(arguments[0]).checked",
            vec![owner_box.clone().into()],
        )
        .await?
        .as_bool()
        .unwrap_or(false);
    assert!(only, "the view's connection choice is shown again");

    // Renaming keeps the view: its new name is listed and it still opens in one click.
    app.click("#saved-views .view-rename").await?;
    let field = app.wait_for("#saved-views .view-rename-name").await?;
    field.clear().await?;
    field.send_keys("Wendy's workspace").await?;
    app.click("#saved-views .view-rename-save").await?;
    app.wait_for_text("#view-status", "Renamed").await?;
    let listed = app
        .wait_for_text("#saved-views .view-open", "Wendy's workspace")
        .await?;
    assert!(!listed.contains("Client Work only"), "{listed}");
    app.close().await;
    Ok(())
}
