//! Start-up with a large database. An app that exits in order (its window closed, or a
//! termination request) leaves the database recorded as closed cleanly, and the next
//! start uses that record instead of checking every page. The measurement of how long the Connections page takes to appear with a
//! million pulled entries, against the same app on an empty data folder in one run,
//! writes a large database, so it is ignored by default:
//!
//! `cargo test -p blink-connections --test e2e_startup_speed -- --ignored --nocapture`

mod common;

use blink_core::db::{synthetic, Db};
use std::path::Path;
use std::time::{Duration, Instant};

const ENTRIES: i64 = 1_000_000;
const STARTS: usize = 3;
const CLEAN_CLOSE_RECORD: &str = "blink.sqlite3.closed-cleanly";

/// The app process started on `data`: the app binary with `BLINK_DATA_DIR=data`.
fn app_process(data: &Path) -> Option<String> {
    let app = std::fs::canonicalize(env!("CARGO_BIN_EXE_blink-connections")).ok()?;
    let wanted = format!("BLINK_DATA_DIR={}", data.display());
    std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .find_map(|entry| {
            let dir = entry.path();
            let exe = std::fs::read_link(dir.join("exe")).ok()?;
            let environ = std::fs::read(dir.join("environ")).ok()?;
            let ours = exe == app
                && environ
                    .split(|b| *b == 0)
                    .any(|var| var == wanted.as_bytes());
            ours.then(|| entry.file_name().to_string_lossy().into_owned())
        })
}

/// Asks the app to terminate, as a logout or shutdown does, and waits (bounded) for it to
/// record the clean close of its database; returns whether it did.
async fn terminate(app: common::AppSession, data: &Path) -> bool {
    let record = data.join(CLEAN_CLOSE_RECORD);
    let pid = app_process(data).expect("the app process is found");
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    let deadline = Instant::now() + Duration::from_secs(15);
    while !record.exists() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    app.close().await;
    record.exists()
}

#[tokio::test]
async fn closing_the_window_records_a_clean_close_that_the_next_start_takes() -> common::TestResult
{
    let data = tempfile::tempdir()?;
    let app = common::launch(data.path(), None).await;
    app.wait_for("#connections-empty").await?;
    assert!(
        terminate(app, data.path()).await,
        "no clean-close record after the window closed"
    );
    let app = common::launch(data.path(), None).await;
    app.wait_for("#connections-empty").await?;
    assert!(
        !data.path().join(CLEAN_CLOSE_RECORD).exists(),
        "the start took the record"
    );
    app.close().await;
    Ok(())
}

/// Time from launching the app to its Connections page showing `ready` (a CSS selector);
/// the app is then ended as a logout ends it.
async fn time_to_page(data: &Path, ready: &str) -> Duration {
    let started = Instant::now();
    let app = common::launch(data, None).await;
    app.wait_for(ready)
        .await
        .expect("the Connections page shows");
    let took = started.elapsed();
    terminate(app, data).await;
    took
}

async fn median_start(data: &Path, ready: &str) -> Duration {
    let mut times = Vec::new();
    for _ in 0..STARTS {
        times.push(time_to_page(data, ready).await);
    }
    println!("  starts: {times:?}");
    times.sort();
    times[STARTS / 2]
}

#[tokio::test]
#[ignore = "a measurement: writes a database of a million entries"]
async fn with_a_million_entries_the_connections_page_shows_within_one_and_a_half_times_an_empty_start(
) -> common::TestResult {
    let empty = tempfile::tempdir()?;
    // The first window of a run also warms WebKit's and the system's caches: not counted.
    time_to_page(empty.path(), "#connections-empty").await;
    println!("empty data folder");
    let baseline = median_start(empty.path(), "#connections-empty").await;

    let heavy = tempfile::tempdir()?;
    time_to_page(heavy.path(), "#connections-empty").await;
    let path = heavy.path().join("blink.sqlite3");
    let writing = Instant::now();
    let db = Db::open(&path)?.db;
    synthetic::connection_with_entries(&db, "Heavy", ENTRIES)?;
    db.close_cleanly()?;
    drop(db);
    let size = std::fs::metadata(&path)?.len();
    println!(
        "{ENTRIES} entries written in {:?}, {:.0} MB",
        writing.elapsed(),
        size as f64 / 1e6
    );
    let loaded = median_start(heavy.path(), "#connection-list li").await;

    std::fs::remove_file(heavy.path().join(CLEAN_CLOSE_RECORD))?;
    let after_a_crash = time_to_page(heavy.path(), "#connection-list li").await;
    println!("  after a crash (quick check runs): {after_a_crash:?}");

    let ratio = loaded.as_secs_f64() / baseline.as_secs_f64();
    println!("empty start {baseline:?}, with {ENTRIES} entries {loaded:?}: {ratio:.2}x");
    assert!(ratio <= 1.5, "{ratio:.2}x the empty start");
    Ok(())
}
