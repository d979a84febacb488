//! The installed package, not the build tree: starts the binary a system package put on
//! disk (e.g. `/usr/bin/blink-connections` from the .deb) in a real window and checks it
//! opens on the Connections page. Ignored by default because it needs the package
//! installed first; `./dev.sh package` builds, installs, runs this test and removes it.
#![cfg(target_os = "linux")]

use blink_fake_toggl::e2e::{AppSession, LaunchOptions};

const APP_VAR: &str = "BLINK_APP_UNDER_TEST";

#[tokio::test]
#[ignore = "needs the installed package; run by ./dev.sh package"]
async fn the_installed_app_opens_on_the_connections_page() {
    let app = std::env::var_os(APP_VAR)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| panic!("set {APP_VAR} to the installed binary"));
    assert!(app.is_file(), "{} is not installed", app.display());
    let data = tempfile::tempdir().unwrap();
    let options = || LaunchOptions {
        app,
        data_dir: data.path().to_path_buf(),
        toggl_url: None,
        app_identifier: blink_core::data_dir::APP_IDENTIFIER,
    };
    let session = AppSession::launch(options()).await.unwrap();
    let heading = session.wait_for("main h1").await.unwrap();
    assert_eq!(heading.text().await.unwrap(), "Connections");
    let add = session.wait_for("#add-connection").await.unwrap();
    assert_eq!(add.text().await.unwrap(), "Add Connection");
    assert!(add.is_displayed().await.unwrap());
    session.close().await;
    assert!(
        data.path().join("blink.sqlite3").is_file(),
        "the installed app did not use BLINK_DATA_DIR"
    );
}
