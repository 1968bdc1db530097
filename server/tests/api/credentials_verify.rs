use issuance::api_keys::Scope;
use issuance::orgs::Plan;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{business, decode_part, json, setup};

/// Five business credentials about `biz_0` to `biz_4`; their ids in order.
async fn issue_five(app: &crate::helpers::TestApp, key: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..5 {
        let mut body = business();
        body["subject"]["id"] = json!(format!("biz_{i}"));
        let (_, c) = json(app.post_json("/v1/credentials", key, body).await).await;
        ids.push(c["id"].as_str().unwrap().to_owned());
    }
    ids
}

#[tokio::test]
async fn revoking_flips_verification_and_the_list_is_paged_and_filtered() {
    let (app, _, key) = setup().await;
    let ids = issue_five(&app, &key).await;
    let (status, revoked) = json(
        app.post_json(&format!("/v1/credentials/{}/revoke", ids[0]), &key, json!({"reason": "issued in error"})).await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(revoked["status"], "revoked");
    assert_eq!(revoked["revocation_reason"], "issued in error");
    let (status, _) = json(app.post_json(&format!("/v1/credentials/{}/revoke", ids[0]), &key, json!({})).await).await;
    assert_eq!(status, StatusCode::CONFLICT, "revoking twice is refused");

    let (_, verdict) =
        json(app.post_json("/v1/credentials/verify", &key, json!({"credential_id": ids[0]})).await).await;
    assert_eq!(verdict["is_valid"], false);
    assert_eq!(verdict["error_code"], "revoked");
    assert_eq!(verdict["checks"]["status"], "failed");
    assert_eq!(verdict["checks"]["signature"], "passed");

    let (_, page) = json(app.get_json("/v1/credentials?limit=2", &key).await).await;
    assert_eq!(page["data"].as_array().unwrap().len(), 2);
    assert_eq!(page["has_more"], true);
    let mut seen: Vec<String> =
        page["data"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect();
    let mut cursor = page["next_cursor"].as_str().unwrap().to_owned();
    loop {
        let (_, page) = json(app.get_json(&format!("/v1/credentials?limit=2&after={cursor}"), &key).await).await;
        seen.extend(page["data"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => break,
        }
    }
    seen.sort();
    let mut all = ids.clone();
    all.sort();
    assert_eq!(seen, all, "paging visits every credential once");

    let (_, revoked_only) = json(app.get_json("/v1/credentials?status=revoked", &key).await).await;
    assert_eq!(revoked_only["data"].as_array().unwrap().len(), 1);
    let (_, by_subject) = json(app.get_json("/v1/credentials?subject=biz_3&type=business", &key).await).await;
    assert_eq!(by_subject["data"][0]["subject"]["id"], "biz_3");
    let (status, err) = json(app.get_json("/v1/credentials?status=lost", &key).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(err["error"]["message"].as_str().unwrap().contains("'active' | 'revoked' | 'expired'"));
}

#[tokio::test]
async fn expired_credentials_are_listed_most_recently_expired_first_across_pages() {
    let (app, _, key) = setup().await;
    let ids = issue_five(&app, &key).await;
    // Expiries as if issued earlier: no credential can be issued already expired.
    let now = issuance::clock::now();
    for (id, expires_at) in
        [(&ids[0], Some(now - 100)), (&ids[1], Some(now - 300)), (&ids[2], Some(now - 200)), (&ids[3], None)]
            .into_iter()
            .chain([(&ids[4], Some(now + 86_400))])
    {
        sqlx::query("UPDATE credentials SET expires_at = $1 WHERE id = $2")
            .bind(expires_at)
            .bind(id)
            .execute(&app.db)
            .await
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut path = "/v1/credentials?status=expired&limit=1".to_owned();
    loop {
        let (status, page) = json(app.get_json(&path, &key).await).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        seen.extend(page["data"].as_array().unwrap().iter().map(|c| {
            assert_eq!(c["status"], "expired");
            c["id"].as_str().unwrap().to_owned()
        }));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/v1/credentials?status=expired&limit=1&after={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, [ids[0].clone(), ids[2].clone(), ids[1].clone()], "latest expiry first, each once");
    let (_, active) = json(app.get_json("/v1/credentials?status=active", &key).await).await;
    let active: Vec<&str> = active["data"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(active, [ids[4].as_str(), ids[3].as_str()], "newest first; never-expiring ones are active");
}

#[tokio::test]
async fn batch_verify_answers_in_order_and_a_bad_item_does_not_fail_the_batch() {
    let (app, _, key) = setup().await;
    let (_, c) = json(app.post_json("/v1/credentials", &key, business()).await).await;
    let token = c["signed_payload"].as_str().unwrap().to_owned();
    let mut tampered = token.clone();
    tampered.replace_range(tampered.len() - 4.., "AAAA");
    let body = json!({"credentials": [
        {"signed_payload": token},
        {"signed_payload": "not.a.jwt"},
        {"credential_id": c["id"]},
        {"credential_id": "cred_nope"},
        {"signed_payload": tampered},
        42
    ]});
    let (status, out) = json(app.post_json("/v1/credentials/batch-verify", &key, body).await).await;
    assert_eq!(status, StatusCode::OK);
    let codes: Vec<Value> =
        out["results"].as_array().unwrap().iter().map(|r| json!([r["is_valid"], r["error_code"]])).collect();
    assert_eq!(
        codes,
        vec![
            json!([true, null]),
            json!([false, "malformed"]),
            json!([true, null]),
            json!([false, "not_found"]),
            json!([false, "invalid_signature"]),
            json!([false, "invalid_item"]),
        ]
    );
    let (status, _) = json(app.post_json("/v1/credentials/batch-verify", &key, json!({"credentials": []})).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let many: Vec<Value> = (0..101).map(|_| json!({"credential_id": "x"})).collect();
    let (status, _) =
        json(app.post_json("/v1/credentials/batch-verify", &key, json!({"credentials": many})).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn another_orgs_key_cannot_read_or_revoke_a_credential() {
    let (app, _, key) = setup().await;
    let other_org = app.org("Other", Plan::Professional).await;
    let other = app.api_key(&other_org, &[Scope::CredentialsRead, Scope::CredentialsWrite]).await;
    let (_, c) = json(app.post_json("/v1/credentials", &key, business()).await).await;
    let id = c["id"].as_str().unwrap();
    assert_eq!(app.get_json(&format!("/v1/credentials/{id}"), &other).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.post_json(&format!("/v1/credentials/{id}/revoke"), &other, json!({})).await.status(),
        StatusCode::NOT_FOUND
    );
    let (_, list) = json(app.get_json("/v1/credentials", &other).await).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 0);
    let (_, verdict) = json(app.post_json("/v1/credentials/verify", &other, json!({"credential_id": id})).await).await;
    assert_eq!(verdict["error_code"], "not_found");
}

#[tokio::test]
async fn the_did_document_and_status_list_are_public_and_track_revocation() {
    let (app, org, key) = setup().await;
    let (_, c) = json(app.post_json("/v1/credentials", &key, business()).await).await;
    let (status, doc) =
        json(app.client.get(app.url(&format!("/organizations/{org}/did.json"))).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["id"], c["issuer_did"]);
    assert_eq!(doc["assertionMethod"][0], c["kid"]);
    assert_eq!(doc["verificationMethod"][0]["publicKeyJwk"]["crv"], "P-256");

    let list_url = c["status_list_credential"].as_str().unwrap().replace("http://laurel.test", &app.address);
    let index = c["status_list_index"].as_u64().unwrap() as u32;
    let bit = |jwt: String| {
        let payload = decode_part(&jwt, 1);
        let list =
            issuance::status_list::Bitstring::decode(payload["credentialSubject"]["encodedList"].as_str().unwrap())
                .unwrap();
        list.get(index).unwrap()
    };
    let before = app.client.get(&list_url).send().await.unwrap();
    assert_eq!(before.headers()["content-type"], "application/vc+jwt");
    assert!(!bit(before.text().await.unwrap()));
    app.post_json(&format!("/v1/credentials/{}/revoke", c["id"].as_str().unwrap()), &key, json!({})).await;
    assert!(bit(app.client.get(&list_url).send().await.unwrap().text().await.unwrap()));

    assert_eq!(
        app.client.get(app.url("/organizations/org_nope/did.json")).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_rotated_key_keeps_old_credentials_verifying_and_signs_new_ones() {
    let (app, org, key) = setup().await;
    let (_, old) = json(app.post_json("/v1/credentials", &key, business()).await).await;
    let new_key = issuance::keys::rotate(&app.db, &app.master, &org, None).await.unwrap();
    let (_, new) = json(app.post_json("/v1/credentials", &key, business()).await).await;
    assert!(new["kid"].as_str().unwrap().ends_with(&format!("#{new_key}")));
    assert_ne!(old["kid"], new["kid"]);
    for c in [&old, &new] {
        let (_, v) =
            json(app.post_json("/v1/credentials/verify", &key, json!({"signed_payload": c["signed_payload"]})).await)
                .await;
        assert_eq!(v["is_valid"], true, "{v}");
    }
    let (_, doc) = json(app.client.get(app.url(&format!("/organizations/{org}/did.json"))).send().await.unwrap()).await;
    assert_eq!(doc["verificationMethod"].as_array().unwrap().len(), 2);
}
