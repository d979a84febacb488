//! CSV export of the filtered entries: streamed row by row from SQLite through the `csv`
//! crate's writer, RFC 4180 (CRLF line ends, fields with a comma, quote or line break
//! quoted, quotes doubled), a header row, times in ISO 8601 UTC; text that a spreadsheet would run as a
//! formula is neutralized. Holds no token: none is stored here. The export reads on a
//! read-only connection of its own, so a pull or a delete can write meanwhile.

use super::entries::{for_each_row, EntryRow};
use super::filter::Filter;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use chrono::SecondsFormat;
use std::io::Write;

pub const HEADER: [&str; 20] = [
    "connection_id",
    "connection",
    "id",
    "start",
    "stop",
    "duration_seconds",
    "workspace_id",
    "workspace",
    "project_id",
    "project",
    "client",
    "user_id",
    "user",
    "description",
    "tags",
    "billable",
    "billable_amount",
    "hourly_rate",
    "currency",
    "amount_from_project_rate",
];

/// Writes one connection's entries matching `filter`, newest first (the table's order);
/// returns how many rows were written, header excluded.
pub fn export_csv(
    db: &Db,
    connection_id: i64,
    filter: &Filter,
    writer: &mut dyn Write,
) -> AppResult<u64> {
    review_export_csv(db, &filter.for_connection(connection_id), writer)
}

/// Writes the entries of the filter's connections, newest first.
pub fn review_export_csv(db: &Db, filter: &Filter, writer: &mut dyn Write) -> AppResult<u64> {
    // The caller buffers (a file export goes through a BufWriter): a small buffer here
    // hands rows on as they are read instead of holding the first 8 KiB back.
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .buffer_capacity(256)
        .from_writer(writer);
    out.write_record(HEADER).map_err(csv_error)?;
    let mut written = 0;
    db.read_long(|conn| {
        let scope = filter.scope(conn)?;
        for_each_row(conn, &scope, filter, None, |row| {
            out.write_record(fields(&row)).map_err(csv_error)?;
            written += 1;
            Ok(())
        })
    })?;
    out.flush()?;
    Ok(written)
}

fn csv_error(e: csv::Error) -> AppError {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => AppError::from(e),
        other => AppError::Internal(format!("the CSV writer failed: {other:?}")),
    }
}

fn fields(row: &EntryRow) -> impl Iterator<Item = String> {
    let opt = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    let iso = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    let text = |s: String| neutralize_formula(&s);
    [
        row.connection_id.to_string(),
        text(row.connection_name.clone()),
        row.id.to_string(),
        iso(row.start),
        row.stop.map(iso).unwrap_or_default(),
        opt(row.duration_seconds),
        row.workspace_id.to_string(),
        text(row.workspace_name.clone().unwrap_or_default()),
        opt(row.project_id),
        text(row.project_name.clone().unwrap_or_default()),
        text(row.client_name.clone().unwrap_or_default()),
        opt(row.user_id),
        text(row.user_name.clone().unwrap_or_default()),
        text(row.description.clone().unwrap_or_default()),
        text(row.tags.join("; ")),
        row.billable.map(|b| b.to_string()).unwrap_or_default(),
        cents(row.billable_amount_cents),
        cents(row.hourly_rate_cents),
        text(row.currency.clone().unwrap_or_default()),
        row.amount_derived.to_string(),
    ]
    .into_iter()
}

/// Cents as a decimal amount ("1234.50"); empty when unknown.
pub(crate) fn cents(value: Option<i64>) -> String {
    value
        .map(|c| {
            let sign = if c < 0 { "-" } else { "" };
            format!(
                "{sign}{}.{:02}",
                c.unsigned_abs() / 100,
                c.unsigned_abs() % 100
            )
        })
        .unwrap_or_default()
}

/// Characters that make a spreadsheet read a cell as a formula, full-width forms
/// included (some spreadsheets fold them to ASCII).
const FORMULA_STARTS: [char; 8] = ['=', '+', '-', '@', '＝', '＋', '－', '＠'];

/// Text typed in Toggl (by any member of the workspace) that a spreadsheet would run as
/// a formula gets a leading apostrophe, the usual guard against CSV formula injection.
/// Spreadsheets skip leading blanks before they look, so the check does too: spaces,
/// NBSP, line breaks, tabs, a byte-order mark or zero-width characters in front of a
/// formula character do not hide it. A field that starts with a tab or a carriage
/// return is neutralized whatever follows. Numbers and times are written by the app and
/// left alone.
pub fn neutralize_formula(field: &str) -> String {
    if is_formula_like(field) {
        format!("'{field}")
    } else {
        field.to_string()
    }
}

/// Whether a spreadsheet would read `field` as a formula (see [`neutralize_formula`]);
/// the Excel export marks such text as text instead of prefixing it.
pub fn is_formula_like(field: &str) -> bool {
    let skipped = |c: char| {
        c.is_whitespace() || matches!(c, '\u{feff}' | '\u{200b}'..='\u{200d}' | '\u{2060}')
    };
    let first = field.trim_start_matches(skipped).chars().next();
    field.starts_with(['\t', '\r']) || first.is_some_and(|c| FORMULA_STARTS.contains(&c))
}
