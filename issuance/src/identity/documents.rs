//! Documents: a government ID (`document/idv`: passport, driving licence or
//! national ID card, with its country) or a proof of address
//! (`document/address`). Created first, then each side's image is `PUT` to
//! a short-lived signed link ([`super::upload_link`]) and kept, encrypted,
//! in the [`super::storage`].

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{page, sessions, storage::Files};
use crate::db::Db;
use crate::error::{CoreError, CoreResult, FieldError};
use model::{DocumentKind, DocumentSide, IdClass, SessionStatus};

/// The largest image (or PDF) a side may be.
pub const MAX_UPLOAD: usize = 15 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Document {
    pub id: String,
    pub org_id: String,
    pub session_id: Option<String>,
    pub kind: DocumentKind,
    pub id_class: Option<IdClass>,
    pub country_code: Option<String>,
    pub mrz: Option<String>,
    pub document_number: Option<String>,
    pub front_type: Option<String>,
    pub front_sha256: Option<String>,
    pub back_type: Option<String>,
    pub back_sha256: Option<String>,
    pub created_at: i64,
    pub images_deleted_at: Option<i64>,
}

impl Document {
    /// The sides this document takes images of.
    pub fn sides(&self) -> Vec<DocumentSide> {
        match (self.kind, self.id_class) {
            (DocumentKind::Idv, Some(class)) if class.has_back() => vec![DocumentSide::Front, DocumentSide::Back],
            _ => vec![DocumentSide::Front],
        }
    }

    pub fn content_type(&self, side: DocumentSide) -> Option<&str> {
        match side {
            DocumentSide::Front => self.front_type.as_deref(),
            DocumentSide::Back => self.back_type.as_deref(),
        }
    }

    /// Where a side's file is kept.
    pub fn file_key(&self, side: DocumentSide) -> String {
        format!("{}/{side}", self.id)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewDocument {
    pub kind: Option<DocumentKind>,
    pub id_class: Option<IdClass>,
    pub country_code: Option<String>,
    pub mrz: Option<String>,
    pub session_id: Option<String>,
}

pub async fn create(db: &Db, org_id: &str, new: NewDocument, now: i64) -> CoreResult<Document> {
    let mut errors = Vec::new();
    match (new.kind, new.id_class) {
        (None, _) => errors.push(FieldError::new("type", "is required: document/idv or document/address")),
        (Some(DocumentKind::Idv), None) => {
            errors.push(FieldError::new("id_class", "is required for document/idv: pp, dl or id"));
        }
        (Some(DocumentKind::Address), Some(_)) => {
            errors.push(FieldError::new("id_class", "is for government IDs (document/idv) only"));
        }
        _ => {}
    }
    if new.kind == Some(DocumentKind::Idv) {
        match &new.country_code {
            None => errors.push(FieldError::new("country_code", "is required for document/idv")),
            Some(c) if c.len() != 2 || !c.chars().all(|ch| ch.is_ascii_uppercase()) => {
                errors.push(FieldError::new(
                    "country_code",
                    format!("expected two capital letters (ISO 3166-1), got “{c}”"),
                ));
            }
            Some(_) => {}
        }
    }
    if new.mrz.as_ref().is_some_and(|m| m.len() > 200) {
        errors.push(FieldError::new("mrz", "is longer than any machine-readable zone (3 lines of 30, or 2 of 44)"));
    }
    if !errors.is_empty() {
        return Err(CoreError::Validation(errors));
    }
    if let Some(session_id) = &new.session_id {
        let session = match sessions::get(db, org_id, session_id).await {
            Err(CoreError::NotFound) => {
                return Err(CoreError::field("relationships/session", format!("no session {session_id} here")));
            }
            other => other?,
        };
        if session.status != SessionStatus::Created {
            return Err(CoreError::field(
                "relationships/session",
                format!("session {session_id} is {}; documents join a session while it collects", session.status),
            ));
        }
    }
    let id = crate::ids::new_id("doc");
    sqlx::query(
        "INSERT INTO identity_documents (id, org_id, session_id, kind, id_class, country_code, mrz, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(org_id)
    .bind(&new.session_id)
    .bind(new.kind)
    .bind(new.id_class)
    .bind(&new.country_code)
    .bind(new.mrz.as_deref().map(str::trim))
    .bind(now)
    .execute(db)
    .await?;
    get(db, org_id, &id).await
}

pub async fn get(db: &Db, org_id: &str, id: &str) -> CoreResult<Document> {
    sqlx::query_as("SELECT * FROM identity_documents WHERE id = $1 AND org_id = $2")
        .bind(id)
        .bind(org_id)
        .fetch_optional(db)
        .await?
        .ok_or(CoreError::NotFound)
}

/// Any org's document: for the upload link, whose signature names it.
pub async fn get_any(db: &Db, id: &str) -> CoreResult<Document> {
    sqlx::query_as("SELECT * FROM identity_documents WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or(CoreError::NotFound)
}

pub async fn list(db: &Db, org_id: &str, session_id: Option<&str>, page: &page::Page) -> CoreResult<Vec<Document>> {
    let mut q = crate::db::Builder::new("SELECT * FROM identity_documents WHERE org_id = ");
    q.push_bind(org_id);
    if let Some(s) = session_id {
        q.push(" AND session_id = ").push_bind(s);
    }
    page.push(&mut q);
    Ok(q.build_query_as().fetch_all(db).await?)
}

/// The media types a side may be: images for IDs; images or a PDF for a
/// proof of address.
fn accepted(kind: DocumentKind) -> &'static [&'static str] {
    match kind {
        DocumentKind::Idv => &["image/jpeg", "image/png", "image/webp"],
        DocumentKind::Address => &["image/jpeg", "image/png", "image/webp", "application/pdf"],
    }
}

/// Keeps a side's image, replacing an earlier upload of that side.
pub async fn upload(
    db: &Db,
    files: &Files,
    doc: &Document,
    side: DocumentSide,
    content_type: &str,
    bytes: &[u8],
) -> CoreResult<Document> {
    if !doc.sides().contains(&side) {
        return Err(CoreError::field("side", format!("a {} has no {side} to upload", describe(doc))));
    }
    let content_type = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if !accepted(doc.kind).contains(&content_type.as_str()) {
        return Err(CoreError::field(
            "Content-Type",
            format!("{content_type} is not accepted here; send {}", accepted(doc.kind).join(", ")),
        ));
    }
    if bytes.is_empty() {
        return Err(CoreError::field("body", "is empty"));
    }
    if bytes.len() > MAX_UPLOAD {
        return Err(CoreError::field("body", format!("is {} bytes; at most {MAX_UPLOAD}", bytes.len())));
    }
    if doc.images_deleted_at.is_some() {
        return Err(CoreError::conflict("This document's images were deleted under the retention rule."));
    }
    // A decided session's images are what it was decided on.
    if let Some(session_id) = &doc.session_id {
        let session = sessions::get(db, &doc.org_id, session_id).await?;
        if session.status.is_decided() {
            return Err(CoreError::conflict(format!(
                "Session {session_id} is {}; its documents' images are kept as they were checked.",
                session.status
            )));
        }
    }
    files.put(&doc.file_key(side), bytes).await?;
    let hash = hex::encode(Sha256::digest(bytes));
    let sql = match side {
        DocumentSide::Front => "UPDATE identity_documents SET front_type = $1, front_sha256 = $2 WHERE id = $3",
        DocumentSide::Back => "UPDATE identity_documents SET back_type = $1, back_sha256 = $2 WHERE id = $3",
    };
    sqlx::query(sql).bind(&content_type).bind(hash).bind(&doc.id).execute(db).await?;
    get(db, &doc.org_id, &doc.id).await
}

fn describe(doc: &Document) -> &'static str {
    match (doc.kind, doc.id_class) {
        (DocumentKind::Idv, Some(class)) => class.label(),
        _ => "proof of address",
    }
}
