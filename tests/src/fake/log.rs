//! Every request the fake received, in order, so tests assert what was sent and how
//! many requests it took.

use std::sync::{Arc, Mutex, MutexGuard};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub body: String,
    /// The user whose token authenticated the request; `None` if no valid token.
    pub user_id: Option<i64>,
    /// Whether an Authorization header was present at all.
    pub had_auth_header: bool,
    /// The User-Agent header, to check the client names itself.
    pub user_agent: Option<String>,
    /// Status answered; `None` while the answer is still pending (e.g. a delay fault).
    pub status: Option<u16>,
}

#[derive(Debug, Clone, Default)]
pub struct RequestLog(Arc<Mutex<Vec<RecordedRequest>>>);

impl RequestLog {
    fn lock(&self) -> MutexGuard<'_, Vec<RecordedRequest>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn push(&self, request: RecordedRequest) -> usize {
        let mut log = self.lock();
        log.push(request);
        log.len() - 1
    }

    pub(crate) fn set_status(&self, index: usize, status: u16) {
        if let Some(r) = self.lock().get_mut(index) {
            r.status = Some(status);
        }
    }

    pub fn all(&self) -> Vec<RecordedRequest> {
        self.lock().clone()
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    pub fn clear(&self) {
        self.lock().clear();
    }
}
