//! On-demand benchmark of the review page at a million entries (not part of the test
//! suite). A WAL database on disk, opened as the app opens it, holds two connections'
//! synthetic entries (nine tenths and one tenth of the total, spread over workspaces,
//! projects, clients, users, tags, descriptions, billable time and two currencies; see
//! `db::synthetic`). It measures, through the review calls the page makes:
//!
//! 1. for every review filter (connections, range, workspace, project, client, user,
//!    tag, text, billable, combinations), the first page of 50 with its total count and
//!    the totals, as the median of several runs after a warm-up; the filter choices and
//!    the weekly periods beside them;
//! 2. the same reads on the read connection while a pull commits pages of 1,000 entries
//!    through its own commit path, against the same reads idle;
//! 3. a read while the writer holds its write lock with a page written but not
//!    committed: it must answer at once, from the last committed state.
//!
//! `cargo bench -p blink-core --features synthetic-data --bench review_at_scale`
//! (`BENCH_ENTRIES` changes the 1,000,000, `BENCH_RUNS` the 7 timed runs,
//! `BENCH_COMMIT_PAGES` the 200 pages committed during the reads).

#[path = "common/pages.rs"]
mod pages;

use blink_core::db::time_entries::{self, EntryRecord, Money};
use blink_core::db::{pulls, synthetic, Db};
use blink_core::review::{
    review_filter_options, review_page, review_periods, review_totals, Filter, Grouping,
    PageRequest, PeriodRequest,
};
use blink_core::sync::fetch::PageData;
use blink_core::sync::StageKind;
use chrono::NaiveDate;
use pages::{commit_report_page, ReportStage};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The page size of the review page's table.
const PAGE_SIZE: u32 = 50;
/// Entries per page a pull commits in the concurrent measurement.
const COMMIT_PAGE: i64 = 1_000;
/// The targets: a filter's first page plus its totals, and the totals over everything.
const FILTER_TARGET_MS: f64 = 50.0;
const EVERYTHING_TARGET_MS: f64 = 100.0;

fn env_or(name: &str, default: i64) -> i64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn month() -> Filter {
    Filter {
        start_date: day(2025, 6, 1),
        end_date: day(2025, 6, 30),
        ..Filter::default()
    }
}

struct Bench {
    db: Db,
    runs: usize,
    /// The connection with nine tenths of the entries, and the other.
    big: i64,
    small: i64,
}

impl Bench {
    /// Median milliseconds of `runs` calls after one warm-up call.
    fn median(&self, mut f: impl FnMut()) -> f64 {
        f();
        let mut times: Vec<f64> = (0..self.runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(|a, b| a.total_cmp(b));
        times[times.len() / 2]
    }

    fn page_and_totals(&self, filter: &Filter) {
        let page = review_page(&self.db, filter, &PageRequest::first(PAGE_SIZE)).unwrap();
        std::hint::black_box(page.total_count);
        std::hint::black_box(review_totals(&self.db, filter).unwrap());
    }

    fn count(&self, filter: &Filter) -> u64 {
        review_page(&self.db, filter, &PageRequest::first(1))
            .unwrap()
            .total_count
    }

    /// The filters measured, with values read from the data through the review's own
    /// calls: the largest workspace, project, client, user and tag (the most rows to
    /// count and sum), a common word, a ticket number, a two-letter text.
    fn cases(&self) -> Vec<(String, Filter, f64)> {
        let all = Filter::default();
        let totals = review_totals(&self.db, &all).unwrap();
        let options = review_filter_options(&self.db, &all).unwrap();
        let biggest = |rows: &[blink_core::review::TotalRow]| {
            rows.iter().find_map(|r| r.id).expect("a group with an id")
        };
        let project = biggest(&totals.by_project);
        let client = biggest(&totals.by_client);
        let user = biggest(&totals.by_user);
        let workspace = options
            .workspaces
            .iter()
            .map(|w| {
                let filter = Filter {
                    workspace_id: Some(w.id),
                    ..all.clone()
                };
                (self.count(&filter), w.id)
            })
            .max()
            .map(|(_, id)| id)
            .unwrap();
        let tag = options
            .tags
            .iter()
            .map(|t| {
                let filter = Filter {
                    tag_id: Some(t.id),
                    ..all.clone()
                };
                (self.count(&filter), t.id)
            })
            .max()
            .map(|(_, id)| id)
            .unwrap();
        let in_workspace = Filter {
            workspace_id: Some(workspace),
            ..all.clone()
        };
        let ws_totals = review_totals(&self.db, &in_workspace).unwrap();
        let ws_project = biggest(&ws_totals.by_project);
        let ws_user = biggest(
            &review_totals(
                &self.db,
                &Filter {
                    project_id: Some(ws_project),
                    ..in_workspace.clone()
                },
            )
            .unwrap()
            .by_user,
        );
        let text = |t: &str| Filter {
            text: Some(t.into()),
            ..all.clone()
        };
        let f = FILTER_TARGET_MS;
        vec![
            (
                "everything (both connections)".into(),
                all.clone(),
                EVERYTHING_TARGET_MS,
            ),
            (
                "connections: the smaller".into(),
                Filter {
                    connection_ids: vec![self.small],
                    ..all.clone()
                },
                f,
            ),
            (
                "connections: the larger".into(),
                Filter {
                    connection_ids: vec![self.big],
                    ..all.clone()
                },
                EVERYTHING_TARGET_MS,
            ),
            (
                "connections: both, named".into(),
                Filter {
                    connection_ids: vec![self.big, self.small],
                    ..all.clone()
                },
                EVERYTHING_TARGET_MS,
            ),
            ("range: one month".into(), month(), f),
            (
                "range: one year".into(),
                Filter {
                    start_date: day(2025, 1, 1),
                    end_date: day(2025, 12, 31),
                    ..all.clone()
                },
                f,
            ),
            ("workspace (largest)".into(), in_workspace.clone(), f),
            (
                "project (largest)".into(),
                Filter {
                    project_id: Some(project),
                    ..all.clone()
                },
                f,
            ),
            (
                "client (largest)".into(),
                Filter {
                    client_id: Some(client),
                    ..all.clone()
                },
                f,
            ),
            (
                "user (busiest)".into(),
                Filter {
                    user_id: Some(user),
                    ..all.clone()
                },
                f,
            ),
            (
                "tag (most used)".into(),
                Filter {
                    tag_id: Some(tag),
                    ..all.clone()
                },
                f,
            ),
            ("text: common words".into(), text("invoice export"), f),
            ("text: a ticket number".into(), text("#4242"), f),
            ("text: two letters".into(), text("ap"), f),
            (
                "billable: yes".into(),
                Filter {
                    billable: Some(true),
                    ..all.clone()
                },
                f,
            ),
            (
                "billable: no".into(),
                Filter {
                    billable: Some(false),
                    ..all.clone()
                },
                f,
            ),
            (
                "combination: ws+project+user+month+billable".into(),
                Filter {
                    connection_ids: vec![self.big, self.small],
                    project_id: Some(ws_project),
                    user_id: Some(ws_user),
                    billable: Some(true),
                    ..Filter {
                        workspace_id: Some(workspace),
                        ..month()
                    }
                },
                f,
            ),
            (
                "combination: tag+text+year".into(),
                Filter {
                    tag_id: Some(tag),
                    text: Some("review".into()),
                    start_date: day(2025, 1, 1),
                    end_date: day(2025, 12, 31),
                    ..all.clone()
                },
                f,
            ),
            (
                "combination: client+billable+month".into(),
                Filter {
                    client_id: Some(client),
                    billable: Some(true),
                    ..month()
                },
                f,
            ),
        ]
    }

    fn table(&self) {
        println!(
            "\n== review at {} entries: first page of {PAGE_SIZE} with its count, and totals (median of {} after a warm-up, ms)",
            self.count(&Filter {
                connection_ids: vec![self.big, self.small],
                utc_offset_minutes: 0,
                ..Filter::default()
            }),
            self.runs
        );
        println!(
            "| {:<44} | {:>8} | {:>9} | {:>9} | {:>9} | {:>6} |",
            "filter", "matches", "page", "totals", "sum", "target"
        );
        println!(
            "|{:-<46}|{:-<10}|{:-<11}|{:-<11}|{:-<11}|{:-<8}|",
            "", "", "", "", "", ""
        );
        for (name, filter, target) in self.cases() {
            let matches = self.count(&filter);
            let page = self.median(|| {
                let page = review_page(&self.db, &filter, &PageRequest::first(PAGE_SIZE)).unwrap();
                std::hint::black_box(page.total_count);
            });
            let totals = self.median(|| {
                std::hint::black_box(review_totals(&self.db, &filter).unwrap());
            });
            let sum = page + totals;
            // Over everything, the target is the totals' alone.
            let measured = if target == EVERYTHING_TARGET_MS {
                totals
            } else {
                sum
            };
            let mark = if measured < target { "" } else { " MISS" };
            println!(
                "| {name:<44} | {matches:>8} | {page:>9.1} | {totals:>9.1} | {sum:>9.1} | {:>4.0}{mark:<2} |",
                target
            );
        }
        let options = self.median(|| {
            std::hint::black_box(review_filter_options(&self.db, &Filter::default()).unwrap());
        });
        let weeks = PeriodRequest {
            grouping: Grouping::Week,
            beginning_of_week: None,
        };
        let months = PeriodRequest {
            grouping: Grouping::Month,
            beginning_of_week: None,
        };
        let periods_month = self.median(|| {
            std::hint::black_box(review_periods(&self.db, &month(), &weeks).unwrap());
        });
        let periods_all = self.median(|| {
            std::hint::black_box(review_periods(&self.db, &Filter::default(), &months).unwrap());
        });
        println!("filter choices (all connections)           {options:>9.1} ms");
        println!("weeks of one month + previous               {periods_month:>9.1} ms");
        println!("months of everything + previous             {periods_all:>9.1} ms");
    }
}

/// The year the concurrent pull fills: before the synthetic data, so the filters read
/// while it commits match the same rows throughout.
fn pulled_year() -> Filter {
    Filter {
        start_date: day(2021, 1, 1),
        end_date: day(2021, 12, 31),
        ..Filter::default()
    }
}

/// A pulled entry as the detailed report gives it, with an id after the synthetic ones,
/// in [`pulled_year`], untagged and described unlike the synthetic entries.
fn pulled(connection: i64, workspace: i64, n: i64) -> EntryRecord {
    let start = 1_609_459_200 + (n * 7_919) % (365 * 86_400);
    let duration = 300 + (n * 37) % 7_200;
    let billable = n % 3 != 0;
    EntryRecord {
        id: connection * 100_000_000 + 50_000_000 + n,
        workspace_id: workspace,
        project_id: Some(workspace * 100 + n % 20),
        task_id: None,
        user_id: Some(synthetic::user_id(connection, n % synthetic::USERS)),
        user_name: Some(format!("Pulled User {}", n % synthetic::USERS)),
        description: Some(format!("Pulled entry {n}")),
        start,
        stop: Some(start + duration),
        duration: Some(duration),
        billable: Some(billable),
        tag_ids: Vec::new(),
        at: Some("2026-01-02T00:00:00Z".into()),
        money: billable.then(|| Money {
            amount_cents: Some(duration * 5_000 / 3_600),
            hourly_rate_cents: Some(5_000),
            currency: Some("EUR".into()),
        }),
    }
}

/// One pull's page of 1,000 entries, committed as the pull commits it.
struct Puller<'a> {
    db: &'a Db,
    connection: i64,
    workspace: i64,
    pull_id: i64,
    next: i64,
}

impl<'a> Puller<'a> {
    /// A new pull whose entries are numbered from `first` on.
    fn new(db: &'a Db, connection: i64, first: i64) -> Puller<'a> {
        let workspace = synthetic::workspace_id(connection, 0);
        let pull_id = db
            .transaction(|tx| {
                let id = pulls::insert(
                    tx,
                    connection,
                    NaiveDate::from_ymd_opt(2021, 1, 1).unwrap(),
                    NaiveDate::from_ymd_opt(2021, 12, 31).unwrap(),
                )?;
                pulls::plan_stage(tx, id, workspace, StageKind::ReportEntries.as_str())?;
                Ok(id)
            })
            .unwrap();
        Puller {
            db,
            connection,
            workspace,
            pull_id,
            next: first,
        }
    }

    fn page(&mut self) -> Vec<EntryRecord> {
        let from = self.next;
        self.next += COMMIT_PAGE;
        (from..self.next)
            .map(|n| pulled(self.connection, self.workspace, n))
            .collect()
    }

    fn commit(&mut self) {
        let data = PageData::Entries(self.page());
        commit_report_page(
            self.db,
            ReportStage {
                connection_id: self.connection,
                pull_id: self.pull_id,
                workspace_id: self.workspace,
            },
            &data,
            Some(self.next),
            None,
        );
    }
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

/// Count, median, 95th percentile and slowest of `latencies` (ms), each a `what`.
fn describe(latencies: &mut [f64], what: &str) -> String {
    if latencies.is_empty() {
        return format!("no {what}");
    }
    latencies.sort_by(|a, b| a.total_cmp(b));
    format!(
        "{:>4} {what}, median {:>6.1} ms, p95 {:>6.1} ms, slowest {:>6.1} ms",
        latencies.len(),
        quantile(latencies, 0.5),
        quantile(latencies, 0.95),
        quantile(latencies, 1.0)
    )
}

impl Bench {
    /// Review reads while another thread commits `pages` pages of 1,000 entries
    /// through the pull's commit path, the filters taken in turn; reads that began while
    /// a commit held the write lock are reported apart: had they waited for it, they
    /// would take as long as the rest of that commit.
    fn while_pulling(&self, pages: usize) {
        println!(
            "\n== review reads (first page + totals) while a pull commits {pages} pages of {COMMIT_PAGE}"
        );
        let tag = review_filter_options(&self.db, &Filter::default())
            .unwrap()
            .tags[0]
            .id;
        let filters = [
            ("range: one month", month()),
            (
                "text + month",
                Filter {
                    text: Some("invoice export".into()),
                    ..month()
                },
            ),
            (
                "tag",
                Filter {
                    tag_id: Some(tag),
                    ..Filter::default()
                },
            ),
        ];
        let idle: Vec<f64> = filters
            .iter()
            .map(|(_, filter)| self.median(|| self.page_and_totals(filter)))
            .collect();
        let mut puller = Puller::new(&self.db, self.big, 0);
        let writing = AtomicBool::new(true);
        let in_commit = AtomicBool::new(false);
        let mut during: Vec<(Vec<f64>, Vec<f64>)> = vec![Default::default(); filters.len()];
        let mut commits = std::thread::scope(|scope| {
            let writer = scope.spawn(|| {
                let mut commits = Vec::with_capacity(pages);
                for _ in 0..pages {
                    in_commit.store(true, Ordering::SeqCst);
                    let t = Instant::now();
                    puller.commit();
                    commits.push(t.elapsed().as_secs_f64() * 1000.0);
                    in_commit.store(false, Ordering::SeqCst);
                }
                writing.store(false, Ordering::SeqCst);
                commits
            });
            let mut turn = 0;
            while writing.load(Ordering::SeqCst) {
                let (_, filter) = &filters[turn % filters.len()];
                let began_in_commit = in_commit.load(Ordering::SeqCst);
                let t = Instant::now();
                self.page_and_totals(filter);
                let ms = t.elapsed().as_secs_f64() * 1000.0;
                let (inside, outside) = &mut during[turn % filters.len()];
                if began_in_commit { inside } else { outside }.push(ms);
                turn += 1;
            }
            writer.join().unwrap()
        });
        println!(
            "page commits:               {}",
            describe(&mut commits, "commits")
        );
        for (((name, _), idle), (inside, outside)) in filters.iter().zip(idle).zip(&mut during) {
            let mut all: Vec<f64> = inside.iter().chain(outside.iter()).copied().collect();
            println!("{name}: idle median {idle:.1} ms");
            println!(
                "  during the pull:          {}",
                describe(&mut all, "reads")
            );
            println!("  begun inside a commit:    {}", describe(inside, "reads"));
        }
    }

    /// The writer holds its write lock with a page of 1,000 entries written but not
    /// committed; a review read on the read connection must answer meanwhile (were it to
    /// wait for the lock, it would wait the writer's 30 s out) and see only committed rows.
    fn during_an_open_write(&self) {
        println!("\n== a review read while the writer holds its write lock");
        let filter = Filter {
            connection_ids: vec![self.big],
            ..month()
        };
        let pulled_range = Filter {
            connection_ids: vec![self.big],
            ..pulled_year()
        };
        let before = self.count(&pulled_range);
        let idle = self.median(|| self.page_and_totals(&filter));
        let (locked_tx, locked_rx) = mpsc::channel();
        let (done_tx, done_rx) = mpsc::channel::<()>();
        let mut puller = Puller::new(&self.db, self.big, 10_000_000);
        let page = puller.page();
        let (db, big, pull_id, page) = (&self.db, self.big, puller.pull_id, &page);
        let (read_ms, seen) = std::thread::scope(|scope| {
            let writer = scope.spawn(move || {
                db.transaction(|tx| {
                    time_entries::upsert(tx, big, pull_id, page)?;
                    locked_tx.send(()).unwrap();
                    let waited = done_rx.recv_timeout(Duration::from_secs(30));
                    assert!(waited.is_ok(), "the read never answered");
                    Ok(())
                })
                .unwrap();
            });
            locked_rx.recv().unwrap();
            let t = Instant::now();
            self.page_and_totals(&filter);
            let seen = self.count(&pulled_range);
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            done_tx.send(()).unwrap();
            writer.join().unwrap();
            (ms, seen)
        });
        let after = self.count(&pulled_range);
        println!(
            "month of the larger connection: read (page + totals + count) took {read_ms:.1} ms \
             with the write lock held (idle page + totals {idle:.1} ms); in the pull's year it \
             saw {seen} entries, the committed {before}; after the commit {after}"
        );
        assert_eq!(seen, before, "the read saw uncommitted rows");
        assert_eq!(after, before + COMMIT_PAGE as u64);
    }
}

/// Figures on a shared machine depend on what else runs: say how busy it was.
fn print_load() {
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!("load average: {}", load.trim());
    }
}

fn main() {
    let total = env_or("BENCH_ENTRIES", 1_000_000);
    let runs = env_or("BENCH_RUNS", 7).max(1) as usize;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("blink.sqlite3");
    let t = Instant::now();
    let db = Db::open(&path).unwrap().db;
    let big_entries = total * 9 / 10;
    let big = synthetic::connection_with_entries(&db, "Agency", big_entries).unwrap();
    let small = synthetic::connection_with_entries(&db, "Studio", total - big_entries).unwrap();
    db.close_cleanly().unwrap();
    drop(db);
    println!(
        "== {total} synthetic entries written in {:.1} s ({:.0} MB)",
        t.elapsed().as_secs_f64(),
        std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) as f64 / 1e6
    );
    print_load();
    // Opened again as the app opens it at start.
    let db = Db::open(&path).unwrap().db;
    let bench = Bench {
        db,
        runs,
        big,
        small,
    };
    bench.table();
    print_load();
    bench.while_pulling(env_or("BENCH_COMMIT_PAGES", 200).max(1) as usize);
    bench.during_an_open_write();
}
