//! Where API tokens live: the OS credential store, behind a small trait so the
//! connection service can be tested with an in-memory store and injected failures (the
//! doubles in `doubles.rs`, compiled for tests only).
//!
//! There is no plain-text fallback anywhere: if the credential store cannot be used,
//! the operation fails with a clear error and nothing is saved.

#[cfg(test)]
mod doubles;
mod keyring_store;

#[cfg(test)]
pub(crate) use doubles::{FailingStore, Fault, MemoryStore, SecretOp};
pub use keyring_store::KeyringStore;

#[cfg(test)]
pub(crate) use keyring_store::test_support;

use crate::error::AppResult;
use crate::token::ApiToken;

/// A credential store with one entry per key. Keys are not secret (the connection
/// service derives them from connection ids).
pub trait SecretStore: Send + Sync {
    /// Creates or replaces the entry.
    fn set(&self, key: &str, token: &ApiToken) -> AppResult<()>;
    /// The entry, or `None` if there is none.
    fn get(&self, key: &str) -> AppResult<Option<ApiToken>>;
    /// Removes the entry; removing a missing entry is success.
    fn delete(&self, key: &str) -> AppResult<()>;
    /// Every key filed in this store, or `None` where the platform store cannot list its
    /// entries (the `keyring` crate lists nothing on macOS and Windows). Lets start-up find
    /// entries that no connection owns any more.
    fn list_keys(&self) -> AppResult<Option<Vec<String>>>;
}
