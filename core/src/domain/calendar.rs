//! Days as the stored times count them: unix seconds.

use chrono::NaiveDate;

/// The first second of `day` in UTC; the filters and pull ranges shift it by the
/// user's offset or zone themselves.
pub fn utc_midnight(day: NaiveDate) -> i64 {
    day.and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp())
        .unwrap_or_default()
}
