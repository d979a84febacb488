//! What a Toggl status code means for the caller: done, try again, or a typed error.
//! Kept apart from the transport so the mapping can be tested without a server.
//!
//! Toggl's 403 means two things: on the user-level paths (`/me*`) the token was refused;
//! on a workspace, organization or report path the account lost access *there* while
//! the token still works. Other 4xx answers carry a readable sentence, which is kept
//! (bounded, with anything token-shaped removed) so the user sees Toggl's own words.

use super::quota::{
    body_mentions_hourly_limit, clamp_wait_secs, reset_seconds_from_body, resets_in_from_headers,
    Quota,
};
use crate::error::AppError;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::StatusCode;
use std::time::Duration;

/// When neither headers nor body say when the quota resets, assume the whole window.
const QUOTA_WINDOW_SECS: u64 = 3600;
/// The longest piece of Toggl's own message kept for the user and the log.
const MAX_MESSAGE_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    Success,
    /// 429: back off, honouring `Retry-After` when Toggl sends one.
    SlowDown {
        retry_after: Option<Duration>,
    },
    /// 5xx: Toggl asks for a random delay, then a retry.
    ServerError,
    Fail(AppError),
}

/// Classifies one answer. `bucket` is what the client last learned about the quota
/// bucket this path draws from, so a 402 without quota details is still recognised as
/// the quota when that bucket had nothing left.
pub(crate) fn classify(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    path: &str,
    bucket: Option<Quota>,
) -> Verdict {
    match status.as_u16() {
        200..=299 => Verdict::Success,
        401 => Verdict::Fail(AppError::TokenRejected),
        403 => Verdict::Fail(classify_403(body, path)),
        402 => Verdict::Fail(classify_402(headers, body, bucket)),
        429 => Verdict::SlowDown {
            retry_after: retry_after(headers),
        },
        500..=599 => Verdict::ServerError,
        code @ 400..=499 => Verdict::Fail(AppError::TogglRefused {
            status: code,
            path: path.to_string(),
            toggl_says: toggl_message(body),
        }),
        _ => Verdict::Fail(AppError::UnexpectedResponse {
            path: path.to_string(),
        }),
    }
}

/// What a path reads: the user's own data (`/api/v9/me` and below, the user-level quota
/// bucket and where a 403 means the token was refused), a workspace or an organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum PathScope {
    User,
    Workspace(i64),
    Organization(i64),
    Other,
}

pub(crate) fn path_scope(path: &str) -> PathScope {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let id = |raw: &str| raw.parse::<i64>().ok();
    match segments.as_slice() {
        ["api", "v9", "me", ..] => PathScope::User,
        ["api", "v9", "workspaces", wid, ..] | ["reports", "api", "v3", "workspace", wid, ..] => {
            id(wid).map_or(PathScope::Other, PathScope::Workspace)
        }
        ["api", "v9", "organizations", oid, ..] => {
            id(oid).map_or(PathScope::Other, PathScope::Organization)
        }
        _ => PathScope::Other,
    }
}

/// 403 on `/me*` is a refused token. Elsewhere it is lost access to that workspace or
/// organization, unless the body plainly says the credentials were wrong (the wording of
/// Toggl's bad-token 403 is unconfirmed; the caller re-checks access either way).
fn classify_403(body: &[u8], path: &str) -> AppError {
    let toggl_says = toggl_message(body);
    let reads_like_bad_credentials = toggl_says.as_deref().is_some_and(|t| {
        let lower = t.to_ascii_lowercase();
        lower.contains("incorrect username") || lower.contains("password")
    });
    let scope = match path_scope(path) {
        PathScope::User => return AppError::TokenRejected,
        _ if reads_like_bad_credentials => return AppError::TokenRejected,
        PathScope::Workspace(id) => format!("workspace {id}"),
        PathScope::Organization(id) => format!("organization {id}"),
        PathScope::Other => "this Toggl data".to_string(),
    };
    AppError::AccessChanged { scope, toggl_says }
}

/// 402 means two things at Toggl: the hourly quota is used up, or the plan lacks a
/// feature. The quota case shows in the headers (nothing remaining, or a reset time with
/// no remaining count), in the body text, or in the client's own bookkeeping (the last
/// answer from this bucket left nothing); only when none of them says so is it the plan.
fn classify_402(headers: &HeaderMap, body: &[u8], bucket: Option<Quota>) -> AppError {
    let text = String::from_utf8_lossy(body);
    let quota = Quota::from_headers(headers);
    let header_reset = resets_in_from_headers(headers);
    let by_headers = match quota {
        Some(q) => q.is_exhausted(),
        None => header_reset.is_some(),
    };
    let by_bookkeeping = quota.is_none() && bucket.is_some_and(|q| q.is_exhausted());
    if by_headers || by_bookkeeping || body_mentions_hourly_limit(&text) {
        let resets_in_secs = header_reset
            .or_else(|| reset_seconds_from_body(&text))
            .or_else(|| bucket.and_then(|q| q.resets_in_secs))
            .unwrap_or(QUOTA_WINDOW_SECS);
        AppError::QuotaExhausted { resets_in_secs }
    } else {
        tracing::info!(toggl_says = ?toggl_message(body), "toggl: paid feature needed");
        AppError::PaidFeatureRequired
    }
}

/// `Retry-After` in seconds, clamped; the HTTP-date form is not used by Toggl and is ignored.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let raw = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let secs = clamp_wait_secs(raw)?;
    Some(Duration::from_secs(secs))
}

/// Toggl's readable sentence from an error body: a JSON string (Toggl's usual form), a
/// JSON object's `message`/`error`, or plain text. HTML pages (nginx's 429) give none.
/// Control characters go, anything shaped like a token (32 or more hex digits) is
/// replaced, and the text is cut at [`MAX_MESSAGE_CHARS`].
pub(crate) fn toggl_message(body: &[u8]) -> Option<String> {
    let raw = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Object(map)) => ["message", "error", "error_message"]
            .iter()
            .find_map(|k| map.get(*k).and_then(|v| v.as_str()).map(str::to_string))?,
        Ok(_) => return None,
        Err(_) => {
            let text = String::from_utf8_lossy(&body[..body.len().min(4 * MAX_MESSAGE_CHARS)]);
            if text.trim_start().starts_with('<') {
                return None;
            }
            text.into_owned()
        }
    };
    let cleaned = redact_hex_runs(&raw)
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let joined = words.join(" ");
    if joined.is_empty() {
        return None;
    }
    Some(match joined.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}…", &joined[..cut]),
        None => joined,
    })
}

fn redact_hex_runs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= 32 {
            out.push_str("<redacted>");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_hexdigit() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// The earliest start date Toggl still serves on `/me/time_entries`, read from its 400
/// "start_date must not be earlier than <date>" (the limit itself is not documented).
pub fn own_entries_earliest_date(error: &AppError) -> Option<chrono::NaiveDate> {
    let AppError::TogglRefused {
        status: 400,
        toggl_says: Some(text),
        ..
    } = error
    else {
        return None;
    };
    let lower = text.to_ascii_lowercase();
    let marker = "must not be earlier than";
    let after = text[lower.find(marker)? + marker.len()..].trim_start();
    let date: String = after.chars().take(10).collect();
    chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    fn status(code: u16) -> StatusCode {
        StatusCode::from_u16(code).unwrap()
    }

    fn verdict(code: u16, h: &HeaderMap, body: &[u8], path: &str) -> Verdict {
        classify(status(code), h, body, path, None)
    }

    #[test]
    fn quota_402_takes_the_reset_time_from_the_header() {
        let h = headers(&[
            ("x-toggl-quota-remaining", "0"),
            ("x-toggl-quota-resets-in", "77"),
        ]);
        assert_eq!(
            verdict(402, &h, b"whatever", "/api/v9/me"),
            Verdict::Fail(AppError::QuotaExhausted { resets_in_secs: 77 })
        );
    }

    #[test]
    fn quota_402_without_headers_reads_the_body() {
        let body =
            b"You have hit your hourly limit for API calls. The quota will reset in 133 seconds.";
        assert_eq!(
            verdict(402, &HeaderMap::new(), body, "/api/v9/me"),
            Verdict::Fail(AppError::QuotaExhausted {
                resets_in_secs: 133
            })
        );
    }

    #[test]
    fn plain_402_with_quota_left_means_a_paid_feature() {
        let h = headers(&[
            ("x-toggl-quota-remaining", "12"),
            ("x-toggl-quota-resets-in", "77"),
        ]);
        let body = b"\"Workspace needs to have this feature enabled\"";
        assert_eq!(
            verdict(402, &h, body, "/x"),
            Verdict::Fail(AppError::PaidFeatureRequired)
        );
        assert_eq!(
            verdict(402, &HeaderMap::new(), body, "/x"),
            Verdict::Fail(AppError::PaidFeatureRequired)
        );
    }

    #[test]
    fn a_bare_402_from_a_bucket_known_to_be_empty_is_the_quota_not_the_plan() {
        let empty = Quota {
            remaining: 0,
            resets_in_secs: Some(600),
        };
        let body = b"\"Too many requests\"";
        assert_eq!(
            classify(status(402), &HeaderMap::new(), body, "/x", Some(empty)),
            Verdict::Fail(AppError::QuotaExhausted {
                resets_in_secs: 600
            })
        );
        let left = Quota {
            remaining: 5,
            ..empty
        };
        assert_eq!(
            classify(status(402), &HeaderMap::new(), body, "/x", Some(left)),
            Verdict::Fail(AppError::PaidFeatureRequired)
        );
    }

    #[test]
    fn absurd_reset_and_retry_times_are_clamped_not_overflowed() {
        let h = headers(&[
            ("x-toggl-quota-remaining", "0"),
            ("x-toggl-quota-resets-in", "18446744073709551615999"),
        ]);
        let Verdict::Fail(AppError::QuotaExhausted { resets_in_secs }) =
            verdict(402, &h, b"", "/api/v9/me")
        else {
            panic!("a quota 402")
        };
        assert_eq!(resets_in_secs, super::super::quota::MAX_WAIT_SECS);
        let body = b"The quota will reset in 99999999999999999999999999 seconds.";
        assert_eq!(
            verdict(402, &HeaderMap::new(), body, "/api/v9/me"),
            Verdict::Fail(AppError::QuotaExhausted {
                resets_in_secs: super::super::quota::MAX_WAIT_SECS
            })
        );
        let h = headers(&[("retry-after", "99999999999999999999")]);
        assert_eq!(
            verdict(429, &h, b"", "/x"),
            Verdict::SlowDown {
                retry_after: Some(Duration::from_secs(super::super::quota::MAX_WAIT_SECS))
            }
        );
    }

    #[test]
    fn a_403_on_me_is_a_refused_token_elsewhere_lost_access_to_that_place() {
        let none = HeaderMap::new();
        assert_eq!(
            verdict(401, &none, b"", "/api/v9/workspaces/5/users"),
            Verdict::Fail(AppError::TokenRejected)
        );
        assert_eq!(
            verdict(403, &none, b"", "/api/v9/me"),
            Verdict::Fail(AppError::TokenRejected)
        );
        assert_eq!(
            verdict(403, &none, b"", "/api/v9/me/organizations"),
            Verdict::Fail(AppError::TokenRejected)
        );
        assert_eq!(
            verdict(
                403,
                &none,
                b"\"Workspace not found/accessible\"",
                "/reports/api/v3/workspace/7701/search/time_entries"
            ),
            Verdict::Fail(AppError::AccessChanged {
                scope: "workspace 7701".into(),
                toggl_says: Some("Workspace not found/accessible".into()),
            })
        );
        assert_eq!(
            verdict(
                403,
                &none,
                b"\"User does not have access to this resource.\"",
                "/api/v9/workspaces/7702/users"
            ),
            Verdict::Fail(AppError::AccessChanged {
                scope: "workspace 7702".into(),
                toggl_says: Some("User does not have access to this resource.".into()),
            })
        );
        assert_eq!(
            verdict(
                403,
                &none,
                b"\"User is not authorized to list the organization users\"",
                "/api/v9/organizations/88/users"
            ),
            Verdict::Fail(AppError::AccessChanged {
                scope: "organization 88".into(),
                toggl_says: Some("User is not authorized to list the organization users".into()),
            })
        );
        assert_eq!(
            verdict(
                403,
                &none,
                b"\"Incorrect username and/or password\"",
                "/api/v9/workspaces/7702/clients"
            ),
            Verdict::Fail(AppError::TokenRejected)
        );
    }

    #[test]
    fn other_4xx_keep_toggls_sentence_and_3xx_is_unexpected() {
        let none = HeaderMap::new();
        assert_eq!(
            verdict(
                409,
                &none,
                b"\"Entry was already stopped\"",
                "/api/v9/workspaces/1/time_entries/2/stop"
            ),
            Verdict::Fail(AppError::TogglRefused {
                status: 409,
                path: "/api/v9/workspaces/1/time_entries/2/stop".into(),
                toggl_says: Some("Entry was already stopped".into()),
            })
        );
        assert_eq!(
            verdict(404, &none, b"", "/api/v9/x"),
            Verdict::Fail(AppError::TogglRefused {
                status: 404,
                path: "/api/v9/x".into(),
                toggl_says: None,
            })
        );
        assert_eq!(
            verdict(
                307,
                &headers(&[("location", "http://elsewhere")]),
                b"",
                "/api/v9/me"
            ),
            Verdict::Fail(AppError::UnexpectedResponse {
                path: "/api/v9/me".into()
            })
        );
        assert_eq!(
            verdict(429, &headers(&[("retry-after", "3")]), b"<html>", "/x"),
            Verdict::SlowDown {
                retry_after: Some(Duration::from_secs(3))
            }
        );
        assert_eq!(verdict(503, &none, b"", "/x"), Verdict::ServerError);
    }

    #[test]
    fn toggls_words_are_bounded_and_never_carry_a_token() {
        let token = "0123456789abcdef0123456789abcdef";
        let body =
            serde_json::to_vec(&format!("bad token {token}\u{7}\n{}", "x".repeat(500))).unwrap();
        let text = toggl_message(&body).unwrap();
        assert!(!text.contains(token), "{text}");
        assert!(text.starts_with("bad token <redacted> x"), "{text}");
        assert_eq!(text.chars().count(), MAX_MESSAGE_CHARS + 1);
        assert_eq!(toggl_message(b"<html><title>429</title></html>"), None);
        assert_eq!(
            toggl_message(br#"{"message":"Invalid 'start_date'"}"#).as_deref(),
            Some("Invalid 'start_date'")
        );
        assert_eq!(toggl_message(b""), None);
        assert_eq!(
            toggl_message(b"plain words").as_deref(),
            Some("plain words")
        );
    }

    #[test]
    fn the_lookback_date_is_read_from_toggls_400() {
        let refused = AppError::TogglRefused {
            status: 400,
            path: "/api/v9/me/time_entries".into(),
            toggl_says: Some("start_date must not be earlier than 2031-02-03".into()),
        };
        assert_eq!(
            own_entries_earliest_date(&refused),
            chrono::NaiveDate::from_ymd_opt(2031, 2, 3)
        );
        assert_eq!(own_entries_earliest_date(&AppError::TokenRejected), None);
    }

    #[test]
    fn paths_name_their_scope() {
        assert_eq!(path_scope("/api/v9/me/quota"), PathScope::User);
        assert_eq!(
            path_scope("/api/v9/workspaces/12/tags"),
            PathScope::Workspace(12)
        );
        assert_eq!(
            path_scope("/reports/api/v3/workspace/13/search/time_entries"),
            PathScope::Workspace(13)
        );
        assert_eq!(
            path_scope("/api/v9/organizations/9/users"),
            PathScope::Organization(9)
        );
        assert_eq!(path_scope("/api/v9/meta"), PathScope::Other);
        assert_eq!(path_scope("/api/v9/me"), PathScope::User);
    }
}
