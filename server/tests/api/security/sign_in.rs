//! Sign-in: open redirects, concurrent guessing, password changes and session lifetime.

use issuance::orgs::{Plan, Role};
use reqwest::StatusCode;
use reqwest::header::LOCATION;

use crate::helpers::{PASSWORD, error_text, spawn_app};

#[tokio::test]
async fn sign_in_never_redirects_off_the_site_and_a_line_break_does_not_break_it() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Free).await;
    app.member(&org, "ada@example.com", Role::Owner).await;
    for next in ["/\t/evil.example", "/\n/evil.example", "//evil.example", "/\\evil.example", "https://evil.example"] {
        let c = crate::helpers::client();
        let r = c
            .post(app.url("/api/login"))
            .header("origin", &app.public_url)
            .header("accept", "text/html")
            .form(&[("email", "ada@example.com"), ("password", PASSWORD), ("next", next)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FOUND, "next {next:?}");
        assert_eq!(r.headers()[LOCATION], "/", "next {next:?}");
    }
    let c = crate::helpers::client();
    let r = c
        .post(app.url("/api/login"))
        .header("origin", &app.public_url)
        .header("accept", "text/html")
        .form(&[("email", "ada@example.com"), ("password", PASSWORD), ("next", "/organizations/x?y=1")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()[LOCATION], "/organizations/x?y=1", "a plain path is kept");
}

#[tokio::test]
async fn concurrent_wrong_passwords_are_all_counted() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Free).await;
    app.member(&org, "ada@example.com", Role::Owner).await;
    let attempts = (0..12).map(|_| {
        let c = crate::helpers::client();
        let app = &app;
        async move { app.login_as(&c, "ada@example.com", "wrong password, attempt").await.status() }
    });
    let statuses = futures::future::join_all(attempts).await;
    let checked = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    let refused = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!(checked + refused, 12, "{statuses:?}");
    assert!(checked <= 5, "only the 4 free attempts and the one that locks reach the password check: {statuses:?}");
    let failures: i64 =
        sqlx::query_scalar("SELECT failures FROM login_throttle WHERE throttle_key = 'email:ada@example.com'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(failures as usize, checked, "every checked attempt counted");
    // The burst locked the account (for a second after the fifth failure;
    // by the time the slowest check ends that second may be over, so the
    // lock is read, not raced).
    let (last, locked_until): (i64, i64) = sqlx::query_as(
        "SELECT last_failure, locked_until FROM login_throttle WHERE throttle_key = 'email:ada@example.com'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(locked_until > last, "a lock was set: until {locked_until}, last failure {last}");
}

#[tokio::test]
async fn changing_the_password_ends_the_other_sessions_and_keeps_this_one() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    app.member(&org, "ada@example.com", Role::Owner).await;
    let laptop = app.signed_in("ada@example.com").await;
    let phone = app.signed_in("ada@example.com").await;

    let wrong = app
        .call_as(
            &laptop,
            "change_password",
            &[("current_password", "not it at all"), ("new_password", "brand new secret 1")],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    assert!(error_text(wrong).await.starts_with("current_password: "));
    let short =
        app.call_as(&laptop, "change_password", &[("current_password", PASSWORD), ("new_password", "short")]).await;
    assert!(error_text(short).await.starts_with("new_password: "));

    let r = app
        .call_as(&laptop, "change_password", &[("current_password", PASSWORD), ("new_password", "brand new secret 1")])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let overview = [("org_id", org.as_str())];
    assert_eq!(app.call_as(&laptop, "get_org_overview", &overview).await.status(), StatusCode::OK, "this one stays");
    assert_eq!(app.call_as(&phone, "get_org_overview", &overview).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.login_as(&crate::helpers::client(), "ada@example.com", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let fresh = crate::helpers::client();
    assert!(app.login_as(&fresh, "ada@example.com", "brand new secret 1").await.status().is_success());
}

#[tokio::test]
async fn a_session_ends_after_its_absolute_lifetime_however_busy() {
    use issuance::accounts::sessions::{self, ABSOLUTE_LIFETIME_SECS};
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    let ada = app.member(&org, "ada@example.com", Role::Owner).await;
    let now = issuance::clock::now();
    let fresh = sessions::grant(&app.db, &ada, now).await.unwrap();
    assert!(sessions::resolve(&app.db, &fresh, now + ABSOLUTE_LIFETIME_SECS - 1).await.unwrap().is_some());
    assert!(sessions::resolve(&app.db, &fresh, now + ABSOLUTE_LIFETIME_SECS).await.unwrap().is_none());
    issuance::accounts::users::set_password(
        &app.db,
        &ada,
        issuance::accounts::password::NewPassword::parse("another long password").unwrap(),
    )
    .await
    .unwrap();
    assert!(sessions::resolve(&app.db, &fresh, now).await.unwrap().is_none(), "a password change ends it");

    // Through the dashboard: a session used every hour still ends at 24 h.
    let browser = crate::helpers::client();
    assert!(app.login_as(&browser, "ada@example.com", "another long password").await.status().is_success());
    let overview = [("org_id", org.as_str())];
    for _ in 0..23 {
        app.clock.advance(3600);
        assert_eq!(app.call_as(&browser, "get_org_overview", &overview).await.status(), StatusCode::OK);
    }
    app.clock.advance(3600);
    assert_eq!(app.call_as(&browser, "get_org_overview", &overview).await.status(), StatusCode::UNAUTHORIZED);
}
