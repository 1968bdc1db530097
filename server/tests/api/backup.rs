//! Backups that are actually restored: the real `laurel` binary backs up a
//! server in the middle of a job, the archive is restored into a new data
//! directory, a server started there finishes the job, and every
//! credential and status list checks out.

use std::path::Path;
use std::time::{Duration, Instant};

use issuance::api_keys::Scope;
use issuance::badges::{self, NewBadge};
use issuance::bulk::uploads;
use issuance::credentials::{self, IssueRequest, Issuer};
use issuance::db::Db;
use issuance::keys::MasterKey;
use issuance::orgs::{Plan, organizations};
use serde_json::{Value, json};

use crate::helpers::{TEST_MASTER_KEY, free_port, laurel_serve, until_serving};

const ROWS: usize = 1_500;

async fn laurel(data_dir: &Path, db_url: &str, args: &[&str], master_key: bool) -> (bool, String, String) {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_laurel"));
    command.args(args).env("LAUREL_DATABASE_URL", db_url).env("LAUREL_DATA_DIR", data_dir).env("RUST_LOG", "error");
    if master_key {
        command.env("LAUREL_MASTER_KEY", TEST_MASTER_KEY);
    } else {
        command.env_remove("LAUREL_MASTER_KEY");
    }
    let out = command.output().await.expect("laurel runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn job_state(db: &Db, job: &str) -> (String, i64, i64, i64) {
    sqlx::query_as("SELECT status, total, processed, succeeded FROM jobs WHERE id = $1")
        .bind(job)
        .fetch_one(db)
        .await
        .unwrap()
}

/// An org with a badge, a revoked credential, and a submitted job of
/// `ROWS` rows; returns (org, revoked credential, job).
async fn org_with_a_job(db: &Db) -> (String, String, String) {
    let master = MasterKey::from_base64(TEST_MASTER_KEY).unwrap();
    let org = organizations::create(db, "Backup Academy", Plan::Professional).await.unwrap().id;
    organizations::approve(db, &master, &org).await.unwrap();
    organizations::set_quota(db, &org, 100_000).await.unwrap();
    let email = issuance::email::EmailAddress::parse("owner@backup.test").unwrap();
    let owner = issuance::accounts::users::create(db, &email, "Owner", "x").await.unwrap().id;
    let new = NewBadge { name: "Kept Safe".into(), validity_days: Some(365), ..NewBadge::default() };
    let badge = badges::create(db, &org, new, None).await.unwrap().id;
    let issuer = Issuer { db, master: &master, public_url: "http://laurel.test", api_key_id: None };
    let request = IssueRequest::parse(&json!({
        "credential_type": "badge", "badge_id": badge, "recipient": {"name": "Early Leaver", "email": "early@backup.test"},
    }))
    .unwrap();
    let revoked = credentials::issue(issuer, &org, request, issuance::clock::now()).await.unwrap().id;
    credentials::store::revoke(db, &org, &revoked, Some("Left"), None).await.unwrap();

    let mut csv = String::from("name,email\n");
    for i in 0..ROWS {
        csv.push_str(&format!("Person {i},person{i}@backup.test\n"));
    }
    let upload = uploads::create(db, &org, Some(&badge), Some("cohort.csv"), csv.as_bytes(), &owner).await.unwrap();
    let job = issuance::jobs::submit::submit(db, &org, &upload, &owner, Default::default(), issuance::clock::now())
        .await
        .unwrap()
        .job_id;
    (org, revoked, job)
}

#[tokio::test]
async fn a_backup_taken_mid_job_restores_into_a_new_directory_where_the_job_finishes_and_everything_verifies() {
    let original = tempfile::tempdir().unwrap();
    // Backups are of the embedded database, whichever backend this run tests.
    let url = format!("sqlite://{}/laurel.db", original.path().display());
    let db = issuance::db::connect(&url).await.unwrap();
    let (org, revoked, job) = org_with_a_job(&db).await;
    // A document image, as the identity API stores it (already encrypted).
    std::fs::create_dir_all(original.path().join("identity-files/org_x")).unwrap();
    std::fs::write(original.path().join("identity-files/org_x/doc_1.front"), b"sealed bytes").unwrap();

    let port = free_port();
    let mut server = laurel_serve(original.path(), &url, port, &[("LAUREL_RATE_PROFESSIONAL", "300")]);
    let deadline = Instant::now() + Duration::from_secs(60);
    while job_state(&db, &job).await.3 < 100 {
        assert!(Instant::now() < deadline, "the job made no progress");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let archive = original.path().join("backup.tar.gz");
    let (ok, out, err) =
        laurel(original.path(), &url, &["admin", "backup", "--out", &archive.display().to_string()], true).await;
    assert!(ok, "{err}");
    assert!(out.contains("The master key is not in it"), "{out}");
    let (status, total, processed, _) = job_state(&db, &job).await;
    assert!(
        status == "processing" || processed < total,
        "the backup was taken mid-job ({status}, {processed}/{total})"
    );
    server.start_kill().unwrap();
    server.wait().await.unwrap();

    // The archive holds no master key, and a second backup never overwrites the first.
    let listing = std::process::Command::new("tar").arg("tzf").arg(&archive).output().unwrap();
    let names = String::from_utf8_lossy(&listing.stdout).into_owned();
    assert!(names.contains("manifest.json") && names.contains("laurel.db"), "{names}");
    assert!(names.contains("identity-files/org_x/doc_1.front"), "{names}");
    assert!(!names.contains("master.key"), "{names}");
    let (ok, _, err) =
        laurel(original.path(), &url, &["admin", "backup", "--out", &archive.display().to_string()], true).await;
    assert!(!ok && err.contains("the file exists"), "{err}");

    // Restored elsewhere, checked, and served with the same master key.
    let restored = tempfile::tempdir().unwrap();
    let target = restored.path().join("data");
    let target_url = format!("sqlite://{}/laurel.db", target.display());
    let from = archive.display().to_string();
    let to = target.display().to_string();
    let (ok, out, err) = laurel(&target, &target_url, &["admin", "restore", "--from", &from, "--to", &to], true).await;
    assert!(ok, "{err}");
    assert!(out.contains("The master key opens the signing keys of all 1 organisations."), "{out}");
    assert_eq!(std::fs::read(target.join("identity-files/org_x/doc_1.front")).unwrap(), b"sealed bytes");
    let (ok, _, err) = laurel(&target, &target_url, &["admin", "restore", "--from", &from, "--to", &to], true).await;
    assert!(!ok && err.contains("already holds laurel.db"), "restoring over a database is refused: {err}");

    let restored_db = issuance::db::connect(&target_url).await.unwrap();
    let key = issuance::api_keys::create(&restored_db, &org, "verifier", &[Scope::CredentialsRead], None)
        .await
        .unwrap()
        .secret;
    let port = free_port();
    let _server = laurel_serve(&target, &target_url, port, &[]);
    let base = format!("http://127.0.0.1:{port}");
    until_serving(&base).await;
    let deadline = Instant::now() + Duration::from_secs(90);
    let (status, total, processed, succeeded) = loop {
        let s = job_state(&restored_db, &job).await;
        if s.0 != "processing" && s.0 != "pending" {
            break s;
        }
        assert!(Instant::now() < deadline, "the restored job did not finish: {s:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!((status.as_str(), total, processed, succeeded), ("completed", ROWS as i64, ROWS as i64, ROWS as i64));
    let (issued, people): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), COUNT(DISTINCT recipient_email) FROM credentials WHERE job_id = $1")
            .bind(&job)
            .fetch_one(&restored_db)
            .await
            .unwrap();
    assert_eq!((issued, people), (ROWS as i64, ROWS as i64), "each row issued exactly once");

    // Every credential verifies on the restored server (signature, issuer,
    // expiry and its status list), and the revoked one still reads revoked.
    let mut ids: Vec<String> = sqlx::query_scalar("SELECT id FROM credentials WHERE org_id = $1 ORDER BY id")
        .bind(&org)
        .fetch_all(&restored_db)
        .await
        .unwrap();
    ids.retain(|id| *id != revoked);
    let client = reqwest::Client::new();
    for chunk in ids.chunks(100) {
        let body = json!({"credentials": chunk.iter().map(|id| json!({"credential_id": id})).collect::<Vec<_>>()});
        let r = client.post(format!("{base}/v1/credentials/batch-verify")).header("x-api-key", &key).json(&body).send();
        let out: Value = r.await.unwrap().json().await.unwrap();
        for result in out["results"].as_array().unwrap() {
            assert_eq!(result["is_valid"], true, "{result}");
        }
    }
    let body = json!({"credentials": [{"credential_id": revoked}]});
    let r = client.post(format!("{base}/v1/credentials/batch-verify")).header("x-api-key", &key).json(&body).send();
    let out: Value = r.await.unwrap().json().await.unwrap();
    assert_eq!(out["results"][0]["is_valid"], false, "{out}");
    assert_eq!(out["results"][0]["error_code"], "revoked", "{out}");
    let list: String = sqlx::query_scalar("SELECT status_list_id FROM credentials WHERE id = $1")
        .bind(&revoked)
        .fetch_one(&restored_db)
        .await
        .unwrap();
    let served = client.get(format!("{base}/organizations/{org}/status-lists/{list}")).send().await.unwrap();
    assert_eq!(served.status(), reqwest::StatusCode::OK);
    assert_eq!(served.text().await.unwrap().split('.').count(), 3, "the status list is served signed");
}

#[tokio::test]
async fn a_restore_without_the_master_key_warns_and_a_damaged_archive_is_refused_naming_it() {
    let original = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/laurel.db", original.path().display());
    let db = issuance::db::connect(&url).await.unwrap();
    org_with_a_job(&db).await;
    let archive = original.path().join("b.tar.gz");
    let (ok, _, err) =
        laurel(original.path(), &url, &["admin", "backup", "--out", &archive.display().to_string()], true).await;
    assert!(ok, "{err}");

    let target = tempfile::tempdir().unwrap();
    let to = target.path().join("data");
    let to_url = format!("sqlite://{}/laurel.db", to.display());
    let (ok, _, err) = laurel(
        &to,
        &to_url,
        &["admin", "restore", "--from", &archive.display().to_string(), "--to", &to.display().to_string()],
        false,
    )
    .await;
    assert!(ok, "{err}");
    assert!(err.contains("warning: no master key is set"), "{err}");
    assert!(!to.join("master.key").exists(), "a restore never makes a new master key");

    // One flipped byte in the middle: refused, and nothing is left behind.
    let mut bytes = std::fs::read(&archive).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    let damaged = original.path().join("damaged.tar.gz");
    std::fs::write(&damaged, bytes).unwrap();
    let fresh = target.path().join("again");
    let (ok, _, err) = laurel(
        &fresh,
        &format!("sqlite://{}/laurel.db", fresh.display()),
        &["admin", "restore", "--from", &damaged.display().to_string(), "--to", &fresh.display().to_string()],
        true,
    )
    .await;
    assert!(!ok, "a damaged archive is refused");
    assert!(err.contains("damaged.tar.gz"), "the error names the file: {err}");
    assert!(!fresh.join("laurel.db").exists(), "nothing half-restored");
}

#[tokio::test]
async fn on_postgresql_backup_answers_with_how_to_use_pg_dump_and_on_sqlite_it_writes_the_archive() {
    let dir = tempfile::tempdir().unwrap();
    let url = crate::helpers::fresh_database_url(dir.path()).await;
    let out = dir.path().join("b.tar.gz");
    let (ok, stdout, err) =
        laurel(dir.path(), &url, &["admin", "backup", "--out", &out.display().to_string()], true).await;
    if url.starts_with("postgres") {
        assert!(!ok && err.contains("pg_dump --format=custom"), "{err}");
        assert!(!out.exists(), "nothing written");
    } else {
        assert!(ok && stdout.contains("Backed up 0 organisations"), "{stdout}{err}");
        assert!(out.exists());
    }
}
