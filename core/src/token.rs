//! The Toggl API token as its own type, so the compiler keeps it out of logs, JSON and
//! error messages: Debug and Display print `<redacted>` and it has no `Serialize`.
//! Every copy is overwritten with zeros when dropped, so a token the app no longer
//! needs does not linger in freed memory (a core dump or swap would show it).

use crate::error::{AppError, AppResult};
use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// A Toggl API token that passed the format check: 32 hexadecimal characters.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct ApiToken(String);

impl ApiToken {
    /// Accepts the token as pasted: surrounding whitespace is trimmed, anything else
    /// that is not exactly 32 hex characters is refused before any request is made.
    /// Case is kept: Toggl documents tokens as case sensitive.
    pub fn parse(input: &str) -> AppResult<Self> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(AppError::TokenEmpty);
        }
        if trimmed.len() != 32 || !trimmed.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AppError::TokenMalformed);
        }
        let mut owned = String::with_capacity(32);
        owned.push_str(trimmed);
        Ok(ApiToken(owned))
    }

    /// The secret itself. Call sites are few and deliberate: the HTTP auth header,
    /// the credential store, and the explicit Reveal command.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The last four characters, which the UI shows in the masked field.
    pub fn last4(&self) -> String {
        self.0[self.0.len() - 4..].to_string()
    }
}

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "0123456789abcdef0123456789ABCDEF";

    #[test]
    fn trims_whitespace_and_accepts_32_hex() {
        let token = ApiToken::parse(&format!("  {GOOD}\n")).unwrap();
        assert_eq!(token.expose(), GOOD);
        assert_eq!(token.last4(), "CDEF");
    }

    #[test]
    fn refuses_empty_and_blank_input() {
        assert_eq!(ApiToken::parse(""), Err(AppError::TokenEmpty));
        assert_eq!(ApiToken::parse(" \t\n"), Err(AppError::TokenEmpty));
    }

    #[test]
    fn refuses_inner_whitespace_wrong_length_and_non_hex() {
        for bad in [
            "0123456789abcdef 123456789abcdef",
            "0123456789abcdef0123456789abcde",
            "0123456789abcdef0123456789abcdef0",
            "0123456789abcdef0123456789abcdeg",
            "ééééééééééééééééééééééééééééééé",
        ] {
            assert_eq!(ApiToken::parse(bad), Err(AppError::TokenMalformed), "{bad}");
        }
    }

    #[test]
    fn a_dropped_token_is_overwritten_with_zeros() {
        fn zeroized_on_drop<T: ZeroizeOnDrop>(_: &T) {}
        let mut token = ApiToken::parse(GOOD).unwrap();
        zeroized_on_drop(&token);
        token.zeroize();
        assert!(token.expose().bytes().all(|b| b == 0) || token.expose().is_empty());
    }

    #[test]
    fn never_prints_the_secret() {
        let token = ApiToken::parse(GOOD).unwrap();
        assert_eq!(format!("{token:?}"), "<redacted>");
        assert_eq!(format!("{token}"), "<redacted>");
        assert_eq!(format!("{:?}", Some(token)), "Some(<redacted>)");
    }
}
