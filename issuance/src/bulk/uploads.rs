//! Uploads made on the bulk-issue page: kept as drafts so the review has an
//! address (reloadable, pageable, works without JavaScript), then
//! submitted.

use serde::{Deserialize, Serialize};

use super::FileError;
use super::review::{self, Review};
use crate::db::Db;
use crate::error::{CoreError, CoreResult};
use crate::jobs::{self, NewJob, Source};
use crate::{activity, clock, ids};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Upload {
    pub id: String,
    pub org_id: String,
    pub badge_id: String,
    pub filename: Option<String>,
    pub status: String,
    pub created_at: i64,
    pub submitted_at: Option<i64>,
    /// The job issuing it, once submitted.
    pub job_id: Option<String>,
}

pub async fn create(
    db: &Db,
    org_id: &str,
    badge_id: &str,
    filename: Option<&str>,
    content: &[u8],
    actor: &str,
) -> CoreResult<String> {
    crate::badges::get(db, org_id, badge_id).await.map_err(|e| match e {
        CoreError::NotFound => CoreError::field("badge_id", "pick a badge of this organisation"),
        other => other,
    })?;
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
        "SELECT id, org_id, badge_id, filename, status, created_at, submitted_at,
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
    let review = review::review(db, org_id, &upload.badge_id, &content, upload.filename.as_deref(), now).await?;
    Ok((upload, review))
}

/// A submitted upload and the job issuing it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submitted {
    pub job_id: String,
    pub review: Review,
}

/// Submits a draft after checking it once more (the plan must allow bulk
/// issuance and at least one row must be issuable) and creates its job,
/// in one transaction: the upload is submitted with its job or not at all.
pub async fn submit(db: &Db, org_id: &str, id: &str, actor: &str, now: i64) -> CoreResult<Submitted> {
    let (upload, review) = review(db, org_id, id, now).await?;
    let review = review.map_err(|e| CoreError::Unprocessable(e.message))?;
    if upload.status != "draft" {
        return Err(CoreError::conflict("This upload has been submitted already."));
    }
    check_submittable(&review)?;
    let totals = serde_json::to_string(&review.totals).map_err(anyhow::Error::from)?;
    let mut tx = db.begin().await?;
    let done = sqlx::query(
        "UPDATE bulk_uploads SET status = 'submitted', submitted_by = $1, submitted_at = $2, totals_json = $3
         WHERE id = $4 AND org_id = $5 AND status = 'draft'",
    )
    .bind(actor)
    .bind(now)
    .bind(totals)
    .bind(id)
    .bind(org_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(CoreError::conflict("This upload has been submitted already."));
    }
    let new = NewJob {
        org_id,
        upload_id: Some(id),
        filename: upload.filename.as_deref(),
        source: Source::Dashboard,
        created_by: Some(actor),
        api_key_id: None,
    };
    let job_id = start_job(tx, &new, &review, now).await?;
    Ok(Submitted { job_id, review })
}

/// Validates a CSV and creates its job at once, for `POST /v1/bulk-issue`:
/// the same rules as the page (plan, quota, at least one issuable row).
/// The outer error is the request's; the inner one the file's.
#[allow(clippy::too_many_arguments)]
pub async fn submit_file(
    db: &Db,
    org_id: &str,
    badge_id: &str,
    filename: Option<&str>,
    content: &[u8],
    api_key_id: Option<&str>,
    actor: Option<&str>,
    now: i64,
) -> CoreResult<Result<Submitted, FileError>> {
    let review = match review::review(db, org_id, badge_id, content, filename, now).await? {
        Ok(r) => r,
        Err(e) => return Ok(Err(e)),
    };
    check_submittable(&review)?;
    let new = NewJob { org_id, upload_id: None, filename, source: Source::Api, created_by: actor, api_key_id };
    let job_id = start_job(db.begin().await?, &new, &review, now).await?;
    Ok(Ok(Submitted { job_id, review }))
}

/// Refuses a review that may not be submitted: 403 when the plan does not
/// allow bulk issuance, 422 when the file has nothing to issue.
fn check_submittable(review: &Review) -> CoreResult<()> {
    match review.submit_blocker() {
        None => Ok(()),
        Some(why) if review.plan_allows_submit => Err(CoreError::Unprocessable(why)),
        Some(why) => Err(CoreError::Forbidden(why)),
    }
}

/// Creates the job in `tx` with what else the caller wrote there, notes it
/// in the org's activity, commits, and wakes this process's scheduler.
async fn start_job(
    mut tx: sqlx::Transaction<'_, sqlx::Sqlite>,
    new: &NewJob<'_>,
    review: &Review,
    now: i64,
) -> CoreResult<String> {
    let job_id = jobs::create(&mut tx, new, review, now).await?;
    let via = if new.source == Source::Api { " over the API" } else { "" };
    activity::record(
        &mut *tx,
        new.org_id,
        new.created_by,
        "bulk.submitted",
        &format!(
            "Bulk job {job_id}: {} recipients for “{}” submitted{via} ({} to issue)",
            review.totals.rows, review.badge_name, review.totals.issuable
        ),
    )
    .await?;
    tx.commit().await?;
    jobs::engine::wake();
    Ok(job_id)
}
