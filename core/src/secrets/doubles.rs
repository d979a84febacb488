//! Test doubles of the credential store: an in-memory store and a wrapper that fails or
//! "crashes" on chosen calls. Compiled for tests only.

use super::SecretStore;
use crate::error::{AppError, AppResult};
use crate::token::ApiToken;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// In-memory store for tests. Clones share their entries, so a test can keep one clone
/// to inspect what the service left behind.
#[derive(Clone, Default)]
pub struct MemoryStore {
    entries: Arc<Mutex<BTreeMap<String, ApiToken>>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every key currently stored, in order.
    pub fn keys(&self) -> Vec<String> {
        self.lock().keys().cloned().collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, ApiToken>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl SecretStore for MemoryStore {
    fn set(&self, key: &str, token: &ApiToken) -> AppResult<()> {
        self.lock().insert(key.to_string(), token.clone());
        Ok(())
    }

    fn get(&self, key: &str) -> AppResult<Option<ApiToken>> {
        Ok(self.lock().get(key).cloned())
    }

    fn delete(&self, key: &str) -> AppResult<()> {
        self.lock().remove(key);
        Ok(())
    }

    fn list_keys(&self) -> AppResult<Option<Vec<String>>> {
        Ok(Some(self.keys()))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretOp {
    Set,
    Get,
    Delete,
}

/// What a [`FailingStore`] does to a chosen call.
#[derive(Debug, Clone)]
pub enum Fault {
    /// The call fails with this error and does nothing.
    Fail(AppError),
    /// The process "dies" (panics) before the call reaches the store.
    CrashBefore,
    /// The call reaches the store, then the process "dies" before it returns.
    CrashAfter,
    /// The call reaches the store and does its work, then reports this error anyway,
    /// as a D-Bus reply lost after the keyring acted does.
    ActThenFail(AppError),
}

/// Wraps a store and fails chosen calls, to test what the service does when the
/// credential store refuses, or the process dies, halfway through an operation.
pub struct FailingStore<S> {
    inner: S,
    calls: [AtomicUsize; 3],
    rules: Mutex<Vec<(SecretOp, usize, Fault)>>,
}

impl<S: SecretStore> FailingStore<S> {
    pub fn new(inner: S) -> Self {
        Self {
            inner,
            calls: Default::default(),
            rules: Mutex::new(Vec::new()),
        }
    }

    /// Applies `fault` to the `nth` (1-based, counted from now) call of `op`.
    pub fn fault_nth(&self, op: SecretOp, nth: usize, fault: Fault) {
        let done = self.calls[op as usize].load(Ordering::SeqCst);
        self.lock_rules().push((op, done + nth, fault));
    }

    /// Makes the `nth` call of `op` from now fail with `error`.
    pub fn fail_nth(&self, op: SecretOp, nth: usize, error: AppError) {
        self.fault_nth(op, nth, Fault::Fail(error));
    }

    /// Makes every call of `op` from now on fail with `error`, until [`Self::heal`].
    pub fn fail_all(&self, op: SecretOp, error: AppError) {
        self.lock_rules().push((op, 0, Fault::Fail(error)));
    }

    pub fn heal(&self) {
        self.lock_rules().clear();
    }

    fn lock_rules(&self) -> std::sync::MutexGuard<'_, Vec<(SecretOp, usize, Fault)>> {
        self.rules.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn run<T>(&self, op: SecretOp, call: impl FnOnce(&S) -> AppResult<T>) -> AppResult<T> {
        let nth = self.calls[op as usize].fetch_add(1, Ordering::SeqCst) + 1;
        let fault = self
            .lock_rules()
            .iter()
            .find(|(o, n, _)| *o == op && (*n == 0 || *n == nth))
            .map(|(_, _, fault)| fault.clone());
        match fault {
            None => call(&self.inner),
            Some(Fault::Fail(error)) => Err(error),
            Some(Fault::CrashBefore) => panic!("simulated crash before {op:?}"),
            Some(Fault::CrashAfter) => {
                let _ = call(&self.inner);
                panic!("simulated crash after {op:?}")
            }
            Some(Fault::ActThenFail(error)) => {
                let _ = call(&self.inner);
                Err(error)
            }
        }
    }
}

impl<S: SecretStore> SecretStore for FailingStore<S> {
    fn set(&self, key: &str, token: &ApiToken) -> AppResult<()> {
        self.run(SecretOp::Set, |s| s.set(key, token))
    }

    fn get(&self, key: &str) -> AppResult<Option<ApiToken>> {
        self.run(SecretOp::Get, |s| s.get(key))
    }

    fn delete(&self, key: &str) -> AppResult<()> {
        self.run(SecretOp::Delete, |s| s.delete(key))
    }

    fn list_keys(&self) -> AppResult<Option<Vec<String>>> {
        self.inner.list_keys()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;

    fn token() -> ApiToken {
        ApiToken::parse("0123456789abcdef0123456789abcdef").unwrap()
    }

    #[test]
    fn memory_store_sets_gets_and_deletes_and_deleting_missing_is_fine() {
        let store = MemoryStore::new();
        assert_eq!(store.get("a").unwrap(), None);
        store.set("a", &token()).unwrap();
        assert_eq!(store.get("a").unwrap(), Some(token()));
        store.delete("a").unwrap();
        store.delete("a").unwrap();
        assert!(store.keys().is_empty());
    }

    #[test]
    fn failing_store_fails_exactly_the_chosen_call() {
        let memory = MemoryStore::new();
        let store = FailingStore::new(memory.clone());
        store.fail_nth(SecretOp::Set, 2, AppError::CredentialStoreLocked);
        store.set("a", &token()).unwrap();
        assert_eq!(
            store.set("b", &token()),
            Err(AppError::CredentialStoreLocked)
        );
        store.set("c", &token()).unwrap();
        assert_eq!(memory.keys(), vec!["a", "c"]);
    }

    #[test]
    fn failing_store_can_fail_every_call_until_healed() {
        let store = FailingStore::new(MemoryStore::new());
        store.fail_all(SecretOp::Get, AppError::CredentialStoreLocked);
        assert!(store.get("a").is_err());
        assert!(store.get("a").is_err());
        store.heal();
        assert_eq!(store.get("a").unwrap(), None);
    }
}
