//! Export of connection definitions, where privacy has its real effect: connections
//! Shared with Workspace and Shared with Team are exported so teammates can see what
//! exists; Private to Me ones never leave the machine. A definition carries the name,
//! privacy, Toggl identity and scope (the workspaces and their organizations, names and
//! ids) only: tokens live in the credential store and are never read here.

use crate::db::{connections as rows, scope, Db};
use crate::domain::{Privacy, Verdict};
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::io::Write;

pub const FORMAT: &str = "blink-connections/definitions";
pub const VERSION: u32 = 1;

/// The Toggl account a connection was made with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TogglIdentity {
    pub user_id: i64,
    pub email: String,
    pub fullname: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionDefinition {
    pub name: String,
    pub source: String,
    pub privacy: Privacy,
    pub toggl: TogglIdentity,
    /// The role check's verdict when the connection was last checked.
    pub verdict: Verdict,
    pub last_verified_at: Option<DateTime<Utc>>,
    /// The workspaces the connection is for.
    pub scope: Vec<ScopeDefinition>,
}

/// One workspace of a connection's scope, with its organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeDefinition {
    pub workspace_id: i64,
    pub workspace_name: String,
    pub organization_id: Option<i64>,
    pub organization_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefinitionsFile {
    pub format: String,
    pub version: u32,
    pub exported_at: DateTime<Utc>,
    pub connections: Vec<ConnectionDefinition>,
}

/// The shareable definitions, by name: every ready connection except Private to Me.
pub fn connection_definitions(db: &Db) -> AppResult<DefinitionsFile> {
    let saved = db.with(|c| {
        rows::list_ready(c)?
            .into_iter()
            .map(|row| Ok((scope::list(c, row.id)?, row)))
            .collect::<AppResult<Vec<_>>>()
    })?;
    let mut connections = Vec::new();
    for (in_scope, row) in saved {
        let privacy = row.privacy;
        if privacy == Privacy::PrivateToMe {
            continue;
        }
        connections.push(ConnectionDefinition {
            name: row.name,
            source: row.source,
            privacy,
            toggl: TogglIdentity {
                user_id: row.access.user.id,
                email: row.access.user.email,
                fullname: row.access.user.fullname,
            },
            verdict: row.access.verdict,
            last_verified_at: row.last_verified_at,
            scope: in_scope
                .into_iter()
                .map(|w| ScopeDefinition {
                    workspace_id: w.workspace_id,
                    workspace_name: w.workspace_name,
                    organization_id: w.organization_id,
                    organization_name: w.organization_name,
                })
                .collect(),
        });
    }
    Ok(DefinitionsFile {
        format: FORMAT.into(),
        version: VERSION,
        exported_at: Utc::now(),
        connections,
    })
}

/// Writes the definitions as pretty JSON; returns how many connections were written.
pub fn export_connection_definitions(db: &Db, writer: &mut dyn Write) -> AppResult<usize> {
    let file = connection_definitions(db)?;
    serde_json::to_writer_pretty(&mut *writer, &file)?;
    writer.write_all(b"\n")?;
    writer.flush()?;
    Ok(file.connections.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connections::{CheckedToken, ConnectionService, NewConnection};
    use crate::domain::{AccessReport, OrganizationAccess, TogglUser, WorkspaceAccess};
    use crate::secrets::MemoryStore;
    use crate::token::ApiToken;
    use std::sync::Arc;

    fn access() -> AccessReport {
        AccessReport {
            user: TogglUser {
                id: 42,
                fullname: "Olivia Owner".into(),
                email: "olivia@example.test".into(),
                timezone: None,
            },
            organizations: vec![OrganizationAccess {
                id: 1,
                name: "Acme".into(),
                owner: true,
                admin: true,
            }],
            workspaces: vec![WorkspaceAccess {
                id: 10,
                name: "Acme WS".into(),
                organization_id: Some(1),
                role: "admin".into(),
            }],
            verdict: Verdict::OrganizationOwner {
                organizations: vec!["Acme".into()],
            },
            checked_at: Utc::now(),
            beginning_of_week: 1,
        }
    }

    #[test]
    fn shared_connections_are_exported_private_ones_and_tokens_never() {
        let db = Arc::new(Db::open_in_memory().unwrap());
        let service = ConnectionService::new(db.clone(), Arc::new(MemoryStore::new()));
        let tokens = [
            "0123456789abcdef0123456789abcdef",
            "fedcba9876543210fedcba9876543210",
            "00112233445566778899aabbccddeeff",
        ];
        let privacies = [
            ("Workspace one", Privacy::SharedWithWorkspace),
            ("Secret one", Privacy::PrivateToMe),
            (
                "Team one",
                Privacy::SharedWithTeam {
                    team: "Design".into(),
                },
            ),
        ];
        for ((name, privacy), token) in privacies.into_iter().zip(tokens) {
            let checked = CheckedToken::for_tests(ApiToken::parse(token).unwrap(), access());
            let new = NewConnection {
                name: name.into(),
                privacy,
                request_id: format!("req-{name}"),
                workspace_ids: None,
            };
            service.create(&checked, new).unwrap();
        }
        let mut out = Vec::new();
        assert_eq!(export_connection_definitions(&db, &mut out).unwrap(), 2);
        let text = String::from_utf8(out).unwrap();
        for token in tokens {
            assert!(!text.contains(token), "a token was exported");
            assert!(
                !text.contains(&token[28..]),
                "a token's last four were exported"
            );
        }
        assert!(!text.contains("Secret one"));
        assert!(!text.to_lowercase().contains("token"));
        let file: DefinitionsFile = serde_json::from_str(&text).unwrap();
        assert_eq!(file.format, FORMAT);
        let names: Vec<_> = file.connections.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Team one", "Workspace one"]);
        assert_eq!(
            file.connections[0].privacy,
            Privacy::SharedWithTeam {
                team: "Design".into()
            }
        );
        assert_eq!(file.connections[1].toggl.email, "olivia@example.test");
        assert_eq!(file.connections[1].toggl.fullname, "Olivia Owner");
        assert!(file.connections[1].verdict.is_allowed());
        assert_eq!(
            file.connections[1].scope,
            [ScopeDefinition {
                workspace_id: 10,
                workspace_name: "Acme WS".into(),
                organization_id: Some(1),
                organization_name: Some("Acme".into()),
            }]
        );
    }
}
