//! Issue-path throughput against raw P-256 signing, in one run.
//!
//! `cargo bench -p issuance --bench issue [-- N]` issues N business
//! credentials (default 2,000) one by one through `credentials::issue`
//! (validation, quota, status slot, VC payload, ES256 signature, SQLite
//! insert, each in its own transaction) against a fresh database file, then
//! signs N payloads of the same size with the raw key, and prints both
//! rates and their ratio.

use std::time::Instant;

#[path = "../tests/support/mod.rs"]
mod support;

use issuance::credentials::{self, IssueRequest, Issuer};
use issuance::orgs::{Plan, organizations};
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use p256::elliptic_curve::Generate;
use serde_json::json;
use support::{PUBLIC_URL, Sandbox};

#[tokio::main]
async fn main() {
    let n: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(2_000);
    let sandbox = Sandbox::new().await;
    let (db, master) = (&sandbox.db, &sandbox.master);
    let org = sandbox.org("Bench", Plan::Enterprise).await;
    organizations::set_quota(db, &org, i64::MAX / 2).await.unwrap();
    let issuer = Issuer { db, master, public_url: PUBLIC_URL, api_key_id: None };

    let started = Instant::now();
    let mut payload_len = 0;
    for i in 0..n {
        let body = json!({
            "credential_type": "business",
            "subject": {"id": format!("biz_{i}"), "type": "organisation", "name": "Bench Ltd"},
            "claims": {"kyb_status": "approved", "verified_at": "2026-05-20T00:00:00Z", "jurisdiction": "US-DE"}
        });
        let request = IssueRequest::parse(&body).unwrap();
        let c = credentials::issue(issuer, &org, request, issuance::clock::now()).await.unwrap();
        payload_len = c.signed_payload.len();
    }
    let issue_secs = started.elapsed().as_secs_f64();

    let key = SigningKey::generate();
    let message = vec![b'x'; payload_len * 3 / 4];
    let started = Instant::now();
    for i in 0..n {
        let mut m = message.clone();
        m[0] = i as u8;
        let _: Signature = key.sign(&m);
    }
    let raw_secs = started.elapsed().as_secs_f64();

    let issue_rate = n as f64 / issue_secs;
    let raw_rate = n as f64 / raw_secs;
    println!("credentials issued:        {n} (signed payload {payload_len} bytes)");
    println!("issue path (1 task):       {issue_rate:>9.0} credentials/s  ({:.3} ms each)", 1000.0 / issue_rate);
    println!("raw p256 ES256 (1 core):   {raw_rate:>9.0} signatures/s   ({:.3} ms each)", 1000.0 / raw_rate);
    println!("ratio issue/raw:           {:>9.2}", issue_rate / raw_rate);
}
