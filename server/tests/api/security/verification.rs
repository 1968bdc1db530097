//! Malleated signatures, retired keys and tokens other than the one issued.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::helpers::{TestApp, business, json, setup};

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
