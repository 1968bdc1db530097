//! `POST /v1/credentials/batch-issue` through the real router on loopback.
//!
//! `cargo bench -p laurel --bench batch_issue [-- ITEMS]` boots the server
//! (release build) on a fresh SQLite file with an Enterprise org (no rate
//! cap), then:
//! 1. posts a batch of ITEMS `business` bodies (default 10,000) ten times
//!    and prints p50 and p95 of the time to the 202 answer (the target is
//!    under 200 ms: the answer only validates and writes the job);
//! 2. times the last batch's job to `completed` and a CSV job of the same
//!    size (`POST /v1/bulk-issue`) on the same server, and prints both
//!    throughputs side by side.

use std::time::{Duration, Instant};

use laurel::startup::Application;
use serde_json::{Value, json};

mod support;

#[tokio::main]
async fn main() {
    let items: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(10_000);
    let dir = tempfile::tempdir().unwrap();
    let config = support::config(dir.path(), true);
    let app = Application::build(config).await.expect("the server starts");
    let base = format!("http://{}", app.local_addr());
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());

    let db = &state.db;
    let org = issuance::orgs::organizations::create(db, "Bench Co", issuance::orgs::Plan::Enterprise).await.unwrap().id;
    issuance::orgs::organizations::approve(db, &state.master_key, &org).await.unwrap();
    issuance::orgs::organizations::set_quota(db, &org, 10_000_000).await.unwrap();
    let scopes = [issuance::api_keys::Scope::CredentialsRead, issuance::api_keys::Scope::CredentialsWrite];
    let key = issuance::api_keys::create(db, &org, "bench", &scopes, None).await.unwrap().secret;
    let client = reqwest::Client::new();

    let batch = |run: usize| {
        let credentials: Vec<Value> = (0..items)
            .map(|i| {
                json!({"credential_type": "business",
                       "subject": {"id": format!("biz_{run}_{i}"), "type": "organisation", "name": format!("Business {i}")},
                       "claims": {"kyb_status": "approved", "jurisdiction": "US-DE", "verified_at": "2026-11-01T00:00:00Z"}})
            })
            .collect();
        serde_json::to_vec(&json!({"credentials": credentials})).unwrap()
    };

    const RUNS: usize = 10;
    let mut answers = Vec::with_capacity(RUNS);
    let mut last_job = String::new();
    for run in 0..RUNS {
        let body = batch(run);
        let started = Instant::now();
        let r = client
            .post(format!("{base}/v1/credentials/batch-issue"))
            .header("x-api-key", &key)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let took = started.elapsed();
        assert_eq!(r.status(), 202, "{}", r.text().await.unwrap_or_default());
        last_job = r.json::<Value>().await.unwrap()["job_id"].as_str().unwrap().to_owned();
        answers.push(took);
        // Let the jobs before the last one finish so each answer is timed alone.
        if run + 1 < RUNS {
            wait(db, &last_job).await;
        }
    }
    let batch_started = Instant::now();
    wait(db, &last_job).await;
    let batch_secs = batch_started.elapsed().as_secs_f64();
    answers.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let (p50, p95) = (answers[RUNS / 2], answers[(RUNS * 95).div_ceil(100) - 1]);

    // A CSV job of the same size, on the same server.
    let badge = issuance::badges::create(
        db,
        &org,
        issuance::badges::NewBadge {
            name: "Bench".into(),
            description: String::new(),
            criteria_narrative: String::new(),
            image_url: None,
            validity_days: Some(365),
        },
        None,
    )
    .await
    .unwrap()
    .id;
    let mut csv = String::from("name,email\n");
    for i in 0..items {
        csv.push_str(&format!("Person {i},person{i}@example.com\n"));
    }
    let started = Instant::now();
    let r = client
        .post(format!("{base}/v1/bulk-issue?badge_id={badge}"))
        .header("x-api-key", &key)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let csv_job = r.json::<Value>().await.unwrap()["job_id"].as_str().unwrap().to_owned();
    wait(db, &csv_job).await;
    let csv_secs = started.elapsed().as_secs_f64();

    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    println!("batch-issue, {items} business items, {RUNS} runs, {cores} cores (release)");
    println!("  202 answer:  p50 {:.1} ms   p95 {:.1} ms   (max {:.1} ms)", ms(p50), ms(p95), ms(answers[RUNS - 1]));
    println!(
        "  JSON batch job: {:.0} credentials/s ({items} in {:.2} s, from the 202 to completed)",
        items as f64 / batch_secs,
        batch_secs
    );
    println!(
        "  CSV job:        {:.0} credentials/s ({items} in {:.2} s, from the POST to completed)",
        items as f64 / csv_secs,
        csv_secs
    );
}

async fn wait(db: &issuance::db::Db, job: &str) {
    loop {
        let status: String =
            sqlx::query_scalar("SELECT status FROM jobs WHERE id = $1").bind(job).fetch_one(db).await.unwrap();
        if status == "completed" {
            return;
        }
        assert_ne!(status, "failed", "job {job} failed");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}
