//! Taking over an address by inviting it, and entering another org through it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use issuance::orgs::{Plan, Role};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, error_text, json, spawn_app};

/// Everything an inviting admin can read back after inviting someone.
async fn what_the_inviter_sees(app: &TestApp, client: &reqwest::Client, org: &str, invite_answer: &str) -> String {
    let mut seen = invite_answer.to_owned();
    for name in ["get_members_page", "get_org_overview"] {
        seen.push_str(&app.call_as(client, name, &[("org_id", org)]).await.text().await.unwrap());
    }
    seen.push_str(&app.call_as(client, "get_outbox", &[("org_id", org)]).await.text().await.unwrap());
    for page in ["members", "outbox", ""] {
        seen.push_str(&crate::helpers::html(app, client, &format!("/organizations/{org}/{page}")).await);
    }
    seen
}

#[tokio::test]
async fn an_admin_cannot_take_over_an_address_by_inviting_it_and_so_cannot_enter_another_org_through_it() {
    let app = spawn_app().await;
    let org_a = app.org("Mallory's Org", Plan::Professional).await;
    let org_b = app.org("Bob's Org", Plan::Professional).await;
    app.member(&org_a, "mallory@a.example", Role::Admin).await;
    app.member(&org_b, "bob@b.example", Role::Owner).await;
    let mallory = app.signed_in("mallory@a.example").await;
    let bob = app.signed_in("bob@b.example").await;

    // Mallory invites the victim's address to her own org...
    let r = app
        .call_as(&mallory, "invite_member", &[("org_id", &org_a), ("email", "victim@example.com"), ("role", "viewer")])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let answer = r.text().await.unwrap();
    let invitation: String = sqlx::query_scalar("SELECT id FROM invitations WHERE org_id = $1")
        .bind(&org_a)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let token = app.invitation_links().token(&invitation);
    // ...and looks everywhere she can for the link that would let her set
    // the victim's password.
    let seen = what_the_inviter_sees(&app, &mallory, &org_a, &answer).await;
    assert!(seen.contains("victim@example.com"), "she does see her invitation");
    assert!(!seen.contains(&token), "the link's secret never reaches the inviter");
    assert!(!seen.contains("/invitations/"), "no invitation link at all");
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT token_hash FROM invitations").fetch_all(&app.db).await.unwrap();
    assert!(stored.iter().all(|h| !h.contains(&token)), "the token is not stored either");

    // Guessing does not help.
    let guess = URL_SAFE_NO_PAD.encode([7u8; 32]);
    let r = app
        .call_as(&mallory, "accept_invitation", &[("token", &guess), ("name", "Victim"), ("password", PASSWORD)])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Bob's org invites the same address: the answer is the same as for
    // any address, and nobody joins until the address's owner accepts.
    let r = app
        .call_as(&bob, "invite_member", &[("org_id", &org_b), ("email", "victim@example.com"), ("role", "admin")])
        .await;
    let (status, body) = json(r).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"email": "victim@example.com", "emailed": false})));
    let members: Vec<String> = sqlx::query_scalar(
        "SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 ORDER BY u.email",
    )
    .bind(&org_b)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(members, vec!["bob@b.example"], "the attacker is outside Bob's org");
    let victim_accounts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email = 'victim@example.com'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(victim_accounts, 0, "no account was made for the victim's address");

    // Nor can Mallory accept Bob's invitation as herself.
    let bobs: String = sqlx::query_scalar("SELECT id FROM invitations WHERE org_id = $1")
        .bind(&org_b)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let r = app.call_as(&mallory, "accept_my_invitation", &[("invitation_id", &bobs)]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_answer_to_an_invitation_does_not_say_whether_the_address_has_an_account() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    let elsewhere = app.org("Elsewhere", Plan::Free).await;
    app.member(&org, "admin@acme.example", Role::Admin).await;
    app.member(&elsewhere, "has-account@example.com", Role::Viewer).await;
    let admin = app.signed_in("admin@acme.example").await;
    let answer = |email: &'static str| {
        let (app, admin, org) = (&app, &admin, &org);
        async move {
            let r = app.call_as(admin, "invite_member", &[("org_id", org), ("email", email), ("role", "viewer")]).await;
            (r.status(), r.json::<Value>().await.unwrap())
        }
    };
    let (s1, with_account) = answer("has-account@example.com").await;
    let (s2, without) = answer("no-account@example.com").await;
    assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK));
    assert_eq!(with_account["emailed"], without["emailed"]);
    assert_eq!(
        with_account.as_object().unwrap().keys().collect::<Vec<_>>(),
        without.as_object().unwrap().keys().collect::<Vec<_>>()
    );
    let page = crate::helpers::html(&app, &admin, &format!("/organizations/{org}/members")).await;
    assert!(page.contains("has-account@example.com") && page.contains("no-account@example.com"));
    assert!(!page.contains("Added"), "both are pending invitations");
}

#[tokio::test]
async fn invitations_die_when_their_sender_loses_the_right_to_invite() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    app.member(&org, "owner@acme.example", Role::Owner).await;
    let admin_id = app.member(&org, "admin@acme.example", Role::Admin).await;
    let admin = app.signed_in("admin@acme.example").await;
    for email in ["one@example.com", "two@example.com"] {
        let r = app.call_as(&admin, "invite_member", &[("org_id", &org), ("email", email), ("role", "issuer")]).await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    let ids: Vec<String> =
        sqlx::query_scalar("SELECT id FROM invitations ORDER BY email").fetch_all(&app.db).await.unwrap();
    assert_eq!(issuance::orgs::invitations::pending(&app.db, &org).await.unwrap().len(), 2);

    // The owner demotes the admin: what they sent can no longer be accepted.
    let owner = app.signed_in("owner@acme.example").await;
    let r = app
        .call_as(&owner, "change_member_role", &[("org_id", &org), ("user_id", &admin_id), ("role", "viewer")])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(issuance::orgs::invitations::pending(&app.db, &org).await.unwrap().is_empty());
    let token = app.invitation_links().token(&ids[0]);
    let r = crate::helpers::client()
        .post(app.url("/api/accept_invitation"))
        .header("origin", &app.public_url)
        .form(&[("token", token.as_str()), ("name", "One"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_text(r).await.contains("not valid any more"));
    let mail = issuance::orgs::invitations::mail_facts(&app.db, &ids[1]).await.unwrap();
    assert_eq!(mail, None, "nor is its e-mail sent");
}
