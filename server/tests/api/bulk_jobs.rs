//! The job engine through the real server: submit, workers, results.

use issuance::orgs::{Plan, Role};

use crate::helpers::{TestApp, issue_badge, json, org_with_badge, spawn_app, submit_csv, wait_for_job};

#[tokio::test]
async fn a_submitted_upload_is_issued_by_the_workers_with_the_superseded_credential_revoked() {
    let app = spawn_app().await;
    let (org, badge) = org_with_badge(&app, Plan::Professional).await;
    app.member(&org, "issuer@example.com", Role::Issuer).await;
    let issuer = app.signed_in("issuer@example.com").await;
    let old = issue_badge(&app, &org, &badge, "Sam", "sam@example.com").await;

    let job = submit_csv(
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

/// Creates and submits a job of `rows` new recipients through the core.
async fn job_of(app: &TestApp, org: &str, badge: &str, owner: &str, rows: usize, prefix: &str) -> String {
    let mut csv = String::from("name,email\n");
    for i in 0..rows {
        csv.push_str(&format!("Person {i},{prefix}{i}@example.com\n"));
    }
    let upload =
        issuance::bulk::uploads::create(&app.db, org, Some(badge), Some("p.csv"), csv.as_bytes(), owner).await.unwrap();
    issuance::jobs::submit::submit(&app.db, org, &upload, owner, Default::default(), issuance::clock::now())
        .await
        .unwrap()
        .job_id
}

async fn status_of(app: &TestApp, job: &str) -> String {
    sqlx::query_scalar("SELECT status FROM jobs WHERE id = $1").bind(job).fetch_one(&app.db).await.unwrap()
}

#[tokio::test]
async fn a_capped_org_is_held_to_its_rate_while_an_uncapped_org_runs_at_full_speed_beside_it() {
    let app = crate::helpers::spawn_app_with(|c| c.rates.professional = Some(20)).await;
    let (capped, capped_badge) = org_with_badge(&app, Plan::Professional).await;
    let (free_running, free_badge) = org_with_badge(&app, Plan::Enterprise).await;
    let owner = app.member(&capped, "owner@example.com", Role::Owner).await;
    app.member(&free_running, "other-owner@example.com", Role::Owner).await;

    let started = std::time::Instant::now();
    let slow = job_of(&app, &capped, &capped_badge, &owner, 60, "slow").await;
    let fast = job_of(&app, &free_running, &free_badge, &owner, 300, "fast").await;
    assert_eq!(wait_for_job(&app.db, &fast).await, "completed");
    assert_eq!(status_of(&app, &slow).await, "processing", "the capped org's job is still going");
    assert_eq!(wait_for_job(&app.db, &slow).await, "completed");
    // 60 rows at 20 a second cannot take less than the cap allows (less
    // the quarter-second burst).
    assert!(started.elapsed() >= std::time::Duration::from_millis(2_600), "took {:?}", started.elapsed());
}

#[tokio::test]
async fn an_org_runs_at_most_ten_jobs_at_once_and_the_rest_wait_pending() {
    let app = crate::helpers::spawn_app_with(|c| c.rates.professional = Some(1)).await;
    let (org, badge) = org_with_badge(&app, Plan::Professional).await;
    let owner = app.member(&org, "owner@example.com", Role::Owner).await;
    let mut jobs = Vec::new();
    for n in 0..12 {
        jobs.push(job_of(&app, &org, &badge, &owner, 3, &format!("j{n}-")).await);
    }
    let count = |status: &'static str| {
        let db = app.db.clone();
        let org = org.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM jobs WHERE org_id = $1 AND status = $2")
                .bind(org)
                .bind(status)
                .fetch_one(&db)
                .await
                .unwrap()
        }
    };
    for _ in 0..100 {
        if count("processing").await == 10 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!((count("processing").await, count("pending").await), (10, 2));
    // Cancelling one lets a waiting job start.
    issuance::jobs::cancel(&app.db, &org, &jobs[0], Some(&owner)).await.unwrap();
    for _ in 0..100 {
        if count("pending").await == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!((count("processing").await, count("pending").await), (10, 1));
}

/// `total, processed, succeeded, failed` of a job.
async fn job_counts(app: &TestApp, job: &str) -> (i64, i64, i64, i64) {
    sqlx::query_as("SELECT total, processed, succeeded, failed FROM jobs WHERE id = $1")
        .bind(job)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_pilot_of_five_issues_and_emails_five_copies_the_first_to_its_submitter_and_waits_until_released() {
    use issuance::jobs::JobStatus;
    use reqwest::StatusCode;
    let app = spawn_app().await;
    let (org, badge) = org_with_badge(&app, Plan::Professional).await;
    app.member(&org, "issuer@example.com", Role::Issuer).await;
    let issuer = app.signed_in("issuer@example.com").await;
    // An invalid first row: the pilot counts rows to issue, not lines.
    let mut csv = String::from("name,email\nBroken,not-an-email\n");
    for i in 0..20 {
        csv.push_str(&format!("Person {i},pilot{i}@example.com\n"));
    }
    let r = crate::helpers::upload_csv(&app, &issuer, &org, &badge, &csv).await;
    let upload = r.headers()[reqwest::header::LOCATION].to_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let refused =
        app.call_as(&issuer, "submit_bulk_upload", &[("org_id", &org), ("upload_id", &upload), ("pilot", "20")]).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "a pilot must be fewer than the rows to issue");
    assert!(refused.text().await.unwrap().contains("pilot"));
    let r =
        app.call_as(&issuer, "submit_bulk_upload", &[("org_id", &org), ("upload_id", &upload), ("pilot", "5")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let job: String = r.json().await.unwrap();

    crate::helpers::wait_for_status(&app.db, &job, JobStatus::Paused).await;
    assert_eq!(job_counts(&app, &job).await, (21, 6, 5, 1));
    let issued: Vec<String> =
        sqlx::query_scalar("SELECT recipient_email FROM credentials WHERE job_id = $1 ORDER BY recipient_email")
            .bind(&job)
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(issued, (0..5).map(|i| format!("pilot{i}@example.com")).collect::<Vec<_>>(), "the first five");
    let mails: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT to_email, job_id FROM outbox WHERE org_id = $1 ORDER BY to_email")
            .bind(&org)
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(mails.len(), 6, "five recipients and a copy: {mails:?}");
    assert_eq!(mails[0], ("issuer@example.com".to_owned(), None), "the copy is the submitter's, not the job's");
    let page = crate::helpers::html(&app, &issuer, &format!("/organizations/{org}/jobs/{job}")).await;
    assert!(page.contains("data-testid=\"pilot-paused\"") && page.contains("Release the remaining 15"), "{page}");

    // Nothing more happens until someone releases it.
    let r = app.call_as(&issuer, "release_job", &[("org_id", &org), ("job_id", &job)]).await;
    assert!(r.status().is_success() || r.status().is_redirection(), "{}", r.status());
    assert_eq!(wait_for_job(&app.db, &job).await, "completed");
    assert_eq!(job_counts(&app, &job).await, (21, 21, 20, 1));
    let again = app.call_as(&issuer, "release_job", &[("org_id", &org), ("job_id", &job)]).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_pilot_over_the_api_pauses_and_is_released_at_its_address() {
    use issuance::api_keys::Scope;
    use issuance::jobs::JobStatus;
    use reqwest::StatusCode;
    let app = spawn_app().await;
    let (org, badge) = org_with_badge(&app, Plan::Professional).await;
    let key = app.api_key(&org, &[Scope::CredentialsRead, Scope::CredentialsWrite]).await;
    let csv = (0..8).map(|i| format!("P {i},api{i}@example.com\n")).collect::<String>();
    let r = app.post_csv(&format!("/v1/bulk-issue?badge_id={badge}&pilot=x"), &key, format!("name,email\n{csv}")).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app.post_csv(&format!("/v1/bulk-issue?badge_id={badge}&pilot=3"), &key, format!("name,email\n{csv}")).await;
    let (status, job) = crate::helpers::json(r).await;
    assert_eq!((status, job["pilot_size"].as_i64()), (StatusCode::ACCEPTED, Some(3)), "{job}");
    let job = job["job_id"].as_str().unwrap().to_owned();
    crate::helpers::wait_for_status(&app.db, &job, JobStatus::Paused).await;
    let (_, paused) = crate::helpers::json(app.get_json(&format!("/v1/bulk-issue/{job}"), &key).await).await;
    assert_eq!((paused["status"].as_str(), paused["succeeded"].as_i64()), (Some("paused"), Some(3)), "{paused}");
    let r = app.post_json(&format!("/v1/bulk-issue/{job}/release"), &key, serde_json::json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(wait_for_job(&app.db, &job).await, "completed");
    let (_, done) = crate::helpers::json(app.get_json(&format!("/v1/bulk-issue/{job}"), &key).await).await;
    assert_eq!(done["succeeded"], 8, "{done}");
}

#[tokio::test]
async fn a_scheduled_job_waits_survives_a_restart_and_starts_on_time_and_can_be_moved_or_cancelled_before() {
    use issuance::api_keys::Scope;
    use reqwest::StatusCode;
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let db_url = crate::helpers::fresh_database_url(dir.path()).await;
    let db = issuance::db::connect(&db_url).await.unwrap();
    let port = crate::helpers::free_port();
    let mut server = crate::helpers::laurel_serve(dir.path(), &db_url, port, &[]);
    let app = TestApp::for_process(&format!("http://127.0.0.1:{port}"), &db_url, db);
    crate::helpers::until_serving(&app.address).await;
    let org = app.org("Later Academy", Plan::Professional).await;
    issuance::orgs::time_zone::set(&app.db, &org, "Europe/Berlin").await.unwrap();
    let badge = crate::helpers::badge(&app, &org, "Later").await;
    let key = app.api_key(&org, &[Scope::CredentialsRead, Scope::CredentialsWrite]).await;
    let csv = "name,email\nAda,ada@later.test\nBen,ben@later.test\n";
    let submit = async |at: String| {
        let path = format!("/v1/bulk-issue?badge_id={badge}&scheduled_for={at}");
        app.post_csv(&path, &key, csv).await
    };

    // A time in the past is refused; a wall-clock time is read in Berlin.
    let (status, e) = json(submit("2020-01-01T09:00".into()).await).await;
    assert_eq!((status, e["error"]["details"][0]["path"].as_str()), (StatusCode::BAD_REQUEST, Some("scheduled_for")));
    let (status, far) = json(submit("2027-03-01T09:00".into()).await).await;
    assert_eq!((status, far["status"].as_str()), (StatusCode::ACCEPTED, Some("scheduled")), "{far}");
    assert_eq!(far["scheduled_for"], "2027-03-01T08:00:00Z", "09:00 in Berlin in March is 08:00 UTC");
    let far = far["job_id"].as_str().unwrap().to_owned();
    // Moved, then cancelled before it starts: nothing is issued.
    let r = app
        .api(
            reqwest::Method::PATCH,
            &format!("/v1/bulk-issue/{far}"),
            &key,
            Some(serde_json::json!({"scheduled_for": "2027-04-01T10:30"})),
        )
        .await;
    let (status, moved) = json(r).await;
    assert_eq!((status, moved["scheduled_for"].as_str()), (StatusCode::OK, Some("2027-04-01T08:30:00Z")), "{moved}");
    let (status, _) =
        json(app.post_json(&format!("/v1/bulk-issue/{far}/cancel"), &key, serde_json::json!({})).await).await;
    assert_eq!(status, StatusCode::OK);
    let r = app
        .api(
            reqwest::Method::PATCH,
            &format!("/v1/bulk-issue/{far}"),
            &key,
            Some(serde_json::json!({"scheduled_for": "2027-05-01T10:30"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "a cancelled job is not moved");

    // A few seconds ahead, with the server killed and started again between.
    let start = issuance::clock::now() + 8;
    let (status, soon) = json(submit(issuance::clock::rfc3339(start)).await).await;
    assert_eq!((status, soon["status"].as_str()), (StatusCode::ACCEPTED, Some("scheduled")), "{soon}");
    let soon = soon["job_id"].as_str().unwrap().to_owned();
    server.start_kill().unwrap();
    server.wait().await.unwrap();
    let status: String =
        sqlx::query_scalar("SELECT status FROM jobs WHERE id = $1").bind(&soon).fetch_one(&app.db).await.unwrap();
    assert_eq!(status, "scheduled", "still waiting when its server died");
    let _server = crate::helpers::laurel_serve(dir.path(), &db_url, port, &[]);
    crate::helpers::until_serving(&app.address).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    let started = loop {
        let (status, started): (String, Option<i64>) =
            sqlx::query_as("SELECT status, started_at FROM jobs WHERE id = $1")
                .bind(&soon)
                .fetch_one(&app.db)
                .await
                .unwrap();
        if let Some(at) = started {
            break at;
        }
        // Due, it is pending for the moment between the scheduler's two steps.
        assert!(matches!(status.as_str(), "scheduled" | "pending"), "{status}");
        assert!(Instant::now() < deadline, "the scheduled job never started");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!((start..=start + 2).contains(&started), "started at {started}, scheduled for {start}");
    assert_eq!(wait_for_job(&app.db, &soon).await, "completed");
    let issued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM credentials WHERE org_id = $1")
        .bind(&org)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(issued, 2, "the cancelled job issued nothing; the scheduled one, its two rows");
}
