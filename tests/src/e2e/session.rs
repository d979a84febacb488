//! One running app window under WebDriver, and the helpers tests use on it.

use super::display::VirtualDisplay;
use super::driver::TauriDriver;
use fantoccini::elements::Element;
use fantoccini::error::NewSessionError;
use fantoccini::{Client, ClientBuilder, Locator};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::sync::{Mutex, MutexGuard};

/// App sessions run one at a time: the app is single-instance per user session, and two
/// WebKit windows on two cores make every test slower without making the suite faster.
static ONE_AT_A_TIME: Mutex<()> = Mutex::const_new(());

/// How to start the app.
pub struct LaunchOptions {
    /// The app binary (`env!("CARGO_BIN_EXE_blink-connections")` in the app's tests).
    pub app: PathBuf,
    /// `BLINK_DATA_DIR`; reuse the same folder to "restart" the app on the same data.
    pub data_dir: PathBuf,
    /// `BLINK_TOGGL_URL`: the fake Toggl server (or an address where nothing listens).
    pub toggl_url: Option<String>,
    /// The app's identifier, which names the D-Bus name its single-instance lock holds.
    pub app_identifier: &'static str,
}

pub struct AppSession {
    pub client: Client,
    _driver: TauriDriver,
    _display: Option<VirtualDisplay>,
    _turn: MutexGuard<'static, ()>,
}

impl AppSession {
    pub async fn launch(options: LaunchOptions) -> Result<Self, Box<dyn std::error::Error>> {
        let turn = ONE_AT_A_TIME.lock().await;
        previous_instance_gone(options.app_identifier).await?;
        let display = match std::env::var_os("BLINK_E2E_USE_DISPLAY") {
            Some(_) => None,
            None => Some(VirtualDisplay::start()?),
        };
        let mut env = vec![
            (
                "BLINK_DATA_DIR".to_string(),
                options.data_dir.display().to_string(),
            ),
            ("RUST_LOG".to_string(), "info".to_string()),
        ];
        if let Some(display) = &display {
            env.push(("DISPLAY".to_string(), display.name.clone()));
        }
        if let Some(url) = &options.toggl_url {
            env.push(("BLINK_TOGGL_URL".to_string(), url.clone()));
        }
        let driver = TauriDriver::start(&env)?;
        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".to_string(),
            serde_json::json!({ "application": options.app }),
        );
        let client = tokio::time::timeout(SESSION_START_LIMIT, connect(driver.port, caps))
            .await
            .map_err(|_| {
                format!(
                    "the app window did not open within {} s (did the app exit at start-up? its \
                     output is above)",
                    SESSION_START_LIMIT.as_secs()
                )
            })??;
        let session = AppSession {
            client,
            _driver: driver,
            _display: display,
            _turn: turn,
        };
        session.wait_for("main#page > *").await?;
        Ok(session)
    }

    /// Waits (bounded) for an element to be present and returns it; a timeout names
    /// the selector and what the page said at the time.
    pub async fn wait_for(&self, css: &str) -> Result<Element, Box<dyn std::error::Error>> {
        match self
            .client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(css))
            .await
        {
            Ok(el) => Ok(el),
            Err(e) => {
                let page = match self.client.find(Locator::Css("main")).await {
                    Ok(main) => main.text().await.unwrap_or_default(),
                    Err(_) => String::new(),
                };
                Err(format!("waiting for {css}: {e}; the page shows: {page}").into())
            }
        }
    }

    /// Waits (up to 15 s) until the element's text contains `needle`; returns the text.
    pub async fn wait_for_text(
        &self,
        css: &str,
        needle: &str,
    ) -> Result<String, Box<dyn std::error::Error>> {
        self.wait_for_text_within(css, needle, 15).await
    }

    /// Waits up to `seconds` until the element's text contains `needle`; returns the text.
    pub async fn wait_for_text_within(
        &self,
        css: &str,
        needle: &str,
        seconds: u64,
    ) -> Result<String, Box<dyn std::error::Error>> {
        let deadline = std::time::Instant::now() + Duration::from_secs(seconds);
        loop {
            let text = match self.client.find(Locator::Css(css)).await {
                Ok(el) => Some(el.text().await.unwrap_or_default()),
                Err(_) => None,
            };
            match text {
                Some(text) if text.contains(needle) => return Ok(text),
                _ if std::time::Instant::now() > deadline => {
                    return Err(format!("{css} has text {text:?}, expected {needle:?}").into())
                }
                _ => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    /// Clicks an element once it is shown and enabled (bounded wait), as a user would.
    pub async fn click(&self, css: &str) -> Result<(), Box<dyn std::error::Error>> {
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        loop {
            let el = self.wait_for(css).await?;
            if el.is_displayed().await.unwrap_or(false) && el.is_enabled().await.unwrap_or(false) {
                el.click().await?;
                return Ok(());
            }
            if std::time::Instant::now() > deadline {
                return Err(format!("{css} never became visible and enabled").into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Saves a PNG of the window under `docs/screenshots/` (the README shows these).
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf, Box<dyn std::error::Error>> {
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        self.next_frame().await?;
        std::fs::write(&path, self.client.screenshot().await?)?;
        Ok(path)
    }

    /// Resolves after the page has painted twice, so a screenshot shows the current DOM.
    pub async fn next_frame(&self) -> Result<(), fantoccini::error::CmdError> {
        self.client
            .execute_async(
                "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()));",
                vec![],
            )
            .await?;
        Ok(())
    }

    /// The X display the window is on (`None` when the caller's own display is used).
    pub fn display(&self) -> Option<&str> {
        self._display.as_ref().map(|d| d.name.as_str())
    }

    /// Ends the WebDriver session (which closes the app), then stops the driver and display.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

/// How long opening a session may take before the test fails instead of hanging: an app
/// that exits at start-up leaves WebKitWebDriver waiting for a window that never comes.
const SESSION_START_LIMIT: Duration = Duration::from_secs(120);

/// Waits (bounded) until no earlier app instance holds the single-instance name on the
/// session bus. An instance still shutting down after the previous test would otherwise
/// be handed this launch and leave the test without a window.
async fn previous_instance_gone(app_identifier: &str) -> Result<(), String> {
    let name = format!("{app_identifier}.SingleInstance");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while name_has_owner(&name) {
        if std::time::Instant::now() > deadline {
            return Err(format!(
                "an earlier app instance still holds {name} after 30 s"
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

/// Whether the session bus has an owner for `name` (false when there is no bus to ask).
fn name_has_owner(name: &str) -> bool {
    std::process::Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            &format!("string:{name}"),
        ])
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains("boolean true"))
}

/// Opens the WebDriver session. tauri-driver accepts connections a moment before the
/// WebKitWebDriver behind it answers, which shows up as a dropped first request on a busy
/// machine; a few bounded tries absorb that without hiding a driver that never works.
async fn connect(
    port: u16,
    caps: serde_json::Map<String, serde_json::Value>,
) -> Result<Client, NewSessionError> {
    const TRIES: u32 = 3;
    let mut attempt = 1;
    loop {
        let result = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await;
        match result {
            Err(
                NewSessionError::Failed(_) | NewSessionError::FailedC(_) | NewSessionError::Lost(_),
            ) if attempt < TRIES => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            other => return other,
        }
    }
}

fn screenshot_dir() -> PathBuf {
    std::env::var_os("BLINK_SCREENSHOT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots"))
}
