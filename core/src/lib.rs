//! Domain code of Blink Connections, kept apart from the Tauri glue so that every
//! service can be tested with plain `#[test]`s: no window, no WebKit, no IPC.

pub mod config;
pub mod connections;
pub mod data_dir;
pub mod db;
pub mod domain;
pub mod error;
pub mod exports;
pub mod names;
pub mod review;
pub mod secrets;
pub mod startup;
pub mod sync;
pub mod ticket;
pub mod toggl;
pub mod token;

pub use error::{AppError, AppResult};
pub use token::ApiToken;
