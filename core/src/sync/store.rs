//! Writing one fetched page: its rows, the stage's next cursor, the sweep of rows the
//! completed pass did not see, and the pull's counters, all in ONE transaction. A crash
//! or cancel therefore leaves either the whole page with its cursor or neither, and
//! the next pull resumes right after the last committed page.

use super::fetch::PageData;
use super::model::StageKind;
use crate::db::metadata::{self, MetaTable};
use crate::db::time_entries::{self, SweepScope};
use crate::db::{pulls, Db};
use crate::error::AppResult;

/// Everything one page commit writes.
pub struct PageCommit<'a> {
    pub connection_id: i64,
    pub pull_id: i64,
    pub workspace_id: i64,
    pub kind: StageKind,
    pub data: &'a PageData,
    /// Cursor of the next page; `None` completes the stage.
    pub next: Option<i64>,
    /// Requests spent on this page (retries and refused tries included).
    pub requests: u64,
    /// Entries of this scope not seen by the pull are deleted.
    pub sweep_entries: Option<SweepScope<'a>>,
    /// This metadata table's rows of the workspace not seen by the pull are deleted.
    pub sweep_meta: Option<MetaTable>,
    /// Set when this page completes the workspace's metadata: the time to record.
    pub metadata_complete_at: Option<&'a str>,
    /// The stage's full cursor after this page, for stages that keep one (reports).
    pub cursor_detail: Option<Option<&'a str>>,
    /// The pull's notices (JSON) when this page added one.
    pub notices: Option<&'a str>,
}

/// What a commit changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Committed {
    pub entries_stored: u64,
    pub entries_deleted: u64,
}

/// Commits one page (see the module comment). The benchmark ingests through this too.
pub fn commit_page(db: &Db, page: &PageCommit<'_>) -> AppResult<Committed> {
    db.transaction(|tx| {
        let (c, w, p) = (page.connection_id, page.workspace_id, page.pull_id);
        let mut outcome = Committed::default();
        match page.data {
            PageData::Entries(rows) => {
                outcome.entries_stored = time_entries::upsert(tx, c, p, rows)? as u64
            }
            PageData::Projects(rows) => {
                metadata::upsert_projects(tx, c, p, rows)?;
            }
            PageData::Clients(rows) => {
                metadata::upsert_clients(tx, c, p, rows)?;
            }
            PageData::Tags(rows) => {
                metadata::upsert_tags(tx, c, p, rows)?;
            }
            PageData::Members(rows) => {
                metadata::upsert_members(tx, c, w, p, rows)?;
            }
        }
        if let Some(scope) = &page.sweep_entries {
            outcome.entries_deleted = time_entries::sweep(tx, c, p, scope)? as u64;
        }
        if let Some(table) = page.sweep_meta {
            metadata::sweep(tx, table, c, w, p)?;
        }
        if let Some(at) = page.metadata_complete_at {
            metadata::set_metadata_pulled_at(tx, c, w, at)?;
        }
        pulls::advance_stage(
            tx,
            p,
            w,
            page.kind.as_str(),
            page.next,
            page.data.len() as i64,
        )?;
        if let Some(detail) = page.cursor_detail {
            pulls::set_cursor_detail(tx, p, w, page.kind.as_str(), detail)?;
        }
        if let Some(notices) = page.notices {
            pulls::set_notices(tx, p, notices)?;
        }
        pulls::add_counts(
            tx,
            p,
            page.requests as i64,
            1,
            outcome.entries_stored as i64,
            outcome.entries_deleted as i64,
        )?;
        Ok(outcome)
    })
}

/// Starts a report chunk over in one transaction: this pull's marks on the chunk's
/// entries are cleared (so the new walk's sweep removes what Toggl dropped meanwhile),
/// the stage's cursor goes back to the chunk's start and the spent requests are counted.
pub fn restart_chunk(
    db: &Db,
    connection_id: i64,
    pull_id: i64,
    workspace_id: i64,
    scope: &SweepScope<'_>,
    cursor_detail: Option<&str>,
    requests: u64,
) -> AppResult<()> {
    db.transaction(|tx| {
        time_entries::unsee(tx, connection_id, pull_id, scope)?;
        let stage = StageKind::ReportEntries.as_str();
        pulls::set_cursor_detail(tx, pull_id, workspace_id, stage, cursor_detail)?;
        pulls::add_counts(tx, pull_id, requests as i64, 0, 0, 0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::time_entries::{inspect, upsert, EntryRecord};
    use crate::domain::{AccessReport, Privacy, TogglUser};
    use chrono::NaiveDate;
    use std::collections::BTreeMap;

    const T0: i64 = 1_760_000_000;

    fn entry(id: i64, description: Option<String>, tags: Vec<i64>) -> EntryRecord {
        let start = T0 + id * 60;
        EntryRecord {
            id,
            workspace_id: 1,
            project_id: Some(10 + id % 4),
            task_id: None,
            user_id: Some(1),
            user_name: Some("Ann".into()),
            description,
            start,
            stop: Some(start + 30),
            duration: Some(30),
            billable: Some(id % 2 == 0),
            tag_ids: tags,
            at: Some("2025-10-01T00:00:00Z".into()),
            money: None,
        }
    }

    /// Entries 1..=n as a first pull finds them: some without a description, zero to
    /// two tags each.
    fn first_versions(ids: std::ops::RangeInclusive<i64>) -> Vec<EntryRecord> {
        ids.map(|i| {
            let description = (i % 7 != 0).then(|| format!("Alpha {i} Café"));
            entry(i, description, (0..i % 3).map(|t| 100 + t).collect())
        })
        .collect()
    }

    /// A database file opened as the app opens it, a connection and two pulls.
    fn database() -> (tempfile::TempDir, Db, i64, [i64; 2]) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("blink.sqlite3")).unwrap().db;
        let access = AccessReport::new(
            TogglUser {
                id: 1,
                fullname: "Ann".into(),
                email: "ann@example.test".into(),
                timezone: None,
            },
            vec![],
            vec![],
            chrono::Utc::now(),
        );
        let c =
            crate::sync::test_support::add_connection(&db, "Store", &Privacy::PrivateToMe, &access);
        let day = NaiveDate::from_ymd_opt(2025, 10, 1).unwrap();
        let pull = || {
            db.transaction(|tx| {
                let id = pulls::insert(tx, c, day, day)?;
                pulls::plan_stage(tx, id, 1, StageKind::ReportEntries.as_str())?;
                Ok(id)
            })
            .unwrap()
        };
        let pulls = [pull(), pull()];
        (dir, db, c, pulls)
    }

    fn commit(db: &Db, c: i64, pull_id: i64, rows: Vec<EntryRecord>, last: bool) -> Committed {
        let data = PageData::Entries(rows);
        let everything = [1];
        commit_page(
            db,
            &PageCommit {
                connection_id: c,
                pull_id,
                workspace_id: 1,
                kind: StageKind::ReportEntries,
                data: &data,
                next: (!last).then_some(1),
                requests: 1,
                sweep_entries: last.then_some(SweepScope {
                    workspace_ids: &everything,
                    user_id: None,
                    start: 0,
                    end: i64::MAX,
                }),
                sweep_meta: None,
                metadata_complete_at: None,
                cursor_detail: None,
                notices: None,
            },
        )
        .unwrap()
    }

    fn sound(db: &Db) {
        db.with(|conn| inspect::text_index_is_sound(conn))
            .expect("the full-text index matches the table");
    }

    #[test]
    fn an_unchanged_page_committed_again_only_marks_its_rows() {
        let (_dir, db, c, [first, second]) = database();
        let page = first_versions(1..=1_600);
        commit(&db, c, first, page.clone(), false);
        let before = db.with(|conn| inspect::storage(conn)).unwrap();
        let writes = db
            .transaction(|tx| {
                let at = tx.total_changes();
                upsert(tx, c, second, &page)?;
                Ok(tx.total_changes() - at)
            })
            .unwrap();
        assert_eq!(
            writes, 1_600,
            "one write per entry, its mark: no row, link or index rewritten"
        );
        assert_eq!(db.with(|conn| inspect::storage(conn)).unwrap(), before);
        let marks = db.with(|conn| inspect::marks(conn)).unwrap();
        assert!(marks.iter().all(|(_, seen)| *seen == second), "{marks:?}");
        let again = db
            .transaction(|tx| {
                let at = tx.total_changes();
                upsert(tx, c, second, &page)?;
                Ok(tx.total_changes() - at)
            })
            .unwrap();
        assert_eq!(again, 0, "a page this pull stored already writes nothing");
        sound(&db);
    }

    #[test]
    fn mixed_pages_through_the_commit_keep_rows_links_and_text_index_in_step() {
        let (_dir, db, c, [first, second]) = database();
        let mut expected: BTreeMap<i64, EntryRecord> = BTreeMap::new();
        let mut page_one = first_versions(1..=400);
        // The same entry twice in one page: the later version is the one stored.
        page_one.push(entry(3, Some("Bravo three".into()), vec![105]));
        // Longer than one statement: the second statement rewrites an entry the first
        // one inserted.
        let mut page_two = first_versions(401..=1500);
        page_two.push(entry(454, Some("Delta 454".into()), vec![106]));
        for (rows, last) in [(page_one, false), (page_two, true)] {
            expected.extend(rows.iter().map(|e| (e.id, e.clone())));
            commit(&db, c, first, rows, last);
            sound(&db);
        }
        // The re-pull: 100..=149 are gone on Toggl, every 10th entry has a new
        // description, every 15th new tags, every 20th a new start; 1501..=1550 are new.
        let mut repull: Vec<EntryRecord> = expected
            .values()
            .filter(|e| !(100..150).contains(&e.id))
            .cloned()
            .collect();
        for e in &mut repull {
            if e.id % 10 == 0 {
                e.description = Some(format!("Charlie {}", e.id));
            }
            if e.id % 15 == 0 {
                e.tag_ids = vec![77];
            }
            if e.id % 20 == 0 {
                e.start += 3_600;
                e.stop = e.stop.map(|s| s + 3_600);
            }
        }
        repull.extend(first_versions(1501..=1550));
        expected = repull.iter().map(|e| (e.id, e.clone())).collect();
        let pages: Vec<Vec<EntryRecord>> = repull.chunks(700).map(<[_]>::to_vec).collect();
        let mut deleted = 0;
        for (n, rows) in pages.iter().enumerate() {
            deleted += commit(&db, c, second, rows.clone(), n + 1 == pages.len()).entries_deleted;
            sound(&db);
        }
        assert_eq!(deleted, 50);
        let marks = db.with(|conn| inspect::marks(conn)).unwrap();
        assert_eq!(
            marks,
            expected.keys().map(|id| (*id, second)).collect::<Vec<_>>()
        );
        let links = db.with(|conn| inspect::links(conn)).unwrap();
        let mut wanted: Vec<inspect::Link> = expected
            .values()
            .flat_map(|e| e.tag_ids.iter().map(|t| (e.id, *t, e.start, e.duration)))
            .collect();
        wanted.sort();
        assert_eq!(
            links, wanted,
            "each link follows its entry's tags and start"
        );
        let matching = |needle: &str| -> Vec<i64> {
            expected
                .values()
                .filter(|e| {
                    e.description
                        .as_deref()
                        .is_some_and(|d| d.to_lowercase().contains(needle))
                })
                .map(|e| e.id)
                .collect()
        };
        for needle in ["charlie", "alpha 7", "bravo", "delta", "café", "lpha 12"] {
            let found = db.with(|conn| inspect::text_matches(conn, needle)).unwrap();
            assert_eq!(found, matching(needle), "{needle}");
        }
        assert!(!matching("charlie").is_empty());
        assert_eq!((matching("bravo"), matching("delta")), (vec![3], vec![454]));
    }

    #[test]
    fn deleting_a_workspaces_entries_or_the_connection_takes_their_tag_links() {
        let (_dir, db, c, [first, _]) = database();
        let mut rows = first_versions(1..=300);
        for e in rows.iter_mut().filter(|e| e.id > 200) {
            e.workspace_id = 2;
        }
        commit(&db, c, first, rows, false);
        let links = |db: &Db| db.with(|conn| inspect::links(conn)).unwrap();
        assert!(links(&db).iter().any(|l| l.0 <= 200));
        db.transaction(|tx| crate::db::time_entries::delete_workspace(tx, c, 1))
            .unwrap();
        let left = links(&db);
        assert!(
            !left.is_empty() && left.iter().all(|l| l.0 > 200),
            "{left:?}"
        );
        sound(&db);
        db.transaction(|tx| crate::db::connections::delete(tx, c))
            .unwrap();
        assert_eq!(links(&db), vec![]);
        sound(&db);
    }
}
