//! Building and signing a leased batch. Pure CPU work, so it runs off the
//! async runtime, split across every core.

use serde::Serialize;

use super::lease::{Batch, LeasedItem};
use crate::credentials::award::Award;
use crate::credentials::vc::{BadgeTemplate, Holder};
use crate::email::EmailAddress;
use crate::{did, jws};

/// One row, signed and ready to store.
#[derive(Clone, Debug)]
pub struct Signed {
    pub idx: i64,
    pub credential_id: String,
    pub email: String,
    pub name: String,
    /// The stored subject, `{"email", "name", "type"}`, as the single
    /// issue path stores it.
    pub subject_json: String,
    pub signed_payload: String,
    pub expires_at: Option<i64>,
}

/// Signs every item of `batch` on `threads` threads (at least one).
/// An item that cannot be built (it should not happen: rows were checked
/// at submit) comes back as its index and the reason.
pub fn sign_batch(batch: &Batch, public_url: &str, threads: usize) -> Vec<Result<Signed, (i64, String)>> {
    let Some(badge) = &batch.badge else {
        // JSON batches are issued item by item (`issue_items`), never here.
        return batch.items.iter().map(|i| Err((i.idx, "This job has no badge to sign with.".to_owned()))).collect();
    };
    // Everything the rows share is prepared once: the issuer, the badge
    // (the bulk of each payload) and the encoded JWS header.
    let expires_at = badge.validity_days.map(|d| batch.issued_at + d * 24 * 3600);
    let issuer_did = did::org_did(public_url, &batch.org_id);
    let kid = did::key_url(&issuer_did, &batch.key_id);
    let header = jws::EncodedHeader::new(&jws::Header { alg: "ES256", typ: "vc+jwt", kid: &kid });
    let template =
        BadgeTemplate::new(public_url, &issuer_did, &batch.org_name, &batch.org_id, badge, batch.issued_at, expires_at);
    let shared = Shared { batch, template, header, expires_at };
    let chunk = batch.items.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = batch
            .items
            .chunks(chunk)
            .map(|items| {
                let shared = &shared;
                scope.spawn(move || {
                    yield_to_requests();
                    items.iter().map(|it| sign_one(shared, it)).collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("signing thread panicked")).collect()
    })
}

/// How much lower than the server's threads a signing thread runs (a
/// `nice` value). A job signs on every core, and requests (pages, single
/// issues) would queue behind it for the core they need; at this value
/// the kernel gives a request's thread about nine time slices in ten while
/// both want the core, and the job every slice nobody else wants.
const SIGNING_NICE: i32 = 10;

/// Lowers this thread's priority to [`SIGNING_NICE`]. On Linux a nice
/// value belongs to the thread; each batch's threads are new, so the
/// server's own threads keep theirs.
fn yield_to_requests() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority only reads its arguments; the id is this thread's.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t, SIGNING_NICE);
    }
}

struct Shared<'a> {
    batch: &'a Batch,
    template: BadgeTemplate<'a>,
    header: jws::EncodedHeader,
    expires_at: Option<i64>,
}

/// The stored subject of a badge credential; fields in the order a JSON
/// object of them serialises.
#[derive(Serialize)]
struct Subject<'a> {
    email: &'a str,
    name: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
}

fn sign_one(shared: &Shared<'_>, item: &LeasedItem) -> Result<Signed, (i64, String)> {
    let email = EmailAddress::parse(&item.email).map_err(|m| (item.idx, format!("Email {m}.")))?;
    let failed = |e: serde_json::Error| (item.idx, format!("Could not build the credential: {e}"));
    let award: Award = match &item.award_json {
        Some(json) => {
            serde_json::from_str(json).map_err(|e| (item.idx, format!("The row's award is unreadable: {e}")))?
        }
        None => Award::default(),
    };
    let expires_at = item.expires_at.or(shared.expires_at);
    let holder = Holder {
        name: &item.name,
        email: email.as_str(),
        subject_id: None,
        award: &award,
        expires_at: item.expires_at,
    };
    let payload = shared.template.payload(&item.credential_id, &item.slot, &holder);
    let payload = serde_json::to_vec(&payload).map_err(failed)?;
    let signed_payload = shared.header.sign(&payload, &shared.batch.key);
    let subject_json =
        serde_json::to_string(&Subject { email: email.as_str(), name: &item.name, kind: "person" }).map_err(failed)?;
    Ok(Signed {
        idx: item.idx,
        credential_id: item.credential_id.clone(),
        email: email.to_string(),
        name: item.name.clone(),
        subject_json,
        signed_payload,
        expires_at,
    })
}

#[cfg(test)]
mod tests {
    use p256::ecdsa::SigningKey;
    use p256::elliptic_curve::Generate;
    use serde_json::{Map, Value};

    use super::*;
    use crate::badges::Badge;
    use crate::credentials::request::{CredentialType, IssueRequest, Recipient};
    use crate::credentials::vc::{self, Envelope};
    use crate::status_list::Slot;

    fn batch(key: SigningKey) -> Batch {
        Batch {
            job_id: "job_1".into(),
            org_id: "org_1".into(),
            org_name: "Acme Academy".into(),
            badge: Some(Badge {
                id: "bdg_1".into(),
                org_id: "org_1".into(),
                name: "Rust 101".into(),
                description: "Knows \"ownership\".".into(),
                criteria_narrative: "Passed the exam.".into(),
                image_url: Some("https://img.example/rust.png".into()),
                validity_days: Some(365),
                archived_at: None,
                created_at: 0,
                updated_at: 0,
            }),
            key_id: "key_1".into(),
            key,
            lease_token: "t".into(),
            issued_at: 1_790_000_000,
            delivers_email: false,
            duplicate_policy: Default::default(),
            revocation: None,
            items: vec![LeasedItem {
                idx: 0,
                name: "Ada Lovelace".into(),
                email: "Ada@Example.com".into(),
                credential_id: "cred_1".into(),
                slot: Slot { list_id: "sl_1".into(), index: 42 },
                request: None,
                award_json: None,
                expires_at: None,
            }],
        }
    }

    /// Drops the salted e-mail hash, which differs on every call.
    fn without_salt(mut payload: Value) -> Value {
        let email = &mut payload["credentialSubject"]["identifier"][0];
        email.as_object_mut().unwrap().remove("salt");
        email.as_object_mut().unwrap().remove("identityHash");
        payload
    }

    #[test]
    fn a_bulk_signed_credential_is_the_one_single_issue_builds_and_verifies_under_the_org_key() {
        let award = Award {
            narrative: Some("Built the *engine*.".into()),
            evidence_url: Some("https://notes.example/ada".into()),
            evidence_name: Some("Notes".into()),
            issued_on: Some(1_700_000_000),
        };
        for (award, own_expiry) in [(Award::default(), None), (award, Some(1_900_000_000))] {
            let key = SigningKey::generate();
            let mut batch = batch(key.clone());
            batch.items[0].award_json = (!award.is_empty()).then(|| serde_json::to_string(&award).unwrap());
            batch.items[0].expires_at = own_expiry;
            same_as_single_issue(&batch, &key, award, own_expiry);
        }
    }

    fn same_as_single_issue(batch: &Batch, key: &SigningKey, award: Award, own_expiry: Option<i64>) {
        let url = "https://laurel.example";
        let signed = sign_batch(batch, url, 2).pop().unwrap().unwrap();
        assert_eq!(signed.email, "ada@example.com");
        assert_eq!(signed.subject_json, r#"{"email":"ada@example.com","name":"Ada Lovelace","type":"person"}"#);
        assert_eq!(signed.expires_at, own_expiry.or(Some(batch.issued_at + 365 * 24 * 3600)));

        let decoded = jws::decode(&signed.signed_payload).unwrap();
        assert_eq!(decoded.check_signature(key.verifying_key()), crate::jws::SignatureCheck::Valid);
        let did = did::org_did(url, "org_1");
        assert_eq!(decoded.kid(), Some(did::key_url(&did, "key_1").as_str()));

        let email = EmailAddress::parse("ada@example.com").unwrap();
        let mut subject = Map::new();
        subject.insert("type".into(), "person".into());
        let request = IssueRequest {
            credential_type: CredentialType::Badge,
            attestation_type: None,
            subject,
            claims: Map::new(),
            expires_at: None,
            badge_id: Some("bdg_1".into()),
            recipient: Some(Recipient { name: "Ada Lovelace".into(), email: email.clone() }),
            award: award.clone(),
        };
        let expected = vc::payload(
            &request,
            &Envelope {
                credential_id: "cred_1",
                public_url: url,
                issuer_did: &did,
                issuer_name: "Acme Academy",
                org_id: "org_1",
                slot: &batch.items[0].slot,
                issued_at: batch.issued_at,
                expires_at: signed.expires_at,
                badge: batch.badge.as_ref(),
            },
        );
        assert_eq!(without_salt(decoded.payload.clone()), without_salt(expected));

        let identity = &decoded.payload["credentialSubject"]["identifier"][0];
        let salt = identity["salt"].as_str().unwrap();
        let hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(format!("{email}{salt}")));
        assert_eq!(identity["identityHash"], format!("sha256${hash}"));
        assert_eq!(decoded.payload["credentialSubject"]["achievement"]["description"], "Knows \"ownership\".");
        assert_eq!(decoded.payload["credentialStatus"]["statusListIndex"], "42");
        if let Some(on) = award.issued_on {
            let p = &decoded.payload;
            assert_eq!((p["nbf"].as_i64(), p["awardedDate"].as_str()), (Some(on), p["validFrom"].as_str()));
            assert_eq!(p["credentialSubject"]["narrative"], "Built the *engine*.");
            assert_eq!(p["evidence"][0]["name"], "Notes");
            assert_eq!(p["exp"].as_i64(), own_expiry);
        }
    }
}
