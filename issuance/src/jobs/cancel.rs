//! Stopping a job.

use super::read::{Job, get};
use crate::audit::{self, Actor, AuditAction, Entry};
use crate::clock;
use crate::db::Db;
use crate::error::{CoreError, CoreResult};
use crate::orgs::organizations;

/// Stops a job: rows not yet issued are cancelled; what was issued stays.
/// A batch being signed at this moment is thrown away by its worker (the
/// lease check in [`super::record`] fails).
pub async fn cancel(db: &Db, org_id: &str, job_id: &str, actor: Option<&str>) -> CoreResult<Job> {
    let now = clock::now();
    let mut tx = crate::db::begin(db).await?;
    organizations::lock(&mut tx, org_id).await?;
    let done = sqlx::query(
        "UPDATE jobs SET status = 'cancelled', completed_at = $1, cancelled_by = $2
         WHERE id = $3 AND org_id = $4 AND status IN ('scheduled', 'pending', 'processing', 'paused')",
    )
    .bind(now)
    .bind(actor)
    .bind(job_id)
    .bind(org_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        drop(tx);
        let job = get(db, org_id, job_id).await?;
        if job.status == super::JobStatus::Delivering {
            return Err(CoreError::conflict(
                "This job's credentials are issued and their e-mails are going out; it cannot be cancelled. \
                 Revoke a credential to stop its e-mail.",
            ));
        }
        return Err(CoreError::conflict(format!(
            "This job is {} already; only a running job can be cancelled.",
            job.status.as_str()
        )));
    }
    let cancelled = sqlx::query(
        "UPDATE job_items SET state = 'cancelled', lease_owner = NULL, lease_until = NULL, finished_at = $1
         WHERE job_id = $2 AND state = 'pending'",
    )
    .bind(now)
    .bind(job_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let summary = format!("Bulk job {job_id} cancelled; {cancelled} rows were not issued");
    let entry = Entry::new(Actor::user(actor), AuditAction::JobCancelled, Some(job_id), summary)
        .with(serde_json::json!({"not_issued": cancelled}));
    audit::record(&mut *tx, org_id, entry).await?;
    crate::outbox::delivery::settle(&mut tx, &[job_id], now).await?;
    tx.commit().await?;
    super::engine::wake();
    get(db, org_id, job_id).await
}
