use super::*;
use crate::db::metadata::{self, ClientRecord, ProjectRecord, TagRecord};
use crate::db::time_entries::{upsert, EntryRecord};
use crate::db::Db;
use crate::domain::{AccessReport, Privacy, TogglUser, Verdict, WorkspaceAccess};
use crate::sync::test_support::add_connection;
use chrono::{NaiveDate, TimeZone, Utc};

pub(super) fn access() -> AccessReport {
    let ws = |id: i64, name: &str| WorkspaceAccess {
        id,
        name: name.into(),
        organization_id: None,
        role: "admin".into(),
    };
    AccessReport {
        user: TogglUser {
            id: 1,
            fullname: "Ann".into(),
            email: "ann@example.test".into(),
            timezone: None,
        },
        organizations: vec![],
        workspaces: vec![ws(10, "Alpha"), ws(20, "Beta")],
        verdict: Verdict::WorkspaceAdmin {
            workspaces: vec!["Alpha".into()],
        },
        checked_at: Utc::now(),
        beginning_of_week: 1,
    }
}

pub(super) fn project(id: i64, ws: i64, client: Option<i64>, name: &str) -> ProjectRecord {
    ProjectRecord {
        id,
        workspace_id: ws,
        client_id: client,
        name: name.into(),
        active: true,
        color: None,
        billable: None,
        rate_cents: None,
        currency: None,
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn entry(
    id: i64,
    ws: i64,
    project: Option<i64>,
    user: (i64, &str),
    description: Option<&str>,
    start: &str,
    duration: Option<i64>,
    tags: &[i64],
) -> EntryRecord {
    let start = chrono::DateTime::parse_from_rfc3339(start)
        .unwrap()
        .timestamp();
    EntryRecord {
        id,
        workspace_id: ws,
        project_id: project,
        task_id: None,
        user_id: Some(user.0),
        user_name: Some(user.1.into()),
        description: description.map(str::to_string),
        start,
        stop: duration.map(|d| start + d),
        duration,
        billable: Some(false),
        tag_ids: tags.to_vec(),
        at: None,
        money: None,
    }
}

/// Two workspaces, three projects (two with clients), two tags, two users, five
/// entries; the last is running.
fn known_data() -> (Db, i64) {
    known_data_in(Db::open_in_memory().unwrap())
}

fn known_data_in(db: Db) -> (Db, i64) {
    let access = access();
    let c = add_connection(&db, "Review", &Privacy::SharedWithWorkspace, &access);
    let ann = (1, "Ann");
    let bob = (2, "Bob");
    db.transaction(|tx| {
        metadata::upsert_workspaces(tx, c, &access.workspaces)?;
        metadata::upsert_projects(
            tx,
            c,
            1,
            &[
                project(100, 10, Some(1000), "Website"),
                project(101, 10, None, "Internal"),
            ],
        )?;
        metadata::upsert_projects(tx, c, 1, &[project(200, 20, Some(2000), "Mobile")])?;
        let client = |id, workspace_id, name: &str| ClientRecord {
            id,
            workspace_id,
            name: name.into(),
            archived: false,
        };
        metadata::upsert_clients(tx, c, 1, &[client(1000, 10, "Acme")])?;
        metadata::upsert_clients(tx, c, 1, &[client(2000, 20, "Globex")])?;
        let tag = |id, name: &str| TagRecord {
            id,
            workspace_id: 10,
            name: name.into(),
        };
        metadata::upsert_tags(tx, c, 1, &[tag(7, "urgent"), tag(8, "review")])?;
        upsert(
            tx,
            c,
            1,
            &[
                entry(
                    1,
                    10,
                    Some(100),
                    ann,
                    Some("Fix login bug"),
                    "2025-11-03T09:00:00Z",
                    Some(3600),
                    &[7],
                ),
                entry(
                    2,
                    10,
                    Some(100),
                    bob,
                    Some("Design review, \"v2\""),
                    "2025-11-03T23:30:00Z",
                    Some(1800),
                    &[7, 8],
                ),
                entry(
                    3,
                    10,
                    Some(101),
                    ann,
                    Some("Standup"),
                    "2025-11-04T08:00:00Z",
                    Some(900),
                    &[],
                ),
                entry(
                    4,
                    20,
                    Some(200),
                    bob,
                    Some("ÉCLAIR app\nrelease"),
                    "2025-11-05T10:00:00Z",
                    Some(7200),
                    &[],
                ),
                entry(5, 20, None, ann, None, "2025-11-06T12:00:00Z", None, &[]),
            ],
        )?;
        Ok(())
    })
    .unwrap();
    (db, c)
}

fn ids(db: &Db, c: i64, filter: &Filter) -> Vec<i64> {
    entries_page(db, c, filter, &PageRequest::first(100))
        .unwrap()
        .rows
        .iter()
        .map(|r| r.id)
        .collect()
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 11, d).unwrap()
}

#[test]
fn totals_group_seconds_by_project_user_client_and_day() {
    let (db, c) = known_data();
    let t = totals(&db, c, &Filter::default()).unwrap();
    assert_eq!((t.seconds, t.entries), (13_500, 5));
    let pairs = |rows: &[TotalRow]| {
        rows.iter()
            .map(|r| (r.name.clone(), r.seconds))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        pairs(&t.by_project),
        [
            ("Mobile".into(), 7200),
            ("Website".into(), 5400),
            ("Internal".into(), 900),
            ("(no project)".into(), 0)
        ]
    );
    assert_eq!(
        pairs(&t.by_user),
        [("Bob".into(), 9000), ("Ann".into(), 4500)]
    );
    assert_eq!(
        pairs(&t.by_client),
        [
            ("Globex".into(), 7200),
            ("Acme".into(), 5400),
            ("(no client)".into(), 900)
        ]
    );
    let days: Vec<_> = t
        .by_day
        .iter()
        .map(|d| (d.day.as_str(), d.seconds))
        .collect();
    assert_eq!(
        days,
        [
            ("2025-11-03", 5400),
            ("2025-11-04", 900),
            ("2025-11-05", 7200),
            ("2025-11-06", 0)
        ]
    );
}

#[test]
fn days_follow_the_viewers_offset_from_utc() {
    let (db, c) = known_data();
    let east = Filter {
        utc_offset_minutes: 120,
        ..Filter::default()
    };
    let t = totals(&db, c, &east).unwrap();
    assert_eq!(t.by_day[0].day, "2025-11-03");
    assert_eq!((t.by_day[0].seconds, t.by_day[1].seconds), (3600, 2700));
    let only_4th = Filter {
        start_date: Some(day(4)),
        end_date: Some(day(4)),
        ..east
    };
    assert_eq!(ids(&db, c, &only_4th), [3, 2]);
}

#[test]
fn each_filter_narrows_the_table_and_the_totals() {
    let (db, c) = known_data();
    let f = |change: fn(&mut Filter)| {
        let mut filter = Filter::default();
        change(&mut filter);
        filter
    };
    assert_eq!(ids(&db, c, &Filter::default()), [5, 4, 3, 2, 1]);
    assert_eq!(ids(&db, c, &f(|f| f.tag_id = Some(7))), [2, 1]);
    assert_eq!(ids(&db, c, &f(|f| f.tag_id = Some(8))), [2]);
    assert_eq!(ids(&db, c, &f(|f| f.text = Some("éclair".into()))), [4]);
    assert_eq!(ids(&db, c, &f(|f| f.text = Some(" REVIEW ".into()))), [2]);
    assert_eq!(ids(&db, c, &f(|f| f.project_id = Some(100))), [2, 1]);
    assert_eq!(
        ids(
            &db,
            c,
            &f(|f| {
                f.user_id = Some(1);
                f.workspace_id = Some(10)
            })
        ),
        [3, 1]
    );
    assert_eq!(
        ids(
            &db,
            c,
            &f(|f| {
                f.start_date = Some(day(4));
                f.end_date = Some(day(5))
            })
        ),
        [4, 3]
    );
    let filtered = totals(&db, c, &f(|f| f.tag_id = Some(7))).unwrap();
    assert_eq!((filtered.seconds, filtered.entries), (5400, 2));
    assert!(
        ids(&db, c + 1, &Filter::default()).is_empty(),
        "another connection sees nothing"
    );
}

#[test]
fn pages_follow_the_page_number_and_count_every_match() {
    let (db, c) = known_data();
    let all = Filter::default();
    let page = |n| entries_page(&db, c, &all, &PageRequest::numbered(n, 2)).unwrap();
    let first = page(0);
    assert_eq!(
        first,
        entries_page(&db, c, &all, &PageRequest::first(2)).unwrap()
    );
    assert_eq!(first.total_count, 5);
    assert_eq!(first.rows.iter().map(|r| r.id).collect::<Vec<_>>(), [5, 4]);
    let second = page(1);
    assert_eq!(second.rows.iter().map(|r| r.id).collect::<Vec<_>>(), [3, 2]);
    let third = page(2);
    assert_eq!(third.rows.iter().map(|r| r.id).collect::<Vec<_>>(), [1]);
    assert_eq!(third.total_count, 5);
    assert!(page(3).rows.is_empty());
    assert!(
        page(u64::MAX).rows.is_empty(),
        "a huge page number is an empty page"
    );
    let row = &second.rows[1];
    assert_eq!(row.tags, ["review", "urgent"]);
    assert_eq!(row.project_name.as_deref(), Some("Website"));
    assert_eq!(row.client_name.as_deref(), Some("Acme"));
    assert_eq!(row.workspace_name.as_deref(), Some("Alpha"));
    assert_eq!(
        row.start,
        Utc.with_ymd_and_hms(2025, 11, 3, 23, 30, 0).unwrap()
    );
    assert_eq!(first.rows[0].stop, None, "running entry");
    for size in [0, MAX_PAGE + 1] {
        let error = entries_page(&db, c, &all, &PageRequest::first(size)).unwrap_err();
        assert_eq!(error.code(), "invalid_input");
    }
}

const MAX_PAGE: u32 = entries::MAX_PAGE_SIZE;

#[test]
fn csv_export_writes_the_filtered_rows_rfc_4180_with_iso_times() {
    let (db, c) = known_data();
    let mut out = Vec::new();
    let filter = Filter {
        tag_id: Some(7),
        ..Filter::default()
    };
    let rows = export_csv(&db, c, &filter, &mut out).unwrap();
    assert_eq!(rows, 2);
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines.len(), 4, "header, two rows, and the final CRLF");
    assert_eq!(lines[0], "connection_id,connection,id,start,stop,duration_seconds,workspace_id,workspace,project_id,project,client,user_id,user,description,tags,billable,billable_amount,hourly_rate,currency,amount_from_project_rate");
    assert_eq!(
        lines[1],
        format!("{c},Review,2,2025-11-03T23:30:00Z,2025-11-04T00:00:00Z,1800,10,Alpha,100,Website,Acme,2,Bob,\"Design review, \"\"v2\"\"\",review; urgent,false,,,,false")
    );
    assert_eq!(lines[2], format!("{c},Review,1,2025-11-03T09:00:00Z,2025-11-03T10:00:00Z,3600,10,Alpha,100,Website,Acme,1,Ann,Fix login bug,urgent,false,,,,false"));
    assert_eq!(lines[3], "");

    let mut all = Vec::new();
    assert_eq!(export_csv(&db, c, &Filter::default(), &mut all).unwrap(), 5);
    let text = String::from_utf8(all).unwrap();
    assert!(
        text.contains("\"ÉCLAIR app\nrelease\""),
        "a line break inside a field is quoted"
    );
    assert!(text.contains(&format!(
        "\r\n{c},Review,5,2025-11-06T12:00:00Z,,,20,Beta,,,,1,Ann,,,false,,,,false\r\n"
    )));
}

#[test]
fn text_a_spreadsheet_would_run_as_a_formula_is_neutralized_and_plain_text_kept() {
    use super::csv::neutralize_formula;
    for risky in ["=HYPERLINK(\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd"] {
        assert_eq!(neutralize_formula(risky), format!("'{risky}"));
    }
    for plain in ["Fix login bug", "ÉCLAIR", "", "a=b"] {
        assert_eq!(neutralize_formula(plain), plain);
    }
}

#[test]
fn a_formula_behind_blanks_or_in_full_width_is_neutralized_too() {
    use super::csv::neutralize_formula;
    for risky in [
        " =1+1",
        "\u{a0}=1+1",
        "\u{feff}=1+1",
        "\n=1+1",
        "\r\n@SUM(A1)",
        "  \u{200b}+1",
        "\u{3000}-1",
        "＝HYPERLINK(\"x\")",
        "＋1",
        "－1",
        "＠SUM(A1)",
        " ＝1",
    ] {
        assert_eq!(neutralize_formula(risky), format!("'{risky}"), "{risky:?}");
    }
    for plain in ["  plain", "\u{a0}text = 1", "\nnote", "a＝b", "   "] {
        assert_eq!(neutralize_formula(plain), plain, "{plain:?}");
    }
}

#[test]
fn an_exported_project_name_that_is_a_formula_is_neutralized() {
    let (db, c) = known_data();
    db.transaction(|tx| {
        metadata::upsert_projects(tx, c, 1, &[project(100, 10, Some(1000), "=cmd|calc")])
    })
    .unwrap();
    let filter = Filter {
        project_id: Some(100),
        ..Filter::default()
    };
    let mut out = Vec::new();
    export_csv(&db, c, &filter, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains(",'=cmd|calc,"), "{text}");
    assert!(!text.contains(",=cmd"), "{text}");
}

/// Writes `rows` of the export, then hands the first row over to `on_first_row` before
/// writing on, so a test can act while the export is under way.
struct Pausing<F: FnMut()> {
    out: Vec<u8>,
    lines: usize,
    on_first_row: F,
}

impl<F: FnMut()> std::io::Write for Pausing<F> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let before = self.lines;
        self.out.extend_from_slice(buf);
        self.lines += buf.windows(2).filter(|w| w == b"\r\n").count();
        if before < 2 && self.lines >= 2 {
            (self.on_first_row)();
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The export reads on a connection of its own: a cascade delete of the connection
/// commits while the export is half written, and the export still shows the state it
/// started on.
#[test]
fn a_cascade_delete_commits_while_an_export_is_under_way() {
    let dir = tempfile::tempdir().unwrap();
    let (db, c) = known_data_in(Db::open(&dir.path().join("blink.sqlite3")).unwrap().db);
    let db = std::sync::Arc::new(db);
    let writes_done = std::cell::Cell::new(false);
    let mut writer = Pausing {
        out: Vec::new(),
        lines: 0,
        on_first_row: || {
            let (done, wait) = std::sync::mpsc::channel();
            let deleter = db.clone();
            // Not scoped: if the export blocked the delete, the test fails on the timeout
            // instead of waiting for the blocked thread forever.
            std::thread::spawn(move || {
                done.send(deleter.transaction(|tx| crate::db::connections::delete(tx, c)))
            });
            let deleted = wait
                .recv_timeout(std::time::Duration::from_secs(10))
                .expect("the delete waited for the export");
            deleted.unwrap();
            writes_done.set(true);
        },
    };
    let db = &*db.clone();
    assert_eq!(
        export_csv(db, c, &Filter::default(), &mut writer).unwrap(),
        5
    );
    assert!(writes_done.get());
    let text = String::from_utf8(writer.out).unwrap();
    assert!(
        text.contains(&format!("\r\n{c},Review,1,2025-11-03T09:00:00Z,")),
        "{text}"
    );
    assert!(
        ids(db, c, &Filter::default()).is_empty(),
        "the delete went through"
    );
}

/// Storage refuses absurd durations, but a file written by hand or by an older release
/// may hold them: the totals saturate instead of overflowing (a panic in a debug build,
/// a negative total in a release one).
#[test]
fn totals_of_absurd_stored_durations_saturate() {
    let (db, c) = known_data();
    db.with(|conn| {
        Ok(conn.execute(
            "UPDATE time_entries SET duration = ?1 WHERE id IN (1, 2)",
            [i64::MAX - 1],
        )?)
    })
    .unwrap();
    let t = totals(&db, c, &Filter::default()).unwrap();
    assert_eq!(t.seconds, i64::MAX);
    assert_eq!(t.by_project[0].seconds, i64::MAX);
    assert!(t.by_day.iter().all(|d| d.seconds >= 0));
}

#[test]
fn filter_options_list_what_the_data_holds() {
    let (db, c) = known_data();
    let options = filter_options(&db, c).unwrap();
    let names = |v: &[Choice]| v.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&options.workspaces), ["Alpha", "Beta"]);
    assert_eq!(names(&options.projects), ["Internal", "Mobile", "Website"]);
    assert_eq!(names(&options.users), ["Ann", "Bob"]);
    assert_eq!(names(&options.tags), ["review", "urgent"]);
    assert_eq!(options.projects[1].workspace_id, Some(20));
}

/// A tag alone is read from the entry–tag links and their copied columns; a tag with
/// text from the entries: both give the same rows and sums as the entries they list.
#[test]
fn a_tag_filter_counts_and_sums_from_its_links_as_the_entries_do() {
    let (db, c) = known_data();
    for filter in [
        Filter {
            tag_id: Some(7),
            ..Filter::default()
        },
        Filter {
            tag_id: Some(7),
            text: Some("review".into()),
            ..Filter::default()
        },
        Filter {
            tag_id: Some(7),
            user_id: Some(2),
            start_date: Some(day(3)),
            ..Filter::default()
        },
        Filter {
            tag_id: Some(8),
            billable: Some(true),
            ..Filter::default()
        },
    ] {
        let page = entries_page(&db, c, &filter, &PageRequest::first(50)).unwrap();
        let t = totals(&db, c, &filter).unwrap();
        assert_eq!(page.total_count as i64, t.entries, "{filter:?}");
        let listed: i64 = page
            .rows
            .iter()
            .map(|r| r.duration_seconds.unwrap_or(0))
            .sum();
        assert_eq!(listed, t.seconds, "{filter:?}");
    }
    let ids = |f: Filter| ids(&db, c, &f);
    assert_eq!(
        ids(Filter {
            tag_id: Some(7),
            ..Filter::default()
        }),
        [2, 1]
    );
    assert_eq!(
        ids(Filter {
            tag_id: Some(7),
            text: Some("login".into()),
            ..Filter::default()
        }),
        [1]
    );
    assert_eq!(
        ids(Filter {
            tag_id: Some(7),
            user_id: Some(2),
            ..Filter::default()
        }),
        [2]
    );
    assert!(ids(Filter {
        tag_id: Some(8),
        billable: Some(true),
        ..Filter::default()
    })
    .is_empty());
}

/// A ready connection with the scope of [`access`], written with the columns an older
/// release had (before the week start), for tests that open a database at an older
/// version.
fn add_connection_as_an_older_release(db: &Db) -> i64 {
    let access = access();
    db.transaction(|tx| {
        let snapshot = serde_json::to_string(&access)?;
        crate::db::connections::insert_as_an_older_release(tx, &snapshot)?;
        let id = tx.last_insert_rowid();
        for workspace in access.standings() {
            crate::db::scope::confirm(tx, id, &workspace, &access.checked_at)?;
        }
        Ok(id)
    })
    .unwrap()
}

/// Links stored before the links carried the entries' columns are filled in by the
/// migration, so a tag filter over an older database sums what it did before.
#[test]
fn the_tag_index_migration_fills_in_links_stored_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("blink.sqlite3");
    let c = {
        let db = Db::open_at_version(&path, 6).unwrap();
        let c = add_connection_as_an_older_release(&db);
        db.with(|conn| {
            conn.execute_batch(&format!(
                "INSERT INTO time_entries (connection_id, id, workspace_id, project_id, user_id,
                     start, stop, duration, billable, seen_pull)
                 VALUES ({c}, 1, 10, 100, 1, 1762160400, 1762164000, 3600, 1, 1),
                        ({c}, 2, 10, 100, 2, 1762162200, 1762164000, 1800, 0, 1);
                 INSERT INTO time_entry_tags (connection_id, entry_id, tag_id)
                 VALUES ({c}, 1, 7), ({c}, 2, 7), ({c}, 2, 8);"
            ))?;
            Ok(())
        })
        .unwrap();
        c
    };
    let db = Db::open(&path).unwrap().db;
    let t = totals(
        &db,
        c,
        &Filter {
            tag_id: Some(7),
            ..Filter::default()
        },
    )
    .unwrap();
    assert_eq!((t.entries, t.seconds, t.billable_seconds), (2, 5400, 3600));
    let late = Filter {
        tag_id: Some(8),
        ..Filter::default()
    };
    assert_eq!(ids(&db, c, &late), [2]);
    assert_eq!(totals(&db, c, &late).unwrap().seconds, 1800);
}
