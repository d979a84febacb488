//! End-to-end harness: the real app window through tauri-driver and WebDriver.
