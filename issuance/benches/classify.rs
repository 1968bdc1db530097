//! The bulk dry run at its largest: a 10,000-row CSV classified against an
//! org holding 100,000 credentials of the badge.
//!
//! `cargo bench -p issuance --bench classify` prints the time of the whole
//! `bulk::review` call (parse, two queries, classification) over several
//! runs. Target: under 150 ms.

use std::time::Instant;

#[path = "../tests/support/mod.rs"]
mod support;

use issuance::bulk::review;
use issuance::credentials::{self, IssueRequest, Issuer};
use issuance::orgs::Plan;
use serde_json::json;
use support::{PUBLIC_URL, Sandbox};

const EXISTING: i64 = 100_000;
const ROWS: usize = 10_000;

#[tokio::main]
async fn main() {
    let sandbox = Sandbox::new().await;
    let (db, master) = (&sandbox.db, &sandbox.master);
    let org = sandbox.org("Bench", Plan::Enterprise).await;
    let badge = sandbox.badge(&org, "Bench", Some(365)).await;
    let now = issuance::clock::now();

    // One real credential gives a signing key and a status list; 100,000
    // copies of its row (each with its own recipient, slot and state) make
    // the history, inserted in one statement.
    let issuer = Issuer { db, master, public_url: PUBLIC_URL, api_key_id: None };
    let seed = IssueRequest::parse(&json!({"credential_type": "badge", "badge_id": badge, "recipient": {"name": "Seed", "email": "seed@example.com"}})).unwrap();
    let seed = credentials::issue(issuer, &org, seed, now).await.unwrap();
    sqlx::query("DELETE FROM credentials WHERE id = $1").bind(&seed.id).execute(db).await.unwrap();
    let started = Instant::now();
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $1)
         INSERT INTO credentials (id, org_id, credential_type, subject_json, claims_json, recipient_email, recipient_name,
             badge_id, issuer_did, key_id, signed_payload, status, status_list_id, status_list_index,
             issued_at, expires_at, created_at, updated_at)
         SELECT 'cred_bench_' || i, $2, 'badge', '{}', '{}', 'user' || i || '@example.com', 'User ' || i,
             $3, 'did:web:laurel.example', $4, 'x', CASE WHEN i % 4 = 3 THEN 'revoked' ELSE 'active' END, $5, i,
             $6 - 86400 * 30, CASE i % 4 WHEN 0 THEN NULL WHEN 1 THEN $6 + 86400 ELSE $6 - 86400 END, $6, $6
         FROM n",
    )
    .bind(EXISTING)
    .bind(&org)
    .bind(&badge)
    .bind(&seed.key_id)
    .bind(&seed.status_list_id)
    .bind(now)
    .execute(db)
    .await
    .unwrap();
    println!(
        "history: {EXISTING} credentials of the badge inserted in {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );

    // Half the file are existing holders, half newcomers, a few invalid.
    let mut csv = String::from("name,email\n");
    for i in 0..ROWS {
        match i % 100 {
            99 => csv.push_str("Broken Row,not-an-email\n"),
            _ if i % 2 == 0 => csv.push_str(&format!("User {},user{}@example.com\n", i / 2, i / 2)),
            _ => csv.push_str(&format!("New {i},new{i}@example.com\n")),
        }
    }
    println!("file: {ROWS} rows, {} KB", csv.len() / 1024);

    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..7 {
        let started = Instant::now();
        let r = review(db, &org, Some(&badge), csv.as_bytes(), Some("bench.csv"), Default::default(), now)
            .await
            .unwrap()
            .unwrap();
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        last = Some(r);
    }
    times.sort_by(f64::total_cmp);
    let r = last.unwrap();
    println!(
        "classified: new {} · renewal {} · reissue {} · skipped {} · revoked {} · invalid {}",
        r.totals.new,
        r.totals.renewal,
        r.totals.active_time_bound,
        r.totals.active_non_expiring,
        r.totals.revoked,
        r.totals.invalid
    );
    println!(
        "bulk::review, 7 runs: min {:.1} ms, median {:.1} ms, max {:.1} ms (target < 150 ms)",
        times[0], times[3], times[6]
    );
}
