use issuance::accounts::login::WRONG_CREDENTIALS;
use issuance::orgs::{Plan, Role};
use laurel::startup::SESSION_COOKIE;
use reqwest::StatusCode;
use reqwest::header::LOCATION;

use crate::helpers::{PASSWORD, cookie_attributes, error_text, spawn_app, spawn_app_with};

#[tokio::test]
async fn signing_in_with_the_right_password_opens_the_dashboard() {
    let app = spawn_app().await;
    let org = app.org("Acme Academy", Plan::Professional).await;
    app.member(&org, "ada@example.com", Role::Owner).await;

    let before = app.get(&format!("/organizations/{org}")).await;
    assert_eq!(before.status(), StatusCode::FOUND, "anonymous visitors are sent to sign in");
    let to = before.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(to.starts_with("/login?next=/organizations/"), "{to}");

    let r = app.login("Ada@Example.com ", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::OK);

    let page = app.get(&format!("/organizations/{org}")).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Acme Academy"));
    assert!(html.contains("role=\"progressbar\""), "the overview shows the quota bar");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Free).await;
    app.member(&org, "ada@example.com", Role::Owner).await;

    let wrong_password = app.login("ada@example.com", "not the password").await;
    let unknown_email = app.login("nobody@example.com", PASSWORD).await;
    assert_eq!(wrong_password.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(unknown_email.status(), StatusCode::UNAUTHORIZED);
    let (a, b) = (error_text(wrong_password).await, error_text(unknown_email).await);
    assert_eq!(a, b);
    assert!(a.contains(WRONG_CREDENTIALS), "{a}");
}

#[tokio::test]
async fn the_session_cookie_is_http_only_same_site_lax_and_not_secure_over_http() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Free).await;
    app.member(&org, "ada@example.com", Role::Owner).await;
    let r = app.login("ada@example.com", PASSWORD).await;
    let cookie = cookie_attributes(r.headers(), SESSION_COOKIE).expect("a session cookie is set");
    assert!(cookie.contains_key("httponly"));
    assert_eq!(cookie.get("samesite").map(String::as_str), Some("Lax"));
    assert!(!cookie.contains_key("secure"));
}

#[tokio::test]
async fn the_session_cookie_is_secure_when_served_over_https() {
    let app = spawn_app_with(|c| c.public_url = "https://laurel.example".into()).await;
    let org = app.org("Acme", Plan::Free).await;
    app.member(&org, "ada@example.com", Role::Owner).await;
    let r = app.login("ada@example.com", PASSWORD).await;
    let cookie = cookie_attributes(r.headers(), SESSION_COOKIE).expect("a session cookie is set");
    assert!(cookie.contains_key("secure"));
}

#[tokio::test]
async fn signing_in_gives_a_new_session_id_and_the_old_one_stops_working() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Free).await;
    app.member(&org, "ada@example.com", Role::Owner).await;

    let first = app.login("ada@example.com", PASSWORD).await;
    let first_id = cookie_attributes(first.headers(), SESSION_COOKIE).unwrap()["value"].clone();
    let second = app.login("ada@example.com", PASSWORD).await;
    let second_id = cookie_attributes(second.headers(), SESSION_COOKIE).unwrap()["value"].clone();
    assert_ne!(first_id, second_id);

    // Replaying the first id by hand: it no longer signs anyone in.
    let stale = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = stale
        .get(app.url(&format!("/organizations/{org}")))
        .header("accept", "text/html")
        .header("cookie", format!("{SESSION_COOKIE}={first_id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FOUND);
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Free).await;
    app.member(&org, "ada@example.com", Role::Owner).await;
    let r = app.login("ada@example.com", PASSWORD).await;
    let id = cookie_attributes(r.headers(), SESSION_COOKIE).unwrap()["value"].clone();
    assert_eq!(app.get(&format!("/organizations/{org}")).await.status(), StatusCode::OK);

    let out = app.call("logout", &[]).await;
    assert!(out.status().is_success());
    assert_eq!(app.get(&format!("/organizations/{org}")).await.status(), StatusCode::FOUND);

    let replay = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = replay
        .post(app.url("/api/get_org_overview"))
        .header("cookie", format!("{SESSION_COOKIE}={id}"))
        .header("origin", &app.public_url)
        .form(&[("org_id", org.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn repeated_failures_lock_the_account_for_a_while_even_for_the_right_password() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Free).await;
    app.member(&org, "ada@example.com", Role::Owner).await;
    for _ in 0..5 {
        assert_eq!(app.login("ada@example.com", "guess").await.status(), StatusCode::UNAUTHORIZED);
    }
    let locked = app.login("ada@example.com", PASSWORD).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(error_text(locked).await.contains("Wait"));

    // The first lock lasts one second; then the right password works again.
    app.clock.advance(2);
    assert_eq!(app.login("ada@example.com", PASSWORD).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_login_form_works_without_javascript() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Free).await;
    app.member(&org, "ada@example.com", Role::Owner).await;

    let page = app.get("/login").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"action="/api/login""#), "the form posts to the server: {html}");
    assert!(html.contains(r#"method="post""#));

    let failed =
        app.form_post("login", &[("email", "ada@example.com"), ("password", "nope"), ("next", "")], "/login").await;
    assert_eq!(failed.status(), StatusCode::FOUND);
    let back = failed.headers()[LOCATION].to_str().unwrap().to_owned();
    assert_eq!(back, "/login", "back to the form, with nothing internal in the address");
    let shown = app.get(&back).await.text().await.unwrap();
    assert!(shown.contains("do not match an account"), "the error is rendered on the page");
    assert!(shown.contains(r#"value="ada@example.com""#), "what was typed is kept");
    assert!(!shown.contains(r#"value="nope""#), "but never the password");
    let again = app.get(&back).await.text().await.unwrap();
    assert!(!again.contains("do not match an account"), "the error shows once");

    let next = format!("/organizations/{org}/members");
    let ok = app
        .form_post("login", &[("email", "ada@example.com"), ("password", PASSWORD), ("next", &next)], "/login")
        .await;
    assert_eq!(ok.status(), StatusCode::FOUND);
    assert_eq!(ok.headers()[LOCATION], next.as_str());
}
