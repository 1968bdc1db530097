//! Scheduled jobs: submitted with a start time, a job waits as `scheduled`
//! until then, can be moved or cancelled meanwhile, and starts by itself:
//! the scheduler turns due jobs `pending` on each pass. Everything is in the
//! database, so a restart in between changes nothing.

use super::JobStatus;
use super::read::{Job, get, refused};
use crate::audit::{self, Actor, AuditAction, Entry};
use crate::db::Db;
use crate::error::{CoreError, CoreResult};
use crate::orgs::organizations;

/// How far ahead a job may be scheduled.
pub const MAX_AHEAD_SECS: i64 = 366 * 86_400;

/// A start time must be later than now and within [`MAX_AHEAD_SECS`].
pub fn check(at: i64, now: i64) -> CoreResult<i64> {
    if at <= now {
        return Err(CoreError::field(
            "scheduled_for",
            format!("{} has passed; give a later time, or submit without one to start now", crate::clock::rfc3339(at)),
        ));
    }
    if at > now + MAX_AHEAD_SECS {
        return Err(CoreError::field("scheduled_for", "must be within a year"));
    }
    Ok(at)
}

/// Turns the jobs whose time has come `pending`, for the scheduler to run;
/// returns how many. Asked with a read first, as it runs on every pass.
pub async fn start_due(db: &Db, now: i64) -> CoreResult<u64> {
    let due: Option<i64> = sqlx::query_scalar("SELECT 1 FROM jobs WHERE status = $1 AND scheduled_for <= $2 LIMIT 1")
        .bind(JobStatus::Scheduled)
        .bind(now)
        .fetch_optional(db)
        .await?;
    if due.is_none() {
        return Ok(0);
    }
    let mut tx = crate::db::begin(db).await?;
    let started = sqlx::query("UPDATE jobs SET status = $1 WHERE status = $2 AND scheduled_for <= $3")
        .bind(JobStatus::Pending)
        .bind(JobStatus::Scheduled)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    tx.commit().await?;
    Ok(started)
}

/// Moves a scheduled job's start; one that started already is a 409.
pub async fn reschedule(
    db: &Db,
    org_id: &str,
    job_id: &str,
    at: i64,
    actor: Option<&str>,
    now: i64,
) -> CoreResult<Job> {
    let at = check(at, now)?;
    let mut tx = crate::db::begin(db).await?;
    organizations::lock(&mut tx, org_id).await?;
    let done = sqlx::query("UPDATE jobs SET scheduled_for = $1 WHERE id = $2 AND org_id = $3 AND status = $4")
        .bind(at)
        .bind(job_id)
        .bind(org_id)
        .bind(JobStatus::Scheduled)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        drop(tx);
        return Err(refused(db, org_id, job_id, "a scheduled job that has not started can be moved").await);
    }
    let summary = format!("Bulk job {job_id} rescheduled for {}", crate::clock::rfc3339(at));
    let entry = Entry::new(Actor::user(actor), AuditAction::JobRescheduled, Some(job_id), summary)
        .with(serde_json::json!({"scheduled_for": crate::clock::rfc3339(at)}));
    audit::record(&mut *tx, org_id, entry).await?;
    tx.commit().await?;
    get(db, org_id, job_id).await
}
