use issuance::orgs::{Membership, Plan, Role};
use reqwest::StatusCode;

use crate::helpers::{PASSWORD, TestApp, spawn_app};

#[tokio::test]
async fn the_last_owner_can_be_neither_demoted_nor_removed() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    let owner = app.member(&org, "owner@example.com", Role::Owner).await;
    app.login("owner@example.com", PASSWORD).await;

    let demote = app.call("change_member_role", &[("org_id", &org), ("user_id", &owner), ("role", "admin")]).await;
    assert_eq!(demote.status(), StatusCode::CONFLICT);
    assert!(crate::helpers::error_text(demote).await.contains("at least one Owner"));
    let leave = app.call("remove_member", &[("org_id", &org), ("user_id", &owner)]).await;
    assert_eq!(leave.status(), StatusCode::CONFLICT);
    assert_eq!(Membership::of(&app.db, &owner, &org).await.unwrap().role, Role::Owner);

    // With a second Owner, the first may step down.
    let second = app.member(&org, "second@example.com", Role::Viewer).await;
    let promote = app.call("change_member_role", &[("org_id", &org), ("user_id", &second), ("role", "owner")]).await;
    assert_eq!(promote.status(), StatusCode::OK);
    let demote = app.call("change_member_role", &[("org_id", &org), ("user_id", &owner), ("role", "admin")]).await;
    assert_eq!(demote.status(), StatusCode::OK);
    assert_eq!(Membership::of(&app.db, &owner, &org).await.unwrap().role, Role::Admin);
}

#[tokio::test]
async fn concurrent_demotions_of_two_owners_leave_one_owner() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    let a = app.member(&org, "a@example.com", Role::Owner).await;
    let b = app.member(&org, "b@example.com", Role::Owner).await;
    let ca = app.signed_in("a@example.com").await;
    let cb = app.signed_in("b@example.com").await;
    let demote_b = [("org_id", org.as_str()), ("user_id", b.as_str()), ("role", "viewer")];
    let demote_a = [("org_id", org.as_str()), ("user_id", a.as_str()), ("role", "viewer")];
    let (ra, rb) = tokio::join!(
        app.call_as(&ca, "change_member_role", &demote_b),
        app.call_as(&cb, "change_member_role", &demote_a),
    );
    let oks = [ra.status(), rb.status()].iter().filter(|s| s.is_success()).count();
    assert!(oks <= 1);
    let owners: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE org_id = $1 AND role = 'owner'")
        .bind(&org)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(owners, 1);
}

/// The invitation's id and the link its e-mail carries, read as the
/// invited mailbox would (the inviter is never shown it).
async fn mailed_link(app: &TestApp, org: &str, email: &str) -> (String, String) {
    let id: String = sqlx::query_scalar("SELECT id FROM invitations WHERE org_id = $1 AND email = $2")
        .bind(org)
        .bind(email)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let queued: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM outbox WHERE invitation_id = $1 AND kind = 'invitation' AND to_email = $2",
    )
    .bind(&id)
    .bind(email)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(queued, 1, "the invitation e-mail is queued for the invited address");
    let token = app.invitation_links().token(&id);
    (id, token)
}

#[tokio::test]
async fn inviting_someone_new_e_mails_a_link_that_creates_their_account_once() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    app.member(&org, "owner@example.com", Role::Owner).await;
    app.login("owner@example.com", PASSWORD).await;

    let r =
        app.call("invite_member", &[("org_id", &org), ("email", " New.Person@Example.com"), ("role", "issuer")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body, serde_json::json!({"email": "new.person@example.com", "emailed": false}));
    let (_, token) = mailed_link(&app, &org, "new.person@example.com").await;

    let page = app.get(&format!("/invitations/{token}")).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("Join Acme"));

    let newcomer = crate::helpers::client();
    let accept = app
        .call_as(&newcomer, "accept_invitation", &[("token", &token), ("name", "New Person"), ("password", PASSWORD)])
        .await;
    assert_eq!(accept.status(), StatusCode::OK);
    let overview = app.call_as(&newcomer, "get_org_overview", &[("org_id", &org)]).await;
    assert_eq!(overview.status(), StatusCode::OK, "accepting signs the newcomer in");
    let again = app
        .call_as(
            &crate::helpers::client(),
            "accept_invitation",
            &[("token", &token), ("name", "X"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY, "a link works once");

    let user = issuance::accounts::users::find_by_email(
        &app.db,
        &issuance::email::EmailAddress::parse("new.person@example.com").unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(Membership::of(&app.db, &user.id, &org).await.unwrap().role, Role::Issuer);
}

#[tokio::test]
async fn someone_with_an_account_joins_only_by_accepting_and_twice_is_a_conflict() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    let other = app.org("Other", Plan::Free).await;
    app.member(&org, "owner@example.com", Role::Owner).await;
    let existing = app.member(&other, "known@example.com", Role::Owner).await;
    app.login("owner@example.com", PASSWORD).await;

    let r = app.call("invite_member", &[("org_id", &org), ("email", "known@example.com"), ("role", "viewer")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({"email": "known@example.com", "emailed": false}),
        "the same answer as for anyone"
    );
    assert!(Membership::of(&app.db, &existing, &org).await.is_err(), "nobody is added without consent");

    // The invited person sees it under their account, and accepts.
    let known = app.signed_in("known@example.com").await;
    let page: serde_json::Value = app.call_as(&known, "get_account_page", &[]).await.json().await.unwrap();
    let invitation = page["invitations"][0]["id"].as_str().expect("the invitation is listed").to_owned();
    assert_eq!(page["invitations"][0]["org_name"], "Acme");
    let accept = app.call_as(&known, "accept_my_invitation", &[("invitation_id", &invitation)]).await;
    assert_eq!(accept.status(), StatusCode::OK);
    assert_eq!(Membership::of(&app.db, &existing, &org).await.unwrap().role, Role::Viewer);

    let twice =
        app.call("invite_member", &[("org_id", &org), ("email", "known@example.com"), ("role", "viewer")]).await;
    assert_eq!(twice.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_declined_invitation_is_gone_and_its_e_mail_is_not_sent() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    let other = app.org("Other", Plan::Free).await;
    app.member(&org, "owner@example.com", Role::Owner).await;
    app.member(&other, "known@example.com", Role::Owner).await;
    app.login("owner@example.com", PASSWORD).await;
    app.call("invite_member", &[("org_id", &org), ("email", "known@example.com"), ("role", "viewer")]).await;
    let (id, token) = mailed_link(&app, &org, "known@example.com").await;

    let known = app.signed_in("known@example.com").await;
    assert_eq!(app.call_as(&known, "decline_my_invitation", &[("invitation_id", &id)]).await.status(), StatusCode::OK);
    assert!(issuance::orgs::invitations::pending(&app.db, &org).await.unwrap().is_empty());
    let left: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'invitation'").fetch_one(&app.db).await.unwrap();
    assert_eq!(left, 0, "the queued e-mail went with it");
    assert_eq!(app.get(&format!("/invitations/{token}")).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_malformed_invitation_email_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    app.member(&org, "owner@example.com", Role::Owner).await;
    app.login("owner@example.com", PASSWORD).await;
    let r = app.call("invite_member", &[("org_id", &org), ("email", "not-an-address"), ("role", "viewer")]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let text = crate::helpers::error_text(r).await;
    assert!(text.starts_with("email: ") && text.contains("no '@'"), "{text}");
    let r = app.call("invite_member", &[("org_id", &org), ("email", "a@example.com"), ("role", "boss")]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_members_page_lists_members_with_their_roles() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    app.member(&org, "owner@example.com", Role::Owner).await;
    app.member(&org, "ivy@example.com", Role::Issuer).await;
    app.login("owner@example.com", PASSWORD).await;
    let html = app.get(&format!("/organizations/{org}/members")).await.text().await.unwrap();
    assert!(html.contains("ivy@example.com"));
    assert!(html.contains("Invite someone"));
}
