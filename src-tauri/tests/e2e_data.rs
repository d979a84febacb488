//! Pulling Toggl data in the real window, then reviewing it offline: totals, the
//! charts (axes, tooltip hours, a table after each), the entries table, and a CSV
//! export that matches the filter.

mod common;

use blink_fake_toggl::e2e::AppSession;
use blink_fake_toggl::fake::{FakeToggl, Scenario, DEMO_OWNER};
use common::{set_value, TestResult};

/// Splits RFC 4180 CSV text into records (quoted fields may hold commas and line breaks).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut records, mut record, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => record.push(std::mem::take(&mut field)),
            ('\r', false) => {}
            ('\n', false) => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (c, _) => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

/// Adds a connection for the demo owner and opens its data page, before any pull.
async fn open_data_of_a_new_connection(app: &AppSession, fake: &FakeToggl) -> TestResult {
    app.click("#add-connection").await?;
    app.click("#source-toggl").await?;
    app.wait_for("#api-token")
        .await?
        .send_keys(&fake.token_of(DEMO_OWNER))
        .await?;
    app.click("#finish").await?;
    app.click("#save-connection").await?;
    app.click(".connection.highlight a").await?;
    app.click("#open-data").await?;
    app.wait_for_text("#last-pull", "Nothing pulled yet")
        .await?;
    Ok(())
}

/// The requests the estimate matching `css` names.
async fn estimated_requests(
    app: &AppSession,
    css: &str,
) -> Result<u64, Box<dyn std::error::Error>> {
    let said = app.wait_for(css).await?.attr("data-requests").await?;
    Ok(said.unwrap_or_default().parse()?)
}

/// After a pull, the re-pull estimate asks one request per workspace; ticking the
/// labelled "Full re-pull" box (a native checkbox the keyboard reaches) estimates the
/// whole walk, and a pull with it ticked walks the report in date order, not changes.
async fn full_re_pull_is_a_labelled_choice_that_walks_the_whole_range(
    app: &AppSession,
    fake: &FakeToggl,
) -> TestResult {
    let label = app.wait_for("label[for='pull-full']").await?.text().await?;
    assert_eq!(label.trim(), "Full re-pull");
    app.wait_for("#pull-full[type='checkbox'][aria-describedby='pull-full-hint']")
        .await?;
    let in_tab_order = app
        .client
        .execute(
            "return document.getElementById('pull-full').tabIndex;",
            vec![],
        )
        .await?;
    assert_eq!(in_tab_order.as_i64(), Some(0), "the keyboard reaches it");
    let changes = estimated_requests(
        app,
        "#pull-estimate[data-full='false'][data-source='last_pull']",
    )
    .await?;
    assert_eq!(changes, 2, "one report request per workspace");
    app.click("#pull-full").await?;
    let full = estimated_requests(app, "#pull-estimate[data-full='true']").await?;
    assert!(full >= changes, "a whole walk never costs less: {full}");
    fake.log().clear();
    app.click("#pull-start-button").await?;
    app.wait_for_text_within(
        "#pull-counts",
        &format!(" pages, {full} requests to Toggl"),
        120,
    )
    .await?;
    let reports: Vec<String> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/reports/"))
        .map(|r| r.body)
        .collect();
    assert_eq!(reports.len() as u64, full, "the report pages, nothing else");
    assert!(
        reports.iter().all(|b| b.contains("\"order_by\":\"date\"")),
        "{reports:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_pull_shows_progress_and_its_data_is_reviewed_offline_and_exported() -> TestResult {
    let mut fake = FakeToggl::start(Scenario::demo()).await;
    let all_entries = fake.scenario().time_entries.len();
    let data = tempfile::tempdir()?;
    let app = common::launch(data.path(), Some(&fake.url())).await;
    open_data_of_a_new_connection(&app, &fake).await?;
    let estimate = app.wait_for_text("#pull-estimate", "At least").await?;
    assert!(estimate.contains("nothing pulled yet"), "{estimate}");

    set_value(&app, "pull-start", "2025-09-01").await?;
    set_value(&app, "pull-end", "2026-01-31").await?;
    let first_report_pages = |fake: &FakeToggl| {
        fake.requests()
            .iter()
            .filter(|r| r.path.ends_with("/search/time_entries"))
            .filter(|r| !r.body.contains("first_row_number"))
            .count()
    };
    app.wait_for("#pull-count:not([hidden])").await?;
    assert_eq!(
        first_report_pages(&fake),
        0,
        "showing the plan asks Toggl nothing"
    );
    app.click("#pull-count").await?;
    let counted = app
        .wait_for_text("#pull-estimate", "counted from Toggl's first page")
        .await?;
    assert!(counted.starts_with("About"), "{counted}");
    assert_eq!(
        first_report_pages(&fake),
        2,
        "one page per report workspace"
    );
    app.click("#pull-start-button").await?;
    let progress = app.wait_for("#pull-progress:not([hidden])").await?;
    assert!(progress.is_displayed().await?);
    app.wait_for_text("#pull-counts", "requests").await?;
    app.screenshot("pull-progress").await?;
    let done = app
        .wait_for_text_within("#pull-counts", "Done", 120)
        .await?;
    assert!(done.contains(&format!("{all_entries} entries")), "{done}");
    assert_eq!(
        first_report_pages(&fake),
        2,
        "the pull took the counted pages instead of asking again"
    );
    full_re_pull_is_a_labelled_choice_that_walks_the_whole_range(&app, &fake).await?;
    app.close().await;

    fake.stop();
    let app = common::launch(data.path(), Some(&fake.url())).await;
    let totals = app.wait_for_text("#total-hours", "entries").await?;
    assert!(
        totals.contains(&format!("in {all_entries} entries")),
        "{totals}"
    );
    // The review's charts: hours by day stacked by project, hours by project, user and
    // client; axes with ticks, titles and gridlines, a tooltip giving the hours, and a
    // table of the same figures after each.
    let canvas = app.wait_for("canvas#chart-days").await?;
    assert!(canvas.is_displayed().await?);
    let stacked = app
        .client
        .execute(
            "const c = Chart.getChart('chart-days'); \
             return c.data.datasets.length > 1 && c.options.scales.y.stacked === true",
            vec![],
        )
        .await?;
    assert_eq!(
        stacked.as_bool(),
        Some(true),
        "hours by day stack by project"
    );
    for id in [
        "chart-days",
        "chart-projects",
        "chart-users",
        "chart-clients",
    ] {
        assert_eq!(
            common::chart_axes(&app, id).await?,
            "true,true,Hours,true",
            "{id}"
        );
        let rows = app
            .client
            .execute(
                "return document.querySelectorAll(`#${arguments[0]}-table tbody tr`).length",
                vec![id.into()],
            )
            .await?;
        assert!(rows.as_u64().unwrap_or(0) > 0, "{id} has its table");
    }
    for id in ["chart-days", "chart-projects"] {
        let (shown, expected) = common::chart_tooltip(&app, id).await?;
        assert!(
            shown.contains(&expected) && shown.contains(" h"),
            "{id}: tooltip {shown:?} should give {expected:?} h"
        );
    }
    let info = app.wait_for_text("#page-info", "entries").await?;
    assert!(info.contains(&format!("{all_entries} entries")), "{info}");
    app.client
        .execute("document.getElementById('totals').scrollIntoView()", vec![])
        .await?;
    app.screenshot("review").await?;

    let project: String = app
        .client
        .execute(
            "const o = document.querySelector('#filter-project option[value]:not([value=\"\"])'); \
             return o.value + '\\n' + o.textContent;",
            vec![],
        )
        .await?
        .as_str()
        .unwrap_or_default()
        .to_string();
    let (project_id, project_name) = project.split_once('\n').expect("a project to filter by");
    set_value(&app, "filter-project", project_id).await?;
    let expected_rows = fake
        .scenario()
        .time_entries
        .iter()
        .filter(|e| e.project_id.map(|p| p.to_string()).as_deref() == Some(project_id))
        .count();
    app.wait_for_text("#page-info", &format!("· {expected_rows} entries"))
        .await?;
    app.click("#export-csv").await?;
    let path = app.wait_for("#export-path").await?.text().await?;
    let records = parse_csv(&std::fs::read_to_string(&path)?);
    let header = &records[0];
    let column = header
        .iter()
        .position(|h| h == "project")
        .expect("a project column");
    assert_eq!(records.len() - 1, expected_rows);
    assert!(records[1..].iter().all(|r| r[column] == project_name));
    app.close().await;
    Ok(())
}

#[tokio::test]
async fn a_cancelled_pull_says_what_it_kept_and_that_the_next_pull_resumes() -> TestResult {
    let fake = FakeToggl::start(Scenario::demo()).await;
    let data = tempfile::tempdir()?;
    let app = common::launch(data.path(), Some(&fake.url())).await;
    open_data_of_a_new_connection(&app, &fake).await?;

    set_value(&app, "pull-start", "2025-09-01").await?;
    set_value(&app, "pull-end", "2026-01-31").await?;
    // Slow answers keep the pull running long enough to cancel it after its first page.
    fake.faults()
        .delay(Some(std::time::Duration::from_millis(700)));
    app.click("#pull-start-button").await?;
    app.wait_for_text("#pull-counts", ": 1 page, ").await?;
    app.click("#pull-cancel").await?;
    let said = app.wait_for_text("#pull-counts", "Cancelled").await?;
    assert!(said.contains("Kept the "), "{said}");
    assert!(said.contains("resumes where this one stopped"), "{said}");
    assert!(!said.contains("Nothing was changed"), "{said}");
    let error_shown = app.wait_for("#pull-error").await?.is_displayed().await?;
    assert!(!error_shown, "a cancel is an outcome, not an error");
    let last = app
        .wait_for_text("#last-pull", "Pull again to resume")
        .await?;
    assert!(last.contains("(cancelled)"), "{last}");
    let start = app.wait_for("#pull-start").await?.prop("value").await?;
    assert_eq!(start.as_deref(), Some("2025-09-01"), "the range to resume");
    app.close().await;
    Ok(())
}
