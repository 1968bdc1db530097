//! Submitting a reviewed CSV starts its job: from the dashboard (a draft
//! upload, [`submit`]) or the API (a file sent whole, [`submit_file`]).
//! Both check the review once more (the plan must allow bulk issuance and
//! at least one row must be issuable), then create the job in one
//! transaction with what else they record, and wake the scheduler.

use serde::{Deserialize, Serialize};

use super::{NewJob, Source};
use crate::audit::{self, Actor, AuditAction, Entry};
use crate::bulk::{DuplicatePolicy, FileError, Review, review, uploads};
use crate::db::Db;
use crate::error::{CoreError, CoreResult};

/// How a job is to run, as chosen at submit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Issue only this many rows first, then wait to be released.
    pub pilot: Option<u32>,
    /// Start then (Unix seconds), not now.
    pub scheduled_for: Option<i64>,
}

/// A submitted file and the job issuing it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submitted {
    pub job_id: String,
    pub review: Review,
}

/// Submits a draft after checking it once more (the plan must allow bulk
/// issuance and at least one row must be issuable) and creates its job,
/// in one transaction: the upload is submitted with its job or not at all.
/// `options` may make it a pilot or schedule it.
pub async fn submit(db: &Db, org_id: &str, id: &str, actor: &str, options: Options, now: i64) -> CoreResult<Submitted> {
    let scheduled_for = options.scheduled_for.map(|at| super::schedule::check(at, now)).transpose()?;
    let (upload, review) = uploads::review(db, org_id, id, now).await?;
    let review = review.map_err(|e| CoreError::Unprocessable(e.message))?;
    if upload.status != "draft" {
        return Err(CoreError::conflict("This upload has been submitted already."));
    }
    check_submittable(&review)?;
    let totals = serde_json::to_string(&review.totals).map_err(anyhow::Error::from)?;
    let mut tx = crate::db::begin(db).await?;
    if !uploads::mark_submitted(&mut tx, org_id, id, actor, &totals, now).await? {
        return Err(CoreError::conflict("This upload has been submitted already."));
    }
    let new = NewJob {
        org_id,
        upload_id: Some(id),
        filename: upload.filename.as_deref(),
        source: Source::Dashboard,
        created_by: Some(actor),
        api_key_id: None,
        pilot: options.pilot,
        scheduled_for,
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
    badge_id: Option<&str>,
    filename: Option<&str>,
    content: &[u8],
    policy: DuplicatePolicy,
    options: Options,
    api_key_id: Option<&str>,
    actor: Option<&str>,
    now: i64,
) -> CoreResult<Result<Submitted, FileError>> {
    let review = match review::review(db, org_id, badge_id, content, filename, policy, now).await? {
        Ok(r) => r,
        Err(e) => return Ok(Err(e)),
    };
    check_submittable(&review)?;
    let scheduled_for = options.scheduled_for.map(|at| super::schedule::check(at, now)).transpose()?;
    let new = NewJob {
        org_id,
        upload_id: None,
        filename,
        source: Source::Api,
        created_by: actor,
        api_key_id,
        pilot: options.pilot,
        scheduled_for,
    };
    let job_id = start_job(crate::db::begin(db).await?, &new, &review, now).await?;
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
async fn start_job(mut tx: crate::db::Tx<'_>, new: &NewJob<'_>, review: &Review, now: i64) -> CoreResult<String> {
    let job_id = super::create(&mut tx, new, review, now).await?;
    let via = if new.source == Source::Api { " over the API" } else { "" };
    // One badge by its name; several ("3 badges") as counted.
    let badge = match review.badge_id {
        Some(_) => format!("“{}”", review.badge_name),
        None => review.badge_name.clone(),
    };
    let summary = format!(
        "Bulk job {job_id}: {} recipients for {badge} submitted{via} ({} to issue)",
        review.totals.rows, review.totals.issuable
    );
    let actor = Actor { user_id: new.created_by, api_key_id: new.api_key_id };
    let badge_ids: Vec<&str> = review.badges.iter().map(|g| g.badge_id.as_str()).collect();
    let data = serde_json::json!({
        "total": review.totals.rows, "to_issue": review.totals.issuable, "badge_id": review.badge_id,
        "badge_ids": badge_ids, "source": new.source,
    });
    audit::record(&mut *tx, new.org_id, Entry::new(actor, AuditAction::JobCreated, Some(&job_id), summary).with(data))
        .await?;
    tx.commit().await?;
    super::engine::wake();
    Ok(job_id)
}
