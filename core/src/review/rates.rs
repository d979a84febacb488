//! Amounts derived from project rates, for billable entries Toggl's detailed report gave
//! no amount for: the caller's own entries come from `/me/time_entries`, which carries
//! none. The amount is the entry's seconds at the project's hourly rate, in the
//! project's currency, and is marked as derived wherever it is shown; an amount Toggl
//! gave is never replaced. (Toggl also knows member and workspace rates; the pull
//! stores neither, so an entry of a project without a rate keeps no amount.)

use crate::error::AppResult;
use rusqlite::{params_from_iter, Connection};
use std::collections::HashMap;

/// A project's billable rate per hour, in cents of `currency`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProjectRate {
    pub cents: i64,
    pub currency: Option<String>,
}

/// The rate to derive an amount from, when the entry needs one: billable, tracked time,
/// no amount from Toggl, and a project with a rate.
pub(crate) fn derivable(
    billable: bool,
    reported: Option<i64>,
    seconds: i64,
    rate: Option<&ProjectRate>,
) -> Option<&ProjectRate> {
    rate.filter(|_| billable && reported.is_none() && seconds > 0)
}

/// What `seconds` earn at `rate_cents` an hour, to the nearest cent (halves up).
pub(crate) fn amount_at_rate(seconds: i64, rate_cents: i64) -> i64 {
    let cents = (i128::from(seconds) * i128::from(rate_cents) + 1_800).div_euclid(3_600);
    i64::try_from(cents).unwrap_or(i64::MAX)
}

/// The rates of the projects of `connections` that have one, by (connection, project).
pub(crate) fn project_rates(
    conn: &Connection,
    connections: &[i64],
) -> AppResult<HashMap<(i64, i64), ProjectRate>> {
    let marks = vec!["?"; connections.len()].join(", ");
    let mut stmt = conn.prepare(&format!(
        "SELECT connection_id, id, rate_cents, currency FROM toggl_projects \
         WHERE connection_id IN ({marks}) AND rate_cents IS NOT NULL"
    ))?;
    let rows = stmt.query_map(params_from_iter(connections.iter()), |r| {
        Ok((
            (r.get(0)?, r.get(1)?),
            ProjectRate {
                cents: r.get(2)?,
                currency: r.get(3)?,
            },
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_amount_at_a_rate_is_rounded_to_the_nearest_cent() {
        // 90 minutes at 72.50 an hour.
        assert_eq!(amount_at_rate(5_400, 7_250), 10_875);
        // 1 second at 1.00 an hour is 0.0278 cents; 18 seconds are half a cent, up.
        assert_eq!(amount_at_rate(1, 100), 0);
        assert_eq!(amount_at_rate(18, 100), 1);
        assert_eq!(amount_at_rate(i64::MAX, i64::MAX), i64::MAX);
    }

    #[test]
    fn only_billable_tracked_time_without_a_reported_amount_is_derived() {
        let rate = ProjectRate {
            cents: 6_000,
            currency: Some("EUR".into()),
        };
        assert!(derivable(true, None, 60, Some(&rate)).is_some());
        assert!(derivable(false, None, 60, Some(&rate)).is_none());
        assert!(derivable(true, Some(100), 60, Some(&rate)).is_none());
        assert!(derivable(true, None, 0, Some(&rate)).is_none());
        assert!(derivable(true, None, 60, None).is_none());
    }
}
