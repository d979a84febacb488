//! The OS credential store through the `keyring` crate: macOS Keychain, Windows
//! Credential Manager, the Secret Service (GNOME Keyring, KWallet) on Linux.

use super::SecretStore;
use crate::error::{AppError, AppResult};
use crate::token::ApiToken;
use std::sync::Mutex;

/// Neither Windows nor the Secret Service serialize concurrent access to one
/// credential, so every call goes through the one mutex held here. Keep a single
/// `KeyringStore` per process. Entries are filed under one service name (the data
/// folder's credential namespace); an entry's user name is the key.
pub struct KeyringStore {
    service: String,
    lock: Mutex<()>,
}

impl KeyringStore {
    /// A store whose entries are filed under `service`.
    pub fn with_service(service: &str) -> Self {
        Self {
            service: service.to_string(),
            lock: Mutex::new(()),
        }
    }

    fn call<T>(
        &self,
        key: &str,
        f: impl FnOnce(&keyring::Entry) -> keyring::Result<T>,
    ) -> AppResult<T> {
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let entry = self.entry(key).map_err(map_error)?;
        f(&entry).map_err(map_error)
    }

    /// On Linux the entry gets a label a person recognises in Seahorse or KWallet.
    #[cfg(target_os = "linux")]
    fn entry(&self, key: &str) -> keyring::Result<keyring::Entry> {
        let mut credential =
            keyring::secret_service::SsCredential::new_with_target(None, &self.service, key)?;
        credential.label = format!("Blink Connections: Toggl API token ({key})");
        Ok(keyring::Entry::new_with_credential(Box::new(credential)))
    }

    /// The user names of every item filed under this service, locked ones included
    /// (the Secret Service shows attributes without unlocking).
    #[cfg(target_os = "linux")]
    fn keys(&self) -> AppResult<Vec<String>> {
        use dbus_secret_service::{EncryptionType, SecretService};
        let platform =
            |e: dbus_secret_service::Error| map_error(keyring::Error::PlatformFailure(Box::new(e)));
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        // Only attributes are read, never a secret, so no encrypted session is needed.
        let service = SecretService::connect(EncryptionType::Plain).map_err(platform)?;
        let search = std::collections::HashMap::from([("service", self.service.as_str())]);
        let found = service.search_items(search).map_err(platform)?;
        let mut keys = Vec::new();
        for item in found.unlocked.iter().chain(found.locked.iter()) {
            if let Some(user) = item.get_attributes().map_err(platform)?.remove("username") {
                keys.push(user);
            }
        }
        keys.sort();
        Ok(keys)
    }

    #[cfg(not(target_os = "linux"))]
    fn entry(&self, key: &str) -> keyring::Result<keyring::Entry> {
        keyring::Entry::new(&self.service, key)
    }
}

impl SecretStore for KeyringStore {
    fn set(&self, key: &str, token: &ApiToken) -> AppResult<()> {
        self.call(key, |e| e.set_password(token.expose()))
    }

    fn get(&self, key: &str) -> AppResult<Option<ApiToken>> {
        let stored = self.call(key, |e| match e.get_password() {
            Ok(text) => Ok(Some(text)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(other) => Err(other),
        })?;
        stored
            .map(|text| {
                ApiToken::parse(&text).map_err(|_| AppError::CredentialStoreUnavailable {
                    detail: "the saved entry does not hold a Toggl API token".into(),
                })
            })
            .transpose()
    }

    fn delete(&self, key: &str) -> AppResult<()> {
        self.call(key, |e| match e.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(other) => Err(other),
        })
    }

    #[cfg(target_os = "linux")]
    fn list_keys(&self) -> AppResult<Option<Vec<String>>> {
        self.keys().map(Some)
    }

    #[cfg(not(target_os = "linux"))]
    fn list_keys(&self) -> AppResult<Option<Vec<String>>> {
        Ok(None)
    }
}

/// Keyring errors carry platform text (D-Bus messages and the like), never the secret;
/// it is shortened and passed on so a support ticket shows what the platform said.
fn map_error(error: keyring::Error) -> AppError {
    let text = match &error {
        keyring::Error::NoStorageAccess(inner) | keyring::Error::PlatformFailure(inner) => {
            inner.to_string()
        }
        keyring::Error::Ambiguous(_) => "several saved entries match one connection".into(),
        other => other.to_string(),
    };
    let lowered = text.to_lowercase();
    if lowered.contains("locked") || lowered.contains("prompt") {
        return AppError::CredentialStoreLocked;
    }
    let detail = if lowered.contains("no result found") {
        "no default keyring exists yet (create or unlock the login keyring)".to_string()
    } else {
        shorten(&text)
    };
    AppError::CredentialStoreUnavailable { detail }
}

fn shorten(text: &str) -> String {
    const MAX: usize = 160;
    let line = text.lines().next().unwrap_or_default().trim();
    match line.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_string(),
    }
}

/// Helpers for tests that need the real credential store or a broken one in a child
/// process (environment changes must not leak into other tests of this process).
#[cfg(test)]
pub(crate) mod test_support {
    use super::KeyringStore;
    use crate::secrets::SecretStore;
    use crate::token::ApiToken;
    use std::process::Command;

    pub const REQUIRE_VAR: &str = "BLINK_REQUIRE_KEYRING";
    pub const CHILD_VAR: &str = "BLINK_KEYRING_CHILD";

    pub fn keyring_required() -> bool {
        std::env::var_os(REQUIRE_VAR).is_some_and(|v| v == "1")
    }

    pub fn in_child() -> bool {
        std::env::var_os(CHILD_VAR).is_some()
    }

    /// A store under a service name of its own, so parallel tests never collide.
    pub fn test_store(test: &str) -> KeyringStore {
        KeyringStore::with_service(&test_service(test))
    }

    /// The service name [`test_store`] files its entries under.
    pub fn test_service(test: &str) -> String {
        format!(
            "{}.test.{test}.{}",
            crate::data_dir::APP_IDENTIFIER,
            std::process::id()
        )
    }

    /// Whether the real store works here; with `BLINK_REQUIRE_KEYRING=1` it must.
    pub fn real_store_or_skip(test: &str) -> Option<KeyringStore> {
        let store = test_store(test);
        let probe = ApiToken::parse("feedfacefeedfacefeedfacefeedface").unwrap();
        match store
            .set("probe", &probe)
            .and_then(|_| store.delete("probe"))
        {
            Ok(()) => Some(store),
            Err(e) if keyring_required() => {
                panic!("{REQUIRE_VAR}=1 but the credential store does not work: {e}")
            }
            Err(e) => {
                eprintln!("skipping {test}: credential store not usable here ({e}); set {REQUIRE_VAR}=1 to require it");
                None
            }
        }
    }

    /// Runs one test of this binary in a child process, under `command` (the test
    /// binary itself, or a wrapper such as `dbus-run-session`), and asserts it passed.
    pub fn run_child(mut command: Command, inner_test: &str) {
        let output = command
            .env(CHILD_VAR, "1")
            .output()
            .expect("start the child test process");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() && stdout.contains("1 passed"),
            "child test {inner_test} failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
        );
    }

    /// The arguments that make the test binary run exactly `inner_test`, an `#[ignore]`d
    /// child that only its parent runs (a normal run lists it as ignored, never as passed).
    pub fn child_args(inner_test: &str) -> Vec<String> {
        vec![
            "--exact".into(),
            inner_test.into(),
            "--ignored".into(),
            "--test-threads=1".into(),
            "--nocapture".into(),
        ]
    }

    /// The current test binary, run for `inner_test` with no reachable session bus.
    pub fn without_session_bus(inner_test: &str) -> Command {
        let mut command = Command::new(std::env::current_exe().unwrap());
        command
            .args(child_args(inner_test))
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/blink-no-bus",
            )
            .env_remove("DBUS_LAUNCHD_SESSION_BUS_SOCKET")
            .env("DISPLAY", "");
        command
    }

    /// The current test binary in a fresh D-Bus session whose keyring daemon is started
    /// without being unlocked, or `None` (with the reason) when that cannot be set up.
    pub fn with_locked_keyring(inner_test: &str) -> Result<(Command, tempfile::TempDir), String> {
        let has = |tool: &str| {
            Command::new("sh")
                .args(["-c", &format!("command -v {tool}")])
                .output()
                .is_ok_and(|o| o.status.success())
        };
        for tool in ["dbus-run-session", "gnome-keyring-daemon"] {
            if !has(tool) {
                return Err(format!("{tool} is not installed"));
            }
        }
        let home = tempfile::tempdir().map_err(|e| e.to_string())?;
        let runtime = home.path().join("run");
        let data = home.path().join("data");
        std::fs::create_dir_all(&runtime).map_err(|e| e.to_string())?;
        std::fs::create_dir_all(&data).map_err(|e| e.to_string())?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700))
                .map_err(|e| e.to_string())?;
        }
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let mut command = Command::new("dbus-run-session");
        command
            .arg("--")
            .arg("sh")
            .arg("-c")
            .arg("gnome-keyring-daemon --start --components=secrets >/dev/null 2>&1; exec \"$@\"")
            .arg("sh")
            .arg(exe)
            .args(child_args(inner_test))
            .env("XDG_RUNTIME_DIR", &runtime)
            .env("XDG_DATA_HOME", &data)
            .env("HOME", home.path())
            .env("DISPLAY", "");
        Ok((command, home))
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;

    fn token(hex: &str) -> ApiToken {
        ApiToken::parse(hex).unwrap()
    }

    #[test]
    fn real_keyring_round_trips_replaces_and_deletes_an_entry() {
        let Some(store) = real_store_or_skip("round_trip") else {
            return;
        };
        let first = token("0123456789abcdef0123456789abcdef");
        let second = token("abcdefabcdefabcdefabcdefabcdef00");
        assert_eq!(store.get("c1-0").unwrap(), None);
        store.set("c1-0", &first).unwrap();
        assert_eq!(store.get("c1-0").unwrap(), Some(first));
        store.set("c1-0", &second).unwrap();
        assert_eq!(store.get("c1-0").unwrap(), Some(second));
        store.delete("c1-0").unwrap();
        assert_eq!(store.get("c1-0").unwrap(), None);
        store.delete("c1-0").unwrap();
    }

    #[test]
    fn real_keyring_keeps_entries_of_different_keys_apart_across_threads() {
        let Some(store) = real_store_or_skip("threads") else {
            return;
        };
        let store = std::sync::Arc::new(store);
        let handles: Vec<_> = (0..4)
            .map(|i| {
                let store = store.clone();
                std::thread::spawn(move || {
                    let t = token(&format!("{i:0>32}"));
                    let key = format!("k{i}");
                    store.set(&key, &t).unwrap();
                    assert_eq!(store.get(&key).unwrap(), Some(t));
                    store.delete(&key).unwrap();
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
    }

    #[test]
    fn without_a_session_bus_every_call_says_the_store_is_unavailable() {
        if cfg!(not(target_os = "linux")) {
            return;
        }
        run_child(
            without_session_bus("secrets::keyring_store::tests::child_without_session_bus"),
            "child_without_session_bus",
        );
    }

    #[test]
    #[ignore = "child process of its parent test"]
    fn child_without_session_bus() {
        assert!(in_child(), "run by its parent test, not on its own");
        let store = test_store("no_bus");
        let t = token("0123456789abcdef0123456789abcdef");
        for result in [
            store.set("x", &t),
            store.get("x").map(|_| ()),
            store.delete("x"),
        ] {
            let err = result.unwrap_err();
            assert_eq!(err.code(), "credential_store_unavailable", "{err}");
            assert!(err.to_string().contains("GNOME Keyring"));
            assert!(!err.to_string().contains(t.expose()));
        }
    }

    #[test]
    fn with_a_locked_keyring_writes_are_refused_with_a_clear_error() {
        if cfg!(not(target_os = "linux")) {
            return;
        }
        match with_locked_keyring("secrets::keyring_store::tests::child_with_locked_keyring") {
            Ok((command, _home)) => run_child(command, "child_with_locked_keyring"),
            Err(why) if keyring_required() => panic!("{REQUIRE_VAR}=1 but {why}"),
            Err(why) => eprintln!("skipping: {why}"),
        }
    }

    #[test]
    #[ignore = "child process of its parent test"]
    fn child_with_locked_keyring() {
        assert!(in_child(), "run by its parent test, not on its own");
        let store = test_store("locked");
        let t = token("0123456789abcdef0123456789abcdef");
        let err = store.set("x", &t).unwrap_err();
        eprintln!("locked keyring said: {err:?}");
        assert!(
            matches!(
                err.code(),
                "credential_store_locked" | "credential_store_unavailable"
            ),
            "{err:?}"
        );
        assert!(!matches!(store.get("x"), Ok(Some(_))));
    }

    #[test]
    fn platform_errors_are_mapped_to_short_clear_codes() {
        let locked = map_error(keyring::Error::NoStorageAccess(
            "Secret Service: object locked".into(),
        ));
        assert_eq!(locked, AppError::CredentialStoreLocked);
        let long = "x".repeat(500);
        let unavailable = map_error(keyring::Error::PlatformFailure(long.into()));
        match unavailable {
            AppError::CredentialStoreUnavailable { detail } => {
                assert!(detail.chars().count() <= 161)
            }
            other => panic!("{other:?}"),
        }
    }
}
