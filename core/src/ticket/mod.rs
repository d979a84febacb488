//! "Still stuck?" support tickets: what the user tried, expected and got, saved as a
//! plain text file with the facts support needs (app version, OS, recent error codes).
//! The form's text is the user's own; the app adds nothing secret to it.

use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::path::{Path, PathBuf};

mod redact;
pub use redact::redact_secrets;

#[derive(Debug, Clone, Deserialize)]
pub struct TicketForm {
    pub tried: String,
    pub expected: String,
    pub got: String,
}

/// Facts the app adds to every ticket.
#[derive(Debug, Clone)]
pub struct TicketContext {
    pub app_version: String,
    pub os: String,
    pub recent_error_codes: Vec<(DateTime<Utc>, String)>,
}

const MAX_FIELD_CHARS: usize = 10_000;

/// Writes `tickets/ticket-<time>.txt` under `data_dir` and returns its path.
pub fn save_ticket(
    data_dir: &Path,
    form: &TicketForm,
    context: &TicketContext,
    now: DateTime<Utc>,
) -> AppResult<PathBuf> {
    let fields = [
        ("What I tried", &form.tried),
        ("What I expected", &form.expected),
        ("What I got instead", &form.got),
    ];
    if fields.iter().all(|(_, text)| text.trim().is_empty()) {
        return Err(AppError::ticket_empty());
    }
    if let Some((label, _)) = fields
        .iter()
        .find(|(_, text)| text.chars().count() > MAX_FIELD_CHARS)
    {
        return Err(AppError::ticket_box_too_long(label, MAX_FIELD_CHARS));
    }
    let mut text = format!(
        "Blink Connections support ticket\nCreated: {}\nApp version: {}\nOperating system: {}\n\n",
        now.to_rfc3339(),
        context.app_version,
        context.os
    );
    for (label, body) in fields {
        text.push_str(&format!("## {label}\n{}\n\n", redact_secrets(body.trim())));
    }
    text.push_str("## Recent error codes\n");
    if context.recent_error_codes.is_empty() {
        text.push_str("(none)\n");
    }
    for (at, code) in &context.recent_error_codes {
        text.push_str(&format!("{} {code}\n", at.to_rfc3339()));
    }
    let dir = data_dir.join("tickets");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("ticket-{}.txt", now.format("%Y%m%d-%H%M%S%.3f")));
    std::fs::write(&path, text)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> TicketContext {
        TicketContext {
            app_version: "1.2.3".into(),
            os: "linux".into(),
            recent_error_codes: vec![(Utc::now(), "token_rejected".into())],
        }
    }

    #[test]
    fn a_ticket_holds_the_form_the_version_the_os_and_recent_error_codes() {
        let dir = tempfile::tempdir().unwrap();
        let form = TicketForm {
            tried: "Pasted my token".into(),
            expected: "A saved connection".into(),
            got: "An error".into(),
        };
        let path = save_ticket(dir.path(), &form, &context(), Utc::now()).unwrap();
        assert!(path.starts_with(dir.path().join("tickets")));
        let text = std::fs::read_to_string(path).unwrap();
        for needle in [
            "Pasted my token",
            "A saved connection",
            "An error",
            "1.2.3",
            "linux",
            "token_rejected",
        ] {
            assert!(text.contains(needle), "{needle} missing from {text}");
        }
    }

    #[test]
    fn a_ticket_never_holds_a_token_typed_into_the_form() {
        let dir = tempfile::tempdir().unwrap();
        let token = "fedcba9876543210fedcba9876543210";
        let form = TicketForm {
            tried: format!("Pasted {token} into API Token"),
            expected: "Saved".into(),
            got: "Error".into(),
        };
        let path = save_ticket(dir.path(), &form, &context(), Utc::now()).unwrap();
        let written = std::fs::read_to_string(path).unwrap();
        assert!(!written.contains(token));
        assert!(written.contains("Pasted <redacted token> into API Token"));
    }

    #[test]
    fn an_empty_ticket_is_refused_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let form = TicketForm {
            tried: " ".into(),
            expected: String::new(),
            got: "\n".into(),
        };
        let err = save_ticket(dir.path(), &form, &context(), Utc::now()).unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        assert!(!dir.path().join("tickets").exists());
    }
}
