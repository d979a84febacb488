//! What the benchmarks share: a ready connection to store pulled rows under.

use blink_core::db::connections::{insert_pending, set_state, InsertRow, RowState};
use blink_core::db::Db;
use blink_core::domain::{AccessReport, Privacy};

/// A ready connection record (no token: benchmarks never ask the credential store).
pub fn connection(db: &Db, access: &AccessReport) -> i64 {
    db.transaction(|tx| {
        let id = insert_pending(
            tx,
            &InsertRow {
                source: "toggl",
                name: "Bench",
                privacy: &Privacy::SharedWithWorkspace,
                access,
                request_id: "bench",
            },
        )?;
        set_state(tx, id, RowState::Ready)?;
        Ok(id)
    })
    .unwrap()
}
