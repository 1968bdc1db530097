//! A file that names each row's badge (a `badge` column): the review
//! groups its rows by badge, judging holdings and in-file duplicates per
//! badge and the quota per person, and one job issues every row its own
//! badge.

use std::collections::BTreeMap;

use issuance::api_keys::Scope;
use issuance::badges::{self, NewBadge};
use issuance::orgs::Plan;
use reqwest::StatusCode;
use serde_json::{Value, json};

use issuance::orgs::Role;
use reqwest::header::LOCATION;

use crate::helpers::{TestApp, decode_part, json, spawn_app_with, upload_csv, wait_for_job};

/// An org with two badges: "Rocketry" (a year) and "Safety" (never
/// expires), and a read-write key. Bo already holds Safety.
async fn two_badges() -> (TestApp, String, String, String, String) {
    // Two rows a batch, so batches of either badge alternate through the job.
    let app = spawn_app_with(|c| c.job_batch_rows = 2).await;
    let org = app.org("Acme", Plan::Professional).await;
    let key = app.api_key(&org, &[Scope::CredentialsRead, Scope::CredentialsWrite]).await;
    let new = |name: &str, validity_days| NewBadge {
        name: name.into(),
        description: format!("{name}, done well."),
        criteria_narrative: "Passed the course.".into(),
        image_url: None,
        validity_days,
    };
    let rocketry = badges::create(&app.db, &org, new("Rocketry", Some(365)), None).await.unwrap().id;
    let safety = badges::create(&app.db, &org, new("Safety", None), None).await.unwrap().id;
    let body =
        json!({"credential_type": "badge", "badge_id": safety, "recipient": {"name": "Bo", "email": "bo@example.com"}});
    let (status, held) = json(app.post_json("/v1/credentials", &key, body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{held}");
    (app, org, key, rocketry, safety)
}

/// Rows by name for Rocketry, by id for Safety; Ada twice for Rocketry;
/// Bo already holds Safety; a badge nobody has; a blank cell.
fn file(safety: &str) -> String {
    format!(
        "name,email,badge\n\
         Ada,ada@example.com,Rocketry\n\
         Ada,ada@example.com,{safety}\n\
         Ada Again,ada@example.com,Rocketry\n\
         Bo,bo@example.com,Safety\n\
         Bo,bo@example.com,Rocketry\n\
         Cy,cy@example.com,Welding\n\
         Di,di@example.com,\n\
         Ed,ed@example.com,rocketry\n"
    )
}

fn row(review: &Value, n: u64) -> &Value {
    review["rows"].as_array().unwrap().iter().find(|r| r["row"] == n).unwrap_or_else(|| panic!("no row {n}"))
}

#[tokio::test]
async fn a_two_badge_files_review_groups_its_rows_by_badge_with_duplicates_per_badge_and_the_quota_per_person() {
    let (app, _, key, rocketry, safety) = two_badges().await;
    let (status, review) = json(app.post_csv("/v1/bulk-issue/validate", &key, file(&safety)).await).await;
    assert_eq!(status, StatusCode::OK, "{review}");

    assert_eq!(review["badge_id"], Value::Null, "no one badge: {review}");
    assert_eq!(review["badge_name"], "2 badges");
    let groups: Vec<(&str, &str, u64, u64, u64, u64)> = review["badges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["badge_id"].as_str().unwrap(),
                g["badge_name"].as_str().unwrap(),
                g["totals"]["rows"].as_u64().unwrap(),
                g["totals"]["issuable"].as_u64().unwrap(),
                g["totals"]["duplicate"].as_u64().unwrap(),
                g["quota_uses"].as_u64().unwrap(),
            )
        })
        .collect();
    // Rocketry: Ada (new), Ada again (a duplicate of row 1), Bo (new for
    // this badge; already counted this month). Safety: Ada (new, counted
    // with Rocketry), Bo (holds it for good: skipped).
    assert_eq!(
        groups,
        [(rocketry.as_str(), "Rocketry", 3, 2, 1, 1), (safety.as_str(), "Safety", 2, 1, 0, 0)],
        "{review}"
    );
    assert_eq!(review["quota"]["uses"], 1, "Ada counts once for two badges; Bo was counted this month");

    assert_eq!(row(&review, 2)["badge_id"], safety.as_str());
    assert_eq!(row(&review, 2)["status"], "new", "the same person, another badge: not a duplicate");
    assert_eq!(row(&review, 3)["status"], "duplicate");
    assert!(row(&review, 3)["reason"].as_str().unwrap().contains("row 1 (same e-mail and badge)"), "{review}");
    assert_eq!(row(&review, 4)["status"], "active_non_expiring");
    assert_eq!(row(&review, 5)["status"], "new");
    for (n, says) in [
        (6, "Badge 'Welding' is not a badge of this organisation"),
        (7, "Badge is empty, and no badge was chosen for rows that name none"),
        (8, "Badge 'rocketry' is not a badge of this organisation; did you mean 'Rocketry'?"),
    ] {
        assert_eq!(row(&review, n)["status"], "invalid", "row {n}: {review}");
        assert_eq!(row(&review, n)["badge_id"], Value::Null);
        assert!(row(&review, n)["reason"].as_str().unwrap().starts_with(says), "row {n}: {}", row(&review, n));
    }

    // With a badge chosen for the upload, the blank cell takes it.
    let (_, with_default) =
        json(app.post_csv(&format!("/v1/bulk-issue/validate?badge_id={safety}"), &key, file(&safety)).await).await;
    assert_eq!(row(&with_default, 7)["badge_id"], safety.as_str(), "{with_default}");
    assert_eq!(row(&with_default, 7)["status"], "new");
}

#[tokio::test]
async fn one_job_issues_every_row_its_own_badge_and_the_job_is_named_for_several() {
    let (app, _, key, rocketry, safety) = two_badges().await;
    let (status, job) = json(app.post_csv("/v1/bulk-issue", &key, file(&safety)).await).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let job_id = job["job_id"].as_str().unwrap().to_owned();
    assert_eq!(wait_for_job(&app.db, &job_id).await, "completed");

    let (_, job) = json(app.get_json(&format!("/v1/bulk-issue/{job_id}"), &key).await).await;
    assert_eq!((&job["succeeded"], &job["skipped"], &job["failed"]), (&json!(3), &json!(2), &json!(3)), "{job}");
    assert_eq!(job["badge_id"], Value::Null);

    let issued: Vec<(String, String, String)> =
        sqlx::query_as("SELECT recipient_email, badge_id, signed_payload FROM credentials WHERE job_id = $1")
            .bind(&job_id)
            .fetch_all(&app.db)
            .await
            .unwrap();
    let by_person: BTreeMap<(String, String), String> = issued
        .iter()
        .map(|(email, badge, jwt)| {
            let name = decode_part(jwt, 1)["credentialSubject"]["achievement"]["name"].as_str().unwrap().to_owned();
            ((email.clone(), badge.clone()), name)
        })
        .collect();
    let want: BTreeMap<(String, String), String> = [
        (("ada@example.com", &rocketry), "Rocketry"),
        (("ada@example.com", &safety), "Safety"),
        (("bo@example.com", &rocketry), "Rocketry"),
    ]
    .into_iter()
    .map(|((e, b), n)| ((e.to_owned(), b.clone()), n.to_owned()))
    .collect();
    assert_eq!(by_person, want, "each credential is of its row's badge, and says so in what was signed");
    // A Rocketry credential expires with its badge; Safety never does.
    let expiring: Vec<(String, Option<i64>)> =
        sqlx::query_as("SELECT badge_id, expires_at FROM credentials WHERE job_id = $1 ORDER BY badge_id")
            .bind(&job_id)
            .fetch_all(&app.db)
            .await
            .unwrap();
    for (badge, expires_at) in expiring {
        assert_eq!(expires_at.is_some(), badge == rocketry, "{badge}: {expires_at:?}");
    }
}

#[tokio::test]
async fn a_file_without_a_badge_column_needs_a_badge_named_in_the_request() {
    let (app, _, key, _, _) = two_badges().await;
    for path in ["/v1/bulk-issue/validate", "/v1/bulk-issue"] {
        let (status, err) = json(app.post_csv(path, &key, "name,email\nAda,ada@example.com\n").await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {err}");
        assert_eq!(err["error"]["details"][0]["path"], "badge_id", "{path}: {err}");
        assert!(err["error"]["message"].as_str().unwrap().contains("no 'badge' column"), "{err}");
    }
    let jobs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jobs").fetch_one(&app.db).await.unwrap();
    assert_eq!(jobs, 0);
}

#[tokio::test]
async fn on_the_page_a_file_may_name_its_badges_and_its_invalid_rows_come_back_with_their_badge_cells() {
    let (app, org, _, _, safety) = two_badges().await;
    app.member(&org, "issuer@example.com", Role::Issuer).await;
    let issuer = app.signed_in("issuer@example.com").await;
    let csv = format!(
        "{}Fay,fay@example.com,Welding,Built a rocket\n",
        file(&safety).replace("name,email,badge", "name,email,badge,narrative")
    );
    let r = upload_csv(&app, &issuer, &org, model::review::BADGE_NAMED_IN_FILE, &csv).await;
    let review_page = r.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(!review_page.contains('?'), "the file reads, with no badge chosen: {review_page}");
    let html = crate::helpers::html(&app, &issuer, &review_page).await;
    assert!(html.contains("2 badges in this file"), "the review groups the rows by badge");

    let invalid =
        issuer.get(app.url(&format!("{review_page}/invalid.csv"))).send().await.unwrap().text().await.unwrap();
    let mut lines = invalid.lines();
    assert_eq!(lines.next(), Some("name,email,badge,narrative,row,reason"), "{invalid}");
    assert!(invalid.contains("Fay,fay@example.com,Welding,Built a rocket,9,"), "the cells as given: {invalid}");
    assert!(invalid.contains("Cy,cy@example.com,Welding,,6,"), "{invalid}");
}
