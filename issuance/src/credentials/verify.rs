//! Verifying a credential issued here: signature, issuer, validity period
//! and revocation status, each checked and reported on its own, so a
//! caller sees not only "invalid" but why.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::store;
use crate::db::Db;
use crate::error::{CoreError, CoreResult};
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
    /// `not_yet_valid`, `expired`, `revoked`, `not_found`.
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
    let jwk: Option<String> = sqlx::query_scalar("SELECT public_jwk FROM signing_keys WHERE id = $1 AND org_id = $2")
        .bind(key_id)
        .bind(org_id)
        .fetch_optional(db)
        .await?;
    let Some(key) = jwk.and_then(|j| serde_json::from_str::<PublicJwk>(&j).ok()).and_then(|j| j.verifying_key()) else {
        return Ok(Verification::failed("unknown_issuer", format!("no key {key_id} for {kid_did}"), skipped));
    };

    let mut checks = skipped;
    let credential_id = decoded.payload.get("jti").and_then(Value::as_str).map(str::to_owned);
    let result = |code: &str, message: String, checks: Checks| {
        let mut v = Verification::failed(code, message, checks);
        v.credential_id = credential_id.clone();
        v.issuer_did = Some(kid_did.to_owned());
        v
    };
    if !decoded.verify(&key) {
        checks.signature = Check::Failed;
        return Ok(result("invalid_signature", "the signature does not match the issuer's key".into(), checks));
    }
    checks.signature = Check::Passed;

    let iss = decoded.payload.get("iss").and_then(Value::as_str);
    let issuer_id = decoded.payload.pointer("/issuer/id").and_then(Value::as_str);
    if iss != Some(kid_did) || issuer_id.is_some_and(|i| i != kid_did) {
        checks.issuer = Check::Failed;
        return Ok(result("issuer_mismatch", "iss does not name the DID that signed".into(), checks));
    }
    checks.issuer = Check::Passed;

    let claim = |name: &str| decoded.payload.get(name).and_then(Value::as_i64);
    if claim("nbf").is_some_and(|nbf| nbf > now + 60) {
        checks.expiry = Check::Failed;
        return Ok(result("not_yet_valid", "the credential is not valid yet (nbf)".into(), checks));
    }
    if claim("exp").is_some_and(|exp| exp <= now) {
        checks.expiry = Check::Failed;
        return Ok(result("expired", "the credential has expired (exp)".into(), checks));
    }
    checks.expiry = Check::Passed;

    let revoked = match &credential_id {
        Some(id) => match store::get(db, org_id, id).await {
            Ok(c) => c.stored_status == "revoked",
            Err(CoreError::NotFound) => {
                checks.status = Check::Failed;
                return Ok(result("not_found", format!("no credential '{id}' was issued by {kid_did}"), checks));
            }
            Err(e) => return Err(e),
        },
        None => {
            checks.status = Check::Failed;
            return Ok(result("malformed", "the payload has no jti".into(), checks));
        }
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

/// Verifies the org's stored credential `id` (its signed form, as a holder
/// would present it).
pub async fn verify_by_id(db: &Db, org_id: &str, id: &str, now: i64) -> CoreResult<Verification> {
    match store::get(db, org_id, id).await {
        Ok(c) => verify_token(db, &c.signed_payload, now).await,
        Err(CoreError::NotFound) => Ok(Verification::not_found(id)),
        Err(e) => Err(e),
    }
}
