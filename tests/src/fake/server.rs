//! Starting and stopping the fake. The server runs on its own thread with its own tokio
//! runtime, so the same handle serves async tests, sync end-to-end tests and the binary,
//! and a test's runtime never has to drive the server.

use super::faults::Faults;
use super::log::{RecordedRequest, RequestLog};
use super::pipeline::{handle, Shared};
use super::scenario::Scenario;
use axum::Router;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::sync::oneshot;

/// A running fake Toggl on 127.0.0.1. Dropping it stops the server.
pub struct FakeToggl {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl FakeToggl {
    /// Starts on a free loopback port. Async for symmetry with the rest of the tests;
    /// the port is bound before this returns, so the URL is usable at once.
    pub async fn start(scenario: Scenario) -> FakeToggl {
        Self::start_in_thread(scenario)
    }

    /// The same, callable from sync code (end-to-end tests that drive the app).
    pub fn start_in_thread(scenario: Scenario) -> FakeToggl {
        Self::start_on_port(scenario, 0).expect("a free loopback port")
    }

    /// Starts on the given port (0 = any free one), as the `--demo` binary does.
    pub fn start_on_port(scenario: Scenario, port: u16) -> std::io::Result<FakeToggl> {
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        let addr = listener.local_addr()?;
        let mut fake = FakeToggl {
            addr,
            shared: Arc::new(Shared::new(scenario)),
            shutdown: None,
            thread: None,
        };
        fake.launch(listener)?;
        Ok(fake)
    }

    fn launch(&mut self, listener: TcpListener) -> std::io::Result<()> {
        listener.set_nonblocking(true)?;
        let (shutdown, stopped) = oneshot::channel::<()>();
        let app = Router::new()
            .fallback(handle)
            .with_state(self.shared.clone());
        let thread = std::thread::Builder::new()
            .name(format!("fake-toggl-{}", self.addr.port()))
            .spawn(move || serve(listener, app, stopped))?;
        self.shutdown = Some(shutdown);
        self.thread = Some(thread);
        Ok(())
    }

    /// Listens again on the same port after [`stop`](Self::stop), with the same
    /// scenario, faults, quota counts and request log: the network came back.
    pub fn restart(&mut self) -> std::io::Result<()> {
        if self.thread.is_some() {
            return Ok(());
        }
        let listener = TcpListener::bind(self.addr)?;
        self.launch(listener)
    }

    /// Host root to give the client, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.log.all()
    }

    pub fn request_count(&self) -> usize {
        self.shared.log.len()
    }

    /// The log itself, to clear it between the steps of a test.
    pub fn log(&self) -> &RequestLog {
        &self.shared.log
    }

    pub fn faults(&self) -> &Faults {
        &self.shared.faults
    }

    /// The current token of a scenario user.
    pub fn token_of(&self, user_id: i64) -> String {
        self.shared.scenario().token_of(user_id)
    }

    /// Resets a user's token as Toggl's Profile page does: the old one gets 403 from
    /// now on. Returns the new token.
    pub fn reset_token(&self, user_id: i64) -> Option<String> {
        self.shared.scenario().reset_token(user_id)
    }

    /// The hour of every quota bucket passes now, as if the window had run out: tests
    /// of waiting for the quota need not wait an hour of real time.
    pub fn pass_quota_window(&self) {
        self.shared
            .limiter
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .end_windows();
    }

    /// A copy of the scenario as it is now.
    pub fn scenario(&self) -> Scenario {
        self.shared.scenario().clone()
    }

    /// Changes the scenario while the server runs (e.g. a role taken away).
    pub fn update_scenario(&self, change: impl FnOnce(&mut Scenario)) {
        change(&mut self.shared.scenario());
    }

    /// Stops listening and drops every open connection; the port stays reserved in
    /// `url()`, so the client now meets "connection refused". Safe to call twice.
    pub fn stop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }

    /// Blocks the calling thread until the server stops (the binary's main loop).
    pub fn wait(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for FakeToggl {
    fn drop(&mut self) {
        self.stop();
    }
}

fn serve(listener: TcpListener, app: Router, stopped: oneshot::Receiver<()>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime for the fake");
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
        tokio::select! {
            _ = axum::serve(listener, app) => {}
            _ = stopped => {}
        }
    });
    runtime.shutdown_timeout(Duration::from_millis(200));
}
