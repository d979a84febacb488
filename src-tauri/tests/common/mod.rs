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
