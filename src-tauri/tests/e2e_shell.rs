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

/// Starts the app binary a second time on `data` and waits (bounded) for it to exit;
/// `None` if it kept running (it is killed then).
async fn second_launch(
    app: &common::AppSession,
    data: &std::path::Path,
    env: &[(&str, &str)],
) -> Option<std::process::Output> {
    let mut second = std::process::Command::new(env!("CARGO_BIN_EXE_blink-connections"));
    second
        .env("BLINK_DATA_DIR", data)
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    if let Some(display) = app.display() {
        second.env("DISPLAY", display);
    }
    let mut second = second.spawn().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        if second.try_wait().unwrap().is_some() {
            return Some(second.wait_with_output().unwrap());
        }
        if std::time::Instant::now() > deadline {
            let _ = second.kill();
            let _ = second.wait();
            return None;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// What a second launch must leave alone: the database and its write-ahead log, byte for
/// byte (the `-shm` index changes with every read of the first instance, so it is left out).
fn database_files(data: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(data)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with("blink.sqlite3") && !name.ends_with("-shm")
        })
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[tokio::test]
async fn a_second_launch_hands_over_to_the_first_window_and_exits_cleanly() {
    let data = tempfile::tempdir().unwrap();
    let app = common::launch(data.path(), None).await;
    let before = database_files(data.path());
    let output = second_launch(&app, data.path(), &[])
        .await
        .expect("the second launch kept running beside the first");
    assert!(
        output.status.success(),
        "the second launch did not exit cleanly: {:?}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        database_files(data.path()),
        before,
        "the second launch touched the database"
    );
    let heading = app.wait_for("main h1").await.unwrap().text().await.unwrap();
    assert_eq!(heading, "Connections", "the first window is still there");
    app.close().await;
}

#[cfg(unix)]
#[tokio::test]
async fn without_a_session_bus_a_second_launch_still_exits_and_says_the_folder_is_in_use() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let app = common::launch(&data, None).await;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700, "the data folder is private");
    assert_eq!(
        mode(&data.join("blink.sqlite3")),
        0o600,
        "the database is private"
    );
    let before = database_files(&data);
    let no_bus = [(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/blink-no-bus",
    )];
    let output = second_launch(&app, &data, &no_bus)
        .await
        .expect("without a session bus the second launch kept running beside the first");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("(data_folder_in_use)"), "{stderr}");
    assert_eq!(
        database_files(&data),
        before,
        "the second launch touched the database"
    );
    let heading = app.wait_for("main h1").await.unwrap().text().await.unwrap();
    assert_eq!(heading, "Connections", "the first window is still there");
    app.close().await;
}
