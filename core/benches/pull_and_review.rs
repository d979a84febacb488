//! On-demand benchmark of pulling and reviewing (not part of the test suite):
//!
//! 1. requests a pull of a generated workspace set uses, against the minimum possible
//!    at the fake's page size, for a first pull and for a re-pull of the same range;
//! 2. ingest speed through the pull's own page commit (pages of 1,000, one transaction
//!    each, on a WAL database on disk with the app's settings): a first pull of 200,000
//!    entries in report order and in scattered order, then re-pulls with nothing
//!    changed, with 1% changed and with 1% deleted on Toggl (swept on the last page);
//! 3. latency of the entries table's first page (with its total count) and of the
//!    totals over 1,000,000 entries, for every filter, and of the weekly periods;
//! 4. the same review query while a pull commits pages on the writing connection;
//! 5. what opening that database costs at start-up (the quick check and migrations),
//!    against the full integrity check it no longer runs at start.
//!
//! `cargo bench -p blink-core --bench pull_and_review` (set `BENCH_INGEST` to change the
//! 200,000 of part 2, `BENCH_ENTRIES` the 1,000,000 of parts 3 to 5; `BENCH_ONLY=ingest`
//! runs parts 1 and 2 only).

mod common;

use blink_core::db::time_entries::{EntryRecord, SweepScope};
use blink_core::db::Db;
use blink_core::review::{
    entries_page, review_periods, totals, Filter, Grouping, PageRequest, PeriodRequest,
};
use blink_core::sync::fetch::PageData;
use blink_core::sync::pull;
use blink_fake_toggl::fake::Scenario;
use chrono::NaiveDate;
use common::pages::{commit_report_page, ReportStage};
use common::{bench_database, start_pull, synthetic_at, BenchPull};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

const PAGE: usize = 50;
/// The page size of the ingest measurements: the report's largest.
const INGEST_PAGE: usize = 1_000;

async fn requests_figures() {
    let (workspaces, users, entries) = (3, 12, 12_000);
    let scenario = Scenario::generated(11, workspaces, users, entries);
    let mut per_ws = std::collections::BTreeMap::new();
    for e in &scenario.time_entries {
        *per_ws.entry(e.workspace_id).or_insert(0usize) += 1;
    }
    let report_min: usize = per_ws.values().map(|n| n.div_ceil(PAGE).max(1)).sum();
    // per workspace at least: projects (active=both) 1, clients 1, tags 1, members 1
    let first_min = report_min + 4 * workspaces;
    let bench = BenchPull::start(scenario).await;
    let BenchPull {
        client,
        token,
        db,
        request,
        ..
    } = &bench;
    let cancel = AtomicBool::new(false);
    let started = Instant::now();
    let first = pull(db, client, token, request, &|_| {}, &cancel)
        .await
        .unwrap();
    let took = started.elapsed();
    let again = pull(db, client, token, request, &|_| {}, &cancel)
        .await
        .unwrap();
    println!("== requests ({workspaces} workspaces, {users} users, {entries} entries, report page size {PAGE})");
    println!(
        "first pull:  {} requests; minimum possible {} (report pages {} + 4 metadata per workspace); {:.2} s against the local fake",
        first.requests_used, first_min, report_min, took.as_secs_f64()
    );
    println!(
        "re-pull of the unchanged range: {} requests; minimum possible {workspaces} (one page of changes per workspace; metadata fresh)",
        again.requests_used
    );
}

/// Entry `i` of the generated set: starts scattered over 2025, so consecutive entries
/// land all over every start-ordered index.
fn synthetic(i: i64) -> EntryRecord {
    synthetic_at(i, 1_735_689_600 + (i * 31_537) % (365 * 86_400))
}

/// Commits `pages` as a pull does, one transaction per page with its cursor and
/// counters, the last page sweeping the year; returns the seconds taken.
fn commit_pages(db: &Db, c: i64, pull_id: i64, pages: &[PageData]) -> f64 {
    let started = Instant::now();
    for (n, data) in pages.iter().enumerate() {
        let last = n + 1 == pages.len();
        commit_report_page(
            db,
            ReportStage {
                connection_id: c,
                pull_id,
                workspace_id: 1,
            },
            data,
            (!last).then_some(n as i64 + 1),
            last.then_some(SweepScope {
                workspace_ids: &[1, 2, 3],
                user_id: None,
                start: 1_735_689_600,
                end: 1_767_225_600,
            }),
        );
    }
    started.elapsed().as_secs_f64()
}

fn in_pages(entries: Vec<EntryRecord>) -> Vec<PageData> {
    entries
        .chunks(INGEST_PAGE)
        .map(|page| PageData::Entries(page.to_vec()))
        .collect()
}

/// Part 2: entries per second through the pull's page commit.
fn ingest_rates(total: i64) {
    println!(
        "== ingest through the pull's page commit ({total} entries, pages of {INGEST_PAGE}, one transaction per page, WAL on disk)"
    );
    let rate = |seconds: f64| total as f64 / seconds;
    // A report lists its entries by start: 2025 in order, about 550 a day.
    let span = 365 * 86_400 / total.max(1);
    let in_order: Vec<EntryRecord> = (0..total)
        .map(|i| synthetic_at(i, 1_735_689_600 + i * span))
        .collect();
    let scattered: Vec<EntryRecord> = (0..total).map(synthetic).collect();
    for (name, entries) in [("report order", in_order), ("scattered starts", scattered)] {
        let dir = tempfile::tempdir().unwrap();
        let (db, c, first_pull) = bench_database(&dir.path().join("ingest.sqlite3"));
        let mut pages = in_pages(entries);
        let first = commit_pages(&db, c, first_pull, &pages);
        let again = commit_pages(&db, c, start_pull(&db, c), &pages);
        // 1% changed: every hundredth entry gets a new description, duration and tags.
        for page in &mut pages {
            let PageData::Entries(rows) = page else {
                unreachable!()
            };
            for e in rows.iter_mut().step_by(100) {
                e.description = Some(format!("Edited {}", e.id));
                e.duration = e.duration.map(|d| d + 60);
                e.stop = e.stop.map(|s| s + 60);
                e.tag_ids = vec![950];
            }
        }
        let changed = commit_pages(&db, c, start_pull(&db, c), &pages);
        // 1% gone on Toggl: the last page's sweep deletes them with their links.
        for page in &mut pages {
            let PageData::Entries(rows) = page else {
                unreachable!()
            };
            rows.retain(|e| e.id % 100 != 7);
        }
        let gone = commit_pages(&db, c, start_pull(&db, c), &pages);
        println!(
            "{name:<17} first pull {:>8.0} entries/s ({first:.2} s); re-pull unchanged {:>8.0} entries/s ({again:.2} s); 1% changed {:>8.0} entries/s ({changed:.2} s); 1% deleted {:>8.0} entries/s ({gone:.2} s)",
            rate(first),
            rate(again),
            rate(changed),
            rate(gone)
        );
    }
}

fn ingest_and_query(total: i64) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.sqlite3");
    let (db, c, pull_id) = bench_database(&path);
    let started = Instant::now();
    let mut i = 0;
    while i < total {
        let rows: Vec<EntryRecord> = (i..(i + INGEST_PAGE as i64).min(total))
            .map(synthetic)
            .collect();
        i += rows.len() as i64;
        let data = PageData::Entries(rows);
        commit_report_page(
            &db,
            ReportStage {
                connection_id: c,
                pull_id,
                workspace_id: 1,
            },
            &data,
            Some(i),
            None,
        );
    }
    let took = started.elapsed().as_secs_f64();
    println!("== filling the review database ({total} entries, pages of {INGEST_PAGE})");
    println!("{:.1} s, {:.0} rows/s", took, total as f64 / took);
    db.with(|conn| Ok(conn.execute_batch("ANALYZE")?)).unwrap();

    let month = |m: u32| Filter {
        start_date: NaiveDate::from_ymd_opt(2025, m, 1),
        end_date: NaiveDate::from_ymd_opt(2025, m, 28),
        ..Filter::default()
    };
    let cases: Vec<(&str, Filter)> = vec![
        ("no filter", Filter::default()),
        ("one month", month(6)),
        (
            "project",
            Filter {
                project_id: Some(105),
                ..Filter::default()
            },
        ),
        (
            "user + month",
            Filter {
                user_id: Some(7),
                ..month(3)
            },
        ),
        (
            "workspace + project + month",
            Filter {
                workspace_id: Some(2),
                project_id: Some(104),
                ..month(9)
            },
        ),
        (
            "client",
            Filter {
                client_id: Some(1_000),
                ..Filter::default()
            },
        ),
        (
            "billable + month",
            Filter {
                billable: Some(true),
                ..month(5)
            },
        ),
        (
            "tag",
            Filter {
                tag_id: Some(903),
                ..Filter::default()
            },
        ),
        (
            "tag + month",
            Filter {
                tag_id: Some(903),
                ..month(4)
            },
        ),
        (
            "text",
            Filter {
                text: Some("task 42 ".into()),
                ..Filter::default()
            },
        ),
        (
            "text + month",
            Filter {
                text: Some("TASK 42".into()),
                ..month(11)
            },
        ),
        (
            "text in 80% + month",
            Filter {
                text: Some("client work".into()),
                ..month(7)
            },
        ),
    ];
    println!(
        "== first page of 50 with total count, and totals, over {total} entries (median of 5, ms)"
    );
    for (name, filter) in cases {
        let page_ms = median(|| {
            let page = entries_page(&db, c, &filter, &PageRequest::first(50)).unwrap();
            std::hint::black_box(page.total_count);
        });
        let count = entries_page(&db, c, &filter, &PageRequest::first(50))
            .unwrap()
            .total_count;
        let totals_ms = median(|| {
            std::hint::black_box(totals(&db, c, &filter).unwrap());
        });
        println!(
            "{name:<30} page {page_ms:>8.1} ms   totals {totals_ms:>8.1} ms   ({count} matches)"
        );
    }
    let weeks = PeriodRequest {
        grouping: Grouping::Week,
        beginning_of_week: Some(1),
    };
    let quarter = Filter {
        start_date: NaiveDate::from_ymd_opt(2025, 4, 1),
        end_date: NaiveDate::from_ymd_opt(2025, 6, 30),
        ..Filter::default()
    };
    let periods_ms = median(|| {
        std::hint::black_box(review_periods(&db, &quarter, &weeks).unwrap());
    });
    println!(
        "{:<30} periods {periods_ms:>5.1} ms",
        "weeks of a quarter + previous"
    );
    println!("== review (first page and totals) while a pull writes");
    while_pulling(&db, c, pull_id, total);
    drop(db);
    start_up(&path, total);
}

/// The review's first page and totals while another thread commits pages of 50
/// entries as a pull does: reads run on their own connection in WAL mode, so they never
/// wait for the writer's lock.
fn while_pulling(db: &Db, c: i64, pull_id: i64, total: i64) {
    let july = |text: Option<&str>| Filter {
        text: text.map(str::to_string),
        start_date: NaiveDate::from_ymd_opt(2025, 7, 1),
        end_date: NaiveDate::from_ymd_opt(2025, 7, 31),
        ..Filter::default()
    };
    let mut next_id = total;
    for (name, filter) in [
        ("month", july(None)),
        ("text + month", july(Some("task 42"))),
    ] {
        let idle = median(|| {
            std::hint::black_box(entries_page(db, c, &filter, &PageRequest::first(50)).unwrap());
            std::hint::black_box(totals(db, c, &filter).unwrap());
        });
        let writing = AtomicBool::new(true);
        let mut latencies = Vec::new();
        let first = next_id;
        let pages = 100;
        next_id += pages * PAGE as i64;
        std::thread::scope(|scope| {
            scope.spawn(|| {
                for page in 0..pages {
                    let from = first + page * PAGE as i64;
                    let rows: Vec<EntryRecord> =
                        (from..from + PAGE as i64).map(synthetic).collect();
                    let data = PageData::Entries(rows);
                    commit_report_page(
                        db,
                        ReportStage {
                            connection_id: c,
                            pull_id,
                            workspace_id: 1,
                        },
                        &data,
                        Some(from + PAGE as i64),
                        None,
                    );
                }
                writing.store(false, std::sync::atomic::Ordering::SeqCst);
            });
            while writing.load(std::sync::atomic::Ordering::SeqCst) {
                let t = Instant::now();
                std::hint::black_box(
                    entries_page(db, c, &filter, &PageRequest::first(50)).unwrap(),
                );
                std::hint::black_box(totals(db, c, &filter).unwrap());
                latencies.push(t.elapsed().as_secs_f64() * 1000.0);
            }
        });
        latencies.sort_by(|a, b| a.total_cmp(b));
        let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
        println!(
            "{name:<14} while a pull commits {pages} pages of {PAGE}: {} queries, median {:.1} ms, slowest {:.1} ms (idle {idle:.1} ms)",
            latencies.len(),
            at(0.5),
            at(1.0)
        );
    }
}

/// Opening the database as start-up does, and the full check it leaves for when it is
/// asked for.
fn start_up(path: &std::path::Path, total: i64) {
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    println!(
        "== start-up on the database of {total} entries ({:.0} MB, median of 5, ms)",
        bytes as f64 / 1e6
    );
    let open_ms = median(|| {
        std::hint::black_box(Db::open(path).unwrap());
    });
    let db = Db::open(path).unwrap().db;
    let full_ms = median(|| {
        assert!(db.integrity_problems().unwrap().is_empty());
    });
    println!("open (quick_check + migrations)   {open_ms:>8.1} ms");
    println!("full integrity_check (on request) {full_ms:>8.1} ms");
}

fn median(mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..5)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(|a, b| a.total_cmp(b));
    times[2]
}

fn main() {
    let total: i64 = std::env::var("BENCH_ENTRIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(requests_figures());
    let ingest: i64 = std::env::var("BENCH_INGEST")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    ingest_rates(ingest);
    if std::env::var("BENCH_ONLY").as_deref() != Ok("ingest") {
        ingest_and_query(total);
    }
}
