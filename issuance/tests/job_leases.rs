//! Two workers and one batch, against a real SQLite file: whoever holds
//! the rows' lease when it writes is the only one whose work is kept.

use std::time::Duration;

use issuance::badges::{self, NewBadge};
use issuance::bulk::uploads;
use issuance::jobs::lease::{Batch, Claim, ClaimLimits, claim};
use issuance::jobs::{record, sign};
use issuance::keys::MasterKey;
use issuance::orgs::{Plan, organizations};

const URL: &str = "https://laurel.example";

struct Fixture {
    _dir: tempfile::TempDir,
    db: issuance::db::Db,
    master: MasterKey,
    org: String,
    job: String,
}

/// An Enterprise org with a job of `rows` new recipients, processing.
async fn job_of(rows: usize) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = issuance::db::connect(&format!("sqlite://{}", dir.path().join("t.db").display())).await.unwrap();
    let master = MasterKey::generate();
    let org = organizations::create(&db, "Acme", Plan::Enterprise).await.unwrap();
    organizations::approve(&db, &master, &org.id).await.unwrap();
    let email = issuance::email::EmailAddress::parse("owner@acme.test").unwrap();
    let owner = issuance::accounts::users::create(&db, &email, "Owner", "not-a-hash").await.unwrap();
    let badge = badges::create(
        &db,
        &org.id,
        NewBadge {
            name: "Safety".into(),
            description: "d".into(),
            criteria_narrative: "c".into(),
            image_url: None,
            validity_days: Some(365),
        },
        None,
    )
    .await
    .unwrap();
    let mut csv = String::from("name,email\n");
    for i in 0..rows {
        csv.push_str(&format!("Person {i},p{i}@acme.test\n"));
    }
    let upload = uploads::create(&db, &org.id, &badge.id, None, csv.as_bytes(), &owner.id).await.unwrap();
    let now = issuance::clock::now();
    let job = issuance::jobs::submit::submit(&db, &org.id, &upload, &owner.id, now).await.unwrap().job_id;
    issuance::jobs::lease::promote(&db, now).await.unwrap();
    Fixture { _dir: dir, db, master, org: org.id, job }
}

impl Fixture {
    async fn claim(&self, token: &str, at_ms: i64) -> Box<Batch> {
        let limits = ClaimLimits { max_items: 100, lease: Duration::from_secs(10), per_sec: None };
        match claim(&self.db, &self.master, &self.job, token, &limits, at_ms).await.unwrap() {
            Claim::Batch(b) => b,
            _ => panic!("{token} got no rows"),
        }
    }

    async fn write(&self, batch: &Batch) -> record::Recorded {
        let signed = sign::sign_batch(batch, URL, 2);
        record::record(&self.db, batch, &signed, URL).await.unwrap()
    }

    async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql).bind(&self.job).fetch_one(&self.db).await.unwrap()
    }
}

#[tokio::test]
async fn a_worker_whose_lease_expired_and_was_taken_over_writes_nothing() {
    let f = job_of(30).await;
    let now_ms = issuance::clock::now() * 1000;
    let slow = f.claim("slow", now_ms).await;
    // Eleven seconds later the slow worker's 10 s lease has run out.
    let fast = f.claim("fast", now_ms + 11_000).await;
    assert_eq!(
        slow.items.iter().map(|i| &i.credential_id).collect::<Vec<_>>(),
        fast.items.iter().map(|i| &i.credential_id).collect::<Vec<_>>(),
        "the rows are taken over with the credential ids they were given at submit"
    );

    let late = f.write(&slow).await;
    assert!(late.lease_lost);
    assert_eq!(f.count("SELECT COUNT(*) FROM credentials WHERE job_id = $1").await, 0);
    assert_eq!(f.count("SELECT COUNT(*) FROM outbox WHERE job_id = $1").await, 0);
    assert_eq!(f.count("SELECT processed FROM jobs WHERE id = $1").await, 0);

    let done = f.write(&fast).await;
    assert_eq!((done.succeeded, done.lease_lost, done.finished_job), (30, false, true));
    // Writing the slow batch again, now that the rows are done, still
    // writes nothing.
    assert!(f.write(&slow).await.lease_lost);
    assert_eq!(f.count("SELECT COUNT(*) FROM credentials WHERE job_id = $1").await, 30);
    assert_eq!(f.count("SELECT COUNT(*) FROM outbox WHERE job_id = $1").await, 30);
    assert_eq!(f.count("SELECT COUNT(DISTINCT recipient_email) FROM credentials WHERE job_id = $1").await, 30);
    assert_eq!(f.count("SELECT succeeded FROM jobs WHERE id = $1").await, 30);
}

#[tokio::test]
async fn a_batch_signed_before_its_job_was_cancelled_is_not_recorded() {
    let f = job_of(5).await;
    let batch = f.claim("w", issuance::clock::now() * 1000).await;
    issuance::jobs::cancel(&f.db, &f.org, &f.job, None).await.unwrap();
    assert!(f.write(&batch).await.lease_lost);
    assert_eq!(f.count("SELECT COUNT(*) FROM credentials WHERE job_id = $1").await, 0);
    assert_eq!(f.count("SELECT COUNT(*) FROM jobs WHERE id = $1 AND status = 'cancelled'").await, 1);
}
