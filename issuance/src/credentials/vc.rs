//! The credential itself: a W3C Verifiable Credential (Data Model 2.0)
//! that is also a JWT claims set, secured as `vc+jwt`. Badges are Open
//! Badges 3.0 `OpenBadgeCredential`s.
//!
//! The JWT claims mirror the credential as VC-JWT and Open Badges 3.0
//! §8.2 require, so strict verifiers accept them: `jti` is the credential's
//! `id` (its public URL; the API's `cred_…` id is the URL's last segment),
//! `iss` is `issuer.id`, `nbf`/`exp` are `validFrom`/`validUntil`, and
//! `sub` is `credentialSubject.id` whenever the subject has an id.
//! (Credentials issued before Laurel 0.2.0 carry `jti: "cred_…"`; our
//! verifier accepts both forms.)

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use serde::Serialize;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use std::borrow::Cow;

use super::award::Award;
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

/// The credential's JWT claims set. Badges are built by [`BadgeTemplate`],
/// as bulk jobs build them, so a badge is the same credential whichever
/// way it was issued.
pub fn payload(request: &IssueRequest, env: &Envelope<'_>) -> Value {
    if let (CredentialType::Badge, Some(badge), Some(recipient)) =
        (request.credential_type, env.badge, &request.recipient)
    {
        let template = BadgeTemplate::new(
            env.public_url,
            env.issuer_did,
            env.issuer_name,
            env.org_id,
            badge,
            env.issued_at,
            env.expires_at,
        );
        // The envelope's expiry is already the request's own, if it had one.
        let holder = Holder {
            name: &recipient.name,
            email: recipient.email.as_str(),
            subject_id: request.subject_id(),
            award: &request.award,
            expires_at: None,
        };
        let payload = template.payload(env.credential_id, env.slot, &holder);
        return serde_json::to_value(payload).expect("a badge payload always serialises");
    }
    let list_url = status_list_url(env.public_url, env.org_id, &env.slot.list_id);
    let id = credential_url(env.public_url, env.credential_id);
    let mut vc = json!({
        "@context": [VC_CONTEXT],
        "id": id,
        "type": ["VerifiableCredential", request.credential_type.vc_type()],
        "issuer": {"id": env.issuer_did, "name": env.issuer_name},
        "validFrom": rfc3339(env.issued_at),
        "credentialSubject": subject(request),
        "credentialStatus": {
            "id": format!("{list_url}#{}", env.slot.index),
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": env.slot.index.to_string(),
            "statusListCredential": list_url,
        },
        "iss": env.issuer_did,
        "jti": id,
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
    vc
}

fn subject(request: &IssueRequest) -> Value {
    let mut out = Map::new();
    if let Some(id) = request.subject.get("id") {
        // A VC subject `id` must be a URL; the caller's own ids (`biz_…`)
        // are kept as `subjectId` (and `sub`, a plain string to JWT), and
        // only an id that is already a URI also becomes the subject's `id`.
        if id.as_str().is_some_and(is_absolute_uri) {
            out.insert("id".into(), id.clone());
        }
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

/// `scheme:rest` with an RFC 3986 scheme: `did:web:…`, `https://…`, `urn:…`.
fn is_absolute_uri(s: &str) -> bool {
    match s.split_once(':') {
        Some((scheme, rest)) => {
            !rest.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// Where a badge's public page (and its `Achievement` as JSON) is: the
/// `achievement.id` of every credential of the badge.
pub fn achievement_url(public_url: &str, badge_id: &str) -> String {
    format!("{public_url}/badges/{badge_id}")
}

/// The badge as an Open Badges 3.0 `Achievement` document, with its
/// creator: what `achievement.id` answers to `Accept: application/json`.
/// Built from the same parts as the credentials' achievement.
pub fn achievement_document(public_url: &str, badge: &Badge, issuer_did: &str, issuer_name: &str) -> Value {
    let template = BadgeTemplate::new(public_url, issuer_did, issuer_name, &badge.org_id, badge, 0, None);
    let mut doc = serde_json::to_value(&template.achievement).expect("an achievement always serialises");
    let obj = doc.as_object_mut().expect("an achievement is an object");
    obj.insert("@context".into(), json!([VC_CONTEXT, OB3_CONTEXT]));
    obj.insert("creator".into(), serde_json::to_value(&template.issuer).expect("a profile always serialises"));
    doc
}

/// The parts of an Open Badges 3.0 credential that every recipient of one
/// badge shares, prepared once: a bulk job signs thousands a second, and
/// building each payload as a `Value` tree took 10-14 µs beside the
/// signature's 55 (`benches/bulk_job.rs`). The payload is typed and borrows, so serialising it
/// allocates only the few strings that differ per recipient.
pub struct BadgeTemplate<'a> {
    public_url: &'a str,
    org_id: &'a str,
    issuer: Issuer<'a>,
    achievement: Achievement<'a>,
    issued_at: i64,
    expires_at: Option<i64>,
    valid_from: String,
    valid_until: Option<String>,
}

impl<'a> BadgeTemplate<'a> {
    pub fn new(
        public_url: &'a str,
        issuer_did: &'a str,
        issuer_name: &'a str,
        org_id: &'a str,
        badge: &'a Badge,
        issued_at: i64,
        expires_at: Option<i64>,
    ) -> Self {
        BadgeTemplate {
            public_url,
            org_id,
            issuer: Issuer { id: issuer_did, name: issuer_name, kind: ["Profile"] },
            achievement: Achievement {
                criteria: Criteria { narrative: &badge.criteria_narrative },
                description: &badge.description,
                id: achievement_url(public_url, &badge.id),
                image: badge.image_url.as_deref().map(|id| Image { id, kind: "Image" }),
                name: &badge.name,
                kind: ["Achievement"],
            },
            issued_at,
            expires_at,
            valid_from: rfc3339(issued_at),
            valid_until: expires_at.map(rfc3339),
        }
    }

    /// One recipient's payload; serialise it with `serde_json`.
    pub fn payload<'p>(&'p self, credential_id: &'p str, slot: &Slot, holder: &Holder<'p>) -> impl Serialize + 'p {
        let Holder { name, email, subject_id, award, expires_at } = *holder;
        let list_url = status_list_url(self.public_url, self.org_id, &slot.list_id);
        let id = credential_url(self.public_url, credential_id);
        let (valid_from, nbf) = match award.issued_on {
            Some(on) => (Cow::Owned(rfc3339(on)), on),
            None => (Cow::Borrowed(self.valid_from.as_str()), self.issued_at),
        };
        let (valid_until, exp) = match expires_at {
            Some(at) => (Some(Cow::Owned(rfc3339(at))), Some(at)),
            None => (self.valid_until.as_deref().map(Cow::Borrowed), self.expires_at),
        };
        BadgePayload {
            context: [VC_CONTEXT, OB3_CONTEXT],
            awarded_date: award.issued_on.is_some().then(|| valid_from.clone()),
            evidence: award
                .evidence_url
                .as_deref()
                .map(|url| [Evidence { id: url, name: award.evidence_name.as_deref(), kind: ["Evidence"] }]),
            status: StatusEntry {
                id: format!("{list_url}#{}", slot.index),
                list_credential: list_url,
                list_index: slot.index.to_string(),
                purpose: "revocation",
                kind: "BitstringStatusListEntry",
            },
            subject: AchievementSubject {
                achievement: &self.achievement,
                identifier: (hashed_email(email), NameIdentity::new(name)),
                narrative: award.narrative.as_deref(),
                kind: ["AchievementSubject"],
            },
            exp,
            iat: self.issued_at,
            jti: id.clone(),
            id,
            iss: self.issuer.id,
            issuer: &self.issuer,
            name: self.achievement.name,
            nbf,
            sub: subject_id,
            kind: ["VerifiableCredential", CredentialType::Badge.vc_type()],
            valid_from,
            valid_until,
        }
    }
}

/// Whose badge it is, and what is theirs alone in it.
#[derive(Clone, Copy)]
pub struct Holder<'p> {
    pub name: &'p str,
    pub email: &'p str,
    /// The caller's id for the recipient (`sub`), if any.
    pub subject_id: Option<&'p str>,
    pub award: &'p Award,
    /// Instead of the badge's expiry.
    pub expires_at: Option<i64>,
}

// Fields are declared in alphabetical order, the order in which a `Value`
// object serialises its keys, so both ways of building a badge give the
// same bytes.

#[derive(Serialize)]
struct BadgePayload<'p> {
    #[serde(rename = "@context")]
    context: [&'static str; 2],
    #[serde(rename = "awardedDate", skip_serializing_if = "Option::is_none")]
    awarded_date: Option<Cow<'p, str>>,
    #[serde(rename = "credentialStatus")]
    status: StatusEntry,
    #[serde(rename = "credentialSubject")]
    subject: AchievementSubject<'p>,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<[Evidence<'p>; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exp: Option<i64>,
    iat: i64,
    id: String,
    iss: &'p str,
    issuer: &'p Issuer<'p>,
    jti: String,
    name: &'p str,
    nbf: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub: Option<&'p str>,
    #[serde(rename = "type")]
    kind: [&'static str; 2],
    #[serde(rename = "validFrom")]
    valid_from: Cow<'p, str>,
    #[serde(rename = "validUntil", skip_serializing_if = "Option::is_none")]
    valid_until: Option<Cow<'p, str>>,
}

/// Open Badges 3.0 `Evidence`: the recipient's work, by its address.
#[derive(Serialize)]
struct Evidence<'p> {
    id: &'p str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'p str>,
    #[serde(rename = "type")]
    kind: [&'static str; 1],
}

#[derive(Serialize)]
struct StatusEntry {
    id: String,
    #[serde(rename = "statusListCredential")]
    list_credential: String,
    #[serde(rename = "statusListIndex")]
    list_index: String,
    #[serde(rename = "statusPurpose")]
    purpose: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
}

/// The issuer as an Open Badges `Profile`.
#[derive(Serialize)]
struct Issuer<'a> {
    id: &'a str,
    name: &'a str,
    #[serde(rename = "type")]
    kind: [&'static str; 1],
}

#[derive(Serialize)]
struct AchievementSubject<'p> {
    achievement: &'p Achievement<'p>,
    identifier: (EmailIdentity, NameIdentity<'p>),
    #[serde(skip_serializing_if = "Option::is_none")]
    narrative: Option<&'p str>,
    #[serde(rename = "type")]
    kind: [&'static str; 1],
}

#[derive(Serialize)]
struct Achievement<'a> {
    criteria: Criteria<'a>,
    description: &'a str,
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<Image<'a>>,
    name: &'a str,
    #[serde(rename = "type")]
    kind: [&'static str; 1],
}

#[derive(Serialize)]
struct Criteria<'a> {
    narrative: &'a str,
}

#[derive(Serialize)]
struct Image<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct EmailIdentity {
    hashed: bool,
    #[serde(rename = "identityHash")]
    identity_hash: String,
    #[serde(rename = "identityType")]
    identity_type: &'static str,
    salt: String,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct NameIdentity<'a> {
    hashed: bool,
    #[serde(rename = "identityHash")]
    identity_hash: &'a str,
    #[serde(rename = "identityType")]
    identity_type: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
}

impl<'a> NameIdentity<'a> {
    fn new(name: &'a str) -> Self {
        NameIdentity { hashed: false, identity_hash: name, identity_type: "name", kind: "IdentityObject" }
    }
}

/// The recipient's e-mail as Open Badges hashes it: `sha256$` of the
/// address followed by a random salt, so the credential does not publish
/// the address but anyone who knows it can check it.
fn hashed_email(email: &str) -> EmailIdentity {
    let mut salt = [0u8; 12];
    rand::rng().fill_bytes(&mut salt);
    let salt = URL_SAFE_NO_PAD.encode(salt);
    let mut hasher = Sha256::new();
    hasher.update(email.as_bytes());
    hasher.update(salt.as_bytes());
    EmailIdentity {
        hashed: true,
        identity_hash: format!("sha256${}", hex::encode(hasher.finalize())),
        identity_type: "emailAddress",
        salt,
        kind: "IdentityObject",
    }
}
