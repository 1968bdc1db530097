//! Each Identity resource as JSON:API shows it.

use issuance::clock::rfc3339;
use issuance::identity::accounts::Account;
use issuance::identity::documents::Document;
use issuance::identity::sessions::Session;
use issuance::identity::verifications::Verification;
use model::DocumentKind;
use serde_json::{Value, json};

/// The JSON:API `type`s of the resources that have one name; a document's
/// is its [`DocumentKind`].
pub const ACCOUNT: &str = "account";
pub const SESSION: &str = "session";
pub const VERIFICATION: &str = "verification/idv";
/// What `POST /v1/sessions/{id}/issue-credential` answers.
pub const CREDENTIAL: &str = "credential";

pub fn account(a: &Account) -> Value {
    json!({
        "type": ACCOUNT,
        "id": a.id,
        "attributes": {
            "external_id": a.external_id,
            "reference": a.reference,
            "tags": a.tags(),
            "status": a.status,
            "created_at": rfc3339(a.created_at),
            "updated_at": rfc3339(a.updated_at),
        },
        "links": {"self": format!("/v1/accounts/{}", a.id)},
    })
}

/// A session: what was entered, at the top of `attributes` as the
/// reference API has it, and what documents said under `extracted`, each
/// value with its source. `documents` are its documents' ids and kinds.
pub fn session(s: &Session, documents: &[(String, DocumentKind)]) -> Value {
    let mut attributes = serde_json::to_value(&s.entered).unwrap_or_else(|_| json!({}));
    let a = attributes.as_object_mut().expect("attributes are an object");
    for field in [
        "name_first",
        "name_middle",
        "name_last",
        "birthdate",
        "address_street_1",
        "address_street_2",
        "address_city",
        "address_subdivision",
        "address_postal_code",
        "country_code",
        "email_address",
        "phone_number",
    ] {
        a.entry(field).or_insert(Value::Null);
    }
    a.insert("status".into(), json!(s.status));
    a.insert("extracted".into(), json!(s.extracted));
    a.insert("decision_note".into(), json!(s.decision_note));
    a.insert("created_at".into(), json!(rfc3339(s.created_at)));
    a.insert("submitted_at".into(), json!(s.submitted_at.map(rfc3339)));
    a.insert("decided_at".into(), json!(s.decided_at.map(rfc3339)));
    json!({
        "type": SESSION,
        "id": s.id,
        "attributes": attributes,
        "relationships": {
            "account": {"data": {"type": ACCOUNT, "id": s.account_id}},
            // A proof of address joins a session too: each linkage names
            // its own kind, as the document itself does under `included`.
            "documents": {"data": documents.iter().map(|(id, kind)| json!({"type": kind, "id": id})).collect::<Vec<_>>()},
        },
        "links": {"self": format!("/v1/sessions/{}", s.id)},
    })
}

pub fn document(d: &Document) -> Value {
    let side = |t: &Option<String>, h: &Option<String>| match (t, h) {
        (Some(t), Some(h)) => json!({"content_type": t, "sha256": h}),
        _ => Value::Null,
    };
    json!({
        "type": d.kind,
        "id": d.id,
        "attributes": {
            "id_class": d.id_class,
            "country_code": d.country_code,
            "mrz": d.mrz,
            "document_number": d.document_number,
            "front": side(&d.front_type, &d.front_sha256),
            "back": side(&d.back_type, &d.back_sha256),
            "images_deleted_at": d.images_deleted_at.map(rfc3339),
            "created_at": rfc3339(d.created_at),
        },
        "relationships": {
            "session": {"data": d.session_id.as_ref().map(|s| json!({"type": SESSION, "id": s}))},
        },
        "links": {"self": format!("/v1/documents/{}", d.id)},
    })
}

pub fn verification(v: &Verification) -> Value {
    json!({
        "type": VERIFICATION,
        "id": v.id,
        "attributes": {
            "status": v.status,
            "checks": v.checks,
            "extracted": v.extracted,
            "created_at": rfc3339(v.created_at),
            "completed_at": v.completed_at.map(rfc3339),
        },
        "relationships": {"document": {"data": {"type": DocumentKind::Idv, "id": v.document_id}}},
        "links": {"self": format!("/v1/verifications/{}", v.id)},
    })
}

/// A credential as a resource: `attributes` are what `GET /v1/credentials/{id}`
/// answers (`rest::credentials::credential_json`).
pub fn credential(id: &str, attributes: Value) -> Value {
    json!({
        "type": CREDENTIAL,
        "id": id,
        "attributes": attributes,
        "links": {"self": format!("/v1/credentials/{id}")},
    })
}
