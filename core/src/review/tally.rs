//! The one pass over the filtered entries that totals and period figures both read:
//! hours, billable hours and money per currency, summed as the rows stream by.

use super::filter::{Filter, Scope};
use crate::error::AppResult;
use rusqlite::types::ValueRef;
use rusqlite::{params_from_iter, Connection};
use serde::Serialize;

/// Money in one currency. `currency` is `None` for amounts Toggl gave without one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Amount {
    pub currency: Option<String>,
    pub cents: i64,
}

/// One filtered entry, as much of it as the sums need. `currency` indexes the pass's
/// [`Currencies`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fact {
    pub project: Option<i64>,
    pub user: Option<i64>,
    pub start: i64,
    pub seconds: i64,
    pub billable: bool,
    pub amount: Option<(usize, i64)>,
}

/// The currencies met during a pass, so a row names its currency by index instead of
/// carrying a string.
#[derive(Debug, Default)]
pub(crate) struct Currencies(Vec<Option<String>>);

impl Currencies {
    fn index(&mut self, code: ValueRef<'_>) -> usize {
        let code = match code {
            ValueRef::Text(t) => Some(String::from_utf8_lossy(t)),
            _ => None,
        };
        let found = self.0.iter().position(|c| c.as_deref() == code.as_deref());
        found.unwrap_or_else(|| {
            self.0.push(code.map(|c| c.into_owned()));
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
    /// (currency index, cents); a handful at most, so a list beats a map.
    pub amounts: Vec<(usize, i64)>,
}

impl Tally {
    pub fn add(&mut self, fact: &Fact) {
        self.seconds = self.seconds.saturating_add(fact.seconds);
        self.entries += 1;
        if fact.billable {
            self.billable_seconds = self.billable_seconds.saturating_add(fact.seconds);
        }
        if let Some((currency, cents)) = fact.amount {
            match self.amounts.iter_mut().find(|(c, _)| *c == currency) {
                Some(slot) => slot.1 = slot.1.saturating_add(cents),
                None => self.amounts.push((currency, cents)),
            }
        }
    }

    pub fn merge(&mut self, other: &Tally) {
        self.seconds = self.seconds.saturating_add(other.seconds);
        self.billable_seconds = self.billable_seconds.saturating_add(other.billable_seconds);
        self.entries = self.entries.saturating_add(other.entries);
        for (currency, cents) in &other.amounts {
            match self.amounts.iter_mut().find(|(c, _)| c == currency) {
                Some(slot) => slot.1 = slot.1.saturating_add(*cents),
                None => self.amounts.push((*currency, *cents)),
            }
        }
    }

    /// The amounts by currency code, alphabetical (amounts without a currency last).
    pub fn amounts(&self, currencies: &Currencies) -> Vec<Amount> {
        let mut amounts: Vec<Amount> = self
            .amounts
            .iter()
            .map(|(c, cents)| Amount {
                currency: currencies.0[*c].clone(),
                cents: *cents,
            })
            .collect();
        amounts.sort_by(|a, b| {
            (a.currency.is_none(), &a.currency).cmp(&(b.currency.is_none(), &b.currency))
        });
        amounts
    }
}

/// Streams every entry of the scope that matches `filter` to `each`, reading only
/// the columns of the `time_entries_totals` index (or, for a tag, of the links' index).
pub(crate) fn scan(
    conn: &Connection,
    scope: &Scope,
    filter: &Filter,
    currencies: &mut Currencies,
    mut each: impl FnMut(&Fact),
) -> AppResult<()> {
    let sql = filter.to_sql(scope);
    let a = sql.alias;
    let mut stmt = conn.prepare(&format!(
        "SELECT {a}.project_id, {a}.user_id, {a}.start, {a}.duration, {a}.billable, \
         {a}.billable_amount_cents, {a}.currency FROM {} WHERE {}",
        sql.from, sql.clause
    ))?;
    let mut rows = stmt.query(params_from_iter(sql.params))?;
    while let Some(row) = rows.next()? {
        let amount = match row.get::<_, Option<i64>>(5)? {
            Some(cents) => Some((currencies.index(row.get_ref(6)?), cents)),
            None => None,
        };
        each(&Fact {
            project: row.get(0)?,
            user: row.get(1)?,
            start: row.get(2)?,
            seconds: row.get::<_, Option<i64>>(3)?.unwrap_or(0).max(0),
            billable: row.get::<_, Option<bool>>(4)?.unwrap_or(false),
            amount,
        });
    }
    Ok(())
}
