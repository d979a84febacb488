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

/// Collects every tracing event as text, to prove what the client logs.
#[derive(Clone, Default)]
pub(crate) struct CapturedLogs(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl CapturedLogs {
    pub(crate) fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

struct LineVisitor(String);

impl tracing::field::Visit for LineVisitor {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={:?}", field.name(), value));
    }
}

impl tracing::Subscriber for CapturedLogs {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut line = LineVisitor(event.metadata().target().to_string());
        event.record(&mut line);
        self.0.lock().unwrap().push(line.0);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}
