//! Issuing one credential (`POST /v1/credentials`): check the org and the
//! request, count the recipient against the quota, take a status-list
//! slot, sign, store, all in one transaction, so a failure leaves nothing
//! behind.
//!
//! Bulk jobs take the same steps a batch at a time in
//! [`crate::jobs::record`]: the payload comes from the same
//! [`vc::BadgeTemplate`], but the rows are written by one multi-row INSERT
//! per batch, since a statement per row cost five times as much there
//! (55 µs against 11 µs a credential, `benches/bulk_job.rs`).

use serde_json::Value;

use super::award::{self, Award};
use super::request::{CredentialType, IssueRequest};
use super::store::{self, Credential};
use super::vc::{self, Envelope};
use crate::db::Db;
use crate::error::{CoreError, CoreResult, FieldError};
use crate::keys::{self, MasterKey};
use crate::{badges, clock, did, ids, jws, status_list};

/// Credentials expire this long after issue unless told otherwise (badges
/// follow their own validity).
pub const DEFAULT_VALIDITY_SECS: i64 = 90 * 24 * 3600;

/// What issuing needs besides the request.
#[derive(Clone, Copy)]
pub struct Issuer<'a> {
    pub db: &'a Db,
    pub master: &'a MasterKey,
    /// The deployment's public base URL (for the DID and links).
    pub public_url: &'a str,
    /// The API key asking, for the audit log.
    pub api_key_id: Option<&'a str>,
}

pub async fn issue(issuer: Issuer<'_>, org_id: &str, request: IssueRequest, now: i64) -> CoreResult<Credential> {
    let mut tx = crate::db::begin(issuer.db).await?;
    // First, so that quota counting cannot race.
    crate::orgs::organizations::lock(&mut tx, org_id).await?;
    let credential = issue_locked(&mut tx, &issuer, org_id, request, now).await?;
    tx.commit().await?;
    Ok(credential)
}

/// [`issue`] in the caller's transaction, which holds the org's lock: for
/// callers that record more in the same transaction (an identity session
/// keeps the credential it issued).
pub(crate) async fn issue_locked(
    tx: &mut crate::db::Conn,
    issuer: &Issuer<'_>,
    org_id: &str,
    request: IssueRequest,
    now: i64,
) -> CoreResult<Credential> {
    let org = IssuingOrg::load(tx, issuer.master, org_id).await?;
    let slot = status_list::lists::allocate(tx, org_id, 1)
        .await?
        .pop()
        .ok_or_else(|| anyhow::anyhow!("no status slot allocated"))?;
    let credential =
        issue_in(tx, &org, issuer.public_url, request, Fixed { id: ids::new_id("cred"), slot }, now).await?;
    let data = serde_json::json!({
        "credential_id": credential.id, "credential_type": credential.credential_type,
        "subject_id": credential.subject.get("id"), "badge_id": credential.badge_id,
        "expires_at": credential.expires_at.map(clock::rfc3339),
    });
    crate::webhooks::emit(tx, org_id, crate::webhooks::EventType::CredentialIssued, data.clone(), now).await?;
    let summary = format!("Credential {} ({}) issued", credential.id, credential.credential_type);
    let entry = crate::audit::Entry::new(
        crate::audit::Actor::api_key(issuer.api_key_id),
        crate::audit::AuditAction::CredentialIssued,
        Some(&credential.id),
        summary,
    )
    .with(data);
    crate::audit::record(&mut *tx, org_id, entry).await?;
    Ok(credential)
}

/// What every credential an org issues needs, read once under the org
/// lock: a JSON batch reads it once per batch.
pub struct IssuingOrg {
    pub org_id: String,
    pub name: String,
    pub monthly_quota: i64,
    pub key_id: String,
    pub key: p256::ecdsa::SigningKey,
}

impl IssuingOrg {
    /// Refuses an org that is not approved; unseals its signing key.
    pub async fn load(tx: &mut crate::db::Conn, master: &MasterKey, org_id: &str) -> CoreResult<IssuingOrg> {
        #[derive(sqlx::FromRow)]
        struct OrgRow {
            name: String,
            approval_status: String,
            monthly_quota: i64,
        }
        let OrgRow { name, approval_status, monthly_quota } =
            sqlx::query_as("SELECT name, approval_status, monthly_quota FROM organizations WHERE id = $1")
                .bind(org_id)
                .fetch_one(&mut *tx)
                .await?;
        if approval_status != "approved" {
            return Err(CoreError::Unprocessable(
                "This organisation is not approved yet, so it cannot issue credentials.".into(),
            ));
        }
        let (key_id, key) = keys::active(&mut *tx, master, org_id).await?;
        Ok(IssuingOrg { org_id: org_id.to_owned(), name, monthly_quota, key_id, key })
    }
}

/// The credential id and status slot a credential gets, fixed before it is
/// issued (a batch item keeps both across retries).
pub struct Fixed {
    pub id: String,
    pub slot: status_list::Slot,
}

/// Issues `request` in the caller's transaction, which holds the org lock:
/// badge, expiry, quota, sign, store. An error leaves the transaction for
/// the caller to roll back (a batch item rolls back to its savepoint).
pub async fn issue_in(
    tx: &mut crate::db::Conn,
    org: &IssuingOrg,
    public_url: &str,
    request: IssueRequest,
    fixed: Fixed,
    now: i64,
) -> CoreResult<Credential> {
    let org_id = org.org_id.as_str();
    let badge = match (&request.credential_type, &request.badge_id) {
        (CredentialType::Badge, Some(badge_id)) => Some(badges::issuable(&mut *tx, org_id, badge_id).await?),
        _ => None,
    };
    let expires_at = match (request.expires_at, &badge) {
        (Some(at), _) => Some(at),
        (None, Some(b)) => b.validity_days.map(|d| now + d * 24 * 3600),
        (None, None) => Some(now + DEFAULT_VALIDITY_SECS),
    };
    check_expiry(expires_at, now)?;
    check_award(&request.award, expires_at, now)?;

    crate::quota::count_one(&mut *tx, org_id, &request.recipient_key(), org.monthly_quota, now).await?;
    let Fixed { id, slot } = fixed;
    let issuer_did = did::org_did(public_url, org_id);
    let kid = did::key_url(&issuer_did, &org.key_id);
    let payload = vc::payload(
        &request,
        &Envelope {
            credential_id: &id,
            public_url,
            issuer_did: &issuer_did,
            issuer_name: &org.name,
            org_id,
            slot: &slot,
            issued_at: now,
            expires_at,
            badge: badge.as_ref(),
        },
    );
    let payload = serde_json::to_vec(&payload).map_err(anyhow::Error::from)?;
    let signed_payload = jws::sign(&jws::Header { alg: "ES256", typ: "vc+jwt", kid: &kid }, &payload, &org.key);

    let credential = Credential {
        id,
        org_id: org_id.to_owned(),
        credential_type: request.credential_type,
        attestation_type: request.attestation_type.clone(),
        subject: Value::Object(request.subject.clone()),
        claims: Value::Object(request.claims.clone()),
        recipient_email: request.recipient.as_ref().map(|r| r.email.to_string()),
        recipient_name: request.recipient.as_ref().map(|r| r.name.clone()),
        badge_id: badge.as_ref().map(|b| b.id.clone()),
        issuer_did,
        key_id: org.key_id.clone(),
        signed_payload,
        stored_status: model::CredentialStatus::Active,
        revoked_at: None,
        revocation_reason: None,
        status_list_id: slot.list_id,
        status_list_index: i64::from(slot.index),
        issued_at: now,
        expires_at,
        created_at: now,
        updated_at: now,
    };
    store::insert(&mut *tx, &credential).await?;
    Ok(credential)
}

/// A credential must not be born expired.
/// A badge's award date must be today or earlier, and before its expiry.
pub fn check_award(award: &Award, expires_at: Option<i64>, now: i64) -> CoreResult<()> {
    let mut errors: Vec<FieldError> = match award::check_dates(award, None, now) {
        Ok(()) => Vec::new(),
        Err(errors) => errors.into_iter().map(|e| FieldError::new(e.field.as_str(), e.message)).collect(),
    };
    if let (Some(on), Some(until)) = (award.issued_on, expires_at)
        && until <= on
    {
        errors.push(FieldError::new("expires_at", "must be later than issued_on"));
    }
    if errors.is_empty() { Ok(()) } else { Err(CoreError::Validation(errors)) }
}

pub fn check_expiry(expires_at: Option<i64>, now: i64) -> CoreResult<()> {
    match expires_at.filter(|at| *at <= now) {
        Some(at) => Err(CoreError::Unprocessable(format!(
            "expires_at ({}) is in the past; give a future date or leave it out.",
            clock::rfc3339(at)
        ))),
        None => Ok(()),
    }
}
