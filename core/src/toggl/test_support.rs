//! Shared by the tests of this module: a client tuned for a local fake server, with
//! pacing and backoff short enough that retries cost milliseconds.

use super::client::TogglClient;
use crate::token::ApiToken;
use std::time::Duration;

pub(crate) fn fast_client(url: &str) -> TogglClient {
    TogglClient::builder()
        .base_url(url)
        .min_interval(Duration::from_millis(1))
        .backoff_base(Duration::from_millis(2))
        .max_backoff(Duration::from_millis(20))
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client")
}

pub(crate) fn token(raw: &str) -> ApiToken {
    ApiToken::parse(raw).expect("a well-formed token")
}
