//! What an operator relies on: revoking stops the award e-mail, a chosen
//! column mapping is the org's own, and only Owners ask for a bigger plan.

use issuance::api_keys::Scope;
use issuance::orgs::{Plan, Role};
use reqwest::StatusCode;
use reqwest::header::LOCATION;

use crate::helpers::{json, org_with_badge, spawn_app, submit_csv, upload_csv, wait_for_job};

async fn mail_status(app: &crate::helpers::TestApp, credential: &str) -> String {
    sqlx::query_scalar("SELECT status FROM outbox WHERE credential_id = $1")
        .bind(credential)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn revoking_over_the_api_cancels_the_credentials_queued_email_and_no_other() {
    let app = spawn_app().await;
    let (org, badge) = org_with_badge(&app, Plan::Professional).await;
    app.member(&org, "issuer@example.com", Role::Issuer).await;
    let issuer = app.signed_in("issuer@example.com").await;
    let job = submit_csv(&app, &issuer, &org, &badge, "name,email\nAda,ada@example.com\nBob,bob@example.com\n").await;
    wait_for_job(&app.db, &job).await;
    let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM credentials WHERE job_id = $1 ORDER BY recipient_email")
        .bind(&job)
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(
        (mail_status(&app, &ids[0]).await, mail_status(&app, &ids[1]).await),
        ("queued".into(), "queued".into())
    );

    let key = app.api_key(&org, &[Scope::CredentialsWrite, Scope::CredentialsRead]).await;
    let r = app.post_json(&format!("/v1/credentials/{}/revoke", ids[0]), &key, serde_json::json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(mail_status(&app, &ids[0]).await, "cancelled", "the revoked credential's e-mail never goes");
    assert_eq!(mail_status(&app, &ids[1]).await, "queued", "the other recipient's still does");
    let (_, job) = json(app.get_json(&format!("/v1/bulk-issue/{job}"), &key).await).await;
    assert_eq!(job["emails"]["cancelled"], 1);
}

#[tokio::test]
async fn a_column_mapping_is_remembered_for_its_own_org_only() {
    let app = spawn_app().await;
    let (org, badge) = org_with_badge(&app, Plan::Professional).await;
    app.member(&org, "issuer@example.com", Role::Issuer).await;
    let issuer = app.signed_in("issuer@example.com").await;
    let csv = "Full Name,Email Address\nGrace Hopper,grace@example.com\n";
    let to = upload_csv(&app, &issuer, &org, &badge, csv).await.headers()[LOCATION].to_str().unwrap().to_owned();
    let upload = to.rsplit('=').next().unwrap().to_owned();

    // Another org's member cannot map (or learn of) this upload.
    let other = app.org("Other", Plan::Professional).await;
    app.member(&other, "stranger@example.com", Role::Owner).await;
    let stranger = app.signed_in("stranger@example.com").await;
    let form = [
        ("org_id", other.as_str()),
        ("upload_id", &upload),
        ("name_column", "Full Name"),
        ("email_column", "Email Address"),
    ];
    assert_eq!(app.call_as(&stranger, "map_columns", &form).await.status(), StatusCode::NOT_FOUND);

    // A column the file does not have, or one column for both, is refused.
    let bad =
        [("org_id", org.as_str()), ("upload_id", &upload), ("name_column", "Nom"), ("email_column", "Email Address")];
    assert_eq!(app.call_as(&issuer, "map_columns", &bad).await.status(), StatusCode::BAD_REQUEST);
    let same =
        [("org_id", org.as_str()), ("upload_id", &upload), ("name_column", "Full Name"), ("email_column", "Full Name")];
    assert_eq!(app.call_as(&issuer, "map_columns", &same).await.status(), StatusCode::BAD_REQUEST);

    let good = [
        ("org_id", org.as_str()),
        ("upload_id", &upload),
        ("name_column", "Full Name"),
        ("email_column", "Email Address"),
    ];
    assert_eq!(app.call_as(&issuer, "map_columns", &good).await.status(), StatusCode::OK);
    // The API's dry run reads the same headers now, for this org only.
    let key = app.api_key(&org, &[Scope::CredentialsWrite]).await;
    let validate = |key: String, badge: String| {
        let app = &app;
        async move {
            app.client
                .post(app.url(&format!("/v1/bulk-issue/validate?badge_id={badge}")))
                .header("x-api-key", key)
                .header("content-type", "text/csv")
                .body(csv)
                .send()
                .await
                .unwrap()
        }
    };
    let (status, body) = json(validate(key, badge.clone()).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["totals"]["new"], 1);
    let other_badge = crate::helpers::badge(&app, &other, "Theirs").await;
    let other_key = app.api_key(&other, &[Scope::CredentialsWrite]).await;
    let (status, body) = json(validate(other_key, other_badge).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["details"][0]["message"].as_str().unwrap().starts_with("needs_mapping"), "{body}");
}

#[tokio::test]
async fn only_an_owner_asks_for_a_bigger_plan_and_the_request_is_an_audit_event() {
    let app = spawn_app().await;
    let org = app.org("Small Co", Plan::Free).await;
    app.member(&org, "owner@example.com", Role::Owner).await;
    app.member(&org, "admin@example.com", Role::Admin).await;
    let owner = app.signed_in("owner@example.com").await;
    let admin = app.signed_in("admin@example.com").await;

    let ask = [("org_id", org.as_str()), ("plan", "professional"), ("note", "300 a month")];
    assert_eq!(app.call_as(&admin, "request_upgrade", &ask).await.status(), StatusCode::FORBIDDEN);
    let down = [("org_id", org.as_str()), ("plan", "free")];
    assert_eq!(app.call_as(&owner, "request_upgrade", &down).await.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.call_as(&owner, "request_upgrade", &ask).await.status(), StatusCode::OK);

    let (kind, summary, actor): (String, String, String) = sqlx::query_as(
        "SELECT a.kind, a.summary, u.email FROM activity a JOIN users u ON u.id = a.actor_id WHERE a.org_id = $1
         AND a.kind = 'plan.upgrade_requested'",
    )
    .bind(&org)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(kind, "plan.upgrade_requested");
    assert_eq!(summary, "An upgrade from Free to Professional was requested: 300 a month");
    assert_eq!(actor, "owner@example.com");
    let plan: String =
        sqlx::query_scalar("SELECT plan FROM organizations WHERE id = $1").bind(&org).fetch_one(&app.db).await.unwrap();
    assert_eq!(plan, "free", "asking changes nothing by itself");
}

#[tokio::test]
async fn re_inviting_a_pending_address_asks_before_replacing_the_invitation() {
    let app = spawn_app().await;
    let org = app.org("Invite Co", Plan::Professional).await;
    app.member(&org, "owner@example.com", Role::Owner).await;
    let owner = app.signed_in("owner@example.com").await;
    let invite = |role: &'static str, replace: bool| {
        let (app, owner, org) = (&app, &owner, org.clone());
        async move {
            let mut form = vec![("org_id", org), ("email", "new@example.com".to_owned()), ("role", role.to_owned())];
            if replace {
                form.push(("replace", "true".to_owned()));
            }
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call_as(owner, "invite_member", &form).await
        }
    };
    assert_eq!(invite("viewer", false).await.status(), StatusCode::OK);
    let asked = invite("admin", false).await;
    assert_eq!(asked.status(), StatusCode::CONFLICT);
    assert!(asked.text().await.unwrap().contains("already invited as Viewer"));
    let role = || async {
        sqlx::query_scalar::<_, String>("SELECT role FROM invitations WHERE email = 'new@example.com'")
            .fetch_one(&app.db)
            .await
            .unwrap()
    };
    assert_eq!(role().await, "viewer", "nothing changed without a yes");
    assert_eq!(invite("admin", true).await.status(), StatusCode::OK);
    assert_eq!(role().await, "admin");
}
