//! Pulling Toggl data of a connection into SQLite for offline review.
//!
//! A pull is a list of stages planned from the connection's access snapshot (see
//! [`plan`]): per workspace the time entries (Reports API v3 detailed search where the
//! account is an admin, else its own entries from `/me/time_entries`), then projects
//! (active and archived), clients (both statuses, one request), tags and, where the
//! role allows, members. Organizations and workspaces come from the snapshot: no
//! request. Each page is committed with its stage cursor in one transaction
//! ([`store`]), so a pull stopped anywhere resumes after its last committed page.
//!
//! # Requests are a budget
//!
//! A first pull of a range costs, per workspace: report pages `max(1, ceil(n / 50))`
//! per year-long chunk (admin workspaces), projects `2` (one page each of active and archived while under
//! 200), clients `1`, tags `ceil(t / 200)` (at least 1), members `1` (admin workspaces);
//! plus one `/me/time_entries` request per 30-day window when some workspace is not
//! administered (and one refused request when the range reaches past the lookback, once
//! per pull). **A re-pull of the same range** asks only for what changed since the last
//! pull of it ([`walk`]): one `GET /me/time_entries?since=…` for the account's own
//! entries in every workspace (deletions included), and per admin workspace the
//! detailed report latest changes first, down to the first row older than the last
//! pull's high-water mark. The metadata stages are skipped while younger than
//! [`PullOptions::metadata_max_age`] (24 h) unless stored entries name a project or tag
//! that is not stored. So a re-pull of an unchanged range costs one request per admin
//! workspace plus one when some workspace is not administered, and
//! `ceil((changed + 1) / page size)` report requests per workspace after changes.
//!
//! The whole range is walked again, as on a first pull, when the user asks ("Full
//! re-pull", [`PullOptions::full_walk`]), when the last whole walk of the range is
//! older than a week ([`PullOptions::full_walk_max_age`]), and when Toggl cannot say
//! what changed: report rows out of last-update order, a `since` answer at the 1000
//! cap, a refused `since` (it serves about three months). Only a whole walk sees
//! entries others deleted in an admin workspace (the report never lists deletions) and
//! entries there whose start moved out of the range.
//!
//! # When the detailed report is refused
//!
//! A workspace whose plan answers the report with 402 "needs this feature" falls back
//! to the account's own entries for that workspace (its report stage is recorded as
//! skipped and an own-entries stage is planned in the same transaction, so a resumed
//! pull takes the same path). Each later pull asks the report once more (1 request)
//! before falling back, in case the plan changed.
//!
//! # What real Toggl adds
//!
//! - The range's days are the Toggl user's days (their time zone), as the detailed
//!   report reads `start_date`/`end_date`; own-entry windows use the same instants.
//! - A report stage walks the range in chunks of at most a year ([`plan::report_chunks`]),
//!   each resumable, by Toggl's full cursor (`first_row_number` with `first_id` and
//!   `first_timestamp`). A stage resumed from an earlier run checks that its cursor still
//!   names its row; if entries before it changed during the stop, the chunk is walked
//!   again before it is swept.
//! - `/me/time_entries` serves about three months: windows before the date Toggl's 400
//!   names (90 days when it names none) are not asked, and the pull's notices say which
//!   days of which workspaces were not pulled. Entries stored earlier for them are kept.
//! - A stage Toggl refuses with a 4xx (lost access, a plan feature, anything else) is
//!   skipped with a notice and the others go on; a 403 off `/me` re-checks access once
//!   and skips the workspace's remaining stages when it no longer qualifies.
//! - Durations are stop − start (the report's `seconds` follow the user's rounding).
//! - A page that repeats the previous page's rows ends its stage without a sweep.
//!
//! # Deletions
//!
//! Rows carry the id of the pull that last saw them. When a whole walk of a report chunk
//! completes, its entries in the window Toggl reported on that this pull did not see
//! are deleted, in the transaction of the last page; an own-entries window sweeps itself.
//! A `since` answer names the account's deleted entries, which go wherever they are, and
//! entries whose start moved out of the range, which go from it.
//! Metadata stages sweep their table for the workspace when they complete.
//!
//! # Running pulls
//!
//! [`PullService`] is how the app starts them: one at a time per connection, each with
//! its Cancel, and one [`PullOutcome`] for the page whatever way the pull ended.

pub mod count;
mod engine;
mod estimate;
pub mod fetch;
pub mod model;
pub mod page_sizes;
pub mod plan;
mod service;
pub mod store;
mod summary;
#[cfg(test)]
pub(crate) mod test_support;
#[cfg(test)]
mod tests;
pub mod walk;

pub use engine::{pull, pull_with_first_pages, ProgressFn};
pub use estimate::{
    estimate, estimate_counted, EstimateSource, PullEstimate, QuotaView, FREE_PLAN_PER_HOUR,
};
pub use model::{
    BucketQuota, Expected, NoticeKind, Progress, PullFacts, PullNotice, PullOptions, PullOutcome,
    PullRange, PullReport, PullRequest, PullStatus, PullSummary, StageKind, StoredCounts,
    DEFAULT_PULL_DAYS,
};
pub use service::{ProgressSink, PullService, ResumeFacts};
pub use summary::{last_pull, stored_counts};
