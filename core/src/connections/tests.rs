use super::*;
use crate::db::secret_journal;
use crate::db::test_faults::{allow, insert_release_1_connection, refuse, toggl_identity, Refusal};
use crate::domain::{OrganizationAccess, Privacy, TogglUser, Verdict, WorkspaceAccess};
use crate::secrets::{FailingStore, Fault, MemoryStore, SecretOp};
use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// An Organization Owner's access report; shared with other tests of the crate.
pub(crate) fn access(user_id: i64, email: &str) -> AccessReport {
    AccessReport {
        user: TogglUser {
            id: user_id,
            fullname: "Ada Admin".into(),
            email: email.into(),
            timezone: Some("Europe/Berlin".into()),
        },
        organizations: vec![OrganizationAccess {
            id: 7,
            name: "Acme".into(),
            owner: true,
            admin: true,
        }],
        workspaces: vec![WorkspaceAccess {
            id: 70,
            name: "Acme WS".into(),
            organization_id: Some(7),
            role: "admin".into(),
        }],
        verdict: Verdict::OrganizationOwner {
            organizations: vec!["Acme".into()],
        },
        checked_at: chrono::Utc::now(),
        beginning_of_week: 1,
    }
}

/// A plain member: owner of no organization, admin of no workspace.
fn refused(user_id: i64) -> AccessReport {
    let member = access(user_id, "member@example.com");
    AccessReport::new(
        member.user,
        vec![OrganizationAccess {
            owner: false,
            admin: false,
            ..member.organizations[0].clone()
        }],
        vec![WorkspaceAccess {
            role: "user".into(),
            ..member.workspaces[0].clone()
        }],
        member.checked_at,
    )
}

fn checked(token: ApiToken, access: AccessReport) -> CheckedToken {
    CheckedToken::for_tests(token, access)
}

pub(crate) fn tok(n: u32) -> ApiToken {
    ApiToken::parse(&format!("{n:08x}").repeat(4)).unwrap()
}

struct Harness {
    db: Arc<Db>,
    memory: MemoryStore,
    store: Arc<FailingStore<MemoryStore>>,
    service: ConnectionService,
}

impl Harness {
    fn new() -> Self {
        Self::on(Arc::new(Db::open_in_memory().unwrap()), MemoryStore::new())
    }

    fn on(db: Arc<Db>, memory: MemoryStore) -> Self {
        let store = Arc::new(FailingStore::new(memory.clone()));
        let service = ConnectionService::new(db.clone(), store.clone());
        Self {
            db,
            memory,
            store,
            service,
        }
    }

    /// A new process on the same database and credential store, as after a crash.
    fn restart(&self) -> Self {
        Self::on(self.db.clone(), self.memory.clone())
    }

    fn create(&self, name: &str, token: ApiToken) -> AppResult<ConnectionSummary> {
        let checked = checked(token, access(1, "ada@example.com"));
        self.service.create(
            &checked,
            NewConnection {
                name: name.into(),
                privacy: Privacy::SharedWithWorkspace,
                request_id: format!("req-{name}"),
                workspace_ids: None,
            },
        )
    }

    fn journal_len(&self) -> usize {
        self.db
            .with(|c| secret_journal::pending(c, None))
            .unwrap()
            .len()
    }

    fn stored(&self, id: i64, generation: i64) -> Option<ApiToken> {
        self.memory.get(&secret_key(id, generation)).unwrap()
    }

    /// The invariant: with no journal entry pending, every record is visible and has
    /// its token, and every token belongs to a record at that generation.
    fn assert_consistent(&self) {
        assert_eq!(self.journal_len(), 0, "journal entries left unsettled");
        let records = self.db.with(|c| rows::list_all(c)).unwrap();
        for r in &records {
            assert_eq!(
                r.state,
                RowState::Ready,
                "record {} left {:?}",
                r.id,
                r.state
            );
        }
        let expected: BTreeSet<String> = records
            .iter()
            .map(|r| secret_key(r.id, r.secret_generation))
            .collect();
        let actual: BTreeSet<String> = self.memory.keys().into_iter().collect();
        assert_eq!(actual, expected, "tokens and records disagree");
    }

    /// Recovery after a crash, then the invariant.
    fn recover_and_check(&self) {
        let fresh = self.restart();
        fresh.service.recover().unwrap();
        fresh.assert_consistent();
    }

    /// Runs `f` and expects the simulated crash it triggers.
    fn crash(&self, f: impl FnOnce(&ConnectionService)) {
        let outcome = catch_unwind(AssertUnwindSafe(|| f(&self.service)));
        assert!(outcome.is_err(), "the simulated crash did not happen");
    }
}

const LOCKED: AppError = AppError::CredentialStoreLocked;

#[test]
fn create_keeps_the_record_in_sqlite_and_the_token_in_the_credential_store() {
    let h = Harness::new();
    let saved = h.create("  Acme  ", tok(1)).unwrap();
    assert_eq!(saved.name, "Acme");
    assert_eq!(saved.source, "toggl");
    assert_eq!(saved.email, "ada@example.com");
    assert_eq!(saved.privacy, Privacy::SharedWithWorkspace);
    assert!(saved.last_verified_at.is_some());
    assert_eq!(h.stored(saved.id, 0), Some(tok(1)));
    assert_eq!(h.service.list().unwrap(), vec![saved]);
    h.assert_consistent();
}

#[test]
fn a_double_submit_with_the_same_request_id_creates_one_connection() {
    let h = Harness::new();
    let first = h.create("Acme", tok(1)).unwrap();
    let second = h.create("Acme", tok(1)).unwrap();
    assert_eq!(first, second);
    assert_eq!(h.service.list().unwrap().len(), 1);
    h.assert_consistent();
}

#[test]
fn concurrent_double_submits_create_one_connection() {
    let h = Arc::new(Harness::new());
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let h = h.clone();
            std::thread::spawn(move || h.create("Acme", tok(1)).unwrap().id)
        })
        .collect();
    let ids: BTreeSet<i64> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert_eq!(ids.len(), 1);
    h.assert_consistent();
}

#[test]
fn names_are_unique_per_source_ignoring_case() {
    let h = Harness::new();
    h.create("Äcme Corp", tok(1)).unwrap();
    let err = h.create("äCME corp", tok(2)).unwrap_err();
    assert_eq!(err, AppError::NameTaken("äCME corp".into()));
    let other = h.create("Beta", tok(3)).unwrap();
    assert_eq!(
        h.service
            .rename(other.id, " ÄCME CORP ")
            .unwrap_err()
            .code(),
        "name_taken"
    );
    h.assert_consistent();
}

#[test]
fn a_name_typed_decomposed_is_the_same_name_as_its_composed_look_alike() {
    let h = Harness::new();
    let saved = h.create("Caf\u{E9} Ops", tok(1)).unwrap();
    let err = h.create("Cafe\u{301} Ops", tok(2)).unwrap_err();
    assert_eq!(err.code(), "name_taken");
    let other = h.create("Beta", tok(3)).unwrap();
    assert_eq!(
        h.service
            .rename(other.id, "CAFE\u{301} OPS")
            .unwrap_err()
            .code(),
        "name_taken"
    );
    let renamed = h.service.rename(saved.id, "Cafe\u{301} Ops 2").unwrap();
    assert_eq!(renamed.name, "Caf\u{E9} Ops 2");
    h.assert_consistent();
}

#[test]
fn names_with_invisible_or_reordering_characters_save_nothing() {
    let h = Harness::new();
    let err = h.create("Acme\u{202E}moc.evil", tok(1)).unwrap_err();
    assert_eq!(err.code(), "name_invalid_characters");
    assert_eq!(err.field(), Some(crate::error::InputField::Name));
    assert!(h.service.list().unwrap().is_empty());
    h.assert_consistent();
}

#[test]
fn create_refuses_bad_names_and_a_token_whose_role_check_failed() {
    let h = Harness::new();
    assert_eq!(h.create("   ", tok(1)).unwrap_err().code(), "invalid_input");
    assert_eq!(
        h.create(&"x".repeat(101), tok(1)).unwrap_err().code(),
        "invalid_input"
    );
    let err = h
        .service
        .create(
            &checked(tok(1), refused(2)),
            NewConnection {
                name: "Member".into(),
                privacy: Privacy::PrivateToMe,
                request_id: "r".into(),
                workspace_ids: None,
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), "role_insufficient");
    assert!(h.service.list().unwrap().is_empty());
    h.assert_consistent();
}

#[test]
fn list_is_sorted_by_name_and_never_reads_the_credential_store() {
    let h = Harness::new();
    h.create("beta", tok(1)).unwrap();
    h.create("Alpha", tok(2)).unwrap();
    h.store.fail_all(SecretOp::Get, LOCKED);
    let names: Vec<String> = h
        .service
        .list()
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["Alpha", "beta"]);
}

#[test]
fn get_shows_the_last_four_characters_and_the_token_state() {
    let h = Harness::new();
    let id = h.create("Acme", tok(0xabcd)).unwrap().id;
    let detail = h.service.get(id).unwrap();
    assert_eq!(detail.token_state, TokenState::Present);
    assert_eq!(detail.token_last4.as_deref(), Some("abcd"));
    assert_eq!(detail.access.user.id, 1);
    let json = serde_json::to_value(&detail).unwrap();
    assert_eq!(json["name"], "Acme");
    assert_eq!(json["token_state"], "present");
    assert!(!json.to_string().contains(tok(0xabcd).expose()));

    h.store.fail_all(SecretOp::Get, LOCKED);
    assert_eq!(
        h.service.get(id).unwrap().token_state,
        TokenState::Unreadable
    );
    h.store.heal();

    h.memory.delete(&secret_key(id, 0)).unwrap();
    let detail = h.service.get(id).unwrap();
    assert_eq!(detail.token_state, TokenState::Missing);
    assert_eq!(detail.token_last4, None);
    assert_eq!(h.service.get(999).unwrap_err(), AppError::NotFound);
}

#[test]
fn rename_and_set_privacy_change_only_the_record() {
    let h = Harness::new();
    let id = h.create("Acme", tok(1)).unwrap().id;
    let renamed = h.service.rename(id, "  Acme EU ").unwrap();
    assert_eq!(renamed.name, "Acme EU");
    let same_name_new_case = h.service.rename(id, "ACME eu").unwrap();
    assert_eq!(same_name_new_case.name, "ACME eu");
    let team = h
        .service
        .set_privacy(
            id,
            Privacy::SharedWithTeam {
                team: " Finance ".into(),
            },
        )
        .unwrap();
    assert_eq!(
        team.privacy,
        Privacy::SharedWithTeam {
            team: "Finance".into()
        }
    );
    assert_eq!(
        h.service
            .set_privacy(id, Privacy::SharedWithTeam { team: "".into() })
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    assert_eq!(h.service.rename(999, "x").unwrap_err(), AppError::NotFound);
    assert_eq!(
        h.service
            .set_privacy(999, Privacy::PrivateToMe)
            .unwrap_err(),
        AppError::NotFound
    );
    assert_eq!(h.service.token(id).unwrap(), tok(1));
    h.assert_consistent();
}

#[test]
fn swap_replaces_token_and_snapshot_and_leaves_one_entry() {
    let h = Harness::new();
    let id = h.create("Acme", tok(1)).unwrap().id;
    h.service.book_check(id, 0, Booking::Rejected).unwrap();
    let mut new_access = access(1, "ada@example.com");
    new_access.workspaces[0].name = "Renamed WS".into();
    let swapped = h
        .service
        .swap_token(id, &checked(tok(2), new_access), false)
        .unwrap();
    assert_eq!(swapped.last_error_code, None);
    assert_eq!(h.service.token(id).unwrap(), tok(2));
    assert_eq!(
        h.service.get(id).unwrap().access.workspaces[0].name,
        "Renamed WS"
    );
    assert_eq!(h.memory.keys(), vec![secret_key(id, 1)]);
    h.assert_consistent();
}

#[test]
fn swap_to_another_toggl_account_needs_confirmation() {
    let h = Harness::new();
    let id = h.create("Acme", tok(1)).unwrap().id;
    let err = h
        .service
        .swap_token(id, &checked(tok(2), access(2, "bob@example.com")), false)
        .unwrap_err();
    assert_eq!(err, AppError::DifferentAccount("bob@example.com".into()));
    assert_eq!(h.service.token(id).unwrap(), tok(1));
    let swapped = h
        .service
        .swap_token(id, &checked(tok(2), access(2, "bob@example.com")), true)
        .unwrap();
    assert_eq!(swapped.email, "bob@example.com");
    assert_eq!(h.service.find_by_toggl_user(2).unwrap().len(), 1);
    assert!(h.service.find_by_toggl_user(1).unwrap().is_empty());
    h.assert_consistent();
}

#[test]
fn swap_refuses_a_token_without_the_needed_role() {
    let h = Harness::new();
    let id = h.create("Acme", tok(1)).unwrap().id;
    let err = h
        .service
        .swap_token(id, &checked(tok(2), refused(1)), true)
        .unwrap_err();
    assert_eq!(err.code(), "role_insufficient");
    assert_eq!(h.service.token(id).unwrap(), tok(1));
    h.assert_consistent();
}

#[test]
fn a_booked_check_renews_the_snapshot_a_rejection_keeps_it_and_a_lacking_role_does_both() {
    let h = Harness::new();
    let id = h.create("Acme", tok(1)).unwrap().id;
    let before = h.service.get(id).unwrap().summary.last_verified_at.unwrap();
    let (failed, booked) = h.service.book_check(id, 0, Booking::Rejected).unwrap();
    assert!(booked);
    assert_eq!(failed.last_error_code.as_deref(), Some("token_rejected"));
    assert_eq!(failed.last_verified_at, Some(before));

    let mut later = access(1, "ada@example.com");
    later.checked_at = before + chrono::Duration::minutes(5);
    let (passed, _) = h
        .service
        .book_check(id, 0, Booking::Checked(later.clone()))
        .unwrap();
    assert_eq!(passed.last_error_code, None);
    assert_eq!(passed.last_verified_at, Some(later.checked_at));

    let (demoted, _) = h
        .service
        .book_check(id, 0, Booking::Checked(refused(1)))
        .unwrap();
    assert_eq!(demoted.verdict, Verdict::Refused);
    assert_eq!(
        demoted.last_error_code.as_deref(),
        Some("role_insufficient")
    );
    assert_eq!(
        h.service.book_check(999, 0, Booking::Rejected).unwrap_err(),
        AppError::NotFound
    );
}

#[test]
fn a_check_made_with_a_token_swapped_out_meanwhile_is_not_booked() {
    let h = Harness::new();
    let id = h.create("Acme", tok(1)).unwrap().id;
    let mut new_access = access(1, "ada@example.com");
    new_access.workspaces[0].name = "After the swap".into();
    h.service
        .swap_token(id, &checked(tok(2), new_access), false)
        .unwrap();
    for stale in [Booking::Checked(refused(1)), Booking::Rejected] {
        let (summary, booked) = h.service.book_check(id, 0, stale).unwrap();
        assert!(!booked);
        assert_eq!(summary.last_error_code, None);
        assert!(summary.verdict.is_allowed());
    }
    let detail = h.service.get(id).unwrap();
    assert_eq!(detail.access.workspaces[0].name, "After the swap");
}

mod retest {
    use super::*;
    use crate::toggl::test_support::fast_client;
    use blink_fake_toggl::fake::{FakeToggl, Scenario, DEMO_OWNER};

    async fn saved_connection(fake: &FakeToggl) -> (Arc<ConnectionService>, TogglClient, i64) {
        let client = fast_client(&fake.url());
        let token = ApiToken::parse(&fake.token_of(DEMO_OWNER)).unwrap();
        let report = check_access(&client, &token).await.unwrap();
        let service = Arc::new(ConnectionService::new(
            Arc::new(Db::open_in_memory().unwrap()),
            Arc::new(MemoryStore::new()),
        ));
        let new = NewConnection {
            name: "Acme".into(),
            privacy: Privacy::PrivateToMe,
            request_id: "r".into(),
            workspace_ids: None,
        };
        let id = service.create(&checked(token, report), new).unwrap().id;
        (service, client, id)
    }

    #[tokio::test]
    async fn a_retest_renews_the_snapshot_with_two_requests() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        let (service, client, id) = saved_connection(&fake).await;
        let before = service.get(id).unwrap().summary.last_verified_at.unwrap();
        fake.log().clear();
        let summary = service.retest(&client, id).await.unwrap();
        assert!(summary.last_verified_at.unwrap() >= before);
        assert_eq!(summary.last_error_code, None);
        assert_eq!(fake.request_count(), 2);
    }

    /// The week start the user changed in Toggl arrives with the re-test's two requests
    /// and is what the review's weeks start on from then on.
    #[tokio::test]
    async fn a_retest_stores_the_week_start_the_user_changed_in_toggl() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        let (service, client, id) = saved_connection(&fake).await;
        let filter = crate::review::Filter::default().for_connection(id);
        let week = |service: &ConnectionService| {
            crate::review::week_start(&service.db, &filter)
                .unwrap()
                .beginning_of_week
        };
        assert_eq!(week(&service), 1, "Toggl's default, Monday");
        fake.update_scenario(|s| {
            let owner = s.users.iter_mut().find(|u| u.id == DEMO_OWNER).unwrap();
            owner.beginning_of_week = 0;
        });
        fake.log().clear();
        service.retest(&client, id).await.unwrap();
        assert_eq!(fake.request_count(), 2);
        assert_eq!(week(&service), 0);
        assert_eq!(service.get(id).unwrap().access.beginning_of_week, 0);
    }

    #[tokio::test]
    async fn adding_a_workspace_rereads_its_standing_with_two_requests() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        let (service, client, id) = saved_connection(&fake).await;
        let detail = service.get(id).unwrap();
        let in_scope: Vec<i64> = detail
            .workspaces
            .iter()
            .filter(|w| w.in_scope)
            .map(|w| w.standing.workspace_id)
            .collect();
        assert!(in_scope.len() >= 2, "the demo owner has several workspaces");
        service.remove_workspace(id, in_scope[0]).unwrap();
        fake.log().clear();
        let summary = service
            .add_workspace(&client, id, in_scope[0])
            .await
            .unwrap();
        assert_eq!(fake.request_count(), 2);
        assert_eq!(summary.workspaces_in_scope, in_scope.len());
        let unknown = service
            .add_workspace(&client, id, 424_242)
            .await
            .unwrap_err();
        assert_eq!(unknown, AppError::NotFound);
    }

    #[tokio::test]
    async fn a_rejected_token_is_booked_and_an_unreachable_toggl_changes_nothing() {
        let fake = FakeToggl::start(Scenario::demo()).await;
        let (service, client, id) = saved_connection(&fake).await;
        fake.faults().server_errors(1000);
        let unavailable = service.retest(&client, id).await.unwrap_err();
        assert_eq!(unavailable, AppError::TogglUnavailable);
        assert_eq!(service.get(id).unwrap().summary.last_error_code, None);
        fake.faults().clear();

        fake.reset_token(DEMO_OWNER);
        let err = service.retest(&client, id).await.unwrap_err();
        assert_eq!(err, AppError::TokenRejected);
        let booked = service.get(id).unwrap();
        assert_eq!(
            booked.summary.last_error_code.as_deref(),
            Some("token_rejected")
        );
        assert!(booked.summary.verdict.is_allowed(), "the snapshot stays");
    }
}

#[test]
fn a_token_deleted_by_hand_keeps_the_record_and_reports_token_missing() {
    let h = Harness::new();
    let id = h.create("Acme", tok(1)).unwrap().id;
    h.memory.delete(&secret_key(id, 0)).unwrap();
    assert_eq!(h.service.token(id).unwrap_err(), AppError::TokenMissing);
    assert_eq!(h.service.reveal(id).unwrap_err(), AppError::TokenMissing);
    h.service.recover().unwrap();
    let listed = h.service.list().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].last_error_code.as_deref(), Some("token_missing"));
    h.service
        .swap_token(id, &checked(tok(2), access(1, "ada@example.com")), false)
        .unwrap();
    assert_eq!(h.service.reveal(id).unwrap(), tok(2));
    assert_eq!(h.service.list().unwrap()[0].last_error_code, None);
    h.assert_consistent();
}

#[test]
fn reveal_returns_the_stored_token() {
    let h = Harness::new();
    let id = h.create("Acme", tok(7)).unwrap().id;
    assert_eq!(h.service.reveal(id).unwrap(), tok(7));
    assert_eq!(h.service.reveal(999).unwrap_err(), AppError::NotFound);
}

#[test]
fn delete_removes_record_and_token_and_a_missing_token_counts_as_deleted() {
    let h = Harness::new();
    let a = h.create("A", tok(1)).unwrap().id;
    let b = h.create("B", tok(2)).unwrap().id;
    h.service.delete(a).unwrap();
    h.memory.delete(&secret_key(b, 0)).unwrap();
    h.service.delete(b).unwrap();
    assert!(h.service.list().unwrap().is_empty());
    assert_eq!(h.service.delete(a).unwrap_err(), AppError::NotFound);
    h.assert_consistent();
    h.create("A", tok(3)).unwrap();
    h.assert_consistent();
}

#[test]
fn create_saves_nothing_when_the_secret_write_fails() {
    let h = Harness::new();
    h.store.fail_nth(SecretOp::Set, 1, LOCKED);
    assert_eq!(h.create("Acme", tok(1)).unwrap_err(), LOCKED);
    assert!(h.service.list().unwrap().is_empty());
    h.assert_consistent();
    h.create("Acme", tok(1)).unwrap();
    h.assert_consistent();
}

#[test]
fn create_saves_nothing_when_the_first_sqlite_write_fails() {
    let h = Harness::new();
    refuse(&h.db, Refusal::Insert);
    assert_eq!(h.create("Acme", tok(1)).unwrap_err().code(), "database");
    assert!(h.memory.keys().is_empty());
    h.assert_consistent();
}

#[test]
fn create_removes_the_token_again_when_the_sqlite_commit_fails() {
    let h = Harness::new();
    refuse(&h.db, Refusal::MarkReady);
    assert_eq!(h.create("Acme", tok(1)).unwrap_err().code(), "database");
    assert!(h.service.list().unwrap().is_empty());
    h.assert_consistent();
}

#[test]
fn a_failed_rollback_is_finished_by_recovery() {
    let h = Harness::new();
    refuse(&h.db, Refusal::MarkReady);
    h.store.fail_all(SecretOp::Delete, LOCKED);
    assert_eq!(h.create("Acme", tok(1)).unwrap_err().code(), "database");
    assert!(
        h.service.list().unwrap().is_empty(),
        "half-made record shown"
    );
    assert_eq!(h.journal_len(), 1);
    assert_eq!(h.service.recover().unwrap_err(), LOCKED);
    h.store.heal();
    allow(&h.db, Refusal::MarkReady);
    assert_eq!(h.service.recover().unwrap(), 1);
    h.assert_consistent();
    assert!(h.memory.keys().is_empty());
}

#[test]
fn a_retried_double_submit_after_a_failed_rollback_heals_and_saves_once() {
    let h = Harness::new();
    h.store.fail_nth(SecretOp::Set, 1, LOCKED);
    h.store.fail_nth(SecretOp::Delete, 1, LOCKED);
    assert!(h.create("Acme", tok(1)).is_err());
    assert_eq!(h.journal_len(), 1);
    let saved = h.create("Acme", tok(1)).unwrap();
    assert_eq!(h.service.list().unwrap(), vec![saved]);
    h.assert_consistent();
}

#[test]
fn swap_keeps_the_old_token_when_the_secret_write_fails() {
    let h = Harness::new();
    let id = h.create("Acme", tok(1)).unwrap().id;
    h.store.fail_nth(SecretOp::Set, 1, LOCKED);
    let err = h
        .service
        .swap_token(id, &checked(tok(2), access(1, "ada@example.com")), false)
        .unwrap_err();
    assert_eq!(err, LOCKED);
    assert_eq!(h.service.token(id).unwrap(), tok(1));
    h.assert_consistent();
}

#[test]
fn swap_keeps_the_old_token_and_snapshot_when_the_sqlite_commit_fails() {
    let h = Harness::new();
    let id = h.create("Acme", tok(1)).unwrap().id;
    refuse(&h.db, Refusal::Update);
    let err = h
        .service
        .swap_token(id, &checked(tok(2), access(2, "bob@example.com")), true)
        .unwrap_err();
    assert_eq!(err.code(), "database");
    allow(&h.db, Refusal::Update);
    assert_eq!(h.service.token(id).unwrap(), tok(1));
    assert_eq!(h.service.get(id).unwrap().summary.email, "ada@example.com");
    h.assert_consistent();
}

#[test]
fn swap_succeeds_when_only_the_old_entry_cannot_be_removed_and_recovery_removes_it() {
    let h = Harness::new();
    let id = h.create("Acme", tok(1)).unwrap().id;
    h.store.fail_nth(SecretOp::Delete, 1, LOCKED);
    h.service
        .swap_token(id, &checked(tok(2), access(1, "ada@example.com")), false)
        .unwrap();
    assert_eq!(h.service.token(id).unwrap(), tok(2));
    assert_eq!(h.stored(id, 0), Some(tok(1)), "old entry awaits recovery");
    assert_eq!(h.journal_len(), 1);
    h.recover_and_check();
    assert_eq!(h.stored(id, 0), None);
}

#[test]
fn delete_keeps_the_connection_when_the_secret_delete_fails() {
    let h = Harness::new();
    let id = h.create("Acme", tok(1)).unwrap().id;
    h.store.fail_nth(SecretOp::Delete, 1, LOCKED);
    assert_eq!(h.service.delete(id).unwrap_err(), LOCKED);
    assert_eq!(h.service.list().unwrap().len(), 1);
    assert_eq!(h.service.token(id).unwrap(), tok(1));
    h.assert_consistent();
}

#[test]
fn a_delete_that_fails_after_the_store_removed_the_token_still_deletes_the_connection() {
    let h = Harness::new();
    let id = h.create("Acme", tok(1)).unwrap().id;
    h.store
        .fault_nth(SecretOp::Delete, 1, Fault::ActThenFail(LOCKED));
    h.service.delete(id).unwrap();
    assert!(h.service.list().unwrap().is_empty());
    assert_eq!(h.service.get(id).unwrap_err(), AppError::NotFound);
    h.assert_consistent();
}

#[test]
fn delete_hides_the_connection_when_the_last_sqlite_write_fails_and_recovery_finishes() {
    let h = Harness::new();
    let id = h.create("Acme", tok(1)).unwrap().id;
    refuse(&h.db, Refusal::Delete);
    h.service.delete(id).unwrap();
    assert!(h.service.list().unwrap().is_empty());
    assert_eq!(h.service.get(id).unwrap_err(), AppError::NotFound);
    allow(&h.db, Refusal::Delete);
    h.recover_and_check();
    assert!(h.db.with(|c| rows::list_all(c)).unwrap().is_empty());
}

#[test]
fn a_crash_during_create_before_or_after_the_secret_write_heals_to_nothing() {
    for fault in [Fault::CrashBefore, Fault::CrashAfter] {
        let h = Harness::new();
        h.store.fault_nth(SecretOp::Set, 1, fault.clone());
        h.crash(|s| {
            let _ = s.create(
                &checked(tok(1), access(1, "ada@example.com")),
                NewConnection {
                    name: "Acme".into(),
                    privacy: Privacy::PrivateToMe,
                    request_id: "r1".into(),
                    workspace_ids: None,
                },
            );
        });
        assert!(h.service.list().unwrap().is_empty(), "{fault:?}");
        h.recover_and_check();
        assert!(h.db.with(|c| rows::list_all(c)).unwrap().is_empty());
    }
}

#[test]
fn a_crash_during_swap_heals_to_the_old_token_before_commit_and_the_new_one_after() {
    let cases = [
        (SecretOp::Set, Fault::CrashBefore, tok(1)),
        (SecretOp::Set, Fault::CrashAfter, tok(1)),
        (SecretOp::Delete, Fault::CrashBefore, tok(2)),
        (SecretOp::Delete, Fault::CrashAfter, tok(2)),
    ];
    for (op, fault, expected) in cases {
        let h = Harness::new();
        let id = h.create("Acme", tok(1)).unwrap().id;
        h.store.fault_nth(op, 1, fault.clone());
        h.crash(|s| {
            let _ = s.swap_token(id, &checked(tok(2), access(1, "ada@example.com")), false);
        });
        h.recover_and_check();
        assert_eq!(
            h.restart().service.token(id).unwrap(),
            expected,
            "{op:?} {fault:?}"
        );
    }
}

#[test]
fn a_crash_during_delete_heals_to_deleted() {
    for fault in [Fault::CrashBefore, Fault::CrashAfter] {
        let h = Harness::new();
        let id = h.create("Acme", tok(1)).unwrap().id;
        h.store.fault_nth(SecretOp::Delete, 1, fault.clone());
        h.crash(|s| {
            let _ = s.delete(id);
        });
        assert!(h.service.list().unwrap().is_empty(), "{fault:?}");
        h.recover_and_check();
        assert!(h.db.with(|c| rows::list_all(c)).unwrap().is_empty());
    }
}

#[test]
fn recovery_with_nothing_pending_changes_nothing() {
    let h = Harness::new();
    h.create("Acme", tok(1)).unwrap();
    assert_eq!(h.service.recover().unwrap(), 0);
    assert_eq!(h.service.list().unwrap().len(), 1);
    h.assert_consistent();
}

#[test]
fn a_database_of_schema_version_1_is_upgraded_and_its_connections_keep_working() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("blink.sqlite3");
    let v1 = Db::open_at_version(&path, 1).unwrap();
    assert_eq!(v1.schema_version().unwrap(), 1);
    let snapshot = serde_json::to_string(&access(42, "old@example.com")).unwrap();
    insert_release_1_connection(&v1, &snapshot).unwrap();
    let memory = MemoryStore::new();
    memory.set(&secret_key(1, 0), &tok(9)).unwrap();
    drop(v1);

    let opened = Db::open(&path).unwrap();
    assert!(opened.moved_aside.is_none());
    assert_eq!(
        opened.db.schema_version().unwrap(),
        crate::db::SCHEMA_VERSION
    );
    let (user_id, email) = toggl_identity(&opened.db).unwrap();
    assert_eq!((user_id, email.as_str()), (42, "old@example.com"));

    let h = Harness::on(Arc::new(opened.db), memory);
    let listed = h.service.list().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].privacy, Privacy::PrivateToMe);
    assert_eq!(h.service.find_by_toggl_user(42).unwrap(), listed);
    assert_eq!(h.service.token(1).unwrap(), tok(9));
    h.assert_consistent();
}

/// Every file under the data directory, byte for byte.
fn files_under(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
    found
}

fn assert_token_nowhere(dir: &std::path::Path, tokens: &[&ApiToken]) {
    let files = files_under(dir);
    assert!(!files.is_empty());
    for (path, bytes) in files {
        for token in tokens {
            let needle = token.expose().as_bytes();
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "token found in {}",
                path.display()
            );
        }
    }
}

#[test]
fn no_file_in_the_data_directory_ever_holds_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let db = Arc::new(Db::open(&dir.path().join("blink.sqlite3")).unwrap().db);
    let h = Harness::on(db, MemoryStore::new());
    let (first, second) = (tok(0x5eed_f00d), tok(0xc0ff_ee42));
    let id = h.create("Acme", first.clone()).unwrap().id;
    assert_token_nowhere(dir.path(), &[&first]);
    h.service
        .swap_token(
            id,
            &checked(second.clone(), access(1, "ada@example.com")),
            false,
        )
        .unwrap();
    assert_eq!(h.service.reveal(id).unwrap(), second);
    assert_token_nowhere(dir.path(), &[&first, &second]);
    h.service.delete(id).unwrap();
    let names: Vec<String> = files_under(dir.path())
        .into_iter()
        .map(|(p, _)| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().any(|n| n.ends_with("-wal")), "{names:?}");
    assert_token_nowhere(dir.path(), &[&first, &second]);
    drop(h);
    assert_token_nowhere(dir.path(), &[&first, &second]);
}

mod real_keyring {
    use super::*;
    use crate::secrets::test_support::*;

    #[test]
    fn the_service_works_against_the_real_credential_store() {
        let Some(store) = real_store_or_skip("service") else {
            return;
        };
        let service =
            ConnectionService::new(Arc::new(Db::open_in_memory().unwrap()), Arc::new(store));
        let id = service
            .create(
                &checked(tok(1), access(1, "ada@example.com")),
                NewConnection {
                    name: "Real".into(),
                    privacy: Privacy::PrivateToMe,
                    request_id: "real".into(),
                    workspace_ids: None,
                },
            )
            .unwrap()
            .id;
        assert_eq!(service.get(id).unwrap().token_state, TokenState::Present);
        service
            .swap_token(id, &checked(tok(2), access(1, "ada@example.com")), false)
            .unwrap();
        assert_eq!(service.reveal(id).unwrap(), tok(2));
        service.delete(id).unwrap();
        assert!(service.list().unwrap().is_empty());
    }

    #[test]
    fn a_delete_whose_reply_is_lost_after_the_real_store_acted_leaves_no_record() {
        let Some(store) = real_store_or_skip("lost-delete-reply") else {
            return;
        };
        let store = Arc::new(FailingStore::new(store));
        let service =
            ConnectionService::new(Arc::new(Db::open_in_memory().unwrap()), store.clone());
        let id = service
            .create(
                &checked(tok(3), access(1, "ada@example.com")),
                NewConnection {
                    name: "Lost reply".into(),
                    privacy: Privacy::PrivateToMe,
                    request_id: "lost".into(),
                    workspace_ids: None,
                },
            )
            .unwrap()
            .id;
        store.fault_nth(
            SecretOp::Delete,
            1,
            Fault::ActThenFail(AppError::CredentialStoreUnavailable {
                detail: "the reply was lost".into(),
            }),
        );
        service.delete(id).unwrap();
        assert!(service.list().unwrap().is_empty());
        assert_eq!(store.get(&secret_key(id, 0)).unwrap(), None);
    }

    /// In a child process: create with the given store broken, expect the clear error
    /// and nothing saved anywhere.
    fn create_saves_nothing(codes: &[&str]) {
        let dir = tempfile::tempdir().unwrap();
        let db = Arc::new(Db::open(&dir.path().join("blink.sqlite3")).unwrap().db);
        let store = test_store("unavailable");
        let service = ConnectionService::new(db.clone(), Arc::new(test_store("unavailable")));
        let err = service
            .create(
                &checked(tok(1), access(1, "ada@example.com")),
                NewConnection {
                    name: "Acme".into(),
                    privacy: Privacy::PrivateToMe,
                    request_id: "r".into(),
                    workspace_ids: None,
                },
            )
            .unwrap_err();
        eprintln!("credential store said: {err:?}");
        assert!(codes.contains(&err.code()), "{err:?}");
        let message = serde_json::to_value(&err).unwrap()["message"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            message.contains("Keyring") || message.contains("keyring"),
            "{message}"
        );
        assert!(service.list().unwrap().is_empty());
        assert!(db.with(|c| rows::list_all(c)).unwrap().is_empty());
        for entry in db.with(|c| secret_journal::pending(c, None)).unwrap() {
            assert_eq!(entry.intent, secret_journal::Intent::Write, "{entry:?}");
        }
        assert!(!matches!(store.get(&secret_key(1, 0)), Ok(Some(_))));
        assert_token_nowhere(dir.path(), &[&tok(1)]);
    }

    #[test]
    fn without_a_session_bus_create_fails_clearly_and_saves_nothing() {
        if cfg!(not(target_os = "linux")) {
            return;
        }
        run_child(
            without_session_bus("connections::tests::real_keyring::child_create_without_bus"),
            "child_create_without_bus",
        );
    }

    #[test]
    #[ignore = "child process of its parent test"]
    fn child_create_without_bus() {
        assert!(in_child(), "run by its parent test, not on its own");
        create_saves_nothing(&["credential_store_unavailable"]);
    }

    #[test]
    fn with_a_locked_keyring_create_fails_clearly_and_saves_nothing() {
        if cfg!(not(target_os = "linux")) {
            return;
        }
        match with_locked_keyring("connections::tests::real_keyring::child_create_locked") {
            Ok((command, _home)) => run_child(command, "child_create_locked"),
            Err(why) if keyring_required() => panic!("{REQUIRE_VAR}=1 but {why}"),
            Err(why) => eprintln!("skipping: {why}"),
        }
    }

    #[test]
    #[ignore = "child process of its parent test"]
    fn child_create_locked() {
        assert!(in_child(), "run by its parent test, not on its own");
        create_saves_nothing(&["credential_store_locked", "credential_store_unavailable"]);
    }
}
