//! When a job's delivery is done: the job has finished and none of its
//! e-mails waits any more (each was sent, finally failed, or cancelled).
//! Checked where either side of that can change: as a job finishes, and
//! as the sender records what it sent.

use crate::db::{Backend, Conn};
use crate::error::CoreResult;
use model::JobStatus;

/// Stamps `delivery_completed_at` on those of `job_ids` that are done,
/// once, in the caller's transaction.
pub(crate) async fn settle(tx: &mut Conn, job_ids: &[&str], now: i64) -> CoreResult<()> {
    if job_ids.is_empty() {
        return Ok(());
    }
    let backend = Backend::of_conn(tx);
    let finished: Vec<&str> = JobStatus::ALL.iter().filter(|s| s.is_finished()).map(|s| s.as_str()).collect();
    let sql = format!(
        "UPDATE jobs SET delivery_completed_at = $1
         WHERE {} AND {} AND delivery_completed_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.job_id = jobs.id AND o.status = 'queued')",
        backend.in_json_strings("id", "$2"),
        backend.in_json_strings("status", "$3"),
    );
    sqlx::query(&sql)
        .bind(now)
        .bind(serde_json::to_string(job_ids).map_err(anyhow::Error::from)?)
        .bind(serde_json::to_string(&finished).map_err(anyhow::Error::from)?)
        .execute(&mut *tx)
        .await?;
    Ok(())
}
