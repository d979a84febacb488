//! Users often paste what they tried into a ticket, token included, or a `curl -v`
//! transcript whose `Authorization: Basic …` header carries it in base64. Both are
//! replaced before the ticket is written.
//!
//! A token is 32 hex characters. Pasted text glues it to other letters ("token" +
//! token, or a trailing word), so any run of 32 to 39 hex characters goes: that is
//! a token with up to 7 hex-looking letters stuck to it. Runs of 40 or more are left,
//! so commit ids and longer hashes stay readable for support; a token glued to more
//! than 7 hex letters is not recognised.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine;

const TOKEN_HEX: usize = 32;
/// The longest hex run still taken for a token with letters glued to it.
const GLUED_HEX_MAX: usize = 39;
/// Base64 of a token and the shortest password after it (`token:x`) is this long.
const MIN_ENCODED_TOKEN: usize = 44;

pub const REDACTED_TOKEN: &str = "<redacted token>";
pub const REDACTED_CREDENTIALS: &str = "<redacted credentials>";

/// `text` with tokens and Basic credentials replaced.
pub fn redact_secrets(text: &str) -> String {
    redact_hex_tokens(&redact_encoded_credentials(text))
}

/// Replaces runs of base64 that are Basic credentials (after the word `Basic`, and
/// decoding to `user:password`) or that decode to text holding a token.
fn redact_encoded_credentials(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(is_base64_char) {
        let (before, run_and_after) = rest.split_at(start);
        let len = run_and_after
            .find(|c: char| !is_base64_char(c))
            .unwrap_or(run_and_after.len());
        let (run, after) = run_and_after.split_at(len);
        out.push_str(before);
        let preceded_by_basic = ends_with_basic_scheme(&text[..text.len() - run_and_after.len()]);
        if is_secret_encoding(run, preceded_by_basic) {
            out.push_str(REDACTED_CREDENTIALS);
        } else {
            out.push_str(run);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

fn is_base64_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')
}

/// True when `before` ends with the HTTP scheme word `Basic` and white space.
fn ends_with_basic_scheme(before: &str) -> bool {
    let word = before.trim_end();
    if word.len() == before.len() || word.len() < 5 {
        return false;
    }
    let (head, scheme) = word.split_at(word.len() - 5);
    scheme.eq_ignore_ascii_case("basic") && !head.ends_with(|c: char| c.is_alphanumeric())
}

fn is_secret_encoding(run: &str, preceded_by_basic: bool) -> bool {
    let Some(decoded) = decode(run) else {
        return false;
    };
    let decoded = String::from_utf8_lossy(&decoded);
    (preceded_by_basic && decoded.contains(':'))
        || (run.len() >= MIN_ENCODED_TOKEN && hex_runs(&decoded).any(is_token_run))
}

fn decode(run: &str) -> Option<Vec<u8>> {
    STANDARD
        .decode(run)
        .or_else(|_| STANDARD_NO_PAD.decode(run.trim_end_matches('=')))
        .ok()
}

/// Replaces every run of 32 to 39 hex characters.
fn redact_hex_tokens(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (start, end) in hex_runs(text).map(|run| span(text, run)) {
        if is_token_run(&text[start..end]) {
            out.push_str(&text[last..start]);
            out.push_str(REDACTED_TOKEN);
            last = end;
        }
    }
    out.push_str(&text[last..]);
    out
}

fn is_token_run(run: &str) -> bool {
    (TOKEN_HEX..=GLUED_HEX_MAX).contains(&run.len())
}

/// Maximal runs of ASCII hex digits in `text`, as sub-slices of it.
fn hex_runs(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_ascii_hexdigit())
        .filter(|run| !run.is_empty())
}

/// Byte range of `run`, a sub-slice of `text`.
fn span(text: &str, run: &str) -> (usize, usize) {
    let start = run.as_ptr() as usize - text.as_ptr() as usize;
    (start, start + run.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "0123456789abcdef0123456789ABCDEF";

    #[test]
    fn a_pasted_token_is_redacted_but_other_words_and_longer_hashes_are_kept() {
        let commit = "0123456789abcdef0123456789abcdef01234567";
        let text = redact_secrets(&format!("tried {TOKEN}, then\n{commit} café"));
        assert_eq!(text, format!("tried <redacted token>, then\n{commit} café"));
    }

    #[test]
    fn a_token_glued_to_other_letters_is_redacted() {
        for (pasted, expected) in [
            (format!("token{TOKEN}"), "token<redacted token>".to_string()),
            (
                format!("api_token={TOKEN}xyz"),
                "api_token=<redacted token>xyz".into(),
            ),
            (format!("Ünïcode{TOKEN}ß"), "Ünïco<redacted token>ß".into()),
            (format!("code{TOKEN}"), "co<redacted token>".into()),
            (
                format!("{TOKEN}:api_token"),
                "<redacted token>:api_token".into(),
            ),
        ] {
            let redacted = redact_secrets(&pasted);
            assert_eq!(redacted, expected);
            assert!(!redacted.contains(&TOKEN[..16]));
        }
    }

    #[test]
    fn a_basic_authorization_header_from_curl_is_redacted() {
        let encoded = STANDARD.encode(format!("{TOKEN}:api_token"));
        let transcript = format!(
            "> GET /api/v9/me HTTP/1.1\r\n> Host: api.track.toggl.com\r\n> Authorization: Basic {encoded}\r\n> User-Agent: curl/8.5.0\r\n"
        );
        let redacted = redact_secrets(&transcript);
        assert!(!redacted.contains(&encoded));
        assert!(redacted.contains("> Authorization: Basic <redacted credentials>\r\n"));
        assert_eq!(
            redacted,
            transcript.replace(&encoded, REDACTED_CREDENTIALS),
            "nothing else changes"
        );
    }

    #[test]
    fn base64_holding_a_token_is_redacted_without_the_basic_word() {
        let encoded = STANDARD_NO_PAD.encode(format!("{TOKEN}:api_token"));
        assert_eq!(
            redact_secrets(&format!("header was {encoded} I think")),
            "header was <redacted credentials> I think"
        );
    }

    #[test]
    fn basic_credentials_of_an_email_and_password_are_redacted_too() {
        let encoded = STANDARD.encode("me@example.com:hunter22");
        assert_eq!(
            redact_secrets(&format!("authorization: basic {encoded}")),
            "authorization: basic <redacted credentials>"
        );
    }

    #[test]
    fn the_word_basic_in_prose_keeps_what_follows() {
        for prose in [
            "I am on the Basic plan and Basic features work",
            "Basic auth failed, see https://example.com/docs/api",
            "Basic 12345678 is not base64 of a user and password",
        ] {
            assert_eq!(redact_secrets(prose), prose);
        }
    }
}
