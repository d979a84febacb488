//! Hours by day, week or month, each period beside the one before it (this week beside
//! last week), for the review's time chart and its comparison.

use super::filter::Filter;
use super::tally::{scan, Amount, Currencies, Tally};
use crate::db::Db;
use crate::domain::access::DEFAULT_WEEK_START;
use crate::error::{AppError, AppResult};
use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grouping {
    Day,
    Week,
    Month,
}

/// How to cut time into periods. `beginning_of_week` is the day weeks start on:
/// 0 Sunday, 1 Monday … 6 Saturday; `None` takes the reviewed connections' Toggl
/// setting (see [`super::week`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodRequest {
    pub grouping: Grouping,
    #[serde(default)]
    pub beginning_of_week: Option<u8>,
}

/// The figures of one period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub seconds: i64,
    pub billable_seconds: i64,
    pub entries: i64,
    pub amounts: Vec<Amount>,
    /// Seconds per project, largest first, for a chart stacked by project (the current
    /// period only; empty for the previous one).
    pub by_project: Vec<ProjectSeconds>,
}

/// Seconds of one project (`id` is `None` for entries without a project).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectSeconds {
    pub id: Option<i64>,
    pub seconds: i64,
}

/// One period (`start`..=`end`, local dates) and the whole period before it. The
/// current figures count only what the filter lets in (a range that starts mid-week
/// counts that week from its start day); the previous figures are the whole previous
/// period, the same as the filter run over that period alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodTotal {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub current: Figures,
    pub previous_start: NaiveDate,
    pub previous_end: NaiveDate,
    pub previous: Figures,
}

/// The most periods one answer lists (ten years of days).
const MAX_PERIODS: usize = 3_660;

/// Every period the filter's range touches, oldest first; without a range, from the
/// oldest to the newest period with entries.
pub fn review_periods(
    db: &Db,
    filter: &Filter,
    request: &PeriodRequest,
) -> AppResult<Vec<PeriodTotal>> {
    let beginning_of_week = match request.beginning_of_week {
        Some(day) if day > 6 => return Err(AppError::week_start_out_of_range()),
        Some(day) => day,
        None if request.grouping == Grouping::Week => {
            super::week::week_start(db, filter)?.beginning_of_week
        }
        None => DEFAULT_WEEK_START,
    };
    let cut = Cut {
        grouping: request.grouping,
        beginning_of_week,
    };
    // Reach back to the whole period before the first one, for its comparison.
    let mut wide = filter.clone();
    wide.start_date = filter
        .start_date
        .map(|day| cut.previous(cut.period_start(day)));
    let offset = i64::from(filter.utc_offset_minutes) * 60;
    let first_counted = filter.start_date.map(|day| filter.local_midnight(day));
    let mut currencies = Currencies::default();
    let mut whole: BTreeMap<NaiveDate, Tally> = BTreeMap::new();
    let mut counted: BTreeMap<NaiveDate, Tally> = BTreeMap::new();
    let mut projects: BTreeMap<NaiveDate, BTreeMap<Option<i64>, i64>> = BTreeMap::new();
    db.read(|conn| {
        let scope = wide.scope(conn)?;
        scan(conn, &scope, &wide, &mut currencies, |fact| {
            let day = local_day(fact.start.saturating_add(offset));
            let period = cut.period_start(day);
            whole.entry(period).or_default().add(fact);
            if first_counted.is_none_or(|first| fact.start >= first) {
                counted.entry(period).or_default().add(fact);
                let slot = projects.entry(period).or_default().entry(fact.project);
                let seconds = slot.or_default();
                *seconds = seconds.saturating_add(fact.seconds);
            }
        })
    })?;
    let first = match filter.start_date {
        Some(day) => Some(cut.period_start(day)),
        None => counted.keys().next().copied(),
    };
    let last = match filter.end_date {
        Some(day) => Some(cut.period_start(day)),
        None => counted.keys().next_back().copied(),
    };
    let (Some(mut period), Some(last)) = (first, last) else {
        return Ok(Vec::new());
    };
    let figures = |tally: Option<&Tally>, by_project: Option<&BTreeMap<Option<i64>, i64>>| {
        let mut by_project: Vec<ProjectSeconds> = by_project
            .into_iter()
            .flatten()
            .map(|(id, seconds)| ProjectSeconds {
                id: *id,
                seconds: *seconds,
            })
            .collect();
        by_project.sort_by(|a, b| b.seconds.cmp(&a.seconds).then(a.id.cmp(&b.id)));
        tally
            .map(|t| Figures {
                seconds: t.seconds,
                billable_seconds: t.billable_seconds,
                entries: t.entries,
                amounts: t.amounts(&currencies),
                by_project,
            })
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    while period <= last && out.len() < MAX_PERIODS {
        let previous = cut.previous(period);
        let next = cut.next(period);
        out.push(PeriodTotal {
            start: period,
            end: next.pred_opt().unwrap_or(period),
            current: figures(counted.get(&period), projects.get(&period)),
            previous_start: previous,
            previous_end: period.pred_opt().unwrap_or(previous),
            previous: figures(whole.get(&previous), None),
        });
        period = next;
    }
    Ok(out)
}

fn local_day(local_secs: i64) -> NaiveDate {
    let days = local_secs.div_euclid(86_400);
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(days + 719_163).unwrap_or(i32::MAX))
        .unwrap_or_default()
}

/// Period arithmetic for one request.
#[derive(Clone, Copy)]
struct Cut {
    grouping: Grouping,
    beginning_of_week: u8,
}

impl Cut {
    fn period_start(self, day: NaiveDate) -> NaiveDate {
        match self.grouping {
            Grouping::Day => day,
            Grouping::Week => {
                let weekday = day.weekday().num_days_from_sunday();
                let back = (weekday + 7 - u32::from(self.beginning_of_week)) % 7;
                day - Days::new(u64::from(back))
            }
            Grouping::Month => day.with_day(1).unwrap_or(day),
        }
    }

    fn next(self, start: NaiveDate) -> NaiveDate {
        match self.grouping {
            Grouping::Day => start + Days::new(1),
            Grouping::Week => start + Days::new(7),
            Grouping::Month => start + Months::new(1),
        }
    }

    fn previous(self, start: NaiveDate) -> NaiveDate {
        match self.grouping {
            Grouping::Day => start - Days::new(1),
            Grouping::Week => start - Days::new(7),
            Grouping::Month => start - Months::new(1),
        }
    }
}
