//! The app shell in the real window: the Connections page is the start page, and the
//! Settings cog's menu leads to it.

use blink_fake_toggl::e2e::{AppSession, LaunchOptions};

fn options(data_dir: &std::path::Path) -> LaunchOptions {
    LaunchOptions {
        app: env!("CARGO_BIN_EXE_blink-connections").into(),
        data_dir: data_dir.to_path_buf(),
        toggl_url: None,
    }
}

#[tokio::test]
async fn the_app_opens_on_the_connections_page_with_add_connection() {
    let data = tempfile::tempdir().unwrap();
    let app = AppSession::launch(options(data.path())).await.unwrap();
    let heading = app.wait_for("main h1").await.unwrap().text().await.unwrap();
    assert_eq!(heading, "Connections");
    let add = app.wait_for("#add-connection").await.unwrap();
    assert_eq!(add.text().await.unwrap(), "Add Connection");
    assert!(add.is_displayed().await.unwrap());
    app.screenshot("connections-empty").await.unwrap();
    app.close().await;
}

#[tokio::test]
async fn the_settings_cog_menu_opens_the_connections_page() {
    let data = tempfile::tempdir().unwrap();
    let app = AppSession::launch(options(data.path())).await.unwrap();
    app.click("#settings-button").await.unwrap();
    app.click("#menu-about").await.unwrap();
    app.wait_for_text("main h1", "About").await.unwrap();
    app.wait_for_text("#about-version", env!("CARGO_PKG_VERSION"))
        .await
        .unwrap();
    app.click("#settings-button").await.unwrap();
    let item = app.wait_for("#menu-connections").await.unwrap();
    assert_eq!(item.text().await.unwrap(), "Connections");
    item.click().await.unwrap();
    app.wait_for_text("main h1", "Connections").await.unwrap();
    app.close().await;
}
