use super::*;
use crate::connections::orphans::tests::save;
use crate::connections::secret_key;
use crate::connections::tests::tok;
use crate::db::secret_journal;
use crate::db::test_faults::damage_all_but_the_connections;
use crate::secrets::test_support::*;
use crate::secrets::{KeyringStore, MemoryStore};
use crate::token::ApiToken;
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::Mutex;
use std::time::Duration;

/// The real credential store, each namespace under this test's own prefix.
fn real_stores(prefix: String) -> impl Fn(&str) -> Arc<dyn SecretStore> {
    move |namespace| Arc::new(KeyringStore::with_service(&format!("{prefix}.{namespace}")))
}

/// One in-memory store for every namespace (keys are `<namespace>/<key>`), so a test sees
/// which namespace an entry went to; `listable` false stands for macOS and Windows.
#[derive(Clone)]
struct Namespaces {
    memory: MemoryStore,
    listable: bool,
}

struct InNamespace {
    all: Namespaces,
    namespace: String,
}

impl Namespaces {
    fn stores(&self) -> impl Fn(&str) -> Arc<dyn SecretStore> + '_ {
        move |namespace| {
            Arc::new(InNamespace {
                all: self.clone(),
                namespace: namespace.to_string(),
            })
        }
    }
}

impl InNamespace {
    fn full(&self, key: &str) -> String {
        format!("{}/{key}", self.namespace)
    }
}

impl SecretStore for InNamespace {
    fn set(&self, key: &str, token: &ApiToken) -> AppResult<()> {
        self.all.memory.set(&self.full(key), token)
    }
    fn get(&self, key: &str) -> AppResult<Option<ApiToken>> {
        self.all.memory.get(&self.full(key))
    }
    fn delete(&self, key: &str) -> AppResult<()> {
        self.all.memory.delete(&self.full(key))
    }
    fn list_keys(&self) -> AppResult<Option<Vec<String>>> {
        let prefix = self.full("");
        Ok(self.all.listable.then(|| {
            let keys = self.all.memory.keys();
            keys.iter()
                .filter_map(|k| k.strip_prefix(&prefix).map(str::to_string))
                .collect()
        }))
    }
}

fn not_a_database(path: &Path) {
    std::fs::write(path, b"this is not an sqlite database ".repeat(200)).unwrap();
}

fn key_names(store: &dyn SecretStore) -> Vec<String> {
    store
        .list_keys()
        .unwrap()
        .expect("this store lists its entries")
}

/// A claimed folder whose database holds connections 1 ("One", token 1) and 2 ("Two",
/// token 2); returns it with its credential namespace.
fn folder_with_two_connections(
    stores: impl Fn(&str) -> Arc<dyn SecretStore>,
) -> (tempfile::TempDir, DataFolder, String) {
    let root = tempfile::tempdir().unwrap();
    let folder = DataFolder::claim(root.path()).unwrap();
    let opened = open(&folder, stores).unwrap();
    for (n, name) in [(1, "One"), (2, "Two")] {
        let made = save(&opened.connections, name, tok(n)).unwrap();
        assert_eq!(made.id, i64::from(n));
    }
    let namespace = folder.credential_namespace(true).unwrap();
    (root, folder, namespace)
}

#[test]
fn a_damaged_database_moved_aside_takes_its_tokens_out_of_the_real_credential_store() {
    let Some(_) = real_store_or_skip("moved_aside") else {
        return;
    };
    let stores = real_stores(test_service("moved_aside"));
    let (_root, folder, namespace) = folder_with_two_connections(&stores);
    let store = stores(&namespace);
    assert_eq!(key_names(&*store).len(), 2);
    not_a_database(&folder.database_path());

    let opened = open(&folder, &stores).unwrap();
    assert_eq!(opened.notice.as_ref().unwrap().code(), "database_corrupt");
    assert_eq!(
        key_names(&*store),
        Vec::<String>::new(),
        "orphaned tokens left"
    );
    let fresh = save(&opened.connections, "New", tok(3)).unwrap();
    assert_eq!(opened.connections.token(fresh.id).unwrap(), tok(3));
    opened.connections.delete(fresh.id).unwrap();
    assert_eq!(key_names(&*store), Vec::<String>::new());
}

#[test]
fn a_readable_damaged_copy_names_the_tokens_to_remove_where_the_store_cannot_list() {
    let stores = Namespaces {
        memory: MemoryStore::new(),
        listable: false,
    };
    let (_root, folder, namespace) = folder_with_two_connections(stores.stores());
    assert_eq!(stores.memory.keys().len(), 2);
    damage_all_but_the_connections(&folder.database_path());

    let opened = open(&folder, stores.stores()).unwrap();
    assert_eq!(opened.notice.as_ref().unwrap().code(), "database_corrupt");
    assert_eq!(stores.memory.keys(), Vec::<String>::new());
    assert_eq!(folder.credential_namespace(false).unwrap(), namespace);
}

#[test]
fn tokens_nothing_can_find_stay_behind_a_fresh_namespace_and_the_notice_says_where() {
    let stores = Namespaces {
        memory: MemoryStore::new(),
        listable: false,
    };
    let (_root, folder, old_namespace) = folder_with_two_connections(stores.stores());
    not_a_database(&folder.database_path());

    let opened = open(&folder, stores.stores()).unwrap();
    let notice = opened.notice.clone().unwrap();
    assert_eq!(notice.code(), "database_corrupt_tokens_left");
    assert!(notice.to_string().contains(&old_namespace), "{notice}");
    let new_namespace = folder.credential_namespace(false).unwrap();
    assert_ne!(new_namespace, old_namespace);
    let new = save(&opened.connections, "New", tok(3)).unwrap();
    assert_eq!(new.id, 1, "ids restart in a fresh database");
    let mut expected = vec![
        format!("{old_namespace}/{}", secret_key(1, 0)),
        format!("{old_namespace}/{}", secret_key(2, 0)),
        format!("{new_namespace}/{}", secret_key(1, 0)),
    ];
    expected.sort();
    assert_eq!(stores.memory.keys(), expected);
    assert_eq!(
        stores
            .memory
            .get(&format!("{old_namespace}/{}", secret_key(1, 0)))
            .unwrap(),
        Some(tok(1)),
        "the old token was overwritten"
    );
}

#[test]
fn an_unusable_install_id_with_saved_connections_stops_the_start() {
    let stores = Namespaces {
        memory: MemoryStore::new(),
        listable: true,
    };
    let (root, folder, _) = folder_with_two_connections(stores.stores());
    std::fs::write(root.path().join("install-id"), "not an id").unwrap();
    let err = open(&folder, stores.stores())
        .err()
        .expect("the start stops");
    assert_eq!(err.code(), "install_id_unusable");
    assert_eq!(
        stores.memory.keys().len(),
        2,
        "the saved tokens are untouched"
    );
}

const DATA_VAR: &str = "BLINK_TEST_DATA_DIR";
const PREFIX_VAR: &str = "BLINK_TEST_SERVICE_PREFIX";

/// A credential store whose first write waits until the test lets it finish, so a second
/// process can start while an operation is half done.
struct SlowFirstWrite {
    inner: KeyringStore,
    gate: Mutex<Option<(mpsc::Sender<()>, mpsc::Receiver<()>)>>,
}

impl SecretStore for SlowFirstWrite {
    fn set(&self, key: &str, token: &ApiToken) -> AppResult<()> {
        let gate = self.gate.lock().unwrap().take();
        if let Some((entered, go)) = gate {
            entered.send(()).unwrap();
            go.recv_timeout(Duration::from_secs(60)).unwrap();
        }
        self.inner.set(key, token)
    }
    fn get(&self, key: &str) -> AppResult<Option<ApiToken>> {
        self.inner.get(key)
    }
    fn delete(&self, key: &str) -> AppResult<()> {
        self.inner.delete(key)
    }
    fn list_keys(&self) -> AppResult<Option<Vec<String>>> {
        self.inner.list_keys()
    }
}

#[test]
fn a_second_process_started_during_a_slow_credential_write_changes_nothing() {
    let Some(_) = real_store_or_skip("second_process") else {
        return;
    };
    let prefix = test_service("second_process");
    let root = tempfile::tempdir().unwrap();
    let folder = DataFolder::claim(root.path()).unwrap();
    let (entered_tx, entered) = mpsc::channel();
    let (go, go_rx) = mpsc::channel();
    let gate = Mutex::new(Some((entered_tx, go_rx)));
    let slow = Arc::new(SlowFirstWrite {
        inner: KeyringStore::with_service(&format!(
            "{prefix}.{}",
            folder.credential_namespace(false).unwrap()
        )),
        gate,
    });
    let opened = open(&folder, |_| Arc::clone(&slow) as Arc<dyn SecretStore>).unwrap();
    let connections = Arc::clone(&opened.connections);
    let create = std::thread::spawn(move || save(&connections, "Acme", tok(1)));
    entered
        .recv_timeout(Duration::from_secs(30))
        .expect("the create reached the credential store");

    let mut second = std::process::Command::new(std::env::current_exe().unwrap());
    second
        .args(child_args("startup::tests::child_second_launch"))
        .env(DATA_VAR, root.path())
        .env(PREFIX_VAR, &prefix);
    run_child(second, "child_second_launch");

    go.send(()).unwrap();
    let created = create
        .join()
        .unwrap()
        .expect("the first instance's create finished");
    assert_eq!(opened.connections.list().unwrap().len(), 1);
    assert_eq!(opened.connections.token(created.id).unwrap(), tok(1));
    let journal = opened
        .db
        .with(|c| secret_journal::pending(c, None))
        .unwrap();
    assert!(journal.is_empty(), "{journal:?}");
    opened.connections.delete(created.id).unwrap();
}

#[test]
#[ignore = "child process of its parent test"]
fn child_second_launch() {
    assert!(in_child(), "run by its parent test, not on its own");
    let path = PathBuf::from(std::env::var_os(DATA_VAR).unwrap());
    let stores = real_stores(std::env::var(PREFIX_VAR).unwrap());
    let started = DataFolder::claim(&path).and_then(|folder| open(&folder, &stores).map(|_| ()));
    assert_eq!(started.unwrap_err().code(), "data_folder_in_use");
}
