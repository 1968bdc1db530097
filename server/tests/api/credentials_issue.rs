use issuance::api_keys::Scope;
use issuance::orgs::Plan;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{business, decode_part, json, setup, spawn_app};

#[tokio::test]
async fn issuing_returns_the_reference_fields_and_a_verifiable_jwt() {
    let (app, org, key) = setup().await;
    let (status, body) = json(app.post_json("/v1/credentials", &key, business()).await).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    for field in [
        "id",
        "credential_id",
        "credential_type",
        "subject",
        "claims",
        "issuer_did",
        "kid",
        "alg",
        "proof_format",
        "signed_payload",
        "status",
        "status_list_index",
        "issued_at",
        "expires_at",
        "created_at",
        "updated_at",
    ] {
        assert!(!body[field].is_null(), "{field} missing: {body}");
    }
    assert_eq!(body["alg"], "ES256");
    assert_eq!(body["proof_format"], "jwt_vc");
    assert_eq!(body["status"], "active");
    assert!(body["issuer_did"].as_str().unwrap().ends_with(&format!(":organizations:{org}")));
    assert!(body["kid"].as_str().unwrap().starts_with(body["issuer_did"].as_str().unwrap()));

    // 90 days by default.
    let issued = time::OffsetDateTime::parse(
        body["issued_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let expires = time::OffsetDateTime::parse(
        body["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!((expires - issued).whole_days(), 90);

    let token = body["signed_payload"].as_str().unwrap();
    let payload = decode_part(token, 1);
    let header = decode_part(token, 0);
    assert_eq!(header["typ"], "vc+jwt");
    assert_eq!(header["alg"], "ES256");
    assert_eq!(header["kid"], body["kid"]);
    assert_eq!(payload["@context"][0], "https://www.w3.org/ns/credentials/v2");
    assert_eq!(payload["iss"], body["issuer_did"]);
    assert_eq!(payload["sub"], "biz_widgetcorp");
    assert_eq!(payload["credentialSubject"]["subjectId"], "biz_widgetcorp");
    assert!(payload["credentialSubject"].get("id").is_none(), "a plain id is no VC subject id (that must be a URL)");
    assert_eq!(payload["jti"], body["url"], "jti is the credential's id, its public URL");
    assert_eq!(payload["id"], body["url"]);
    assert_eq!(body["url"], format!("http://laurel.test/credentials/{}", body["id"].as_str().unwrap()));
    assert_eq!(payload["nbf"].as_i64().unwrap(), iso_secs(&payload["validFrom"]));
    assert_eq!(payload["exp"].as_i64().unwrap(), iso_secs(&payload["validUntil"]));
    for claim in ["iat", "nbf", "exp"] {
        assert!(payload[claim].is_i64(), "{claim}");
    }
    assert_eq!(payload["credentialStatus"]["type"], "BitstringStatusListEntry");
    assert_eq!(payload["credentialStatus"]["statusListIndex"], body["status_list_index"].to_string());
    assert_eq!(payload["credentialSubject"]["kyb_status"], "approved");

    let (status, verdict) =
        json(app.post_json("/v1/credentials/verify", &key, json!({"signed_payload": token})).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(verdict["is_valid"], true, "{verdict}");
    assert_eq!(
        verdict["checks"],
        json!({"signature": "passed", "issuer": "passed", "expiry": "passed", "status": "passed"})
    );
}

#[tokio::test]
async fn every_credential_type_issues_and_verifies() {
    let (app, org, key) = setup().await;
    let badge = issuance::badges::create(
        &app.db,
        &org,
        issuance::badges::NewBadge {
            name: "Rust 101".into(),
            description: "Knows Rust".into(),
            criteria_narrative: "Passed the exam".into(),
            image_url: None,
            validity_days: None,
        },
        None,
    )
    .await
    .unwrap();
    let bodies = [
        business(),
        json!({"credential_type": "user", "subject": {"id": "user_jane", "type": "person", "name": {"first": "Jane", "last": "Doe"}},
               "claims": {"kyc_status": "approved", "trust_level": "idv_verified"}}),
        json!({"credential_type": "agent_authorization", "subject": {"id": "agent_1", "type": "agent", "name": "Assistant"},
               "claims": {"permissions": [{"resource_type": "calendar", "resource_id": "*", "actions": ["read"]}]}}),
        json!({"credential_type": "outcome_attestation", "attestation_type": "email_risk", "subject": {"id": "chk_1", "type": "check"},
               "claims": {"email": "jane@example.com", "risk_score": 0.1}}),
        json!({"credential_type": "badge", "badge_id": badge.id, "recipient": {"name": "Jane Doe", "email": "jane@example.com"}}),
    ];
    for body in bodies {
        let kind = body["credential_type"].as_str().unwrap().to_owned();
        let (status, issued) = json(app.post_json("/v1/credentials", &key, body).await).await;
        assert_eq!(status, StatusCode::CREATED, "{kind}: {issued}");
        let (_, verdict) =
            json(app.post_json("/v1/credentials/verify", &key, json!({"credential_id": issued["id"]})).await).await;
        assert_eq!(verdict["is_valid"], true, "{kind}: {verdict}");
        if kind == "badge" {
            let payload = decode_part(issued["signed_payload"].as_str().unwrap(), 1);
            assert_eq!(payload["type"], json!(["VerifiableCredential", "OpenBadgeCredential"]));
            assert_eq!(payload["credentialSubject"]["achievement"]["name"], "Rust 101");
            assert!(payload.get("exp").is_none(), "a non-expiring badge has no exp");
            assert!(issued["expires_at"].is_null());
            assert!(!issued["signed_payload"].as_str().unwrap().contains("jane@example.com"));
            let hash = payload["credentialSubject"]["identifier"][0]["identityHash"].as_str().unwrap();
            assert!(hash.starts_with("sha256$"), "the e-mail is hashed: {hash}");
        }
    }
}

#[tokio::test]
async fn validation_errors_list_every_field_path() {
    let (app, _, key) = setup().await;
    let mut body = business();
    body["claims"]["kyb_status"] = json!("verified");
    body["subject"]["type"] = json!("organization");
    let (status, err) = json(app.post_json("/v1/credentials", &key, body).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["error"]["code"], "validation_failed");
    let details = err["error"]["details"].as_array().unwrap();
    assert!(details.iter().any(|d| d["path"] == "claims.kyb_status"
        && d["message"] == "expected 'approved' | 'pending' | 'declined' | 'manual_review', got 'verified'"));
    assert!(details.iter().any(|d| d["path"] == "subject.type"));
    let none: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM credentials").fetch_one(&app.db).await.unwrap();
    assert_eq!(none, 0, "nothing is written for a bad request");
}

#[tokio::test]
async fn each_error_code_has_its_status() {
    let (app, org, key) = setup().await;
    let read_only = app.api_key(&org, &[Scope::CredentialsRead]).await;

    // 400: malformed JSON
    let r = app
        .client
        .post(app.url("/v1/credentials"))
        .header("x-api-key", &key)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let (status, err) = json(r).await;
    assert_eq!((status, err["error"]["code"].as_str().unwrap()), (StatusCode::BAD_REQUEST, "validation_failed"));
    // 401: no key, wrong key
    let (status, err) = json(app.client.post(app.url("/v1/credentials")).json(&business()).send().await.unwrap()).await;
    assert_eq!((status, err["error"]["code"].as_str().unwrap()), (StatusCode::UNAUTHORIZED, "unauthorized"));
    let (status, _) = json(app.post_json("/v1/credentials", "lrl_not_a_key", business()).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // 403: the key lacks credentials:write
    let (status, err) = json(app.post_json("/v1/credentials", &read_only, business()).await).await;
    assert_eq!((status, err["error"]["code"].as_str().unwrap()), (StatusCode::FORBIDDEN, "forbidden"));
    assert!(err["error"]["message"].as_str().unwrap().contains("credentials:write"));
    // 404
    let (status, err) = json(app.get_json("/v1/credentials/cred_missing", &key).await).await;
    assert_eq!((status, err["error"]["code"].as_str().unwrap()), (StatusCode::NOT_FOUND, "not_found"));
    // 413
    let huge = json!({"credential_type": "business", "padding": "x".repeat(2 * 1024 * 1024)});
    let (status, err) = json(app.post_json("/v1/credentials", &key, huge).await).await;
    assert_eq!((status, err["error"]["code"].as_str().unwrap()), (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"));
    // 422: expires_at in the past
    let mut past = business();
    past["expires_at"] = json!("2020-01-01T00:00:00Z");
    let (status, err) = json(app.post_json("/v1/credentials", &key, past).await).await;
    assert_eq!(
        (status, err["error"]["code"].as_str().unwrap()),
        (StatusCode::UNPROCESSABLE_ENTITY, "unprocessable_entity")
    );
    assert!(err["error"]["message"].as_str().unwrap().contains("in the past"));
}

#[tokio::test]
async fn an_org_that_is_not_approved_cannot_issue() {
    let app = spawn_app().await;
    let org = issuance::orgs::organizations::create(&app.db, "Pending Inc", Plan::Professional).await.unwrap();
    let key = app.api_key(&org.id, &[Scope::CredentialsWrite]).await;
    let (status, err) = json(app.post_json("/v1/credentials", &key, business()).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err["error"]["message"].as_str().unwrap().contains("not approved"));
}

#[tokio::test]
async fn the_monthly_quota_counts_each_recipient_once_and_refuses_one_more() {
    let (app, org, key) = setup().await;
    issuance::orgs::organizations::set_quota(&app.db, &org, 2).await.unwrap();
    for subject in ["biz_a", "biz_b", "biz_a"] {
        let mut body = business();
        body["subject"]["id"] = json!(subject);
        assert_eq!(app.post_json("/v1/credentials", &key, body).await.status(), StatusCode::CREATED, "{subject}");
    }
    let mut third = business();
    third["subject"]["id"] = json!("biz_c");
    let (status, err) = json(app.post_json("/v1/credentials", &key, third).await).await;
    assert_eq!((status, err["error"]["code"].as_str().unwrap()), (StatusCode::UNPROCESSABLE_ENTITY, "quota_exceeded"));
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM credentials").fetch_one(&app.db).await.unwrap();
    assert_eq!(count, 3);
}

/// An RFC 3339 time as unix seconds.
fn iso_secs(v: &serde_json::Value) -> i64 {
    time::OffsetDateTime::parse(v.as_str().unwrap(), &time::format_description::well_known::Rfc3339)
        .unwrap()
        .unix_timestamp()
}
