//! The review's queries are shaped for speed (covering indexes, the text index first,
//! one connection at a time, a skip through the user index for the choices); these
//! tests hold their answers to a straightforward recount of the same rows in Rust, for
//! every kind of filter and some combinations, over two connections of synthetic data
//! with a workspace outside the scope.

use super::*;
use crate::db::{synthetic, Db};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// One stored entry, read plainly from the table.
struct Stored {
    connection: i64,
    id: i64,
    workspace: i64,
    project: Option<i64>,
    user: Option<i64>,
    start: i64,
    duration: Option<i64>,
    billable: Option<bool>,
    cents: Option<i64>,
    currency: Option<String>,
    folded: Option<String>,
    tags: Vec<i64>,
}

struct Data {
    rows: Vec<Stored>,
    scope: BTreeSet<(i64, i64)>,
    client_of: BTreeMap<i64, Option<i64>>,
    connections: Vec<i64>,
}

fn load(db: &Db) -> Data {
    db.with(|c| {
        let mut stmt = c.prepare(
            "SELECT connection_id, id, workspace_id, project_id, user_id, start, duration,
                    billable, billable_amount_cents, currency, description_folded, tag_ids
             FROM time_entries",
        )?;
        let rows = stmt
            .query_map([], |r| {
                let tags: String = r.get(11)?;
                Ok(Stored {
                    connection: r.get(0)?,
                    id: r.get(1)?,
                    workspace: r.get(2)?,
                    project: r.get(3)?,
                    user: r.get(4)?,
                    start: r.get(5)?,
                    duration: r.get(6)?,
                    billable: r.get(7)?,
                    cents: r.get(8)?,
                    currency: r.get(9)?,
                    folded: r.get(10)?,
                    tags: serde_json::from_str(&tags).unwrap(),
                })
            })?
            .collect::<Result<_, _>>()?;
        let scope = c
            .prepare("SELECT connection_id, workspace_id FROM connection_scope")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let client_of = c
            .prepare("SELECT id, client_id FROM toggl_projects")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let connections = c
            .prepare("SELECT id FROM connections ORDER BY id")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(Data {
            rows,
            scope,
            client_of,
            connections,
        })
    })
    .unwrap()
}

fn midnight(day: NaiveDate, offset_minutes: i32) -> i64 {
    day.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp() - i64::from(offset_minutes) * 60
}

impl Data {
    fn matches(&self, f: &Filter, e: &Stored) -> bool {
        let text = f.text.as_deref().map(|t| t.trim().to_lowercase());
        (f.connection_ids.is_empty() || f.connection_ids.contains(&e.connection))
            && self.scope.contains(&(e.connection, e.workspace))
            && f.start_date
                .is_none_or(|d| e.start >= midnight(d, f.utc_offset_minutes))
            && f.end_date
                .is_none_or(|d| e.start < midnight(d, f.utc_offset_minutes) + 86_400)
            && f.workspace_id.is_none_or(|w| e.workspace == w)
            && f.project_id.is_none_or(|p| e.project == Some(p))
            && f.user_id.is_none_or(|u| e.user == Some(u))
            && f.billable.is_none_or(|b| e.billable == Some(b))
            && f.tag_id.is_none_or(|t| e.tags.contains(&t))
            && f.client_id.is_none_or(|c| {
                e.project
                    .and_then(|p| self.client_of.get(&p).copied().flatten())
                    == Some(c)
            })
            && text
                .filter(|t| !t.is_empty())
                .is_none_or(|t| e.folded.as_deref().is_some_and(|d| d.contains(t.as_str())))
    }

    /// What the totals and the first page must say, recounted row by row.
    fn expected(&self, f: &Filter) -> Expected {
        let mut x = Expected::default();
        let mut hits: Vec<&Stored> = self.rows.iter().filter(|e| self.matches(f, e)).collect();
        for e in &hits {
            let secs = e.duration.unwrap_or(0).max(0);
            x.entries += 1;
            x.seconds += secs;
            if e.billable == Some(true) {
                x.billable_seconds += secs;
            }
            if let Some(cents) = e.cents.filter(|c| *c != 0) {
                *x.amounts.entry(e.currency.clone()).or_default() += cents;
            }
            *x.by_project.entry(e.project).or_default() += secs;
            *x.by_user.entry(e.user).or_default() += secs;
        }
        hits.sort_by_key(|e| std::cmp::Reverse((e.start, e.id, e.connection)));
        x.first_page = hits.iter().take(50).map(|e| (e.connection, e.id)).collect();
        x
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Expected {
    entries: i64,
    seconds: i64,
    billable_seconds: i64,
    amounts: BTreeMap<Option<String>, i64>,
    by_project: BTreeMap<Option<i64>, i64>,
    by_user: BTreeMap<Option<i64>, i64>,
    first_page: Vec<(i64, i64)>,
}

fn answered(db: &Db, f: &Filter) -> (Expected, u64) {
    let totals = review_totals(db, f).unwrap();
    let page = review_page(db, f, &PageRequest::first(50)).unwrap();
    let answer = Expected {
        entries: totals.entries,
        seconds: totals.seconds,
        billable_seconds: totals.billable_seconds,
        // Toggl's own amounts; those derived from project rates are held to theirs by
        // the rates' tests.
        amounts: totals
            .amounts
            .iter()
            .map(|a| (a.currency.clone(), a.cents - a.derived_cents))
            .filter(|(_, cents)| *cents != 0)
            .collect(),
        by_project: totals
            .by_project
            .iter()
            .map(|r| (r.id, r.seconds))
            .collect(),
        by_user: totals.by_user.iter().map(|r| (r.id, r.seconds)).collect(),
        first_page: page.rows.iter().map(|r| (r.connection_id, r.id)).collect(),
    };
    (answer, page.total_count)
}

/// The most frequent value of `key` among the rows in scope.
fn most_common(data: &Data, key: impl Fn(&Stored) -> Vec<i64>) -> i64 {
    let mut counts: BTreeMap<i64, usize> = BTreeMap::new();
    for e in data
        .rows
        .iter()
        .filter(|e| data.matches(&Filter::default(), e))
    {
        for k in key(e) {
            *counts.entry(k).or_default() += 1;
        }
    }
    counts.into_iter().max_by_key(|(_, n)| *n).unwrap().0
}

#[test]
fn every_filter_counts_sums_and_pages_as_a_plain_recount_does() {
    let db = Db::open_in_memory().unwrap();
    let big = synthetic::connection_with_entries(&db, "Agency", 3_000).unwrap();
    let small = synthetic::connection_with_entries(&db, "Studio", 1_500).unwrap();
    let data = load(&db);
    assert_eq!(data.connections, [big, small]);
    let project = most_common(&data, |e| e.project.into_iter().collect());
    let user = most_common(&data, |e| e.user.into_iter().collect());
    let tag = most_common(&data, |e| e.tags.clone());
    let workspace = most_common(&data, |e| vec![e.workspace]);
    let client = most_common(&data, |e| {
        e.project
            .and_then(|p| data.client_of[&p])
            .into_iter()
            .collect()
    });
    let outside = synthetic::workspace_id(big, synthetic::WORKSPACES - 1);
    let all = Filter::default;
    let range = |f: Filter| Filter {
        start_date: NaiveDate::from_ymd_opt(2024, 3, 1),
        end_date: NaiveDate::from_ymd_opt(2024, 8, 31),
        ..f
    };
    let text = |t: &str| Filter {
        text: Some(t.into()),
        ..all()
    };
    let filters = [
        all(),
        Filter {
            connection_ids: vec![small],
            ..all()
        },
        Filter {
            connection_ids: vec![small, big],
            ..all()
        },
        range(all()),
        Filter {
            utc_offset_minutes: 330,
            ..range(all())
        },
        Filter {
            workspace_id: Some(workspace),
            ..all()
        },
        Filter {
            workspace_id: Some(outside),
            ..all()
        },
        Filter {
            project_id: Some(project),
            ..all()
        },
        Filter {
            client_id: Some(client),
            ..all()
        },
        Filter {
            user_id: Some(user),
            ..all()
        },
        Filter {
            tag_id: Some(tag),
            ..all()
        },
        text("invoice export"),
        text("  INVOICE Export "),
        text("#42"),
        text("ap"),
        text("\"quoted\" OR nothing"),
        Filter {
            billable: Some(true),
            ..all()
        },
        Filter {
            billable: Some(false),
            ..all()
        },
        Filter {
            tag_id: Some(tag),
            text: Some("review".into()),
            ..range(all())
        },
        Filter {
            client_id: Some(client),
            billable: Some(true),
            connection_ids: vec![big],
            ..range(all())
        },
        Filter {
            workspace_id: Some(workspace),
            project_id: Some(project),
            user_id: Some(user),
            text: Some("fix".into()),
            ..all()
        },
    ];
    for filter in &filters {
        let expected = data.expected(filter);
        let (answer, count) = answered(&db, filter);
        assert_eq!(answer, expected, "{filter:?}");
        assert_eq!(count, expected.entries as u64, "{filter:?}");
    }
    let some = |f: &Filter| data.expected(f).entries;
    assert!(some(&filters[0]) > 3_000, "the data is there");
    assert_eq!(some(&filters[6]), 0, "outside the scope");
    assert!(some(&text("invoice export")) > 50);
}

#[test]
fn the_user_choices_are_the_users_with_entries_in_scope_and_the_members() {
    let db = Db::open_in_memory().unwrap();
    let c = synthetic::connection_with_entries(&db, "Agency", 2_000).unwrap();
    let outsider = synthetic::user_id(c, 500);
    let ghost = synthetic::user_id(c, 501);
    db.with(|conn| {
        // One user with entries outside the scope only, one inside; neither a member.
        conn.execute(
            "UPDATE time_entries SET user_id = ?2 WHERE connection_id = ?1 AND id IN
               (SELECT id FROM time_entries WHERE connection_id = ?1 AND workspace_id = ?3
                LIMIT 5)",
            rusqlite::params![c, outsider, synthetic::workspace_id(c, 3)],
        )?;
        conn.execute(
            "UPDATE time_entries SET user_id = ?2, user_name = 'Ghost' WHERE connection_id = ?1
               AND id IN (SELECT id FROM time_entries WHERE connection_id = ?1
                          AND workspace_id = ?3 LIMIT 5)",
            rusqlite::params![c, ghost, synthetic::workspace_id(c, 0)],
        )?;
        Ok(())
    })
    .unwrap();
    let data = load(&db);
    let mut expected: BTreeSet<i64> = data
        .rows
        .iter()
        .filter(|e| data.matches(&Filter::default(), e))
        .filter_map(|e| e.user)
        .collect();
    expected.extend((0..synthetic::USERS).map(|u| synthetic::user_id(c, u)));
    let listed: BTreeSet<i64> = review_filter_options(&db, &Filter::default())
        .unwrap()
        .users
        .iter()
        .map(|u| u.id)
        .collect();
    assert_eq!(listed, expected);
    assert!(listed.contains(&ghost));
    assert!(!listed.contains(&outsider));
}
