//! The connection service: saved Toggl connections whose records live in SQLite and
//! whose API tokens live in the OS credential store, kept consistent whatever fails.
//!
//! # Where the token lives
//!
//! Never in SQLite. Each record has a `secret_generation`; its token is the credential
//! store entry [`secret_key`]`(id, generation)`. A swap writes the new token under the
//! next generation and then flips the record to it in one SQLite transaction, so the
//! record points at a complete token at every instant; the old entry is removed after.
//! In the steady state there is exactly one entry per connection.
//!
//! # The journal protocol
//!
//! SQLite and the credential store cannot share a transaction, so every credential
//! store write or delete is announced first in the `secret_journal` table (ids and
//! generation only) in the same SQLite transaction that changes the record, and cleared
//! in the transaction that settles it. Records being created are `pending` and records
//! being deleted are `deleting`; both are hidden from every read.
//!
//! | operation | 1. SQLite tx | 2. credential store | 3. SQLite tx |
//! |-----------|--------------|---------------------|--------------|
//! | create    | insert record `pending` + journal `write(id, 0)` | set `(id, 0)` | record `ready` + clear journal |
//! | swap      | journal `write(id, g+1)` | set `(id, g+1)` | record → `g+1` + journal `delete(id, g)`; then delete `(id, g)` and clear |
//! | delete    | record `deleting` + journal `delete(id, g)` | delete `(id, g)` | delete record + clear journal |
//!
//! Settling one journal entry (done by [`ConnectionService::recover`] at start-up, and
//! right away when a step fails) is:
//! - `write(id, g)`: if the record is `ready` at generation `g` the write was committed
//!   and only the entry goes. Otherwise the write is rolled back: delete the record if it
//!   is still `pending`, then entry `(id, g)` from the credential store.
//! - `delete(id, g)`: if the record is still at generation `g` it is being deleted:
//!   delete it; then delete entry `(id, g)` from the credential store (missing is fine).
//!
//! The journal entry goes last, only once the credential store step succeeded. The
//! record goes first, so a create refused by an unreachable credential store saves no
//! connection at all: what remains is a journal entry (ids only) that removes a token
//! the store might have half-written, once the store is back. Record ids are never
//! reused (`AUTOINCREMENT`), so a stale entry can never touch a later connection.
//!
//! A crash between any two steps therefore ends, after recovery, in the old state
//! (create and swap before their step 3) or the new one (swap after step 3, delete after
//! step 1). A failure the service sees is handled the same way on the spot, except a
//! failed credential store delete during `delete`, which restores the record to `ready`:
//! the user keeps a working connection and sees the error. Settling runs only
//! idempotent steps, so it can be repeated until it succeeds.
//!
//! A record whose token vanished from the credential store outside the app is kept:
//! reads report [`TokenState::Missing`] and [`ConnectionService::token`] fails with
//! `TokenMissing` and remembers it as the record's last error, so the UI can ask for
//! the token again with a swap.
//!
//! # A token of a different Toggl account
//!
//! [`ConnectionService::swap_token`] refuses a token of another Toggl user with
//! `DifferentAccount(email)` unless `confirm_different_account` is set: a swap is
//! usually a reset token of the same account, and silently switching accounts would
//! change whose data future pulls fetch. The UI asks and retries with confirmation.
//!
//! # Concurrency
//!
//! Operations are serialized by one mutex in the service: they are rare, quick and
//! local, and serializing them keeps the protocol free of interleavings.

pub mod definitions;
mod model;
pub mod orphans;
pub mod pending;
pub mod scope;

pub use model::*;
pub use pending::{CheckResult, CheckedToken, PendingChecks};

use crate::db::connections::{self as rows, ConnectionRow, InsertRow, RowState};
use crate::db::scope as scope_rows;
use crate::db::secret_journal::{self as journal, Intent, JournalEntry};
use crate::db::Db;
use crate::domain::{AccessReport, Privacy};
use crate::error::{AppError, AppResult};
use crate::secrets::SecretStore;
use crate::toggl::{check_access, TogglClient};
use crate::token::ApiToken;
use std::sync::{Arc, Mutex, MutexGuard};

/// The credential store key of a connection's token at one generation.
pub fn secret_key(connection_id: i64, generation: i64) -> String {
    format!("connection-{connection_id}.{generation}")
}

pub struct ConnectionService {
    db: Arc<Db>,
    secrets: Arc<dyn SecretStore>,
    ops: Mutex<()>,
}

impl ConnectionService {
    pub fn new(db: Arc<Db>, secrets: Arc<dyn SecretStore>) -> Self {
        Self {
            db,
            secrets,
            ops: Mutex::new(()),
        }
    }

    fn serialize(&self) -> MutexGuard<'_, ()> {
        self.ops.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Saves a connection whose token passed the role check. A second call with the
    /// same `request_id` returns the connection the first one made. Leftovers of earlier
    /// failed attempts are settled first, so a retry after a failure starts clean.
    pub fn create(
        &self,
        checked: &CheckedToken,
        new: NewConnection,
    ) -> AppResult<ConnectionSummary> {
        let (token, access) = (checked.token(), checked.access());
        let _op = self.serialize();
        let request_id = new.request_id.trim();
        if request_id.is_empty() {
            return Err(AppError::request_id_missing());
        }
        if let Err(e) = self.settle(None) {
            tracing::warn!(code = e.code(), "earlier failures still await recovery");
        }
        if let Some(existing) = self.db.with(|c| rows::find_by_request_id(c, request_id))? {
            if existing.state == RowState::Ready {
                return self.db.with(|c| summarize(c, existing));
            }
            self.settle(Some(existing.id))?;
        }
        let name = normalize_name(&new.name)?;
        let privacy = new.privacy.normalized()?;
        let chosen = scope::chosen_scope(access, new.workspace_ids.as_deref())?;

        let (id, entry) = self.db.transaction(|tx| {
            let id = rows::insert_pending(
                tx,
                &InsertRow {
                    source: SOURCE_TOGGL,
                    name: &name,
                    privacy: &privacy,
                    access,
                    request_id,
                },
            )?;
            for standing in &chosen {
                scope_rows::confirm(tx, id, standing, &access.checked_at)?;
            }
            Ok((id, journal::add(tx, id, 0, Intent::Write)?))
        })?;
        self.secrets
            .set(&secret_key(id, 0), token)
            .and_then(|_| {
                self.db.transaction(|tx| {
                    rows::set_state(tx, id, RowState::Ready)?;
                    journal::remove(tx, entry)
                })
            })
            .or_else(|e| self.abandon(id, e))?;
        self.summary_of(id)
    }

    /// Every visible connection, by name. Reads SQLite only.
    pub fn list(&self) -> AppResult<Vec<ConnectionSummary>> {
        self.db.with(|c| {
            rows::list_ready(c)?
                .into_iter()
                .map(|row| summarize(c, row))
                .collect()
        })
    }

    /// The connections made with one Toggl account, e.g. to warn before saving the
    /// same account twice.
    pub fn find_by_toggl_user(&self, toggl_user_id: i64) -> AppResult<Vec<ConnectionSummary>> {
        self.db.with(|c| {
            rows::list_ready_by_toggl_user(c, toggl_user_id)?
                .into_iter()
                .map(|row| summarize(c, row))
                .collect()
        })
    }

    /// The detail page: reads the credential store once for the token's state and last
    /// four characters. A locked or unavailable store shows as `Unreadable`, so the
    /// page still opens offline or with a locked keyring.
    pub fn get(&self, id: i64) -> AppResult<ConnectionDetail> {
        let _op = self.serialize();
        let row = self.db.with(|c| rows::get_ready(c, id))?;
        let (token_state, token_last4) =
            match self.secrets.get(&secret_key(id, row.secret_generation)) {
                Ok(Some(token)) => (TokenState::Present, Some(token.last4())),
                Ok(None) => (TokenState::Missing, None),
                Err(_) => (TokenState::Unreadable, None),
            };
        let access = row.access.clone();
        let (summary, workspaces) = self
            .db
            .with(|c| Ok((summarize(c, row)?, scope::workspaces(c, id, &access)?)))?;
        Ok(ConnectionDetail {
            summary,
            access,
            workspaces,
            token_state,
            token_last4,
        })
    }

    pub fn rename(&self, id: i64, name: &str) -> AppResult<ConnectionSummary> {
        let _op = self.serialize();
        let name = normalize_name(name)?;
        self.db.transaction(|tx| {
            rows::get_ready(tx, id)?;
            rows::rename(tx, id, &name)
        })?;
        self.summary_of(id)
    }

    pub fn set_privacy(&self, id: i64, privacy: Privacy) -> AppResult<ConnectionSummary> {
        let _op = self.serialize();
        let privacy = privacy.normalized()?;
        self.db.transaction(|tx| {
            rows::get_ready(tx, id)?;
            rows::set_privacy(tx, id, &privacy)
        })?;
        self.summary_of(id)
    }

    /// Replaces the token with one that passed the role check (see the module doc on
    /// a different account). Either the old token and snapshot stay, or the new ones
    /// replace them; never a mix.
    pub fn swap_token(
        &self,
        id: i64,
        checked: &CheckedToken,
        confirm_different_account: bool,
    ) -> AppResult<ConnectionSummary> {
        let (token, access) = (checked.token(), checked.access());
        let _op = self.serialize();
        access.ensure_allowed()?;
        self.settle(Some(id))?;
        let row = self.db.with(|c| rows::get_ready(c, id))?;
        if row.access.user.id != access.user.id && !confirm_different_account {
            return Err(AppError::DifferentAccount(access.user.email.clone()));
        }
        let old = row.secret_generation;
        let new = old + 1;
        let entry = self
            .db
            .transaction(|tx| journal::add(tx, id, new, Intent::Write))?;
        self.secrets
            .set(&secret_key(id, new), token)
            .and_then(|_| {
                self.db.transaction(|tx| {
                    rows::commit_swap(tx, id, new, access)?;
                    if row.access.user.id == access.user.id {
                        scope::confirm_qualifying(tx, id, access)?;
                    } else {
                        scope::rescope_for_new_account(tx, id, access)?;
                    }
                    journal::remove(tx, entry)?;
                    journal::add(tx, id, old, Intent::Delete)
                })
            })
            .or_else(|e| self.abandon(id, e))?;
        if let Err(e) = self.settle(Some(id)) {
            tracing::warn!(
                id,
                code = e.code(),
                "old token entry left for start-up recovery"
            );
        }
        self.summary_of(id)
    }

    /// Re-checks a saved connection with its stored token, which never leaves the
    /// backend. Only an answer about the token itself is booked on the record: a new
    /// snapshot (and `role_insufficient` when the role is now lacking), or
    /// `token_rejected`. When Toggl cannot be asked (offline, quota, outage) nothing
    /// changes and the error is returned. A check is booked only for the token
    /// generation it used, so a re-test overlapping a swap never books the old token's
    /// answer over the new one.
    pub async fn retest(
        self: &Arc<Self>,
        client: &TogglClient,
        id: i64,
    ) -> AppResult<ConnectionSummary> {
        let (token, generation) = self.blocking(move |s| s.token_at(id)).await?;
        let outcome = check_access(client, &token).await;
        let booking = match &outcome {
            Ok(report) => Booking::Checked(report.clone()),
            Err(AppError::TokenRejected) => Booking::Rejected,
            Err(e) => return Err(e.clone()),
        };
        let (summary, booked) = self
            .blocking(move |s| s.book_check(id, generation, booking))
            .await?;
        if !booked {
            return Ok(summary);
        }
        outcome.and_then(|r| r.require_allowed()).map(|_| summary)
    }

    /// Runs `work` on the blocking pool: SQLite and the credential store may wait on
    /// disk or D-Bus, which must not hold up the async runtime.
    async fn blocking<T: Send + 'static>(
        self: &Arc<Self>,
        work: impl FnOnce(&ConnectionService) -> AppResult<T> + Send + 'static,
    ) -> AppResult<T> {
        let service = Arc::clone(self);
        tokio::task::spawn_blocking(move || work(&service))
            .await
            .unwrap_or_else(|e| Err(AppError::Internal(format!("a background task failed: {e}"))))
    }

    /// Books a re-test made with the token at `generation`: a check renews the snapshot
    /// and `last_verified_at` (and records `role_insufficient` when the role is now
    /// lacking); a rejection keeps the old snapshot and records the error code. Nothing
    /// is booked when the record moved on to another token meanwhile; the second value
    /// says whether the check was booked.
    fn book_check(
        &self,
        id: i64,
        generation: i64,
        booking: Booking,
    ) -> AppResult<(ConnectionSummary, bool)> {
        let _op = self.serialize();
        let booked = self.db.transaction(|tx| {
            if rows::get_ready(tx, id)?.secret_generation != generation {
                return Ok(false);
            }
            match &booking {
                Booking::Checked(access) => {
                    rows::record_access(tx, id, access)?;
                    scope::confirm_qualifying(tx, id, access)?;
                    if let Err(e) = access.ensure_allowed() {
                        rows::record_error(tx, id, e.code())?;
                    }
                }
                Booking::Rejected => {
                    rows::record_error(tx, id, AppError::TokenRejected.code())?;
                }
            }
            Ok(true)
        })?;
        Ok((self.summary_of(id)?, booked))
    }

    /// What a pull needs, with one credential store read: the token and the access
    /// snapshot narrowed to the connection's scope, less the workspaces whose
    /// qualifying role was lost, so a pull neither asks Toggl about nor stores anything
    /// of a workspace outside it. Refused when no workspace of the scope qualifies now.
    pub fn pull_credentials(&self, id: i64) -> AppResult<(ApiToken, AccessReport)> {
        let _op = self.serialize();
        let (row, in_scope) = self
            .db
            .with(|c| Ok((rows::get_ready(c, id)?, scope_rows::list(c, id)?)))?;
        let pullable = scope::pullable(&row.access, &in_scope);
        if pullable.is_empty() {
            return Err(AppError::scope_nothing_qualifies(&scope::lost_names(
                &row.access,
                &in_scope,
            )));
        }
        let token = self.read_token(&row)?;
        Ok((token, row.access.within(&pullable)))
    }

    /// The token, for a re-test or a pull. It stays in the backend: commands must not
    /// return it. `TokenMissing` when the entry vanished from the credential store.
    pub fn token(&self, id: i64) -> AppResult<ApiToken> {
        self.token_at(id).map(|(token, _)| token)
    }

    /// The token and the generation it is stored under.
    fn token_at(&self, id: i64) -> AppResult<(ApiToken, i64)> {
        let _op = self.serialize();
        let row = self.db.with(|c| rows::get_ready(c, id))?;
        Ok((self.read_token(&row)?, row.secret_generation))
    }

    fn read_token(&self, row: &ConnectionRow) -> AppResult<ApiToken> {
        let id = row.id;
        match self.secrets.get(&secret_key(id, row.secret_generation))? {
            Some(token) => Ok(token),
            None => {
                let missing = AppError::TokenMissing;
                if let Err(e) = self.db.with(|c| rows::record_error(c, id, missing.code())) {
                    tracing::warn!(id, code = e.code(), "could not note the missing token");
                }
                Err(missing)
            }
        }
    }

    /// The token for the explicit "Reveal" action on the detail page: the only path by
    /// which a token travels towards the UI. Exactly [`Self::token`], kept separate so
    /// the Tauri command for it is easy to find and audit.
    pub fn reveal(&self, id: i64) -> AppResult<ApiToken> {
        self.token(id)
    }

    /// Deletes the record and its token. A token already missing counts as deleted, also
    /// when the store reports an error after it removed the entry. If the store refuses
    /// and the token is still there, the connection stays as it was.
    pub fn delete(&self, id: i64) -> AppResult<()> {
        let _op = self.serialize();
        self.settle(Some(id))?;
        let row = self.db.with(|c| rows::get_ready(c, id))?;
        let entry = self.db.transaction(|tx| {
            rows::set_state(tx, id, RowState::Deleting)?;
            journal::add(tx, id, row.secret_generation, Intent::Delete)
        })?;
        let key = secret_key(id, row.secret_generation);
        if let Err(e) = self.secrets.delete(&key) {
            if !self.entry_is_gone(&key) {
                return Err(self.restore_after_failed_delete(id, entry, e));
            }
            tracing::info!(
                id,
                code = e.code(),
                "the credential store removed the entry before it failed"
            );
        }
        let removed = self.db.transaction(|tx| {
            rows::delete(tx, id)?;
            journal::remove(tx, entry)
        });
        if let Err(e) = removed {
            tracing::warn!(
                id,
                code = e.code(),
                "record removal left for start-up recovery"
            );
        }
        Ok(())
    }

    /// A delete can fail after the store acted (the reply was lost): the entry is looked
    /// up again, and only an entry known to be absent counts as deleted.
    fn entry_is_gone(&self, key: &str) -> bool {
        matches!(self.secrets.get(key), Ok(None))
    }

    /// Puts a connection whose token is still stored back to ready, returning the error
    /// the store gave for the delete.
    fn restore_after_failed_delete(&self, id: i64, entry: i64, error: AppError) -> AppError {
        let restored = self.db.transaction(|tx| {
            rows::set_state(tx, id, RowState::Ready)?;
            journal::remove(tx, entry)
        });
        if let Err(restore) = restored {
            tracing::warn!(
                id,
                code = restore.code(),
                "delete left for start-up recovery"
            );
        }
        error
    }

    /// Settles every journal entry left by a crash or an earlier failure. Run at
    /// start-up before the UI reads connections. Entries that cannot be settled now
    /// (e.g. the keyring is locked) stay for the next run; the first error is returned
    /// after trying them all. Returns how many entries were settled.
    pub fn recover(&self) -> AppResult<usize> {
        let _op = self.serialize();
        self.settle(None)
    }

    /// Rolls back a create or swap that failed at step 2 or 3, then returns its error.
    fn abandon<T>(&self, id: i64, error: AppError) -> AppResult<T> {
        if let Err(e) = self.settle(Some(id)) {
            tracing::warn!(id, code = e.code(), "rollback left for start-up recovery");
        }
        Err(error)
    }

    fn settle(&self, connection_id: Option<i64>) -> AppResult<usize> {
        let entries = self.db.with(|c| journal::pending(c, connection_id))?;
        let mut settled = 0;
        let mut first_error = None;
        for entry in &entries {
            match self.settle_entry(entry) {
                Ok(()) => settled += 1,
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        first_error.map_or(Ok(settled), Err)
    }

    fn settle_entry(&self, entry: &JournalEntry) -> AppResult<()> {
        let row = self.db.with(|c| rows::get(c, entry.connection_id))?;
        let at_generation = row
            .as_ref()
            .is_some_and(|r| r.secret_generation == entry.generation);
        let state = row.as_ref().map(|r| r.state);
        let committed_write =
            entry.intent == Intent::Write && at_generation && state == Some(RowState::Ready);
        let drop_record = match entry.intent {
            Intent::Write => state == Some(RowState::Pending),
            Intent::Delete => at_generation,
        };
        if drop_record {
            self.db
                .transaction(|tx| rows::delete(tx, entry.connection_id))?;
        }
        if !committed_write {
            self.secrets
                .delete(&secret_key(entry.connection_id, entry.generation))?;
        }
        self.db.transaction(|tx| journal::remove(tx, entry.id))
    }

    fn summary_of(&self, id: i64) -> AppResult<ConnectionSummary> {
        self.db.with(|c| {
            let row = rows::get_ready(c, id)?;
            summarize(c, row)
        })
    }
}

/// The answer of a re-test that is booked on the record.
enum Booking {
    Checked(AccessReport),
    Rejected,
}

fn summarize(conn: &rusqlite::Connection, row: ConnectionRow) -> AppResult<ConnectionSummary> {
    let in_scope = scope_rows::list(conn, row.id)?;
    Ok(ConnectionSummary {
        workspaces_in_scope: in_scope.len(),
        workspaces_lost: scope::lost_names(&row.access, &in_scope),
        id: row.id,
        source: row.source,
        name: row.name,
        privacy: row.privacy,
        email: row.access.user.email,
        verdict: row.access.verdict,
        created_at: row.created_at,
        updated_at: row.updated_at,
        last_verified_at: row.last_verified_at,
        last_error_code: row.last_error_code,
    })
}

#[cfg(test)]
pub(crate) mod tests;
