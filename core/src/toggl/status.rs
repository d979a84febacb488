//! What a Toggl status code means for the caller: done, try again, or a typed error.
//! Kept apart from the transport so the mapping can be tested without a server.

use super::quota::{
    body_mentions_hourly_limit, reset_seconds_from_body, resets_in_from_headers, Quota,
};
use crate::error::AppError;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::StatusCode;
use std::time::Duration;

/// When neither headers nor body say when the quota resets, assume the whole window.
const QUOTA_WINDOW_SECS: u64 = 3600;

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

pub(crate) fn classify(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    path: &str,
) -> Verdict {
    match status.as_u16() {
        200..=299 => Verdict::Success,
        401 | 403 => Verdict::Fail(AppError::TokenRejected),
        402 => Verdict::Fail(classify_402(headers, body)),
        429 => Verdict::SlowDown {
            retry_after: retry_after(headers),
        },
        500..=599 => Verdict::ServerError,
        _ => Verdict::Fail(AppError::UnexpectedResponse {
            path: path.to_string(),
        }),
    }
}

/// 402 means two things at Toggl: the hourly quota is used up, or the plan lacks a
/// feature. The quota case shows in the headers (nothing remaining, or a reset time with
/// no remaining count) or in the body text; everything else is the plan.
fn classify_402(headers: &HeaderMap, body: &[u8]) -> AppError {
    let text = String::from_utf8_lossy(body);
    let quota = Quota::from_headers(headers);
    let header_reset = resets_in_from_headers(headers);
    let by_headers = match quota {
        Some(q) => q.is_exhausted(),
        None => header_reset.is_some(),
    };
    if by_headers || body_mentions_hourly_limit(&text) {
        let resets_in_secs = header_reset
            .or_else(|| reset_seconds_from_body(&text))
            .unwrap_or(QUOTA_WINDOW_SECS);
        AppError::QuotaExhausted { resets_in_secs }
    } else {
        AppError::PaidFeatureRequired
    }
}

/// `Retry-After` in seconds; the HTTP-date form is not used by Toggl and is ignored.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let secs: u64 = headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(secs))
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

    #[test]
    fn quota_402_takes_the_reset_time_from_the_header() {
        let h = headers(&[
            ("x-toggl-quota-remaining", "0"),
            ("x-toggl-quota-resets-in", "77"),
        ]);
        assert_eq!(
            classify(status(402), &h, b"whatever", "/api/v9/me"),
            Verdict::Fail(AppError::QuotaExhausted { resets_in_secs: 77 })
        );
    }

    #[test]
    fn quota_402_without_headers_reads_the_body() {
        let body =
            b"You have hit your hourly limit for API calls. The quota will reset in 133 seconds.";
        assert_eq!(
            classify(status(402), &HeaderMap::new(), body, "/api/v9/me"),
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
            classify(status(402), &h, body, "/x"),
            Verdict::Fail(AppError::PaidFeatureRequired)
        );
        assert_eq!(
            classify(status(402), &HeaderMap::new(), body, "/x"),
            Verdict::Fail(AppError::PaidFeatureRequired)
        );
    }

    #[test]
    fn auth_failures_rate_limits_and_server_errors_are_told_apart() {
        let none = HeaderMap::new();
        assert_eq!(
            classify(status(401), &none, b"", "/x"),
            Verdict::Fail(AppError::TokenRejected)
        );
        assert_eq!(
            classify(status(403), &none, b"", "/x"),
            Verdict::Fail(AppError::TokenRejected)
        );
        assert_eq!(
            classify(
                status(429),
                &headers(&[("retry-after", "3")]),
                b"<html>",
                "/x"
            ),
            Verdict::SlowDown {
                retry_after: Some(Duration::from_secs(3))
            }
        );
        assert_eq!(
            classify(status(503), &none, b"", "/x"),
            Verdict::ServerError
        );
        assert_eq!(
            classify(status(404), &none, b"", "/api/v9/x"),
            Verdict::Fail(AppError::UnexpectedResponse {
                path: "/api/v9/x".into()
            })
        );
    }
}
