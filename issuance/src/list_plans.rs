//! Every list query, asked of SQLite's planner (`EXPLAIN QUERY PLAN`) on a
//! migrated database: none may scan a table whole, and none may sort the
//! org's rows (`USE TEMP B-TREE`). A list that walks an index in its own
//! order costs a page whatever the org's size; one that sorts grows with
//! it. A subject or a search finds its matches through their own index
//! (or the full-text one) and walks those in id order.

use crate::db::Builder;

use crate::audit::{self, AuditAction};
use crate::credentials::store::{self, Filter};
use crate::db::{Db, Explain};
use crate::jobs::{ItemFilter, ItemState, read};
use crate::outbox;
use model::{CredentialStatus, CredentialType, JobSource, MailStatus};

async fn db() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::db::connect(&format!("sqlite://{}", dir.path().join("plans.db").display())).await.unwrap();
    (dir, db)
}

/// The planner's steps for `q`, one line each.
async fn steps(db: &Db, mut q: Builder<'_>) -> Vec<String> {
    let rows: Vec<(i64, i64, i64, String)> = q.build_query_as().fetch_all(db).await.unwrap();
    rows.into_iter().map(|r| r.3).collect()
}

/// Fails on a full scan of a table, and on a sort unless `may_sort`.
fn check(what: &str, steps: &[String], may_sort: bool) {
    for s in steps {
        let full_scan = s.starts_with("SCAN ") && !s.contains("USING") && !s.contains("VIRTUAL TABLE");
        assert!(!full_scan, "{what}: a full scan: {s}\n{steps:#?}");
        if !may_sort {
            assert!(!s.contains("TEMP B-TREE"), "{what}: sorts instead of walking an index: {s}\n{steps:#?}");
        }
    }
}

#[tokio::test]
async fn every_credentials_list_walks_an_index_in_its_order() {
    let (_dir, db) = db().await;
    let now = 1_800_000_000;
    let cases: Vec<(&str, Filter, bool)> = vec![
        ("all", Filter::default(), false),
        ("by status", Filter { status: Some(CredentialStatus::Revoked), ..Filter::default() }, false),
        ("active", Filter { status: Some(CredentialStatus::Active), ..Filter::default() }, false),
        ("expired", Filter { status: Some(CredentialStatus::Expired), ..Filter::default() }, false),
        (
            "expired of a job",
            Filter { status: Some(CredentialStatus::Expired), job_id: Some("job_1".into()), ..Filter::default() },
            true,
        ),
        ("by type", Filter { credential_type: Some(CredentialType::Badge), ..Filter::default() }, false),
        ("by badge", Filter { badge_id: Some("bdg_1".into()), ..Filter::default() }, false),
        ("by job", Filter { job_id: Some("job_1".into()), ..Filter::default() }, false),
        (
            "by badge and status",
            Filter { badge_id: Some("bdg_1".into()), status: Some(CredentialStatus::Active), ..Filter::default() },
            false,
        ),
        ("by subject", Filter { subject: Some("biz_1".into()), ..Filter::default() }, false),
        ("search", Filter { search: Some("jane do".into()), ..Filter::default() }, false),
    ];
    for (what, filter, may_sort) in &cases {
        for cursor in [None, Some("cred_01")] {
            let q =
                store::listing(crate::db::Backend::Sqlite, Explain::QueryPlan, "id", "org_1", filter, 50, cursor, now);
            check(what, &steps(&db, q).await, *may_sort);
        }
    }
}

#[tokio::test]
async fn the_jobs_rows_outbox_and_audit_lists_walk_an_index_in_their_order() {
    let (_dir, db) = db().await;
    for source in [None, Some(JobSource::ApiBatch)] {
        for cursor in [None, Some("job_01")] {
            check("jobs", &steps(&db, read::listing(Explain::QueryPlan, "org_1", source, 50, cursor)).await, false);
        }
    }
    for state in [None, Some(ItemState::Failed)] {
        let filter = ItemFilter { state, after: Some(10), limit: 100 };
        check("job rows", &steps(&db, read::item_listing(Explain::QueryPlan, "job_1", &filter)).await, false);
    }
    for status in [None, Some(MailStatus::Failed)] {
        for cursor in [None, Some("msg_01")] {
            let q = outbox::listing(Explain::QueryPlan, "org_1", status, 50, cursor);
            check("outbox", &steps(&db, q).await, false);
        }
    }
    let filters = [
        audit::Filter { limit: 50, ..audit::Filter::default() },
        audit::Filter { action: Some(AuditAction::JobCompleted), limit: 50, ..audit::Filter::default() },
        audit::Filter {
            target: Some("job_1".into()),
            before: Some("evt_01".into()),
            limit: 50,
            ..audit::Filter::default()
        },
        audit::Filter { since: Some(1_800_000_000), limit: 50, ..audit::Filter::default() },
    ];
    for f in &filters {
        check("audit", &steps(&db, audit::listing(Explain::QueryPlan, "org_1", f)).await, false);
    }
}

#[tokio::test]
async fn a_credential_page_finds_what_it_replaced_and_its_e_mails_through_indexes() {
    let (_dir, db) = db().await;
    let mut q = Builder::new("EXPLAIN QUERY PLAN ");
    q.push(store::REPLACED_BY);
    let replaced = steps(&db, q).await;
    check("replaced", &replaced, false);
    assert!(replaced.iter().any(|s| s.contains("credentials_by_superseded")), "{replaced:#?}");
    let emails = steps(&db, outbox::credential_listing(Explain::QueryPlan, "org_1", "cred_1")).await;
    check("a credential's e-mails", &emails, false);
    assert!(emails.iter().any(|s| s.contains("outbox_by_credential_id")), "{emails:#?}");
}

#[tokio::test]
async fn revoking_cancels_its_e_mails_through_the_credentials_index() {
    let (_dir, db) = db().await;
    let mut q = Builder::new("EXPLAIN QUERY PLAN ");
    q.push(outbox::cancel_for_credentials_sql(crate::db::Backend::Sqlite));
    let cancel = steps(&db, q).await;
    check("cancel e-mails", &cancel, false);
    assert!(cancel.iter().any(|s| s.contains("outbox_by_credential_id")), "{cancel:#?}");
}

#[tokio::test]
async fn search_finds_words_and_their_beginnings_in_names_emails_and_subject_ids() {
    assert_eq!(crate::db::sqlite::search_query("Jane  Do").as_deref(), Some(r#""jane"* "do"*"#));
    assert_eq!(crate::db::sqlite::search_query("jane@exa").as_deref(), Some(r#""jane"* "exa"*"#));
    assert_eq!(
        crate::db::sqlite::search_query(r#"a"b*"#).as_deref(),
        Some(r#""a"* "b"*"#),
        "no query syntax gets through"
    );
    assert_eq!(crate::db::sqlite::search_query("@@"), None);
}

#[tokio::test]
#[should_panic(expected = "sorts instead of walking an index")]
async fn the_check_catches_a_list_that_sorts_the_org() {
    let (_dir, db) = db().await;
    let q = Builder::new("EXPLAIN QUERY PLAN SELECT id FROM credentials WHERE org_id = 'o' ORDER BY issued_at DESC");
    check("sorted by issue date", &steps(&db, q).await, false);
}

#[tokio::test]
#[should_panic(expected = "a full scan")]
async fn the_check_catches_a_full_scan() {
    let (_dir, db) = db().await;
    let q = Builder::new("EXPLAIN QUERY PLAN SELECT id FROM credentials WHERE recipient_name LIKE '%jane%'");
    check("substring search", &steps(&db, q).await, true);
}
