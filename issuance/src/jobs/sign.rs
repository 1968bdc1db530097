//! Building and signing a leased batch. Pure CPU work, so it runs off the
//! async runtime, split across every core.

use serde_json::{Map, Value};

use super::lease::{Batch, LeasedItem};
use crate::credentials::request::{CredentialType, IssueRequest, Recipient};
use crate::credentials::vc::{self, Envelope};
use crate::email::EmailAddress;
use crate::{did, jws};

/// One row, signed and ready to store.
#[derive(Clone, Debug)]
pub struct Signed {
    pub idx: i64,
    pub credential_id: String,
    pub email: String,
    pub name: String,
    pub subject: Value,
    pub signed_payload: String,
    pub expires_at: Option<i64>,
}

/// Signs every item of `batch` on `threads` threads (at least one).
/// An item that cannot be built (it should not happen: rows were checked
/// at submit) comes back as its index and the reason.
pub fn sign_batch(batch: &Batch, public_url: &str, threads: usize) -> Vec<Result<Signed, (i64, String)>> {
    let chunk = batch.items.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = batch
            .items
            .chunks(chunk)
            .map(|items| {
                scope.spawn(move || items.iter().map(|it| sign_one(batch, public_url, it)).collect::<Vec<_>>())
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("signing thread panicked")).collect()
    })
}

fn sign_one(batch: &Batch, public_url: &str, item: &LeasedItem) -> Result<Signed, (i64, String)> {
    let email = EmailAddress::parse(&item.email).map_err(|m| (item.idx, format!("Email {m}.")))?;
    let mut subject = Map::new();
    subject.insert("type".into(), "person".into());
    subject.insert("name".into(), item.name.clone().into());
    subject.insert("email".into(), email.to_string().into());
    let request = IssueRequest {
        credential_type: CredentialType::Badge,
        attestation_type: None,
        subject,
        claims: Map::new(),
        expires_at: None,
        badge_id: Some(batch.badge.id.clone()),
        recipient: Some(Recipient { name: item.name.clone(), email }),
    };
    let expires_at = batch.badge.validity_days.map(|d| batch.issued_at + d * 24 * 3600);
    let issuer_did = did::org_did(public_url, &batch.org_id);
    let kid = did::key_url(&issuer_did, &batch.key_id);
    let payload = vc::payload(
        &request,
        &Envelope {
            credential_id: &item.credential_id,
            public_url,
            issuer_did: &issuer_did,
            issuer_name: &batch.org_name,
            org_id: &batch.org_id,
            slot: &item.slot,
            issued_at: batch.issued_at,
            expires_at,
            badge: Some(&batch.badge),
        },
    );
    let payload =
        serde_json::to_vec(&payload).map_err(|e| (item.idx, format!("Could not build the credential: {e}")))?;
    let signed_payload = jws::sign(&jws::Header { alg: "ES256", typ: "vc+jwt", kid: &kid }, &payload, &batch.key);
    Ok(Signed {
        idx: item.idx,
        credential_id: item.credential_id.clone(),
        email: request.recipient.as_ref().map(|r| r.email.to_string()).unwrap_or_default(),
        name: item.name.clone(),
        subject: Value::Object(request.subject),
        signed_payload,
        expires_at,
    })
}
