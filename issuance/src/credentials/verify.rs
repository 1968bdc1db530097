//! Verifying a credential issued here: signature, issuer, validity period
//! and revocation status, each checked and reported on its own, so a
//! caller sees not only "invalid" but why.
//!
//! Stricter than a signature check alone: a high-S (malleated) signature
//! is refused, a key signs nothing after its retirement, and the token
//! must be, byte for byte, the one we stored under its id. (Credentials
//! signed before we normalised signatures may be high-S; they pass only as
//! that exact stored token.)

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::store;
use crate::db::Db;
use crate::error::{CoreError, CoreResult};
use crate::jws::SignatureCheck;
use crate::keys::PublicJwk;
use crate::{did, jws};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    Passed,
    Failed,
    /// Not reached, because an earlier check failed.
    Skipped,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checks {
    pub signature: Check,
    pub issuer: Check,
    pub expiry: Check,
    pub status: Check,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    pub is_valid: bool,
    /// Set when `is_valid` is false: `malformed`, `unsupported_algorithm`,
    /// `unknown_issuer`, `invalid_signature`, `issuer_mismatch`,
    /// `key_retired`, `not_yet_valid`, `expired`, `revoked`, `not_found`,
    /// `not_issued` (the id is ours but the token is not what we issued).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    pub credential_id: Option<String>,
    pub issuer_did: Option<String>,
    pub checks: Checks,
}

impl Verification {
    fn failed(code: &str, message: impl Into<String>, checks: Checks) -> Self {
        Verification {
            is_valid: false,
            error_code: Some(code.into()),
            message: Some(message.into()),
            credential_id: None,
            issuer_did: None,
            checks,
        }
    }

    /// The answer for a credential id that is not there (or not the caller's).
    pub fn not_found(id: &str) -> Self {
        Self::failed("not_found", format!("no credential '{id}'"), Checks::all(Check::Skipped))
    }
}

impl Checks {
    fn all(c: Check) -> Self {
        Checks { signature: c, issuer: c, expiry: c, status: c }
    }
}

/// Verifies a compact JWS credential issued by any org of this deployment.
pub async fn verify_token(db: &Db, token: &str, now: i64) -> CoreResult<Verification> {
    let skipped = Checks::all(Check::Skipped);
    let decoded = match jws::decode(token) {
        Ok(d) => d,
        Err(e) => {
            return Ok(Verification::failed("malformed", format!("signed_payload: {e}"), skipped));
        }
    };
    if decoded.alg() != Some("ES256") {
        return Ok(Verification::failed(
            "unsupported_algorithm",
            format!("expected alg ES256, got {}", decoded.alg().unwrap_or("none")),
            skipped,
        ));
    }
    let Some((kid_did, org_id, key_id)) = decoded.kid().and_then(did::parse_key_url) else {
        return Ok(Verification::failed("unknown_issuer", "the header's kid is not a Laurel did:web key", skipped));
    };
    let row: Option<(String, Option<i64>)> =
        sqlx::query_as("SELECT public_jwk, retired_at FROM signing_keys WHERE id = $1 AND org_id = $2")
            .bind(key_id)
            .bind(org_id)
            .fetch_optional(db)
            .await?;
    let retired_at = row.as_ref().and_then(|(_, r)| *r);
    let Some(key) = row.and_then(|(j, _)| serde_json::from_str::<PublicJwk>(&j).ok()).and_then(|j| j.verifying_key())
    else {
        return Ok(Verification::failed("unknown_issuer", format!("no key {key_id} for {kid_did}"), skipped));
    };

    let mut checks = skipped;
    let credential_id = decoded.payload.get("jti").and_then(Value::as_str).map(|jti| id_of(jti).to_owned());
    // What we stored under that id, if anything: the token must be it.
    let stored = match &credential_id {
        Some(id) => match store::get(db, org_id, id).await {
            Ok(c) => Some(c),
            Err(CoreError::NotFound) => None,
            Err(e) => return Err(e),
        },
        None => None,
    };
    let is_stored_token = stored.as_ref().is_some_and(|c| c.signed_payload == decoded.token());
    let result = |code: &str, message: String, checks: Checks| {
        let mut v = Verification::failed(code, message, checks);
        v.credential_id = credential_id.clone();
        v.issuer_did = Some(kid_did.to_owned());
        v
    };
    match decoded.check_signature(&key) {
        SignatureCheck::Valid => {}
        SignatureCheck::ValidHighS if is_stored_token => {}
        SignatureCheck::ValidHighS => {
            checks.signature = Check::Failed;
            return Ok(result(
                "invalid_signature",
                "the signature is in the malleable high-S form, which the issuer never produces".into(),
                checks,
            ));
        }
        SignatureCheck::Invalid => {
            checks.signature = Check::Failed;
            return Ok(result("invalid_signature", "the signature does not match the issuer's key".into(), checks));
        }
    }
    checks.signature = Check::Passed;

    let iss = decoded.payload.get("iss").and_then(Value::as_str);
    let issuer_id = decoded.payload.pointer("/issuer/id").and_then(Value::as_str);
    if iss != Some(kid_did) || issuer_id.is_some_and(|i| i != kid_did) {
        checks.issuer = Check::Failed;
        return Ok(result("issuer_mismatch", "iss does not name the DID that signed".into(), checks));
    }
    let claim = |name: &str| decoded.payload.get(name).and_then(Value::as_i64);
    let signed_at = claim("iat").or_else(|| claim("nbf"));
    if let Some(retired) = retired_at
        && signed_at.is_none_or(|at| at > retired)
    {
        checks.issuer = Check::Failed;
        return Ok(result(
            "key_retired",
            format!("key {key_id} was retired at {retired}, before this credential says it was signed"),
            checks,
        ));
    }
    checks.issuer = Check::Passed;

    if claim("nbf").is_some_and(|nbf| nbf > now + 60) {
        checks.expiry = Check::Failed;
        return Ok(result("not_yet_valid", "the credential is not valid yet (nbf)".into(), checks));
    }
    if claim("exp").is_some_and(|exp| exp <= now) {
        checks.expiry = Check::Failed;
        return Ok(result("expired", "the credential has expired (exp)".into(), checks));
    }
    checks.expiry = Check::Passed;

    let revoked = match (&credential_id, &stored) {
        (None, _) => {
            checks.status = Check::Failed;
            return Ok(result("malformed", "the payload has no jti".into(), checks));
        }
        (Some(id), None) => {
            checks.status = Check::Failed;
            return Ok(result("not_found", format!("no credential '{id}' was issued by {kid_did}"), checks));
        }
        (Some(id), Some(_)) if !is_stored_token => {
            checks.status = Check::Failed;
            return Ok(result("not_issued", format!("this is not the credential {kid_did} issued as '{id}'"), checks));
        }
        (Some(_), Some(c)) => c.is_revoked(),
    };
    if revoked {
        checks.status = Check::Failed;
        return Ok(result("revoked", "the issuer has revoked this credential".into(), checks));
    }
    checks.status = Check::Passed;
    Ok(Verification {
        is_valid: true,
        error_code: None,
        message: None,
        credential_id,
        issuer_did: Some(kid_did.to_owned()),
        checks,
    })
}

/// The credential id in a `jti`: the id itself, or the public URL that
/// ends in it (`…/credentials/{id}`).
fn id_of(jti: &str) -> &str {
    match jti.rsplit_once("/credentials/") {
        Some((_, id)) if !id.is_empty() && !id.contains('/') => id,
        _ => jti,
    }
}

/// Verifies the org's stored credential `id` (its signed form, as a holder
/// would present it).
pub async fn verify_by_id(db: &Db, org_id: &str, id: &str, now: i64) -> CoreResult<Verification> {
    match store::get(db, org_id, id).await {
        Ok(c) => verify_token(db, &c.signed_payload, now).await,
        Err(CoreError::NotFound) => Ok(Verification::not_found(id)),
        Err(e) => Err(e),
    }
}
