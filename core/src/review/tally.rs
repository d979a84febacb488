//! The one pass over the filtered entries that totals and period figures both read:
//! hours, billable hours and money per currency, summed as the rows stream by.

use super::filter::{Filter, Scope};
use super::rates::{amount_at_rate, derivable, project_rates, ProjectRate};
use crate::error::AppResult;
use rusqlite::types::ValueRef;
use rusqlite::{params_from_iter, Connection};
use serde::Serialize;
use std::collections::HashMap;

/// Money in one currency. `currency` is `None` for amounts Toggl gave without one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Amount {
    pub currency: Option<String>,
    pub cents: i64,
    /// The part of `cents` derived from project rates (entries Toggl gave no amount
    /// for, see `rates`); 0 when Toggl gave every amount.
    pub derived_cents: i64,
}

/// One filtered entry, as much of it as the sums need.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fact {
    pub project: Option<i64>,
    pub user: Option<i64>,
    pub start: i64,
    pub seconds: i64,
    pub billable: bool,
    pub amount: Option<Money>,
}

/// An entry's amount: `currency` indexes the pass's [`Currencies`]; `derived` when it
/// comes from the project's rate rather than from Toggl.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Money {
    pub currency: usize,
    pub cents: i64,
    pub derived: bool,
}

/// The currencies met during a pass, so a row names its currency by index instead of
/// carrying a string.
#[derive(Debug, Default)]
pub(crate) struct Currencies(Vec<Option<String>>);

impl Currencies {
    fn index(&mut self, code: ValueRef<'_>) -> usize {
        match code {
            ValueRef::Text(t) => self.index_of(Some(&String::from_utf8_lossy(t))),
            _ => self.index_of(None),
        }
    }

    fn index_of(&mut self, code: Option<&str>) -> usize {
        let found = self.0.iter().position(|c| c.as_deref() == code);
        found.unwrap_or_else(|| {
            self.0.push(code.map(str::to_string));
            self.0.len() - 1
        })
    }
}

/// Sums of one group: seconds (running entries count zero), billable seconds, entries
/// and money per currency. Sums saturate rather than wrap: storage refuses absurd
/// durations, and a sum is never allowed to overflow into a negative total whatever the
/// file holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    pub seconds: i64,
    pub billable_seconds: i64,
    pub entries: i64,
    /// (currency index, cents, derived cents); a handful at most, so a list beats a map.
    pub amounts: Vec<(usize, i64, i64)>,
}

impl Tally {
    pub fn add(&mut self, fact: &Fact) {
        self.seconds = self.seconds.saturating_add(fact.seconds);
        self.entries += 1;
        if fact.billable {
            self.billable_seconds = self.billable_seconds.saturating_add(fact.seconds);
        }
        if let Some(money) = fact.amount {
            let derived = if money.derived { money.cents } else { 0 };
            self.add_amount(money.currency, money.cents, derived);
        }
    }

    fn add_amount(&mut self, currency: usize, cents: i64, derived: i64) {
        match self.amounts.iter_mut().find(|(c, ..)| *c == currency) {
            Some(slot) => {
                slot.1 = slot.1.saturating_add(cents);
                slot.2 = slot.2.saturating_add(derived);
            }
            None => self.amounts.push((currency, cents, derived)),
        }
    }

    pub fn merge(&mut self, other: &Tally) {
        self.seconds = self.seconds.saturating_add(other.seconds);
        self.billable_seconds = self.billable_seconds.saturating_add(other.billable_seconds);
        self.entries = self.entries.saturating_add(other.entries);
        for &(currency, cents, derived) in &other.amounts {
            self.add_amount(currency, cents, derived);
        }
    }

    /// The amounts by currency code, alphabetical (amounts without a currency last).
    pub fn amounts(&self, currencies: &Currencies) -> Vec<Amount> {
        let mut amounts: Vec<Amount> = self
            .amounts
            .iter()
            .map(|&(c, cents, derived_cents)| Amount {
                currency: currencies.0[c].clone(),
                cents,
                derived_cents,
            })
            .collect();
        amounts.sort_by(|a, b| {
            (a.currency.is_none(), &a.currency).cmp(&(b.currency.is_none(), &b.currency))
        });
        amounts
    }
}

/// Streams every entry of the scope that matches `filter` to `each`, reading only
/// the columns of one covering index (`time_entries_review`, `_by_project`, `_by_user`,
/// or for a tag the links' index), in the scope's parts ([`Filter::parts`]); a billable
/// entry without Toggl's amount gets one from its project's rate.
pub(crate) fn scan(
    conn: &Connection,
    scope: &Scope,
    filter: &Filter,
    currencies: &mut Currencies,
    mut each: impl FnMut(&Fact),
) -> AppResult<()> {
    let rates = project_rates(conn, &scope.connections)?;
    for part in filter.parts(scope) {
        scan_part(conn, &part, filter, &rates, currencies, &mut each)?;
    }
    Ok(())
}

fn scan_part(
    conn: &Connection,
    scope: &Scope,
    filter: &Filter,
    rates: &HashMap<(i64, i64), ProjectRate>,
    currencies: &mut Currencies,
    each: &mut impl FnMut(&Fact),
) -> AppResult<()> {
    let sql = filter.to_sql(scope);
    let a = sql.alias;
    let mut stmt = conn.prepare(&format!(
        "SELECT {a}.project_id, {a}.user_id, {a}.start, {a}.duration, {a}.billable, \
         {a}.billable_amount_cents, {a}.currency, {a}.connection_id FROM {} WHERE {}",
        sql.from, sql.clause
    ))?;
    let mut rows = stmt.query(params_from_iter(sql.params))?;
    while let Some(row) = rows.next()? {
        let project: Option<i64> = row.get(0)?;
        let seconds = row.get::<_, Option<i64>>(3)?.unwrap_or(0).max(0);
        let billable = row.get::<_, Option<bool>>(4)?.unwrap_or(false);
        let reported: Option<i64> = row.get(5)?;
        // Only an entry that may need a rate looks one up (most rows carry Toggl's amount
        // or are not billable).
        let rate = match project {
            Some(p) if billable && reported.is_none() && !rates.is_empty() => {
                rates.get(&(row.get(7)?, p))
            }
            _ => None,
        };
        let amount = match (reported, derivable(billable, reported, seconds, rate)) {
            (Some(cents), _) => Some(Money {
                currency: currencies.index(row.get_ref(6)?),
                cents,
                derived: false,
            }),
            (None, Some(rate)) => Some(Money {
                currency: currencies.index_of(rate.currency.as_deref()),
                cents: amount_at_rate(seconds, rate.cents),
                derived: true,
            }),
            (None, None) => None,
        };
        each(&Fact {
            project,
            user: row.get(1)?,
            start: row.get(2)?,
            seconds,
            billable,
            amount,
        });
    }
    Ok(())
}
