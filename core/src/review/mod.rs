//! Offline review of pulled data, over one connection or any set of them: totals with
//! billable hours and money per currency, periods beside the previous ones, the paged
//! entries table, the filter choices, saved views, CSV and Excel exports and the row counts the
//! connection page shows. Everything reads SQLite
//! only, so it works with no network.
//!
//! This is the read side of storage and the one place besides `db` that holds SQL:
//! its queries are built from the review filter and shaped for one screen each, they
//! only read, and they run on the database's read-only connection ([`Db::read`]), so
//! keeping them beside the shapes they fill keeps a change to the review page in one
//! module. Everything that writes, and the reads a writer needs, stays in `db`.
//!
//! [`Db::read`]: crate::db::Db::read

#[cfg(test)]
mod across_tests;
pub mod csv;
pub mod entries;
pub mod filter;
pub mod options;
pub mod periods;
mod rates;
#[cfg(test)]
mod rates_tests;
#[cfg(test)]
mod scale_tests;
pub mod stored;
mod tally;
#[cfg(test)]
mod tests;
pub mod totals;
pub mod views;
pub mod week;
pub mod xlsx;
#[cfg(test)]
mod xlsx_tests;

pub use csv::{export_csv, review_export_csv};
pub use entries::{entries_page, review_page, EntriesPage, EntryRow, PageRequest};
pub use filter::Filter;
pub use options::{filter_options, review_filter_options, Choice, FilterOptions};
pub use periods::{review_periods, Figures, Grouping, PeriodRequest, PeriodTotal, ProjectSeconds};
pub use stored::stored_counts;
pub use tally::Amount;
pub use totals::{review_totals, totals, DayTotal, TotalRow, Totals};
pub use views::{delete_view, list_views, open_view, rename_view, save_view, SavedView};
pub use week::{week_start, ConnectionWeekStart, WeekStart};
pub use xlsx::review_export_xlsx;
