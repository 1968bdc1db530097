//! Several `laurel serve` processes on one database, as behind a load
//! balancer: they share a job's rows without issuing any twice, one can be
//! SIGKILLed mid-job while another finishes it, and a web-only process
//! streams the counts of a job another process runs. On the suite's
//! PostgreSQL run this is several processes on one PostgreSQL; on its
//! SQLite run, several processes on one file.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use issuance::api_keys::{self, Scope};
use issuance::db::Db;
use issuance::jobs::lease::{self, Claim, ClaimLimits};
use issuance::keys::MasterKey;
use issuance::orgs::{Plan, Role, organizations};
use reqwest::StatusCode;
use serde_json::Value;
use tokio::process::Child;

use crate::helpers::{TEST_MASTER_KEY, TestApp, fresh_database_url, html};

/// One database, an approved org on `plan` with a badge, an owner who can
/// sign in, and a read-write API key; the processes are started per test.
struct Shared {
    dir: tempfile::TempDir,
    db_url: String,
    db: Db,
    org: String,
    badge: String,
    key: String,
}

async fn shared(plan: Plan) -> Shared {
    let dir = tempfile::tempdir().unwrap();
    let db_url = fresh_database_url(dir.path()).await;
    let db = issuance::db::connect(&db_url).await.unwrap();
    let master = MasterKey::from_base64(TEST_MASTER_KEY).unwrap();
    let org = organizations::create(&db, "Scale Co", plan).await.unwrap().id;
    organizations::approve(&db, &master, &org).await.unwrap();
    organizations::set_quota(&db, &org, 1_000_000).await.unwrap();
    let app = TestApp::for_process("http://unused", &db_url, db.clone());
    let badge = crate::helpers::badge(&app, &org, "Shared Load").await;
    app.member(&org, "owner@scale.test", Role::Owner).await;
    let key = api_keys::create(&db, &org, "loader", &[Scope::CredentialsRead, Scope::CredentialsWrite], None)
        .await
        .unwrap()
        .secret;
    Shared { dir, db_url, db, org, badge, key }
}

/// A `laurel serve` process on the shared database; `workers: false` is a
/// web-only process (`LAUREL_WORKERS=off`).
struct Process {
    base: String,
    child: Child,
}

async fn start(s: &Shared, workers: bool) -> Process {
    let port = crate::helpers::free_port();
    let child = crate::helpers::laurel_serve(
        s.dir.path(),
        &s.db_url,
        port,
        &[
            ("LAUREL_WORKERS", if workers { "on" } else { "off" }),
            // Professional orgs at 150 a second: a job of hundreds takes seconds.
            ("LAUREL_RATE_PROFESSIONAL", "150"),
        ],
    );
    let base = format!("http://127.0.0.1:{port}");
    crate::helpers::until_serving(&base).await;
    Process { base, child }
}

impl Process {
    fn app(&self, s: &Shared) -> TestApp {
        TestApp::for_process(&self.base, &s.db_url, s.db.clone())
    }

    /// Submits a CSV of `rows` new recipients through this process's API.
    async fn submit(&self, s: &Shared, rows: usize) -> String {
        let mut csv = String::from("name,email\n");
        for i in 0..rows {
            csv.push_str(&format!("Person {i},person{i}@scale.test\n"));
        }
        let r = reqwest::Client::new()
            .post(format!("{}/v1/bulk-issue?badge_id={}", self.base, s.badge))
            .header("x-api-key", &s.key)
            .header("content-type", "text/csv")
            .body(csv)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::ACCEPTED);
        r.json::<Value>().await.unwrap()["job_id"].as_str().unwrap().to_owned()
    }
}

async fn counts(db: &Db, job: &str) -> (String, i64, i64, i64, i64) {
    sqlx::query_as("SELECT status, total, processed, succeeded, failed FROM jobs WHERE id = $1")
        .bind(job)
        .fetch_one(db)
        .await
        .unwrap()
}

async fn scalar(db: &Db, sql: &str, bind: &str) -> i64 {
    sqlx::query_scalar(sql).bind(bind).fetch_one(db).await.unwrap()
}

async fn wait_until_finished(db: &Db, job: &str, within: Duration) -> (String, i64, i64, i64, i64) {
    let deadline = Instant::now() + within;
    loop {
        let c = counts(db, job).await;
        if c.0 != "pending" && c.0 != "processing" {
            return c;
        }
        assert!(Instant::now() < deadline, "the job did not finish: {c:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

const ROWS: usize = 20_000;

#[tokio::test]
async fn a_job_of_20000_rows_survives_the_kill_of_one_process_and_the_other_finishes_it_exactly_once() {
    let s = shared(Plan::Enterprise).await;
    let mut a = start(&s, true).await;
    let b = start(&s, true).await;
    let job = a.submit(&s, ROWS).await;

    // Both processes lease the job's rows side by side: each lease carries
    // its worker's token (`wrk_…/run_…`), one worker per process.
    let mut workers = HashSet::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    let at_kill = loop {
        let owners: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT lease_owner FROM job_items WHERE job_id = $1 AND lease_owner IS NOT NULL",
        )
        .bind(&job)
        .fetch_all(&s.db)
        .await
        .unwrap();
        workers.extend(owners.iter().filter_map(|o| o.split('/').next().map(str::to_owned)));
        let (_, _, processed, ..) = counts(&s.db, &job).await;
        if workers.len() >= 2 && processed >= (ROWS / 4) as i64 {
            a.child.start_kill().expect("SIGKILL sent");
            a.child.wait().await.unwrap();
            break processed;
        }
        assert!(processed < (ROWS * 3 / 4) as i64, "both processes should have leased rows by now: {workers:?}");
        assert!(Instant::now() < deadline, "the job made no progress");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let (status, ..) = counts(&s.db, &job).await;
    assert_eq!(status, "processing", "killed mid-job, at {at_kill} of {ROWS}");

    // The survivor takes over the dead process's leases when they expire.
    let (status, total, processed, succeeded, failed) =
        wait_until_finished(&s.db, &job, Duration::from_secs(300)).await;
    assert_eq!(status, "completed");
    assert_eq!((total, processed, succeeded, failed), (ROWS as i64, ROWS as i64, ROWS as i64, 0));

    // Exactly one credential per row, each for the row's recipient.
    let issued = scalar(&s.db, "SELECT COUNT(*) FROM credentials WHERE job_id = $1", &job).await;
    let recipients =
        scalar(&s.db, "SELECT COUNT(DISTINCT recipient_email) FROM credentials WHERE job_id = $1", &job).await;
    assert_eq!((issued, recipients), (ROWS as i64, ROWS as i64));
    let matched = scalar(
        &s.db,
        "SELECT COUNT(*) FROM job_items i JOIN credentials c ON c.id = i.credential_id AND c.job_id = i.job_id
         WHERE i.job_id = $1 AND i.state = 'succeeded' AND c.recipient_email = i.email",
        &job,
    )
    .await;
    assert_eq!(matched, ROWS as i64);
    // No status slot used twice.
    let reused = scalar(
        &s.db,
        "SELECT COUNT(*) FROM (SELECT status_list_id, status_list_index FROM credentials WHERE org_id = $1
                               GROUP BY status_list_id, status_list_index HAVING COUNT(*) > 1) AS dup",
        &s.org,
    )
    .await;
    assert_eq!(reused, 0);
    // One e-mail per credential, and the org's running totals agree.
    assert_eq!(scalar(&s.db, "SELECT COUNT(*) FROM outbox WHERE job_id = $1", &job).await, ROWS as i64);
    let tally = scalar(&s.db, "SELECT n FROM org_tallies WHERE org_id = $1 AND tally = 'credentials'", &s.org).await;
    assert_eq!(tally, ROWS as i64);

    // The survivor serves the dashboard: sign-in and the job's page.
    let survivor = b.app(&s);
    let owner = survivor.signed_in("owner@scale.test").await;
    let page = html(&survivor, &owner, &format!("/organizations/{}/jobs/{job}", s.org)).await;
    assert!(page.contains("data-job-status=\"completed\""), "the job page on the survivor says completed");
    assert!(page.contains("20,000") || page.contains("20000"), "the job page shows the row count");
}

#[tokio::test]
async fn two_processes_leasing_one_job_at_the_same_moment_never_lease_the_same_row() {
    let s = shared(Plan::Enterprise).await;
    // Submitted through a web-only process, so no worker touches it but ours.
    let web = start(&s, false).await;
    let job = web.submit(&s, 3_000).await;
    lease::promote(&s.db, issuance::clock::now()).await.unwrap();

    // Two pools, as two processes have: each claims 50 rows at a time, both
    // released together every round, until nothing is left to lease.
    let master = MasterKey::from_base64(TEST_MASTER_KEY).unwrap();
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(2));
    let mut claimers = Vec::new();
    for n in 0..2 {
        let db = issuance::db::connect(&s.db_url).await.unwrap();
        let (job, master, barrier) = (job.clone(), master.clone(), barrier.clone());
        claimers.push(tokio::spawn(async move {
            let limits =
                ClaimLimits { max_items: 50, lease: Duration::from_secs(600), per_sec: None, delivers_email: false };
            let mut leased = Vec::new();
            loop {
                barrier.wait().await;
                let now_ms = issuance::clock::now_ms();
                let got = match lease::claim(&db, &master, &job, &format!("proc{n}/run"), &limits, now_ms).await {
                    Ok(Claim::Batch(batch)) => batch.items.iter().map(|i| i.idx).collect::<Vec<_>>(),
                    Ok(_) => Vec::new(),
                    Err(e) => panic!("claim failed: {e:?}"),
                };
                let done = got.is_empty();
                leased.extend(got);
                // Both decide together whether to go on.
                barrier.wait().await;
                if done {
                    return leased;
                }
            }
        }));
    }
    let mut seen = HashSet::new();
    let mut per_process = Vec::new();
    for c in claimers {
        let leased = c.await.unwrap();
        per_process.push(leased.len());
        for idx in leased {
            assert!(seen.insert(idx), "row {idx} was leased by both processes");
        }
    }
    assert_eq!(seen.len(), 3_000, "every row was leased once: {per_process:?}");
    assert!(per_process.iter().all(|n| *n > 0), "both processes got rows: {per_process:?}");
}

#[tokio::test]
async fn a_web_only_process_streams_the_counts_of_a_job_that_another_process_runs() {
    let s = shared(Plan::Professional).await;
    let worker = start(&s, true).await;
    let web = start(&s, false).await;
    // Submitted to the web-only process; only the other one can run it.
    let job = web.submit(&s, 600).await;

    let app = web.app(&s);
    let owner = app.signed_in("owner@scale.test").await;
    let r = owner.get(app.url(&format!("/organizations/{}/jobs/{job}/events", s.org))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let snapshots = crate::job_pages::read_events(r).await;
    let succeeded: Vec<i64> = snapshots.iter().map(|s| s["succeeded"].as_i64().unwrap()).collect();
    assert!(
        snapshots.iter().filter(|s| s["status"] == "processing").count() >= 3,
        "several snapshots while the other process works: {succeeded:?}"
    );
    assert!(succeeded.windows(2).all(|w| w[0] <= w[1]), "counts never go back: {succeeded:?}");
    let last = snapshots.last().unwrap();
    assert_eq!((last["status"].as_str(), last["succeeded"].as_i64()), (Some("completed"), Some(600)));
    drop(worker);
}

#[tokio::test]
async fn an_orgs_job_limit_and_throughput_cap_hold_across_two_processes() {
    let s = shared(Plan::Professional).await;
    let a = start(&s, true).await;
    let _b = start(&s, true).await;
    const JOBS: usize = 12;
    const ROWS_EACH: usize = 100;
    let started = Instant::now();
    let mut jobs = Vec::new();
    for _ in 0..JOBS {
        jobs.push(a.submit(&s, ROWS_EACH).await);
    }

    // At most ten processing at any moment, whichever process promoted
    // them; with twelve submitted at once, some wait.
    let (mut most, mut waited) = (0, false);
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (processing, pending, open): (i64, i64, i64) = sqlx::query_as(
            "SELECT COUNT(*) FILTER (WHERE status = 'processing'), COUNT(*) FILTER (WHERE status = 'pending'),
                    COUNT(*) FILTER (WHERE status IN ('pending', 'processing'))
             FROM jobs WHERE org_id = $1",
        )
        .bind(&s.org)
        .fetch_one(&s.db)
        .await
        .unwrap();
        assert!(processing <= 10, "{processing} jobs processing at once");
        most = most.max(processing);
        waited |= processing == 10 && pending > 0;
        if open == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "the jobs did not finish");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(waited, "jobs beyond the tenth waited (at most {most} processing)");
    for job in &jobs {
        assert_eq!(counts(&s.db, job).await.0, "completed");
    }

    // 1,200 credentials at the org's 150 a second take at least 7.5 s less
    // one burst allowance per process; two processes each keeping their own
    // cap would have taken half that.
    let least = (JOBS * ROWS_EACH - 2 * 38) as f64 / 150.0;
    let took = started.elapsed().as_secs_f64();
    assert!(took >= least, "the cap is the org's, not each process's: {took:.1} s < {least:.1} s");
}
