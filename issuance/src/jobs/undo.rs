//! Undoing a job: every credential it issued that is still active is
//! revoked, with a reason, by a revocation job of its own ([`super::revoke`])
//! whose items are the undone job's issued rows, under the same row
//! numbers. The undo keeps the undone job's source, so it is listed, and
//! followed, where that job is.

use super::JobStatus;
use super::read::{Job, get_in};
use super::revoke::{self, NewRevocation, Origin};
use crate::audit::{self, AuditAction, Entry};
use crate::db::Db;
use crate::error::{CoreError, CoreResult};
use crate::orgs::organizations;

/// What undoing `job_id` would revoke now: its issued credentials that are
/// still active. The confirmation shows this count.
pub async fn revocable(db: &Db, org_id: &str, job_id: &str) -> CoreResult<i64> {
    let mut conn = db.acquire().await?;
    let job = get_in(&mut conn, org_id, job_id).await?;
    count_revocable(&mut conn, &job.id).await
}

async fn count_revocable(conn: &mut crate::db::Conn, job_id: &str) -> CoreResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM job_items i JOIN credentials c ON c.id = i.credential_id
         WHERE i.job_id = $1 AND i.state = 'succeeded' AND c.status = 'active'",
    )
    .bind(job_id)
    .fetch_one(&mut *conn)
    .await?)
}

/// Starts undoing `job_id`: a pending undo job with one item per credential
/// to revoke, telling each recipient by e-mail if `notify_recipients`. Refused while the job still issues, for an undo, twice for
/// one job (the first undo's id is named), and when nothing is left to
/// revoke.
pub async fn start(
    db: &Db,
    org_id: &str,
    job_id: &str,
    reason: Option<&str>,
    notify_recipients: bool,
    origin: &Origin<'_>,
    now: i64,
) -> CoreResult<Job> {
    let reason = revoke::check_reason(reason)?;
    let mut tx = crate::db::begin(db).await?;
    organizations::lock(&mut tx, org_id).await?;
    let job = get_in(&mut tx, org_id, job_id).await?;
    if job.revokes() {
        return Err(CoreError::conflict(format!("Job {job_id} revokes credentials; it cannot be undone.")));
    }
    if let Some(undo) = &job.undone_by_job_id {
        return Err(CoreError::conflict(format!("Job {job_id} is already undone by job {undo}.")));
    }
    if !job.status.is_finished() && job.status != JobStatus::Delivering {
        return Err(CoreError::conflict(format!(
            "Job {job_id} is still {}; cancel it or wait for it to finish, then undo it.",
            job.status.as_str()
        )));
    }
    let total = count_revocable(&mut tx, &job.id).await?;
    if total == 0 {
        return Err(CoreError::Unprocessable(format!(
            "Job {job_id} has no active credential left to revoke: nothing to undo."
        )));
    }
    let new = NewRevocation {
        org_id,
        badge_id: job.badge_id.as_deref(),
        source: job.source,
        total,
        undoes_job_id: Some(&job.id),
        reason,
        notify_recipients,
    };
    let undo_id = revoke::insert_job(&mut tx, &new, origin, now).await?;
    sqlx::query(
        "INSERT INTO job_items (job_id, idx, line, name, email, classification, state, credential_id,
                                status_list_id, status_list_index)
         SELECT $1, i.idx, i.line, i.name, i.email, i.classification, 'pending', i.credential_id,
                i.status_list_id, i.status_list_index
         FROM job_items i JOIN credentials c ON c.id = i.credential_id
         WHERE i.job_id = $2 AND i.state = 'succeeded' AND c.status = 'active'",
    )
    .bind(&undo_id)
    .bind(&job.id)
    .execute(&mut *tx)
    .await?;
    let summary = format!("Undo of job {job_id} started: {total} credentials to revoke");
    let entry = Entry::new(origin.actor(), AuditAction::JobUndoStarted, Some(&undo_id), summary)
        .with(serde_json::json!({"undoes_job_id": job.id, "credentials": total, "reason": reason,
                                 "notify_recipients": notify_recipients}));
    audit::record(&mut *tx, org_id, entry).await?;
    let undo = get_in(&mut tx, org_id, &undo_id).await?;
    tx.commit().await?;
    super::engine::wake();
    Ok(undo)
}
