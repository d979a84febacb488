//! The one error type of the app. Every failure a user can meet has its own stable
//! `code` (the UI switches on it) and a message that says what happened and what to
//! do next. Messages never carry the token: variants hold only non-secret data.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

pub type AppResult<T> = Result<T, AppError>;

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum AppError {
    #[error("Paste your Toggl API token: the field is empty.")]
    TokenEmpty,
    #[error("That is not a Toggl API token: a token is 32 characters, 0-9 and a-f, with no spaces. Copy it again from Toggl: Profile Settings, API Token section.")]
    TokenMalformed,
    #[error("Toggl did not accept this API token. It may have been reset: copy the current token from Toggl (Profile Settings, API Token) and try again.")]
    TokenRejected,
    #[error("{0}")]
    RoleInsufficient(String),
    #[error("The Toggl hourly request quota is used up. It resets in {}; try again then.", human_duration(*resets_in_secs))]
    QuotaExhausted { resets_in_secs: u64 },
    #[error("Toggl is limiting how fast requests are sent. {}", rate_limit_advice(*retry_after_secs))]
    RateLimited { retry_after_secs: Option<u64> },
    #[error("This needs a paid Toggl plan feature that the workspace does not have.")]
    PaidFeatureRequired,
    #[error("Toggl is unavailable right now (server error). Try again in a few minutes.")]
    TogglUnavailable,
    #[error("Toggl could not be reached. Check your internet connection and try again.")]
    NetworkUnreachable,
    #[error("Toggl did not answer in time. Check your connection and try again.")]
    Timeout,
    #[error("Toggl sent a response the app did not understand (from {path}). Try again later; if it persists, file a ticket.")]
    UnexpectedResponse { path: String },
    #[error("The system credential store is not available: {detail}. On Linux install and start GNOME Keyring or KWallet; on macOS allow Blink Connections to use the keychain; then try again.")]
    CredentialStoreUnavailable { detail: String },
    #[error("The system credential store is locked. Unlock your keyring (GNOME Keyring, KWallet or the macOS keychain) and try again.")]
    CredentialStoreLocked,
    #[error("The saved API token of this connection is missing from the credential store. Enter the token again with Swap token.")]
    TokenMissing,
    #[error(
        "The local database failed: {0}. Nothing was changed; if this repeats, file a ticket."
    )]
    Database(String),
    #[error("The local database was damaged and was moved aside to {moved_to}. A new, empty one was started.")]
    DatabaseCorrupt { moved_to: String },
    #[error("{0}")]
    InvalidInput(String),
    #[error("A connection named \"{0}\" already exists. Choose another name.")]
    NameTaken(String),
    #[error("That connection no longer exists. It may have been deleted.")]
    NotFound,
    #[error("This token belongs to a different Toggl account ({0}). Confirm to switch the connection to that account.")]
    DifferentAccount(String),
    #[error("Cancelled. Nothing was changed.")]
    Cancelled,
    #[error(
        "The token check is no longer valid. Press Finish to check the token with Toggl again."
    )]
    CheckExpired,
    #[error("A file could not be read or written: {0}. Check that the data folder is writable and has free space.")]
    Io(String),
    #[error("A pull of this connection is already running. Wait for it to finish or cancel it.")]
    PullRunning,
    #[error("The web browser could not be opened ({0}). Open {1} yourself.")]
    BrowserUnavailable(String, String),
    #[error("Something went wrong inside the app: {0}. Try again; if it repeats, file a ticket.")]
    Internal(String),
    #[error("Configuration error: {0}")]
    Config(String),
    #[error("Your access to {scope} in Toggl changed: Toggl refused the request{}. The API token still works. Ask the Organization Owner about your role there, then test the connection again.", toggl_words(toggl_says))]
    AccessChanged {
        /// "workspace 1234" or "organization 56": what the account can no longer read.
        scope: String,
        toggl_says: Option<String>,
    },
    #[error("Toggl refused the request to {path} (HTTP {status}){}. Check the connection's settings and try again; if it persists, file a ticket.", toggl_words(toggl_says))]
    TogglRefused {
        status: u16,
        path: String,
        toggl_says: Option<String>,
    },
    #[error("Blink Connections is already running with the data folder {path}. Switch to its window; to start another copy, give it its own folder with BLINK_DATA_DIR.")]
    DataFolderInUse { path: String },
    #[error("The file {path}, which links this data folder to its saved API tokens, is {problem}. Without it the tokens of the saved connections cannot be found: restore the file from a backup (32 characters 0-9 and a-f), then start the app again.")]
    InstallIdUnusable { path: String, problem: String },
    #[error("The local database was damaged and was moved aside to {moved_to}. A new, empty one was started. The API tokens of the old connections could not all be removed: they stay in the system credential store under the service {service}, where you can delete them (Seahorse, Keychain Access or Credential Manager).")]
    DatabaseCorruptTokensLeft { moved_to: String, service: String },
}

impl AppError {
    /// Stable machine-readable code; the UI and tests switch on it, so never rename one.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::TokenEmpty => "token_empty",
            AppError::TokenMalformed => "token_malformed",
            AppError::TokenRejected => "token_rejected",
            AppError::RoleInsufficient(_) => "role_insufficient",
            AppError::QuotaExhausted { .. } => "quota_exhausted",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::PaidFeatureRequired => "paid_feature_required",
            AppError::TogglUnavailable => "toggl_unavailable",
            AppError::NetworkUnreachable => "network_unreachable",
            AppError::Timeout => "timeout",
            AppError::UnexpectedResponse { .. } => "unexpected_response",
            AppError::CredentialStoreUnavailable { .. } => "credential_store_unavailable",
            AppError::CredentialStoreLocked => "credential_store_locked",
            AppError::TokenMissing => "token_missing",
            AppError::Database(_) => "database",
            AppError::DatabaseCorrupt { .. } => "database_corrupt",
            AppError::InvalidInput(_) => "invalid_input",
            AppError::NameTaken(_) => "name_taken",
            AppError::NotFound => "not_found",
            AppError::DifferentAccount(_) => "different_account",
            AppError::Cancelled => "cancelled",
            AppError::CheckExpired => "check_expired",
            AppError::Io(_) => "io",
            AppError::PullRunning => "pull_running",
            AppError::BrowserUnavailable(..) => "browser_unavailable",
            AppError::Internal(_) => "internal",
            AppError::Config(_) => "config",
            AppError::AccessChanged { .. } => "access_changed",
            AppError::TogglRefused { .. } => "toggl_refused",
            AppError::DataFolderInUse { .. } => "data_folder_in_use",
            AppError::InstallIdUnusable { .. } => "install_id_unusable",
            AppError::DatabaseCorruptTokensLeft { .. } => "database_corrupt_tokens_left",
        }
    }

    /// Errors that mean "Toggl could not be asked": the UI tells the user the action
    /// needs Toggl and that nothing changed.
    pub fn is_offline(&self) -> bool {
        matches!(self, AppError::NetworkUnreachable | AppError::Timeout)
    }
}

impl Serialize for AppError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let extra = matches!(
            self,
            AppError::QuotaExhausted { .. } | AppError::RateLimited { .. }
        );
        let mut s = serializer.serialize_struct("AppError", if extra { 3 } else { 2 })?;
        s.serialize_field("code", self.code())?;
        s.serialize_field("message", &self.to_string())?;
        match self {
            AppError::QuotaExhausted { resets_in_secs } => {
                s.serialize_field("resets_in_secs", resets_in_secs)?
            }
            AppError::RateLimited { retry_after_secs } => {
                s.serialize_field("retry_after_secs", retry_after_secs)?
            }
            _ => {}
        }
        s.end()
    }
}

impl From<rusqlite::Error> for AppError {
    fn from(e: rusqlite::Error) -> Self {
        AppError::Database(e.to_string())
    }
}

impl From<std::io::Error> for AppError {
    fn from(e: std::io::Error) -> Self {
        AppError::Io(e.to_string())
    }
}

/// What to do after a 429: Toggl names a wait only sometimes (`Retry-After`).
fn rate_limit_advice(retry_after_secs: Option<u64>) -> String {
    match retry_after_secs {
        Some(secs) => format!(
            "Toggl asks to wait {}; try again then.",
            human_duration(secs)
        ),
        None => "Wait a few minutes and try again.".into(),
    }
}

/// Toggl's own sentence, quoted, when its answer carried one.
fn toggl_words(toggl_says: &Option<String>) -> String {
    match toggl_says {
        Some(text) => format!(" saying \"{text}\""),
        None => String::new(),
    }
}

/// "1 h 5 min", "12 min", "40 s": how long until a quota resets, in words a user reads at a glance.
pub fn human_duration(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    match (h, m) {
        (0, 0) => format!("{s} s"),
        (0, m) if s == 0 => format!("{m} min"),
        (0, m) => format!("{} min", m + 1),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_code_and_message() {
        let json = serde_json::to_value(AppError::TokenRejected).unwrap();
        assert_eq!(json["code"], "token_rejected");
        assert!(json["message"].as_str().unwrap().contains("did not accept"));
        assert_eq!(json.as_object().unwrap().len(), 2);
    }

    #[test]
    fn quota_error_carries_reset_time_in_words_and_seconds() {
        let e = AppError::QuotaExhausted {
            resets_in_secs: 1838,
        };
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["code"], "quota_exhausted");
        assert_eq!(json["resets_in_secs"], 1838);
        assert!(json["message"].as_str().unwrap().contains("31 min"));
    }

    #[test]
    fn rate_limited_carries_the_wait_toggl_asked_for() {
        let json = serde_json::to_value(AppError::RateLimited {
            retry_after_secs: Some(120),
        })
        .unwrap();
        assert_eq!(json["code"], "rate_limited");
        assert_eq!(json["retry_after_secs"], 120);
        assert!(json["message"].as_str().unwrap().contains("2 min"));
        let unknown = serde_json::to_value(AppError::RateLimited {
            retry_after_secs: None,
        })
        .unwrap();
        assert_eq!(unknown["retry_after_secs"], serde_json::Value::Null);
        assert!(unknown["message"].as_str().unwrap().contains("few minutes"));
    }

    #[test]
    fn access_changed_names_the_workspace_and_never_asks_for_a_new_token() {
        let e = AppError::AccessChanged {
            scope: "workspace 4242".into(),
            toggl_says: Some("Workspace not found/accessible".into()),
        };
        assert_eq!(e.code(), "access_changed");
        let text = e.to_string();
        assert!(text.contains("workspace 4242"), "{text}");
        assert!(
            text.contains("\"Workspace not found/accessible\""),
            "{text}"
        );
        assert!(text.contains("still works"), "{text}");
        assert!(
            !text.to_lowercase().contains("copy the current token"),
            "{text}"
        );
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human_duration(40), "40 s");
        assert_eq!(human_duration(120), "2 min");
        assert_eq!(human_duration(3600), "1 h");
        assert_eq!(human_duration(3900), "1 h 5 min");
    }
}
