//! Shared by the end-to-end test files: start this crate's app binary in a real window.

pub use blink_fake_toggl::e2e::AppSession;
use blink_fake_toggl::e2e::LaunchOptions;
use std::path::Path;

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Starts the app on `data` (reuse it to "restart" on the same data) against `toggl_url`.
pub async fn launch(data: &Path, toggl_url: Option<&str>) -> AppSession {
    AppSession::launch(LaunchOptions {
        app: env!("CARGO_BIN_EXE_blink-connections").into(),
        data_dir: data.to_path_buf(),
        toggl_url: toggl_url.map(str::to_string),
        app_identifier: blink_core::data_dir::APP_IDENTIFIER,
    })
    .await
    .expect("the app window opens")
}

/// Sets a form field's value the way a picker does and announces the change.
#[allow(dead_code)]
pub async fn set_value(app: &AppSession, id: &str, value: &str) -> TestResult {
    app.client
        .execute(
            "const el = document.getElementById(arguments[0]); el.value = arguments[1]; \
             el.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![id.into(), value.into()],
        )
        .await?;
    Ok(())
}

/// A Chart.js chart's axes as "x has ticks,y has ticks,value axis title,gridlines shown"
/// ("true,true,Hours,true" for a chart with readable axes).
#[allow(dead_code)]
pub async fn chart_axes(app: &AppSession, id: &str) -> Result<String, Box<dyn std::error::Error>> {
    let axes = app
        .client
        .execute(
            "const c = Chart.getChart(arguments[0]); \
             const value = c.options.indexAxis === 'y' ? c.scales.x : c.scales.y; \
             return [c.scales.x.ticks.length > 0, c.scales.y.ticks.length > 0, \
                     value.options.title.text, value.options.grid.display].join(',');",
            vec![id.into()],
        )
        .await?;
    Ok(axes.as_str().unwrap_or_default().to_string())
}

/// Moves the pointer onto the first non-empty bar of the chart's first dataset and
/// returns the tooltip's text and the line it should hold ("Label: 1.5", whole hours
/// from 10 h up, as the page writes hours), from the chart's own data.
#[allow(dead_code)]
pub async fn chart_tooltip(
    app: &AppSession,
    id: &str,
) -> Result<(String, String), Box<dyn std::error::Error>> {
    let said = app
        .client
        .execute_async(
            "const [id, done] = arguments; \
             const chart = Chart.getChart(id); \
             const data = chart.data.datasets[0].data; \
             const i = data.findIndex((v) => v > 0); \
             const point = chart.getDatasetMeta(0).data[i].getCenterPoint(); \
             const box = chart.canvas.getBoundingClientRect(); \
             chart.canvas.dispatchEvent(new MouseEvent('mousemove', { clientX: box.left + point.x, \
               clientY: box.top + point.y, bubbles: true })); \
             requestAnimationFrame(() => requestAnimationFrame(() => { \
               const t = document.getElementById(id + '-tooltip'); \
               const hours = data[i].toFixed(data[i] >= 10 ? 0 : 1); \
               done((t.hidden ? 'hidden' : t.textContent) + '|' + chart.data.datasets[0].label + ': ' + hours); \
             }));",
            vec![id.into()],
        )
        .await?;
    let said = said.as_str().unwrap_or_default();
    let (shown, expected) = said.split_once('|').unwrap_or_default();
    Ok((shown.to_string(), expected.to_string()))
}
