//! Offline review of pulled data: totals, the paged entries table, the filter choices,
//! CSV export and the row counts the connection page shows. Everything reads SQLite
//! only, so it works with no network.
//!
//! This is the read side of storage and the one place besides `db` that holds SQL:
//! its queries are built from the review filter and shaped for one screen each, they
//! only read, and they run on the database's read-only connection ([`Db::read`]), so
//! keeping them beside the shapes they fill keeps a change to the review page in one
//! module. Everything that writes, and the reads a writer needs, stays in `db`.
//!
//! [`Db::read`]: crate::db::Db::read

pub mod csv;
pub mod entries;
pub mod filter;
pub mod options;
pub mod stored;
#[cfg(test)]
mod tests;
pub mod totals;

pub use csv::export_csv;
pub use entries::{entries_page, EntriesPage, EntryRow, PageRequest};
pub use filter::Filter;
pub use options::{filter_options, Choice, FilterOptions};
pub use stored::stored_counts;
pub use totals::{totals, DayTotal, TotalRow, Totals};
