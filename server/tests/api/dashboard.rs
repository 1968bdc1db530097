use issuance::api_keys::Scope;
use issuance::orgs::{Plan, Role};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{PASSWORD, business, html, json, spawn_app};

#[tokio::test]
async fn credentials_issued_through_the_api_are_listed_with_their_status() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    app.member(&org, "viewer@example.com", Role::Viewer).await;
    let key = app.api_key(&org, &[Scope::CredentialsWrite]).await;
    app.post_json("/v1/credentials", &key, business()).await;
    let mut other = business();
    other["subject"] = json!({"id": "biz_gone", "type": "organisation", "name": "Gone Ltd"});
    let (_, gone) = json(app.post_json("/v1/credentials", &key, other).await).await;
    app.post_json(&format!("/v1/credentials/{}/revoke", gone["id"].as_str().unwrap()), &key, json!({})).await;

    app.login("viewer@example.com", PASSWORD).await;
    let response = app.get(&format!("/organizations/{org}/credentials")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    assert!(page.contains("WidgetCorp Ltd") && page.contains("Gone Ltd"), "{page}");
    assert!(page.contains("status-active") && page.contains("status-revoked"));

    let revoked_only = app.get(&format!("/organizations/{org}/credentials?status=revoked")).await.text().await.unwrap();
    assert!(revoked_only.contains("Gone Ltd") && !revoked_only.contains("WidgetCorp Ltd"));
}

#[tokio::test]
async fn the_settings_page_shows_the_did_and_admins_create_working_api_keys() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    app.member(&org, "admin@example.com", Role::Admin).await;
    let admin = app.signed_in("admin@example.com").await;

    let page = html(&app, &admin, &format!("/organizations/{org}/settings")).await;
    assert!(page.contains(&format!("did:web:laurel.test:organizations:{org}")), "the DID is shown");

    let r = app
        .call_as(
            &admin,
            "create_api_key",
            &[("org_id", &org), ("name", "HR sync"), ("credentials_read", "on"), ("credentials_write", "on")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let created: serde_json::Value = r.json().await.unwrap();
    let secret = created["secret"].as_str().unwrap();
    assert_eq!(app.post_json("/v1/credentials", secret, business()).await.status(), StatusCode::CREATED);

    let none = app.call_as(&admin, "create_api_key", &[("org_id", &org), ("name", "No scopes")]).await;
    assert_eq!(none.status(), StatusCode::BAD_REQUEST, "a key needs a scope");
}

#[tokio::test]
async fn only_admins_manage_api_keys_and_only_owners_rotate_signing_keys() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    for &role in Role::ALL {
        let email = format!("{role}@example.com");
        app.member(&org, &email, role).await;
        let c = app.signed_in(&email).await;
        let create =
            app.call_as(&c, "create_api_key", &[("org_id", &org), ("name", "k"), ("credentials_read", "on")]).await;
        let expect = if matches!(role, Role::Owner | Role::Admin) { StatusCode::OK } else { StatusCode::FORBIDDEN };
        assert_eq!(create.status(), expect, "{role} creating an API key");
        let rotate = app.call_as(&c, "rotate_signing_key", &[("org_id", &org)]).await;
        let expect = if role == Role::Owner { StatusCode::OK } else { StatusCode::FORBIDDEN };
        assert_eq!(rotate.status(), expect, "{role} rotating the signing key");
        let settings = app.call_as(&c, "get_settings", &[("org_id", &org)]).await;
        assert_eq!(settings.status(), StatusCode::OK, "{role} reading settings");
        let body: serde_json::Value = settings.json().await.unwrap();
        assert_eq!(
            body["api_keys"].as_array().unwrap().is_empty(),
            !matches!(role, Role::Owner | Role::Admin),
            "{role}"
        );
    }
    let keys: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM signing_keys WHERE org_id = $1")
        .bind(&org)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(keys, 2, "one rotation, by the Owner");
}

#[tokio::test]
async fn api_keys_of_one_org_cannot_be_revoked_from_another() {
    let app = spawn_app().await;
    let a = app.org("A", Plan::Professional).await;
    let b = app.org("B", Plan::Professional).await;
    app.member(&a, "owner@example.com", Role::Owner).await;
    let b_key = issuance::api_keys::create(&app.db, &b, "b", &[Scope::CredentialsRead], None).await.unwrap();
    app.login("owner@example.com", PASSWORD).await;
    let r = app.call("revoke_api_key", &[("org_id", &a), ("key_id", &b_key.key.id)]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app.call("revoke_api_key", &[("org_id", &b), ("key_id", &b_key.key.id)]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get_json("/v1/credentials", &b_key.secret).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn admins_create_edit_and_archive_badges_and_issuers_cannot() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    app.member(&org, "admin@example.com", Role::Admin).await;
    app.member(&org, "issuer@example.com", Role::Issuer).await;
    let admin = app.signed_in("admin@example.com").await;
    let issuer = app.signed_in("issuer@example.com").await;
    let fields = [
        ("org_id", org.as_str()),
        ("name", "First Aid"),
        ("description", "d"),
        ("criteria_narrative", "c"),
        ("validity_days", ""),
    ];

    assert_eq!(app.call_as(&issuer, "create_badge", &fields).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.call_as(&admin, "create_badge", &fields).await.status(), StatusCode::OK);
    let badge = issuance::badges::list(&app.db, &org).await.unwrap().pop().unwrap();
    assert_eq!(badge.validity_days, None, "an empty validity means non-expiring");

    let edit = [
        ("org_id", org.as_str()),
        ("badge_id", badge.id.as_str()),
        ("name", "First Aid at Work"),
        ("description", "d"),
        ("criteria_narrative", "c"),
        ("validity_days", "730"),
    ];
    assert_eq!(app.call_as(&issuer, "update_badge", &edit).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.call_as(&admin, "update_badge", &edit).await.status(), StatusCode::OK);
    let bad = [("validity_days", "two years")];
    let bad_edit: Vec<_> = edit.iter().filter(|(k, _)| *k != "validity_days").copied().chain(bad).collect();
    assert_eq!(app.call_as(&admin, "update_badge", &bad_edit).await.status(), StatusCode::BAD_REQUEST);
    let archive = [("org_id", org.as_str()), ("badge_id", badge.id.as_str()), ("archived", "true")];
    assert_eq!(app.call_as(&admin, "set_badge_archived", &archive).await.status(), StatusCode::OK);
    let badge = issuance::badges::get(&app.db, &org, &badge.id).await.unwrap();
    assert_eq!(
        (badge.name.as_str(), badge.validity_days, badge.archived_at.is_some()),
        ("First Aid at Work", Some(730), true)
    );

    let other = app.org("Other", Plan::Professional).await;
    app.member(&other, "admin@example.com", Role::Admin).await;
    let cross = [("org_id", other.as_str()), ("badge_id", badge.id.as_str()), ("archived", "false")];
    assert_eq!(app.call_as(&admin, "set_badge_archived", &cross).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_overview_charts_credentials_issued_per_day_from_running_counts_in_a_table_too() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    app.member(&org, "owner@acme.test", Role::Owner).await;
    let key = app.api_key(&org, &[Scope::CredentialsWrite]).await;
    for i in 0..3 {
        let mut body = business();
        body["subject"]["id"] = json!(format!("biz_{i}"));
        assert_eq!(app.post_json("/v1/credentials", &key, body).await.status(), StatusCode::CREATED);
    }
    let owner = app.signed_in("owner@acme.test").await;
    let (_, overview) = json(app.call_as(&owner, "get_org_overview", &[("org_id", &org)]).await).await;
    let days = overview["issued_per_day"].as_array().unwrap();
    assert_eq!(days.len(), 90, "the last 90 days, each of them");
    let today = issuance::clock::rfc3339(issuance::clock::now())[..10].to_owned();
    assert_eq!(days[89], json!([today, 3]), "{days:?}");
    assert_eq!(days[..89].iter().map(|d| d[1].as_i64().unwrap()).sum::<i64>(), 0);

    // The page draws it on the server, with the numbers in a table.
    let page = html(&app, &owner, &format!("/organizations/{org}")).await;
    assert!(page.contains(r#"data-testid="issued-per-day" data-total="3""#), "{page}");
    assert!(page.contains(&format!("{today}: 3")), "the bar says its day and count");
    // (Leptos marks dynamic text with `<!>`.)
    let at = page.find(&format!("<td>{today}")).expect("today's row in the table");
    assert!(page[at..at + 40].contains("</td><td>3"), "{}", &page[at..at + 40]);
}
