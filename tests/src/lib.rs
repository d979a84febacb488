//! Test support for Blink Connections: a fake Toggl Track server that follows the API
//! fact sheet (so no test ever calls the real Toggl), and the harness that drives the
//! real app window through tauri-driver and WebDriver.

/// Linux-only in practice (Xvfb, tauri-driver, WebKitWebDriver); compiled on every Unix so
/// Windows builds of the fake server and the core tests are not blocked by Unix process groups.
#[cfg(unix)]
pub mod e2e;
pub mod fake;
