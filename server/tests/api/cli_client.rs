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
}
