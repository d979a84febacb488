//! The Excel export read back with a real reader (calamine): the same rows, cell types
//! and sums as the review, and formula-like text kept as text.

use super::across_tests::two_connections;
use super::xlsx::{review_export_xlsx, ENTRY_HEADER};
use super::*;
use crate::db::time_entries::upsert;
use crate::db::Db;
use calamine::{open_workbook, Data, DataType, Reader, Xlsx};
use std::collections::BTreeMap;

fn weeks() -> PeriodRequest {
    PeriodRequest {
        grouping: Grouping::Week,
        beginning_of_week: Some(1),
    }
}

fn export(db: &Db, filter: &Filter) -> (tempfile::TempDir, std::path::PathBuf, u64) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("review.xlsx");
    let mut file = std::fs::File::create(&path).unwrap();
    let n = review_export_xlsx(db, filter, &weeks(), &mut file).unwrap();
    (dir, path, n)
}

fn column(header: &[Data], name: &str) -> usize {
    header
        .iter()
        .position(|c| c == &Data::String(name.into()))
        .unwrap_or_else(|| panic!("no column {name}"))
}

/// Excel's day serial (days since 1899-12-30) as unix seconds.
fn unix(serial: f64) -> i64 {
    ((serial - 25_569.0) * 86_400.0).round() as i64
}

#[test]
fn the_workbook_holds_the_reviews_rows_types_and_sums() {
    let db = Db::open_in_memory().unwrap();
    two_connections(&db);
    let filter = Filter::default();
    let totals = review_totals(&db, &filter).unwrap();
    let page = review_page(&db, &filter, &PageRequest::first(50)).unwrap();
    let (_dir, path, written) = export(&db, &filter);
    assert_eq!(written, 6);
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["Entries", "By project", "By client", "By user", "By week"]
    );
    let entries = book.worksheet_range("Entries").unwrap();
    let rows: Vec<&[Data]> = entries.rows().collect();
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(header, ENTRY_HEADER);
    assert_eq!(rows.len(), 1 + page.rows.len());
    let (start, hours, amount, currency, connection, id) = (
        column(rows[0], "start (UTC)"),
        column(rows[0], "hours"),
        column(rows[0], "billable amount"),
        column(rows[0], "currency"),
        column(rows[0], "connection"),
        column(rows[0], "entry id"),
    );
    let mut seconds = 0.0;
    let mut money: BTreeMap<String, f64> = BTreeMap::new();
    for (cells, expected) in rows[1..].iter().zip(&page.rows) {
        assert_eq!(
            cells[id],
            Data::Float(expected.id as f64),
            "the table's order"
        );
        assert_eq!(
            cells[connection],
            Data::String(expected.connection_name.clone())
        );
        let Data::DateTime(when) = &cells[start] else {
            panic!("start is a date, got {:?}", cells[start]);
        };
        assert_eq!(unix(when.as_f64()), expected.start.timestamp());
        let Data::Float(h) = cells[hours] else {
            panic!("hours are a number, got {:?}", cells[hours]);
        };
        seconds += h * 3600.0;
        if let Data::Float(a) = cells[amount] {
            *money.entry(cells[currency].to_string()).or_default() += a;
        }
    }
    assert_eq!(seconds.round() as i64, totals.seconds);
    let expected: BTreeMap<String, f64> = totals
        .amounts
        .iter()
        .map(|a| (a.currency.clone().unwrap(), a.cents as f64 / 100.0))
        .collect();
    assert_eq!(money, expected, "sums per currency, never across");

    let by_project = book.worksheet_range("By project").unwrap();
    let rows: Vec<&[Data]> = by_project.rows().collect();
    assert_eq!(rows[0][5], Data::String("billable amount EUR".into()));
    assert_eq!(rows[0][6], Data::String("billable amount USD".into()));
    let website = rows
        .iter()
        .find(|r| r[0] == Data::String("Website".into()))
        .unwrap();
    assert_eq!(
        (&website[1], &website[5], &website[6]),
        (&Data::Float(3.0), &Data::Float(90.0), &Data::Float(200.0))
    );
    let project_hours: f64 = rows[1..].iter().map(|r| r[1].as_f64().unwrap()).sum();
    assert_eq!((project_hours * 3600.0).round() as i64, totals.seconds);

    let by_week = book.worksheet_range("By week").unwrap();
    let weeks_read: Vec<&[Data]> = by_week.rows().collect();
    let periods = review_periods(&db, &filter, &weeks()).unwrap();
    assert_eq!(weeks_read.len(), 1 + periods.len());
    for (cells, period) in weeks_read[1..].iter().zip(&periods) {
        let Data::DateTime(start) = &cells[0] else {
            panic!("a period starts on a date")
        };
        let day = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()
            + chrono::Days::new(start.as_f64() as u64);
        assert_eq!(day, period.start);
        assert_eq!(
            cells[2],
            Data::Float(period.current.seconds as f64 / 3600.0)
        );
        assert_eq!(
            cells[7],
            Data::Float(period.previous.seconds as f64 / 3600.0)
        );
    }
}

#[test]
fn formula_like_text_is_text_in_both_exports() {
    let db = Db::open_in_memory().unwrap();
    let (agency, _) = two_connections(&db);
    let formula = "=HYPERLINK(\"http://x.test\",\"open\")";
    db.transaction(|tx| {
        upsert(
            tx,
            agency,
            3,
            &[super::tests::entry(
                99,
                10,
                None,
                (1, "+Ann"),
                Some(formula),
                "2025-11-20T09:00:00Z",
                Some(60),
                &[],
            )],
        )
    })
    .unwrap();
    let only = Filter {
        start_date: chrono::NaiveDate::from_ymd_opt(2025, 11, 20),
        ..Filter::default()
    };
    let (_dir, path, _) = export(&db, &only);
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let formulas = book.worksheet_formula("Entries").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no cell holds a formula"
    );
    let entries = book.worksheet_range("Entries").unwrap();
    let row: Vec<String> = entries
        .rows()
        .nth(1)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert!(
        row.contains(&formula.to_string()),
        "kept as typed, as text: {row:?}"
    );
    assert!(row.contains(&"+Ann".to_string()));

    let mut csv = Vec::new();
    review_export_csv(&db, &only, &mut csv).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://x.test\"\",\"\"open\"\")\""),
        "{csv}"
    );
    assert!(csv.contains(",'+Ann,"), "{csv}");
}
