//! Neutral shapes that several layers share: what the role check learned about an
//! account ([`access`]) and who may see a connection ([`privacy`]). They belong to no
//! wire format and no table: `toggl` builds them from Toggl's answers, `db` owns how
//! they are stored, and the services and the page read them.

pub mod access;
pub mod calendar;
pub mod privacy;
pub mod standing;
#[cfg(test)]
pub(crate) mod test_support;

pub use access::{AccessReport, OrganizationAccess, TogglUser, Verdict, WorkspaceAccess};
pub use privacy::Privacy;
pub use standing::{Standing, WorkspaceStanding};
