use issuance::api_keys::Scope;
use issuance::orgs::Plan;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{json, spawn_app};

#[tokio::test]
async fn batch_verify_of_keys_answers_in_order_without_failing_on_bad_keys() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    let admin = app.api_key(&org, &[Scope::KeysRead]).await;
    let k1 = issuance::api_keys::create(&app.db, &org, "batch-key-1", &[Scope::CredentialsRead], None).await.unwrap();
    let k2 = issuance::api_keys::create(&app.db, &org, "batch-key-2", &[Scope::CredentialsWrite], None).await.unwrap();
    issuance::api_keys::revoke(&app.db, &org, &k2.key.id, None).await.unwrap();
    let other_org = app.org("Other", Plan::Free).await;
    let foreign = app.api_key(&other_org, &[Scope::CredentialsRead]).await;

    let body = json!({"keys": [k1.secret, k2.secret, "invalid-key-for-testing", foreign]});
    let (status, out) = json(app.post_json("/v1/keys/batch-verify", &admin, body).await).await;
    assert_eq!(status, StatusCode::OK);
    let r = out["results"].as_array().unwrap();
    assert_eq!(r.len(), 4);
    assert_eq!(r[0]["is_valid"], true);
    assert_eq!(r[0]["name"], "batch-key-1");
    assert_eq!(r[0]["scopes"], json!(["credentials:read"]));
    assert_eq!((r[1]["is_valid"].clone(), r[1]["error_code"].clone()), (json!(false), json!("key_revoked")));
    assert_eq!((r[2]["is_valid"].clone(), r[2]["error_code"].clone()), (json!(false), json!("key_not_found")));
    assert_eq!(r[3]["error_code"], "key_not_found", "another org's key is not revealed");

    let (status, _) = json(app.post_json("/v1/keys/batch-verify", &admin, json!({"keys": []})).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let many: Vec<String> = (0..101).map(|i| format!("k{i}")).collect();
    let (status, _) = json(app.post_json("/v1/keys/batch-verify", &admin, json!({"keys": many})).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let no_scope = app.api_key(&org, &[Scope::CredentialsRead]).await;
    assert_eq!(
        app.post_json("/v1/keys/batch-verify", &no_scope, json!({"keys": ["x"]})).await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn batch_import_reports_each_item_and_imported_keys_work() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    let admin = app.api_key(&org, &[Scope::KeysWrite, Scope::CredentialsRead]).await;
    let body = json!([
        {"raw_key": "legacy_key_aaa_0001", "name": "Legacy Key A", "actor_id": "migration"},
        {"raw_key": "legacy_key_bbb_0002", "name": "Legacy Key B", "actor_id": "migration"},
        {"raw_key": "legacy_key_ccc_0003", "name": "Legacy Key C", "actor_id": "migration", "scopes": ["credentials:read"]},
        {"raw_key": "short", "name": "Too short"},
        {"raw_key": "legacy_key_aaa_0001", "name": "Duplicate"},
        {"raw_key": "legacy_key_ddd_0004", "name": "Bad scope", "scopes": ["everything"]}
    ]);
    let (status, out) = json(app.post_json("/v1/keys/batch-import", &admin, body).await).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(out["success_count"], 3);
    assert_eq!(out["failure_count"], 3);
    let codes: Vec<_> = out["results"].as_array().unwrap().iter().map(|r| r["error_code"].clone()).collect();
    assert_eq!(
        codes,
        vec![
            json!(null),
            json!(null),
            json!(null),
            json!("key_too_short"),
            json!("key_rejected"),
            json!("invalid_scope")
        ]
    );

    // An imported key authenticates like any other.
    assert_eq!(app.get_json("/v1/credentials", "legacy_key_aaa_0001").await.status(), StatusCode::OK);

    // All failing: an error status, still with per-item results.
    let (status, out) =
        json(app.post_json("/v1/keys/batch-import", &admin, json!({"keys": [{"raw_key": "x", "name": "n"}]})).await)
            .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(out["failure_count"], 1);
    assert_eq!(out["results"][0]["error_code"], "key_too_short");
    let too_many: Vec<_> = (0..1001).map(|i| json!({"raw_key": format!("legacy_key_{i:08}"), "name": "n"})).collect();
    assert_eq!(app.post_json("/v1/keys/batch-import", &admin, json!(too_many)).await.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_revoked_key_is_refused() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    let k = issuance::api_keys::create(&app.db, &org, "k", &[Scope::CredentialsRead], None).await.unwrap();
    assert_eq!(app.get_json("/v1/credentials", &k.secret).await.status(), StatusCode::OK);
    issuance::api_keys::revoke(&app.db, &org, &k.key.id, None).await.unwrap();
    let (status, err) = json(app.get_json("/v1/credentials", &k.secret).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(err["error"]["message"].as_str().unwrap().contains("revoked"));
    let stored: String = sqlx::query_scalar("SELECT secret_hash FROM api_keys WHERE id = $1")
        .bind(&k.key.id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(!stored.contains(&k.secret) && stored.len() == 64, "only a hash is stored");
}
