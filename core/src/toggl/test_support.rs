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

/// A loopback server that answers its first connection with `head` (status line and
/// headers, without the blank line) and `body`, for response shapes the fake does not
/// produce. Returns the host root.
pub(crate) fn canned_server(head: &str, body: &str) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    let answer = format!(
        "{head}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut request = [0u8; 8192];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    url
}

/// A DNS resolver that answers the same address for every name.
pub(crate) struct LyingDns(pub std::net::IpAddr);

impl reqwest::dns::Resolve for LyingDns {
    fn resolve(&self, _name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let addr = std::net::SocketAddr::new(self.0, 0);
        Box::pin(async move {
            let addrs: reqwest::dns::Addrs = Box::new(std::iter::once(addr));
            Ok(addrs)
        })
    }
}

pub(crate) fn token(raw: &str) -> ApiToken {
    ApiToken::parse(raw).expect("a well-formed token")
}

/// Every tracing event of the test process as text, tagged with the thread that
/// logged it. Installed once as the global subscriber: a per-test `set_default` raced
/// with other test threads over tracing's global level hint and now and then lost
/// events. Tests run the client on a current-thread runtime, so their own thread's
/// lines are exactly their own events.
#[derive(Clone, Default)]
pub(crate) struct CapturedLogs(
    std::sync::Arc<std::sync::Mutex<Vec<(std::thread::ThreadId, String)>>>,
);

impl CapturedLogs {
    /// Starts capturing (once per process) and returns a view of this thread's lines.
    pub(crate) fn for_this_thread() -> ThreadLogs {
        static GLOBAL: std::sync::OnceLock<CapturedLogs> = std::sync::OnceLock::new();
        let logs = GLOBAL.get_or_init(|| {
            let logs = CapturedLogs::default();
            tracing::subscriber::set_global_default(logs.clone())
                .expect("no other global subscriber in blink-core's tests");
            logs
        });
        let thread = std::thread::current().id();
        let skip = logs
            .0
            .lock()
            .unwrap()
            .iter()
            .filter(|(t, _)| *t == thread)
            .count();
        ThreadLogs {
            logs: logs.clone(),
            thread,
            skip,
        }
    }
}

/// The lines one thread logged since [`CapturedLogs::for_this_thread`].
pub(crate) struct ThreadLogs {
    logs: CapturedLogs,
    thread: std::thread::ThreadId,
    skip: usize,
}

impl ThreadLogs {
    pub(crate) fn lines(&self) -> Vec<String> {
        let all = self.logs.0.lock().unwrap();
        all.iter()
            .filter(|(t, _)| *t == self.thread)
            .skip(self.skip)
            .map(|(_, line)| line.clone())
            .collect()
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
        self.0
            .lock()
            .unwrap()
            .push((std::thread::current().id(), line.0));
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}
