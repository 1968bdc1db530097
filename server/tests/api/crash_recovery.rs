//! A job survives its server being killed: the real `laurel` binary is
//! SIGKILLed in the middle of a job of thousands of rows and started again
//! on the same database, and the job completes with every row issued
//! exactly once.

use std::time::{Duration, Instant};

use issuance::badges::{self, NewBadge};
use issuance::bulk::uploads;
use issuance::credentials::{self, IssueRequest, Issuer};
use issuance::db::Db;
use issuance::keys::MasterKey;
use issuance::orgs::{Plan, organizations};
use serde_json::json;
use tokio::process::Child;

use crate::helpers::TEST_MASTER_KEY;

const ISSUABLE: usize = 3_000;
const HOLDING: usize = 300;

/// Slow enough to be caught mid-job, fast enough for a test.
fn start_server(dir: &std::path::Path, db_url: &str) -> Child {
    crate::helpers::laurel_serve(dir, db_url, 0, &[("LAUREL_RATE_PROFESSIONAL", "1000")])
}

async fn counts(db: &Db, job: &str) -> (String, i64, i64, i64, i64, i64) {
    sqlx::query_as("SELECT status, total, processed, succeeded, failed, skipped FROM jobs WHERE id = $1")
        .bind(job)
        .fetch_one(db)
        .await
        .unwrap()
}

async fn scalar(db: &Db, sql: &str, job: &str) -> i64 {
    sqlx::query_scalar(sql).bind(job).fetch_one(db).await.unwrap()
}

#[tokio::test]
async fn a_job_killed_mid_way_resumes_after_restart_and_issues_every_row_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let db_url = crate::helpers::fresh_database_url(dir.path()).await;
    let db = issuance::db::connect(&db_url).await.unwrap();
    let master = MasterKey::from_base64(TEST_MASTER_KEY).unwrap();
    let org = organizations::create(&db, "Crash Academy", Plan::Professional).await.unwrap().id;
    organizations::approve(&db, &master, &org).await.unwrap();
    organizations::set_quota(&db, &org, 100_000).await.unwrap();
    let email = issuance::email::EmailAddress::parse("owner@crash.test").unwrap();
    let owner = issuance::accounts::users::create(&db, &email, "Owner", "x").await.unwrap().id;
    let badge = badges::create(
        &db,
        &org,
        NewBadge {
            name: "Resilience".into(),
            description: "Survives a crash.".into(),
            criteria_narrative: "Kept going.".into(),
            image_url: None,
            validity_days: Some(365),
        },
        None,
    )
    .await
    .unwrap()
    .id;

    // The first HOLDING recipients already hold an active time-bound
    // credential of the badge: the job must revoke each and reissue.
    let issuer = Issuer { db: &db, master: &master, public_url: "http://laurel.test", api_key_id: None };
    let mut held = Vec::new();
    for i in 0..HOLDING {
        let request = IssueRequest::parse(&json!({
            "credential_type": "badge",
            "badge_id": badge,
            "recipient": {"name": format!("Person {i}"), "email": format!("person{i}@example.com")},
        }))
        .unwrap();
        held.push(credentials::issue(issuer, &org, request, issuance::clock::now()).await.unwrap().id);
    }

    let mut csv = String::from("name,email\n");
    for i in 0..ISSUABLE {
        csv.push_str(&format!("Person {i},person{i}@example.com\n"));
    }
    csv.push_str("No Address,\nPerson 0 again,PERSON0@example.com\n");
    let upload = uploads::create(&db, &org, Some(&badge), Some("crash.csv"), csv.as_bytes(), &owner).await.unwrap();
    let job = issuance::jobs::submit::submit(&db, &org, &upload, &owner, Default::default(), issuance::clock::now())
        .await
        .unwrap()
        .job_id;

    // Run until part of the job is done, then SIGKILL: no shutdown, no
    // cleanup, leases left behind.
    let mut server = start_server(dir.path(), &db_url);
    let deadline = Instant::now() + Duration::from_secs(60);
    let at_kill = loop {
        let (_, _, _, succeeded, _, _) = counts(&db, &job).await;
        if succeeded >= (ISSUABLE / 3) as i64 {
            server.start_kill().expect("SIGKILL sent");
            server.wait().await.unwrap();
            break succeeded;
        }
        assert!(Instant::now() < deadline, "the job made no progress");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let (status, total, processed, ..) = counts(&db, &job).await;
    assert_eq!(status, "processing", "killed mid-job");
    assert!(processed < total, "rows were left to do at the kill ({processed} of {total})");
    let leased = scalar(
        &db,
        "SELECT COUNT(*) FROM job_items WHERE job_id = $1 AND lease_owner IS NOT NULL AND state = 'pending'",
        &job,
    )
    .await;

    let mut server = start_server(dir.path(), &db_url);
    let deadline = Instant::now() + Duration::from_secs(90);
    let (status, total, processed, succeeded, failed, skipped) = loop {
        let c = counts(&db, &job).await;
        if c.0 != "processing" && c.0 != "pending" {
            break c;
        }
        assert!(Instant::now() < deadline, "the job did not resume after restart: {c:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    server.start_kill().unwrap();
    eprintln!("killed at {at_kill} issued with {leased} rows leased; finished {status}: {processed}/{total}");

    // Counts add up.
    assert_eq!(status, "completed");
    assert_eq!(total, (ISSUABLE + 2) as i64);
    assert_eq!(processed, total);
    assert_eq!(
        (succeeded, failed, skipped),
        (ISSUABLE as i64, 1, 1),
        "the address-less row fails; the duplicate is skipped"
    );
    assert_eq!(succeeded + failed + skipped, total);

    // Exactly one new credential per issuable row, and it is the one the
    // row names.
    let issued = scalar(&db, "SELECT COUNT(*) FROM credentials WHERE job_id = $1", &job).await;
    let recipients =
        scalar(&db, "SELECT COUNT(DISTINCT recipient_email) FROM credentials WHERE job_id = $1", &job).await;
    assert_eq!((issued, recipients), (ISSUABLE as i64, ISSUABLE as i64));
    let matched = scalar(
        &db,
        "SELECT COUNT(*) FROM job_items i JOIN credentials c ON c.id = i.credential_id AND c.job_id = i.job_id
         WHERE i.job_id = $1 AND i.state = 'succeeded' AND c.recipient_email = i.email",
        &job,
    )
    .await;
    assert_eq!(matched, ISSUABLE as i64);

    // No status index used twice, across everything the org holds.
    let reused: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT status_list_id, status_list_index FROM credentials
                               GROUP BY status_list_id, status_list_index HAVING COUNT(*) > 1) AS dup",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(reused, 0);

    // Every superseded credential revoked and pointing at its successor.
    for old in &held {
        let (status, successor): (String, Option<String>) =
            sqlx::query_as("SELECT status, superseded_by FROM credentials WHERE id = $1")
                .bind(old)
                .fetch_one(&db)
                .await
                .unwrap();
        assert_eq!(status, "revoked", "{old}");
        let successor_job: Option<String> = sqlx::query_scalar("SELECT job_id FROM credentials WHERE id = $1")
            .bind(successor.expect("superseded_by set"))
            .fetch_one(&db)
            .await
            .unwrap();
        assert_eq!(successor_job.as_deref(), Some(job.as_str()));
    }
    let active_per_recipient: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT recipient_email FROM credentials WHERE badge_id = $1 AND status = 'active'
                               GROUP BY recipient_email HAVING COUNT(*) > 1) AS dup",
    )
    .bind(&badge)
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(active_per_recipient, 0, "nobody holds two active credentials of the badge");

    // One e-mail per new credential, none for the rows that failed.
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM outbox WHERE job_id = $1", &job).await, ISSUABLE as i64);
}

#[tokio::test]
async fn a_json_batch_killed_mid_way_resumes_after_restart_and_issues_each_valid_item_exactly_once() {
    const ITEMS: usize = 5_000;
    let dir = tempfile::tempdir().unwrap();
    let db_url = crate::helpers::fresh_database_url(dir.path()).await;
    let db = issuance::db::connect(&db_url).await.unwrap();
    let master = MasterKey::from_base64(TEST_MASTER_KEY).unwrap();
    let org = organizations::create(&db, "Crash Batch Co", Plan::Professional).await.unwrap().id;
    organizations::approve(&db, &master, &org).await.unwrap();
    organizations::set_quota(&db, &org, 100_000).await.unwrap();

    let mut items: Vec<serde_json::Value> = (0..ITEMS)
        .map(|i| {
            json!({"credential_type": "business",
                   "subject": {"id": format!("biz_{i}"), "type": "organisation", "name": format!("Business {i}")},
                   "claims": {"kyb_status": "approved", "jurisdiction": "US-DE"}})
        })
        .collect();
    items.insert(
        1234,
        json!({"credential_type": "business", "subject": {"id": "biz_bad", "type": "organisation"},
                              "claims": {"kyb_status": "verified"}}),
    );
    let origin = issuance::jobs::batch_submit::BatchOrigin { api_key_id: None, api_key_name: None };
    let job = issuance::jobs::batch_submit::submit_batch(&db, &org, &items, &origin, issuance::clock::now())
        .await
        .unwrap()
        .id;

    let mut server = start_server(dir.path(), &db_url);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (_, _, _, succeeded, _, _) = counts(&db, &job).await;
        if succeeded >= (ITEMS / 3) as i64 {
            server.start_kill().expect("SIGKILL sent");
            server.wait().await.unwrap();
            break;
        }
        assert!(Instant::now() < deadline, "the batch made no progress");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (status, total, processed, ..) = counts(&db, &job).await;
    assert_eq!(status, "processing", "killed mid-batch");
    assert!(processed < total, "items were left to do at the kill ({processed} of {total})");

    let mut server = start_server(dir.path(), &db_url);
    let deadline = Instant::now() + Duration::from_secs(90);
    let (status, total, processed, succeeded, failed, _) = loop {
        let c = counts(&db, &job).await;
        if c.0 != "processing" && c.0 != "pending" {
            break c;
        }
        assert!(Instant::now() < deadline, "the batch did not resume after restart: {c:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    server.start_kill().unwrap();
    assert_eq!(status, "completed");
    assert_eq!((total, processed), ((ITEMS + 1) as i64, (ITEMS + 1) as i64));
    assert_eq!((succeeded, failed), (ITEMS as i64, 1));

    // Exactly one credential per valid item: its own, with its own subject.
    let issued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM credentials WHERE org_id = $1")
        .bind(&org)
        .fetch_one(&db)
        .await
        .unwrap();
    let subjects: i64 = sqlx::query_scalar("SELECT COUNT(DISTINCT subject_id) FROM credentials WHERE job_id = $1")
        .bind(&job)
        .fetch_one(&db)
        .await
        .unwrap();
    let matched = scalar(
        &db,
        "SELECT COUNT(*) FROM job_items i JOIN credentials c ON c.id = i.credential_id
         WHERE i.job_id = $1 AND i.state = 'succeeded'",
        &job,
    )
    .await;
    assert_eq!((issued, subjects, matched), (ITEMS as i64, ITEMS as i64, ITEMS as i64));
    let slots = scalar(
        &db,
        "SELECT COUNT(DISTINCT status_list_id || ':' || status_list_index) FROM credentials WHERE job_id = $1",
        &job,
    )
    .await;
    assert_eq!(slots, ITEMS as i64, "no status slot serves two credentials");
}
