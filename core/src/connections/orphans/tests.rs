use super::*;
use crate::connections::tests::{access, tok};
use crate::connections::{
    CheckedToken, ConnectionService, ConnectionSummary, NewConnection, Privacy,
};
use crate::db::secret_journal::Intent;
use crate::secrets::test_support::real_store_or_skip;
use crate::secrets::MemoryStore;
use crate::token::ApiToken;
use std::sync::Arc;

/// Saves a connection with a token that passed the role check.
pub(crate) fn save(
    service: &ConnectionService,
    name: &str,
    token: ApiToken,
) -> AppResult<ConnectionSummary> {
    let checked = CheckedToken::for_tests(token, access(1, "ada@example.com"));
    let new = NewConnection {
        name: name.into(),
        privacy: Privacy::PrivateToMe,
        request_id: format!("req-{name}"),
        workspace_ids: None,
    };
    service.create(&checked, new)
}

#[test]
fn only_connection_keys_are_candidates() {
    assert!(is_connection_key(&secret_key(12, 3)));
    for other in [
        "probe",
        "connection-",
        "connection-1",
        "connection-a.0",
        "connection-1.0x",
        "x-connection-1.0",
    ] {
        assert!(!is_connection_key(other), "{other}");
    }
}

#[test]
fn entries_no_record_owns_are_removed_from_the_real_credential_store() {
    let Some(store) = real_store_or_skip("orphans") else {
        return;
    };
    let store = Arc::new(store);
    let db = Arc::new(Db::open_in_memory().unwrap());
    let service = ConnectionService::new(Arc::clone(&db), store.clone());
    let kept = save(&service, "Kept", tok(1)).unwrap();
    let no_record = secret_key(kept.id + 10, 0);
    let old_generation = secret_key(kept.id, 1);
    store.set(&no_record, &tok(2)).unwrap();
    store.set(&old_generation, &tok(3)).unwrap();
    store.set("not-a-connection", &tok(4)).unwrap();

    let sweep = remove_orphans(&db, &*store, &[]).unwrap();
    assert!(sweep.listed);
    let mut expected = vec![no_record, old_generation];
    expected.sort();
    assert_eq!(sweep.removed, expected);
    assert_eq!(
        store.list_keys().unwrap().unwrap(),
        vec![secret_key(kept.id, 0), "not-a-connection".to_string()]
    );
    assert_eq!(service.token(kept.id).unwrap(), tok(1));
    store.delete("not-a-connection").unwrap();
    service.delete(kept.id).unwrap();
    assert_eq!(store.list_keys().unwrap().unwrap(), Vec::<String>::new());
}

#[test]
fn an_entry_a_journal_entry_announces_is_left_for_recovery() {
    let memory = MemoryStore::new();
    let db = Db::open_in_memory().unwrap();
    db.transaction(|tx| journal::add(tx, 5, 0, Intent::Write))
        .unwrap();
    memory.set(&secret_key(5, 0), &tok(1)).unwrap();
    memory.set(&secret_key(6, 0), &tok(2)).unwrap();
    let sweep = remove_orphans(&db, &memory, &[]).unwrap();
    assert_eq!(sweep.removed, vec![secret_key(6, 0)]);
    assert_eq!(memory.keys(), vec![secret_key(5, 0)]);
}

#[test]
fn named_keys_are_removed_even_where_the_store_cannot_list() {
    struct Unlisted(MemoryStore);
    impl SecretStore for Unlisted {
        fn set(&self, key: &str, token: &ApiToken) -> AppResult<()> {
            self.0.set(key, token)
        }
        fn get(&self, key: &str) -> AppResult<Option<ApiToken>> {
            self.0.get(key)
        }
        fn delete(&self, key: &str) -> AppResult<()> {
            self.0.delete(key)
        }
        fn list_keys(&self) -> AppResult<Option<Vec<String>>> {
            Ok(None)
        }
    }
    let memory = MemoryStore::new();
    let store = Unlisted(memory.clone());
    let db = Db::open_in_memory().unwrap();
    for id in 1..=3 {
        memory.set(&secret_key(id, 0), &tok(id as u32)).unwrap();
    }
    let sweep = remove_orphans(&db, &store, &[secret_key(1, 0), secret_key(2, 0)]).unwrap();
    assert!(!sweep.listed);
    assert_eq!(memory.keys(), vec![secret_key(3, 0)], "only what was named");
}

#[test]
fn a_copy_names_the_keys_of_its_records_and_its_journal_or_nothing_if_unreadable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("copy.sqlite3");
    {
        let db = Arc::new(Db::open(&path).unwrap().db);
        let service = ConnectionService::new(Arc::clone(&db), Arc::new(MemoryStore::new()));
        let a = save(&service, "A", tok(1)).unwrap();
        let b = save(&service, "B", tok(2)).unwrap();
        db.transaction(|tx| journal::add(tx, b.id, 1, Intent::Write))
            .unwrap();
        assert_eq!((a.id, b.id), (1, 2));
    }
    assert_eq!(
        keys_in_copy(&path),
        Some(vec![secret_key(1, 0), secret_key(2, 0), secret_key(2, 1)])
    );
    let garbage = dir.path().join("garbage");
    std::fs::write(&garbage, b"not a database ".repeat(300)).unwrap();
    assert_eq!(keys_in_copy(&garbage), None);
    assert_eq!(keys_in_copy(&dir.path().join("missing")), None);
}
