//! Everything that talks to Toggl Track: the HTTP client, the response models and the
//! access (role) check.

pub mod access;
pub mod client;
pub mod endpoints;
pub mod models;
mod pacing;
pub mod quota;
mod status;
#[cfg(test)]
pub(crate) mod test_support;

pub use access::{check_access, check_pasted_token};
pub use client::{TogglClient, TogglClientBuilder};
pub use endpoints::ClientStatus;
pub use models::{Page, ReportCursor, ReportPage};
pub use quota::{Bucket, Quota};
pub use status::own_entries_earliest_date;
