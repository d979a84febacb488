//! Test support for Blink Connections: a fake Toggl Track server that follows the API
//! fact sheet (so no test ever calls the real Toggl), and the harness that drives the
//! real app window through tauri-driver and WebDriver.

pub mod e2e;
pub mod fake;
