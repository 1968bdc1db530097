//! The credential itself: a W3C Verifiable Credential (Data Model 2.0)
//! that is also a JWT claims set (`iss`, `sub`, `jti`, `iat`, `nbf`,
//! `exp`), secured as `vc+jwt`. Badges are Open Badges 3.0
//! `OpenBadgeCredential`s.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::request::{CredentialType, IssueRequest};
use crate::badges::Badge;
use crate::clock::rfc3339;
use crate::status_list::Slot;

pub const VC_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
pub const OB3_CONTEXT: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

/// Everything that goes into one credential besides the request.
pub struct Envelope<'a> {
    pub credential_id: &'a str,
    pub public_url: &'a str,
    pub issuer_did: &'a str,
    pub issuer_name: &'a str,
    pub org_id: &'a str,
    pub slot: &'a Slot,
    pub issued_at: i64,
    pub expires_at: Option<i64>,
    pub badge: Option<&'a Badge>,
}

/// Where a credential's public page is; also its VC `id`.
pub fn credential_url(public_url: &str, credential_id: &str) -> String {
    format!("{public_url}/credentials/{credential_id}")
}

/// Where a status list credential is served.
pub fn status_list_url(public_url: &str, org_id: &str, list_id: &str) -> String {
    format!("{public_url}/organizations/{org_id}/status-lists/{list_id}")
}

pub fn payload(request: &IssueRequest, env: &Envelope<'_>) -> Value {
    let list_url = status_list_url(env.public_url, env.org_id, &env.slot.list_id);
    let mut vc = json!({
        "@context": [VC_CONTEXT],
        "id": credential_url(env.public_url, env.credential_id),
        "type": ["VerifiableCredential", request.credential_type.vc_type()],
        "issuer": {"id": env.issuer_did, "name": env.issuer_name},
        "validFrom": rfc3339(env.issued_at),
        "credentialSubject": subject(request, env),
        "credentialStatus": {
            "id": format!("{list_url}#{}", env.slot.index),
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": env.slot.index.to_string(),
            "statusListCredential": list_url,
        },
        "iss": env.issuer_did,
        "jti": env.credential_id,
        "iat": env.issued_at,
        "nbf": env.issued_at,
    });
    let obj = vc.as_object_mut().expect("built as an object");
    if let Some(exp) = env.expires_at {
        obj.insert("validUntil".into(), rfc3339(exp).into());
        obj.insert("exp".into(), exp.into());
    }
    if let Some(sub) = request.subject_id() {
        obj.insert("sub".into(), sub.into());
    }
    if let (CredentialType::Badge, Some(badge)) = (request.credential_type, env.badge) {
        obj.insert("@context".into(), json!([VC_CONTEXT, OB3_CONTEXT]));
        obj.insert("name".into(), badge.name.clone().into());
    }
    vc
}

fn subject(request: &IssueRequest, env: &Envelope<'_>) -> Value {
    match (&request.recipient, env.badge) {
        (Some(recipient), Some(badge)) => {
            let mut achievement = json!({
                "id": format!("{}/badges/{}", env.public_url, badge.id),
                "type": ["Achievement"],
                "name": badge.name,
                "description": badge.description,
                "criteria": {"narrative": badge.criteria_narrative},
            });
            if let Some(image) = &badge.image_url {
                achievement["image"] = json!({"id": image, "type": "Image"});
            }
            json!({
                "type": ["AchievementSubject"],
                "identifier": [
                    hashed_email(recipient.email.as_str()),
                    {"type": "IdentityObject", "identityType": "name", "hashed": false, "identityHash": recipient.name},
                ],
                "achievement": achievement,
            })
        }
        _ => {
            let mut out = Map::new();
            if let Some(id) = request.subject.get("id") {
                out.insert("subjectId".into(), id.clone());
            }
            if let Some(t) = request.subject.get("type") {
                out.insert("subjectType".into(), t.clone());
            }
            if let Some(name) = request.subject.get("name") {
                out.insert("name".into(), name.clone());
            }
            if let Some(t) = &request.attestation_type {
                out.insert("attestationType".into(), t.clone().into());
            }
            for (k, v) in &request.claims {
                out.insert(k.clone(), v.clone());
            }
            Value::Object(out)
        }
    }
}

/// The recipient's e-mail as Open Badges hashes it: `sha256$` of the
/// address followed by a random salt, so the credential does not publish
/// the address but anyone who knows it can check it.
fn hashed_email(email: &str) -> Value {
    let mut salt = [0u8; 12];
    rand::rng().fill_bytes(&mut salt);
    let salt = URL_SAFE_NO_PAD.encode(salt);
    let hash = hex::encode(Sha256::digest(format!("{email}{salt}").as_bytes()));
    json!({
        "type": "IdentityObject",
        "identityType": "emailAddress",
        "hashed": true,
        "identityHash": format!("sha256${hash}"),
        "salt": salt,
    })
}
