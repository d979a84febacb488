//! The fake Toggl Track server: follows the API fact sheet (shapes, status codes,
//! headers, pagination, quotas) so that no test ever calls the real Toggl.
//!
//! ```no_run
//! # async fn demo() {
//! use blink_fake_toggl::fake::{FakeToggl, Scenario};
//! let fake = FakeToggl::start(Scenario::demo()).await;
//! fake.faults().server_errors(1);
//! let _url = fake.url();
//! # }
//! ```

mod answer;
mod auth;
mod entries;
mod faults;
mod generate;
mod limits;
mod log;
mod pipeline;
mod render;
mod routes;
mod scenario;
mod server;
mod settings;

pub use faults::Faults;
pub use generate::{
    generated_epoch, DEMO_MEMBER, DEMO_ORG_ADMIN, DEMO_OWNER, DEMO_WORKSPACE_ADMIN,
};
pub use log::{RecordedRequest, RequestLog};
pub use scenario::{
    token_for, Client, Limits, Organization, Plan, Project, Rate, Scenario, Shape, Tag, TimeEntry,
    User, Workspace, PERSONAL_ORG_BASE,
};
pub use server::FakeToggl;
pub use settings::own_entries_earliest;
