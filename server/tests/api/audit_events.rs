//! `GET /v1/audit/events`: who did what, to what, when.

use std::time::Duration;

use issuance::api_keys::Scope;
use issuance::orgs::{Plan, Role};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, business, json};

async fn events(app: &TestApp, key: &str, query: &str) -> Value {
    let (status, v) = json(app.get_json(&format!("/v1/audit/events{query}"), key).await).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    v
}

#[tokio::test]
async fn issuing_revoking_batches_and_failed_sign_ins_are_events_with_actor_target_and_data() {
    let app = crate::helpers::spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    app.member(&org, "ada@example.com", Role::Owner).await;
    let key = app.api_key(&org, &[Scope::CredentialsRead, Scope::CredentialsWrite, Scope::AuditRead]).await;

    let (_, issued) = json(app.post_json("/v1/credentials", &key, business()).await).await;
    let id = issued["id"].as_str().unwrap().to_owned();
    app.post_json(&format!("/v1/credentials/{id}/revoke"), &key, json!({"reason": "Issued in error"})).await;
    let (_, batch) =
        json(app.post_json("/v1/credentials/batch-issue", &key, json!({"credentials": [business()]})).await).await;
    let job = batch["job_id"].as_str().unwrap().to_owned();
    assert_eq!(app.login("ada@example.com", "not-the-password").await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.login("ada@example.com", PASSWORD).await.status(), StatusCode::OK);

    // The job's completion is recorded by the worker.
    let mut completed = Value::Null;
    for _ in 0..200 {
        completed = events(&app, &key, &format!("?action=job.completed&target={job}")).await["data"][0].clone();
        if !completed.is_null() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(completed["data"]["succeeded"], 1, "{completed}");
    assert_eq!(completed["actor"]["type"], "system");

    let issued_event = &events(&app, &key, "?action=credential.issued").await["data"][0];
    assert_eq!(issued_event["target"], id.as_str());
    assert_eq!(issued_event["actor"]["type"], "api_key");
    assert_eq!(issued_event["data"]["credential_type"], "business");
    assert!(
        issued_event["actor"].get("secret").is_none() && !issued_event.to_string().contains("lrl_"),
        "never a secret"
    );
    for field in ["id", "action", "actor", "target", "data", "occurred_at"] {
        assert!(issued_event.get(field).is_some(), "{field}");
    }

    let of_credential = events(&app, &key, &format!("?target={id}")).await;
    let actions: Vec<&str> =
        of_credential["data"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["credential.revoked", "credential.issued"], "newest first");
    assert_eq!(of_credential["data"][0]["data"]["reason"], "Issued in error");

    let created = &events(&app, &key, &format!("?action=job.created&target={job}")).await["data"][0];
    assert_eq!((created["actor"]["type"].as_str(), created["data"]["total"].as_i64()), (Some("api_key"), Some(1)));
    let login = &events(&app, &key, "?action=login.failed").await["data"];
    assert_eq!(login.as_array().unwrap().len(), 1, "the right password is not an event: {login}");

    // Bulk issuance is a few events per job, not one per credential.
    let per_job = events(&app, &key, &format!("?target={job}")).await["data"].as_array().unwrap().len();
    assert_eq!(per_job, 2, "created and completed");
}

#[tokio::test]
async fn events_page_with_a_cursor_filter_by_time_need_audit_read_and_stay_in_their_org() {
    let app = crate::helpers::spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    let key = app.api_key(&org, &[Scope::CredentialsWrite, Scope::AuditRead]).await;
    for i in 0..3 {
        let mut b = business();
        b["subject"]["id"] = json!(format!("biz_{i}"));
        assert_eq!(app.post_json("/v1/credentials", &key, b).await.status(), StatusCode::CREATED);
    }
    let first = events(&app, &key, "?action=credential.issued&limit=2").await;
    assert_eq!((first["data"].as_array().unwrap().len(), first["has_more"].as_bool()), (2, Some(true)));
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = events(&app, &key, &format!("?action=credential.issued&limit=2&after={cursor}")).await;
    assert_eq!((second["data"].as_array().unwrap().len(), second["has_more"].as_bool()), (1, Some(false)));
    assert_ne!(second["data"][0]["id"], first["data"][1]["id"]);

    let future = events(&app, &key, "?since=2099-01-01T00:00:00Z").await;
    assert!(future["data"].as_array().unwrap().is_empty());
    let (status, bad) = json(app.get_json("/v1/audit/events?action=credential.minted", &key).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(bad["error"]["details"][0]["path"], "action");
    let (status, _) = json(app.get_json("/v1/audit/events?since=yesterday", &key).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let no_scope = app.api_key(&org, &[Scope::CredentialsRead]).await;
    assert_eq!(app.get_json("/v1/audit/events", &no_scope).await.status(), StatusCode::FORBIDDEN);
    let other = app.org("Other", Plan::Professional).await;
    let other_key = app.api_key(&other, &[Scope::AuditRead]).await;
    let theirs = events(&app, &other_key, "?action=credential.issued").await;
    assert!(theirs["data"].as_array().unwrap().is_empty(), "another org's log is its own");
}
