//! On-demand benchmark of what a pull costs on Toggl's hourly quota (not part of the
//! test suite):
//!
//! 1. storing: entries per second through the pull's own page commit on a WAL database
//!    on disk, with the app's `synchronous=NORMAL` and with `FULL` (an fsync per page)
//!    for comparison, at the report's default page of 50 and at pages of 1,000;
//! 2. requests and simulated hours on a Free plan's 30 an hour, for 3 workspaces ×
//!    12,000 entries served in report pages of up to 1,000: a first pull (counted on
//!    Toggl first, the count's pages reused) and a re-pull after 1% of the entries
//!    changed (edits, additions, deletions), each against its floor, and what the
//!    estimate said before.
//!
//! `cargo bench -p blink-core --bench quota` (set `BENCH_ENTRIES` to change the 200,000
//! entries stored).

mod common;

use blink_core::db::time_entries::EntryRecord;
use blink_core::sync::count::count;
use blink_core::sync::fetch::PageData;
use blink_core::sync::page_sizes::PageSizes;
use blink_core::sync::{estimate, estimate_counted, pull, pull_with_first_pages};
use blink_core::toggl::endpoints::REPORT_LARGE_PAGE_SIZE;
use blink_fake_toggl::fake::{Scenario, Shape};
use common::pages::{commit_report_page, ReportStage};
use common::{bench_database, synthetic_at, BenchPull};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

/// Requests an hour of a Free plan (organization bucket).
const FREE_PER_HOUR: f64 = 30.0;

/// Entry `i` of `total`, in the order the detailed report serves them: by start time.
fn synthetic(i: i64, total: i64) -> EntryRecord {
    synthetic_at(i, 1_735_689_600 + i * (365 * 86_400) / total.max(1))
}

/// Entries per second stored through [`commit_page`], one transaction per page. The
/// rows are built before the clock starts: only storing is measured.
fn store_rate(total: i64, page: usize, synchronous: &str) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let (db, c, pull_id) = bench_database(&dir.path().join("bench.sqlite3"));
    db.with(|c| Ok(c.pragma_update(None, "synchronous", synchronous)?))
        .unwrap();
    let pages: Vec<PageData> = (0..total)
        .collect::<Vec<_>>()
        .chunks(page)
        .map(|ids| PageData::Entries(ids.iter().map(|i| synthetic(*i, total)).collect()))
        .collect();
    let started = Instant::now();
    for (n, data) in pages.iter().enumerate() {
        commit_report_page(
            &db,
            ReportStage {
                connection_id: c,
                pull_id,
                workspace_id: 1,
            },
            data,
            Some(n as i64 + 1),
            None,
        );
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
    let max_page = REPORT_LARGE_PAGE_SIZE as usize;
    let shape = Shape {
        report_max_page_size: max_page,
        ..Shape::default()
    };
    let scenario = Scenario::generated(11, workspaces, users, entries).with_shape(shape);
    let bench = BenchPull::start(scenario).await;
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
    // Metadata per workspace at least: active and archived projects, clients, tags, members.
    let metadata = 5 * workspaces;

    let said = estimate(db, client, request).unwrap();
    let sizes = PageSizes::load(db, request.connection_id).unwrap();
    let counted = count(client, token, request, &sizes).await.unwrap();
    let count_requests = counted.workspaces.len() as u64;
    let said_counted = estimate_counted(db, client, request, Some(&counted)).unwrap();
    let first_pages = counted.into_pages();
    let first = pull_with_first_pages(db, client, token, request, &|_| {}, &cancel, &first_pages)
        .await
        .unwrap();
    let first_total = first.requests_used + count_requests;
    let changed = {
        let mut n = 0;
        fake.update_scenario(|s| n = change_entries(s, 0.01));
        n
    };
    let said_again = estimate(db, client, request).unwrap();
    let again = pull(db, client, token, request, &|_| {}, &cancel)
        .await
        .unwrap();

    println!(
        "== requests on a Free plan ({FREE_PER_HOUR} an hour): {workspaces} workspaces × {per_workspace} entries, report pages of up to {max_page}"
    );
    let first_floor = floor_pages(max_page) + metadata;
    println!(
        "first pull: {first_total} requests ({count_requests} of them the count's first pages) = {:.1} h; floor: {} pages + {metadata} metadata = {first_floor} = {:.1} h; at pages of 50 it would be {} = {:.1} h",
        hours(first_total),
        floor_pages(max_page),
        hours(first_floor as u64),
        floor_pages(50) + metadata,
        hours((floor_pages(50) + metadata) as u64),
    );
    println!(
        "  estimate before: {} ({}); after counting: {} more ({}, {} entries)",
        said.requests,
        said.source.as_str(),
        said_counted.requests,
        said_counted.source.as_str(),
        said_counted.entries.unwrap_or(0),
    );
    let changed_pages = changed.div_ceil(max_page);
    let again_floor = workspaces + changed_pages;
    println!(
        "re-pull after {changed} changes (1%): {} requests = {:.1} h; floor: {workspaces} per workspace + {changed_pages} changed pages = {again_floor} = {:.1} h; estimate said {} ({})",
        again.requests_used,
        hours(again.requests_used),
        hours(again_floor as u64),
        said_again.requests,
        said_again.source.as_str(),
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
