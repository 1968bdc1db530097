//! Faults from outside: a full disk, a database held by someone else or
//! cut off, and a webhook receiver that never answers. Each gives a clear
//! error or waits and resumes, and nothing is lost. (An SMTP server that
//! is down is `email_delivery::an_unreachable_smtp_server_leaves_…`; a
//! process killed mid-job is `crash_recovery`.)

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use issuance::api_keys::Scope;
use issuance::badges::{self, NewBadge};
use issuance::bulk::uploads;
use issuance::db::Db;
use issuance::keys::MasterKey;
use issuance::orgs::{Plan, organizations};
use reqwest::StatusCode;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{TEST_MASTER_KEY, free_port, json, laurel_serve, spawn_app_with, until_serving};

/// One fault at a time: each test starves or locks what it runs on, and
/// two at once would measure each other.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// An approved org with a badge and a submitted job of `rows` rows, and
/// an API key; returns (org, badge, job, key).
async fn org_with_job(db: &Db, rows: usize) -> (String, String, String, String) {
    let master = MasterKey::from_base64(TEST_MASTER_KEY).unwrap();
    let org = organizations::create(db, "Faulty Academy", Plan::Professional).await.unwrap().id;
    organizations::approve(db, &master, &org).await.unwrap();
    organizations::set_quota(db, &org, 100_000).await.unwrap();
    let email = issuance::email::EmailAddress::parse("owner@faults.test").unwrap();
    let owner = issuance::accounts::users::create(db, &email, "Owner", "x").await.unwrap().id;
    let new = NewBadge { name: "Steady".into(), validity_days: Some(365), ..NewBadge::default() };
    let badge = badges::create(db, &org, new, None).await.unwrap().id;
    let mut csv = String::from("name,email\n");
    for i in 0..rows {
        csv.push_str(&format!("Person {i},person{i}@faults.test\n"));
    }
    let upload = uploads::create(db, &org, Some(&badge), Some("f.csv"), csv.as_bytes(), &owner).await.unwrap();
    let job = issuance::jobs::submit::submit(db, &org, &upload, &owner, Default::default(), issuance::clock::now())
        .await
        .unwrap()
        .job_id;
    let key = issuance::api_keys::create(db, &org, "k", &[Scope::CredentialsRead, Scope::CredentialsWrite], None)
        .await
        .unwrap()
        .secret;
    (org, badge, job, key)
}

async fn job_counts(db: &Db, job: &str) -> (String, i64, i64) {
    sqlx::query_as("SELECT status, succeeded, failed FROM jobs WHERE id = $1").bind(job).fetch_one(db).await.unwrap()
}

async fn until_job_done(db: &Db, job: &str, within: Duration) -> (String, i64, i64) {
    let deadline = Instant::now() + within;
    loop {
        let c = job_counts(db, job).await;
        if c.0 != "processing" && c.0 != "pending" {
            return c;
        }
        assert!(Instant::now() < deadline, "job {job} did not finish: {c:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits for the job to complete and checks it issued every row, each once.
async fn completes_with_one_credential_per_row(db: &Db, job: &str, rows: usize) {
    let (status, succeeded, failed) = until_job_done(db, job, Duration::from_secs(120)).await;
    assert_eq!((status.as_str(), succeeded, failed), ("completed", rows as i64, 0));
    let (credentials, people): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), COUNT(DISTINCT recipient_email) FROM credentials WHERE job_id = $1")
            .bind(job)
            .fetch_one(db)
            .await
            .unwrap();
    assert_eq!((credentials, people), (rows as i64, rows as i64), "one credential per row");
}

async fn credentials_for(db: &Db, email: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM credentials WHERE recipient_email = $1")
        .bind(email)
        .fetch_one(db)
        .await
        .unwrap()
}

async fn issue(base: &str, key: &str, badge: &str, email: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{base}/v1/credentials"))
        .header("x-api-key", key)
        .json(&json!({"credential_type": "badge", "badge_id": badge, "recipient": {"name": "Late", "email": email}}))
        .send()
        .await
        .unwrap()
}

/// A small tmpfs, unmounted when dropped (the tests run as root, as
/// `scripts/test` does on these machines).
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(dir: &Path, megabytes: u32) -> SmallDisk {
        let out = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(dir)
            .output()
            .expect("mount runs");
        assert!(out.status.success(), "mounting a tmpfs needs root: {}", String::from_utf8_lossy(&out.stderr));
        SmallDisk(dir.to_owned())
    }

    /// Writes a file until the disk refuses; returns its path.
    fn fill(&self) -> PathBuf {
        use std::io::Write;
        let path = self.0.join("filler");
        let mut f = std::fs::File::create(&path).unwrap();
        let block = vec![0u8; 64 * 1024];
        while f.write_all(&block).and_then(|_| f.sync_data()).is_ok() {}
        path
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[tokio::test]
async fn a_full_disk_refuses_issuing_as_storage_full_half_writes_nothing_and_the_job_resumes_once_space_is_freed() {
    let _one = ONE_AT_A_TIME.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let disk = SmallDisk::mount(dir.path(), 48);
    let url = format!("sqlite://{}/laurel.db", dir.path().display());
    let db = issuance::db::connect(&url).await.unwrap();
    const ROWS: usize = 1_000;
    let (_, badge, job, key) = org_with_job(&db, ROWS).await;
    let port = free_port();
    let mut server = laurel_serve(dir.path(), &url, port, &[("LAUREL_RATE_PROFESSIONAL", "200")]);
    let base = format!("http://127.0.0.1:{port}");
    until_serving(&base).await;
    let deadline = Instant::now() + Duration::from_secs(60);
    while job_counts(&db, &job).await.1 < 50 {
        assert!(Instant::now() < deadline, "the job made no progress");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let filler = disk.fill();
    // SQLite reuses space it already holds (a checkpointed WAL restarts
    // from its first frame, freed pages are reused), so a write right after
    // the disk fills may still fit, and then it must really be saved. Keep
    // issuing until a write needs space the disk no longer has.
    let mut saved = Vec::new();
    let refused = loop {
        let email = format!("during-{}@faults.test", saved.len());
        let r = issue(&base, &key, &badge, &email).await;
        if r.status() == StatusCode::CREATED {
            assert!(saved.len() < 150, "150 issues on a full disk were all accepted");
            saved.push(email);
            continue;
        }
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(r.headers().contains_key("retry-after"));
        let (_, body) = json(r).await;
        assert_eq!(body["error"]["code"], "storage_full", "{body}");
        assert!(body["error"]["message"].as_str().unwrap().contains("nothing was saved"), "{body}");
        break email;
    };
    assert!(server.try_wait().unwrap().is_none(), "the server keeps running on a full disk");

    // Nothing half-written: every credential the job made belongs to a
    // row marked issued, each accepted request has its credential, and the
    // refused one made none.
    let (issued, rows_issued): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(DISTINCT recipient_email) FROM credentials WHERE job_id = $1),
                (SELECT COUNT(*) FROM job_items WHERE job_id = $1 AND state = 'succeeded')",
    )
    .bind(&job)
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(issued, rows_issued, "each issued row has exactly its credential");
    for email in &saved {
        assert_eq!(credentials_for(&db, email).await, 1, "{email} was answered 201 and is stored once");
    }
    assert_eq!(credentials_for(&db, &refused).await, 0, "the refused request left nothing behind");

    // Space comes back: the same process takes up the job where it
    // stopped and issues every row once, and issuing works again.
    std::fs::remove_file(filler).unwrap();
    completes_with_one_credential_per_row(&db, &job, ROWS).await;
    let r = issue(&base, &key, &badge, "after@faults.test").await;
    assert_eq!(r.status(), StatusCode::CREATED, "issuing works again once space is freed");
    server.start_kill().unwrap();
    server.wait().await.unwrap();
    db.close().await;
}

#[tokio::test]
async fn a_database_locked_by_another_process_for_seconds_makes_requests_and_the_job_wait_then_go_through() {
    let _one = ONE_AT_A_TIME.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("laurel.db");
    let url = format!("sqlite://{}", path.display());
    let db = issuance::db::connect(&url).await.unwrap();
    const ROWS: usize = 600;
    let (_, badge, job, key) = org_with_job(&db, ROWS).await;
    let port = free_port();
    let _server = laurel_serve(dir.path(), &url, port, &[("LAUREL_RATE_PROFESSIONAL", "200")]);
    let base = format!("http://127.0.0.1:{port}");
    until_serving(&base).await;

    // Another process (Python's sqlite3) takes the write lock for 3 s, as
    // a backup tool or a person with the sqlite3 shell might.
    let mut holder = tokio::process::Command::new("python3")
        .args([
            "-c",
            "import sqlite3, sys, time\n\
             c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)\n\
             c.execute('BEGIN EXCLUSIVE')\n\
             print('locked', flush=True)\n\
             time.sleep(3)\n\
             c.execute('COMMIT')\n",
            &path.display().to_string(),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut said = [0u8; 6];
    let mut stdout = holder.stdout.take().unwrap();
    stdout.read_exact(&mut said).await.unwrap();
    assert_eq!(&said, b"locked");
    // Writers wait for the lock (up to LAUREL_DB_STATEMENT_TIMEOUT_MS, 30 s
    // by default; past it they answer 503 `database_busy`).
    let r = issue(&base, &key, &badge, "during@faults.test").await;
    assert_eq!(r.status(), StatusCode::CREATED, "the request waited for the lock, then went through");
    let held = holder.wait_with_output().await.unwrap();
    assert!(held.status.success(), "the lock holder: {}", String::from_utf8_lossy(&held.stderr));

    // The job waited too, and runs on to its end: every row issued once.
    completes_with_one_credential_per_row(&db, &job, ROWS).await;
}

#[tokio::test]
async fn postgresql_connections_cut_mid_job_are_reopened_and_the_job_issues_every_row_once() {
    let _one = ONE_AT_A_TIME.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let url = crate::helpers::fresh_database_url(dir.path()).await;
    if !url.starts_with("postgres") {
        // SQLite has no connections to cut; the test above holds its lock instead.
        return;
    }
    let db = issuance::db::connect(&url).await.unwrap();
    const ROWS: usize = 1_000;
    let (_, _, job, _) = org_with_job(&db, ROWS).await;
    let port = free_port();
    let _server = laurel_serve(dir.path(), &url, port, &[("LAUREL_RATE_PROFESSIONAL", "300")]);
    until_serving(&format!("http://127.0.0.1:{port}")).await;
    while job_counts(&db, &job).await.1 < 50 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // For two seconds, every connection of the server to its database is
    // terminated as soon as it is seen, as a failover or restart would.
    let admin = issuance::db::connect(&url).await.unwrap();
    let until = Instant::now() + Duration::from_secs(2);
    let mut cut = 0i64;
    while Instant::now() < until {
        cut += sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()) t",
        )
        .fetch_one(&admin)
        .await
        .unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(cut > 0, "connections were cut");
    let (status, succeeded, failed) = until_job_done(&admin, &job, Duration::from_secs(90)).await;
    assert_eq!((status.as_str(), succeeded, failed), ("completed", ROWS as i64, 0));
    let issued: i64 = sqlx::query_scalar("SELECT COUNT(DISTINCT recipient_email) FROM credentials WHERE job_id = $1")
        .bind(&job)
        .fetch_one(&admin)
        .await
        .unwrap();
    assert_eq!(issued, ROWS as i64);
}

/// The stream's newest delivery, as the API lists it.
async fn latest_delivery(app: &crate::helpers::TestApp, key: &str, stream: &str) -> serde_json::Value {
    json(app.get_json(&format!("/v1/audit/streams/{stream}"), key).await).await.1["recent_deliveries"][0].clone()
}

/// A receiver that accepts connections and says nothing until `answer`
/// is set, then answers 204 to everything.
async fn silent_receiver(answer: std::sync::Arc<std::sync::atomic::AtomicBool>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                let _ = socket.read(&mut buf).await;
                if answer.load(std::sync::atomic::Ordering::SeqCst) {
                    let _ = socket.write_all(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n").await;
                } else {
                    // Holds the connection open, answering nothing.
                    tokio::time::sleep(Duration::from_secs(120)).await;
                }
            });
        }
    });
    url
}

#[tokio::test]
async fn a_webhook_receiver_that_hangs_fails_its_attempt_holds_up_no_one_else_and_gets_its_event_later() {
    let _one = ONE_AT_A_TIME.lock().await;
    let app = spawn_app_with(|c| {
        c.webhook_timeout_ms = 500;
        c.webhook_retry_ms = 300;
    })
    .await;
    let org = app.org("Acme", Plan::Professional).await;
    let key = app
        .api_key(&org, &[Scope::CredentialsRead, Scope::CredentialsWrite, Scope::WebhooksRead, Scope::WebhooksWrite])
        .await;
    let answer = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let hanging = silent_receiver(answer.clone()).await;
    let (mut healthy, mut stdin) = crate::audit_streams::Receiver::start(0).await;
    let (hanging_id, _) = crate::audit_streams::stream(&app, &key, &hanging, json!(["credential.issued"])).await;
    let (_, secret) = crate::audit_streams::stream(&app, &key, &healthy.url, json!(["credential.issued"])).await;
    stdin.write_all(format!("{secret}\n").as_bytes()).await.unwrap();

    let (status, c) = json(app.post_json("/v1/credentials", &key, crate::helpers::business()).await).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let got = healthy.next().await;
    assert_eq!(got["verified"], true, "{got}");
    assert_eq!(got["payload"]["data"]["credential_id"], c["id"], "the healthy receiver is not held up: {got}");

    let deadline = Instant::now() + Duration::from_secs(30);
    let failed_once = loop {
        let d = latest_delivery(&app, &key, &hanging_id).await;
        if d["attempts"].as_i64().unwrap_or(0) >= 1 && d["status"] == "pending" {
            break d;
        }
        assert!(Instant::now() < deadline, "the hanging delivery was never given up on: {d}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(failed_once["last_error"].as_str().unwrap_or_default().contains("No answer within"), "{failed_once}");

    answer.store(true, std::sync::atomic::Ordering::SeqCst);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let d = latest_delivery(&app, &key, &hanging_id).await;
        if d["status"] == "delivered" {
            assert_eq!(d["last_status_code"], 204, "{d}");
            break;
        }
        assert!(Instant::now() < deadline, "the event never reached the receiver once it answered: {d}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
