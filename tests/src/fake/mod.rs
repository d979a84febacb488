//! The fake Toggl Track server.
