//! The bulk job pages through the real server: the job page, its live
//! events, cancelling, the failed rows file, and who may see what.

use std::time::Duration;

use issuance::jobs::engine::PlanCaps;
use issuance::orgs::{Plan, Role};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE, LOCATION};
use serde_json::Value;

use crate::helpers::{
    TestApp, html, json, org_with_badge, spawn_app, spawn_app_with, submit_csv, upload_csv, wait_for_job,
};

fn people(n: usize) -> String {
    let mut csv = String::from("name,email\n");
    for i in 0..n {
        csv.push_str(&format!("Person {i},person{i}@example.com\n"));
    }
    csv
}

/// An app whose Professional orgs issue at most `per_sec` credentials a
/// second, so a job runs long enough to watch.
async fn slow_app(per_sec: u32) -> TestApp {
    spawn_app_with(|c| c.rates = PlanCaps { professional: Some(per_sec), ..PlanCaps::default() }).await
}

async fn counts(app: &TestApp, job: &str) -> (String, i64, i64) {
    sqlx::query_as("SELECT status, succeeded, processed FROM jobs WHERE id = $1")
        .bind(job)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// Waits until the job has issued something.
async fn wait_for_progress(app: &TestApp, job: &str) {
    for _ in 0..200 {
        if counts(app, job).await.1 > 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("job {job} issued nothing within 10 s");
}

/// The number in `<span id="{id}">…</span>` of a page.
fn figure(page: &str, id: &str) -> i64 {
    let start = page.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no #{id} on the page"));
    let text = &page[start..];
    let text = &text[text.find('>').unwrap() + 1..];
    let digits: String = text.chars().take_while(|c| c.is_ascii_digit() || *c == ',').filter(|c| *c != ',').collect();
    digits.parse().unwrap_or_else(|_| panic!("#{id} holds no number: {}", &text[..text.len().min(40)]))
}

/// Reads a server-sent event stream to its end (at most 30 s); returns
/// each `snapshot` event's data.
pub(crate) async fn read_events(mut response: reqwest::Response) -> Vec<Value> {
    let mut buffer = String::new();
    let mut snapshots = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while let Ok(Some(chunk)) = tokio::time::timeout_at(deadline, response.chunk()).await.map(Result::unwrap) {
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let event: String = buffer.drain(..end + 2).collect();
            let mut name = "message";
            let mut data = String::new();
            for line in event.lines() {
                if let Some(n) = line.strip_prefix("event:") {
                    name = n.trim();
                } else if let Some(d) = line.strip_prefix("data:") {
                    data.push_str(d.trim_start());
                }
            }
            if name == "snapshot" {
                snapshots.push(serde_json::from_str(&data).unwrap());
            }
        }
    }
    assert!(tokio::time::Instant::now() < deadline, "the event stream did not end within 30 s");
    snapshots
}

#[tokio::test]
async fn a_finished_jobs_page_shows_its_counts_failures_and_rows_server_side() {
    let app = spawn_app().await;
    let (org, badge) = org_with_badge(&app, Plan::Professional).await;
    app.member(&org, "issuer@example.com", Role::Issuer).await;
    let issuer = app.signed_in("issuer@example.com").await;
    let job = submit_csv(
        &app,
        &issuer,
        &org,
        &badge,
        "name,email\nJane,jane@example.com\nNobody,not-an-email\nSam,sam@example.com\n",
    )
    .await;
    assert_eq!(wait_for_job(&app.db, &job).await, "completed");

    let page = html(&app, &issuer, &format!("/organizations/{org}/jobs/{job}")).await;
    assert!(page.contains("data-job-status=\"completed\""), "the status is readable");
    assert_eq!(figure(&page, "job-total"), 3);
    assert_eq!(figure(&page, "job-succeeded"), 2);
    assert_eq!(figure(&page, "job-failed"), 1);
    assert_eq!(figure(&page, "job-skipped"), 0);
    assert_eq!(figure(&page, "job-remaining"), 0);
    assert_eq!(figure(&page, "job-emails-queued"), 2, "one e-mail per credential waits in the outbox");
    assert!(page.contains("job-smtp-note"), "without SMTP the page says recipients were not e-mailed");
    assert!(page.contains("not-an-email"), "the failure is listed with its row");
    assert!(page.contains(&format!("/organizations/{org}/jobs/{job}/failed.csv")), "failed rows can be downloaded");
    assert!(!page.contains("data-testid=\"cancel-job\""), "a finished job cannot be cancelled");
    let credential: String =
        sqlx::query_scalar("SELECT id FROM credentials WHERE job_id = $1 AND recipient_email = 'jane@example.com'")
            .bind(&job)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(page.contains(&format!("href=\"/organizations/{org}/credentials/{credential}\"")), "rows link credentials");
    assert!(page.contains("mail-queued"), "rows show their e-mail's status");

    let failed_only = html(&app, &issuer, &format!("/organizations/{org}/jobs/{job}?state=failed")).await;
    assert!(failed_only.contains("not-an-email") && !failed_only.contains("jane@example.com"), "rows filter by state");

    let history = html(&app, &issuer, &format!("/organizations/{org}/jobs")).await;
    assert!(history.contains(&format!("href=\"/organizations/{org}/jobs/{job}\"")), "the history links the job");
    assert!(history.contains("issuer@example.com") && history.contains("2 issued · 1 failed of 3"));

    let (status, data) = json(app.call_as(&issuer, "get_job_page", &[("org_id", &org), ("job_id", &job)]).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(data["snapshot"]["succeeded"], 2);
    assert_eq!(data["snapshot"]["failures"][0]["email"], "not-an-email");
    let (status, data) =
        json(app.call_as(&issuer, "get_job_rows", &[("org_id", &org), ("job_id", &job), ("state", "succeeded")]).await)
            .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(data["items"].as_array().unwrap().len(), 2);
    assert_eq!(data["items"][0]["credential_id"], credential.as_str());
    let (status, data) = json(app.call_as(&issuer, "list_jobs", &[("org_id", &org)]).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(data["jobs"][0]["id"], job.as_str());
}

#[tokio::test]
async fn submitting_the_review_form_without_javascript_lands_on_the_job_page() {
    let app = spawn_app().await;
    let (org, badge) = org_with_badge(&app, Plan::Professional).await;
    app.member(&org, "issuer@example.com", Role::Issuer).await;
    app.login("issuer@example.com", crate::helpers::PASSWORD).await;
    let r = upload_csv(&app, &app.client, &org, &badge, "name,email\nJane,jane@example.com\n").await;
    let review = r.headers()[LOCATION].to_str().unwrap().to_owned();
    let upload_id = review.rsplit('/').next().unwrap();

    let r = app.form_post("submit_bulk_upload", &[("org_id", &org), ("upload_id", upload_id)], &review).await;
    assert_eq!(r.status(), StatusCode::FOUND);
    let job: String = sqlx::query_scalar("SELECT id FROM jobs WHERE upload_id = $1")
        .bind(upload_id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(r.headers()[LOCATION], format!("/organizations/{org}/jobs/{job}").as_str());
}

#[tokio::test]
async fn the_event_stream_sends_snapshots_whose_counts_rise_and_ends_when_the_job_completes() {
    let app = slow_app(60).await;
    let (org, badge) = org_with_badge(&app, Plan::Professional).await;
    app.member(&org, "viewer@example.com", Role::Viewer).await;
    app.member(&org, "issuer@example.com", Role::Issuer).await;
    let issuer = app.signed_in("issuer@example.com").await;
    let job = submit_csv(&app, &issuer, &org, &badge, &format!("{}Broken,not-an-email\n", people(150))).await;

    // Any member may follow a job.
    let viewer = app.signed_in("viewer@example.com").await;
    let r = viewer.get(app.url(&format!("/organizations/{org}/jobs/{job}/events"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()[CONTENT_TYPE].to_str().unwrap().starts_with("text/event-stream"));
    let snapshots = read_events(r).await;

    assert!(snapshots.len() >= 3, "a job of a few seconds sends several snapshots: {}", snapshots.len());
    let succeeded: Vec<i64> = snapshots.iter().map(|s| s["succeeded"].as_i64().unwrap()).collect();
    assert!(succeeded.windows(2).all(|w| w[0] <= w[1]), "counts never go back: {succeeded:?}");
    assert!(succeeded.first() < succeeded.last(), "counts rise: {succeeded:?}");
    assert!(
        snapshots.iter().any(|s| s["status"] == "processing" && s["succeeded"].as_i64().unwrap() > 0),
        "progress is reported while the job runs"
    );
    let last = snapshots.last().unwrap();
    assert_eq!(last["status"], "completed");
    assert_eq!(
        (last["succeeded"].as_i64(), last["failed"].as_i64(), last["remaining"].as_i64()),
        (Some(150), Some(1), Some(0))
    );
    let failures: Vec<&Value> = snapshots.iter().flat_map(|s| s["failures"].as_array().unwrap()).collect();
    assert_eq!(failures.len(), 1, "each failure is sent once on a connection");
    assert_eq!(failures[0]["email"], "not-an-email");
    assert!(failures[0]["message"].as_str().unwrap().contains("not-an-email"));

    // A finished job's stream sends where it stands and ends.
    let r = viewer.get(app.url(&format!("/organizations/{org}/jobs/{job}/events"))).send().await.unwrap();
    let again = read_events(r).await;
    assert_eq!(again.len(), 1);
    assert_eq!(again[0]["status"], "completed");
    assert!(again[0]["rate"].as_f64().unwrap() > 0.0, "a finished job reports its average rate");
}

#[tokio::test]
async fn cancelling_stops_a_running_job_and_keeps_the_credentials_it_issued() {
    let app = slow_app(20).await;
    let (org, badge) = org_with_badge(&app, Plan::Professional).await;
    app.member(&org, "issuer@example.com", Role::Issuer).await;
    let issuer = app.signed_in("issuer@example.com").await;
    let job = submit_csv(&app, &issuer, &org, &badge, &people(200)).await;
    wait_for_progress(&app, &job).await;

    // A reload mid-job renders the counts as they stand.
    let before = counts(&app, &job).await.1;
    let page = html(&app, &issuer, &format!("/organizations/{org}/jobs/{job}")).await;
    let after = counts(&app, &job).await.1;
    assert!(page.contains("data-job-status=\"processing\""));
    let shown = figure(&page, "job-succeeded");
    assert!(before <= shown && shown <= after, "{before} <= {shown} <= {after}");
    assert!(figure(&page, "job-remaining") > 0);
    assert!(page.contains("data-testid=\"cancel-job\""), "an Issuer may cancel a running job");

    let r = app.call_as(&issuer, "cancel_job", &[("org_id", &org), ("job_id", &job)]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(wait_for_job(&app.db, &job).await, "cancelled");
    // Nothing more can be issued: no row is left pending for a worker (a
    // batch already leased is thrown away when it finds its rows cancelled),
    // and the credentials are exactly those the job counted.
    let (_, succeeded, _) = counts(&app, &job).await;
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM credentials WHERE job_id = $1")
        .bind(&job)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(stored, succeeded, "nothing more is issued after cancelling");
    assert!(succeeded > 0 && succeeded < 200, "{succeeded}");
    let (issued, pending, cancelled): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM credentials WHERE job_id = $1 AND status = 'active'),
                (SELECT COUNT(*) FROM job_items WHERE job_id = $1 AND state = 'pending'),
                (SELECT COUNT(*) FROM job_items WHERE job_id = $1 AND state = 'cancelled')",
    )
    .bind(&job)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(issued, succeeded, "what was issued stays issued");
    assert_eq!((pending, cancelled), (0, 200 - succeeded));

    let page = html(&app, &issuer, &format!("/organizations/{org}/jobs/{job}")).await;
    assert!(page.contains("data-job-status=\"cancelled\""));
    assert_eq!(figure(&page, "job-cancelled"), 200 - succeeded);
    assert!(!page.contains("data-testid=\"cancel-job\""));
    let again = app.call_as(&issuer, "cancel_job", &[("org_id", &org), ("job_id", &job)]).await;
    assert_eq!(again.status(), StatusCode::CONFLICT, "a finished job cannot be cancelled again");
}

#[tokio::test]
async fn a_viewer_watches_a_running_job_but_cannot_cancel_it() {
    let app = slow_app(20).await;
    let (org, badge) = org_with_badge(&app, Plan::Professional).await;
    app.member(&org, "issuer@example.com", Role::Issuer).await;
    app.member(&org, "viewer@example.com", Role::Viewer).await;
    let issuer = app.signed_in("issuer@example.com").await;
    let viewer = app.signed_in("viewer@example.com").await;
    let job = submit_csv(&app, &issuer, &org, &badge, &people(100)).await;
    wait_for_progress(&app, &job).await;

    let page = html(&app, &viewer, &format!("/organizations/{org}/jobs/{job}")).await;
    assert!(page.contains("id=\"job-succeeded\""), "a Viewer sees the progress");
    assert!(!page.contains("data-testid=\"cancel-job\""), "but no Cancel button");
    let r = app.call_as(&viewer, "cancel_job", &[("org_id", &org), ("job_id", &job)]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(counts(&app, &job).await.0, "processing", "the job runs on");

    // Without JavaScript, the Cancel form posts and comes back to the page.
    app.login("issuer@example.com", crate::helpers::PASSWORD).await;
    let page = format!("/organizations/{org}/jobs/{job}");
    let r = app.form_post("cancel_job", &[("org_id", &org), ("job_id", &job)], &page).await;
    assert_eq!(r.status(), StatusCode::FOUND);
    assert_eq!(r.headers()[LOCATION].to_str().unwrap(), format!("{page}?notice=job_cancelled"), "back to the job page");
    assert_eq!(counts(&app, &job).await.0, "cancelled");
}

#[tokio::test]
async fn the_failed_rows_file_lists_the_invalid_rows_with_their_errors_and_neutralised_formulas() {
    let app = spawn_app().await;
    let (org, badge) = org_with_badge(&app, Plan::Professional).await;
    app.member(&org, "issuer@example.com", Role::Issuer).await;
    let issuer = app.signed_in("issuer@example.com").await;
    let job = submit_csv(
        &app,
        &issuer,
        &org,
        &badge,
        "name,email\nJane,jane@example.com\n=HYPERLINK(\"http://evil.test\"),not-an-email\n,nameless@example.com\n",
    )
    .await;
    wait_for_job(&app.db, &job).await;

    let r = issuer.get(app.url(&format!("/organizations/{org}/jobs/{job}/failed.csv"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()[CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"));
    assert!(r.headers()[CONTENT_DISPOSITION].to_str().unwrap().starts_with("attachment"));
    let body = r.text().await.unwrap();
    let mut rows = csv::Reader::from_reader(body.as_bytes());
    assert_eq!(rows.headers().unwrap(), vec!["name", "email", "row", "error"]);
    let rows: Vec<Vec<String>> = rows.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
    assert_eq!(rows.len(), 2, "{body}");
    assert_eq!(rows[0][0], "'=HYPERLINK(\"http://evil.test\")", "a formula is neutralised");
    assert_eq!(rows[0][1], "not-an-email");
    assert_eq!(
        (rows[0][2].as_str(), rows[1][2].as_str()),
        ("2", "3"),
        "data rows, numbered as the review numbers them"
    );
    assert!(!rows[0][3].is_empty() && !rows[1][3].is_empty(), "each row says why it failed: {rows:?}");
    assert_eq!(rows[1][1], "nameless@example.com");
    assert!(!body.contains("jane@example.com"), "issued rows are not in the file");
}

#[tokio::test]
async fn another_orgs_member_gets_not_found_for_the_job_its_events_and_its_failed_rows() {
    let app = spawn_app().await;
    let (org, badge) = org_with_badge(&app, Plan::Professional).await;
    app.member(&org, "issuer@example.com", Role::Issuer).await;
    let issuer = app.signed_in("issuer@example.com").await;
    let job = submit_csv(&app, &issuer, &org, &badge, "name,email\nJane,jane@example.com\n").await;
    wait_for_job(&app.db, &job).await;
    let other_org = app.org("Other", Plan::Professional).await;
    app.member(&other_org, "stranger@example.com", Role::Owner).await;
    let stranger = app.signed_in("stranger@example.com").await;

    for org_id in [&org, &other_org] {
        let page = app.call_as(&stranger, "get_job_page", &[("org_id", org_id), ("job_id", &job)]).await;
        assert_eq!(page.status(), StatusCode::NOT_FOUND, "page data via {org_id}");
        let rows = app.call_as(&stranger, "get_job_rows", &[("org_id", org_id), ("job_id", &job)]).await;
        assert_eq!(rows.status(), StatusCode::NOT_FOUND, "rows via {org_id}");
        let cancel = app.call_as(&stranger, "cancel_job", &[("org_id", org_id), ("job_id", &job)]).await;
        assert_eq!(cancel.status(), StatusCode::NOT_FOUND, "cancel via {org_id}");
        for part in ["events", "failed.csv"] {
            let r = stranger.get(app.url(&format!("/organizations/{org_id}/jobs/{job}/{part}"))).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{part} via {org_id}");
        }
        let r = stranger
            .get(app.url(&format!("/organizations/{org_id}/jobs/{job}")))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "the page via {org_id}");
    }
    let history = app.call_as(&stranger, "list_jobs", &[("org_id", &org)]).await;
    assert_eq!(history.status(), StatusCode::NOT_FOUND);

    let anonymous = crate::helpers::client();
    let r = anonymous.get(app.url(&format!("/organizations/{org}/jobs/{job}/events"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "events need a session");
    let r = anonymous.get(app.url(&format!("/organizations/{org}/jobs/{job}/failed.csv"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "the file sends a signed-out visitor to sign in");
}

#[tokio::test]
async fn a_job_page_says_nothing_about_unsent_mail_when_the_server_sends_it() {
    // Configured, if unreachable: the sender is running and retries.
    let app = spawn_app_with(|c| c.smtp_url = Some(format!("smtp://127.0.0.1:{}", crate::helpers::free_port()))).await;
    let (org, badge) = org_with_badge(&app, Plan::Professional).await;
    app.member(&org, "issuer@example.com", Role::Issuer).await;
    let issuer = app.signed_in("issuer@example.com").await;
    let job = submit_csv(&app, &issuer, &org, &badge, "name,email\nJane,jane@example.com\n").await;
    crate::helpers::wait_for_status(&app.db, &job, issuance::jobs::JobStatus::Delivering).await;
    let page = html(&app, &issuer, &format!("/organizations/{org}/jobs/{job}")).await;
    assert!(page.contains("Issued, e-mailing"), "issued, its e-mail still to go");
    assert!(page.contains("job-emails-queued"), "the e-mail counts are shown");
    assert!(!page.contains("job-smtp-note"), "no note that e-mail is off");
}

#[tokio::test]
async fn the_throughput_chart_counts_every_credential_and_shows_the_rate_cap_as_a_flat_top() {
    let app = slow_app(100).await;
    let (org, badge) = org_with_badge(&app, Plan::Professional).await;
    app.member(&org, "issuer@example.com", Role::Issuer).await;
    let issuer = app.signed_in("issuer@example.com").await;
    let job = submit_csv(&app, &issuer, &org, &badge, &people(300)).await;
    assert_eq!(wait_for_job(&app.db, &job).await, "completed");

    let (status, t) =
        json(app.call_as(&issuer, "get_job_throughput", &[("org_id", &org), ("job_id", &job)]).await).await;
    assert_eq!(status, StatusCode::OK, "{t}");
    assert_eq!(t["interval_secs"], 1, "a short job is charted second by second");
    let counts: Vec<i64> = t["counts"].as_array().unwrap().iter().map(|n| n.as_i64().unwrap()).collect();
    assert_eq!(counts.iter().sum::<i64>(), 300, "{counts:?}");
    assert!(counts.len() >= 3, "held to 100 a second, 300 rows take three seconds or more: {counts:?}");
    // The cap is per second with a burst of one batch, so no second holds
    // much more than the cap allows.
    assert!(counts.iter().all(|n| *n <= 200), "{counts:?}");

    let page = html(&app, &issuer, &format!("/organizations/{org}/jobs/{job}")).await;
    assert!(page.contains(r#"data-testid="job-throughput" data-total="300""#), "the chart is on the page, server-side");
    let other = app.org("Other", Plan::Professional).await;
    let r = app.call_as(&issuer, "get_job_throughput", &[("org_id", &other), ("job_id", &job)]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "another org's throughput is not found");
}
