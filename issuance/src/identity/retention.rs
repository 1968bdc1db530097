//! Document images are kept for the org's retention period (default 90
//! days, `organizations.identity_retention_days`), then deleted; the
//! verification results, and what the documents said, stay. Each deletion
//! is an audit event.

use super::documents::Document;
use super::storage::Files;
use crate::audit::{self, Actor, AuditAction, Entry};
use crate::db::Db;
use crate::error::CoreResult;

/// Documents looked at per sweep.
const BATCH: i64 = 200;

/// Deletes the images of documents older than their org's retention
/// period; returns how many documents it cleared.
pub async fn sweep(db: &Db, files: &Files, now: i64) -> CoreResult<usize> {
    let due: Vec<Document> = sqlx::query_as(
        "SELECT d.* FROM identity_documents d JOIN organizations o ON o.id = d.org_id
         WHERE d.images_deleted_at IS NULL AND d.created_at < $1 - o.identity_retention_days * 86400
         ORDER BY d.created_at LIMIT $2",
    )
    .bind(now)
    .bind(BATCH)
    .fetch_all(db)
    .await?;
    for doc in &due {
        for side in doc.sides() {
            files.delete(&doc.file_key(side)).await?;
        }
        let mut tx = crate::db::begin(db).await?;
        sqlx::query("UPDATE identity_documents SET images_deleted_at = $1 WHERE id = $2 AND images_deleted_at IS NULL")
            .bind(now)
            .bind(&doc.id)
            .execute(&mut *tx)
            .await?;
        let entry = Entry::new(
            Actor::system(),
            AuditAction::IdentityImagesDeleted,
            Some(&doc.id),
            format!("The images of document {} were deleted: its retention period ended", doc.id),
        )
        .with(serde_json::json!({"document_id": doc.id, "session_id": doc.session_id}));
        audit::record(&mut *tx, &doc.org_id, entry).await?;
        tx.commit().await?;
    }
    Ok(due.len())
}
