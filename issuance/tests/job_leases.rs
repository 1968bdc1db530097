//! Two workers and one batch, against a real SQLite file: whoever holds
//! the rows' lease when it writes is the only one whose work is kept.

use std::time::Duration;

mod support;

use issuance::jobs::lease::{Batch, Claim, ClaimLimits, claim};
use issuance::jobs::{record, sign};
use issuance::orgs::Plan;
use support::{PUBLIC_URL as URL, Sandbox, recipients_csv};

struct Fixture {
    sandbox: Sandbox,
    org: String,
    job: String,
}

/// An Enterprise org with a job of `rows` new recipients, processing.
async fn job_of(rows: usize) -> Fixture {
    let sandbox = Sandbox::new().await;
    let org = sandbox.org("Acme", Plan::Enterprise).await;
    let owner = sandbox.user("owner@acme.test").await;
    let badge = sandbox.badge(&org, "Safety", Some(365)).await;
    let csv = recipients_csv(rows, "acme.test");
    let db = &sandbox.db;
    let upload = issuance::bulk::uploads::create(db, &org, Some(&badge), None, csv.as_bytes(), &owner).await.unwrap();
    let now = issuance::clock::now();
    let job = issuance::jobs::submit::submit(db, &org, &upload, &owner, Default::default(), now).await.unwrap().job_id;
    issuance::jobs::lease::promote(db, now).await.unwrap();
    Fixture { sandbox, org, job }
}

impl Fixture {
    async fn claim(&self, token: &str, at_ms: i64) -> Box<Batch> {
        let limits =
            ClaimLimits { max_items: 100, lease: Duration::from_secs(10), per_sec: None, delivers_email: false };
        match claim(&self.sandbox.db, &self.sandbox.master, &self.job, token, &limits, at_ms).await.unwrap() {
            Claim::Batch(b) => b,
            _ => panic!("{token} got no rows"),
        }
    }

    async fn write(&self, batch: &Batch) -> record::Recorded {
        let signed = sign::sign_batch(batch, URL, 2);
        record::record(&self.sandbox.db, batch, &signed, URL).await.unwrap()
    }

    async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql).bind(&self.job).fetch_one(&self.sandbox.db).await.unwrap()
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
    issuance::jobs::cancel(&f.sandbox.db, &f.org, &f.job, None).await.unwrap();
    assert!(f.write(&batch).await.lease_lost);
    assert_eq!(f.count("SELECT COUNT(*) FROM credentials WHERE job_id = $1").await, 0);
    assert_eq!(f.count("SELECT COUNT(*) FROM jobs WHERE id = $1 AND status = 'cancelled'").await, 1);
}
