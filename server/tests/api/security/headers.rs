//! Security headers on every kind of answer, and the cross-site check.

use issuance::orgs::{Plan, Role};
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY};

use crate::helpers::{PASSWORD, setup, spawn_app, spawn_app_with, submit_csv};

#[tokio::test]
async fn pages_downloads_and_api_answers_carry_the_security_headers() {
    let (app, org, key) = setup().await;
    let badge = crate::helpers::badge(&app, &org, "Safety").await;
    app.member(&org, "owner@acme.example", Role::Owner).await;
    let owner = app.signed_in("owner@acme.example").await;
    let job = submit_csv(&app, &owner, &org, &badge, "name,email\nJane,jane@example.com\nNo Mail,\n").await;

    let page = owner.get(app.url(&format!("/organizations/{org}"))).header("accept", "text/html").send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let headers = page.headers().clone();
    let csp = headers[CONTENT_SECURITY_POLICY].to_str().unwrap().to_owned();
    let html = page.text().await.unwrap();
    let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).expect("the policy names a nonce");
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("'wasm-unsafe-eval'"), "{csp}");
    assert!(!csp.contains("'unsafe-inline' ") && !csp.contains("script-src 'unsafe-inline'"), "{csp}");
    let scripts = html.matches("<script").count();
    assert!(scripts > 0, "the page hydrates");
    assert_eq!(html.matches(&format!("nonce=\"{nonce}\"")).count(), scripts, "every inline script carries the nonce");
    let other = owner.get(app.url(&format!("/organizations/{org}"))).send().await.unwrap();
    assert_ne!(other.headers()[CONTENT_SECURITY_POLICY], csp.as_str(), "a fresh nonce per response");

    crate::helpers::wait_for_job(&app.db, &job).await;
    let csv = owner.get(app.url(&format!("/organizations/{org}/jobs/{job}/failed.csv"))).send().await.unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let api = app.get_json("/v1/credentials", &key).await;
    for (what, h) in [("page", &headers), ("CSV download", csv.headers()), ("API answer", api.headers())] {
        assert_eq!(h["x-content-type-options"], "nosniff", "{what}");
        assert_eq!(h["referrer-policy"], "same-origin", "{what}");
        assert_eq!(h["x-frame-options"], "DENY", "{what}");
        assert_eq!(h[CACHE_CONTROL], "no-store", "{what}");
        assert!(h[CONTENT_SECURITY_POLICY].to_str().unwrap().contains("frame-ancestors 'none'"), "{what}");
        assert!(h.get("strict-transport-security").is_none(), "{what}: no HSTS over http");
    }
    assert!(api.headers()[CONTENT_SECURITY_POLICY].to_str().unwrap().starts_with("default-src 'none'"));

    let https = spawn_app_with(|c| c.public_url = "https://laurel.example".into()).await;
    let r = https.client.get(https.url("/login")).send().await.unwrap();
    assert_eq!(r.headers()["strict-transport-security"], "max-age=63072000; includeSubDomains");
}

#[tokio::test]
async fn the_origin_guard_trusts_the_public_url_not_the_host_header() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    app.member(&org, "owner@example.com", Role::Owner).await;
    app.login("owner@example.com", PASSWORD).await;
    let r = app
        .client
        .post(app.url("/api/invite_member"))
        .header("host", "evil.example")
        .header("origin", "http://evil.example")
        .form(&[("org_id", org.as_str()), ("email", "x@example.com"), ("role", "viewer")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "a forged Host that matches a forged Origin is still refused");
    assert!(issuance::orgs::invitations::pending(&app.db, &org).await.unwrap().is_empty());
}
