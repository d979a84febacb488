//! Offline review of pulled data: totals, the paged entries table, the filter choices
//! and CSV export. Everything reads SQLite only, so it works with no network.

pub mod csv;
pub mod entries;
pub mod filter;
pub mod options;
#[cfg(test)]
mod tests;
pub mod totals;

pub use csv::export_csv;
pub use entries::{entries_page, EntriesPage, EntryCursor, EntryRow, PageRequest};
pub use filter::Filter;
pub use options::{filter_options, Choice, FilterOptions};
pub use totals::{totals, DayTotal, TotalRow, Totals};
