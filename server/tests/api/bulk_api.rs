use issuance::api_keys::Scope;
use issuance::orgs::Plan;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, json, setup};

async fn badge(app: &TestApp, key: &str, validity_days: Value) -> String {
    let (status, b) = json(
        app.post_json(
            "/v1/badges",
            key,
            json!({"name": "Forklift Safety", "description": "Operates a forklift safely", "criteria_narrative": "Passed the practical test", "validity_days": validity_days}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{b}");
    b["id"].as_str().unwrap().to_owned()
}

async fn validate_csv(app: &TestApp, key: &str, badge_id: &str, csv: &str) -> (StatusCode, Value) {
    json(
        app.client
            .post(app.url(&format!("/v1/bulk-issue/validate?badge_id={badge_id}")))
            .header("x-api-key", key)
            .header("content-type", "text/csv")
            .body(csv.to_owned())
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn badges_are_created_read_listed_edited_and_archived_over_the_api() {
    let (app, _, key) = setup().await;
    let id = badge(&app, &key, json!(365)).await;
    let (_, one) = json(app.get_json(&format!("/v1/badges/{id}"), &key).await).await;
    assert_eq!(
        (one["name"].as_str(), one["validity_days"].as_i64(), one["archived"].as_bool()),
        (Some("Forklift Safety"), Some(365), Some(false))
    );

    let patch = app
        .api(
            reqwest::Method::PATCH,
            &format!("/v1/badges/{id}"),
            &key,
            Some(json!({"validity_days": null, "name": "Forklift Safety II"})),
        )
        .await;
    let (status, patched) = json(patch).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((patched["name"].as_str(), patched["validity_days"].is_null()), (Some("Forklift Safety II"), true));

    let (_, list) = json(app.get_json("/v1/badges", &key).await).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    let feed: Vec<String> =
        sqlx::query_scalar("SELECT kind FROM activity WHERE kind LIKE 'badge.%' ORDER BY created_at, id")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(feed, ["badge.created", "badge.edited"], "API changes reach the org's activity feed too");

    let (status, _) =
        json(app.api(reqwest::Method::PATCH, &format!("/v1/badges/{id}"), &key, Some(json!({"archived": true}))).await)
            .await;
    assert_eq!(status, StatusCode::OK);
    let issue =
        json!({"credential_type": "badge", "badge_id": id, "recipient": {"name": "Jane", "email": "jane@example.com"}});
    let (status, err) = json(app.post_json("/v1/credentials", &key, issue).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err["error"]["message"].as_str().unwrap().contains("archived"));

    let (status, err) =
        json(app.post_json("/v1/badges", &key, json!({"description": "no name", "validity_days": 0})).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["error"]["details"][0]["path"], "name");
    let (status, err) = json(app.post_json("/v1/badges", &key, json!({"name": "X", "validity_days": 0})).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["error"]["details"][0]["path"], "validity_days");
}

#[tokio::test]
async fn a_badge_credential_takes_its_expiry_from_the_badge_unless_given() {
    let (app, _, key) = setup().await;
    let timed = badge(&app, &key, json!(30)).await;
    let issue = |badge: &str, extra: Value| {
        let mut body = json!({"credential_type": "badge", "badge_id": badge, "recipient": {"name": "Jane", "email": "jane@example.com"}});
        if let Value::Object(m) = extra {
            body.as_object_mut().unwrap().extend(m);
        }
        body
    };
    let (_, c) = json(app.post_json("/v1/credentials", &key, issue(&timed, json!({}))).await).await;
    let days = |c: &Value| {
        let p = |f: &str| {
            time::OffsetDateTime::parse(c[f].as_str().unwrap(), &time::format_description::well_known::Rfc3339).unwrap()
        };
        (p("expires_at") - p("issued_at")).whole_days()
    };
    assert_eq!(days(&c), 30);
    let (_, c) = json(
        app.post_json("/v1/credentials", &key, issue(&timed, json!({"expires_at": "2030-01-01T00:00:00Z"}))).await,
    )
    .await;
    assert_eq!(c["expires_at"], "2030-01-01T00:00:00Z");
}

#[tokio::test]
async fn validate_classifies_a_csv_body_and_writes_nothing() {
    let (app, _, key) = setup().await;
    let id = badge(&app, &key, json!(null)).await;
    let existing =
        json!({"credential_type": "badge", "badge_id": id, "recipient": {"name": "Held", "email": "held@example.com"}});
    assert_eq!(app.post_json("/v1/credentials", &key, existing).await.status(), StatusCode::CREATED);
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM credentials").fetch_one(&app.db).await.unwrap();

    let csv = "Email,Name,Team\nnew@example.com,New Person,Blue\nHELD@example.com,Held,Red\nbad-address,Bad,Red\nnew@example.com,Again,Blue\n";
    let (status, r) = validate_csv(&app, &key, &id, csv).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["totals"]["new"], 1);
    assert_eq!(r["totals"]["active_non_expiring"], 1);
    assert_eq!(r["totals"]["invalid"], 1);
    assert_eq!(r["totals"]["duplicate"], 1);
    assert_eq!(r["totals"]["over_quota"], 0);
    let rows = r["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(
        rows[0],
        json!({"row": 1, "line": 2, "name": "New Person", "email": "new@example.com", "status": "new", "issuable": true,
               "reason": null, "existing_credential_id": null, "narrative": null, "evidence_url": null,
               "evidence_name": null, "issued_on": null, "expires_at": null, "badge_id": id})
    );
    assert_eq!(rows[1]["status"], "active_non_expiring");
    assert_eq!(rows[1]["issuable"], false);
    assert_eq!(rows[3]["status"], "duplicate");
    assert_eq!(rows[3]["reason"], "Duplicate in file: issued once, with row 1 (same e-mail).");
    assert_eq!(
        r["warnings"][0],
        "Columns ignored: Team. Laurel reads name and email, and optionally narrative, evidence_url, evidence_name, issued_on, expires_at and badge."
    );
    assert_eq!(r["can_submit"], true);

    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM credentials").fetch_one(&app.db).await.unwrap();
    let uploads: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM recipient_usage WHERE email = 'new@example.com'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!((before, uploads), (after, 0), "validation writes nothing");
}

#[tokio::test]
async fn validate_accepts_the_multipart_field_file() {
    let (app, _, key) = setup().await;
    let id = badge(&app, &key, json!(365)).await;
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"name,email\nJane,jane@example.com\n".to_vec())
            .file_name("people.csv")
            .mime_str("text/csv")
            .unwrap(),
    );
    let r = app
        .client
        .post(app.url(&format!("/v1/bulk-issue/validate?badge_id={id}")))
        .header("x-api-key", &key)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let (status, body) = json(r).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["totals"]["new"], 1);

    let wrong = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(b"x".to_vec()).file_name("people.xlsx"));
    let r = app
        .client
        .post(app.url(&format!("/v1/bulk-issue/validate?badge_id={id}")))
        .header("x-api-key", &key)
        .multipart(wrong)
        .send()
        .await
        .unwrap();
    let (status, body) = json(r).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["message"].as_str().unwrap().contains("is not a CSV file"), "{body}");
}

#[tokio::test]
async fn file_level_problems_are_400_or_413_in_the_error_shape() {
    let (app, _, key) = setup().await;
    let id = badge(&app, &key, json!(365)).await;
    for (csv, needle) in
        [("", "empty"), ("name,email\n", "no recipients"), ("name,mail\nJane,jane@example.com\n", "no 'email' column")]
    {
        let (status, err) = validate_csv(&app, &key, &id, csv).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{csv:?}");
        assert!(err["error"]["message"].as_str().unwrap().contains(needle), "{err}");
        assert_eq!(err["error"]["details"][0]["path"], "file");
    }
    let latin1 = app
        .client
        .post(app.url(&format!("/v1/bulk-issue/validate?badge_id={id}")))
        .header("x-api-key", &key)
        .header("content-type", "text/csv")
        .body(b"name,email\nJos\xE9,jose@example.com\n".to_vec())
        .send()
        .await
        .unwrap();
    let (status, err) = json(latin1).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(err["error"]["message"].as_str().unwrap().contains("line 2"));

    let big = format!("name,email\n{}", "Jane Doe,jane@example.com\n".repeat(45_000));
    let (status, err) = validate_csv(&app, &key, &id, &big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(err["error"]["code"], "payload_too_large");

    let (status, err) = validate_csv(&app, &key, "bdg_missing", "name,email\nA,a@example.com\n").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["error"]["details"][0]["path"], "badge_id");
}

#[tokio::test]
async fn another_orgs_badge_is_not_found_and_free_plans_may_validate_but_not_submit() {
    let (app, _, key) = setup().await;
    let id = badge(&app, &key, json!(365)).await;
    let free = app.org("Free Org", Plan::Free).await;
    let free_key = app.api_key(&free, &[Scope::CredentialsRead, Scope::CredentialsWrite]).await;
    let (status, _) = validate_csv(&app, &free_key, &id, "name,email\nA,a@example.com\n").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "another org's badge is unknown here");

    let free_badge = badge(&app, &free_key, json!(365)).await;
    let (status, r) = validate_csv(&app, &free_key, &free_badge, "name,email\nA,a@example.com\n").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(r["can_submit"], false);
    assert!(r["submit_blocked_reason"].as_str().unwrap().contains("Free plan"));
}
