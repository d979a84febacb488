//! App settings that are not connections (the privacy a new connection starts with, and
//! the page that was open last), kept with tauri-plugin-store in the data directory.
//! Never a token: the settings file is plain JSON.

use blink_core::domain::Privacy;
use blink_core::{AppError, AppResult};
use serde::{Deserialize, Serialize};
use std::path::Path;
use tauri::{AppHandle, Runtime};
use tauri_plugin_store::StoreExt;

const KEY: &str = "settings";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub default_privacy: Privacy,
    /// A hash route such as `#/connections/3`; only app routes are kept.
    pub last_page: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            default_privacy: Privacy::PrivateToMe,
            last_page: None,
        }
    }
}

impl Settings {
    fn validated(self) -> AppResult<Settings> {
        let last_page = self
            .last_page
            .filter(|p| p.starts_with("#/") && p.len() <= 200);
        Ok(Settings {
            default_privacy: self.default_privacy.normalized()?,
            last_page,
        })
    }
}

pub fn load<R: Runtime>(app: &AppHandle<R>, data_dir: &Path) -> AppResult<Settings> {
    let store = app
        .store(data_dir.join("settings.json"))
        .map_err(|e| AppError::Io(format!("settings could not be read: {e}")))?;
    Ok(store
        .get(KEY)
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default())
}

pub fn save<R: Runtime>(
    app: &AppHandle<R>,
    data_dir: &Path,
    settings: Settings,
) -> AppResult<Settings> {
    let settings = settings.validated()?;
    let store = app
        .store(data_dir.join("settings.json"))
        .map_err(|e| AppError::Io(format!("settings could not be opened: {e}")))?;
    let value = serde_json::to_value(&settings)?;
    store.set(KEY, value);
    store
        .save()
        .map_err(|e| AppError::Io(format!("settings could not be saved: {e}")))?;
    Ok(settings)
}
