//! Token checks in flight and their results. "Finish" checks a pasted token with Toggl;
//! the token and the report wait here, keyed by the page's check id, until "Save" (or a
//! swap) uses them, so the token is not sent from the page twice and the role check is
//! not repeated against Toggl's small hourly quota. A check can be cancelled while it runs.

use blink_core::domain::AccessReport;
use blink_core::{ApiToken, AppError, AppResult};
use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a passed check stays usable: long enough to pick privacy and a name.
const CHECK_LIFETIME: Duration = Duration::from_secs(30 * 60);

struct PassedCheck {
    token: ApiToken,
    report: AccessReport,
    at: Instant,
}

#[derive(Default)]
pub struct Checks {
    passed: Mutex<HashMap<String, PassedCheck>>,
    running: Mutex<HashMap<String, tokio::task::AbortHandle>>,
}

impl Checks {
    /// Runs `check` as its own task that [`Checks::cancel`] can abort; a cancelled check
    /// ends with `Cancelled` and keeps nothing.
    pub async fn run<F>(&self, check_id: &str, token: ApiToken, check: F) -> AppResult<AccessReport>
    where
        F: Future<Output = AppResult<AccessReport>> + Send + 'static,
    {
        let task = tokio::spawn(check);
        self.lock_running()
            .insert(check_id.to_string(), task.abort_handle());
        let outcome = task.await;
        self.lock_running().remove(check_id);
        let report = match outcome {
            Ok(result) => result?,
            Err(e) if e.is_cancelled() => return Err(AppError::Cancelled),
            Err(e) => {
                return Err(AppError::Internal(format!(
                    "the check stopped unexpectedly: {e}"
                )))
            }
        };
        self.forget_expired();
        self.lock_passed().insert(
            check_id.to_string(),
            PassedCheck {
                token,
                report: report.clone(),
                at: Instant::now(),
            },
        );
        Ok(report)
    }

    pub fn cancel(&self, check_id: &str) {
        if let Some(handle) = self.lock_running().remove(check_id) {
            handle.abort();
        }
    }

    /// The token and report of a passed check, still kept for a repeated submit.
    pub fn passed(&self, check_id: &str) -> AppResult<(ApiToken, AccessReport)> {
        self.forget_expired();
        self.lock_passed()
            .get(check_id)
            .map(|c| (c.token.clone(), c.report.clone()))
            .ok_or(AppError::CheckExpired)
    }

    pub fn forget(&self, check_id: &str) {
        self.lock_passed().remove(check_id);
    }

    fn forget_expired(&self) {
        self.lock_passed()
            .retain(|_, c| c.at.elapsed() < CHECK_LIFETIME);
    }

    fn lock_passed(&self) -> std::sync::MutexGuard<'_, HashMap<String, PassedCheck>> {
        self.passed.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn lock_running(&self) -> std::sync::MutexGuard<'_, HashMap<String, tokio::task::AbortHandle>> {
        self.running.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use blink_core::domain::{TogglUser, Verdict};
    use std::sync::Arc;

    fn report() -> AccessReport {
        AccessReport {
            user: TogglUser {
                id: 1,
                fullname: "Ada".into(),
                email: "ada@example.test".into(),
                timezone: None,
            },
            organizations: vec![],
            workspaces: vec![],
            verdict: Verdict::WorkspaceAdmin {
                workspaces: vec!["Main".into()],
            },
            checked_at: chrono::Utc::now(),
        }
    }

    fn token() -> ApiToken {
        ApiToken::parse("0123456789abcdef0123456789abcdef").unwrap()
    }

    #[tokio::test]
    async fn a_passed_check_is_kept_for_a_repeated_submit_until_forgotten() {
        let checks = Checks::default();
        let expected = report();
        let answer = expected.clone();
        let got = checks
            .run("c1", token(), async move { Ok(answer) })
            .await
            .unwrap();
        assert_eq!(got, expected);
        for _ in 0..2 {
            let (kept_token, kept_report) = checks.passed("c1").unwrap();
            assert_eq!(kept_token, token());
            assert_eq!(kept_report, expected);
        }
        checks.forget("c1");
        assert_eq!(checks.passed("c1").unwrap_err(), AppError::CheckExpired);
    }

    #[tokio::test]
    async fn a_failed_check_keeps_nothing() {
        let checks = Checks::default();
        let err = checks
            .run("c2", token(), async { Err(AppError::TokenRejected) })
            .await
            .unwrap_err();
        assert_eq!(err, AppError::TokenRejected);
        assert_eq!(checks.passed("c2").unwrap_err(), AppError::CheckExpired);
    }

    #[tokio::test]
    async fn cancelling_a_running_check_ends_it_as_cancelled_and_keeps_nothing() {
        let checks = Arc::new(Checks::default());
        let started = Arc::new(tokio::sync::Notify::new());
        let signal = Arc::clone(&started);
        let running = {
            let checks = Arc::clone(&checks);
            tokio::spawn(async move {
                checks
                    .run("c3", token(), async move {
                        signal.notify_one();
                        std::future::pending::<AppResult<AccessReport>>().await
                    })
                    .await
            })
        };
        started.notified().await;
        checks.cancel("c3");
        assert_eq!(running.await.unwrap().unwrap_err(), AppError::Cancelled);
        assert_eq!(checks.passed("c3").unwrap_err(), AppError::CheckExpired);
    }
}
