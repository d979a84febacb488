//! State shared by all commands, built once at start-up.

use blink_core::config::Config;
use blink_core::AppResult;
use std::path::PathBuf;

pub struct AppState {
    pub config: Config,
}

impl AppState {
    /// Reads the configuration; the default data directory is the platform's
    /// per-user application data folder for the app's identifier.
    pub fn from_env() -> AppResult<Self> {
        let config = Config::from_env(default_data_dir)?;
        std::fs::create_dir_all(&config.data_dir)?;
        Ok(AppState { config })
    }

    pub fn log_dir(&self) -> PathBuf {
        self.config.data_dir.join("logs")
    }
}

/// Same folder Tauri's `app_data_dir()` gives, computed before the app is built so
/// that logging and the database are ready before the first window opens.
fn default_data_dir() -> Option<PathBuf> {
    const IDENTIFIER: &str = "com.blinkmetrics.connections";
    let base = if cfg!(target_os = "windows") {
        std::env::var_os("APPDATA").map(PathBuf::from)
    } else if cfg!(target_os = "macos") {
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join("Library/Application Support"))
    } else {
        std::env::var_os("XDG_DATA_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
    };
    base.map(|b| b.join(IDENTIFIER))
}
