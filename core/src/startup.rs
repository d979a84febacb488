//! Opening a claimed data folder in the order that keeps records and tokens together:
//! the database, the folder's credential namespace, the clean-up after a damaged database
//! was moved aside, start-up recovery, and the removal of entries no record owns.
//!
//! The caller claims the folder first ([`DataFolder::claim`]): only the one process that
//! holds its lock may run recovery or remove entries.

use crate::connections::{orphans, ConnectionService};
use crate::data_dir::DataFolder;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::secrets::SecretStore;
use std::path::Path;
use std::sync::Arc;

/// What the app works with once its data is open.
pub struct OpenedData {
    pub db: Arc<Db>,
    pub connections: Arc<ConnectionService>,
    /// Something the user must be told once (the database was damaged and moved aside).
    pub notice: Option<AppError>,
}

/// Opens the folder's data. `store_for` gives the credential store of a namespace (the
/// OS store in the app, a test namespace in tests).
pub fn open(
    folder: &DataFolder,
    store_for: impl Fn(&str) -> Arc<dyn SecretStore>,
) -> AppResult<OpenedData> {
    let opened = Db::open(&folder.database_path())?;
    let mut notice = opened.notice();
    let db = Arc::new(opened.db);
    let mut namespace = folder.credential_namespace(orphans::has_owners(&db)?)?;
    let mut secrets = store_for(&namespace);
    if let Some(copy) = &opened.moved_aside {
        if !remove_tokens_of_copy(&db, &*secrets, copy) {
            // New ids restart at 1: a fresh namespace keeps them off the entries left behind.
            notice = Some(AppError::DatabaseCorruptTokensLeft {
                moved_to: copy.display().to_string(),
                service: namespace,
            });
            namespace = folder.new_credential_namespace()?;
            secrets = store_for(&namespace);
        }
    }
    let connections = Arc::new(ConnectionService::new(
        Arc::clone(&db),
        Arc::clone(&secrets),
    ));
    if let Err(e) = connections.recover() {
        tracing::warn!(
            code = e.code(),
            "start-up recovery did not finish; it runs again next start"
        );
    }
    if let Err(e) = orphans::remove_orphans(&db, &*secrets, &[]) {
        tracing::warn!(
            code = e.code(),
            "entries no connection owns were not removed; trying again next start"
        );
    }
    Ok(OpenedData {
        db,
        connections,
        notice,
    })
}

/// Removes the entries of the connections a moved-aside database had. Returns whether
/// all of them are gone: the store listed its entries, or the copy named its keys.
fn remove_tokens_of_copy(db: &Db, secrets: &dyn SecretStore, copy: &Path) -> bool {
    let named = orphans::keys_in_copy(copy);
    match orphans::remove_orphans(db, secrets, named.as_deref().unwrap_or_default()) {
        Ok(sweep) => sweep.listed || named.is_some(),
        Err(e) => {
            tracing::warn!(
                code = e.code(),
                "the old connections' tokens could not be removed"
            );
            false
        }
    }
}

#[cfg(test)]
mod tests;
