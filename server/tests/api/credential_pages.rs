//! The credential pages through the real router: the org's list and detail
//! (with revoking), the public page and its download, and the outbox.

use issuance::orgs::{Plan, Role};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE, LOCATION};
use serde_json::Value;

use crate::helpers::{
    PASSWORD, TestApp, badge, decode_part, html, issue_badge, json, spawn_app, submit_csv, wait_for_job,
};

/// An approved Professional org with a badge, and one member of `role`,
/// signed in; returns (org, badge, client).
async fn org_with(app: &TestApp, email: &str, role: Role) -> (String, String, reqwest::Client) {
    let org = app.org("Acme Academy", Plan::Professional).await;
    let badge = badge(app, &org, "Safety").await;
    app.member(&org, email, role).await;
    let client = app.signed_in(email).await;
    (org, badge, client)
}

async fn detail(app: &TestApp, client: &reqwest::Client, org: &str, id: &str) -> (StatusCode, Value) {
    json(app.call_as(client, "get_credential", &[("org_id", org), ("credential_id", id)]).await).await
}

/// A message in the outbox, as the job engine queues it.
async fn queue_message(app: &TestApp, org: &str, credential_id: &str, to: &str, status: &str) -> String {
    let id = issuance::ids::new_id("mail");
    let now = issuance::clock::now();
    sqlx::query(
        "INSERT INTO outbox (id, org_id, kind, credential_id, to_email, to_name, status, attempts, next_attempt_at,
                             last_error, created_at)
         VALUES ($1, $2, 'credential_issued', $3, $4, 'Someone', $5, $6, $7, $8, $7)",
    )
    .bind(&id)
    .bind(org)
    .bind(credential_id)
    .bind(to)
    .bind(status)
    .bind(if status == "failed" { 5 } else { 0 })
    .bind(now)
    .bind((status == "failed").then_some("550 mailbox unavailable"))
    .execute(&app.db)
    .await
    .unwrap();
    id
}

#[tokio::test]
async fn the_detail_page_shows_the_decoded_header_and_claims_and_the_signed_jwt() {
    let app = spawn_app().await;
    let (org, badge, viewer) = org_with(&app, "viewer@example.com", Role::Viewer).await;
    let id = issue_badge(&app, &org, &badge, "Jane Doe", "jane@example.com").await;
    let jwt: String = sqlx::query_scalar("SELECT signed_payload FROM credentials WHERE id = $1")
        .bind(&id)
        .fetch_one(&app.db)
        .await
        .unwrap();

    let (status, c) = detail(&app, &viewer, &org, &id).await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(c["jwt"], jwt.as_str());
    let header: Value = serde_json::from_str(c["header_json"].as_str().unwrap()).unwrap();
    let claims: Value = serde_json::from_str(c["claims_json"].as_str().unwrap()).unwrap();
    assert_eq!(header, decode_part(&jwt, 0));
    assert_eq!(header["alg"], "ES256");
    assert_eq!(claims, decode_part(&jwt, 1));
    assert_eq!(claims["jti"], format!("http://laurel.test/credentials/{id}"));
    assert_eq!((c["status"].as_str(), c["badge_name"].as_str()), (Some("active"), Some("Safety")));
    assert_eq!(c["can_revoke"], false, "a Viewer is not offered Revoke");

    let page = html(&app, &viewer, &format!("/organizations/{org}/credentials/{id}")).await;
    assert!(page.contains(&jwt), "the signed JWT is on the page");
    assert!(page.contains("ES256") && page.contains("credentialSubject"), "the decoded JWT is on the page");
    assert!(page.contains("Jane Doe") && page.contains("jane@example.com") && page.contains("Safety"));
    assert!(page.contains(&format!("http://laurel.test/credentials/{id}")), "it links to the public page");
    assert!(!page.contains("revoke-form") && !page.contains(r#"data-testid="revoke""#), "a Viewer sees no Revoke");
}

#[tokio::test]
async fn an_issuer_revokes_with_a_reason_and_the_detail_and_public_pages_then_say_revoked() {
    let app = spawn_app().await;
    let (org, badge, issuer) = org_with(&app, "issuer@example.com", Role::Issuer).await;
    let id = issue_badge(&app, &org, &badge, "Jane Doe", "jane@example.com").await;
    let page = html(&app, &issuer, &format!("/organizations/{org}/credentials/{id}")).await;
    assert!(page.contains(r#"data-testid="revoke""#), "an Issuer is offered Revoke");
    assert!(!page.contains("revoke-form"), "which only asks first");
    let asking = html(&app, &issuer, &format!("/organizations/{org}/credentials/{id}?confirm=revoke")).await;
    assert!(asking.contains("revoke-form") && asking.contains("Revoke this credential?"), "the confirmation");
    assert!(asking.contains("cannot be undone"));

    let no_reason = app.call_as(&issuer, "revoke_credential", &[("org_id", &org), ("credential_id", &id)]).await;
    assert_eq!(no_reason.status(), StatusCode::BAD_REQUEST, "the dashboard requires a reason");

    let r = app
        .call_as(
            &issuer,
            "revoke_credential",
            &[("org_id", &org), ("credential_id", &id), ("reason", "Issued in error")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());

    let (_, c) = detail(&app, &issuer, &org, &id).await;
    assert_eq!(c["status"], "revoked");
    assert_eq!(c["revocation_reason"], "Issued in error");
    assert!(c["revoked_at"].is_i64());
    let page = html(&app, &issuer, &format!("/organizations/{org}/credentials/{id}")).await;
    assert!(page.contains("status-revoked") && page.contains("Issued in error"));
    assert!(!page.contains("revoke-form"), "a revoked credential offers no Revoke");

    let public = app.get(&format!("/credentials/{id}")).await.text().await.unwrap();
    assert!(public.contains(r#"data-verdict="revoked""#), "{public}");
    assert!(public.contains("Revoked"));

    let again = app
        .call_as(
            &issuer,
            "revoke_credential",
            &[("org_id", &org), ("credential_id", &id), ("reason", "Issued in error")],
        )
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT, "revoking twice is refused");
    let (actor, summary): (Option<String>, String) =
        sqlx::query_as("SELECT actor_id, summary FROM activity WHERE org_id = $1 AND kind = 'credential.revoked'")
            .bind(&org)
            .fetch_one(&app.db)
            .await
            .unwrap();
    let issuer_id: String =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'issuer@example.com'").fetch_one(&app.db).await.unwrap();
    assert_eq!(actor, Some(issuer_id), "the revocation is recorded with who did it");
    assert!(summary.contains("Issued in error"));
}

#[tokio::test]
async fn without_javascript_the_revoke_form_posts_and_returns_to_the_credential() {
    let app = spawn_app().await;
    let (org, badge, _) = org_with(&app, "issuer@example.com", Role::Issuer).await;
    let id = issue_badge(&app, &org, &badge, "Jane Doe", "jane@example.com").await;
    app.login("issuer@example.com", PASSWORD).await;
    let back = format!("/organizations/{org}/credentials/{id}");

    let r = app
        .form_post(
            "revoke_credential",
            &[("org_id", &org), ("credential_id", &id), ("reason", "other"), ("reason_other", "Left the course")],
            &format!("{back}?confirm=revoke"),
        )
        .await;
    assert!(r.status().is_redirection(), "{}", r.status());
    let location = r.headers()[LOCATION].to_str().unwrap();
    assert_eq!(location, format!("{back}?notice=credential_revoked"), "back to the credential, with a message");
    let page = app.get(location).await.text().await.unwrap();
    assert!(page.contains(r#"data-notice="credential_revoked""#), "the success message is on the page");
    let reason: String = sqlx::query_scalar("SELECT revocation_reason FROM credentials WHERE id = $1")
        .bind(&id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(reason, "Left the course", "a typed reason");
    let status: String =
        sqlx::query_scalar("SELECT status FROM credentials WHERE id = $1").bind(&id).fetch_one(&app.db).await.unwrap();
    assert_eq!(status, "revoked");
}

#[tokio::test]
async fn a_viewer_cannot_revoke_a_credential() {
    let app = spawn_app().await;
    let (org, badge, viewer) = org_with(&app, "viewer@example.com", Role::Viewer).await;
    let id = issue_badge(&app, &org, &badge, "Jane Doe", "jane@example.com").await;

    let r =
        app.call_as(&viewer, "revoke_credential", &[("org_id", &org), ("credential_id", &id), ("reason", "x")]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let status: String =
        sqlx::query_scalar("SELECT status FROM credentials WHERE id = $1").bind(&id).fetch_one(&app.db).await.unwrap();
    assert_eq!(status, "active");
}

#[tokio::test]
async fn the_public_page_works_without_a_session_and_says_valid_without_revealing_the_email() {
    let app = spawn_app().await;
    let (org, badge, _) = org_with(&app, "viewer@example.com", Role::Viewer).await;
    let id = issue_badge(&app, &org, &badge, "Jane Doe", "jane@example.com").await;

    let r = app.get(&format!("/credentials/{id}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(page.contains(r#"data-verdict="valid""#), "{page}");
    for shown in ["Safety", "Safety: knows the drill.", "Passed the course.", "Jane Doe", "Acme Academy"] {
        assert!(page.contains(shown), "the page shows {shown}");
    }
    assert!(page.contains(&format!("did:web:laurel.test:organizations:{org}")), "the issuer's DID");
    assert!(page.contains(&format!("http://laurel.test/organizations/{org}/did.json")), "where to verify the key");
    assert!(page.contains("/status-lists/"), "where to check revocation");
    assert!(page.contains(&format!("/credentials/{id}/credential.jwt")), "the download link");
    assert!(!page.to_lowercase().contains("jane@example.com"), "the recipient's e-mail is not revealed");

    let (status, data) = json(app.call("get_public_credential", &[("credential_id", &id)]).await).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!data.to_string().contains("jane@example.com"));
    assert_eq!(data["recipient_name"], "Jane Doe");
}

#[tokio::test]
async fn the_public_page_says_expired_once_the_expiry_has_passed() {
    let app = spawn_app().await;
    let (org, badge, _) = org_with(&app, "viewer@example.com", Role::Viewer).await;
    let id = issue_badge(&app, &org, &badge, "Jane Doe", "jane@example.com").await;
    sqlx::query("UPDATE credentials SET expires_at = $1 WHERE id = $2")
        .bind(issuance::clock::now() - 60)
        .bind(&id)
        .execute(&app.db)
        .await
        .unwrap();

    let page = app.get(&format!("/credentials/{id}")).await.text().await.unwrap();
    assert!(page.contains(r#"data-verdict="expired""#), "{page}");
    assert!(page.contains("Expired"));
}

#[tokio::test]
async fn the_credential_jwt_downloads_the_exact_signed_payload_as_vc_jwt() {
    let app = spawn_app().await;
    let (org, badge, _) = org_with(&app, "viewer@example.com", Role::Viewer).await;
    let id = issue_badge(&app, &org, &badge, "Jane Doe", "jane@example.com").await;
    let jwt: String = sqlx::query_scalar("SELECT signed_payload FROM credentials WHERE id = $1")
        .bind(&id)
        .fetch_one(&app.db)
        .await
        .unwrap();

    let r = reqwest::get(app.url(&format!("/credentials/{id}/credential.jwt"))).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[CONTENT_TYPE], "application/vc+jwt");
    assert_eq!(r.headers()[CONTENT_DISPOSITION].to_str().unwrap(), format!("attachment; filename=\"{id}.jwt\""));
    assert_eq!(r.text().await.unwrap(), jwt);
}

#[tokio::test]
async fn an_unknown_credential_id_is_a_404_on_the_public_page_and_its_download() {
    let app = spawn_app().await;

    let r = app.get("/credentials/cred_01NOSUCHCREDENTIAL00000000").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(r.text().await.unwrap().contains("Credential not found"));
    let r = reqwest::get(app.url("/credentials/cred_01NOSUCHCREDENTIAL00000000/credential.jwt")).await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app.call("get_public_credential", &[("credential_id", "cred_01NOSUCHCREDENTIAL00000000")]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn another_orgs_member_gets_404_for_a_credential_and_cannot_revoke_it() {
    let app = spawn_app().await;
    let (org, badge, _) = org_with(&app, "viewer@example.com", Role::Viewer).await;
    let id = issue_badge(&app, &org, &badge, "Jane Doe", "jane@example.com").await;
    let other = app.org("Other Org", Plan::Professional).await;
    app.member(&other, "stranger@example.com", Role::Owner).await;
    let stranger = app.signed_in("stranger@example.com").await;

    let (status, _) = detail(&app, &stranger, &org, &id).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not a member of the credential's org");
    let (status, _) = detail(&app, &stranger, &other, &id).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not a credential of their own org");
    let r = app.call_as(&stranger, "revoke_credential", &[("org_id", &other), ("credential_id", &id)]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = stranger.get(app.url(&format!("/organizations/{org}/credentials/{id}"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_credentials_list_filters_by_job_and_by_badge_and_links_each_row_to_its_page() {
    let app = spawn_app().await;
    let (org, safety, issuer) = org_with(&app, "issuer@example.com", Role::Issuer).await;
    let first_aid = badge(&app, &org, "First aid").await;
    let single = issue_badge(&app, &org, &first_aid, "Solo Person", "solo@example.com").await;
    let job = submit_csv(
        &app,
        &issuer,
        &org,
        &safety,
        "name,email\nJane Batch,jane@example.com\nSam Batch,sam@example.com\n",
    )
    .await;
    assert_eq!(wait_for_job(&app.db, &job).await, "completed");

    let list = |job: Option<&str>, badge: Option<&str>| {
        let (org, issuer, app) = (org.clone(), issuer.clone(), &app);
        let (job, badge) = (job.unwrap_or_default().to_owned(), badge.unwrap_or_default().to_owned());
        async move {
            let (status, v) = json(
                app.call_as(&issuer, "list_credentials", &[("org_id", &org), ("job_id", &job), ("badge_id", &badge)])
                    .await,
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{v}");
            v
        }
    };
    let names = |v: &Value| {
        let mut n: Vec<String> =
            v["list"]["items"].as_array().unwrap().iter().map(|i| i["about"].as_str().unwrap().to_owned()).collect();
        n.sort();
        n
    };

    let by_job = list(Some(&job), None).await;
    assert_eq!(names(&by_job), ["Jane Batch", "Sam Batch"]);
    assert_eq!(by_job["job_label"], "people.csv");
    assert_eq!(names(&list(None, Some(&first_aid)).await), ["Solo Person"]);
    assert_eq!(names(&list(None, Some(&safety)).await), ["Jane Batch", "Sam Batch"]);
    assert_eq!(names(&list(Some(&job), Some(&first_aid)).await), Vec::<String>::new());
    assert_eq!(names(&list(None, None).await).len(), 3);

    let page = html(&app, &issuer, &format!("/organizations/{org}/credentials?job={job}")).await;
    assert!(page.contains("job-chip") && page.contains("Job people.csv"), "the job filter shows as a chip");
    assert!(page.contains("Jane Batch") && !page.contains("Solo Person"));
    let page = html(&app, &issuer, &format!("/organizations/{org}/credentials?badge={first_aid}")).await;
    assert!(page.contains("Solo Person") && !page.contains("Jane Batch"));
    assert!(page.contains(&format!("href=\"/organizations/{org}/credentials/{single}\"")), "rows link to their page");

    // A job's credential names its job and its e-mail on its page.
    let jane: String = sqlx::query_scalar("SELECT id FROM credentials WHERE job_id = $1 AND recipient_email = $2")
        .bind(&job)
        .bind("jane@example.com")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let (_, c) = detail(&app, &issuer, &org, &jane).await;
    assert_eq!(c["job_id"], job.as_str());
    assert_eq!(c["emails"][0]["status"], "queued");
    assert_eq!(c["emails"][0]["to_email"], "jane@example.com");

    // And the REST API filters by job too.
    let key = app.api_key(&org, &[issuance::api_keys::Scope::CredentialsRead]).await;
    let (status, v) = json(app.get_json(&format!("/v1/credentials?job_id={job}"), &key).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["data"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn the_outbox_is_refused_to_an_issuer_and_shows_queued_messages_to_an_admin() {
    let app = spawn_app().await;
    let (org, badge, issuer) = org_with(&app, "issuer@example.com", Role::Issuer).await;
    app.member(&org, "admin@example.com", Role::Admin).await;
    let admin = app.signed_in("admin@example.com").await;
    let id = issue_badge(&app, &org, &badge, "Jane Doe", "jane@example.com").await;
    queue_message(&app, &org, &id, "jane@example.com", "queued").await;

    let r = app.call_as(&issuer, "get_outbox", &[("org_id", &org)]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = issuer.get(app.url(&format!("/organizations/{org}/outbox"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "the page itself answers 403");

    let (status, o) = json(app.call_as(&admin, "get_outbox", &[("org_id", &org)]).await).await;
    assert_eq!(status, StatusCode::OK, "{o}");
    assert_eq!((o["queued"].as_i64(), o["sent"].as_i64(), o["failed"].as_i64()), (Some(1), Some(0), Some(0)));
    assert_eq!(o["smtp_configured"], false);
    assert_eq!(o["messages"][0]["to_email"], "jane@example.com");
    assert_eq!(o["messages"][0]["badge_name"], "Safety");

    let page = html(&app, &admin, &format!("/organizations/{org}/outbox")).await;
    assert!(page.contains("jane@example.com") && page.contains("mail-queued"));
    assert!(page.contains("smtp-note"), "the page says mail is not being sent");
    let failed_only = html(&app, &admin, &format!("/organizations/{org}/outbox?status=failed")).await;
    assert!(!failed_only.contains("jane@example.com"), "the status filter applies");
}

#[tokio::test]
async fn retrying_a_failed_message_puts_it_back_in_the_queue() {
    let app = spawn_app().await;
    let (org, badge, admin) = org_with(&app, "admin@example.com", Role::Admin).await;
    let id = issue_badge(&app, &org, &badge, "Jane Doe", "jane@example.com").await;
    let message = queue_message(&app, &org, &id, "jane@example.com", "failed").await;

    let page = html(&app, &admin, &format!("/organizations/{org}/outbox?status=failed")).await;
    assert!(page.contains("550 mailbox unavailable") && page.contains("Retry"));

    let r = app.call_as(&admin, "retry_outbox_message", &[("org_id", &org), ("message_id", &message)]).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let (status, attempts): (String, i64) = sqlx::query_as("SELECT status, attempts FROM outbox WHERE id = $1")
        .bind(&message)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!((status.as_str(), attempts), ("queued", 0));

    let again = app.call_as(&admin, "retry_outbox_message", &[("org_id", &org), ("message_id", &message)]).await;
    assert_eq!(again.status(), StatusCode::CONFLICT, "only a failed message can be retried");
}

#[tokio::test]
async fn the_credentials_page_shows_the_org_s_totals_whatever_the_filter() {
    let app = spawn_app().await;
    let (org, badge, owner) = org_with(&app, "owner@example.com", Role::Owner).await;
    let list = format!("/organizations/{org}/credentials");
    assert!(!html(&app, &owner, &list).await.contains("credential-totals"), "no totals before anything is issued");
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(issue_badge(&app, &org, &badge, &format!("Person {i}"), &format!("p{i}@example.com")).await);
    }
    issuance::credentials::store::revoke(&app.db, &org, &ids[0], Some("left"), None).await.unwrap();

    for path in [list.clone(), format!("{list}?status=revoked")] {
        let page = html(&app, &owner, &path).await;
        let totals = page.split(r#"data-testid="credential-totals""#).nth(1).unwrap_or_else(|| panic!("{page}"));
        let totals: String = totals.split("</p>").next().unwrap().replace("<!>", "");
        assert!(totals.contains("<strong>3</strong> issued · <strong>1</strong> revoked"), "{path}: {totals}");
    }
}

#[tokio::test]
async fn search_finds_each_word_s_beginning_in_names_emails_and_subjects_whatever_the_case_or_accents() {
    let app = spawn_app().await;
    let (org, badge, client) = org_with(&app, "issuer@example.com", Role::Issuer).await;
    let jane = issue_badge(&app, &org, &badge, "Jane Doe", "jd@example.com").await;
    let jose = issue_badge(&app, &org, &badge, "José Müller", "jmueller@example.org").await;
    let mail = issue_badge(&app, &org, &badge, "Sam Park", "sam.okafor@school.test").await;
    let other_org = app.org("Other Academy", Plan::Professional).await;
    let other_badge = crate::helpers::badge(&app, &other_org, "Elsewhere").await;
    let stranger = issue_badge(&app, &other_org, &other_badge, "Jane Dover", "jane@other.test").await;

    for (typed, expected) in [
        ("jan do", vec![&jane]),
        ("JANE", vec![&jane]),
        ("jose mull", vec![&jose]),
        ("josé MÜLLER", vec![&jose]),
        ("okaf", vec![&mail]),
        ("school.test", vec![&mail]),
        ("example", vec![&jane, &jose]),
        ("jane sam", vec![]),
        ("@@ --", vec![]),
    ] {
        let query: String = url::form_urlencoded::byte_serialize(typed.as_bytes()).collect();
        let page = html(&app, &client, &format!("/organizations/{org}/credentials?q={query}")).await;
        for id in [&jane, &jose, &mail] {
            assert_eq!(page.contains(id.as_str()), expected.contains(&id), "{typed:?} and {id}");
        }
        assert!(!page.contains(stranger.as_str()), "another org's credential never shows");
    }
}
