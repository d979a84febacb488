//! Who may see a connection.

use serde::{Deserialize, Serialize};

/// Who may see the connection, as chosen on "Review Team Privacy and Save Connection".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Privacy {
    SharedWithWorkspace,
    PrivateToMe,
    SharedWithTeam { team: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn privacy_serializes_with_a_kind_tag() {
        let team = Privacy::SharedWithTeam {
            team: "Design".into(),
        };
        assert_eq!(
            serde_json::to_value(&team).unwrap(),
            serde_json::json!({"kind": "shared_with_team", "team": "Design"})
        );
        assert_eq!(
            serde_json::to_value(Privacy::PrivateToMe).unwrap(),
            serde_json::json!({"kind": "private_to_me"})
        );
        let parsed: Privacy = serde_json::from_str(r#"{"kind":"shared_with_workspace"}"#).unwrap();
        assert_eq!(parsed, Privacy::SharedWithWorkspace);
    }
}
