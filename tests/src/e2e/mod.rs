//! End-to-end harness: starts the real app binary in a real WebKitGTK window through
//! tauri-driver and WebKitWebDriver, under its own virtual display and with its own data
//! directory, and always cleans up (no stray processes, no X lock files).

mod display;
mod driver;
mod process;
mod session;

pub use fantoccini::Locator;
pub use session::{AppSession, LaunchOptions};
