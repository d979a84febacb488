//! State shared by all commands, built once at start-up: configuration, the database,
//! the connection service over the OS credential store, the Toggl client, token checks
//! in flight, pulls, and the recent error codes a support ticket reports.

use blink_core::config::Config;
use blink_core::connections::{ConnectionService, PendingChecks};
use blink_core::data_dir::DataFolder;
use blink_core::db::Db;
use blink_core::secrets::{KeyringStore, SecretStore};
use blink_core::startup;
use blink_core::sync::PullService;
use blink_core::toggl::client::TogglClient;
use blink_core::{AppError, AppResult};
use chrono::{DateTime, Utc};
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

const RECENT_ERRORS_KEPT: usize = 20;

pub struct AppState {
    pub config: Config,
    pub db: Arc<Db>,
    pub connections: Arc<ConnectionService>,
    pub pulls: Arc<PullService>,
    pub toggl: TogglClient,
    pub checks: Arc<PendingChecks>,
    /// A problem found while opening the database (e.g. it was damaged and moved aside),
    /// shown once to the user.
    pub startup_notice: Option<AppError>,
    recent_errors: Mutex<VecDeque<(DateTime<Utc>, String)>>,
}

impl AppState {
    /// Opens the claimed data folder over the OS credential store: the database, recovery
    /// of half-finished connection changes, removal of tokens no connection owns.
    pub fn open(config: Config, folder: &DataFolder) -> AppResult<Self> {
        let opened = startup::open(folder, |service| {
            Arc::new(KeyringStore::with_service(service)) as Arc<dyn SecretStore>
        })?;
        let (db, connections, startup_notice) = (opened.db, opened.connections, opened.notice);
        let toggl = TogglClient::new(config.toggl_url.as_str().trim_end_matches('/'))?;
        let pulls = Arc::new(PullService::new(
            Arc::clone(&db),
            Arc::clone(&connections),
            toggl.clone(),
        ));
        Ok(AppState {
            config,
            db,
            connections,
            pulls,
            toggl,
            checks: Arc::default(),
            startup_notice,
            recent_errors: Mutex::new(VecDeque::new()),
        })
    }

    /// As the app exits: the database is left with an empty log and a record that lets
    /// the next start skip its integrity check.
    pub fn close(&self) {
        if let Err(e) = self.db.close_cleanly() {
            tracing::warn!(
                code = e.code(),
                "the database was not closed cleanly; the next start checks it"
            );
        }
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
