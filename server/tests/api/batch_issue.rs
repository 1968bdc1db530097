//! `POST /v1/credentials/batch-issue`: a JSON batch of single-issue bodies
//! becomes a job; invalid items fail alone, with their field path.

use std::time::Duration;

use issuance::api_keys::Scope;
use issuance::orgs::Plan;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, business, json, setup};

async fn follow(app: &TestApp, key: &str, job: &str) -> Value {
    for _ in 0..600 {
        let (status, v) = json(app.get_json(&format!("/v1/credentials/batch-issue/{job}"), key).await).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        if ["completed", "failed", "cancelled"].contains(&v["status"].as_str().unwrap()) {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("batch {job} did not finish");
}

fn user() -> Value {
    json!({"credential_type": "user", "subject": {"id": "user_jane", "type": "person", "name": {"first": "Jane", "last": "Doe"}},
           "claims": {"kyc_status": "approved", "trust_level": "idv_verified"}})
}

fn attestation() -> Value {
    json!({"credential_type": "outcome_attestation", "attestation_type": "email_risk", "subject": {"id": "chk_1", "type": "check"},
           "claims": {"email": "jane@example.com", "risk_score": 0.1}})
}

fn bad_business() -> Value {
    let mut b = business();
    b["claims"]["kyb_status"] = json!("verified");
    b
}

async fn jobs_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM jobs").fetch_one(&app.db).await.unwrap()
}

#[tokio::test]
async fn a_mixed_batch_issues_the_valid_items_and_names_the_field_of_the_invalid_one() {
    let (app, _, key) = setup().await;
    let body = json!({"credentials": [business(), user(), bad_business(), attestation()]});
    let r = app.post_json("/v1/credentials/batch-issue", &key, body).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let (_, accepted) = json(r).await;
    let job = accepted["job_id"].as_str().unwrap().to_owned();
    assert_eq!(location, format!("/v1/credentials/batch-issue/{job}"));
    assert_eq!(accepted["status"], "queued", "{accepted}");
    assert_eq!((accepted["total"].as_i64(), accepted["processed"].as_i64()), (Some(4), Some(1)), "{accepted}");
    for field in ["succeeded", "failed", "created_at"] {
        assert!(accepted.get(field).is_some(), "{field} in {accepted}");
    }

    let done = follow(&app, &key, &job).await;
    assert_eq!(done["status"], "completed");
    assert_eq!((done["succeeded"].as_i64(), done["failed"].as_i64()), (Some(3), Some(1)), "{done}");
    let errors = done["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["index"], 2);
    assert_eq!(errors[0]["code"], "validation_failed");
    assert_eq!(
        errors[0]["message"],
        "claims.kyb_status: expected 'approved' | 'pending' | 'declined' | 'manual_review', got 'verified'"
    );
    assert!(done["started_at"].is_string() && done["completed_at"].is_string());
    let ids = done["credential_ids"].as_array().unwrap();
    assert_eq!(ids.len(), 3);
    // Each is an ordinary credential, of its own type, that verifies.
    let types: Vec<String> = futures::future::join_all(ids.iter().map(|id| {
        let (app, key) = (&app, &key);
        async move {
            let (_, c) = json(app.get_json(&format!("/v1/credentials/{}", id.as_str().unwrap()), key).await).await;
            c["credential_type"].as_str().unwrap().to_owned()
        }
    }))
    .await;
    assert_eq!(types, ["business", "user", "outcome_attestation"], "item order");
    let (_, verified) =
        json(app.post_json("/v1/credentials/verify", &key, json!({"credential_id": ids[1]})).await).await;
    assert_eq!(verified["is_valid"], true, "{verified}");

    let (_, list) = json(app.get_json("/v1/credentials/batch-issue", &key).await).await;
    assert_eq!(list["data"][0]["job_id"], job.as_str());
}

#[tokio::test]
async fn more_than_ten_thousand_items_are_refused_whole_and_nothing_is_queued() {
    let (app, _, key) = setup().await;
    let items: Vec<Value> = (0..10_001).map(|_| business()).collect();
    let (status, body) =
        json(app.post_json("/v1/credentials/batch-issue", &key, json!({"credentials": items})).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["code"], "validation_failed");
    assert!(body["error"]["details"][0]["message"].as_str().unwrap().contains("at most 10000"), "{body}");
    assert_eq!(body["error"]["details"][0]["path"], "credentials");
    let (status, _) = json(app.post_json("/v1/credentials/batch-issue", &key, json!({"credentials": []})).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "an empty batch is refused too");
    assert_eq!(jobs_count(&app).await, 0);
}

#[tokio::test]
async fn a_body_over_25_mb_is_413_and_other_routes_keep_their_limit() {
    let (app, _, key) = setup().await;
    let padding = "x".repeat(26 * 1024 * 1024);
    let r = app
        .client
        .post(app.url("/v1/credentials/batch-issue"))
        .header("x-api-key", &key)
        .header("content-type", "application/json")
        .body(format!("{{\"credentials\": [], \"pad\": \"{padding}\"}}"))
        .send()
        .await
        .unwrap();
    let (status, body) = json(r).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["error"]["code"], "payload_too_large");
    let two_mb = "x".repeat(2 * 1024 * 1024);
    let r = app.post_json("/v1/credentials", &key, json!({"pad": two_mb})).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE, "single issue keeps its 1 MB limit");
    // A 3 MB batch is fine.
    let mut big = business();
    big["claims"]["note"] = json!("y".repeat(300));
    let items: Vec<Value> = (0..8_000)
        .map(|i| {
            let mut b = big.clone();
            b["subject"]["id"] = json!(format!("biz_{i}"));
            b
        })
        .collect();
    let r = app.post_json("/v1/credentials/batch-issue", &key, json!({"credentials": items})).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
}

#[tokio::test]
async fn the_same_idempotency_key_returns_the_original_job_and_queues_nothing_more() {
    let (app, _, key) = setup().await;
    let body = json!({"credentials": [business(), user()]});
    let send = |body: Value| {
        let (app, key) = (&app, &key);
        async move {
            app.client
                .post(app.url("/v1/credentials/batch-issue"))
                .header("x-api-key", key)
                .header("idempotency-key", "nightly-2026-11-29")
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let first = send(body.clone()).await;
    assert_eq!(first.status(), StatusCode::ACCEPTED);
    let (_, first) = json(first).await;
    let again = send(body.clone()).await;
    assert_eq!(again.status(), StatusCode::ACCEPTED);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let (_, again) = json(again).await;
    assert_eq!(again["job_id"], first["job_id"]);
    assert_eq!(jobs_count(&app).await, 1);
    let other = send(json!({"credentials": [user()]})).await;
    assert_eq!(other.status(), StatusCode::UNPROCESSABLE_ENTITY, "the key was used for another batch");
}

#[tokio::test]
async fn batches_need_the_write_scope_a_bulk_plan_and_stay_in_their_org() {
    let (app, org, key) = setup().await;
    let read_only = app.api_key(&org, &[Scope::CredentialsRead]).await;
    let r = app.post_json("/v1/credentials/batch-issue", &read_only, json!({"credentials": [business()]})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let free = app.org("Free Co", Plan::Free).await;
    let free_key = app.api_key(&free, &[Scope::CredentialsWrite]).await;
    let r = app.post_json("/v1/credentials/batch-issue", &free_key, json!({"credentials": [business()]})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "the Free plan issues one at a time");

    let (_, accepted) =
        json(app.post_json("/v1/credentials/batch-issue", &key, json!({"credentials": [business()]})).await).await;
    let job = accepted["job_id"].as_str().unwrap();
    let other = app.org("Other", Plan::Professional).await;
    let other_key = app.api_key(&other, &[Scope::CredentialsRead, Scope::CredentialsWrite]).await;
    let r = app.get_json(&format!("/v1/credentials/batch-issue/{job}"), &other_key).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app.post_json(&format!("/v1/credentials/batch-issue/{job}/cancel"), &other_key, json!({})).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_batch_whose_every_item_is_invalid_is_failed_at_once() {
    let (app, _, key) = setup().await;
    let (status, v) = json(
        app.post_json("/v1/credentials/batch-issue", &key, json!({"credentials": [bad_business(), {"x": 1}]})).await,
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!((v["status"].as_str(), v["failed"].as_i64()), (Some("failed"), Some(2)), "{v}");
    let job = v["job_id"].as_str().unwrap();
    let done = follow(&app, &key, job).await;
    assert_eq!(done["errors"][1]["message"], "credential_type: is required");
    // Closed at once, so its end is announced at once: the audit log's
    // `job.failed` (and, to any stream, `credential.batch_failed`).
    let failed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM activity WHERE kind = 'job.failed' AND target = $1")
        .bind(job)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(failed, 1);
}
