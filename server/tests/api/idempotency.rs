use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{business, json, setup};

#[tokio::test]
async fn a_retry_with_the_same_idempotency_key_returns_the_first_answer_and_mints_nothing() {
    let (app, _, key) = setup().await;
    let send = |body: Value, idem: &'static str| {
        app.client
            .post(app.url("/v1/credentials"))
            .header("x-api-key", &key)
            .header("idempotency-key", idem)
            .json(&body)
            .send()
    };
    let first = send(business(), "key-1").await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    let again = send(business(), "key-1").await.unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(first, again);
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM credentials").fetch_one(&app.db).await.unwrap();
    assert_eq!(count, 1);

    // The same key with another body is refused.
    let mut other = business();
    other["subject"]["id"] = json!("biz_other");
    let (status, err) = json(send(other, "key-1").await.unwrap()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err["error"]["message"].as_str().unwrap().contains("different request"));
}

#[tokio::test]
async fn concurrent_requests_with_one_idempotency_key_mint_once_and_the_other_gets_409() {
    let (app, org, key) = setup().await;
    // Hold the key as "in progress", as a first request still running would.
    issuance::idempotency::claim(
        &app.db,
        &org,
        "busy",
        &issuance::idempotency::fingerprint("POST", "/v1/credentials", &serde_json::to_vec(&business()).unwrap()),
        issuance::clock::now(),
    )
    .await
    .unwrap();
    let r = app
        .client
        .post(app.url("/v1/credentials"))
        .header("x-api-key", &key)
        .header("idempotency-key", "busy")
        .body(serde_json::to_vec(&business()).unwrap())
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    let (status, err) = json(r).await;
    assert_eq!((status, err["error"]["code"].as_str().unwrap()), (StatusCode::CONFLICT, "idempotency_conflict"));

    // And truly concurrent: many at once, exactly one credential.
    let body = serde_json::to_vec(&business()).unwrap();
    let requests = (0..8).map(|_| {
        app.client
            .post(app.url("/v1/credentials"))
            .header("x-api-key", &key)
            .header("idempotency-key", "race")
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
    });
    let statuses: Vec<StatusCode> =
        futures::future::join_all(requests).await.into_iter().map(|r| r.unwrap().status()).collect();
    assert!(statuses.iter().all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT), "{statuses:?}");
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM credentials").fetch_one(&app.db).await.unwrap();
    assert_eq!(count, 1);
}
