//! Excel export of the review: one sheet of the filtered entries and one per grouping
//! the page shows (project, client, user, and the chosen periods beside the previous
//! ones), with typed cells: times as Excel dates, hours as numbers, amounts as numbers
//! formatted in their own currency (one column per currency; two are never added).
//! Text typed in Toggl that looks like a formula is written as text with Excel's quote
//! prefix, so no spreadsheet runs it. Holds no token: none is stored here.

use super::csv::is_formula_like;
use super::entries::{for_each_row, EntryRow};
use super::filter::Filter;
use super::periods::{review_periods, PeriodRequest, PeriodTotal};
use super::tally::Amount;
use super::totals::{review_totals, TotalRow};
use crate::db::Db;
use crate::error::{AppError, AppResult};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use std::collections::BTreeMap;
use std::io::Write;

/// The most entries one sheet holds: Excel's row limit less the header.
pub const MAX_XLSX_ENTRIES: u64 = 1_048_575;

pub const ENTRY_HEADER: [&str; 21] = [
    "connection",
    "workspace",
    "entry id",
    "start (UTC)",
    "stop (UTC)",
    "hours",
    "project",
    "client",
    "user",
    "description",
    "tags",
    "billable",
    "billable amount",
    "hourly rate",
    "currency",
    "connection id",
    "workspace id",
    "project id",
    "user id",
    "duration (seconds)",
    "amount from project rate",
];

/// Writes the workbook of the filter's entries and groupings to `out`; returns how
/// many entries it holds. More entries than one Excel sheet can hold is refused before
/// anything is written (the CSV export has no such limit).
pub fn review_export_xlsx(
    db: &Db,
    filter: &Filter,
    periods: &PeriodRequest,
    out: &mut dyn Write,
) -> AppResult<u64> {
    let totals = review_totals(db, filter)?;
    let entries = u64::try_from(totals.entries).unwrap_or(0);
    if entries > MAX_XLSX_ENTRIES {
        return Err(AppError::export_too_large(entries, MAX_XLSX_ENTRIES));
    }
    let period_rows = review_periods(db, filter, periods)?;
    let mut book = Workbook::new();
    let styles = Styles::new();
    {
        let sheet = book
            .add_worksheet_with_constant_memory()?
            .set_name("Entries")?;
        header(sheet, &ENTRY_HEADER, &styles)?;
        let mut row = 0u32;
        db.read_long(|conn| {
            let scope = filter.scope(conn)?;
            for_each_row(conn, &scope, filter, None, |entry| {
                row += 1;
                write_entry(sheet, row, &entry, &styles).map_err(xlsx_error)
            })
        })?;
        sheet.set_freeze_panes(1, 0)?;
    }
    let currencies = currency_columns(&totals.amounts);
    for (name, rows) in [
        ("By project", &totals.by_project),
        ("By client", &totals.by_client),
        ("By user", &totals.by_user),
    ] {
        let sheet = book.add_worksheet().set_name(name)?;
        write_groups(sheet, rows, &currencies, &styles)?;
    }
    let sheet = book.add_worksheet().set_name(period_sheet_name(periods))?;
    write_periods(sheet, &period_rows, &styles)?;
    let bytes = book.save_to_buffer()?;
    out.write_all(&bytes)?;
    out.flush()?;
    Ok(entries)
}

fn period_sheet_name(request: &PeriodRequest) -> &'static str {
    match request.grouping {
        super::Grouping::Day => "By day",
        super::Grouping::Week => "By week",
        super::Grouping::Month => "By month",
    }
}

struct Styles {
    bold: Format,
    datetime: Format,
    date: Format,
    hours: Format,
    text_as_is: Format,
}

impl Styles {
    fn new() -> Styles {
        Styles {
            bold: Format::new().set_bold(),
            datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            hours: Format::new().set_num_format("0.00"),
            text_as_is: Format::new().set_quote_prefix(),
        }
    }

    /// `1,234.50 "EUR"`: the number stays a number, the cell shows its currency.
    fn money(currency: Option<&str>) -> Format {
        let code = currency.unwrap_or("").replace('"', "");
        Format::new().set_num_format(format!("#,##0.00 \"{code}\""))
    }
}

fn header(sheet: &mut Worksheet, names: &[&str], styles: &Styles) -> Result<(), XlsxError> {
    for (col, name) in names.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *name, &styles.bold)?;
    }
    Ok(())
}

/// Text from Toggl; formula-like text gets the quote prefix (shown as typed, never run).
fn text(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    value: Option<&str>,
    styles: &Styles,
) -> Result<(), XlsxError> {
    match value {
        None | Some("") => Ok(()),
        Some(v) if is_formula_like(v) => {
            sheet.write_string_with_format(row, col, v, &styles.text_as_is)?;
            Ok(())
        }
        Some(v) => {
            sheet.write_string(row, col, v)?;
            Ok(())
        }
    }
}

fn number(sheet: &mut Worksheet, row: u32, col: u16, value: Option<i64>) -> Result<(), XlsxError> {
    if let Some(v) = value {
        sheet.write_number(row, col, v as f64)?;
    }
    Ok(())
}

fn hours(seconds: i64) -> f64 {
    seconds as f64 / 3600.0
}

fn write_entry(
    sheet: &mut Worksheet,
    row: u32,
    e: &EntryRow,
    styles: &Styles,
) -> Result<(), XlsxError> {
    text(sheet, row, 0, Some(&e.connection_name), styles)?;
    text(sheet, row, 1, e.workspace_name.as_deref(), styles)?;
    sheet.write_number(row, 2, e.id as f64)?;
    let start = ExcelDateTime::from_timestamp(e.start.timestamp())?;
    sheet.write_datetime_with_format(row, 3, &start, &styles.datetime)?;
    if let Some(stop) = e.stop {
        let stop = ExcelDateTime::from_timestamp(stop.timestamp())?;
        sheet.write_datetime_with_format(row, 4, &stop, &styles.datetime)?;
    }
    if let Some(seconds) = e.duration_seconds {
        sheet.write_number_with_format(row, 5, hours(seconds), &styles.hours)?;
    }
    text(sheet, row, 6, e.project_name.as_deref(), styles)?;
    text(sheet, row, 7, e.client_name.as_deref(), styles)?;
    text(sheet, row, 8, e.user_name.as_deref(), styles)?;
    text(sheet, row, 9, e.description.as_deref(), styles)?;
    text(sheet, row, 10, Some(&e.tags.join("; ")), styles)?;
    if let Some(billable) = e.billable {
        sheet.write_boolean(row, 11, billable)?;
    }
    let money = Styles::money(e.currency.as_deref());
    for (col, cents) in [(12, e.billable_amount_cents), (13, e.hourly_rate_cents)] {
        if let Some(cents) = cents {
            sheet.write_number_with_format(row, col, cents as f64 / 100.0, &money)?;
        }
    }
    text(sheet, row, 14, e.currency.as_deref(), styles)?;
    number(sheet, row, 15, Some(e.connection_id))?;
    number(sheet, row, 16, Some(e.workspace_id))?;
    number(sheet, row, 17, e.project_id)?;
    number(sheet, row, 18, e.user_id)?;
    number(sheet, row, 19, e.duration_seconds)?;
    sheet.write_boolean(row, 20, e.amount_derived)?;
    Ok(())
}

/// The currencies of the totals, one amount column each, in the totals' order.
fn currency_columns(amounts: &[Amount]) -> Vec<Option<String>> {
    amounts.iter().map(|a| a.currency.clone()).collect()
}

fn write_groups(
    sheet: &mut Worksheet,
    rows: &[TotalRow],
    currencies: &[Option<String>],
    styles: &Styles,
) -> Result<(), XlsxError> {
    let mut names = vec![
        "name".to_string(),
        "hours".into(),
        "billable hours".into(),
        "non-billable hours".into(),
        "entries".into(),
    ];
    names.extend(currencies.iter().map(|c| {
        format!(
            "billable amount {}",
            c.as_deref().unwrap_or("(no currency)")
        )
    }));
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    header(sheet, &names, styles)?;
    for (i, group) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        text(sheet, row, 0, Some(&group.name), styles)?;
        for (col, seconds) in [
            (1, group.seconds),
            (2, group.billable_seconds),
            (3, group.non_billable_seconds),
        ] {
            sheet.write_number_with_format(row, col, hours(seconds), &styles.hours)?;
        }
        sheet.write_number(row, 4, group.entries as f64)?;
        let by_currency: BTreeMap<&Option<String>, i64> = group
            .amounts
            .iter()
            .map(|a| (&a.currency, a.cents))
            .collect();
        for (j, currency) in currencies.iter().enumerate() {
            if let Some(cents) = by_currency.get(currency) {
                let money = Styles::money(currency.as_deref());
                sheet.write_number_with_format(row, 5 + j as u16, *cents as f64 / 100.0, &money)?;
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn write_periods(
    sheet: &mut Worksheet,
    rows: &[PeriodTotal],
    styles: &Styles,
) -> Result<(), XlsxError> {
    header(
        sheet,
        &[
            "start",
            "end",
            "hours",
            "billable hours",
            "entries",
            "previous start",
            "previous end",
            "previous hours",
            "previous billable hours",
            "previous entries",
        ],
        styles,
    )?;
    for (i, p) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        let date = |d: chrono::NaiveDate| {
            ExcelDateTime::from_ymd(d.year_ce().1 as u16, d.month() as u8, d.day() as u8)
        };
        sheet.write_datetime_with_format(row, 0, &date(p.start)?, &styles.date)?;
        sheet.write_datetime_with_format(row, 1, &date(p.end)?, &styles.date)?;
        sheet.write_number_with_format(row, 2, hours(p.current.seconds), &styles.hours)?;
        sheet.write_number_with_format(row, 3, hours(p.current.billable_seconds), &styles.hours)?;
        sheet.write_number(row, 4, p.current.entries as f64)?;
        sheet.write_datetime_with_format(row, 5, &date(p.previous_start)?, &styles.date)?;
        sheet.write_datetime_with_format(row, 6, &date(p.previous_end)?, &styles.date)?;
        sheet.write_number_with_format(row, 7, hours(p.previous.seconds), &styles.hours)?;
        sheet.write_number_with_format(
            row,
            8,
            hours(p.previous.billable_seconds),
            &styles.hours,
        )?;
        sheet.write_number(row, 9, p.previous.entries as f64)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn xlsx_error(e: XlsxError) -> AppError {
    AppError::Io(format!("the Excel file could not be written: {e}"))
}

impl From<XlsxError> for AppError {
    fn from(e: XlsxError) -> AppError {
        xlsx_error(e)
    }
}

use chrono::Datelike;
