//! Made-up pulled data in bulk, for measurements that need a database the size a heavy
//! user has (the start-up measurement and the review benchmark open one with a million
//! entries). The entries are written by one SQL statement and their tag links by a
//! second, so a million take seconds rather than the minutes the pull's page-by-page
//! path would. Not part of the app: compiled only with the `synthetic-data` feature,
//! which the app's tests enable.
//!
//! The data spreads like a team's: four workspaces (three in the connection's scope,
//! one that left it, whose rows the review must leave out), 20 projects and 5 clients
//! per workspace, 60 users who mostly track in their home workspace, 12 tags per
//! workspace (half the entries untagged, some with two or three), descriptions made of
//! a verb, an object and sometimes a ticket number (a few missing), about two thirds
//! billable with amounts in EUR or USD by workspace, weekday working hours over four
//! years, and one running entry. Popular projects, users and tags get more entries than
//! the rest. Values come from a fixed hash of the row number, so every run writes the
//! same data.

use super::connections::{self as rows, InsertRow, RowState};
use super::metadata::{self, ClientRecord, MemberRecord, ProjectRecord, TagRecord};
use super::Db;
use crate::domain::{AccessReport, OrganizationAccess, Privacy, TogglUser, WorkspaceAccess};
use crate::error::AppResult;
use rusqlite::{params, Transaction};

/// Workspaces per connection; the last is outside the connection's scope.
pub const WORKSPACES: i64 = 4;
pub const PROJECTS_PER_WORKSPACE: i64 = 20;
pub const CLIENTS_PER_WORKSPACE: i64 = 5;
pub const TAGS_PER_WORKSPACE: i64 = 12;
pub const USERS: i64 = 60;

/// The first day of the data: Monday 2022-01-03 (UTC).
const FIRST_MONDAY: i64 = 1_641_168_000;
/// Weekdays covered: 208 weeks, to the end of 2025.
const WEEKDAYS: i64 = 208 * 5;

const VERBS: &[&str] = &[
    "Review", "Fix", "Write", "Plan", "Design", "Test", "Deploy", "Research", "Support",
    "Refactor", "Document", "Discuss",
];
const OBJECTS: &[&str] = &[
    "login page",
    "invoice export",
    "weekly sync",
    "onboarding flow",
    "API docs",
    "database migration",
    "customer call",
    "sprint planning",
    "bug triage",
    "release notes",
    "pricing page",
    "mobile app",
    "search results",
    "payment form",
    "email templates",
    "dashboard charts",
    "user interviews",
    "security audit",
    "performance report",
    "test suite",
    "budget review",
    "design system",
    "support tickets",
    "team retro",
];
const FIRST_NAMES: &[&str] = &[
    "Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kira",
    "Liam", "Maya", "Nils", "Olga", "Pablo", "Quinn", "Rosa", "Sami", "Tara",
];
const LAST_NAMES: &[&str] = &[
    "Adler",
    "Brandt",
    "Costa",
    "Dahl",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Horvat",
    "Ito",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Novak",
    "Okafor",
];
const PROJECT_NAMES: &[&str] = &[
    "Website",
    "Mobile",
    "Backend",
    "Data",
    "Brand",
    "Support",
    "Marketing",
    "Research",
    "Platform",
    "Billing",
    "Onboarding",
    "Analytics",
    "Security",
    "Docs",
    "Hiring",
    "Sales",
    "Infrastructure",
    "Design",
    "QA",
    "Internal",
];
const CLIENT_NAMES: &[&str] = &[
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark",
    "Wayne",
    "Tyrell",
    "Cyberdyne",
    "Soylent",
    "Wonka",
    "Vandelay",
    "Pied Piper",
    "Monarch",
    "Oscorp",
    "Aperture",
    "Massive",
    "Gringotts",
    "Nakatomi",
    "Blue Sun",
];

/// Workspace `k` (0-based) of connection `connection_id`.
pub fn workspace_id(connection_id: i64, k: i64) -> i64 {
    connection_id * 100 + k
}

/// User `u` (0-based) of connection `connection_id`.
pub fn user_id(connection_id: i64, u: i64) -> i64 {
    connection_id * 1_000 + u
}

fn project_id(workspace: i64, p: i64) -> i64 {
    workspace * 100 + p
}

fn client_id(workspace: i64, q: i64) -> i64 {
    50_000 + workspace * 10 + q
}

fn tag_id(workspace: i64, t: i64) -> i64 {
    90_000 + workspace * 20 + t
}

/// Project `p`'s client: every sixth project has none.
fn project_client(workspace: i64, p: i64) -> Option<i64> {
    (p % 6 != 5).then(|| client_id(workspace, p % CLIENTS_PER_WORKSPACE))
}

/// Amounts of even workspaces are in EUR, of odd ones in USD.
fn workspace_currency(k: i64) -> &'static str {
    if k % 2 == 0 {
        "EUR"
    } else {
        "USD"
    }
}

fn user_name(u: i64) -> String {
    let first = FIRST_NAMES[(u % 20) as usize];
    let last = LAST_NAMES[((u * 7) % 15) as usize];
    format!("{first} {last}")
}

fn json_list(words: &[&str]) -> String {
    serde_json::to_string(words).unwrap_or_else(|_| "[]".into())
}

/// Adds a ready connection (with no token stored) holding `entries` time entries spread
/// as the module comment describes, and returns its id.
pub fn connection_with_entries(db: &Db, name: &str, entries: i64) -> AppResult<i64> {
    db.transaction(|tx| {
        let placeholder = access(0);
        let id = rows::insert_pending(
            tx,
            &InsertRow {
                source: "toggl",
                name,
                privacy: &Privacy::PrivateToMe,
                access: &placeholder,
                request_id: &format!("synthetic-{name}"),
            },
        )?;
        rows::set_state(tx, id, RowState::Ready)?;
        let access = access(id);
        rows::record_access(tx, id, &access)?;
        metadata_of(tx, id, &access)?;
        entries_of(tx, id, entries)?;
        Ok(id)
    })
}

fn access(connection_id: i64) -> AccessReport {
    let workspaces = (0..WORKSPACES)
        .map(|k| WorkspaceAccess {
            id: workspace_id(connection_id, k),
            name: format!("Workspace {}", k + 1),
            organization_id: Some(connection_id * 10),
            // The last workspace's role no longer qualifies: it left the scope.
            role: if k + 1 < WORKSPACES { "admin" } else { "user" }.into(),
        })
        .collect();
    AccessReport::new(
        TogglUser {
            id: user_id(connection_id, 0),
            fullname: user_name(0),
            email: format!("owner{connection_id}@synthetic.test"),
            timezone: None,
        },
        vec![OrganizationAccess {
            id: connection_id * 10,
            name: "Synthetic Org".into(),
            owner: false,
            admin: true,
        }],
        workspaces,
        chrono::Utc::now(),
    )
}

/// Workspaces, scope, projects, clients, tags and members.
fn metadata_of(tx: &Transaction<'_>, c: i64, access: &AccessReport) -> AppResult<()> {
    metadata::upsert_workspaces(tx, c, &access.workspaces)?;
    let at = super::now();
    for w in access.workspaces.iter().filter(|w| w.role == "admin") {
        tx.execute(
            "INSERT INTO connection_scope (connection_id, workspace_id, workspace_name,
                 organization_id, organization_name, added_at, confirmed_at)
             VALUES (?1, ?2, ?3, ?4, 'Synthetic Org', ?5, ?5)",
            params![c, w.id, w.name, w.organization_id, at],
        )?;
    }
    for k in 0..WORKSPACES {
        let ws = workspace_id(c, k);
        let projects: Vec<ProjectRecord> = (0..PROJECTS_PER_WORKSPACE)
            .map(|p| ProjectRecord {
                id: project_id(ws, p),
                workspace_id: ws,
                client_id: project_client(ws, p),
                name: format!("{} {}", PROJECT_NAMES[p as usize], k + 1),
                active: p % 10 != 9,
                color: None,
                billable: Some(p % 4 != 3),
                rate_cents: Some(4_000 + p % 8 * 1_500),
                currency: Some(workspace_currency(k).into()),
            })
            .collect();
        metadata::upsert_projects(tx, c, 0, &projects)?;
        let clients: Vec<ClientRecord> = (0..CLIENTS_PER_WORKSPACE)
            .map(|q| ClientRecord {
                id: client_id(ws, q),
                workspace_id: ws,
                name: CLIENT_NAMES[(k * CLIENTS_PER_WORKSPACE + q) as usize % 20].into(),
                archived: false,
            })
            .collect();
        metadata::upsert_clients(tx, c, 0, &clients)?;
        let tags: Vec<TagRecord> = (0..TAGS_PER_WORKSPACE)
            .map(|t| TagRecord {
                id: tag_id(ws, t),
                workspace_id: ws,
                name: format!("tag-{}-{}", k + 1, t + 1),
            })
            .collect();
        metadata::upsert_tags(tx, c, 0, &tags)?;
        let members: Vec<MemberRecord> = (0..USERS)
            .map(|u| MemberRecord {
                user_id: user_id(c, u),
                name: Some(user_name(u)),
                email: None,
                role: None,
            })
            .collect();
        metadata::upsert_members(tx, c, ws, 0, &members)?;
    }
    Ok(())
}

/// The entries (one statement) and their tag links (a second). `h1`..`h5` are
/// independent 31-bit hashes of the row number (squares modulo a prime); each field
/// reads its own digits of one of them. A minimum of two draws makes low numbers (the
/// popular projects, users and tags) more frequent.
fn entries_of(tx: &Transaction<'_>, c: i64, entries: i64) -> AppResult<()> {
    let names: Vec<String> = (0..USERS).map(user_name).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    tx.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2),
         a AS (SELECT i, (i * 48271 + 11) % 2147483647 AS a1, (i * 69621 + 23) % 2147483647 AS a2,
                      (i * 16807 + 37) % 2147483647 AS a3, (i * 39373 + 41) % 2147483647 AS a4,
                      (i * 40692 + 53) % 2147483647 AS a5 FROM n),
         h AS (SELECT i, a1 * a1 % 2147483647 AS h1, a2 * a2 % 2147483647 AS h2,
                      a3 * a3 % 2147483647 AS h3, a4 * a4 % 2147483647 AS h4,
                      a5 * a5 % 2147483647 AS h5 FROM a),
         u AS (SELECT *, min(h1 % 60, h1 / 60 % 60) AS usr FROM h),
         w AS (SELECT *,
                 CASE WHEN h1 / 3600 % 100 < 85
                      THEN CASE WHEN usr % 10 < 4 THEN 0 WHEN usr % 10 < 7 THEN 1
                                WHEN usr % 10 < 9 THEN 2 ELSE 3 END
                      ELSE h1 / 360000 % 4 END AS k,
                 min(h2 % 20, h2 / 20 % 20) AS p,
                 h2 / 400 % 100 < 8 AS no_project,
                 h2 / 40000 % 100 < 65 AS billable,
                 h2 / 4000000 % 10 = 0 AS no_amount,
                 h4 % 100 AS tag_draw,
                 min(h4 / 100 % 12, h4 / 1200 % 12) AS t1,
                 h4 / 2073600 % 100 < 8 AS no_description,
                 (i - 1) * ?7 / ?2 AS weekday,
                 300 + (h5 / 32400 % 60) * (h5 / 1944000 % 60) * 4 AS secs
               FROM u),
         e AS (SELECT *, ?1 * 100 + k AS ws,
                 ?8 + (weekday / 5) * 604800 + (weekday % 5) * 86400 + 28800 + h5 % 32400
                   AS began,
                 CASE WHEN no_description THEN NULL ELSE
                   json_extract(?3, '$[' || (h3 % 12) || ']') || ' ' ||
                   json_extract(?4, '$[' || (h3 / 12 % 24) || ']') ||
                   CASE WHEN h3 / 288 % 100 < 40 THEN ' #' || (1000 + h3 / 28800 % 9000) ELSE '' END
                 END AS description,
                 4000 + p % 8 * 1500 AS rate,
                 i = ?2 AS running
               FROM w),
         t AS (SELECT *,
                 CASE WHEN tag_draw < 50 THEN '[]'
                      WHEN tag_draw < 80 THEN json_array(90000 + ws * 20 + t1)
                      WHEN tag_draw < 95 THEN json_array(90000 + ws * 20 + t1,
                          90000 + ws * 20 + (t1 + 1 + h4 / 14400 % 5) % 12)
                      ELSE json_array(90000 + ws * 20 + t1,
                          90000 + ws * 20 + (t1 + 1 + h4 / 14400 % 5) % 12,
                          90000 + ws * 20 + (t1 + 6 + h4 / 172800 % 5) % 12) END AS tags
               FROM e)
         INSERT INTO time_entries (connection_id, id, workspace_id, project_id, user_id,
             user_name, description, description_folded, start, stop, duration, billable,
             tag_ids, at, seen_pull, billable_amount_cents, hourly_rate_cents, currency)
         SELECT ?1, ?1 * 100000000 + i, ws,
             CASE WHEN no_project THEN NULL ELSE ws * 100 + p END,
             ?1 * 1000 + usr, json_extract(?5, '$[' || usr || ']'),
             description, lower(description), began,
             CASE WHEN running THEN NULL ELSE began + secs END,
             CASE WHEN running THEN NULL ELSE secs END,
             billable, tags, ?6, 0,
             CASE WHEN billable AND NOT no_amount AND NOT running THEN secs * rate / 3600 END,
             CASE WHEN billable AND NOT no_amount THEN rate END,
             CASE WHEN billable AND NOT no_amount THEN
                 CASE WHEN k % 2 = 0 THEN 'EUR' ELSE 'USD' END END
         FROM t",
        params![
            c,
            entries,
            json_list(VERBS),
            json_list(OBJECTS),
            json_list(&names),
            "2026-01-01T00:00:00Z",
            WEEKDAYS,
            FIRST_MONDAY,
        ],
    )?;
    tx.execute(
        "INSERT INTO time_entry_tags (connection_id, entry_id, tag_id, workspace_id, start,
             project_id, user_id, duration, billable, billable_amount_cents, currency)
         SELECT e.connection_id, e.id, j.value, e.workspace_id, e.start, e.project_id,
             e.user_id, e.duration, e.billable, e.billable_amount_cents, e.currency
         FROM time_entries e, json_each(e.tag_ids) j
         WHERE e.connection_id = ?1",
        [c],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::{review_filter_options, review_page, review_totals, Filter, PageRequest};

    fn count(db: &Db, sql: &str, c: i64) -> i64 {
        db.with(|conn| Ok(conn.query_row(sql, [c], |r| r.get(0))?))
            .unwrap()
    }

    #[test]
    fn the_entries_asked_for_are_stored_under_a_listed_connection() {
        let db = Db::open_in_memory().unwrap();
        let id = connection_with_entries(&db, "Big", 1_000).unwrap();
        let stored = count(
            &db,
            "SELECT count(*) FROM time_entries WHERE connection_id = ?1",
            id,
        );
        assert_eq!(stored, 1_000);
        let listed = db.with(|c| rows::list_ready(c)).unwrap();
        assert_eq!(listed.iter().map(|r| r.id).collect::<Vec<_>>(), vec![id]);
    }

    /// The measurements are only as good as the data: it must spread over workspaces,
    /// projects, clients, users, tags, descriptions, billable time and two currencies
    /// the way a team's does, and keep a workspace outside the scope.
    #[test]
    fn the_data_spreads_like_a_teams() {
        let db = Db::open_in_memory().unwrap();
        let c = connection_with_entries(&db, "Team", 20_000).unwrap();
        let all = review_totals(&db, &Filter::default()).unwrap();
        let outside = count(
            &db,
            &format!(
                "SELECT count(*) FROM time_entries WHERE connection_id = ?1 AND workspace_id = {}",
                workspace_id(c, WORKSPACES - 1)
            ),
            c,
        );
        assert!(
            (1_000..3_000).contains(&outside),
            "{outside} rows outside the scope"
        );
        assert_eq!(all.entries, 20_000 - outside, "the scope leaves them out");

        let options = review_filter_options(&db, &Filter::default()).unwrap();
        assert_eq!(options.workspaces.len(), 3);
        assert_eq!(options.projects.len(), 60);
        assert_eq!(options.clients.len(), 15);
        assert_eq!(options.tags.len(), 36);
        assert_eq!(options.users.len(), 60);
        assert!(
            all.by_project.len() > 50,
            "{} projects",
            all.by_project.len()
        );
        assert!(all.by_project.iter().any(|p| p.id.is_none()));
        assert!(all.by_client.len() >= 15, "{} clients", all.by_client.len());
        assert!(all.by_user.len() >= 55, "{} users", all.by_user.len());
        let busiest = all.by_project.iter().find(|p| p.id.is_some()).unwrap();
        let quietest = all.by_project.last().unwrap();
        assert!(
            busiest.entries > 3 * quietest.entries,
            "popular projects get more"
        );

        let billable = all.billable_seconds as f64 / all.seconds as f64;
        assert!(
            (0.55..0.75).contains(&billable),
            "billable share {billable}"
        );
        let currencies: Vec<_> = all
            .amounts
            .iter()
            .map(|a| a.currency.clone().unwrap())
            .collect();
        assert_eq!(currencies, ["EUR", "USD"]);
        assert!(all.amounts.iter().all(|a| a.cents > 0));

        let links = count(
            &db,
            "SELECT count(*) FROM time_entry_tags WHERE connection_id = ?1",
            c,
        );
        assert!((13_000..17_000).contains(&links), "{links} tag links");
        let untagged = count(
            &db,
            "SELECT count(*) FROM time_entries WHERE connection_id = ?1 AND tag_ids = '[]'",
            c,
        );
        assert!((9_000..11_000).contains(&untagged), "{untagged} untagged");
        let described = count(
            &db,
            "SELECT count(DISTINCT description) FROM time_entries WHERE connection_id = ?1",
            c,
        );
        assert!(described > 2_000, "{described} distinct descriptions");
        let missing = count(
            &db,
            "SELECT count(*) FROM time_entries WHERE connection_id = ?1 AND description IS NULL",
            c,
        );
        assert!((1_000..2_500).contains(&missing), "{missing} without one");
        let running = count(
            &db,
            "SELECT count(*) FROM time_entries WHERE connection_id = ?1 AND stop IS NULL",
            c,
        );
        assert_eq!(running, 1);
        let days = count(
            &db,
            "SELECT count(DISTINCT start / 86400) FROM time_entries WHERE connection_id = ?1",
            c,
        );
        assert!(days > 1_000, "{days} days with entries");

        let invoices = review_page(
            &db,
            &Filter {
                text: Some("Invoice Export".into()),
                ..Filter::default()
            },
            &PageRequest::first(10),
        )
        .unwrap();
        assert!((500..1_200).contains(&invoices.total_count));
        assert!(invoices.rows.iter().all(|r| r
            .description
            .as_deref()
            .unwrap()
            .contains("invoice export")));
    }
}
