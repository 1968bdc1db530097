//! Audit streams (webhooks) against a real receiver on loopback that
//! verifies each delivery with PyPI's `standardwebhooks`, the Standard
//! Webhooks reference implementation, not with our own code.

use std::process::Stdio;
use std::time::Duration;

use issuance::api_keys::Scope;
use issuance::orgs::Plan;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

use crate::helpers::{TestApp, business, json, spawn_app, spawn_app_with};

pub(crate) struct Receiver {
    _child: Child,
    lines: Lines<BufReader<ChildStdout>>,
    pub(crate) url: String,
}

impl Receiver {
    /// Starts the receiver; it answers 500 to the first `fail_first`
    /// deliveries.
    pub(crate) async fn start(fail_first: u32) -> (Receiver, tokio::process::ChildStdin) {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/webhook_receiver.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(fail_first.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("python3 runs the receiver");
        let stdin = child.stdin.take().unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next_line().await.unwrap().expect("the receiver says its port");
        let port = first.strip_prefix("PORT ").expect("PORT line");
        (Receiver { _child: child, lines, url: format!("http://127.0.0.1:{port}/hooks") }, stdin)
    }

    pub(crate) async fn next(&mut self) -> Value {
        let line = tokio::time::timeout(Duration::from_secs(20), self.lines.next_line())
            .await
            .expect("a delivery arrives")
            .unwrap()
            .expect("the receiver is running");
        serde_json::from_str(&line).unwrap()
    }
}

pub(crate) async fn stream(app: &TestApp, key: &str, url: &str, actions: Value) -> (String, String) {
    let (status, v) =
        json(app.post_json("/v1/audit/streams", key, json!({"url": url, "actions": actions})).await).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    (v["id"].as_str().unwrap().to_owned(), v["secret"].as_str().unwrap().to_owned())
}

fn all_scopes() -> Vec<Scope> {
    vec![Scope::CredentialsRead, Scope::CredentialsWrite, Scope::WebhooksRead, Scope::WebhooksWrite]
}

#[tokio::test]
async fn a_batch_completed_event_is_retried_until_the_receiver_takes_it_and_verifies_with_standardwebhooks() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    let key = app.api_key(&org, &all_scopes()).await;
    let (mut receiver, mut stdin) = Receiver::start(2).await;
    let (stream_id, secret) = stream(&app, &key, &receiver.url, json!(["credential.batch_completed"])).await;
    assert!(secret.starts_with("whsec_"));
    stdin.write_all(format!("{secret}\n").as_bytes()).await.unwrap();

    let mut second = business();
    second["subject"]["id"] = json!("biz_second");
    let (_, accepted) =
        json(app.post_json("/v1/credentials/batch-issue", &key, json!({"credentials": [business(), second]})).await)
            .await;
    let job = accepted["job_id"].as_str().unwrap().to_owned();

    let attempts = [receiver.next().await, receiver.next().await, receiver.next().await];
    for (i, a) in attempts.iter().enumerate() {
        assert_eq!(a["verified"], true, "attempt {i} verifies with standardwebhooks: {a}");
        assert_eq!(a["id"], attempts[0]["id"], "every attempt carries the same webhook-id");
    }
    assert_eq!(
        attempts.iter().map(|a| a["answered"].as_i64().unwrap()).collect::<Vec<_>>(),
        [500, 500, 204],
        "failed twice, taken the third time"
    );
    let payload = &attempts[2]["payload"];
    assert_eq!(payload["type"], "credential.batch_completed");
    assert_eq!(payload["data"]["job_id"], job.as_str());
    assert_eq!((payload["data"]["succeeded"].as_i64(), payload["data"]["failed"].as_i64()), (Some(2), Some(0)));
    assert!(payload["timestamp"].as_str().unwrap().ends_with('Z'));

    // The stream's page of deliveries says so.
    let mut delivered = Value::Null;
    for _ in 0..100 {
        let (_, s) = json(app.get_json(&format!("/v1/audit/streams/{stream_id}"), &key).await).await;
        delivered = s["recent_deliveries"][0].clone();
        if delivered["status"] == "delivered" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        (delivered["status"].as_str(), delivered["attempts"].as_i64()),
        (Some("delivered"), Some(3)),
        "{delivered}"
    );
    assert_eq!(delivered["last_status_code"], 204);
}

#[tokio::test]
async fn single_issues_and_revocations_reach_a_stream_of_every_action_and_a_changed_body_would_not_verify() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    let key = app.api_key(&org, &all_scopes()).await;
    let (mut receiver, mut stdin) = Receiver::start(0).await;
    let (_, secret) = stream(&app, &key, &receiver.url, json!(["*"])).await;
    stdin.write_all(format!("{secret}\n").as_bytes()).await.unwrap();

    let (_, issued) = json(app.post_json("/v1/credentials", &key, business()).await).await;
    let id = issued["id"].as_str().unwrap();
    let first = receiver.next().await;
    assert_eq!(
        (first["verified"].as_bool(), first["payload"]["type"].as_str()),
        (Some(true), Some("credential.issued"))
    );
    assert_eq!(first["payload"]["data"]["credential_id"], id);
    let r = app.post_json(&format!("/v1/credentials/{id}/revoke"), &key, json!({"reason": "Issued in error"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let second = receiver.next().await;
    assert_eq!(second["payload"]["type"], "credential.revoked");
    assert_eq!(second["payload"]["data"]["reason"], "Issued in error");
    assert_eq!(second["verified"], true);

    assert_eq!(second["tampered_rejected"], true, "the signature covers the body: one character changed fails");
}

#[tokio::test]
async fn streams_take_only_https_urls_to_public_addresses_unless_allowed_and_stay_in_their_org() {
    let app = spawn_app_with(|c| c.webhooks_allow_private = false).await;
    let org = app.org("Acme", Plan::Professional).await;
    let key = app.api_key(&org, &all_scopes()).await;
    for (url, why) in [
        ("http://hooks.example.com/x", "https"),
        ("https://127.0.0.1/x", "private"),
        ("https://10.0.0.8/x", "private"),
        ("https://169.254.169.254/latest/meta-data", "private"),
        ("https://localhost/x", "localhost"),
    ] {
        let (status, v) =
            json(app.post_json("/v1/audit/streams", &key, json!({"url": url, "actions": ["*"]})).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{url}: {v}");
        assert_eq!(v["error"]["details"][0]["path"], "url");
        assert!(v["error"]["details"][0]["message"].as_str().unwrap().contains(why), "{url}: {v}");
    }
    let (status, v) = json(
        app.post_json(
            "/v1/audit/streams",
            &key,
            json!({"url": "https://hooks.example.com/x", "actions": ["credential.minted"]}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(v["error"]["details"][0]["path"], "actions[0]");

    let (id, _) = stream(&app, &key, "https://hooks.example.com/laurel", json!(["credential.revoked"])).await;
    let (_, listed) = json(app.get_json("/v1/audit/streams", &key).await).await;
    assert_eq!(listed["data"][0]["id"], id.as_str());
    assert!(listed["data"][0].get("secret").is_none(), "the secret is shown once, at creation");
    let stored: String =
        sqlx::query_scalar("SELECT secret_sealed FROM webhook_streams").fetch_one(&app.db).await.unwrap();
    assert!(stored.starts_with("v1.") && !stored.contains("whsec_"), "sealed, not stored in the clear");

    let read_only = app.api_key(&org, &[Scope::WebhooksRead]).await;
    let r =
        app.post_json("/v1/audit/streams", &read_only, json!({"url": "https://a.example.com", "actions": ["*"]})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let no_scope = app.api_key(&org, &[Scope::CredentialsRead]).await;
    assert_eq!(app.get_json("/v1/audit/streams", &no_scope).await.status(), StatusCode::FORBIDDEN);

    let other = app.org("Other", Plan::Professional).await;
    let other_key = app.api_key(&other, &all_scopes()).await;
    assert_eq!(app.get_json(&format!("/v1/audit/streams/{id}"), &other_key).await.status(), StatusCode::NOT_FOUND);
    let r = app.api(reqwest::Method::DELETE, &format!("/v1/audit/streams/{id}"), &other_key, None).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app.api(reqwest::Method::DELETE, &format!("/v1/audit/streams/{id}"), &key, None).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn a_stream_failing_for_three_days_is_disabled_and_says_why() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    let key = app.api_key(&org, &all_scopes()).await;
    // A port nobody listens on: every delivery fails to connect.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let (id, _) = stream(&app, &key, &format!("http://127.0.0.1:{closed}/hooks"), json!(["*"])).await;
    let three_days_ago = issuance::clock::now() - issuance::webhooks::GIVE_UP_AFTER_SECS - 60;
    sqlx::query("UPDATE webhook_streams SET failing_since = $1 WHERE id = $2")
        .bind(three_days_ago)
        .bind(&id)
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(app.post_json("/v1/credentials", &key, business()).await.status(), StatusCode::CREATED);

    let mut s = Value::Null;
    for _ in 0..200 {
        s = json(app.get_json(&format!("/v1/audit/streams/{id}"), &key).await).await.1;
        if s["status"] == "disabled" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(s["status"], "disabled", "{s}");
    let reason = s["disabled_reason"].as_str().unwrap();
    assert!(
        reason.starts_with("Every delivery failed for three days") && reason.contains("Could not reach"),
        "{reason}"
    );
    assert_eq!(s["recent_deliveries"][0]["status"], "pending", "the delivery waits for the stream to be resumed");
}
