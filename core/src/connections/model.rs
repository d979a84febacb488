//! The shapes the connection service takes and returns. None of them holds a token:
//! a new connection's token comes as a [`CheckedToken`](super::CheckedToken).

use crate::db::scope::PulledRows;
use crate::domain::{AccessReport, Privacy, Verdict, WorkspaceStanding};
use crate::error::{AppResult, InputField};
use crate::names::clean_name;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const SOURCE_TOGGL: &str = "toggl";

/// `Privacy` is a neutral record (see `domain`); checking what the user typed into it
/// stays with the other input rules here.
impl Privacy {
    /// The team name cleaned by the name rule ([`crate::names`]); other kinds pass unchanged.
    pub fn normalized(self) -> AppResult<Privacy> {
        match self {
            Privacy::SharedWithTeam { team } => Ok(Privacy::SharedWithTeam {
                team: clean_name(&team, InputField::Team)?,
            }),
            other => Ok(other),
        }
    }
}

/// A connection name: NFC, trimmed, 1 to 100 visible characters (see [`crate::names`]).
pub fn normalize_name(name: &str) -> AppResult<String> {
    clean_name(name, InputField::Name)
}

/// What "Save" hands over, beside the token that passed the role check.
#[derive(Debug)]
pub struct NewConnection {
    pub name: String,
    pub privacy: Privacy,
    /// Idempotency key made by the UI once per form: a double submit with the same key
    /// returns the connection the first one created.
    pub request_id: String,
    /// The workspaces the connection is for; `None` takes every qualifying one. Each
    /// must qualify under the role rule.
    pub workspace_ids: Option<Vec<i64>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenState {
    Present,
    /// Gone from the credential store (deleted by hand, say): "enter it again".
    Missing,
    /// The credential store could not be read (locked or unavailable) just now.
    Unreadable,
}

/// One row of the Connections page. Built from SQLite only: listing never touches
/// the credential store, so `last_error_code` (e.g. `token_missing` from the last use)
/// is the cheap hint about the token.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConnectionSummary {
    pub id: i64,
    pub source: String,
    pub name: String,
    pub privacy: Privacy,
    pub email: String,
    pub verdict: Verdict,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_verified_at: Option<DateTime<Utc>>,
    pub last_error_code: Option<String>,
    /// How many workspaces the connection is for.
    pub workspaces_in_scope: usize,
    /// Workspaces in scope whose qualifying role was lost at the last check: left out
    /// of pulls until the role is back or the user removes them.
    pub workspaces_lost: Vec<String>,
}

/// One workspace on the detail page: in the connection's scope, seen by the token
/// outside it, or gone from both with pulled rows still stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScopeWorkspace {
    /// The standing found by the last check (a workspace the token no longer sees is
    /// `not_enough`, with the reason).
    #[serde(flatten)]
    pub standing: WorkspaceStanding,
    pub in_scope: bool,
    /// In scope but no longer qualifying: left out of pulls.
    pub lost: bool,
    /// When a check last found it qualifying (in scope only; `None` for a scope carried
    /// over from an older release until the first re-test confirms it).
    pub confirmed_at: Option<DateTime<Utc>>,
    /// What removing it from the connection deletes.
    pub pulled: PulledRows,
}

/// The connection detail page: the summary, the full access snapshot, and the state of
/// the token as read from the credential store (never the token itself).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConnectionDetail {
    #[serde(flatten)]
    pub summary: ConnectionSummary,
    pub access: AccessReport,
    /// Scope first (grouped by organization), then the others.
    pub workspaces: Vec<ScopeWorkspace>,
    pub token_state: TokenState,
    pub token_last4: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;

    #[test]
    fn team_names_are_trimmed_and_bounded() {
        let team = |t: &str| Privacy::SharedWithTeam { team: t.into() }.normalized();
        assert_eq!(
            team("  Ops ").unwrap(),
            Privacy::SharedWithTeam { team: "Ops".into() }
        );
        assert_eq!(
            team("   ").unwrap_err(),
            AppError::text_missing(InputField::Team)
        );
        assert_eq!(team(&"é".repeat(101)).unwrap_err().code(), "invalid_input");
        assert!(team(&"é".repeat(100)).is_ok());
        assert_eq!(
            team("Ops\u{202E}").unwrap_err().field(),
            Some(InputField::Team)
        );
    }

    #[test]
    fn names_are_trimmed_and_between_1_and_100_characters() {
        assert_eq!(normalize_name("  Acme  ").unwrap(), "Acme");
        assert_eq!(
            normalize_name("").unwrap_err(),
            AppError::text_missing(InputField::Name)
        );
        assert_eq!(
            normalize_name(&"a".repeat(101)).unwrap_err().code(),
            "invalid_input"
        );
        assert_eq!(
            normalize_name(&"ü".repeat(100)).unwrap().chars().count(),
            100
        );
    }
}
