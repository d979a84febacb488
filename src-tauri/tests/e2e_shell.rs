//! The app shell in the real window: the Connections page is the start page, and the
//! Settings cog's menu leads to it.

mod common;

#[tokio::test]
async fn the_app_opens_on_the_connections_page_with_add_connection() -> common::TestResult {
    let data = tempfile::tempdir()?;
    let app = common::launch(data.path(), None).await;
    let heading = app.wait_for("main h1").await?.text().await?;
    assert_eq!(heading, "Connections");
    let add = app.wait_for("#add-connection").await?;
    assert_eq!(add.text().await?, "Add Connection");
    assert!(add.is_displayed().await?);
    app.screenshot("connections-empty").await?;
    app.close().await;
    Ok(())
}

#[tokio::test]
async fn the_settings_cog_menu_opens_the_connections_page() {
    let data = tempfile::tempdir().unwrap();
    let app = common::launch(data.path(), None).await;
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

#[tokio::test]
async fn a_second_launch_hands_over_to_the_first_window_and_exits() {
    let data = tempfile::tempdir().unwrap();
    let app = common::launch(data.path(), None).await;
    let mut second = std::process::Command::new(env!("CARGO_BIN_EXE_blink-connections"));
    second.env("BLINK_DATA_DIR", data.path());
    if let Some(display) = app.display() {
        second.env("DISPLAY", display);
    }
    let mut second = second.spawn().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let status = loop {
        if let Some(status) = second.try_wait().unwrap() {
            break Some(status);
        }
        if std::time::Instant::now() > deadline {
            let _ = second.kill();
            break None;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(
        status.is_some(),
        "the second launch kept running beside the first"
    );
    let heading = app.wait_for("main h1").await.unwrap().text().await.unwrap();
    assert_eq!(heading, "Connections", "the first window is still there");
    app.close().await;
}
