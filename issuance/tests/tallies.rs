//! The org's running totals, kept by triggers, against a plain count of
//! the rows after issuing, revoking and cancelling e-mails.

mod support;

use std::time::Duration;

use issuance::credentials::{self, IssueRequest, Issuer};
use issuance::db::Db;
use issuance::jobs::lease::{Claim, ClaimLimits, claim};
use issuance::jobs::{record, sign};
use issuance::orgs::Plan;
use issuance::outbox::{Counts, MailStatus};
use issuance::tallies::{self, CredentialTotals};
use serde_json::json;
use support::{PUBLIC_URL, Sandbox, recipients_csv};

async fn issue(s: &Sandbox, org: &str, badge: &str, email: &str) -> String {
    let body = json!({"credential_type": "badge", "badge_id": badge, "recipient": {"name": "X", "email": email}});
    let issuer = Issuer { db: &s.db, master: &s.master, public_url: PUBLIC_URL, api_key_id: None };
    credentials::issue(issuer, org, IssueRequest::parse(&body).unwrap(), issuance::clock::now()).await.unwrap().id
}

/// Runs a CSV job of `rows` new recipients to the end: credentials, each
/// with its e-mail queued. Returns the credential ids.
async fn run_job(s: &Sandbox, org: &str, badge: &str, rows: usize) -> Vec<String> {
    let owner = s.user(&format!("owner@{org}.test")).await;
    let csv = recipients_csv(rows, "acme.test");
    let upload = issuance::bulk::uploads::create(&s.db, org, Some(badge), None, csv.as_bytes(), &owner).await.unwrap();
    let now = issuance::clock::now();
    let job =
        issuance::jobs::submit::submit(&s.db, org, &upload, &owner, Default::default(), now).await.unwrap().job_id;
    issuance::jobs::lease::promote(&s.db, now).await.unwrap();
    let limits = ClaimLimits { max_items: 100, lease: Duration::from_secs(10), per_sec: None, delivers_email: false };
    let Claim::Batch(batch) = claim(&s.db, &s.master, &job, "w1", &limits, issuance::clock::now_ms()).await.unwrap()
    else {
        panic!("the job has rows to claim");
    };
    record::record(&s.db, &batch, &sign::sign_batch(&batch, PUBLIC_URL, 2), PUBLIC_URL).await.unwrap();
    sqlx::query_scalar("SELECT id FROM credentials WHERE job_id = $1 ORDER BY id")
        .bind(&job)
        .fetch_all(&s.db)
        .await
        .unwrap()
}

async fn counted(db: &Db, org: &str) -> (CredentialTotals, Counts) {
    let (issued, revoked): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'revoked' THEN 1 ELSE 0 END), 0)
         FROM credentials WHERE org_id = $1",
    )
    .bind(org)
    .fetch_one(db)
    .await
    .unwrap();
    let mut mail = Counts::default();
    let rows: Vec<(MailStatus, i64)> =
        sqlx::query_as("SELECT status, COUNT(*) FROM outbox WHERE org_id = $1 GROUP BY status")
            .bind(org)
            .fetch_all(db)
            .await
            .unwrap();
    for (status, n) in rows {
        *mail.of_mut(status) = n;
    }
    (CredentialTotals { issued, revoked }, mail)
}

async fn assert_tallies_match(db: &Db, org: &str) -> (CredentialTotals, Counts) {
    let (credentials, mail) = counted(db, org).await;
    assert_eq!(tallies::credentials(db, org).await.unwrap(), credentials, "credential totals of {org}");
    assert_eq!(tallies::outbox(db, org).await.unwrap(), mail, "e-mail totals of {org}");
    (credentials, mail)
}

#[tokio::test]
async fn the_running_totals_match_a_count_of_the_rows_after_issuing_and_revoking() {
    let s = Sandbox::new().await;
    let acme = s.org("Acme", Plan::Professional).await;
    let other = s.org("Other", Plan::Professional).await;
    let badge = s.badge(&acme, "Safety", None).await;
    let other_badge = s.badge(&other, "Safety", None).await;
    assert_eq!(tallies::credentials(&s.db, &acme).await.unwrap(), CredentialTotals::default());

    let ids = run_job(&s, &acme, &badge, 5).await;
    issue(&s, &acme, &badge, "single@example.com").await;
    issue(&s, &other, &other_badge, "q@example.com").await;
    for id in &ids[..2] {
        credentials::store::revoke(&s.db, &acme, id, Some("left"), None).await.unwrap();
    }
    // As the sender marks a delivery.
    sqlx::query("UPDATE outbox SET status = 'sent' WHERE credential_id = $1")
        .bind(&ids[2])
        .execute(&s.db)
        .await
        .unwrap();

    let (credentials, mail) = assert_tallies_match(&s.db, &acme).await;
    assert_eq!(credentials, CredentialTotals { issued: 6, revoked: 2 });
    assert_eq!((mail.queued, mail.sent, mail.cancelled), (2, 1, 2), "revoking cancelled the queued e-mails");
    let (credentials, _) = assert_tallies_match(&s.db, &other).await;
    assert_eq!(credentials, CredentialTotals { issued: 1, revoked: 0 }, "each org has its own totals");
}
