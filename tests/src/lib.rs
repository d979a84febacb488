//! Test support for Blink Connections: a fake Toggl Track server that follows the API
//! fact sheet (so no test ever calls the real Toggl), and the harness that drives the
//! real app window through tauri-driver and WebDriver (feature `e2e`, which only the app
//! crate's tests enable).

/// Linux-only in practice (Xvfb, tauri-driver, WebKitWebDriver); compiled on every Unix so
/// Windows builds of the fake server and the core tests are not blocked by Unix process groups.
#[cfg(all(unix, feature = "e2e"))]
pub mod e2e;
pub mod fake;
