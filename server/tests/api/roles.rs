use issuance::orgs::{Membership, Plan, Role, invitations};
use reqwest::StatusCode;

use crate::helpers::{TestApp, spawn_app};

/// What a member of each role gets for each gated server function.
#[tokio::test]
async fn each_role_is_allowed_exactly_its_actions_and_refused_the_rest() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    let owner_id = app.member(&org, "owner@example.com", Role::Owner).await;

    for &role in Role::ALL {
        let email = format!("{role}@example.com");
        app.member(&org, &email, role).await;
        let client = app.signed_in(&email).await;
        let may_manage = matches!(role, Role::Owner | Role::Admin);

        for (action, expect_ok) in [
            ("view overview", true),
            ("list members", true),
            ("invite a member", may_manage),
            ("change a role", may_manage),
            ("remove a member", may_manage),
            ("withdraw an invitation", may_manage),
        ] {
            let status = attempt(&app, &client, &org, &owner_id, action).await;
            let expected = if expect_ok { StatusCode::OK } else { StatusCode::FORBIDDEN };
            assert_eq!(status, expected, "{role} trying to {action}");
        }
    }
}

async fn attempt(app: &TestApp, client: &reqwest::Client, org: &str, owner_id: &str, action: &str) -> StatusCode {
    // Each attempt gets its own target so that one success cannot spoil the next.
    let target_email = format!("target-{}@example.com", ulid_like());
    let target = app.member(org, &target_email, Role::Viewer).await;
    let r = match action {
        "view overview" => app.call_as(client, "get_org_overview", &[("org_id", org)]).await,
        "list members" => app.call_as(client, "get_members_page", &[("org_id", org)]).await,
        "invite a member" => {
            let email = format!("new-{}@example.com", ulid_like());
            app.call_as(client, "invite_member", &[("org_id", org), ("email", &email), ("role", "viewer")]).await
        }
        "change a role" => {
            app.call_as(client, "change_member_role", &[("org_id", org), ("user_id", &target), ("role", "issuer")])
                .await
        }
        "remove a member" => app.call_as(client, "remove_member", &[("org_id", org), ("user_id", &target)]).await,
        "withdraw an invitation" => {
            let owner = Membership::of(&app.db, owner_id, org).await.unwrap();
            let email = format!("inv-{}@example.com", ulid_like());
            invitations::invite(&app.db, &app.invitation_links(), &owner, &email, Role::Viewer).await.unwrap();
            let id =
                invitations::pending(&app.db, org).await.unwrap().into_iter().find(|i| i.email == email).unwrap().id;
            app.call_as(client, "revoke_invitation", &[("org_id", org), ("invitation_id", &id)]).await
        }
        other => panic!("unknown action {other}"),
    };
    r.status()
}

fn ulid_like() -> String {
    issuance::ids::new_id("x").to_lowercase()
}

#[tokio::test]
async fn an_admin_cannot_make_or_unmake_an_owner() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    let owner = app.member(&org, "owner@example.com", Role::Owner).await;
    let viewer = app.member(&org, "viewer@example.com", Role::Viewer).await;
    app.member(&org, "admin@example.com", Role::Admin).await;
    let admin = app.signed_in("admin@example.com").await;

    let promote =
        app.call_as(&admin, "change_member_role", &[("org_id", &org), ("user_id", &viewer), ("role", "owner")]).await;
    assert_eq!(promote.status(), StatusCode::FORBIDDEN);
    let demote =
        app.call_as(&admin, "change_member_role", &[("org_id", &org), ("user_id", &owner), ("role", "viewer")]).await;
    assert_eq!(demote.status(), StatusCode::FORBIDDEN);
    let remove = app.call_as(&admin, "remove_member", &[("org_id", &org), ("user_id", &owner)]).await;
    assert_eq!(remove.status(), StatusCode::FORBIDDEN);
    let invite_owner = app
        .call_as(&admin, "invite_member", &[("org_id", &org), ("email", "boss@example.com"), ("role", "owner")])
        .await;
    assert_eq!(invite_owner.status(), StatusCode::FORBIDDEN);

    let still = Membership::of(&app.db, &owner, &org).await.unwrap();
    assert_eq!(still.role, Role::Owner);
}

#[tokio::test]
async fn server_functions_refuse_anonymous_callers() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    for (name, form) in [
        ("get_org_overview", vec![("org_id", org.as_str())]),
        ("get_members_page", vec![("org_id", org.as_str())]),
        ("invite_member", vec![("org_id", org.as_str()), ("email", "x@example.com"), ("role", "viewer")]),
    ] {
        assert_eq!(app.call(name, &form).await.status(), StatusCode::UNAUTHORIZED, "{name}");
    }
}
