//! Ready-made scenarios: the demo (one account per role) and bulk data from a seed for
//! volume tests. Both are deterministic, so a failing test can be replayed exactly.

use super::scenario::{Client, Plan, Project, Scenario, Tag, TimeEntry};
use chrono::{DateTime, Duration as Days, TimeZone, Utc};

/// The demo's accounts, one per role the role check tells apart.
pub const DEMO_OWNER: i64 = 101;
pub const DEMO_ORG_ADMIN: i64 = 102;
pub const DEMO_WORKSPACE_ADMIN: i64 = 103;
pub const DEMO_MEMBER: i64 = 104;

/// A small deterministic generator (SplitMix64), enough for test data.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Entries are spread over the 90 days before this instant, so generated data is the
/// same whatever day the tests run.
pub fn generated_epoch() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
}

impl Scenario {
    /// One organization owned by user 1; `workspaces` workspaces where user 1 is admin and
    /// users 2..=`users` are plain members; per workspace 4 projects (one archived), 3
    /// clients (one archived) and 5 tags; `entries` time entries spread over users,
    /// workspaces and 90 days. Quotas are unlimited: volume tests measure pulls, not limits.
    pub fn generated(seed: u64, workspaces: usize, users: usize, entries: usize) -> Scenario {
        let mut rng = Seeded(seed);
        let mut s = Scenario::new().with_unlimited_quota();
        for u in 1..=users.max(1) as i64 {
            s = s.with_user(u, &format!("user{u}@example.test"), &format!("User {u}"));
        }
        s = s.with_organization(1, "Generated Org", 1);
        s.organizations[0].plan = Plan::Premium;
        for w in 1..=workspaces.max(1) as i64 {
            let wid = 1000 + w;
            s = s.with_workspace(wid, 1, &format!("Workspace {w}"));
            for u in 1..=users.max(1) as i64 {
                s = s.with_member(wid, u, if u == 1 { "admin" } else { "user" });
            }
            for c in 0..3 {
                s.clients.push(Client {
                    id: wid * 100 + c,
                    workspace_id: wid,
                    name: format!("Client {w}-{c}"),
                    archived: c == 2,
                });
            }
            for p in 0..4 {
                s.projects.push(Project {
                    id: wid * 1000 + p,
                    workspace_id: wid,
                    client_id: (p < 3).then_some(wid * 100 + p),
                    name: format!("Project {w}-{p}"),
                    active: p != 3,
                    rate: None,
                });
            }
            for t in 0..5 {
                s.tags.push(Tag {
                    id: wid * 10_000 + t,
                    workspace_id: wid,
                    name: format!("tag-{w}-{t}"),
                });
            }
        }
        let start_of_range = generated_epoch() - Days::days(90);
        for i in 0..entries as i64 {
            let wid = 1001 + rng.below(workspaces.max(1) as u64) as i64;
            let project = rng.below(5) as i64;
            s.time_entries.push(TimeEntry {
                id: 5_000_000 + i,
                workspace_id: wid,
                user_id: 1 + rng.below(users.max(1) as u64) as i64,
                project_id: (project < 4).then_some(wid * 1000 + project),
                description: (rng.below(4) != 0).then(|| format!("Task {}", rng.below(50))),
                start: start_of_range + Days::seconds(rng.below(90 * 86_400) as i64),
                duration: Some(60 + rng.below(4 * 3600) as i64),
                tag_ids: (0..rng.below(3)).map(|t| wid * 10_000 + t as i64).collect(),
                billable: rng.below(2) == 0,
                ..TimeEntry::default()
            });
        }
        s
    }

    /// The demo: organization "Blink Demo" (owner Olivia, org admin Adam) with workspaces
    /// "Studio" and "Client Work"; Adam, Wendy and Max are members of both workspaces,
    /// Wendy as admin of "Client Work" only. Quotas are raised so a person trying the app is not locked out.
    pub fn demo() -> Scenario {
        let mut s = Scenario::generated(7, 2, 4, 120);
        let people = [
            (DEMO_OWNER, "olivia.owner@example.test", "Olivia Owner"),
            (DEMO_ORG_ADMIN, "adam.admin@example.test", "Adam Admin"),
            (
                DEMO_WORKSPACE_ADMIN,
                "wendy.wsadmin@example.test",
                "Wendy Workspace",
            ),
            (DEMO_MEMBER, "max.member@example.test", "Max Member"),
        ];
        let old_ids: Vec<i64> = s.users.iter().map(|u| u.id).collect();
        s.users.clear();
        for (id, email, name) in people {
            s = s.with_user(id, email, name);
        }
        let renumber = |old: i64| people[old_ids.iter().position(|&o| o == old).unwrap_or(0)].0;
        for e in &mut s.time_entries {
            e.user_id = renumber(e.user_id);
        }
        s.organizations[0].name = "Blink Demo".into();
        s.organizations[0].owner_id = DEMO_OWNER;
        s.organizations[0].admin_ids = vec![DEMO_ORG_ADMIN];
        s.workspaces[0].name = "Studio".into();
        s.workspaces[1].name = "Client Work".into();
        s.workspaces[0].members = vec![
            (DEMO_OWNER, "admin".into()),
            (DEMO_ORG_ADMIN, "user".into()),
            (DEMO_WORKSPACE_ADMIN, "user".into()),
            (DEMO_MEMBER, "user".into()),
        ];
        s.workspaces[1].members = vec![
            (DEMO_OWNER, "admin".into()),
            (DEMO_ORG_ADMIN, "user".into()),
            (DEMO_WORKSPACE_ADMIN, "admin".into()),
            (DEMO_MEMBER, "user".into()),
        ];
        s.limits.user_per_hour = 1000;
        s.limits.org_per_hour = Some(1000);
        // Billable rates in two currencies, so the review shows money that is never summed
        // across currencies; the other projects have none.
        s.with_project_rate(1_001_000, 8_000, "EUR")
            .with_project_rate(1_001_001, 6_550, "USD")
            .with_project_rate(1_002_000, 12_000, "USD")
            .with_project_rate(1_002_001, 9_550, "EUR")
    }
}
