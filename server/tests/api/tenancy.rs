use issuance::orgs::{Plan, Role};
use reqwest::StatusCode;

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_member_of_one_org_gets_404_for_another_orgs_pages_and_functions() {
    let app = spawn_app().await;
    let a = app.org("Org A", Plan::Professional).await;
    let b = app.org("Org B", Plan::Professional).await;
    app.member(&a, "alice@example.com", Role::Owner).await;
    let bob = app.member(&b, "bob@example.com", Role::Owner).await;
    app.login("alice@example.com", crate::helpers::PASSWORD).await;

    for path in [format!("/organizations/{b}"), format!("/organizations/{b}/members")] {
        let r = app.get(&path).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(!r.text().await.unwrap().contains("Org B"), "{path} leaks the org's name");
    }
    // The frame still answers, with the viewer's own orgs and nothing of B.
    let frame = app.call("get_org_context", &[("org_id", b.as_str())]).await;
    assert_eq!(frame.status(), StatusCode::OK);
    let frame = frame.text().await.unwrap();
    assert!(frame.contains(r#""current":null"#) && !frame.contains("Org B"), "{frame}");
    for (name, form) in [
        ("get_org_overview", vec![("org_id", b.as_str())]),
        ("get_members_page", vec![("org_id", b.as_str())]),
        ("invite_member", vec![("org_id", b.as_str()), ("email", "x@example.com"), ("role", "viewer")]),
        ("change_member_role", vec![("org_id", b.as_str()), ("user_id", bob.as_str()), ("role", "viewer")]),
        ("remove_member", vec![("org_id", b.as_str()), ("user_id", bob.as_str())]),
    ] {
        let r = app.call(name, &form).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{name}");
    }
    // Nothing changed in org B.
    let bob_role = issuance::orgs::Membership::of(&app.db, &bob, &b).await.unwrap().role;
    assert_eq!(bob_role, Role::Owner);
}

#[tokio::test]
async fn a_member_cannot_change_a_user_of_another_org_through_their_own_org() {
    let app = spawn_app().await;
    let a = app.org("Org A", Plan::Professional).await;
    let b = app.org("Org B", Plan::Professional).await;
    app.member(&a, "alice@example.com", Role::Owner).await;
    let bob = app.member(&b, "bob@example.com", Role::Viewer).await;
    app.login("alice@example.com", crate::helpers::PASSWORD).await;
    // Bob is not in org A, so org A's owner cannot reach him.
    let r = app.call("remove_member", &[("org_id", &a), ("user_id", &bob)]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(issuance::orgs::Membership::of(&app.db, &bob, &b).await.is_ok());
}

#[tokio::test]
async fn the_org_switcher_lists_only_the_users_own_orgs() {
    let app = spawn_app().await;
    let a = app.org("Org A", Plan::Professional).await;
    let b = app.org("Org B", Plan::Free).await;
    let c = app.org("Org C", Plan::Free).await;
    app.member(&a, "alice@example.com", Role::Owner).await;
    app.member(&b, "alice@example.com", Role::Viewer).await;
    app.member(&c, "carol@example.com", Role::Owner).await;
    app.login("alice@example.com", crate::helpers::PASSWORD).await;
    let html = app.get(&format!("/organizations/{a}")).await.text().await.unwrap();
    assert!(html.contains(&format!("/organizations/{b}")));
    assert!(!html.contains("Org C"));
}
