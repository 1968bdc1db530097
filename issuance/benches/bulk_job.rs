//! A bulk job end to end against raw P-256 signing on every core, in one
//! run.
//!
//! `cargo bench -p issuance --bench bulk_job [-- ROWS]` creates an
//! Enterprise org (uncapped) and a badge in a fresh SQLite file, uploads a
//! CSV of ROWS recipients (default 10,000), starts the job engine, and
//! times from Submit (review, job and items written) until the job is
//! completed: every credential signed, stored with its status slot, its
//! e-mail queued and its row recorded. Then it signs ROWS JWS inputs of the
//! same size with the raw key on every core, and prints both rates, their
//! ratio and the process's peak resident memory.

use std::time::{Duration, Instant};

#[path = "../tests/support/mod.rs"]
mod support;

use issuance::bulk::uploads;
use issuance::jobs::engine::{self, EngineConfig};
use issuance::keys::MasterKey;
use issuance::orgs::{Plan, organizations};
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use p256::elliptic_curve::Generate;
use support::{PUBLIC_URL, Sandbox, recipients_csv};

#[tokio::main]
async fn main() {
    // RUST_LOG=issuance=debug shows each batch's lease, sign and write times.
    tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::from_default_env()).init();
    let rows: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(10_000);
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let sandbox = Sandbox::new().await;
    let (db, master) = (sandbox.db.clone(), sandbox.master.clone());
    let org = sandbox.org("Bench Academy", Plan::Enterprise).await;
    organizations::set_quota(&db, &org, 1_000_000).await.unwrap();
    let owner = sandbox.user("owner@bench.test").await;
    let badge = sandbox.badge(&org, "Bench Certified", Some(365)).await;
    let csv = recipients_csv(rows, "example.com");
    let upload = uploads::create(&db, &org, Some(&badge), Some("bench.csv"), csv.as_bytes(), &owner).await.unwrap();
    let engine = engine::spawn(db.clone(), master.clone(), PUBLIC_URL, EngineConfig::default());
    let rss_before = peak_rss_kib();

    let cpu_before = cpu_secs();
    let started = Instant::now();
    let submitted =
        issuance::jobs::submit::submit(&db, &org, &upload, &owner, Default::default(), issuance::clock::now())
            .await
            .unwrap();
    let accepted = started.elapsed();
    loop {
        let status: String = sqlx::query_scalar("SELECT status FROM jobs WHERE id = $1")
            .bind(&submitted.job_id)
            .fetch_one(&db)
            .await
            .unwrap();
        if status == "completed" || status == "failed" {
            assert_eq!(status, "completed");
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let job_secs = started.elapsed().as_secs_f64();
    let job_cpu = cpu_secs() - cpu_before;
    engine.stop().await;
    let (issued, payload_len): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), MAX(LENGTH(signed_payload)) FROM credentials WHERE job_id = $1")
            .bind(&submitted.job_id)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(issued as usize, rows, "every row issued once");
    let rss_peak = peak_rss_kib();

    // The same signing work, raw: one key, inputs of the JWS signing-input
    // size (header.payload, about three quarters of the token), every core.
    let key = SigningKey::generate();
    let input = vec![b'x'; payload_len as usize * 3 / 4];
    let cpu_before = cpu_secs();
    let started = Instant::now();
    std::thread::scope(|s| {
        for t in 0..cores {
            let (key, input) = (&key, &input);
            s.spawn(move || {
                let mut m = input.clone();
                for i in (t..rows).step_by(cores) {
                    m[..8].copy_from_slice(&(i as u64).to_le_bytes());
                    let _: Signature = key.sign(&m);
                }
            });
        }
    });
    let raw_secs = started.elapsed().as_secs_f64();
    let raw_cpu = cpu_secs() - cpu_before;

    // The signing stage alone, one thread: building each credential's JSON
    // and signing it, without the database.
    let (key_id, engine_key) = {
        let mut conn = db.acquire().await.unwrap();
        issuance::keys::active(&mut conn, &master, &org).await.unwrap()
    };
    let sample = 2_000.min(rows);
    let batch = issuance::jobs::lease::Batch {
        job_id: "job_sample".into(),
        org_id: org.clone(),
        org_name: organizations::get(&db, &org).await.unwrap().name,
        badge: Some(issuance::badges::get(&db, &org, &badge).await.unwrap()),
        key_id,
        key: engine_key,
        lease_token: "sample".into(),
        issued_at: issuance::clock::now(),
        delivers_email: false,
        duplicate_policy: Default::default(),
        revocation: None,
        items: (0..sample)
            .map(|i| issuance::jobs::lease::LeasedItem {
                idx: i as i64,
                name: format!("Recipient {i}"),
                email: format!("recipient{i}@example.com"),
                credential_id: issuance::ids::new_id("cred"),
                slot: issuance::status_list::Slot { list_id: "sl_sample".into(), index: i as u32 },
                request: None,
                award_json: None,
                expires_at: None,
            })
            .collect(),
    };
    let started = Instant::now();
    let signed = issuance::jobs::sign::sign_batch(&batch, PUBLIC_URL, 1);
    let stage_us = started.elapsed().as_secs_f64() / sample as f64 * 1e6;
    assert!(signed.iter().all(Result::is_ok));

    // Where the time goes: a second job of as many new recipients, its
    // stages run one after another on one thread (no engine), each timed in
    // process CPU. With signing at raw speed, the other stages show how
    // much room the target leaves.
    let stages = stage_costs(&db, &master, &org, &badge, &owner, rows).await;

    let job_rate = rows as f64 / job_secs;
    let raw_rate = rows as f64 / raw_secs;
    println!("rows:                         {rows} (Enterprise, uncapped; signed credential {payload_len} bytes)");
    println!(
        "submit answered in:           {:>9.1} ms (review, job and {rows} items written)",
        accepted.as_secs_f64() * 1e3
    );
    println!("submit to completed:          {:>9.2} s", job_secs);
    println!("bulk job:                     {job_rate:>9.0} credentials/s");
    println!("raw p256 ES256 ({cores} cores):    {raw_rate:>9.0} signatures/s");
    println!("ratio job/raw:                {:>9.2}  (target >= 0.70)", job_rate / raw_rate);
    println!(
        "CPU per credential:           {:>9.1} µs job, {:.1} µs raw signature (CPU ratio {:.2}; wall ratio is lower when cores idle)",
        job_cpu / rows as f64 * 1e6,
        raw_cpu / rows as f64 * 1e6,
        raw_cpu / job_cpu
    );
    println!("signing stage alone (1 thread): {stage_us:>7.1} µs per credential (JSON, base64, signature)");
    let total: f64 = stages.iter().map(|(_, us)| us).sum();
    println!("stages one at a time (CPU µs per credential, 1 thread, {rows} new recipients):");
    for (name, us) in &stages {
        println!("  {name:<26} {us:>7.1}");
    }
    println!(
        "  {:<26} {total:>7.1}  -> best ratio with both cores always busy: {:.2}",
        "total",
        raw_cpu / rows as f64 * 1e6 / total
    );
    println!(
        "peak resident memory:         {:>9.1} MB  (before submit {:.1} MB; target < 200 MB)",
        rss_peak as f64 / 1024.0,
        rss_before as f64 / 1024.0
    );
}

/// Runs a job's stages by hand, one after another, and returns each
/// stage's process CPU per credential in µs.
async fn stage_costs(
    db: &issuance::db::Db,
    master: &MasterKey,
    org_id: &str,
    badge_id: &str,
    owner_id: &str,
    rows: usize,
) -> Vec<(&'static str, f64)> {
    use issuance::jobs::lease::{Claim, ClaimLimits, claim};
    let csv = recipients_csv(rows, "second.example.com");
    let upload =
        uploads::create(db, org_id, Some(badge_id), Some("stages.csv"), csv.as_bytes(), owner_id).await.unwrap();
    let per_row = |secs: f64| secs / rows as f64 * 1e6;

    let before = cpu_secs();
    let job = issuance::jobs::submit::submit(db, org_id, &upload, owner_id, Default::default(), issuance::clock::now())
        .await
        .unwrap()
        .job_id;
    let submit = per_row(cpu_secs() - before);
    sqlx::query("UPDATE jobs SET status = 'processing' WHERE id = $1").bind(&job).execute(db).await.unwrap();

    let limits = ClaimLimits {
        max_items: EngineConfig::default().batch_size,
        lease: Duration::from_secs(600),
        per_sec: None,
        delivers_email: false,
    };
    let (mut lease, mut sign, mut record) = (0.0, 0.0, 0.0);
    loop {
        let before = cpu_secs();
        let now_ms = issuance::clock::now() * 1000;
        let Claim::Batch(batch) = claim(db, master, &job, "stages", &limits, now_ms).await.unwrap() else { break };
        let leased = cpu_secs();
        let signed = issuance::jobs::sign::sign_batch(&batch, PUBLIC_URL, 1);
        let signed_at = cpu_secs();
        let done = issuance::jobs::record::record(db, &batch, &signed, PUBLIC_URL).await.unwrap();
        assert!(!done.lease_lost);
        (lease, sign, record) = (lease + leased - before, sign + signed_at - leased, record + cpu_secs() - signed_at);
    }
    let before = cpu_secs();
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(db).await.unwrap();
    let checkpoint = cpu_secs() - before;
    vec![
        ("submit (review, items)", submit),
        ("lease", per_row(lease)),
        ("sign (JSON, base64, ES256)", per_row(sign)),
        ("record (one tx per batch)", per_row(record)),
        ("WAL checkpoint", per_row(checkpoint)),
    ]
}

/// The process's peak resident set (VmHWM), in KiB.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// User plus system CPU time of the whole process so far, in seconds.
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) start at ')'.
    let fields: Vec<&str> = stat.rsplit_once(')').map(|(_, r)| r.split_whitespace().collect()).unwrap_or_default();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}
