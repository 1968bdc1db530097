//! The live job stream after its member is removed or signs out, and how many one user holds.

use std::time::Duration;

use issuance::orgs::{Membership, Plan, Role};
use reqwest::StatusCode;

use crate::helpers::{TestApp, spawn_app_with, submit_csv};

/// Reads server-sent events until the stream ends; false if it is still
/// open after `limit`.
async fn stream_ends_within(response: &mut reqwest::Response, limit: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        match tokio::time::timeout_at(deadline, response.chunk()).await {
            Ok(Ok(Some(_))) => continue,
            Ok(_) => return true,
            Err(_) => return false,
        }
    }
}

/// An org whose job stays pending (no workers run), and a viewer's client.
async fn watched_job() -> (TestApp, String, String, String, reqwest::Client) {
    let app = spawn_app_with(|c| c.workers = false).await;
    let (org, badge) = crate::helpers::org_with_badge(&app, Plan::Professional).await;
    app.member(&org, "owner@acme.example", Role::Owner).await;
    let viewer_id = app.member(&org, "viewer@acme.example", Role::Viewer).await;
    let owner = app.signed_in("owner@acme.example").await;
    let job = submit_csv(&app, &owner, &org, &badge, "name,email\nJane,jane@example.com\n").await;
    let viewer = app.signed_in("viewer@acme.example").await;
    (app, org, job, viewer_id, viewer)
}

#[tokio::test]
async fn a_job_stream_closes_once_its_member_is_removed() {
    let (app, org, job, viewer_id, viewer) = watched_job().await;
    let mut stream = viewer.get(app.url(&format!("/organizations/{org}/jobs/{job}/events"))).send().await.unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    let first = stream.chunk().await.unwrap().expect("the first snapshot");
    assert!(String::from_utf8_lossy(&first).contains("snapshot"));
    assert!(!stream_ends_within(&mut stream, Duration::from_millis(700)).await, "open while the viewer is a member");

    let owner = Membership::of(
        &app.db,
        &sqlx::query_scalar::<_, String>("SELECT id FROM users WHERE email = 'owner@acme.example'")
            .fetch_one(&app.db)
            .await
            .unwrap(),
        &org,
    )
    .await
    .unwrap();
    issuance::orgs::members::remove(&app.db, &owner, &viewer_id).await.unwrap();
    assert!(stream_ends_within(&mut stream, Duration::from_secs(10)).await, "closed once access ended");
}

#[tokio::test]
async fn a_job_stream_closes_on_sign_out_and_one_user_holds_only_a_few() {
    let (app, org, job, _, viewer) = watched_job().await;
    let url = app.url(&format!("/organizations/{org}/jobs/{job}/events"));
    let mut streams = Vec::new();
    for _ in 0..6 {
        let s = viewer.get(&url).send().await.unwrap();
        assert_eq!(s.status(), StatusCode::OK);
        streams.push(s);
    }
    let seventh = viewer.get(&url).send().await.unwrap();
    assert_eq!(seventh.status(), StatusCode::TOO_MANY_REQUESTS);

    assert!(app.call_as(&viewer, "logout", &[]).await.status().is_success());
    for s in &mut streams {
        assert!(stream_ends_within(s, Duration::from_secs(10)).await, "closed once signed out");
    }
}
