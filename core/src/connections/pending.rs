//! Token checks in flight and their results, between the stepper's "Finish" and its
//! "Save" (or a swap's confirmation). A passed check yields a [`CheckedToken`]: the
//! token together with the access report Toggl gave for it. Only the check in this
//! module builds one, so [`ConnectionService::create`] and
//! [`ConnectionService::swap_token`] can only ever store a token that passed the role
//! check, and the token is not sent from the page twice nor checked twice against
//! Toggl's small hourly quota.
//!
//! A passed check is kept only as long as the stepper needs it: it is forgotten once a
//! save or swap used it, when the stepper is cancelled, and after [`CHECK_LIFETIME`].

use super::{normalize_name, ConnectionService, ConnectionSummary, NewConnection};
use crate::domain::AccessReport;
use crate::error::{AppError, AppResult};
use crate::toggl::{check_access, TogglClient};
use crate::token::ApiToken;
use serde::Serialize;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How long a passed check stays usable: long enough to pick privacy and a name.
pub const CHECK_LIFETIME: Duration = Duration::from_secs(30 * 60);

/// A token that passed the role check, with the report of that check. Built only by
/// [`PendingChecks::check`]; prints `<redacted>` for the token like [`ApiToken`].
#[derive(Debug, Clone)]
pub struct CheckedToken {
    token: ApiToken,
    access: AccessReport,
}

impl CheckedToken {
    fn new(token: ApiToken, access: AccessReport) -> Self {
        Self { token, access }
    }

    /// For tests of the services that take a checked token.
    #[cfg(test)]
    pub(crate) fn for_tests(token: ApiToken, access: AccessReport) -> Self {
        Self::new(token, access)
    }

    pub fn token(&self) -> &ApiToken {
        &self.token
    }

    pub fn access(&self) -> &AccessReport {
        &self.access
    }
}

/// What the stepper shows after a passed check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckResult {
    pub check_id: String,
    pub report: AccessReport,
    /// A name the connection can be saved under as it is.
    pub suggested_name: String,
    /// Every workspace the token sees, grouped by organization, with the account's
    /// standing there: the stepper's scope choice.
    pub standings: Vec<crate::domain::WorkspaceStanding>,
}

/// The name offered for a new connection: "Toggl – {organization}" when the workspaces
/// that qualify (the default scope) all belong to one organization, else named after
/// the account (see [`suggested_name`]).
pub fn suggested_name_for(report: &AccessReport) -> String {
    let mut organizations: Vec<String> = report
        .standings()
        .into_iter()
        .filter(|s| s.qualifies)
        .map(|s| s.organization_name)
        .collect();
    organizations.dedup();
    match organizations.as_slice() {
        [one] => {
            let name = format!("Toggl – {one}");
            match normalize_name(&name) {
                Ok(clean) if clean == name => name,
                _ => suggested_name(&report.user.email),
            }
        }
        _ => suggested_name(&report.user.email),
    }
}

/// The name offered after the account: "Toggl – {email}", or a shorter form when
/// that would not be a valid name (too long), so the suggestion can always be saved.
pub fn suggested_name(email: &str) -> String {
    let local = email.split('@').next().unwrap_or_default();
    let shortened: String = local.chars().take(80).collect();
    [
        format!("Toggl – {email}"),
        format!("Toggl – {local}"),
        format!("Toggl – {shortened}…"),
    ]
    .into_iter()
    .find(|name| normalize_name(name).is_ok_and(|n| n == *name))
    .unwrap_or_else(|| "Toggl".to_string())
}

struct Passed {
    checked: CheckedToken,
    at: Instant,
}

/// The checks of the stepper, keyed by the id the page made for one stepper run.
pub struct PendingChecks {
    passed: Mutex<HashMap<String, Passed>>,
    running: Mutex<HashMap<String, tokio::task::AbortHandle>>,
    lifetime: Duration,
}

impl Default for PendingChecks {
    fn default() -> Self {
        Self::with_lifetime(CHECK_LIFETIME)
    }
}

impl PendingChecks {
    fn with_lifetime(lifetime: Duration) -> Self {
        Self {
            passed: Mutex::default(),
            running: Mutex::default(),
            lifetime,
        }
    }

    /// Checks a pasted token with Toggl (format first, with no request; then who it
    /// belongs to and their roles, 2 requests). Only an account with the needed role
    /// passes; the passed check is kept under `check_id` for the following save or swap.
    pub async fn check(
        &self,
        client: &TogglClient,
        check_id: &str,
        pasted: &str,
    ) -> AppResult<CheckResult> {
        let token = ApiToken::parse(pasted)?;
        let (client, probe) = (client.clone(), token.clone());
        let report = self
            .run(check_id, token, async move {
                check_access(&client, &probe).await?.require_allowed()
            })
            .await?;
        Ok(CheckResult {
            check_id: check_id.to_string(),
            suggested_name: suggested_name_for(&report),
            standings: report.standings(),
            report,
        })
    }

    /// Runs `check` as its own task that [`Self::cancel`] can abort; a cancelled check
    /// ends with `Cancelled` and keeps nothing.
    async fn run<F>(&self, check_id: &str, token: ApiToken, check: F) -> AppResult<AccessReport>
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
            Passed {
                checked: CheckedToken::new(token, report.clone()),
                at: Instant::now(),
            },
        );
        Ok(report)
    }

    /// The stepper was cancelled or left: a running check stops, a passed one is forgotten.
    pub fn cancel(&self, check_id: &str) {
        if let Some(handle) = self.lock_running().remove(check_id) {
            handle.abort();
        }
        self.lock_passed().remove(check_id);
    }

    /// Saves a new connection with the token of a passed check. The check is forgotten
    /// once the save succeeded; after a failure (say, the name is taken) it stays for
    /// the corrected retry.
    pub fn save(
        &self,
        service: &ConnectionService,
        check_id: &str,
        new: NewConnection,
    ) -> AppResult<ConnectionSummary> {
        self.spend(check_id, |checked| service.create(checked, new))
    }

    /// Swaps a connection's token for the token of a passed check; forgotten like [`Self::save`].
    pub fn swap(
        &self,
        service: &ConnectionService,
        id: i64,
        check_id: &str,
        confirm_different_account: bool,
    ) -> AppResult<ConnectionSummary> {
        self.spend(check_id, |checked| {
            service.swap_token(id, checked, confirm_different_account)
        })
    }

    fn spend<T>(
        &self,
        check_id: &str,
        use_check: impl FnOnce(&CheckedToken) -> AppResult<T>,
    ) -> AppResult<T> {
        let checked = self.passed(check_id)?;
        let value = use_check(&checked)?;
        self.lock_passed().remove(check_id);
        Ok(value)
    }

    /// A passed check still kept for a repeated submit.
    fn passed(&self, check_id: &str) -> AppResult<CheckedToken> {
        self.forget_expired();
        self.lock_passed()
            .get(check_id)
            .map(|p| p.checked.clone())
            .ok_or(AppError::CheckExpired)
    }

    fn forget_expired(&self) {
        let lifetime = self.lifetime;
        self.lock_passed().retain(|_, p| p.at.elapsed() < lifetime);
    }

    fn lock_passed(&self) -> MutexGuard<'_, HashMap<String, Passed>> {
        self.passed.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn lock_running(&self) -> MutexGuard<'_, HashMap<String, tokio::task::AbortHandle>> {
        self.running.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;
    use crate::domain::Privacy;
    use crate::secrets::MemoryStore;
    use std::sync::Arc;

    fn report() -> AccessReport {
        super::super::tests::access(1, "ada@example.test")
    }

    fn token() -> ApiToken {
        ApiToken::parse("0123456789abcdef0123456789abcdef").unwrap()
    }

    async fn pass(checks: &PendingChecks, check_id: &str) {
        let answer = report();
        checks
            .run(check_id, token(), async move { Ok(answer) })
            .await
            .unwrap();
    }

    fn service() -> ConnectionService {
        ConnectionService::new(
            Arc::new(Db::open_in_memory().unwrap()),
            Arc::new(MemoryStore::new()),
        )
    }

    fn new_connection(name: &str) -> NewConnection {
        NewConnection {
            name: name.into(),
            privacy: Privacy::SharedWithWorkspace,
            request_id: format!("req-{name}"),
            workspace_ids: None,
        }
    }

    #[tokio::test]
    async fn a_passed_check_is_kept_for_a_repeated_submit_until_used() {
        let checks = PendingChecks::default();
        let expected = report();
        let answer = expected.clone();
        let got = checks
            .run("c1", token(), async move { Ok(answer) })
            .await
            .unwrap();
        assert_eq!(got, expected);
        for _ in 0..2 {
            let kept = checks.passed("c1").unwrap();
            assert_eq!(kept.token(), &token());
            assert_eq!(kept.access(), &expected);
        }
        let service = service();
        let saved = checks.save(&service, "c1", new_connection("Acme")).unwrap();
        assert_eq!(service.token(saved.id).unwrap(), token());
        assert_eq!(checks.passed("c1").unwrap_err(), AppError::CheckExpired);
    }

    #[tokio::test]
    async fn a_failed_save_keeps_the_check_for_the_corrected_retry() {
        let checks = PendingChecks::default();
        let service = service();
        pass(&checks, "first").await;
        checks
            .save(&service, "first", new_connection("Acme"))
            .unwrap();
        pass(&checks, "second").await;
        let mut taken = new_connection("Acme");
        taken.request_id = "req-other".into();
        assert_eq!(
            checks.save(&service, "second", taken).unwrap_err().code(),
            "name_taken"
        );
        assert!(checks.passed("second").is_ok());
        let mut renamed = new_connection("Acme 2");
        renamed.request_id = "req-other".into();
        checks.save(&service, "second", renamed).unwrap();
        assert_eq!(checks.passed("second").unwrap_err(), AppError::CheckExpired);
    }

    #[tokio::test]
    async fn a_used_check_cannot_swap_a_token_again() {
        let checks = PendingChecks::default();
        let service = service();
        pass(&checks, "add").await;
        let id = checks
            .save(&service, "add", new_connection("Acme"))
            .unwrap()
            .id;
        pass(&checks, "swap").await;
        checks.swap(&service, id, "swap", false).unwrap();
        assert_eq!(
            checks.swap(&service, id, "swap", false).unwrap_err(),
            AppError::CheckExpired
        );
    }

    #[tokio::test]
    async fn a_failed_check_keeps_nothing() {
        let checks = PendingChecks::default();
        let err = checks
            .run("c2", token(), async { Err(AppError::TokenRejected) })
            .await
            .unwrap_err();
        assert_eq!(err, AppError::TokenRejected);
        assert_eq!(checks.passed("c2").unwrap_err(), AppError::CheckExpired);
    }

    #[tokio::test]
    async fn a_malformed_token_is_refused_before_any_check_runs() {
        let checks = PendingChecks::default();
        let client = crate::toggl::test_support::fast_client("http://127.0.0.1:9");
        let err = checks.check(&client, "c", "not a token").await.unwrap_err();
        assert_eq!(err, AppError::TokenMalformed);
    }

    #[tokio::test]
    async fn cancelling_a_running_check_ends_it_as_cancelled_and_keeps_nothing() {
        let checks = Arc::new(PendingChecks::default());
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

    #[tokio::test]
    async fn cancelling_the_stepper_forgets_its_passed_check() {
        let checks = PendingChecks::default();
        pass(&checks, "c4").await;
        checks.cancel("c4");
        assert_eq!(checks.passed("c4").unwrap_err(), AppError::CheckExpired);
    }

    #[tokio::test]
    async fn a_passed_check_expires_after_its_lifetime() {
        let kept = PendingChecks::with_lifetime(CHECK_LIFETIME);
        pass(&kept, "c5").await;
        assert!(kept.passed("c5").is_ok());
        let expired = PendingChecks::with_lifetime(Duration::ZERO);
        pass(&expired, "c5").await;
        assert_eq!(expired.passed("c5").unwrap_err(), AppError::CheckExpired);
        assert!(expired.lock_passed().is_empty(), "the token is not kept");
    }

    #[test]
    fn the_suggested_name_names_the_one_organization_in_scope_else_the_account() {
        use crate::domain::{OrganizationAccess, WorkspaceAccess};
        let one = report();
        assert_eq!(suggested_name_for(&one), "Toggl – Acme");
        let mut two = report();
        two.organizations.push(OrganizationAccess {
            id: 8,
            name: "Beta".into(),
            owner: true,
            admin: true,
        });
        two.workspaces.push(WorkspaceAccess {
            id: 80,
            name: "Beta WS".into(),
            organization_id: Some(8),
            role: "user".into(),
        });
        assert_eq!(suggested_name_for(&two), "Toggl – ada@example.test");
        let mut long = report();
        long.organizations[0].name = "O".repeat(120);
        assert_eq!(suggested_name_for(&long), "Toggl – ada@example.test");
    }

    #[test]
    fn the_suggested_name_names_the_account_and_can_always_be_saved() {
        assert_eq!(suggested_name("ada@example.com"), "Toggl – ada@example.com");
        let long_domain = format!("ada@{}.example", "d".repeat(120));
        assert_eq!(suggested_name(&long_domain), "Toggl – ada");
        let long_local = format!("{}@example.com", "a".repeat(150));
        let name = suggested_name(&long_local);
        assert!(
            name.starts_with("Toggl – aaa") && name.ends_with('…'),
            "{name}"
        );
        for email in [long_domain, long_local, "x".repeat(300)] {
            let name = suggested_name(&email);
            assert_eq!(normalize_name(&name).unwrap(), name, "{email}");
        }
    }
}
