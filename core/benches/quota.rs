//! On-demand benchmark of what a pull costs on Toggl's hourly quota (not part of the
//! test suite):
//!
//! 1. storing: entries per second through the pull's own page commit on a WAL database
//!    on disk, with the app's `synchronous=NORMAL` and with `FULL` (an fsync per page)
//!    for comparison, at the report's default page of 50 and at pages of 1,000;
//! 2. requests and simulated hours on a Free plan's 30 an hour, for 3 workspaces ×
//!    12,000 entries: a first pull and a re-pull after 1% of the entries changed (edits,
//!    additions, deletions), each against its floor, and what the estimate said before.
//!
//! `cargo bench -p blink-core --bench quota` (set `BENCH_ENTRIES` to change the 200,000
//! entries stored).

mod common;

use blink_core::db::time_entries::EntryRecord;
use blink_core::db::{pulls, Db};
use blink_core::domain::AccessReport;
use blink_core::sync::fetch::PageData;
use blink_core::sync::store::{commit_page, PageCommit};
use blink_core::sync::{estimate, pull, StageKind};
use blink_fake_toggl::fake::Scenario;
use chrono::NaiveDate;
use common::{connection, BenchPull};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

/// Requests an hour of a Free plan (organization bucket).
const FREE_PER_HOUR: f64 = 30.0;

/// Entry `i` of `total`, in the order the detailed report serves them: by start time.
fn synthetic(i: i64, total: i64) -> EntryRecord {
    let start = 1_735_689_600 + i * (365 * 86_400) / total.max(1);
    let tags = (0..(i % 3)).map(|t| 900 + (i + t) % 10).collect();
    EntryRecord {
        id: 10_000_000 + i,
        workspace_id: 1 + i % 3,
        project_id: (i % 7 != 0).then_some(100 + i % 20),
        task_id: None,
        user_id: Some(1 + i % 25),
        user_name: Some(format!("User {}", 1 + i % 25)),
        description: (i % 5 != 0).then(|| format!("Task {} for client work", i % 997)),
        start,
        stop: Some(start + 60 + i % 7200),
        duration: Some(60 + i % 7200),
        billable: Some(i % 2 == 0),
        tag_ids: tags,
        at: Some("2025-12-31T00:00:00Z".into()),
        money: None,
    }
}

/// Entries per second stored through [`commit_page`], one transaction per page. The
/// rows are built before the clock starts: only storing is measured.
fn store_rate(total: i64, page: usize, synchronous: &str) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("bench.sqlite3")).unwrap().db;
    db.with(|c| Ok(c.pragma_update(None, "synchronous", synchronous)?))
        .unwrap();
    let access: AccessReport = serde_json::from_value(serde_json::json!({
        "user": {"id": 1, "fullname": "Bench", "email": "bench@example.test", "timezone": null},
        "organizations": [], "workspaces": [], "verdict": {"kind": "refused"},
        "checked_at": "2026-01-01T00:00:00Z"
    }))
    .unwrap();
    let c = connection(&db, &access);
    let pull_id = db
        .transaction(|tx| {
            let id = pulls::insert(
                tx,
                c,
                NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
                NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
            )?;
            pulls::plan_stage(tx, id, 1, StageKind::ReportEntries.as_str())?;
            Ok(id)
        })
        .unwrap();
    let pages: Vec<PageData> = (0..total)
        .collect::<Vec<_>>()
        .chunks(page)
        .map(|ids| PageData::Entries(ids.iter().map(|i| synthetic(*i, total)).collect()))
        .collect();
    let started = Instant::now();
    for (n, data) in pages.iter().enumerate() {
        commit_page(
            &db,
            &PageCommit {
                connection_id: c,
                pull_id,
                workspace_id: 1,
                kind: StageKind::ReportEntries,
                data,
                next: Some(n as i64 + 1),
                requests: 1,
                sweep_entries: None,
                sweep_meta: None,
                metadata_complete_at: None,
                cursor_detail: None,
                notices: None,
            },
        )
        .unwrap();
    }
    total as f64 / started.elapsed().as_secs_f64()
}

fn storing(total: i64) {
    println!("== storing {total} entries through the page commit (WAL on disk), entries/s");
    for page in [50, 1000] {
        let normal = store_rate(total, page, "NORMAL");
        let full = store_rate(total, page, "FULL");
        println!(
            "pages of {page:>4}: synchronous=NORMAL {normal:>9.0}   (FULL, an fsync per page: {full:>9.0})"
        );
    }
}

/// Edits, adds and deletes `share` of the entries, a third each.
fn change_entries(s: &mut Scenario, share: f64) -> usize {
    let n = (s.time_entries.len() as f64 * share).round() as usize;
    let third = n / 3;
    for e in s.time_entries.iter_mut().step_by(97).take(third) {
        e.description = Some("edited after the first pull".into());
    }
    let next_id = s.time_entries.iter().map(|e| e.id).max().unwrap_or(0) + 1;
    let template = s.time_entries[0].clone();
    for i in 0..third {
        let mut added = template.clone();
        added.id = next_id + i as i64;
        added.description = Some(format!("added {i}"));
        s.time_entries.push(added);
    }
    let deleted = n - 2 * third;
    for _ in 0..deleted {
        s.time_entries.remove(5);
    }
    n
}

fn hours(requests: u64) -> f64 {
    requests as f64 / FREE_PER_HOUR
}

async fn quota_figures() {
    let (workspaces, users, per_workspace) = (3usize, 12usize, 12_000usize);
    let entries = workspaces * per_workspace;
    let bench = BenchPull::start(Scenario::generated(11, workspaces, users, entries)).await;
    let page = blink_core::toggl::endpoints::REPORT_PAGE_SIZE as usize;
    let BenchPull {
        fake,
        client,
        token,
        db,
        request,
        ..
    } = &bench;
    let cancel = AtomicBool::new(false);
    let per_ws_counts = {
        let s = fake.scenario();
        let mut counts = std::collections::BTreeMap::new();
        for e in &s.time_entries {
            *counts.entry(e.workspace_id).or_insert(0usize) += 1;
        }
        counts
    };
    let floor_pages = |size: usize| -> usize {
        per_ws_counts
            .values()
            .map(|n| n.div_ceil(size).max(1))
            .sum()
    };
    // Metadata per workspace at least: projects, clients, tags, members.
    let metadata = 4 * workspaces;

    let said = estimate(db, client, request).unwrap();
    let first = pull(db, client, token, request, &|_| {}, &cancel)
        .await
        .unwrap();
    let changed = {
        let mut n = 0;
        fake.update_scenario(|s| n = change_entries(s, 0.01));
        n
    };
    let said_again = estimate(db, client, request).unwrap();
    let again = pull(db, client, token, request, &|_| {}, &cancel)
        .await
        .unwrap();

    println!("== requests on a Free plan ({FREE_PER_HOUR} an hour): {workspaces} workspaces × {per_workspace} entries, report page {page}");
    println!(
        "first pull: {} requests = {:.1} h; estimate said {} ({}); floor at page {page}: {} = {:.1} h; floor at page 1000: {} = {:.1} h",
        first.requests_used,
        hours(first.requests_used),
        said.requests,
        said.source.as_str(),
        floor_pages(page) + metadata,
        hours((floor_pages(page) + metadata) as u64),
        floor_pages(1000) + metadata,
        hours((floor_pages(1000) + metadata) as u64),
    );
    let changed_pages = changed.div_ceil(1000);
    println!(
        "re-pull after {changed} changes (1%): {} requests = {:.1} h; estimate said {} ({}); floor: {} per workspace + {changed_pages} changed pages = {} = {:.1} h",
        again.requests_used,
        hours(again.requests_used),
        said_again.requests,
        said_again.source.as_str(),
        workspaces,
        workspaces + changed_pages,
        hours((workspaces + changed_pages) as u64),
    );
}

fn main() {
    let total: i64 = std::env::var("BENCH_ENTRIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    storing(total);
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(quota_figures());
}
