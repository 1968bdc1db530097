//! The REST API: key-import escalation, key guessing, orphaned idempotency claims, oversize input.

use issuance::api_keys::Scope;
use issuance::orgs::Plan;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{business, json, setup, spawn_app};

#[tokio::test]
async fn an_import_cannot_mint_a_key_stronger_than_the_importer() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    let weak = app.api_key(&org, &[Scope::KeysWrite, Scope::CredentialsRead]).await;
    let body = json!([
        {"raw_key": "legacy_escalation_key_01", "name": "Escalate", "scopes": ["credentials:write"]},
        {"raw_key": "legacy_escalation_key_02", "name": "Escalate more", "scopes": ["keys:read", "credentials:read"]}
    ]);
    let (status, out) = json(app.post_json("/v1/keys/batch-import", &weak, body).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{out}");
    assert_eq!(out["results"][0]["error_code"], "scope_not_held");
    assert!(out["results"][0]["message"].as_str().unwrap().contains("'credentials:write'"));
    assert_eq!(out["results"][1]["error_code"], "scope_not_held");
    let stored: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM api_keys WHERE imported = 1").fetch_one(&app.db).await.unwrap();
    assert_eq!(stored, 0);
    let (status, _) = json(app.post_json("/v1/credentials", "legacy_escalation_key_01", business()).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn importing_another_orgs_secret_answers_as_importing_ones_own_does() {
    let app = spawn_app().await;
    let org_a = app.org("A", Plan::Professional).await;
    let org_b = app.org("B", Plan::Professional).await;
    let importer = app.api_key(&org_a, &[Scope::KeysWrite, Scope::CredentialsRead]).await;
    let b_importer = app.api_key(&org_b, &[Scope::KeysWrite, Scope::CredentialsRead]).await;
    for (key, raw) in [(&b_importer, "secret-of-org-b-0001"), (&importer, "secret-of-org-a-0001")] {
        let (status, _) =
            json(app.post_json("/v1/keys/batch-import", key, json!([{"raw_key": raw, "name": "legacy"}])).await).await;
        assert_eq!(status, StatusCode::OK);
    }
    let probe = json!([
        {"raw_key": "secret-of-org-b-0001", "name": "probe"},
        {"raw_key": "secret-of-org-a-0001", "name": "probe"}
    ]);
    let (_, out) = json(app.post_json("/v1/keys/batch-import", &importer, probe).await).await;
    let (other, own) = (&out["results"][0], &out["results"][1]);
    assert_eq!(other["error_code"], own["error_code"]);
    assert_eq!(
        other["message"].as_str().unwrap().replace("[0]", "[i]"),
        own["message"].as_str().unwrap().replace("[1]", "[i]")
    );
}

#[tokio::test]
async fn guessing_api_keys_from_one_address_is_cut_off_with_retry_after() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    let real = app.api_key(&org, &[Scope::CredentialsRead]).await;
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for i in 0..30 {
        let r = app.get_json("/v1/credentials", &format!("lrl_guess_{i:04}")).await;
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            retry_after = r.headers().get("retry-after").map(|v| v.to_str().unwrap().parse::<u64>().unwrap());
        }
        statuses.push(r.status());
    }
    assert!(statuses[..20].iter().all(|s| *s == StatusCode::UNAUTHORIZED), "{statuses:?}");
    assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    assert!(retry_after.is_some_and(|s| s >= 1), "429 says when to retry");
    // While cut off, even a right key from that address waits (the test
    // clock stands still); once the lock runs out, it works again.
    assert_eq!(statuses[20], StatusCode::UNAUTHORIZED, "the 21st failure is counted and sets the lock");
    assert!(statuses[21..].iter().all(|s| *s == StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    assert_eq!(app.get_json("/v1/credentials", &real).await.status(), StatusCode::TOO_MANY_REQUESTS);
    app.clock.advance(2);
    assert_eq!(app.get_json("/v1/credentials", &real).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_idempotency_key_left_claimed_by_a_dead_request_is_taken_over_after_a_minute() {
    let (app, org, key) = setup().await;
    let body = serde_json::to_vec(&business()).unwrap();
    let fingerprint = issuance::idempotency::fingerprint("POST", "/v1/credentials", &body);
    // A request claimed the key 61 s ago and died before answering.
    let then = issuance::clock::now() - issuance::idempotency::STALE_CLAIM_SECS - 1;
    issuance::idempotency::claim(&app.db, &org, "orphaned", &fingerprint, then).await.unwrap();
    let send = || {
        app.client
            .post(app.url("/v1/credentials"))
            .header("x-api-key", &key)
            .header("idempotency-key", "orphaned")
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
    };
    let (status, first) = json(send().await.unwrap()).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let replay = send().await.unwrap();
    assert_eq!(replay.headers()["idempotent-replayed"], "true");

    let mut other = business();
    other["subject"]["id"] = json!("biz_other");
    let r = app
        .client
        .post(app.url("/v1/credentials"))
        .header("x-api-key", &key)
        .header("idempotency-key", "orphaned")
        .json(&other)
        .send()
        .await
        .unwrap();
    let (status, err) = json(r).await;
    assert_eq!(
        (status, err["error"]["code"].as_str().unwrap()),
        (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused")
    );
}

#[tokio::test]
async fn an_overlong_recipient_name_is_refused_naming_the_field() {
    let (app, org, key) = setup().await;
    let badge = crate::helpers::badge(&app, &org, "Safety").await;
    let body = json!({"credential_type": "badge", "badge_id": badge,
                      "recipient": {"name": "N".repeat(201), "email": "n@example.com"}});
    let (status, err) = json(app.post_json("/v1/credentials", &key, body).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["error"]["details"][0]["path"], "recipient.name");
    assert!(err["error"]["details"][0]["message"].as_str().unwrap().contains("at most 200"));
}
