use issuance::orgs::{Plan, Role};
use reqwest::StatusCode;
use reqwest::header::LOCATION;

use crate::helpers::{html, org_with_badge, spawn_app, upload_csv};

const CSV: &str = "name,email\nJane,jane@example.com\n=HYPERLINK(\"x\"),not-an-email\nSam,sam@example.com\n";

#[tokio::test]
async fn an_issuer_uploads_a_csv_and_sees_every_row_classified_on_its_own_page() {
    let app = spawn_app().await;
    let (org, badge) = org_with_badge(&app, Plan::Professional).await;
    app.member(&org, "issuer@example.com", Role::Issuer).await;
    let issuer = app.signed_in("issuer@example.com").await;

    let r = upload_csv(&app, &issuer, &org, &badge, CSV).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let review_url = r.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(review_url.starts_with(&format!("/organizations/{org}/credentials/bulk-issue/upl_")), "{review_url}");

    let page = html(&app, &issuer, &review_url).await;
    assert!(page.contains("jane@example.com") && page.contains("sam@example.com"));
    assert!(page.contains(r#"data-testid="count-new">2<"#), "two new rows");
    assert!(page.contains(r#"data-testid="count-invalid">1<"#), "one invalid row");
    assert!(page.contains("uses 2 of 5,000 left this month"));

    let only_invalid = html(&app, &issuer, &format!("{review_url}?status=invalid")).await;
    assert!(only_invalid.contains("not-an-email") && !only_invalid.contains("sam@example.com"));

    let csv = issuer.get(app.url(&format!("{review_url}/invalid.csv"))).send().await.unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let body = csv.text().await.unwrap();
    assert!(body.starts_with("name,email,row,reason\n"), "{body}");
    assert!(body.contains("\"'=HYPERLINK(\"\"x\"\")\""), "formula cells are neutralised: {body}");
    assert!(!body.contains("jane@example.com"));

    let template = app
        .client
        .get(app.url(&format!("/organizations/{org}/credentials/bulk-issue/template.csv")))
        .send()
        .await
        .unwrap();
    assert!(template.text().await.unwrap().starts_with("name,email"));
}

#[tokio::test]
async fn submitting_records_the_upload_once_and_sends_the_browser_to_its_job() {
    let app = spawn_app().await;
    let (org, badge) = org_with_badge(&app, Plan::Professional).await;
    app.member(&org, "issuer@example.com", Role::Issuer).await;
    let issuer = app.signed_in("issuer@example.com").await;
    let r = upload_csv(&app, &issuer, &org, &badge, CSV).await;
    let upload_id = r.headers()[LOCATION].to_str().unwrap().rsplit('/').next().unwrap().to_owned();

    let submit = app.call_as(&issuer, "submit_bulk_upload", &[("org_id", &org), ("upload_id", &upload_id)]).await;
    assert_eq!(submit.status(), StatusCode::OK);
    let job_page = submit.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(submit.headers().contains_key("serverfnredirect"), "the hydrated page navigates to the job");
    let job_id: String = submit.json().await.unwrap();
    assert_eq!(job_page, format!("/organizations/{org}/jobs/{job_id}"));
    let (status, totals, recorded_job): (String, String, Option<String>) = sqlx::query_as(
        "SELECT status, totals_json, (SELECT id FROM jobs WHERE upload_id = bulk_uploads.id) FROM bulk_uploads WHERE id = $1",
    )
            .bind(&upload_id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(status, "submitted");
    assert!(totals.contains("\"issuable\":2"));
    assert_eq!(recorded_job.as_deref(), Some(job_id.as_str()));
    let again = app.call_as(&issuer, "submit_bulk_upload", &[("org_id", &org), ("upload_id", &upload_id)]).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let page = html(&app, &issuer, &format!("/organizations/{org}/credentials/bulk-issue/{upload_id}")).await;
    assert!(page.contains("data-testid=\"submitted\""), "the review says it was submitted");
    assert!(page.contains(&format!("href=\"{job_page}\"")), "and links to its job");
    assert!(!page.contains("Submitted: pending"), "it no longer says the upload waits for an engine");
}

#[tokio::test]
async fn a_free_org_validates_but_cannot_submit_and_a_file_with_nothing_to_issue_cannot_either() {
    let app = spawn_app().await;
    let (free, free_badge) = org_with_badge(&app, Plan::Free).await;
    app.member(&free, "owner@example.com", Role::Owner).await;
    let owner = app.signed_in("owner@example.com").await;
    let r = upload_csv(&app, &owner, &free, &free_badge, CSV).await;
    let url = r.headers()[LOCATION].to_str().unwrap().to_owned();
    let page = html(&app, &owner, &url).await;
    assert!(
        page.contains("data-testid=\"submit\" disabled") || page.contains("disabled data-testid=\"submit\""),
        "Submit is disabled"
    );
    assert!(page.contains("Upgrade to Professional or Enterprise"));
    let id = url.rsplit('/').next().unwrap();
    let submit = app.call_as(&owner, "submit_bulk_upload", &[("org_id", &free), ("upload_id", id)]).await;
    assert_eq!(submit.status(), StatusCode::FORBIDDEN);

    let (pro, pro_badge) = org_with_badge(&app, Plan::Professional).await;
    app.member(&pro, "owner@example.com", Role::Owner).await;
    let r = upload_csv(&app, &owner, &pro, &pro_badge, "name,email\n,broken\n").await;
    let id = r.headers()[LOCATION].to_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let submit = app.call_as(&owner, "submit_bulk_upload", &[("org_id", &pro), ("upload_id", &id)]).await;
    assert_eq!(submit.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn viewers_cannot_upload_and_other_orgs_cannot_see_an_upload() {
    let app = spawn_app().await;
    let (org, badge) = org_with_badge(&app, Plan::Professional).await;
    app.member(&org, "viewer@example.com", Role::Viewer).await;
    app.member(&org, "issuer@example.com", Role::Issuer).await;
    let viewer = app.signed_in("viewer@example.com").await;
    assert_eq!(upload_csv(&app, &viewer, &org, &badge, CSV).await.status(), StatusCode::FORBIDDEN);

    let issuer = app.signed_in("issuer@example.com").await;
    let url = upload_csv(&app, &issuer, &org, &badge, CSV).await.headers()[LOCATION].to_str().unwrap().to_owned();
    let other = app.org("Other", Plan::Professional).await;
    app.member(&other, "outsider@example.com", Role::Owner).await;
    let outsider = app.signed_in("outsider@example.com").await;
    assert_eq!(
        outsider.get(app.url(&url)).header("accept", "text/html").send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        outsider.get(app.url(&format!("{url}/invalid.csv"))).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let id = url.rsplit('/').next().unwrap();
    let r = app.call_as(&outsider, "get_bulk_review", &[("org_id", &org), ("upload_id", id)]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_file_error_is_shown_on_the_upload_page_with_the_file_name_and_badge_kept() {
    let app = spawn_app().await;
    let (org, badge) = org_with_badge(&app, Plan::Professional).await;
    app.member(&org, "issuer@example.com", Role::Issuer).await;
    let issuer = app.signed_in("issuer@example.com").await;
    let url =
        upload_csv(&app, &issuer, &org, &badge, "name\nJane\n").await.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(url.starts_with(&format!("/organizations/{org}/credentials/bulk-issue?upload=upl_")), "{url}");
    let page = html(&app, &issuer, &url).await;
    assert!(page.contains("This file cannot be used") && page.contains("no 'email' column"), "{page}");
    assert!(page.contains("people.csv"), "the file is named");
    assert!(page.contains(&format!(r#"<option value="{badge}" selected"#)), "the badge stays chosen");
    assert!(!page.contains("data-testid=\"review\""));

    // Its review address sends back to the same place.
    let id = url.rsplit('=').next().unwrap();
    let r = issuer
        .get(app.url(&format!("/organizations/{org}/credentials/bulk-issue/{id}")))
        .header(reqwest::header::ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FOUND);
    assert_eq!(r.headers()[LOCATION].to_str().unwrap(), url);
}
