//! State shared by all commands, built once at start-up: configuration, the database,
//! the connection service over the OS credential store, the Toggl client, token checks
//! in flight, and the recent error codes a support ticket reports.

use crate::checks::Checks;
use crate::pulls::Pulls;
use blink_core::config::Config;
use blink_core::connections::ConnectionService;
use blink_core::db::Db;
use blink_core::secrets::{KeyringStore, SecretStore};
use blink_core::toggl::client::TogglClient;
use blink_core::{AppError, AppResult};
use chrono::{DateTime, Utc};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

const RECENT_ERRORS_KEPT: usize = 20;
const SERVICE_PREFIX: &str = "com.blinkmetrics.connections";

/// A random id made once per data folder. Credential store entries are filed under it,
/// so two data folders on one computer (say, a second `BLINK_DATA_DIR`) never share or
/// overwrite each other's tokens: connection ids restart at 1 in every database.
fn install_id(data_dir: &Path) -> AppResult<String> {
    use std::hash::{BuildHasher, Hasher};
    let path = data_dir.join("install-id");
    if let Ok(id) = std::fs::read_to_string(&path) {
        let id = id.trim();
        if !id.is_empty() && id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(id.to_string());
        }
    }
    let random = |salt: u64| {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(salt);
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos(),
        );
        h.finish()
    };
    let id = format!(
        "{:016x}{:016x}",
        random(std::process::id().into()),
        random(1)
    );
    std::fs::write(&path, &id)?;
    Ok(id)
}

pub struct AppState {
    pub config: Config,
    pub db: Arc<Db>,
    pub connections: Arc<ConnectionService>,
    pub pulls: Pulls,
    pub toggl: TogglClient,
    pub checks: Checks,
    /// A problem found while opening the database (e.g. it was damaged and moved aside),
    /// shown once to the user.
    pub startup_notice: Option<AppError>,
    recent_errors: Mutex<VecDeque<(DateTime<Utc>, String)>>,
}

impl AppState {
    /// Opens the database and heals any half-finished connection change left by a crash.
    pub fn open(config: Config) -> AppResult<Self> {
        std::fs::create_dir_all(&config.data_dir)?;
        let opened = Db::open(&config.data_dir.join("blink.sqlite3"))?;
        let startup_notice = opened.notice();
        let service = format!("{SERVICE_PREFIX}.{}", install_id(&config.data_dir)?);
        let secrets: Arc<dyn SecretStore> = Arc::new(KeyringStore::with_service(&service));
        let db = Arc::new(opened.db);
        let connections = Arc::new(ConnectionService::new(Arc::clone(&db), secrets));
        if let Err(e) = connections.recover() {
            tracing::warn!(
                code = e.code(),
                "start-up recovery did not finish; it runs again next start"
            );
        }
        let toggl = TogglClient::new(config.toggl_url.as_str().trim_end_matches('/'))?;
        Ok(AppState {
            config,
            db,
            connections,
            pulls: Pulls::default(),
            toggl,
            checks: Checks::default(),
            startup_notice,
            recent_errors: Mutex::new(VecDeque::new()),
        })
    }

    pub fn log_dir(&self) -> PathBuf {
        self.config.data_dir.join("logs")
    }

    /// Remembers the code of a failure for "Still stuck?" tickets (codes only, no text).
    pub fn record_error(&self, error: &AppError) {
        let mut recent = self.recent_errors.lock().unwrap_or_else(|e| e.into_inner());
        if recent.len() == RECENT_ERRORS_KEPT {
            recent.pop_front();
        }
        recent.push_back((Utc::now(), error.code().to_string()));
    }

    pub fn recent_errors(&self) -> Vec<(DateTime<Utc>, String)> {
        let recent = self.recent_errors.lock().unwrap_or_else(|e| e.into_inner());
        recent.iter().cloned().collect()
    }
}

/// Same folder Tauri's `app_data_dir()` gives, computed before the app is built so
/// that logging and the database are ready before the first window opens.
pub fn default_data_dir() -> Option<PathBuf> {
    const IDENTIFIER: &str = "com.blinkmetrics.connections";
    let base = if cfg!(target_os = "windows") {
        std::env::var_os("APPDATA").map(PathBuf::from)
    } else if cfg!(target_os = "macos") {
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join("Library/Application Support"))
    } else {
        // Like the `dirs` crate Tauri uses: a relative XDG_DATA_HOME is ignored (XDG spec).
        std::env::var_os("XDG_DATA_HOME")
            .filter(|v| Path::new(v).is_absolute())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
    };
    base.map(|b| b.join(IDENTIFIER))
}
