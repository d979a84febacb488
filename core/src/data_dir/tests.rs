use super::*;
use crate::db::Db;

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn the_identifier_is_the_one_tauri_is_configured_with() {
    let conf: serde_json::Value =
        serde_json::from_str(include_str!("../../../src-tauri/tauri.conf.json")).unwrap();
    assert_eq!(conf["identifier"], APP_IDENTIFIER);
    let data_dir = default_data_dir().expect("HOME or XDG_DATA_HOME is set in tests");
    assert!(data_dir.ends_with(APP_IDENTIFIER), "{}", data_dir.display());
}

#[cfg(unix)]
#[test]
fn the_folder_and_the_files_the_app_creates_in_it_are_private() {
    let root = tempfile::tempdir().unwrap();
    set_mode(root.path(), 0o755);
    let path = root.path().join("data");
    let folder = DataFolder::claim(&path).unwrap();
    assert_eq!(mode(&path), 0o700);
    assert_eq!(mode(&path.join(LOCK_FILE)), 0o600);

    let db = Db::open(&folder.database_path()).unwrap().db;
    crate::db::test_faults::write_something(&db);
    assert_eq!(mode(&folder.database_path()), 0o600);
    assert_eq!(mode(&path.join("blink.sqlite3-wal")), 0o600);
    folder.credential_namespace(false).unwrap();
    assert_eq!(mode(&path.join(INSTALL_ID_FILE)), 0o600);
    let form = crate::ticket::TicketForm {
        tried: "a start".into(),
        expected: "a window".into(),
        got: "a window".into(),
    };
    let context = crate::ticket::TicketContext {
        app_version: "1.0.0".into(),
        os: "linux".into(),
        recent_error_codes: Vec::new(),
    };
    let ticket = crate::ticket::save_ticket(&path, &form, &context, chrono::Utc::now()).unwrap();
    assert_eq!(mode(&ticket), 0o600);
    assert_eq!(mode(ticket.parent().unwrap()), 0o700);
    for folder_name in ["logs", "exports"] {
        let dir = path.join(folder_name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("file"), "x").unwrap();
        assert_eq!(mode(&dir), 0o700, "{folder_name}");
        assert_eq!(mode(&dir.join("file")), 0o600, "{folder_name}");
    }
}

#[cfg(unix)]
#[test]
fn what_an_older_version_left_readable_is_made_private_and_other_files_are_left_alone() {
    let root = tempfile::tempdir().unwrap();
    let path = root.path().join("data");
    std::fs::create_dir_all(path.join("logs")).unwrap();
    let db = path.join(DATABASE_FILE);
    let log = path.join("logs/blink.log");
    let theirs = path.join("notes.txt");
    for file in [&db, &log, &theirs] {
        std::fs::write(file, "x").unwrap();
        set_mode(file, 0o644);
    }
    set_mode(&path.join("logs"), 0o755);
    set_mode(&path, 0o755);

    let _folder = DataFolder::claim(&path).unwrap();
    assert_eq!(mode(&path), 0o700);
    assert_eq!(mode(&path.join("logs")), 0o700);
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(&log), 0o600);
    assert_eq!(mode(&theirs), 0o644, "not the app's file");
}

#[test]
fn a_folder_claimed_elsewhere_is_refused_with_its_own_code_and_freed_on_drop() {
    let root = tempfile::tempdir().unwrap();
    let first = DataFolder::claim(root.path()).unwrap();
    let second = DataFolder::claim(root.path()).unwrap_err();
    assert_eq!(second.code(), "data_folder_in_use");
    assert!(second.to_string().contains("already running"), "{second}");
    drop(first);
    DataFolder::claim(root.path()).expect("free again once the holder is gone");
}

#[test]
fn the_install_id_is_made_once_in_its_exact_format_and_kept() {
    let root = tempfile::tempdir().unwrap();
    let folder = DataFolder::claim(root.path()).unwrap();
    let namespace = folder.credential_namespace(false).unwrap();
    let id = std::fs::read_to_string(root.path().join(INSTALL_ID_FILE)).unwrap();
    assert_eq!(parse_install_id(&id), Some(id.as_str()));
    assert_eq!(namespace, format!("{APP_IDENTIFIER}.{id}"));
    assert_eq!(folder.credential_namespace(true).unwrap(), namespace);
    let names: Vec<_> = std::fs::read_dir(root.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.contains("tmp")),
        "no temporary file left: {names:?}"
    );
}

#[test]
fn only_32_lowercase_hex_digits_are_an_install_id() {
    let good = "0123456789abcdef0123456789abcdef";
    assert_eq!(parse_install_id(good), Some(good));
    assert_eq!(parse_install_id(&format!("{good}\n")), Some(good));
    for bad in [
        "",
        "abc",
        "0123456789abcdef0123456789abcde",
        "0123456789abcdef0123456789abcdef0",
        "0123456789ABCDEF0123456789ABCDEF",
        " 0123456789abcdef0123456789abcdef",
        "0123456789abcdef0123456789abcdeg",
        "0123456789abcdef0123456789abcdef\n\n",
    ] {
        assert_eq!(parse_install_id(bad), None, "{bad:?}");
    }
}

#[test]
fn an_unusable_install_id_is_replaced_while_no_connection_depends_on_it() {
    let root = tempfile::tempdir().unwrap();
    let path = root.path().join(INSTALL_ID_FILE);
    std::fs::write(&path, "abc").unwrap();
    let folder = DataFolder::claim(root.path()).unwrap();
    let namespace = folder.credential_namespace(false).unwrap();
    let id = std::fs::read_to_string(&path).unwrap();
    assert_eq!(id.len(), INSTALL_ID_LEN);
    assert_eq!(namespace, format!("{APP_IDENTIFIER}.{id}"));
}

#[test]
fn with_connections_an_unusable_install_id_stops_the_start_and_is_left_as_found() {
    let root = tempfile::tempdir().unwrap();
    let path = root.path().join(INSTALL_ID_FILE);
    let folder = DataFolder::claim(root.path()).unwrap();

    let missing = folder.credential_namespace(true).unwrap_err();
    assert_eq!(missing.code(), "install_id_unusable");
    assert!(missing.to_string().contains("missing"), "{missing}");
    assert!(!path.exists(), "no new id made up for saved connections");

    std::fs::write(&path, "abc").unwrap();
    let damaged = folder.credential_namespace(true).unwrap_err();
    assert_eq!(damaged.code(), "install_id_unusable");
    assert!(damaged.to_string().contains("damaged"), "{damaged}");
    assert!(damaged.to_string().contains("restore"), "{damaged}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "abc");
}

#[cfg(unix)]
#[test]
fn a_new_install_id_replaces_the_file_whole_instead_of_writing_into_it() {
    let root = tempfile::tempdir().unwrap();
    let path = root.path().join(INSTALL_ID_FILE);
    std::fs::write(&path, "damaged").unwrap();
    let witness = root.path().join("witness");
    std::fs::hard_link(&path, &witness).unwrap();
    let folder = DataFolder::claim(root.path()).unwrap();
    folder.credential_namespace(false).unwrap();
    assert_eq!(
        std::fs::read_to_string(&witness).unwrap(),
        "damaged",
        "the old file was written in place, so a crash could leave half an id"
    );
    assert_ne!(std::fs::read_to_string(&path).unwrap(), "damaged");
}
