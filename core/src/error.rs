//! The one error type of the app. Every failure a user can meet has its own stable
//! `code` (the UI switches on it) and a message that says what happened and what to
//! do next. Messages never carry the token: variants hold only non-secret data.
//!
//! Every sentence a user reads lives here, in the `#[error]` texts and in the
//! constructors of [`AppError::InvalidInput`], so wording is reviewed in one place.
//! Invalid input also names the [`InputField`] it is about: the page puts the message
//! beside that field by its name, never by reading the message.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

pub type AppResult<T> = Result<T, AppError>;

/// The guide's role rule, in the words every refusal and help text uses: a workspace
/// qualifies when the account owns its organization or administers it.
pub const ROLE_RULE: &str =
    "The account must be the Organization Owner of the workspace's organization or an Admin of the workspace. \
     See your role in Toggl under Admin → Organization (Owner) or Admin → Members (Workspace Admin).";

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
    #[error("{message}")]
    InvalidInput { field: InputField, message: String },
    #[error("A connection named \"{0}\" already exists. Choose another name.")]
    NameTaken(String),
    #[error("That connection no longer exists. It may have been deleted.")]
    NotFound,
    #[error("This token belongs to a different Toggl account ({0}). Confirm to switch the connection to that account; the data pulled for workspaces that account is not connected for is then deleted, members' e-mails included.")]
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
    #[error("Saved data is not in the shape the app expects ({0}). Nothing was changed; if this repeats, file a ticket.")]
    DataFormat(String),
    #[error("The {} contains {}, which is invisible or changes how text is shown. Type the {} again without it.", field.noun(), character_description(*character), field.noun())]
    NameInvalidCharacters { field: InputField, character: char },
    #[error("The export holds {entries} entries, more than one Excel sheet can ({max}). Narrow the filter (a shorter range, one workspace) or export CSV, which has no limit.")]
    ExportTooLarge { entries: u64, max: u64 },
}

/// The input an [`AppError::InvalidInput`] (or another input error) is about. Its
/// serialised name is what the page matches to put the message beside the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InputField {
    /// The connection name.
    Name,
    /// The team name of "Shared with Team".
    Team,
    /// The date range of a pull.
    Range,
    /// The support ticket form.
    Ticket,
    /// The idempotency key a form sends with a save.
    Request,
    /// The page size of the entries table.
    PageSize,
    /// The name of a saved review view.
    ViewName,
    /// The first day of the week of the review's weekly periods.
    WeekStart,
    /// The workspaces a connection is for.
    Scope,
}

impl InputField {
    /// How the field is called in a sentence.
    pub fn noun(self) -> &'static str {
        match self {
            InputField::Name => "connection name",
            InputField::Team => "team name",
            InputField::Range => "date range",
            InputField::Ticket => "ticket",
            InputField::Request => "request",
            InputField::PageSize => "page size",
            InputField::ViewName => "view name",
            InputField::WeekStart => "first day of the week",
            InputField::Scope => "workspaces",
        }
    }
}

/// The constructors of [`AppError::InvalidInput`]: one per rule, so the sentence
/// stays next to the error type and call sites only say which rule failed.
impl AppError {
    fn invalid(field: InputField, message: String) -> AppError {
        AppError::InvalidInput { field, message }
    }

    /// A required text (connection name, team name) is empty.
    pub fn text_missing(field: InputField) -> AppError {
        Self::invalid(field, format!("Enter a {}.", field.noun()))
    }

    /// A text is longer than its limit.
    pub fn text_too_long(field: InputField, chars: usize, max: usize) -> AppError {
        Self::invalid(
            field,
            format!(
                "The {} is {chars} characters long; use at most {max}.",
                field.noun()
            ),
        )
    }

    /// A pull range whose start is after its end.
    pub fn range_reversed() -> AppError {
        Self::invalid(
            InputField::Range,
            "The start date of the pull is after its end date. Choose a start date on or before the end date.".into(),
        )
    }

    /// A pull range without its `which` ("start" or "end") date.
    pub fn range_date_missing(which: &str) -> AppError {
        Self::invalid(
            InputField::Range,
            format!("Choose the {which} date of the pull."),
        )
    }

    /// A pull range whose `which` date is not a calendar date.
    pub fn range_date_unreadable(which: &str) -> AppError {
        Self::invalid(
            InputField::Range,
            format!(
                "The {which} date of the pull is not a date; use the date picker (year-month-day)."
            ),
        )
    }

    /// A saved view renamed to the name of another view.
    pub fn view_name_taken(name: &str) -> AppError {
        Self::invalid(
            InputField::ViewName,
            format!("A saved view named \"{name}\" already exists. Choose another name, or delete that view first."),
        )
    }

    /// A support ticket with nothing in it.
    pub fn ticket_empty() -> AppError {
        Self::invalid(
            InputField::Ticket,
            "Describe what you tried, what you expected or what you got instead.".into(),
        )
    }

    /// One box of the support ticket is longer than its limit.
    pub fn ticket_box_too_long(label: &str, max: usize) -> AppError {
        Self::invalid(
            InputField::Ticket,
            format!("\"{label}\" is longer than {max} characters; shorten it."),
        )
    }

    /// A week start that is no day of the week (0 Sunday to 6 Saturday, as Toggl counts).
    pub fn week_start_out_of_range() -> AppError {
        Self::invalid(
            InputField::WeekStart,
            "The first day of the week is 0 (Sunday) to 6 (Saturday).".into(),
        )
    }

    /// An Excel export of more entries than one sheet holds.
    pub fn export_too_large(entries: u64, max: u64) -> AppError {
        AppError::ExportTooLarge { entries, max }
    }

    /// An entries page size outside what one page may hold.
    pub fn page_size_out_of_range(max: u32) -> AppError {
        Self::invalid(
            InputField::PageSize,
            format!("A page holds 1 to {max} entries."),
        )
    }

    /// A save with no workspace chosen.
    pub fn scope_empty() -> AppError {
        Self::invalid(
            InputField::Scope,
            "Choose at least one workspace for the connection.".into(),
        )
    }

    /// Removing the only workspace of a connection.
    pub fn scope_last_workspace() -> AppError {
        Self::invalid(
            InputField::Scope,
            "This is the connection's only workspace. Add another one first, or delete the connection.".into(),
        )
    }

    /// A pull of a connection none of whose workspaces qualifies any more.
    pub fn scope_nothing_qualifies(lost: &[String]) -> AppError {
        AppError::RoleInsufficient(format!(
            "No workspace of this connection qualifies now (lost: {}), so nothing can be pulled. {} Re-test the connection once the role is back, or add a workspace that qualifies.",
            if lost.is_empty() { "none in scope".to_string() } else { lost.join(", ") },
            ROLE_RULE
        ))
    }

    /// Why a workspace the token no longer sees does not qualify.
    pub fn workspace_unseen_reason() -> String {
        format!(
            "Toggl no longer lists this workspace for the account. {}",
            ROLE_RULE
        )
    }

    /// A save sent without the form's idempotency key: a defect of the page, not the user.
    pub fn request_id_missing() -> AppError {
        Self::invalid(
            InputField::Request,
            "The form sent no request id. Reload the page and try again.".into(),
        )
    }
}

/// "a text-direction control character (U+202E)": what a refused character is, in words.
fn character_description(c: char) -> String {
    let kind = match c {
        '\0' => "a NUL character",
        '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{061C}' => "a text-direction control character",
        '\u{200B}' | '\u{200C}' | '\u{2060}' | '\u{FEFF}' => "an invisible zero-width character",
        c if c.is_control() => "a control character",
        '\u{2028}' | '\u{2029}' => "a line break",
        _ => "an invisible formatting character",
    };
    format!("{kind} (U+{:04X})", c as u32)
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
            AppError::InvalidInput { .. } => "invalid_input",
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
            AppError::DataFormat(_) => "data_format",
            AppError::NameInvalidCharacters { .. } => "name_invalid_characters",
            AppError::ExportTooLarge { .. } => "export_too_large",
        }
    }

    /// The input the error is about, for errors the page shows beside a field.
    pub fn field(&self) -> Option<InputField> {
        match self {
            AppError::InvalidInput { field, .. }
            | AppError::NameInvalidCharacters { field, .. } => Some(*field),
            AppError::NameTaken(_) => Some(InputField::Name),
            _ => None,
        }
    }
}

/// `{code, message}`, plus `field` for input errors and `resets_in_secs` for the quota.
impl Serialize for AppError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_map(None)?;
        s.serialize_entry("code", self.code())?;
        s.serialize_entry("message", &self.to_string())?;
        if let Some(field) = self.field() {
            s.serialize_entry("field", &field)?;
        }
        match self {
            AppError::QuotaExhausted { resets_in_secs } => {
                s.serialize_entry("resets_in_secs", resets_in_secs)?
            }
            AppError::RateLimited { retry_after_secs } => {
                s.serialize_entry("retry_after_secs", retry_after_secs)?
            }
            _ => {}
        }
        s.end()
    }
}

/// A JSON failure is about the data's shape (`data_format`), unless the writer or
/// reader underneath failed (`io`).
impl From<serde_json::Error> for AppError {
    fn from(e: serde_json::Error) -> Self {
        if e.is_io() {
            AppError::Io(e.to_string())
        } else {
            AppError::DataFormat(e.to_string())
        }
    }
}

/// A column whose JSON does not decode is `data_format`; every other SQLite failure is `database`.
impl From<rusqlite::Error> for AppError {
    fn from(e: rusqlite::Error) -> Self {
        match &e {
            rusqlite::Error::FromSqlConversionFailure(_, _, source)
                if source.is::<serde_json::Error>() =>
            {
                AppError::DataFormat(e.to_string())
            }
            _ => AppError::Database(e.to_string()),
        }
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
    use serde_json::json;

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

    /// Position of the variant in [`pinned`]. No wildcard arm: a new variant does not
    /// compile until it is pinned too.
    fn index(e: &AppError) -> usize {
        match e {
            AppError::TokenEmpty => 0,
            AppError::TokenMalformed => 1,
            AppError::TokenRejected => 2,
            AppError::RoleInsufficient(_) => 3,
            AppError::QuotaExhausted { .. } => 4,
            AppError::RateLimited { .. } => 5,
            AppError::PaidFeatureRequired => 6,
            AppError::TogglUnavailable => 7,
            AppError::NetworkUnreachable => 8,
            AppError::Timeout => 9,
            AppError::UnexpectedResponse { .. } => 10,
            AppError::CredentialStoreUnavailable { .. } => 11,
            AppError::CredentialStoreLocked => 12,
            AppError::TokenMissing => 13,
            AppError::Database(_) => 14,
            AppError::DatabaseCorrupt { .. } => 15,
            AppError::InvalidInput { .. } => 16,
            AppError::NameTaken(_) => 17,
            AppError::NotFound => 18,
            AppError::DifferentAccount(_) => 19,
            AppError::Cancelled => 20,
            AppError::CheckExpired => 21,
            AppError::Io(_) => 22,
            AppError::PullRunning => 23,
            AppError::BrowserUnavailable(..) => 24,
            AppError::Internal(_) => 25,
            AppError::Config(_) => 26,
            AppError::DataFormat(_) => 27,
            AppError::NameInvalidCharacters { .. } => 28,
            AppError::AccessChanged { .. } => 29,
            AppError::TogglRefused { .. } => 30,
            AppError::DataFolderInUse { .. } => 31,
            AppError::InstallIdUnusable { .. } => 32,
            AppError::DatabaseCorruptTokensLeft { .. } => 33,
            AppError::ExportTooLarge { .. } => 34,
        }
    }

    /// One example of every variant with its exact JSON.
    fn pinned() -> Vec<(AppError, serde_json::Value)> {
        let plain = |code: &str, message: &str| json!({"code": code, "message": message});
        vec![
            (AppError::TokenEmpty, plain("token_empty", "Paste your Toggl API token: the field is empty.")),
            (AppError::TokenMalformed, plain("token_malformed", "That is not a Toggl API token: a token is 32 characters, 0-9 and a-f, with no spaces. Copy it again from Toggl: Profile Settings, API Token section.")),
            (AppError::TokenRejected, plain("token_rejected", "Toggl did not accept this API token. It may have been reset: copy the current token from Toggl (Profile Settings, API Token) and try again.")),
            (AppError::RoleInsufficient("Role text.".into()), plain("role_insufficient", "Role text.")),
            (
                AppError::QuotaExhausted { resets_in_secs: 65 },
                json!({"code": "quota_exhausted", "message": "The Toggl hourly request quota is used up. It resets in 2 min; try again then.", "resets_in_secs": 65}),
            ),
            (
                AppError::RateLimited { retry_after_secs: Some(90) },
                json!({"code": "rate_limited", "message": "Toggl is limiting how fast requests are sent. Toggl asks to wait 2 min; try again then.", "retry_after_secs": 90}),
            ),
            (
                AppError::RateLimited { retry_after_secs: None },
                json!({"code": "rate_limited", "message": "Toggl is limiting how fast requests are sent. Wait a few minutes and try again.", "retry_after_secs": null}),
            ),
            (AppError::PaidFeatureRequired, plain("paid_feature_required", "This needs a paid Toggl plan feature that the workspace does not have.")),
            (AppError::TogglUnavailable, plain("toggl_unavailable", "Toggl is unavailable right now (server error). Try again in a few minutes.")),
            (AppError::NetworkUnreachable, plain("network_unreachable", "Toggl could not be reached. Check your internet connection and try again.")),
            (AppError::Timeout, plain("timeout", "Toggl did not answer in time. Check your connection and try again.")),
            (
                AppError::UnexpectedResponse { path: "/me".into() },
                plain("unexpected_response", "Toggl sent a response the app did not understand (from /me). Try again later; if it persists, file a ticket."),
            ),
            (
                AppError::CredentialStoreUnavailable { detail: "no bus".into() },
                plain("credential_store_unavailable", "The system credential store is not available: no bus. On Linux install and start GNOME Keyring or KWallet; on macOS allow Blink Connections to use the keychain; then try again."),
            ),
            (AppError::CredentialStoreLocked, plain("credential_store_locked", "The system credential store is locked. Unlock your keyring (GNOME Keyring, KWallet or the macOS keychain) and try again.")),
            (AppError::TokenMissing, plain("token_missing", "The saved API token of this connection is missing from the credential store. Enter the token again with Swap token.")),
            (AppError::Database("disk I/O error".into()), plain("database", "The local database failed: disk I/O error. Nothing was changed; if this repeats, file a ticket.")),
            (
                AppError::DatabaseCorrupt { moved_to: "blink.db.damaged".into() },
                plain("database_corrupt", "The local database was damaged and was moved aside to blink.db.damaged. A new, empty one was started."),
            ),
            (
                AppError::text_missing(InputField::Name),
                json!({"code": "invalid_input", "message": "Enter a connection name.", "field": "name"}),
            ),
            (
                AppError::NameTaken("Acme".into()),
                json!({"code": "name_taken", "message": "A connection named \"Acme\" already exists. Choose another name.", "field": "name"}),
            ),
            (AppError::NotFound, plain("not_found", "That connection no longer exists. It may have been deleted.")),
            (
                AppError::DifferentAccount("b@example.com".into()),
                plain("different_account", "This token belongs to a different Toggl account (b@example.com). Confirm to switch the connection to that account; the data pulled for workspaces that account is not connected for is then deleted, members' e-mails included."),
            ),
            (AppError::Cancelled, plain("cancelled", "Cancelled. Nothing was changed.")),
            (AppError::CheckExpired, plain("check_expired", "The token check is no longer valid. Press Finish to check the token with Toggl again.")),
            (AppError::Io("disk full".into()), plain("io", "A file could not be read or written: disk full. Check that the data folder is writable and has free space.")),
            (AppError::PullRunning, plain("pull_running", "A pull of this connection is already running. Wait for it to finish or cancel it.")),
            (
                AppError::BrowserUnavailable("no opener".into(), "https://track.toggl.com/profile".into()),
                plain("browser_unavailable", "The web browser could not be opened (no opener). Open https://track.toggl.com/profile yourself."),
            ),
            (AppError::Internal("task panicked".into()), plain("internal", "Something went wrong inside the app: task panicked. Try again; if it repeats, file a ticket.")),
            (AppError::Config("bad URL".into()), plain("config", "Configuration error: bad URL")),
            (
                AppError::DataFormat("privacy: missing field `kind`".into()),
                plain("data_format", "Saved data is not in the shape the app expects (privacy: missing field `kind`). Nothing was changed; if this repeats, file a ticket."),
            ),
            (
                AppError::NameInvalidCharacters { field: InputField::Team, character: '\u{202E}' },
                json!({"code": "name_invalid_characters", "message": "The team name contains a text-direction control character (U+202E), which is invisible or changes how text is shown. Type the team name again without it.", "field": "team"}),
            ),
            (
                AppError::AccessChanged { scope: "workspace 4242".into(), toggl_says: Some("Workspace not found/accessible".into()) },
                plain("access_changed", "Your access to workspace 4242 in Toggl changed: Toggl refused the request saying \"Workspace not found/accessible\". The API token still works. Ask the Organization Owner about your role there, then test the connection again."),
            ),
            (
                AppError::TogglRefused { status: 400, path: "/reports/api/v3/workspace/1/search/time_entries".into(), toggl_says: None },
                plain("toggl_refused", "Toggl refused the request to /reports/api/v3/workspace/1/search/time_entries (HTTP 400). Check the connection's settings and try again; if it persists, file a ticket."),
            ),
            (
                AppError::DataFolderInUse { path: "/data".into() },
                plain("data_folder_in_use", "Blink Connections is already running with the data folder /data. Switch to its window; to start another copy, give it its own folder with BLINK_DATA_DIR."),
            ),
            (
                AppError::InstallIdUnusable { path: "/data/install-id".into(), problem: "empty".into() },
                plain("install_id_unusable", "The file /data/install-id, which links this data folder to its saved API tokens, is empty. Without it the tokens of the saved connections cannot be found: restore the file from a backup (32 characters 0-9 and a-f), then start the app again."),
            ),
            (
                AppError::DatabaseCorruptTokensLeft { moved_to: "blink.db.damaged".into(), service: "com.example.x".into() },
                plain("database_corrupt_tokens_left", "The local database was damaged and was moved aside to blink.db.damaged. A new, empty one was started. The API tokens of the old connections could not all be removed: they stay in the system credential store under the service com.example.x, where you can delete them (Seahorse, Keychain Access or Credential Manager)."),
            ),
            (
                AppError::ExportTooLarge { entries: 2_000_000, max: 1_048_575 },
                plain("export_too_large", "The export holds 2000000 entries, more than one Excel sheet can (1048575). Narrow the filter (a shorter range, one workspace) or export CSV, which has no limit."),
            ),
        ]
    }

    /// Codes are a contract with the page and with tickets: never rename one.
    #[test]
    fn every_variant_has_a_pinned_code_and_json() {
        let mut seen = std::collections::BTreeSet::new();
        for (error, expected) in &pinned() {
            seen.insert(index(error));
            assert_eq!(&serde_json::to_value(error).unwrap(), expected, "{error:?}");
            assert_eq!(expected["code"], error.code());
        }
        assert_eq!(seen.len(), 35, "every variant is listed");
    }

    #[test]
    fn the_page_has_a_code_constant_for_every_code() {
        let codes_js = include_str!("../../ui/js/codes.js");
        for (error, _) in pinned() {
            let quoted = format!("\"{}\"", error.code());
            assert!(codes_js.contains(&quoted), "ui/js/codes.js lacks {quoted}");
        }
    }

    #[test]
    fn the_page_states_the_role_rule_in_cores_words() {
        let scope_list = include_str!("../../ui/js/scope-list.js");
        assert!(
            scope_list.contains(&format!("\"{ROLE_RULE}\"")),
            "ui/js/scope-list.js states the rule differently"
        );
    }

    #[test]
    fn every_input_rule_names_its_field() {
        let cases = [
            (AppError::text_missing(InputField::Team), "team", "Enter a team name."),
            (
                AppError::text_too_long(InputField::Name, 101, 100),
                "name",
                "The connection name is 101 characters long; use at most 100.",
            ),
            (
                AppError::range_reversed(),
                "range",
                "The start date of the pull is after its end date. Choose a start date on or before the end date.",
            ),
            (
                AppError::ticket_empty(),
                "ticket",
                "Describe what you tried, what you expected or what you got instead.",
            ),
            (
                AppError::ticket_box_too_long("What I tried", 10),
                "ticket",
                "\"What I tried\" is longer than 10 characters; shorten it.",
            ),
            (AppError::page_size_out_of_range(500), "page_size", "A page holds 1 to 500 entries."),
            (AppError::range_date_missing("end"), "range", "Choose the end date of the pull."),
            (
                AppError::range_date_unreadable("start"),
                "range",
                "The start date of the pull is not a date; use the date picker (year-month-day).",
            ),
            (
                AppError::request_id_missing(),
                "request",
                "The form sent no request id. Reload the page and try again.",
            ),
        ];
        for (error, field, message) in cases {
            let json = serde_json::to_value(&error).unwrap();
            assert_eq!(
                json,
                json!({"code": "invalid_input", "message": message, "field": field})
            );
        }
    }

    #[test]
    fn json_failures_are_data_format_unless_the_io_underneath_failed() {
        let shape = serde_json::from_str::<u32>("\"x\"").unwrap_err();
        assert_eq!(AppError::from(shape).code(), "data_format");
        struct Broken;
        impl std::io::Write for Broken {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk full"))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let io = serde_json::to_writer(Broken, &1).unwrap_err();
        assert_eq!(AppError::from(io).code(), "io");
    }

    #[test]
    fn a_stored_column_that_is_not_json_is_data_format_not_database() {
        let json = serde_json::from_str::<u32>("{").unwrap_err();
        let column = rusqlite::Error::FromSqlConversionFailure(
            3,
            rusqlite::types::Type::Text,
            Box::new(json),
        );
        assert_eq!(AppError::from(column).code(), "data_format");
        assert_eq!(
            AppError::from(rusqlite::Error::InvalidQuery).code(),
            "database"
        );
    }

    #[test]
    fn refused_characters_are_described_in_words() {
        for (c, words) in [
            ('\0', "a NUL character (U+0000)"),
            ('\u{7}', "a control character (U+0007)"),
            ('\u{2067}', "a text-direction control character (U+2067)"),
            ('\u{200B}', "an invisible zero-width character (U+200B)"),
            ('\u{2028}', "a line break (U+2028)"),
            ('\u{E0041}', "an invisible formatting character (U+E0041)"),
        ] {
            assert_eq!(character_description(c), words);
        }
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
