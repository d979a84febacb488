//! The review over several connections: sums across them, money per currency, periods
//! and their comparison, saved views, and the full-text index kept in step with writes.

use super::tests::{access, entry, project};
use super::*;
use crate::db::metadata::{self, ClientRecord};
use crate::db::time_entries::{upsert, EntryRecord, Money};
use crate::db::Db;
use crate::domain::{Privacy, WorkspaceAccess};
use crate::sync::test_support::add_connection;
use chrono::NaiveDate;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn paid(mut e: EntryRecord, cents: i64, currency: &str) -> EntryRecord {
    e.billable = Some(true);
    e.money = Some(Money {
        amount_cents: Some(cents),
        hourly_rate_cents: Some(cents * 3600 / e.duration.unwrap()),
        currency: Some(currency.into()),
    });
    e
}

fn amounts(list: &[Amount]) -> Vec<(String, i64)> {
    list.iter()
        .map(|a| (a.currency.clone().unwrap_or_default(), a.cents))
        .collect()
}

fn money(list: &[(&str, i64)]) -> Vec<(String, i64)> {
    list.iter().map(|(c, n)| (c.to_string(), *n)).collect()
}

/// "Agency" (workspaces Alpha 10, Beta 20) and "Studio" (Gamma 30). Ann (1) works in
/// both; money in USD and EUR.
pub(super) fn two_connections(db: &Db) -> (i64, i64) {
    let agency_access = access();
    let mut studio_access = access();
    studio_access.workspaces = vec![WorkspaceAccess {
        id: 30,
        name: "Gamma".into(),
        organization_id: None,
        role: "admin".into(),
    }];
    let agency = add_connection(db, "Agency", &Privacy::SharedWithWorkspace, &agency_access);
    let studio = add_connection(db, "Studio", &Privacy::SharedWithWorkspace, &studio_access);
    let client = |id, workspace_id, name: &str| ClientRecord {
        id,
        workspace_id,
        name: name.into(),
        archived: false,
    };
    let (ann, bob, cy) = ((1, "Ann"), (2, "Bob"), (3, "Cy"));
    db.transaction(|tx| {
        metadata::upsert_workspaces(tx, agency, &agency_access.workspaces)?;
        metadata::upsert_projects(
            tx,
            agency,
            1,
            &[
                project(100, 10, Some(1000), "Website"),
                project(200, 20, None, "Research"),
            ],
        )?;
        metadata::upsert_clients(tx, agency, 1, &[client(1000, 10, "Acme")])?;
        upsert(
            tx,
            agency,
            1,
            &[
                paid(
                    entry(
                        1,
                        10,
                        Some(100),
                        ann,
                        Some("Homepage"),
                        "2025-11-03T09:00:00Z",
                        Some(7200),
                        &[],
                    ),
                    20_000,
                    "USD",
                ),
                paid(
                    entry(
                        2,
                        10,
                        Some(100),
                        bob,
                        Some("Homepage copy"),
                        "2025-11-09T10:00:00Z",
                        Some(3600),
                        &[],
                    ),
                    9_000,
                    "EUR",
                ),
                entry(
                    3,
                    20,
                    Some(200),
                    ann,
                    Some("Reading"),
                    "2025-10-28T10:00:00Z",
                    Some(1800),
                    &[],
                ),
            ],
        )?;
        metadata::upsert_workspaces(tx, studio, &studio_access.workspaces)?;
        metadata::upsert_projects(tx, studio, 1, &[project(300, 30, Some(3000), "App")])?;
        metadata::upsert_clients(tx, studio, 1, &[client(3000, 30, "Initech")])?;
        upsert(
            tx,
            studio,
            1,
            &[
                paid(
                    entry(
                        11,
                        30,
                        Some(300),
                        cy,
                        Some("Build"),
                        "2025-11-04T12:00:00Z",
                        Some(10_800),
                        &[],
                    ),
                    45_000,
                    "USD",
                ),
                paid(
                    entry(
                        12,
                        30,
                        Some(300),
                        cy,
                        Some("Release"),
                        "2025-11-10T08:00:00Z",
                        Some(3600),
                        &[],
                    ),
                    15_000,
                    "EUR",
                ),
                entry(
                    13,
                    30,
                    None,
                    ann,
                    None,
                    "2025-10-05T09:00:00Z",
                    Some(2700),
                    &[],
                ),
            ],
        )?;
        Ok(())
    })
    .unwrap();
    (agency, studio)
}

#[test]
fn totals_across_connections_are_the_sum_of_each_connections_totals() {
    let db = Db::open_in_memory().unwrap();
    let (agency, studio) = two_connections(&db);
    let all = review_totals(&db, &Filter::default()).unwrap();
    let both = review_totals(
        &db,
        &Filter {
            connection_ids: vec![studio, agency],
            ..Filter::default()
        },
    )
    .unwrap();
    assert_eq!(all, both, "no connection chosen means every connection");
    let a = totals(&db, agency, &Filter::default()).unwrap();
    let s = totals(&db, studio, &Filter::default()).unwrap();
    assert_eq!(all.seconds, a.seconds + s.seconds);
    assert_eq!(all.entries, a.entries + s.entries);
    assert_eq!(
        all.billable_seconds,
        a.billable_seconds + s.billable_seconds
    );
    assert_eq!((all.seconds, all.entries), (29_700, 6));
    let by_user = |t: &Totals, id: i64| {
        t.by_user
            .iter()
            .find(|r| r.id == Some(id))
            .map_or(0, |r| r.seconds)
    };
    assert_eq!(
        by_user(&all, 1),
        by_user(&a, 1) + by_user(&s, 1),
        "Ann is one user in both"
    );
    assert_eq!(by_user(&all, 1), 7200 + 1800 + 2700);
    let names: Vec<&str> = all.by_client.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["Initech", "Acme", "(no client)"]);

    let page = review_page(&db, &Filter::default(), &PageRequest::first(4)).unwrap();
    assert_eq!(page.total_count, 6);
    let rows: Vec<(&str, i64, Option<&str>)> = page
        .rows
        .iter()
        .map(|r| {
            (
                r.connection_name.as_str(),
                r.id,
                r.workspace_name.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("Studio", 12, Some("Gamma")),
            ("Agency", 2, Some("Alpha")),
            ("Studio", 11, Some("Gamma")),
            ("Agency", 1, Some("Alpha")),
        ],
        "newest first across connections, each row naming where it comes from"
    );
    let second = review_page(&db, &Filter::default(), &PageRequest::numbered(1, 4)).unwrap();
    let ids: Vec<i64> = second.rows.iter().map(|r| r.id).collect();
    assert_eq!(ids, [3, 13]);
    let options = review_filter_options(&db, &Filter::default()).unwrap();
    let workspaces: Vec<&str> = options.workspaces.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(workspaces, ["Alpha", "Beta", "Gamma"]);
    let connections: Vec<&str> = options
        .connections
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(connections, ["Agency", "Studio"]);
}

#[test]
fn billable_money_is_summed_per_currency_and_never_across_currencies() {
    let db = Db::open_in_memory().unwrap();
    two_connections(&db);
    let t = review_totals(&db, &Filter::default()).unwrap();
    assert_eq!(
        amounts(&t.amounts),
        money(&[("EUR", 24_000), ("USD", 65_000)])
    );
    assert_eq!(
        (t.billable_seconds, t.non_billable_seconds),
        (25_200, 4_500)
    );
    let group = |rows: &[TotalRow], name: &str| {
        let row = rows.iter().find(|r| r.name == name).unwrap();
        (
            row.billable_seconds,
            row.non_billable_seconds,
            amounts(&row.amounts),
        )
    };
    assert_eq!(
        group(&t.by_project, "Website"),
        (10_800, 0, money(&[("EUR", 9_000), ("USD", 20_000)]))
    );
    assert_eq!(group(&t.by_project, "Research"), (0, 1_800, vec![]));
    assert_eq!(
        group(&t.by_client, "Initech"),
        (14_400, 0, money(&[("EUR", 15_000), ("USD", 45_000)]))
    );
    assert_eq!(
        group(&t.by_user, "Ann"),
        (7_200, 4_500, money(&[("USD", 20_000)]))
    );
    let unpaid = review_totals(
        &db,
        &Filter {
            billable: Some(false),
            ..Filter::default()
        },
    )
    .unwrap();
    assert_eq!((unpaid.entries, unpaid.seconds), (2, 4_500));
    assert!(unpaid.amounts.is_empty());
    let page = review_page(&db, &Filter::default(), &PageRequest::first(1)).unwrap();
    let row = &page.rows[0];
    assert_eq!(
        (
            row.billable_amount_cents,
            row.hourly_rate_cents,
            row.currency.as_deref()
        ),
        (Some(15_000), Some(15_000), Some("EUR"))
    );
}

fn weeks(db: &Db, filter: &Filter, beginning_of_week: u8) -> Vec<PeriodTotal> {
    let request = PeriodRequest {
        grouping: Grouping::Week,
        beginning_of_week: Some(beginning_of_week),
    };
    review_periods(db, filter, &request).unwrap()
}

#[test]
fn weeks_start_on_the_users_beginning_of_week() {
    let db = Db::open_in_memory().unwrap();
    two_connections(&db);
    let november = Filter {
        start_date: Some(date(2025, 11, 3)),
        end_date: Some(date(2025, 11, 16)),
        ..Filter::default()
    };
    let summary = |periods: &[PeriodTotal]| {
        periods
            .iter()
            .map(|p| (p.start, p.end, p.current.seconds))
            .collect::<Vec<_>>()
    };
    // Monday weeks: Sunday the 9th closes the first week.
    assert_eq!(
        summary(&weeks(&db, &november, 1)),
        [
            (date(2025, 11, 3), date(2025, 11, 9), 7200 + 3600 + 10_800),
            (date(2025, 11, 10), date(2025, 11, 16), 3600),
        ]
    );
    // Sunday weeks: the 9th opens the second week; the first starts on the 2nd.
    assert_eq!(
        summary(&weeks(&db, &november, 0)),
        [
            (date(2025, 11, 2), date(2025, 11, 8), 7200 + 10_800),
            (date(2025, 11, 9), date(2025, 11, 15), 3600 + 3600),
            (date(2025, 11, 16), date(2025, 11, 22), 0),
        ]
    );
    let bad = PeriodRequest {
        grouping: Grouping::Week,
        beginning_of_week: Some(7),
    };
    assert_eq!(
        review_periods(&db, &november, &bad).unwrap_err().code(),
        "invalid_input"
    );
}

#[test]
fn each_periods_previous_figures_equal_a_query_over_the_previous_period() {
    let db = Db::open_in_memory().unwrap();
    two_connections(&db);
    let check = |filter: &Filter, grouping: Grouping| {
        let request = PeriodRequest {
            grouping,
            beginning_of_week: Some(1),
        };
        let periods = review_periods(&db, filter, &request).unwrap();
        assert!(!periods.is_empty());
        for p in &periods {
            let over_previous = review_totals(
                &db,
                &Filter {
                    start_date: Some(p.previous_start),
                    end_date: Some(p.previous_end),
                    ..filter.clone()
                },
            )
            .unwrap();
            let figures = (
                over_previous.seconds,
                over_previous.billable_seconds,
                over_previous.entries,
            );
            assert_eq!(
                (
                    p.previous.seconds,
                    p.previous.billable_seconds,
                    p.previous.entries
                ),
                figures,
                "{grouping:?} before {}",
                p.start
            );
            assert_eq!(p.previous.amounts, over_previous.amounts);
        }
        periods
    };
    let november = Filter {
        start_date: Some(date(2025, 11, 1)),
        end_date: Some(date(2025, 11, 30)),
        ..Filter::default()
    };
    let months = check(&november, Grouping::Month);
    assert_eq!(months.len(), 1);
    assert_eq!(
        (months[0].current.seconds, months[0].previous.seconds),
        (25_200, 4_500)
    );
    let stacked: Vec<(Option<i64>, i64)> = months[0]
        .current
        .by_project
        .iter()
        .map(|p| (p.id, p.seconds))
        .collect();
    assert_eq!(
        stacked,
        [(Some(300), 14_400), (Some(100), 10_800)],
        "the month's hours by project, largest first"
    );
    assert_eq!(
        amounts(&months[0].current.amounts),
        money(&[("EUR", 24_000), ("USD", 65_000)])
    );
    // A range that starts on a Wednesday: the first week counts from Wednesday, its
    // previous week is the whole week before.
    let mid_week = Filter {
        start_date: Some(date(2025, 11, 5)),
        end_date: Some(date(2025, 11, 12)),
        ..Filter::default()
    };
    let weeks = check(&mid_week, Grouping::Week);
    assert_eq!(
        weeks[0].current.seconds, 3600,
        "only Sunday's entry of that week"
    );
    assert_eq!(
        weeks[1].previous.seconds,
        7200 + 10_800 + 3600,
        "the whole week before"
    );
    check(&mid_week, Grouping::Day);
    check(&Filter::default(), Grouping::Month);
}

#[test]
fn a_saved_view_round_trips_and_survives_reopening_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("blink.sqlite3");
    let filter = Filter {
        connection_ids: vec![2, 1],
        start_date: Some(date(2025, 11, 1)),
        end_date: Some(date(2025, 11, 30)),
        workspace_id: Some(10),
        project_id: Some(100),
        client_id: Some(1000),
        user_id: Some(1),
        tag_id: Some(7),
        text: Some("home".into()),
        billable: Some(true),
        utc_offset_minutes: 60,
    };
    let id = {
        let db = Db::open(&path).unwrap().db;
        let saved = save_view(&db, "  Acme billable ", &filter).unwrap();
        assert_eq!(saved.name, "Acme billable");
        assert_eq!(open_view(&db, saved.id).unwrap().filter, filter);
        let renamed = Filter {
            billable: Some(false),
            ..filter.clone()
        };
        let again = save_view(&db, "ACME BILLABLE", &renamed).unwrap();
        assert_eq!(
            again.id, saved.id,
            "the same name (any case) replaces the view"
        );
        save_view(&db, "Acme billable", &filter).unwrap();
        assert_eq!(
            save_view(&db, " ", &filter).unwrap_err().code(),
            "invalid_input"
        );
        let long = "x".repeat(views::MAX_VIEW_NAME + 1);
        assert_eq!(
            save_view(&db, &long, &filter).unwrap_err().code(),
            "invalid_input"
        );
        saved.id
    };
    let db = Db::open(&path).unwrap().db;
    let listed = list_views(&db).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].id, listed[0].name.as_str()),
        (id, "Acme billable")
    );
    assert_eq!(listed[0].filter, filter);
    delete_view(&db, id).unwrap();
    assert_eq!(open_view(&db, id).unwrap_err().code(), "not_found");
    assert!(list_views(&db).unwrap().is_empty());
}

fn text_ids(db: &Db, text: &str) -> Vec<i64> {
    let filter = Filter {
        text: Some(text.into()),
        ..Filter::default()
    };
    review_page(db, &filter, &PageRequest::first(50))
        .unwrap()
        .rows
        .iter()
        .map(|r| r.id)
        .collect()
}

fn fts_is_consistent(db: &Db) {
    db.with(|c| {
        Ok(c.execute_batch(
            "INSERT INTO time_entries_fts (time_entries_fts, rank) VALUES ('integrity-check', 1)",
        )?)
    })
    .expect("the full-text index matches the table");
}

#[test]
fn the_text_index_follows_every_write_and_matches_any_substring() {
    let db = Db::open_in_memory().unwrap();
    let (agency, _) = two_connections(&db);
    fts_is_consistent(&db);
    assert_eq!(text_ids(&db, "HOMEPAGE"), [2, 1]);
    assert_eq!(text_ids(&db, "page co"), [2], "a substring across words");
    assert_eq!(
        text_ids(&db, "ea"),
        [12, 3],
        "two characters: scanned, not indexed"
    );
    assert_eq!(
        text_ids(&db, "\"; DROP"),
        Vec::<i64>::new(),
        "query syntax is text"
    );
    db.transaction(|tx| {
        let mut changed = entry(
            1,
            10,
            Some(100),
            (1, "Ann"),
            Some("Landing"),
            "2025-11-03T09:00:00Z",
            Some(7200),
            &[],
        );
        changed.billable = Some(true);
        upsert(tx, agency, 2, &[changed])
    })
    .unwrap();
    fts_is_consistent(&db);
    assert_eq!(text_ids(&db, "homepage"), [2]);
    assert_eq!(text_ids(&db, "landing"), [1]);
    db.transaction(|tx| crate::db::connections::delete(tx, agency))
        .unwrap();
    fts_is_consistent(&db);
    assert_eq!(text_ids(&db, "landing"), Vec::<i64>::new());
    assert_eq!(text_ids(&db, "build"), [11]);
}

#[test]
fn a_workspace_outside_a_connections_scope_stays_out_of_the_review_across_connections() {
    let db = Db::open_in_memory().unwrap();
    let (agency, studio) = two_connections(&db);
    db.with(|c| crate::db::scope::remove(c, agency, 20))
        .unwrap();
    let all = review_totals(&db, &Filter::default()).unwrap();
    assert_eq!(
        (all.entries, all.seconds),
        (5, 29_700 - 1_800),
        "Beta's entry is out"
    );
    let page = review_page(&db, &Filter::default(), &PageRequest::first(50)).unwrap();
    assert_eq!(page.total_count, 5);
    assert!(page.rows.iter().all(|r| r.workspace_id != 20));
    let studio_only = totals(&db, studio, &Filter::default()).unwrap();
    assert_eq!(
        studio_only.entries, 3,
        "the other connection's scope is its own"
    );
}
