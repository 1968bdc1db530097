//! `POST /v1/bulk-issue` and the job endpoints: a CSV becomes a job in one
//! call, answered at once; the job is followed, listed and cancelled.

use issuance::api_keys::Scope;
use issuance::orgs::Plan;
use reqwest::StatusCode;
use reqwest::header::LOCATION;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::helpers::{TestApp, json, setup, spawn_app_with, wait_for_job};

async fn badge(app: &TestApp, key: &str) -> String {
    let (status, b) = json(
        app.post_json(
            "/v1/badges",
            key,
            json!({"name": "Forklift Safety", "description": "Operates a forklift safely",
                   "criteria_narrative": "Passed the practical test", "validity_days": 365}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{b}");
    b["id"].as_str().unwrap().to_owned()
}

/// `POST /v1/bulk-issue` with the CSV as the body.
async fn post_csv(app: &TestApp, key: &str, badge_id: &str, csv: &str, idem: Option<&str>) -> reqwest::Response {
    let mut req = app
        .client
        .post(app.url(&format!("/v1/bulk-issue?badge_id={badge_id}")))
        .header("x-api-key", key)
        .header("content-type", "text/csv")
        .body(csv.to_owned());
    if let Some(k) = idem {
        req = req.header("idempotency-key", k);
    }
    req.send().await.unwrap()
}

/// `POST /v1/bulk-issue` with the CSV as the multipart field `file`.
async fn post_multipart(app: &TestApp, key: &str, badge_id: &str, csv: &str, idem: Option<&str>) -> reqwest::Response {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("people.csv").mime_str("text/csv").unwrap(),
    );
    let mut req = app
        .client
        .post(app.url(&format!("/v1/bulk-issue?badge_id={badge_id}")))
        .header("x-api-key", key)
        .multipart(form);
    if let Some(k) = idem {
        req = req.header("idempotency-key", k);
    }
    req.send().await.unwrap()
}

async fn submitted(app: &TestApp, key: &str, badge_id: &str, csv: &str) -> String {
    let (status, job) = json(post_csv(app, key, badge_id, csv, None).await).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    job["job_id"].as_str().unwrap().to_owned()
}

async fn job_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM jobs").fetch_one(&app.db).await.unwrap()
}

fn timestamp(v: &Value) -> OffsetDateTime {
    OffsetDateTime::parse(v.as_str().unwrap_or_else(|| panic!("not a timestamp: {v}")), &Rfc3339).unwrap()
}

#[tokio::test]
async fn post_answers_202_at_once_and_the_job_reports_credentials_and_failed_rows() {
    let (app, _, key) = setup().await;
    let badge_id = badge(&app, &key).await;
    let csv = "name,email\nJane Doe,jane@example.com\nNobody,not-an-email\nJoe Bloggs,joe@example.com\n";

    let r = post_multipart(&app, &key, &badge_id, csv, None).await;
    let location = r.headers().get(LOCATION).map(|v| v.to_str().unwrap().to_owned());
    let (status, job) = json(r).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let job_id = job["job_id"].as_str().unwrap().to_owned();
    assert_eq!(location, Some(format!("/v1/bulk-issue/{job_id}")));
    for field in ["job_id", "status", "total", "processed", "succeeded", "failed", "skipped", "created_at"] {
        assert!(job.get(field).is_some(), "the answer lacks {field}: {job}");
    }
    assert!(["pending", "processing"].contains(&job["status"].as_str().unwrap()), "{job}");
    assert_eq!((job["total"].as_i64(), job["badge_id"].as_str()), (Some(3), Some(badge_id.as_str())));
    timestamp(&job["created_at"]);

    assert_eq!(wait_for_job(&app.db, &job_id).await, "completed");
    let (status, done) = json(app.get_json(&format!("/v1/bulk-issue/{job_id}"), &key).await).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["status"], "completed");
    let n = |f: &str| done[f].as_i64().unwrap();
    assert_eq!((n("total"), n("processed"), n("succeeded"), n("failed"), n("skipped")), (3, 3, 2, 1, 0));
    assert_eq!(n("processed"), n("succeeded") + n("failed") + n("skipped"));
    assert!(timestamp(&done["started_at"]) <= timestamp(&done["completed_at"]));
    // No SMTP server here: the e-mails wait, so delivery is not done.
    assert_eq!(done["delivery_completed_at"], Value::Null, "{done}");
    assert!(timestamp(&done["created_at"]) <= timestamp(&done["started_at"]));

    let ids = done["credential_ids"].as_array().unwrap();
    assert_eq!(ids.len(), 2);
    let mut emails = Vec::new();
    for id in ids {
        let (status, c) = json(app.get_json(&format!("/v1/credentials/{}", id.as_str().unwrap()), &key).await).await;
        assert_eq!(status, StatusCode::OK, "{c}");
        assert_eq!((c["status"].as_str(), c["badge_id"].as_str()), (Some("active"), Some(badge_id.as_str())));
        emails.push(c["recipient"]["email"].as_str().unwrap().to_owned());
    }
    assert_eq!(emails, ["jane@example.com", "joe@example.com"], "credential_ids come in file order");

    let errors = done["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{done}");
    assert_eq!((errors[0]["index"].as_i64(), errors[0]["code"].as_str()), (Some(1), Some("invalid_row")));
    assert!(errors[0]["message"].as_str().unwrap().contains("not-an-email"), "{}", errors[0]);
}

#[tokio::test]
async fn scopes_plans_badges_and_files_are_checked_before_any_job_exists() {
    let (app, org, key) = setup().await;
    let badge_id = badge(&app, &key).await;
    let csv = "name,email\nJane,jane@example.com\n";

    let read_only = app.api_key(&org, &[Scope::CredentialsRead]).await;
    let (status, err) = json(post_csv(&app, &read_only, &badge_id, csv, None).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{err}");
    assert_eq!(err["error"]["code"], "forbidden");
    let write_only = app.api_key(&org, &[Scope::CredentialsWrite]).await;
    let job_id = submitted(&app, &write_only, &badge_id, csv).await;
    let (status, _) = json(app.get_json(&format!("/v1/bulk-issue/{job_id}"), &write_only).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "reading a job needs credentials:read");
    wait_for_job(&app.db, &job_id).await;
    let jobs_before = job_count(&app).await;

    let free = app.org("Free Org", Plan::Free).await;
    let free_key = app.api_key(&free, &[Scope::CredentialsRead, Scope::CredentialsWrite]).await;
    let free_badge = badge(&app, &free_key).await;
    let (status, err) = json(post_csv(&app, &free_key, &free_badge, csv, None).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("Free plan"), "{err}");

    let (status, err) = json(post_csv(&app, &key, &badge_id, "name,email\nNobody,not-an-email\n", None).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "nothing to issue: {err}");

    let (status, err) = json(post_csv(&app, &free_key, &badge_id, csv, None).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "another org's badge is unknown here: {err}");
    assert_eq!(err["error"]["details"][0]["path"], "badge_id");
    let (status, err) = json(post_csv(&app, &key, "", csv, None).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["error"]["details"][0]["path"], "badge_id");

    let (status, err) = json(post_csv(&app, &key, &badge_id, "name,mail\nJane,jane@example.com\n", None).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["error"]["details"][0]["path"], "file");
    let big = format!("name,email\n{}", "Jane Doe,jane@example.com\n".repeat(45_000));
    let (status, err) = json(post_csv(&app, &key, &badge_id, &big, None).await).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(err["error"]["code"], "payload_too_large");

    assert_eq!(job_count(&app).await, jobs_before, "no refused request made a job");
}

#[tokio::test]
async fn another_orgs_job_is_not_found() {
    let (app, _, key) = setup().await;
    let badge_id = badge(&app, &key).await;
    let job_id = submitted(&app, &key, &badge_id, "name,email\nJane,jane@example.com\n").await;

    let other = app.org("Other", Plan::Professional).await;
    let other_key = app.api_key(&other, &[Scope::CredentialsRead, Scope::CredentialsWrite]).await;
    let (status, err) = json(app.get_json(&format!("/v1/bulk-issue/{job_id}"), &other_key).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{err}");
    assert_eq!(err["error"]["code"], "not_found");
    let (status, _) =
        json(app.post_json(&format!("/v1/bulk-issue/{job_id}/cancel"), &other_key, json!({})).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = json(app.get_json("/v1/bulk-issue", &other_key).await).await;
    assert_eq!(list["data"], json!([]));
    let (status, _) = json(app.get_json("/v1/bulk-issue/job_nonexistent", &key).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    wait_for_job(&app.db, &job_id).await;
}

#[tokio::test]
async fn an_idempotent_replay_returns_the_same_job_and_creates_no_second_one() {
    let (app, _, key) = setup().await;
    let badge_id = badge(&app, &key).await;
    let csv = "name,email\nJane,jane@example.com\nJoe,joe@example.com\n";

    let first = post_multipart(&app, &key, &badge_id, csv, Some("bulk-2026-05-01")).await;
    assert!(first.headers().get("idempotent-replayed").is_none());
    let (status, first) = json(first).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{first}");
    // The same file again, in a multipart body with another boundary.
    let again = post_multipart(&app, &key, &badge_id, csv, Some("bulk-2026-05-01")).await;
    assert_eq!(again.headers().get("idempotent-replayed").map(|v| v.to_str().unwrap()), Some("true"));
    let (status, again) = json(again).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(again["job_id"], first["job_id"]);
    assert_eq!(job_count(&app).await, 1, "a replay starts no second job");

    let (status, err) = json(
        post_multipart(&app, &key, &badge_id, "name,email\nOther,other@example.com\n", Some("bulk-2026-05-01")).await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("Idempotency-Key"), "{err}");
    assert_eq!(job_count(&app).await, 1);

    let job_id = first["job_id"].as_str().unwrap();
    assert_eq!(wait_for_job(&app.db, job_id).await, "completed");
    let issued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM credentials").fetch_one(&app.db).await.unwrap();
    assert_eq!(issued, 2, "each recipient issued once");

    let (status, body) = json(post_csv(&app, &key, &badge_id, csv, Some("bulk-csv-body")).await).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let r = post_csv(&app, &key, &badge_id, csv, Some("bulk-csv-body")).await;
    assert_eq!(r.headers().get("idempotent-replayed").map(|v| v.to_str().unwrap()), Some("true"));
    assert_eq!(json(r).await.1["job_id"], body["job_id"]);
    assert_eq!(job_count(&app).await, 2);
    wait_for_job(&app.db, body["job_id"].as_str().unwrap()).await;
}

#[tokio::test]
async fn a_bulk_job_supersedes_what_it_replaces_as_the_dashboard_does() {
    let (app, _, key) = setup().await;
    let badge_id = badge(&app, &key).await;
    let (status, old) = json(
        app.post_json(
            "/v1/credentials",
            &key,
            json!({"credential_type": "badge", "badge_id": badge_id, "recipient": {"name": "Sam", "email": "sam@example.com"}}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{old}");
    let old_id = old["id"].as_str().unwrap();

    let job_id = submitted(&app, &key, &badge_id, "name,email\nJane,jane@example.com\nSam,SAM@example.com\n").await;
    assert_eq!(wait_for_job(&app.db, &job_id).await, "completed");
    let (_, job) = json(app.get_json(&format!("/v1/bulk-issue/{job_id}"), &key).await).await;
    assert_eq!((job["succeeded"].as_i64(), job["errors"].as_array().map(Vec::len)), (Some(2), Some(0)));
    let sams_new = job["credential_ids"][1].as_str().unwrap();

    let (_, old_now) = json(app.get_json(&format!("/v1/credentials/{old_id}"), &key).await).await;
    assert_eq!(old_now["status"], "revoked");
    let superseded_by: Option<String> = sqlx::query_scalar("SELECT superseded_by FROM credentials WHERE id = $1")
        .bind(old_id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(superseded_by.as_deref(), Some(sams_new));
    let (_, new) = json(app.get_json(&format!("/v1/credentials/{sams_new}"), &key).await).await;
    assert_eq!((new["status"].as_str(), new["recipient"]["email"].as_str()), (Some("active"), Some("sam@example.com")));
}

#[tokio::test]
async fn jobs_are_listed_newest_first_a_page_at_a_time_and_can_be_cancelled() {
    // No workers: jobs stay pending, so one can be cancelled for sure.
    let app = spawn_app_with(|c| c.workers = false).await;
    let org = app.org("Acme", Plan::Professional).await;
    let key = app.api_key(&org, &[Scope::CredentialsRead, Scope::CredentialsWrite]).await;
    let badge_id = badge(&app, &key).await;
    let mut ids = Vec::new();
    for who in ["a", "b", "c"] {
        ids.push(submitted(&app, &key, &badge_id, &format!("name,email\n{who},{who}@example.com\n")).await);
    }

    let (status, page) = json(app.get_json("/v1/bulk-issue?limit=2", &key).await).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let listed = |p: &Value| p["data"].as_array().unwrap().iter().map(|j| j["job_id"].clone()).collect::<Vec<_>>();
    assert_eq!(listed(&page), [json!(ids[2]), json!(ids[1])]);
    assert_eq!(page["has_more"], true);
    let cursor = page["next_cursor"].as_str().unwrap();
    let (_, rest) = json(app.get_json(&format!("/v1/bulk-issue?limit=2&after={cursor}"), &key).await).await;
    assert_eq!(listed(&rest), [json!(ids[0])]);
    assert_eq!((rest["has_more"].as_bool(), rest["next_cursor"].is_null()), (Some(false), true));
    let (status, _) = json(app.get_json("/v1/bulk-issue?limit=0", &key).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let read_only = app.api_key(&org, &[Scope::CredentialsRead]).await;
    let (status, _) =
        json(app.post_json(&format!("/v1/bulk-issue/{}/cancel", ids[0]), &read_only, json!({})).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, cancelled) =
        json(app.post_json(&format!("/v1/bulk-issue/{}/cancel", ids[0]), &key, json!({})).await).await;
    assert_eq!(status, StatusCode::OK, "{cancelled}");
    assert_eq!((cancelled["status"].as_str(), cancelled["cancelled"].as_i64()), (Some("cancelled"), Some(1)));
    let (_, job) = json(app.get_json(&format!("/v1/bulk-issue/{}", ids[0]), &key).await).await;
    assert_eq!(job["status"], "cancelled");
    assert_eq!(job["credential_ids"], json!([]));
    timestamp(&job["completed_at"]);
    assert!(job["started_at"].is_null());
    let (status, err) = json(app.post_json(&format!("/v1/bulk-issue/{}/cancel", ids[0]), &key, json!({})).await).await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
}

/// Issues `email` a credential of `badge_id` over the API; returns its id.
async fn holding(app: &TestApp, key: &str, badge_id: &str, email: &str) -> String {
    let body =
        json!({"credential_type": "badge", "badge_id": badge_id, "recipient": {"name": "Holder", "email": email}});
    let (status, c) = json(app.post_json("/v1/credentials", key, body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    c["id"].as_str().unwrap().to_owned()
}

async fn credential_status(app: &TestApp, key: &str, id: &str) -> String {
    let (_, c) = json(app.get_json(&format!("/v1/credentials/{id}"), key).await).await;
    c["status"].as_str().unwrap().to_owned()
}

async fn active_count(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM credentials WHERE recipient_email = $1 AND status = 'active'")
        .bind(email)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn each_duplicate_policy_does_what_the_dry_run_said_to_those_who_hold_the_badge() {
    let (app, _, key) = setup().await;
    let badge_id = badge(&app, &key).await;
    // (policy, the holder's row issuable, their old credential afterwards, their active credentials)
    for (policy, issuable, old_after, active_after) in
        [("skip", false, "active", 1), ("replace", true, "revoked", 1), ("allow", true, "active", 2)]
    {
        let holder = format!("holder-{policy}@example.com");
        let csv = format!("name,email\nHolder,{holder}\nNewcomer,new-{policy}@example.com\n");
        let old = holding(&app, &key, &badge_id, &holder).await;
        let url = format!("/v1/bulk-issue/validate?badge_id={badge_id}&duplicate_policy={policy}");
        let response = app.post_csv(&url, &key, csv.clone()).await;
        let (status, review) = json(response).await;
        assert_eq!(status, StatusCode::OK, "{review}");
        assert_eq!(review["duplicate_policy"], policy);
        assert_eq!(review["totals"]["holders"], 1, "{review}");
        assert_eq!(review["rows"][0]["status"], "active_time_bound");
        assert_eq!(review["rows"][0]["issuable"], issuable, "{policy}: {review}");

        let response =
            app.post_csv(&format!("/v1/bulk-issue?badge_id={badge_id}&duplicate_policy={policy}"), &key, csv).await;
        let (status, job) = json(response).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{job}");
        let job_id = job["job_id"].as_str().unwrap();
        assert_eq!(wait_for_job(&app.db, job_id).await, "completed");
        let (_, job) = json(app.get_json(&format!("/v1/bulk-issue/{job_id}"), &key).await).await;
        let issued = if issuable { 2 } else { 1 };
        assert_eq!((job["succeeded"].as_i64(), job["skipped"].as_i64()), (Some(issued), Some(2 - issued)), "{job}");
        assert_eq!(credential_status(&app, &key, &old).await, old_after, "{policy}");
        assert_eq!(active_count(&app, &holder).await, active_after, "{policy}");
    }
}

#[tokio::test]
async fn an_unknown_duplicate_policy_is_refused_naming_the_parameter_and_its_choices() {
    let (app, _, key) = setup().await;
    let badge_id = badge(&app, &key).await;
    let path = format!("/v1/bulk-issue?badge_id={badge_id}&duplicate_policy=merge");
    let response = app.post_csv(&path, &key, "name,email\nA,a@example.com\n").await;
    let (status, body) = json(response).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["details"][0]["path"], "duplicate_policy");
    let message = body["error"]["details"][0]["message"].as_str().unwrap();
    assert!(message.contains("'skip'") && message.contains("'merge'"), "{message}");
    assert_eq!(job_count(&app).await, 0);
}
