//! Uploads made on the bulk-issue page: kept as drafts so the review has an
//! address (reloadable, pageable, works without JavaScript), until
//! submitting starts their job ([`crate::jobs::submit`]).

use serde::{Deserialize, Serialize};

use super::FileError;
use super::classify::DuplicatePolicy;
use super::review::{self, Review};
use crate::db::Db;
use crate::error::{CoreError, CoreResult};
use crate::{clock, ids};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Upload {
    pub id: String,
    pub org_id: String,
    /// The badge of rows that name none; `None` when the file names each
    /// row's (a `badge` column).
    pub badge_id: Option<String>,
    pub filename: Option<String>,
    pub status: String,
    pub created_at: i64,
    pub submitted_at: Option<i64>,
    /// The job issuing it, once submitted.
    pub job_id: Option<String>,
    /// Chosen on the review, before Submit.
    pub duplicate_policy: DuplicatePolicy,
}

pub async fn create(
    db: &Db,
    org_id: &str,
    badge_id: Option<&str>,
    filename: Option<&str>,
    content: &[u8],
    actor: &str,
) -> CoreResult<String> {
    if let Some(badge_id) = badge_id {
        crate::badges::get(db, org_id, badge_id).await.map_err(|e| match e {
            CoreError::NotFound => CoreError::field("badge_id", "pick a badge of this organisation"),
            other => other,
        })?;
    }
    let id = ids::new_id("upl");
    sqlx::query(
        "INSERT INTO bulk_uploads (id, org_id, badge_id, filename, content, status, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, 'draft', $6, $7)",
    )
    .bind(&id)
    .bind(org_id)
    .bind(badge_id)
    .bind(filename)
    .bind(content)
    .bind(actor)
    .bind(clock::now())
    .execute(db)
    .await?;
    Ok(id)
}

pub async fn get(db: &Db, org_id: &str, id: &str) -> CoreResult<(Upload, Vec<u8>)> {
    let upload: Upload = sqlx::query_as(
        "SELECT id, org_id, badge_id, filename, status, created_at, submitted_at, duplicate_policy,
                (SELECT j.id FROM jobs j WHERE j.upload_id = bulk_uploads.id) AS job_id
         FROM bulk_uploads WHERE id = $1 AND org_id = $2",
    )
    .bind(id)
    .bind(org_id)
    .fetch_optional(db)
    .await?
    .ok_or(CoreError::NotFound)?;
    let content: Vec<u8> =
        sqlx::query_scalar("SELECT content FROM bulk_uploads WHERE id = $1").bind(id).fetch_one(db).await?;
    Ok((upload, content))
}

/// The upload's review as of `now`.
pub async fn review(db: &Db, org_id: &str, id: &str, now: i64) -> CoreResult<(Upload, Result<Review, FileError>)> {
    let (upload, content) = get(db, org_id, id).await?;
    let review = review::review(
        db,
        org_id,
        upload.badge_id.as_deref(),
        &content,
        upload.filename.as_deref(),
        upload.duplicate_policy,
        now,
    )
    .await?;
    Ok((upload, review))
}

/// Chooses what a draft does for recipients who hold the badge already.
/// A submitted upload keeps what it was submitted with (409).
pub async fn set_duplicate_policy(db: &Db, org_id: &str, id: &str, policy: DuplicatePolicy) -> CoreResult<()> {
    let done =
        sqlx::query("UPDATE bulk_uploads SET duplicate_policy = $1 WHERE id = $2 AND org_id = $3 AND status = 'draft'")
            .bind(policy)
            .bind(id)
            .bind(org_id)
            .execute(db)
            .await?;
    if done.rows_affected() == 1 {
        return Ok(());
    }
    get(db, org_id, id).await?;
    Err(CoreError::conflict("This upload has been submitted already; its choices are final."))
}

/// Marks a draft submitted in the submitting transaction; `false` when it
/// was submitted already (by another request a moment earlier, say).
pub(crate) async fn mark_submitted(
    tx: &mut crate::db::Conn,
    org_id: &str,
    id: &str,
    actor: &str,
    totals_json: &str,
    now: i64,
) -> CoreResult<bool> {
    let done = sqlx::query(
        "UPDATE bulk_uploads SET status = 'submitted', submitted_by = $1, submitted_at = $2, totals_json = $3
         WHERE id = $4 AND org_id = $5 AND status = 'draft'",
    )
    .bind(actor)
    .bind(now)
    .bind(totals_json)
    .bind(id)
    .bind(org_id)
    .execute(&mut *tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
