//! The job engine through the real server: submit, workers, results.

use issuance::badges::{self, NewBadge};
use issuance::credentials::{self, IssueRequest, Issuer};
use issuance::orgs::{Plan, Role};
use reqwest::StatusCode;
use reqwest::header::LOCATION;
use serde_json::json;

use crate::helpers::{TestApp, spawn_app, wait_for_job};

async fn org_with_badge(app: &TestApp, plan: Plan) -> (String, String) {
    let org = app.org("Acme", plan).await;
    let badge = badges::create(
        &app.db,
        &org,
        NewBadge {
            name: "Safety".into(),
            description: "Knows the drill.".into(),
            criteria_narrative: "Passed the course.".into(),
            image_url: None,
            validity_days: Some(365),
        },
        None,
    )
    .await
    .unwrap();
    (org, badge.id)
}

async fn issue_badge(app: &TestApp, org: &str, badge: &str, name: &str, email: &str) -> String {
    let request = IssueRequest::parse(&json!({
        "credential_type": "badge",
        "badge_id": badge,
        "recipient": {"name": name, "email": email},
    }))
    .unwrap();
    let issuer = Issuer { db: &app.db, master: &app.master, public_url: "http://laurel.test" };
    credentials::issue(issuer, org, request, issuance::clock::now()).await.unwrap().id
}

/// Uploads `csv` as an issuer and submits it; returns the job id.
async fn submit(app: &TestApp, client: &reqwest::Client, org: &str, badge: &str, csv: &str) -> String {
    let form = reqwest::multipart::Form::new().text("badge_id", badge.to_owned()).part(
        "file",
        reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("people.csv").mime_str("text/csv").unwrap(),
    );
    let r = client
        .post(app.url(&format!("/organizations/{org}/credentials/bulk-issue/uploads")))
        .header("origin", &app.address)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let upload_id = r.headers()[LOCATION].to_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let r = app.call_as(client, "submit_bulk_upload", &[("org_id", org), ("upload_id", &upload_id)]).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    sqlx::query_scalar("SELECT id FROM jobs WHERE upload_id = $1").bind(&upload_id).fetch_one(&app.db).await.unwrap()
}

#[tokio::test]
async fn a_submitted_upload_is_issued_by_the_workers_with_the_superseded_credential_revoked() {
    let app = spawn_app().await;
    let (org, badge) = org_with_badge(&app, Plan::Professional).await;
    app.member(&org, "issuer@example.com", Role::Issuer).await;
    let issuer = app.signed_in("issuer@example.com").await;
    let old = issue_badge(&app, &org, &badge, "Sam", "sam@example.com").await;

    let job = submit(
        &app,
        &issuer,
        &org,
        &badge,
        "name,email\nJane,jane@example.com\nSam,SAM@example.com\nNobody,not-an-email\n",
    )
    .await;
    assert_eq!(wait_for_job(&app.db, &job).await, "completed");

    let (total, processed, succeeded, failed, skipped): (i64, i64, i64, i64, i64) =
        sqlx::query_as("SELECT total, processed, succeeded, failed, skipped FROM jobs WHERE id = $1")
            .bind(&job)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((total, processed, succeeded, failed, skipped), (3, 3, 2, 1, 0));

    let issued: Vec<(String, String)> =
        sqlx::query_as("SELECT recipient_email, status FROM credentials WHERE job_id = $1 ORDER BY recipient_email")
            .bind(&job)
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(issued, vec![("jane@example.com".into(), "active".into()), ("sam@example.com".into(), "active".into())]);
    let (old_status, superseded_by): (String, Option<String>) =
        sqlx::query_as("SELECT status, superseded_by FROM credentials WHERE id = $1")
            .bind(&old)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(old_status, "revoked");
    let sams_new: String = sqlx::query_scalar("SELECT id FROM credentials WHERE job_id = $1 AND recipient_email = $2")
        .bind(&job)
        .bind("sam@example.com")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(superseded_by, Some(sams_new));

    let (failed_code, failed_message): (String, String) =
        sqlx::query_as("SELECT error_code, error_message FROM job_items WHERE job_id = $1 AND state = 'failed'")
            .bind(&job)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(failed_code, "invalid_row");
    assert!(failed_message.contains("not-an-email"), "{failed_message}");

    let queued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE job_id = $1 AND status = 'queued'")
        .bind(&job)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(queued, 2, "one e-mail per issued credential waits in the outbox");
}
