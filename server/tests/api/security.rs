//! Attacks, tried the way a careful attacker would, through the same
//! server functions and endpoints the pages and scripts use. Each test ends
//! with the attacker empty-handed.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use issuance::api_keys::Scope;
use issuance::orgs::{Membership, Plan, Role};
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, LOCATION};
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, business, error_text, json, setup, spawn_app, spawn_app_with, submit_csv};

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
async fn an_import_cannot_mint_a_key_stronger_than_the_importer() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    let weak = app.api_key(&org, &[Scope::KeysWrite, Scope::CredentialsRead]).await;
    let body = json!([
        {"raw_key": "legacy_escalation_key_01", "name": "Escalate", "scopes": ["credentials:write"]},
        {"raw_key": "legacy_escalation_key_02", "name": "Escalate more", "scopes": ["keys:read", "credentials:read"]}
    ]);
    let (status, out) = json(app.post_json("/v1/keys/batch-import", &weak, body).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{out}");
    assert_eq!(out["results"][0]["error_code"], "scope_not_held");
    assert!(out["results"][0]["message"].as_str().unwrap().contains("'credentials:write'"));
    assert_eq!(out["results"][1]["error_code"], "scope_not_held");
    let stored: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM api_keys WHERE imported").fetch_one(&app.db).await.unwrap();
    assert_eq!(stored, 0);
    let (status, _) = json(app.post_json("/v1/credentials", "legacy_escalation_key_01", business()).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn importing_another_orgs_secret_answers_as_importing_ones_own_does() {
    let app = spawn_app().await;
    let org_a = app.org("A", Plan::Professional).await;
    let org_b = app.org("B", Plan::Professional).await;
    let importer = app.api_key(&org_a, &[Scope::KeysWrite, Scope::CredentialsRead]).await;
    let b_importer = app.api_key(&org_b, &[Scope::KeysWrite, Scope::CredentialsRead]).await;
    for (key, raw) in [(&b_importer, "secret-of-org-b-0001"), (&importer, "secret-of-org-a-0001")] {
        let (status, _) =
            json(app.post_json("/v1/keys/batch-import", key, json!([{"raw_key": raw, "name": "legacy"}])).await).await;
        assert_eq!(status, StatusCode::OK);
    }
    let probe = json!([
        {"raw_key": "secret-of-org-b-0001", "name": "probe"},
        {"raw_key": "secret-of-org-a-0001", "name": "probe"}
    ]);
    let (_, out) = json(app.post_json("/v1/keys/batch-import", &importer, probe).await).await;
    let (other, own) = (&out["results"][0], &out["results"][1]);
    assert_eq!(other["error_code"], own["error_code"]);
    assert_eq!(
        other["message"].as_str().unwrap().replace("[0]", "[i]"),
        own["message"].as_str().unwrap().replace("[1]", "[i]")
    );
}

#[tokio::test]
async fn guessing_api_keys_from_one_address_is_cut_off_with_retry_after() {
    let app = spawn_app().await;
    let org = app.org("Acme", Plan::Professional).await;
    let real = app.api_key(&org, &[Scope::CredentialsRead]).await;
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for i in 0..30 {
        let r = app.get_json("/v1/credentials", &format!("lrl_guess_{i:04}")).await;
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            retry_after = r.headers().get("retry-after").map(|v| v.to_str().unwrap().parse::<u64>().unwrap());
        }
        statuses.push(r.status());
    }
    assert!(statuses[..20].iter().all(|s| *s == StatusCode::UNAUTHORIZED), "{statuses:?}");
    assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    assert!(retry_after.is_some_and(|s| s >= 1), "429 says when to retry");
    // While cut off, even a right key from that address waits.
    let locked_until: i64 =
        sqlx::query_scalar("SELECT locked_until FROM login_throttle WHERE throttle_key LIKE 'api-ip:%'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    if locked_until > issuance::clock::now() + 1 {
        assert_eq!(app.get_json("/v1/credentials", &real).await.status(), StatusCode::TOO_MANY_REQUESTS);
    }
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

#[tokio::test]
async fn a_malleated_high_s_twin_of_a_valid_credential_is_refused() {
    let (app, _, key) = setup().await;
    let (_, issued) = json(app.post_json("/v1/credentials", &key, business()).await).await;
    let token = issued["signed_payload"].as_str().unwrap();
    let (input, sig) = token.rsplit_once('.').unwrap();
    let sig = URL_SAFE_NO_PAD.decode(sig).unwrap();
    let twin = format!("{input}.{}", URL_SAFE_NO_PAD.encode(flip_s(&sig)));

    let (_, original) =
        json(app.post_json("/v1/credentials/verify", &key, json!({"signed_payload": token})).await).await;
    assert_eq!(original["is_valid"], true, "{original}");
    let (_, verdict) = json(app.post_json("/v1/credentials/verify", &key, json!({"signed_payload": twin})).await).await;
    assert_eq!(verdict["is_valid"], false, "{verdict}");
    assert_eq!(verdict["error_code"], "invalid_signature");
    assert_eq!(verdict["checks"]["signature"], "failed");
    assert!(verdict["message"].as_str().unwrap().contains("high-S"));
}

/// `s` becomes `n - s` (P-256's group order), the other valid signature.
fn flip_s(signature: &[u8]) -> Vec<u8> {
    const N: [u8; 32] = [
        0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xBC, 0xE6,
        0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
    ];
    let s = &signature[32..];
    let mut out = signature[..32].to_vec();
    let mut diff = [0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let mut d = N[i] as i16 - s[i] as i16 - borrow;
        borrow = if d < 0 { 1 } else { 0 };
        if d < 0 {
            d += 256;
        }
        diff[i] = d as u8;
    }
    out.extend_from_slice(&diff);
    out
}

/// Signs `payload` as the org's key `key_id` would (the test holds the
/// master key, as a thief of the database and its key would).
async fn sign_as(app: &TestApp, org: &str, key_id: &str, payload: &Value, kid: &str) -> String {
    let sealed: String = sqlx::query_scalar("SELECT private_key_enc FROM signing_keys WHERE id = $1")
        .bind(key_id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let key = issuance::keys::unseal(&app.master, key_id, org, &sealed).unwrap();
    let header = issuance::jws::Header { alg: "ES256", typ: "vc+jwt", kid };
    issuance::jws::sign(&header, &serde_json::to_vec(payload).unwrap(), &key)
}

#[tokio::test]
async fn a_retired_key_signs_nothing_new_and_a_token_must_be_the_one_issued() {
    let (app, org, key) = setup().await;
    let (_, issued) = json(app.post_json("/v1/credentials", &key, business()).await).await;
    let token = issued["signed_payload"].as_str().unwrap().to_owned();
    let header = crate::helpers::decode_part(&token, 0);
    let mut payload = crate::helpers::decode_part(&token, 1);
    let kid = header["kid"].as_str().unwrap().to_owned();
    let old_key: String = sqlx::query_scalar("SELECT id FROM signing_keys WHERE org_id = $1")
        .bind(&org)
        .fetch_one(&app.db)
        .await
        .unwrap();

    // Same id, another claim, signed with the org's real key: not what was issued.
    payload["tier"] = json!("gold");
    let altered = sign_as(&app, &org, &old_key, &payload, &kid).await;
    let (_, verdict) =
        json(app.post_json("/v1/credentials/verify", &key, json!({"signed_payload": altered})).await).await;
    assert_eq!((verdict["is_valid"].clone(), verdict["error_code"].clone()), (json!(false), json!("not_issued")));

    // After rotation, the old key's credentials still verify...
    issuance::keys::rotate(&app.db, &app.master, &org, None).await.unwrap();
    let (_, verdict) =
        json(app.post_json("/v1/credentials/verify", &key, json!({"signed_payload": token})).await).await;
    assert_eq!(verdict["is_valid"], true, "{verdict}");
    // ...but nothing it signs after its retirement does.
    let mut late = crate::helpers::decode_part(&token, 1);
    let later = issuance::clock::now() + 5;
    late["iat"] = json!(later);
    late["nbf"] = json!(later);
    let forged = sign_as(&app, &org, &old_key, &late, &kid).await;
    let (_, verdict) =
        json(app.post_json("/v1/credentials/verify", &key, json!({"signed_payload": forged})).await).await;
    assert_eq!(verdict["is_valid"], false);
    assert_eq!(verdict["error_code"], "key_retired", "{verdict}");
    assert_eq!(verdict["checks"]["issuer"], "failed");
}

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
}

#[tokio::test]
async fn an_idempotency_key_left_claimed_by_a_dead_request_is_taken_over_after_a_minute() {
    let (app, org, key) = setup().await;
    let body = serde_json::to_vec(&business()).unwrap();
    let fingerprint = issuance::idempotency::fingerprint("POST", "/v1/credentials", &body);
    // A request claimed the key 61 s ago and died before answering.
    let then = issuance::clock::now() - issuance::idempotency::STALE_CLAIM_SECS - 1;
    issuance::idempotency::claim(&app.db, &org, "orphaned", &fingerprint, then).await.unwrap();
    let send = || {
        app.client
            .post(app.url("/v1/credentials"))
            .header("x-api-key", &key)
            .header("idempotency-key", "orphaned")
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
    };
    let (status, first) = json(send().await.unwrap()).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let replay = send().await.unwrap();
    assert_eq!(replay.headers()["idempotent-replayed"], "true");

    let mut other = business();
    other["subject"]["id"] = json!("biz_other");
    let r = app
        .client
        .post(app.url("/v1/credentials"))
        .header("x-api-key", &key)
        .header("idempotency-key", "orphaned")
        .json(&other)
        .send()
        .await
        .unwrap();
    let (status, err) = json(r).await;
    assert_eq!(
        (status, err["error"]["code"].as_str().unwrap()),
        (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused")
    );
}

#[tokio::test]
async fn an_overlong_recipient_name_is_refused_naming_the_field() {
    let (app, org, key) = setup().await;
    let badge = crate::helpers::badge(&app, &org, "Safety").await;
    let body = json!({"credential_type": "badge", "badge_id": badge,
                      "recipient": {"name": "N".repeat(201), "email": "n@example.com"}});
    let (status, err) = json(app.post_json("/v1/credentials", &key, body).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["error"]["details"][0]["path"], "recipient.name");
    assert!(err["error"]["details"][0]["message"].as_str().unwrap().contains("at most 200"));
}
