//! HTTP Basic as Toggl reads it: username = the API token, password = `api_token`.

use axum::http::{header::AUTHORIZATION, HeaderMap};
use base64::Engine;

/// What the Authorization header said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Credentials {
    Missing,
    /// A header that is not Basic `<token>:api_token`.
    Invalid,
    Token(String),
}

pub(crate) fn credentials(headers: &HeaderMap) -> Credentials {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Credentials::Missing;
    };
    let decoded = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b64| {
            base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .ok()
        })
        .and_then(|bytes| String::from_utf8(bytes).ok());
    match decoded.as_deref().and_then(|d| d.split_once(':')) {
        Some((token, "api_token")) => Credentials::Token(token.to_string()),
        _ => Credentials::Invalid,
    }
}
