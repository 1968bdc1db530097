//! The real `laurel` binary as an API client (`laurel credentials ...`)
//! against the app on a loopback port.

use std::path::Path;

use serde_json::{Value, json};

use crate::helpers::{business, setup};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `laurel args...` with `key` in `LAUREL_API_KEY`, off the test's
/// runtime (which serves the app the CLI talks to).
async fn laurel(key: Option<&str>, args: &[&str]) -> Run {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let key = key.map(str::to_owned);
    tokio::task::spawn_blocking(move || {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_laurel"));
        command.args(&args).env_remove("LAUREL_URL").env("RUST_LOG", "error");
        match key {
            Some(k) => command.env("LAUREL_API_KEY", k),
            None => command.env_remove("LAUREL_API_KEY"),
        };
        let out = command.output().expect("laurel runs");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    })
    .await
    .unwrap()
}

/// `n` business credentials about distinct subjects.
fn items(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            let mut body = business();
            body["subject"]["id"] = json!(format!("biz_{i}"));
            body
        })
        .collect()
}

fn write(dir: &Path, name: &str, value: &Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec(value).unwrap()).unwrap();
    path.display().to_string()
}

async fn credentials_in(app: &crate::helpers::TestApp, org: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM credentials WHERE org_id = $1").bind(org).fetch_one(&app.db).await.unwrap()
}

#[tokio::test]
async fn batch_issue_waits_for_every_item_and_running_it_again_issues_nothing_new() {
    let (app, org, key) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "credentials.json", &json!(items(25)));
    let out = dir.path().join("results.jsonl").display().to_string();
    let args = ["credentials", "batch-issue", "-e", &app.address, "--file", &file, "--wait", "--out", &out];

    let first = laurel(Some(&key), &args).await;
    assert_eq!(first.code, 0, "{}", first.stderr);
    let job = first.stdout.trim().to_owned();
    assert!(job.starts_with("job_"), "the job id comes first, on its own: {}", first.stdout);
    assert!(first.stderr.contains("25 issued, 0 failed"), "{}", first.stderr);
    assert!(!first.stderr.contains('\r') && !first.stdout.contains('\r'), "no bar animation in a pipe");
    assert!(first.stderr.contains("processed 25/25 (100%)"), "plain progress lines: {}", first.stderr);
    let lines: Vec<Value> =
        std::fs::read_to_string(&out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 25);
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(line["index"], i);
        assert!(line["credential_id"].as_str().is_some_and(|id| id.starts_with("cred_")), "{line}");
    }
    assert_eq!(credentials_in(&app, &org).await, 25);

    let again = laurel(Some(&key), &args).await;
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(again.stdout.trim(), job, "the same job, found by its idempotency key");
    assert_eq!(credentials_in(&app, &org).await, 25, "nothing issued twice");
}

#[tokio::test]
async fn an_invalid_item_fails_alone_and_the_exit_code_says_so() {
    let (app, org, key) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let mut all = items(3);
    all[1]["subject"].as_object_mut().unwrap().remove("id");
    let file = write(dir.path(), "credentials.json", &json!({"credentials": all}));

    let run = laurel(Some(&key), &["credentials", "batch-issue", "-e", &app.address, "--file", &file, "--wait"]).await;
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("2 issued, 1 failed"), "{}", run.stderr);
    let line = run.stderr.lines().find(|l| l.contains("item 1:")).unwrap_or_else(|| panic!("{}", run.stderr));
    assert!(line.contains("validation_failed") && line.contains("subject"), "{line}");
    assert_eq!(credentials_in(&app, &org).await, 2);
}

#[tokio::test]
async fn usage_a_refused_key_and_no_server_exit_2_with_the_reason() {
    let (app, _, key) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "credentials.json", &json!(items(1)));
    let issue = |url: &str| ["credentials", "batch-issue", "-e", url, "--file", &file].map(str::to_owned);

    let run = laurel(None, &issue(&app.address).each_ref().map(String::as_str)).await;
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("LAUREL_API_KEY"), "{}", run.stderr);

    let run = laurel(Some("lk_wrong"), &issue(&app.address).each_ref().map(String::as_str)).await;
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("refused the API key"), "{}", run.stderr);

    let not_json = write(dir.path(), "broken.json", &json!({"people": []}));
    let run = laurel(Some(&key), &["credentials", "batch-issue", "-e", &app.address, "--file", &not_json]).await;
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("broken.json") && run.stderr.contains("\"credentials\" array"), "{}", run.stderr);

    let run = laurel(Some(&key), &["credentials", "batch-issue", "-e", "ftp://127.0.0.1:1", "--file", &file]).await;
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--url"), "{}", run.stderr);

    let nobody = format!("http://127.0.0.1:{}", crate::helpers::free_port());
    let run =
        laurel(Some(&key), &["credentials", "batch-issue", "-e", &nobody, "--retry-for", "1", "--file", &file]).await;
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains(&format!("cannot reach {nobody}")), "{}", run.stderr);
}

/// A loopback port nothing listens on (at the moment it is asked for).
#[tokio::test]
async fn a_file_of_12000_items_goes_as_two_batches_in_order() {
    let (app, org, key) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "many.json", &json!(items(12_000)));

    let run = laurel(Some(&key), &["credentials", "batch-issue", "-e", &app.address, "--file", &file]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let jobs: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(jobs.len(), 2, "{}", run.stdout);
    for (job, total) in jobs.iter().zip([10_000, 2_000]) {
        let (job_total, first): (i64, String) = sqlx::query_as(
            "SELECT j.total, i.request_json FROM jobs j JOIN job_items i ON i.job_id = j.id AND i.idx = 0
             WHERE j.id = $1 AND j.org_id = $2",
        )
        .bind(job)
        .bind(&org)
        .fetch_one(&app.db)
        .await
        .unwrap();
        assert_eq!(job_total, total);
        let first: Value = serde_json::from_str(&first).unwrap();
        let expected = if total == 10_000 { "biz_0" } else { "biz_10000" };
        assert_eq!(first["subject"]["id"], expected, "the second batch starts where the first ended");
    }
}

/// The real server on `port`, slowed to 40 credentials a second so that a
/// job of 200 is caught half-way.
fn serve(dir: &Path, db_url: &str, port: u16) -> tokio::process::Child {
    crate::helpers::laurel_serve(dir, db_url, port, &[("LAUREL_RATE_PROFESSIONAL", "40")])
}

/// A real server process (see [`serve`]) on a database of its own, with a
/// Professional org and a read-write key.
struct Served {
    dir: tempfile::TempDir,
    db_url: String,
    db: issuance::db::Db,
    org: String,
    key: String,
    port: u16,
    base: String,
    server: tokio::process::Child,
}

async fn served() -> Served {
    use issuance::api_keys::{self, Scope};
    use issuance::orgs::{Plan, organizations};
    let dir = tempfile::tempdir().unwrap();
    let db_url = crate::helpers::fresh_database_url(dir.path()).await;
    let db = issuance::db::connect(&db_url).await.unwrap();
    let master = issuance::keys::MasterKey::from_base64(crate::helpers::TEST_MASTER_KEY).unwrap();
    let org = organizations::create(&db, "Restart Co", Plan::Professional).await.unwrap().id;
    organizations::approve(&db, &master, &org).await.unwrap();
    let key = api_keys::create(&db, &org, "cli", &[Scope::CredentialsRead, Scope::CredentialsWrite], None)
        .await
        .unwrap()
        .secret;
    let port = crate::helpers::free_port();
    let base = format!("http://127.0.0.1:{port}");
    let server = serve(dir.path(), &db_url, port);
    crate::helpers::until_serving(&base).await;
    Served { dir, db_url, db, org, key, port, base, server }
}

impl Served {
    async fn processed(&self, job: &str) -> i64 {
        sqlx::query_scalar("SELECT processed FROM jobs WHERE id = $1").bind(job).fetch_one(&self.db).await.unwrap()
    }

    async fn credentials(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM credentials WHERE org_id = $1")
            .bind(&self.org)
            .fetch_one(&self.db)
            .await
            .unwrap()
    }

    /// `laurel credentials batch-issue --wait` of 200 items, running; and
    /// its job id, read from its first line.
    async fn batch_issue_200(&self) -> (tokio::process::Child, String) {
        use tokio::io::AsyncBufReadExt;
        let file = write(self.dir.path(), "credentials.json", &json!(items(200)));
        let mut cli = tokio::process::Command::new(env!("CARGO_BIN_EXE_laurel"))
            .args(["credentials", "batch-issue", "-e", &self.base, "--file", &file, "--wait"])
            .env("LAUREL_API_KEY", &self.key)
            .env("RUST_LOG", "error")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let mut stdout = tokio::io::BufReader::new(cli.stdout.take().unwrap()).lines();
        let job = stdout.next_line().await.unwrap().expect("the job id, at once");
        (cli, job)
    }

    async fn until_processed(&self, job: &str, at_least: i64) {
        while self.processed(job).await < at_least {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}

async fn finished(cli: tokio::process::Child) -> (Option<i32>, String) {
    let out = tokio::time::timeout(std::time::Duration::from_secs(120), cli.wait_with_output())
        .await
        .expect("the CLI finishes")
        .unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[tokio::test]
async fn the_cli_waits_through_a_server_restart_and_finishes_with_the_right_counts() {
    let mut s = served().await;
    let (cli, job) = s.batch_issue_200().await;

    // Part-way through the job, the server dies and comes back.
    s.until_processed(&job, 40).await;
    s.server.start_kill().unwrap();
    s.server.wait().await.unwrap();
    assert!(s.processed(&job).await < 200, "the job was still running when the server died");
    s.server = serve(s.dir.path(), &s.db_url, s.port);

    let (code, stderr) = finished(cli).await;
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("200 issued, 0 failed"), "{stderr}");
    assert_eq!(s.credentials().await, 200, "each item issued once");
}

#[tokio::test]
async fn items_of_a_cancelled_job_are_submitted_again_and_all_issue() {
    let s = served().await;
    let (cli, job) = s.batch_issue_200().await;
    s.until_processed(&job, 40).await;
    let cancelled = reqwest::Client::new()
        .post(format!("{}/v1/credentials/batch-issue/{job}/cancel", s.base))
        .header("x-api-key", &s.key)
        .send()
        .await
        .unwrap();
    assert!(cancelled.status().is_success(), "{}", cancelled.status());

    let (code, stderr) = finished(cli).await;
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("trying them again (1 of 2)"), "{stderr}");
    assert!(stderr.contains("200 issued, 0 failed"), "{stderr}");
    assert_eq!(s.credentials().await, 200, "each item issued once, across the two jobs");
}

#[tokio::test]
async fn on_a_terminal_the_wait_draws_a_progress_bar() {
    let (app, _, key) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "credentials.json", &json!(items(25)));
    let command = format!(
        "stty cols 120 rows 30; {} credentials batch-issue -e {} --file {file} --wait",
        env!("CARGO_BIN_EXE_laurel"),
        app.address
    );
    // `script` runs the CLI on a pseudo-terminal and copies what it draws.
    let out = tokio::process::Command::new("script")
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .env("LAUREL_API_KEY", &key)
        .env("RUST_LOG", "error")
        .output()
        .await
        .expect("script runs");
    let screen = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{screen}");
    assert!(screen.contains("issued or failed"), "the bar's text: {screen:?}");
    assert!(screen.contains('\r') || screen.contains("\u{1b}["), "drawn in place: {screen:?}");
    assert!(!screen.contains("processed 25/25"), "no log lines on a terminal: {screen:?}");
}

#[tokio::test]
async fn one_credential_is_issued_read_verified_and_revoked_from_the_command_line() {
    let (app, org, key) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let one = write(dir.path(), "one.json", &business());
    let at = |args: &[&str]| {
        let mut all = args.iter().map(|a| a.to_string()).collect::<Vec<_>>();
        all.extend(["-e".to_owned(), app.address.clone(), "--format".to_owned(), "json".to_owned()]);
        all
    };
    let run = |args: Vec<String>| {
        let key = key.clone();
        async move { laurel(Some(&key), &args.iter().map(String::as_str).collect::<Vec<_>>()).await }
    };

    let issued = run(at(&["credentials", "issue", "--file", &one])).await;
    assert_eq!(issued.code, 0, "{}", issued.stderr);
    let credential: Value = serde_json::from_str(&issued.stdout).unwrap();
    let id = credential["credential_id"].as_str().unwrap().to_owned();
    let again = run(at(&["credentials", "issue", "--file", &one])).await;
    let again: Value = serde_json::from_str(&again.stdout).unwrap();
    assert_eq!(again["credential_id"], id.as_str(), "the same file issues once");
    assert_eq!(credentials_in(&app, &org).await, 1);

    let jwt = dir.path().join("credential.jwt");
    std::fs::write(&jwt, credential["signed_payload"].as_str().unwrap()).unwrap();
    let valid = run(at(&["credentials", "verify", "--jwt", &jwt.display().to_string()])).await;
    assert_eq!(valid.code, 0, "{}{}", valid.stdout, valid.stderr);

    let revoked = run(at(&["credentials", "revoke", &id, "--reason", "issued in error"])).await;
    assert_eq!(revoked.code, 0, "{}", revoked.stderr);
    let shown = run(at(&["credentials", "get", &id])).await;
    let shown: Value = serde_json::from_str(&shown.stdout).unwrap();
    assert_eq!(
        (shown["status"].as_str(), shown["revocation_reason"].as_str()),
        (Some("revoked"), Some("issued in error"))
    );
    let invalid = run(at(&["credentials", "verify", "--id", &id])).await;
    assert_eq!(invalid.code, 1, "not valid any more: {}", invalid.stdout);

    let missing = run(at(&["credentials", "get", "cred_01NOSUCHTHING0000000000000"])).await;
    assert_eq!(missing.code, 1);
    assert!(missing.stderr.contains("404 not_found"), "{}", missing.stderr);
    let sneaky = run(at(&["credentials", "get", "../keys"])).await;
    assert_eq!(sneaky.code, 2, "an id is one path segment: {}", sneaky.stderr);
}

#[tokio::test]
async fn jobs_are_listed_shown_cancelled_and_undone_and_a_table_is_for_people() {
    let (app, _, key) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "credentials.json", &json!(items(3)));
    let submitted =
        laurel(Some(&key), &["credentials", "batch-issue", "-e", &app.address, "--file", &file, "--wait"]).await;
    let job = submitted.stdout.trim().to_owned();

    let listed = laurel(Some(&key), &["jobs", "list", "-e", &app.address, "--format", "json"]).await;
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let listed: Value = serde_json::from_str(&listed.stdout).unwrap();
    assert_eq!(listed["data"][0]["job_id"], job.as_str());

    let table = laurel(Some(&key), &["jobs", "list", "-e", &app.address, "--format", "table"]).await;
    let header = table.stdout.lines().find(|l| l.contains("job")).unwrap_or_else(|| panic!("{}", table.stdout));
    assert!(header.contains("status") && header.contains("succeeded"), "{header}");
    assert!(table.stdout.contains(&job) && table.stdout.contains("completed"), "{}", table.stdout);

    let shown = laurel(Some(&key), &["jobs", "get", &job, "-e", &app.address, "--format", "json"]).await;
    let shown: Value = serde_json::from_str(&shown.stdout).unwrap();
    assert_eq!((shown["succeeded"].as_i64(), shown["status"].as_str()), (Some(3), Some("completed")));

    let cancel = laurel(Some(&key), &["jobs", "cancel", &job, "-e", &app.address]).await;
    assert_eq!(cancel.code, 1, "a finished job cannot be cancelled: {}", cancel.stderr);
    assert!(cancel.stderr.contains("409"), "{}", cancel.stderr);

    // Undone instead: its credentials revoked by a job of its own.
    let undo =
        laurel(Some(&key), &["jobs", "revoke", &job, "--reason", "sent twice", "-e", &app.address, "--format", "json"])
            .await;
    assert_eq!(undo.code, 0, "{}", undo.stderr);
    let undo: Value = serde_json::from_str(&undo.stdout).unwrap();
    assert_eq!((undo["undoes_job_id"].as_str(), undo["total"].as_i64()), (Some(job.as_str()), Some(3)), "{undo}");
    let again = laurel(Some(&key), &["jobs", "revoke", &job, "-e", &app.address]).await;
    assert_eq!(again.code, 1);
    assert!(
        again.stderr.contains("409") && again.stderr.contains(undo["job_id"].as_str().unwrap()),
        "{}",
        again.stderr
    );
}

#[tokio::test]
async fn shell_completions_are_printed_for_bash_zsh_and_fish() {
    for shell in ["bash", "zsh", "fish"] {
        let run = laurel(None, &["completions", shell]).await;
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(run.stdout.contains("batch-issue") && run.stdout.contains("laurel"), "{shell}");
    }
}

#[tokio::test]
async fn a_csv_is_reviewed_then_issued_row_by_row_and_a_rerun_finds_its_job() {
    use issuance::api_keys::Scope;
    let app = crate::helpers::spawn_app().await;
    let (org, badge) = crate::helpers::org_with_badge(&app, issuance::orgs::Plan::Professional).await;
    let key = app.api_key(&org, &[Scope::CredentialsRead, Scope::CredentialsWrite]).await;
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("cohort.csv");
    std::fs::write(&csv, "name,email\nAda Lovelace,ada@example.com\nBen Okafor,ben@example.com\nNo At,not-an-email\n")
        .unwrap();
    let csv = csv.display().to_string();
    let out = dir.path().join("rows.jsonl").display().to_string();
    let bulk = |extra: &[&str]| {
        let mut args = vec!["credentials", "bulk-issue", "-e", &app.address, "--badge", &badge, "--csv", &csv];
        args.extend_from_slice(extra);
        args.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let run = |args: Vec<String>| {
        let key = key.clone();
        async move { laurel(Some(&key), &args.iter().map(String::as_str).collect::<Vec<_>>()).await }
    };

    let review = run(bulk(&["--validate-only", "--format", "json"])).await;
    assert_eq!(review.code, 0, "the file can be submitted: {}", review.stderr);
    let review: Value = serde_json::from_str(&review.stdout).unwrap();
    assert_eq!((review["totals"]["new"].as_i64(), review["totals"]["invalid"].as_i64()), (Some(2), Some(1)));
    assert_eq!(credentials_in(&app, &org).await, 0, "a dry run writes nothing");

    let issued = run(bulk(&["--wait", "--out", &out])).await;
    assert_eq!(issued.code, 1, "a row failed: {}", issued.stderr);
    assert!(issued.stderr.contains("2 issued, 1 failed"), "{}", issued.stderr);
    assert!(issued.stderr.contains("item 2: invalid_row"), "{}", issued.stderr);
    let rows: Vec<Value> =
        std::fs::read_to_string(&out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 3);
    assert!(rows[0]["credential_id"].is_string() && rows[1]["credential_id"].is_string(), "{rows:?}");
    assert_eq!(rows[2]["error"]["code"], "invalid_row");

    let again = run(bulk(&[])).await;
    assert_eq!(again.stdout.trim(), issued.stdout.trim(), "the same job, found by its idempotency key");
    assert_eq!(credentials_in(&app, &org).await, 2);
}

#[tokio::test]
async fn keys_are_issued_listed_verified_imported_and_revoked_through_the_api() {
    use issuance::api_keys::Scope;
    let (app, org, _) = setup().await;
    let admin = app.api_key(&org, &[Scope::KeysRead, Scope::KeysWrite, Scope::CredentialsRead]).await;
    let e = app.address.clone();
    let keys = |args: &[&str]| {
        let mut all: Vec<String> = ["keys"].iter().chain(args).map(|a| a.to_string()).collect();
        all.extend(["-e".to_owned(), e.clone()]);
        all
    };
    let run = |args: Vec<String>| {
        let admin = admin.clone();
        async move { laurel(Some(&admin), &args.iter().map(String::as_str).collect::<Vec<_>>()).await }
    };

    let issued =
        run(keys(&["issue", "batch-key-1", "--actor", "user_1", "--scopes", "read", "--format", "json"])).await;
    assert_eq!(issued.code, 0, "{}", issued.stderr);
    let issued: Value = serde_json::from_str(&issued.stdout).unwrap();
    let secret = issued["secret"].as_str().unwrap().to_owned();
    assert_eq!((issued["actor_id"].as_str(), issued["scopes"].clone()), (Some("user_1"), json!(["credentials:read"])));

    let stronger = run(keys(&["issue", "sneaky", "--scopes", "write"])).await;
    assert_eq!(stronger.code, 1, "a key grants only scopes it holds");
    assert!(stronger.stderr.contains("credentials:write is not a scope of the key asking"), "{}", stronger.stderr);

    let verified = run(keys(&["batch-verify", &secret, "invalid-key-for-testing"])).await;
    assert_eq!(verified.code, 1, "one of them is not a key");
    let verified: Value = serde_json::from_str(&verified.stdout).unwrap();
    assert_eq!(verified["results"][0]["is_valid"], true);
    assert_eq!(verified["results"][0]["actor_id"], "user_1");
    assert_eq!(verified["results"][1]["is_valid"], false);

    let dir = tempfile::tempdir().unwrap();
    let legacy = write(
        dir.path(),
        "legacy.json",
        &json!([{"raw_key": "legacy_key_aaa_0123456789", "name": "Legacy Key A", "actor_id": "migration", "scopes": ["credentials:read"]}]),
    );
    let imported = run(keys(&["batch-import", "--file", &legacy])).await;
    assert_eq!(imported.code, 0, "{}{}", imported.stdout, imported.stderr);

    let listed = run(keys(&["list", "--format", "json"])).await;
    let listed: Value = serde_json::from_str(&listed.stdout).unwrap();
    let names: Vec<&str> = listed["data"].as_array().unwrap().iter().map(|k| k["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"batch-key-1") && names.contains(&"Legacy Key A"), "{names:?}");
    assert!(!listed.to_string().contains(&secret), "a list never holds a secret");

    let id = issued["id"].as_str().unwrap();
    let revoked = run(keys(&["revoke", id])).await;
    assert_eq!(revoked.code, 0, "{}", revoked.stderr);
    let (status, _) = crate::helpers::json(app.get_json("/v1/credentials", &secret).await).await;
    assert_eq!(status, reqwest::StatusCode::UNAUTHORIZED, "the revoked key stops working");
    let again = run(keys(&["revoke", id])).await;
    assert_eq!(again.code, 1);
}

#[tokio::test]
async fn a_file_naming_its_badges_is_piloted_released_and_scheduled_from_the_command_line() {
    let (app, org, key) = setup().await;
    let rocketry = crate::helpers::badge(&app, &org, "Rocketry").await;
    let safety = crate::helpers::badge(&app, &org, "Safety").await;
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("cohort.csv");
    let rows: String =
        (0..6).map(|i| format!("P{i},p{i}@example.com,{}\n", if i % 2 == 0 { "Rocketry" } else { "Safety" })).collect();
    std::fs::write(&csv, format!("name,email,badge\n{rows}")).unwrap();
    let csv = csv.to_str().unwrap();

    let dry = laurel(
        Some(&key),
        &["credentials", "bulk-issue", "--csv", csv, "--validate-only", "-e", &app.address, "--format", "json"],
    )
    .await;
    assert_eq!(dry.code, 0, "no --badge: the file names them: {}", dry.stderr);
    let dry: Value = serde_json::from_str(&dry.stdout).unwrap();
    assert_eq!(dry["badges"].as_array().map(Vec::len), Some(2), "{dry}");

    let piloted =
        laurel(Some(&key), &["credentials", "bulk-issue", "--csv", csv, "--pilot", "2", "-e", &app.address]).await;
    assert_eq!(piloted.code, 0, "{}", piloted.stderr);
    let job = piloted.stdout.trim().to_owned();
    crate::helpers::wait_for_status(&app.db, &job, issuance::jobs::JobStatus::Paused).await;
    let released = laurel(Some(&key), &["jobs", "release", &job, "-e", &app.address]).await;
    assert_eq!(released.code, 0, "{}", released.stderr);
    assert_eq!(crate::helpers::wait_for_job(&app.db, &job).await, "completed");
    let per_badge: Vec<(String, i64)> = sqlx::query_as(
        "SELECT badge_id, COUNT(*) FROM credentials WHERE job_id = $1 GROUP BY badge_id ORDER BY badge_id",
    )
    .bind(&job)
    .fetch_all(&app.db)
    .await
    .unwrap();
    let mut want = vec![(rocketry, 3), (safety, 3)];
    want.sort();
    assert_eq!(per_badge, want);
    let again = laurel(Some(&key), &["jobs", "release", &job, "-e", &app.address]).await;
    assert_eq!(again.code, 1, "a completed job is not paused: {}", again.stderr);

    let day = (time::OffsetDateTime::now_utc() + time::Duration::days(30)).date();
    let start_at = format!("{day}T09:00:00+01:00");
    let later = laurel(
        Some(&key),
        &[
            "credentials",
            "bulk-issue",
            "--csv",
            csv,
            "--duplicates",
            "allow",
            "--start-at",
            &start_at,
            "-e",
            &app.address,
            "--format",
            "json",
        ],
    )
    .await;
    assert_eq!(later.code, 0, "{}", later.stderr);
    let shown = laurel(Some(&key), &["jobs", "get", later.stdout.trim(), "-e", &app.address, "--format", "json"]).await;
    let shown: Value = serde_json::from_str(&shown.stdout).unwrap_or_else(|_| panic!("{}", shown.stdout));
    let utc = format!("{day}T08:00:00Z");
    assert_eq!(
        (shown["status"].as_str(), shown["scheduled_for"].as_str()),
        (Some("scheduled"), Some(utc.as_str())),
        "{shown}"
    );
}
