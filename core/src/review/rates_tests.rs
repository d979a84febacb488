//! Money from project rates: hand-computed fixtures for the fallback, and pulls from the
//! fake whose detailed report carries amounts (kept as Toggl's) while the caller's own
//! entries get the project's rate (marked as derived). Two currencies are never summed.

use super::tests::{access, entry, project};
use super::*;
use crate::db::metadata::{self, ProjectRecord};
use crate::db::time_entries::{upsert, EntryRecord, Money};
use crate::db::Db;
use crate::domain::Privacy;
use crate::sync::test_support::{add_connection, Setup};
use crate::sync::{pull, PullOptions};
use blink_fake_toggl::fake::Scenario;
use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;

fn rated(id: i64, name: &str, cents: i64, currency: &str) -> ProjectRecord {
    ProjectRecord {
        rate_cents: Some(cents),
        currency: Some(currency.into()),
        ..project(id, 10, None, name)
    }
}

fn billable(mut e: EntryRecord, toggl: Option<(i64, &str)>) -> EntryRecord {
    e.billable = Some(true);
    e.money = toggl.map(|(cents, currency)| Money {
        amount_cents: Some(cents),
        hourly_rate_cents: Some(cents * 3600 / e.duration.unwrap()),
        currency: Some(currency.into()),
    });
    e
}

/// (currency, cents, derived cents)
fn money(list: &[Amount]) -> Vec<(String, i64, i64)> {
    list.iter()
        .map(|a| {
            let currency = a.currency.clone().unwrap_or_default();
            (currency, a.cents, a.derived_cents)
        })
        .collect()
}

/// Design 60.00 EUR an hour, Build 72.50 USD, Support no rate; six entries of Ann.
fn rated_projects(db: &Db) -> i64 {
    let c = add_connection(db, "Rates", &Privacy::SharedWithWorkspace, &access());
    let at = |id, project, secs| {
        let start = format!("2025-11-0{id}T09:00:00Z");
        entry(
            id,
            10,
            Some(project),
            (1, "Ann"),
            None,
            &start,
            Some(secs),
            &[],
        )
    };
    let entries = [
        billable(at(1, 1, 5_400), None),
        billable(at(2, 2, 5_400), None),
        billable(at(3, 2, 3_600), Some((5_000, "USD"))),
        at(4, 1, 3_600),
        billable(at(5, 3, 3_600), None),
        billable(at(6, 1, 1_800), Some((2_000, "EUR"))),
    ];
    db.transaction(|tx| {
        metadata::upsert_projects(
            tx,
            c,
            1,
            &[
                rated(1, "Design", 6_000, "EUR"),
                rated(2, "Build", 7_250, "USD"),
                project(3, 10, None, "Support"),
            ],
        )?;
        upsert(tx, c, 1, &entries)
    })
    .unwrap();
    c
}

#[test]
fn billable_entries_without_toggls_amount_earn_their_projects_rate() {
    let db = Db::open_in_memory().unwrap();
    let c = rated_projects(&db);
    let t = totals(&db, c, &Filter::default()).unwrap();
    // EUR: 1.5 h of Design at 60.00 = 90.00 derived, plus Toggl's 20.00.
    // USD: 1.5 h of Build at 72.50 = 108.75 derived, plus Toggl's 50.00.
    assert_eq!(
        money(&t.amounts),
        [
            ("EUR".into(), 11_000, 9_000),
            ("USD".into(), 15_875, 10_875)
        ]
    );
    assert_eq!(t.billable_seconds, 5_400 + 5_400 + 3_600 + 3_600 + 1_800);
    let by = |name: &str| {
        let row = t.by_project.iter().find(|r| r.name == name).unwrap();
        money(&row.amounts)
    };
    assert_eq!(by("Design"), [("EUR".into(), 11_000, 9_000)]);
    assert_eq!(by("Build"), [("USD".into(), 15_875, 10_875)]);
    assert_eq!(by("Support"), []);
    let months = review_periods(
        &db,
        &Filter::default(),
        &PeriodRequest {
            grouping: Grouping::Month,
            beginning_of_week: None,
        },
    )
    .unwrap();
    assert_eq!(money(&months[0].current.amounts), money(&t.amounts));
}

#[test]
fn the_table_shows_a_derived_amount_with_the_projects_rate_and_says_so() {
    let db = Db::open_in_memory().unwrap();
    let c = rated_projects(&db);
    let page = entries_page(&db, c, &Filter::default(), &PageRequest::first(10)).unwrap();
    let row = |id: i64| {
        let r = page.rows.iter().find(|r| r.id == id).unwrap();
        let amount = (r.billable_amount_cents, r.hourly_rate_cents);
        (amount, r.currency.clone(), r.amount_derived)
    };
    assert_eq!(
        row(1),
        ((Some(9_000), Some(6_000)), Some("EUR".into()), true)
    );
    assert_eq!(
        row(3),
        ((Some(5_000), Some(5_000)), Some("USD".into()), false)
    );
    assert_eq!(row(4), ((None, None), None, false), "non-billable");
    assert_eq!(row(5), ((None, None), None, false), "no rate");
}

/// Billable seconds at each rated project's rate, per currency, over the scenario's
/// entries `who` tracked (computed from the scenario, not from the app).
fn earned(s: &Scenario, who: impl Fn(i64) -> bool) -> BTreeMap<String, i64> {
    let mut sums = BTreeMap::new();
    for e in s
        .time_entries
        .iter()
        .filter(|e| e.billable && who(e.user_id))
    {
        let project = s.projects.iter().find(|p| Some(p.id) == e.project_id);
        if let (Some(rate), Some(seconds)) = (project.and_then(|p| p.rate.as_ref()), e.duration) {
            *sums.entry(rate.currency.clone()).or_default() += rate.amount(seconds);
        }
    }
    sums
}

async fn pulled_amounts(scenario: Scenario, user: i64) -> Vec<(String, i64, i64)> {
    let setup = Setup::new(scenario, user).await;
    let cancel = AtomicBool::new(false);
    let request = setup.request(PullOptions::default());
    pull(
        &setup.db,
        &setup.client,
        &setup.token,
        &request,
        &|_| {},
        &cancel,
    )
    .await
    .unwrap();
    money(
        &review_totals(&setup.db, &Filter::default())
            .unwrap()
            .amounts,
    )
}

#[tokio::test]
async fn the_reports_amounts_are_toggls_and_own_entries_get_the_project_rate() {
    let scenario = Scenario::generated(11, 1, 2, 80)
        .with_project_rate(1_001_000, 8_000, "EUR")
        .with_project_rate(1_001_001, 6_550, "USD");
    let as_list = |sums: BTreeMap<String, i64>, derived: bool| -> Vec<(String, i64, i64)> {
        let list: Vec<_> = sums
            .into_iter()
            .map(|(c, n)| (c, n, if derived { n } else { 0 }))
            .collect();
        assert_eq!(list.len(), 2, "both currencies have billable time");
        list
    };
    // The admin pulls everyone's entries through the detailed report: Toggl's amounts.
    let everyone = as_list(earned(&scenario, |_| true), false);
    assert_eq!(pulled_amounts(scenario.clone(), 1).await, everyone);
    // A member pulls only their own entries, which carry no amount: the project rates.
    let own = as_list(earned(&scenario, |user| user == 2), true);
    assert_eq!(pulled_amounts(scenario, 2).await, own);
}

#[test]
fn both_exports_mark_the_amounts_that_come_from_project_rates() {
    let db = Db::open_in_memory().unwrap();
    let c = rated_projects(&db);
    let mut out = Vec::new();
    export_csv(&db, c, &Filter::default(), &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let ends = |id: i64| {
        let prefix = format!("{c},Rates,{id},");
        let line = text.lines().find(|l| l.starts_with(&prefix)).unwrap();
        line.rsplitn(5, ',').collect::<Vec<_>>()
    };
    // billable_amount, hourly_rate, currency, amount_from_project_rate (reversed).
    assert_eq!(ends(1)[..4], ["true", "EUR", "60.00", "90.00"]);
    assert_eq!(ends(3)[..4], ["false", "USD", "50.00", "50.00"]);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rates.xlsx");
    let request = PeriodRequest {
        grouping: Grouping::Month,
        beginning_of_week: None,
    };
    let mut file = std::fs::File::create(&path).unwrap();
    review_export_xlsx(&db, &Filter::default(), &request, &mut file).unwrap();
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let entries = book.worksheet_range("Entries").unwrap();
    let rows: Vec<&[Data]> = entries.rows().collect();
    let col = |name: &str| {
        rows[0]
            .iter()
            .position(|c| c == &Data::String(name.into()))
            .unwrap()
    };
    let (id, amount, derived) = (
        col("entry id"),
        col("billable amount"),
        col("amount from project rate"),
    );
    let marked: BTreeMap<i64, (f64, bool)> = rows[1..]
        .iter()
        .filter_map(|r| match (&r[id], &r[amount], &r[derived]) {
            (Data::Float(i), Data::Float(a), Data::Bool(d)) => Some((*i as i64, (*a, *d))),
            _ => None,
        })
        .collect();
    assert_eq!(
        marked,
        BTreeMap::from([
            (1, (90.0, true)),
            (2, (108.75, true)),
            (3, (50.0, false)),
            (6, (20.0, false))
        ])
    );
}
