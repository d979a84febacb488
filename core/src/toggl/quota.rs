//! Toggl's hourly quota as the client sees it. Toggl reports what is left in response
//! headers and, when it runs out, answers 402 with a sentence naming the seconds until
//! the sliding window resets; both forms are read here so callers can plan pulls.

use reqwest::header::HeaderMap;
use serde::Serialize;

pub const REMAINING_HEADER: &str = "x-toggl-quota-remaining";
pub const RESETS_IN_HEADER: &str = "x-toggl-quota-resets-in";
/// The longest wait the client believes from Toggl (a day): the window is an hour, and a
/// larger number is a fault that must not overflow time arithmetic downstream.
pub const MAX_WAIT_SECS: u64 = 86_400;

/// User-level requests a pull leaves in the bucket: what checking a token costs
/// (`/me` with its related data and `/me/organizations`) and one to spare, so the user
/// can still check or replace a token while a pull waits for the quota.
pub const TOKEN_CHECK_RESERVE: i64 = 3;

/// Toggl's separate hourly buckets: user-level calls (`/me*`) and one per organization.
/// A workspace path draws from its organization's bucket; until the client has learned
/// which organization that is, it is kept under the workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Bucket {
    User,
    Organization(i64),
    Workspace(i64),
}

/// The quota bucket of the latest response that carried quota headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Quota {
    /// Requests left in the window; Toggl may report zero or a negative number.
    pub remaining: i64,
    /// Seconds until the window resets, when Toggl said so.
    pub resets_in_secs: Option<u64>,
}

impl Quota {
    /// Reads the quota headers. `None` when `X-Toggl-Quota-Remaining` is absent or not a
    /// number: Toggl does not promise the headers on every response.
    pub fn from_headers(headers: &HeaderMap) -> Option<Quota> {
        let remaining = header_number::<i64>(headers, REMAINING_HEADER)?;
        Some(Quota {
            remaining,
            resets_in_secs: resets_in_from_headers(headers),
        })
    }

    pub fn is_exhausted(&self) -> bool {
        self.remaining <= 0
    }
}

pub fn resets_in_from_headers(headers: &HeaderMap) -> Option<u64> {
    clamp_wait_secs(headers.get(RESETS_IN_HEADER)?.to_str().ok()?)
}

/// A number of seconds as Toggl wrote it, at most [`MAX_WAIT_SECS`]: all digits, or `None`.
/// Too many digits for any integer type still means "very long", so it clamps too.
pub fn clamp_wait_secs(raw: &str) -> Option<u64> {
    let digits = raw.trim();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(
        digits
            .parse::<u64>()
            .map_or(MAX_WAIT_SECS, |n| n.min(MAX_WAIT_SECS)),
    )
}

fn header_number<T: std::str::FromStr>(headers: &HeaderMap, name: &str) -> Option<T> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// Whether a 402 body reads like the hourly-limit message rather than a plan feature
/// refusal. The wording is not documented, so only its gist is matched.
pub fn body_mentions_hourly_limit(body: &str) -> bool {
    let lower = body.to_ascii_lowercase();
    lower.contains("hourly limit") || lower.contains("quota")
}

/// Finds N in "... reset in N seconds" anywhere in the body, in any casing.
pub fn reset_seconds_from_body(body: &str) -> Option<u64> {
    let lower = body.to_ascii_lowercase();
    let after = &lower[lower.find("reset in")? + "reset in".len()..];
    let digits: String = after
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    clamp_wait_secs(&digits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn reads_remaining_and_reset_from_headers() {
        let mut headers = HeaderMap::new();
        headers.insert(REMAINING_HEADER, HeaderValue::from_static("0"));
        headers.insert(RESETS_IN_HEADER, HeaderValue::from_static("133"));
        let quota = Quota::from_headers(&headers).unwrap();
        assert_eq!(quota.remaining, 0);
        assert_eq!(quota.resets_in_secs, Some(133));
        assert!(quota.is_exhausted());
    }

    #[test]
    fn no_quota_without_the_remaining_header() {
        let mut headers = HeaderMap::new();
        headers.insert(RESETS_IN_HEADER, HeaderValue::from_static("10"));
        assert_eq!(Quota::from_headers(&headers), None);
    }

    #[test]
    fn finds_the_seconds_in_both_known_wordings() {
        assert_eq!(
            reset_seconds_from_body("You have hit your hourly limit for API calls. The quota will reset in 133 seconds."),
            Some(133)
        );
        assert_eq!(
            reset_seconds_from_body("\"... Your quota will reset in 1838 seconds.\""),
            Some(1838)
        );
        assert_eq!(reset_seconds_from_body("reset in soon"), None);
    }
}
