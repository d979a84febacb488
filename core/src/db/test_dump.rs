//! Stored rows as text, for tests that compare two databases or a table before and
//! after an operation: one line per row, `column=value` joined by `|`.

use rusqlite::types::ValueRef;
use rusqlite::{Connection, Params};

/// The rows `sql` selects, leaving out the columns named in `skip` (bookkeeping such as
/// the pull that last saw a row, which differs between two pulls of the same data).
pub(crate) fn rows_as_text(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    skip: &[&str],
) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(sql)?;
    let names: Vec<String> = stmt.column_names().iter().map(|n| n.to_string()).collect();
    let rows = stmt.query_map(params, |r| {
        let mut cells = Vec::with_capacity(names.len());
        for (i, name) in names.iter().enumerate() {
            if skip.contains(&name.as_str()) {
                continue;
            }
            cells.push(match r.get_ref(i)? {
                ValueRef::Text(t) => format!("{name}={}", String::from_utf8_lossy(t)),
                other => format!("{name}={other:?}"),
            });
        }
        Ok(cells.join("|"))
    })?;
    rows.collect()
}
