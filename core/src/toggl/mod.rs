//! Everything that talks to Toggl Track: the HTTP client, the response models and the
//! access (role) check.

pub mod access;
