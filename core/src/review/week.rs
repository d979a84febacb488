//! The day the review's weeks start on: the `beginning_of_week` of the Toggl user
//! behind each reviewed connection, learned by its token check. One connection's review
//! uses that connection's day. When the reviewed connections disagree, weeks start on
//! Monday (Toggl's default and ISO 8601's week), and the answer says so and lists each
//! connection's day, so the page can tell the user and offer to pick a day instead.

use super::filter::Filter;
use crate::db::Db;
use crate::domain::access::DEFAULT_WEEK_START;
use crate::error::AppResult;
use rusqlite::params_from_iter;
use serde::Serialize;

/// The week start a review uses, and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeekStart {
    /// 0 Sunday … 6 Saturday.
    pub beginning_of_week: u8,
    /// `false` when the reviewed connections start weeks on different days (the review
    /// then starts them on Monday).
    pub agreed: bool,
    /// Each reviewed connection's own day, in the order the scope lists them.
    pub connections: Vec<ConnectionWeekStart>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConnectionWeekStart {
    pub connection_id: i64,
    pub name: String,
    pub beginning_of_week: u8,
}

/// The week start of the filter's connections (see the module comment); Monday when it
/// reviews none.
pub fn week_start(db: &Db, filter: &Filter) -> AppResult<WeekStart> {
    db.read(|conn| {
        let scope = filter.scope(conn)?;
        let marks = vec!["?"; scope.connections.len()].join(", ");
        let mut stmt = conn.prepare(&format!(
            "SELECT id, name, beginning_of_week FROM connections WHERE id IN ({marks}) ORDER BY id"
        ))?;
        let rows = stmt.query_map(params_from_iter(scope.connections.iter()), |r| {
            Ok(ConnectionWeekStart {
                connection_id: r.get(0)?,
                name: r.get(1)?,
                beginning_of_week: r.get(2)?,
            })
        })?;
        let connections: Vec<ConnectionWeekStart> = rows.collect::<Result<_, _>>()?;
        Ok(decide(connections))
    })
}

fn decide(connections: Vec<ConnectionWeekStart>) -> WeekStart {
    let first = connections.first().map(|c| c.beginning_of_week);
    let agreed = connections
        .iter()
        .all(|c| Some(c.beginning_of_week) == first);
    let beginning_of_week = match first {
        Some(day) if agreed => day,
        _ => DEFAULT_WEEK_START,
    };
    WeekStart {
        beginning_of_week,
        agreed,
        connections,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::time_entries::upsert;
    use crate::domain::Privacy;
    use crate::review::tests::{access, entry};
    use crate::review::{review_periods, Grouping, PeriodRequest, PeriodTotal};
    use crate::sync::test_support::add_connection;
    use chrono::NaiveDate;

    fn date(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 11, d).unwrap()
    }

    /// Two connections holding the same three entries, Saturday 8, Sunday 9 and Monday
    /// 10 November 2025 (1 h, 2 h, 3 h, UTC); the Toggl user of "Sundays" starts weeks
    /// on Sunday, the one of "Mondays" on Monday.
    fn sundays_and_mondays(db: &Db) -> (i64, i64) {
        let mut ids = Vec::new();
        for (name, day, first_id) in [("Sundays", 0, 1), ("Mondays", 1, 11)] {
            let mut week_access = access();
            week_access.beginning_of_week = day;
            let id = add_connection(db, name, &Privacy::SharedWithWorkspace, &week_access);
            let ann = (1, "Ann");
            let at = |n: i64, start: &str, secs: i64| {
                entry(first_id + n, 10, None, ann, None, start, Some(secs), &[])
            };
            let entries = [
                at(0, "2025-11-08T09:00:00Z", 3_600),
                at(1, "2025-11-09T09:00:00Z", 7_200),
                at(2, "2025-11-10T09:00:00Z", 10_800),
            ];
            db.transaction(|tx| upsert(tx, id, 1, &entries)).unwrap();
            ids.push(id);
        }
        (ids[0], ids[1])
    }

    /// The weeks of `connection_ids` with the week start left to the connections.
    fn weeks(db: &Db, connection_ids: Vec<i64>) -> Vec<(NaiveDate, NaiveDate, i64, i64)> {
        let filter = Filter {
            connection_ids,
            ..Filter::default()
        };
        let request = PeriodRequest {
            grouping: Grouping::Week,
            beginning_of_week: None,
        };
        let periods: Vec<PeriodTotal> = review_periods(db, &filter, &request).unwrap();
        periods
            .iter()
            .map(|p| (p.start, p.end, p.current.seconds, p.previous.seconds))
            .collect()
    }

    #[test]
    fn weeks_start_on_the_day_each_connections_toggl_user_chose() {
        let db = Db::open_in_memory().unwrap();
        let (sundays, mondays) = sundays_and_mondays(&db);
        // Sunday weeks: Saturday the 8th closes the week of the 2nd; the 9th opens the next,
        // whose previous week is the 1 h of the 8th.
        assert_eq!(
            weeks(&db, vec![sundays]),
            [
                (date(2), date(8), 3_600, 0),
                (date(9), date(15), 7_200 + 10_800, 3_600),
            ]
        );
        // Monday weeks: the 8th and 9th are the week of the 3rd; the 10th opens the next.
        assert_eq!(
            weeks(&db, vec![mondays]),
            [
                (date(3), date(9), 3_600 + 7_200, 0),
                (date(10), date(16), 10_800, 3_600 + 7_200),
            ]
        );
        let one = week_start(&db, &Filter::default().for_connection(sundays)).unwrap();
        assert_eq!((one.beginning_of_week, one.agreed), (0, true));
    }

    #[test]
    fn connections_that_disagree_are_reviewed_in_monday_weeks_and_the_answer_says_so() {
        let db = Db::open_in_memory().unwrap();
        let (sundays, mondays) = sundays_and_mondays(&db);
        let both = week_start(&db, &Filter::default()).unwrap();
        assert_eq!(both.beginning_of_week, 1);
        assert!(!both.agreed);
        let days: Vec<(i64, &str, u8)> = both
            .connections
            .iter()
            .map(|c| (c.connection_id, c.name.as_str(), c.beginning_of_week))
            .collect();
        assert_eq!(days, [(sundays, "Sundays", 0), (mondays, "Mondays", 1)]);
        assert_eq!(
            weeks(&db, vec![]),
            [
                (date(3), date(9), 2 * (3_600 + 7_200), 0),
                (date(10), date(16), 2 * 10_800, 2 * (3_600 + 7_200)),
            ]
        );
    }
}
