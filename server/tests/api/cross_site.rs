use issuance::orgs::{Plan, Role};
use reqwest::StatusCode;

use crate::helpers::{PASSWORD, spawn_app};

#[tokio::test]
async fn a_post_from_another_site_is_refused_even_with_a_valid_session() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    app.member(&org, "owner@example.com", Role::Owner).await;
    app.login("owner@example.com", PASSWORD).await;

    let invite = |origin: Option<&'static str>, referer: Option<&'static str>| {
        let mut req = app.client.post(app.url("/api/invite_member")).form(&[
            ("org_id", org.as_str()),
            ("email", "x@example.com"),
            ("role", "viewer"),
        ]);
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        if let Some(r) = referer {
            req = req.header("referer", r);
        }
        req.send()
    };
    assert_eq!(invite(Some("https://evil.example"), None).await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(invite(None, Some("https://evil.example/page")).await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(invite(None, None).await.unwrap().status(), StatusCode::FORBIDDEN);
    assert!(issuance::orgs::invitations::pending(&app.db, &org).await.unwrap().is_empty());

    // The same request from our own page goes through.
    let ok = app.call("invite_member", &[("org_id", &org), ("email", "x@example.com"), ("role", "viewer")]).await;
    assert_eq!(ok.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_cross_site_login_attempt_is_refused() {
    let app = spawn_app().await;
    let r = app
        .client
        .post(app.url("/api/login"))
        .header("origin", "http://attacker.test")
        .form(&[("email", "a@example.com"), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}
