//! Sending again what did not arrive: one failed or bounced e-mail, or all
//! of a job's. The message keeps its id (and so its Message-ID and
//! unsubscribe link); its attempts start over. A job whose e-mails are
//! resent keeps its status, but its delivery is open again until they are
//! out (`delivery_completed_at` is cleared and stamped anew).

use crate::audit::{self, Actor, AuditAction, Entry};
use crate::db::Db;
use crate::error::{CoreError, CoreResult};

/// Statuses a message can be resent from.
const RESENDABLE: &str = "('failed', 'bounced')";

/// Puts one failed or bounced message back in the queue, to go now.
pub async fn one(db: &Db, org_id: &str, id: &str, actor: Option<&str>, now: i64) -> CoreResult<()> {
    let mut tx = crate::db::begin(db).await?;
    let done: Option<(String, Option<String>)> = sqlx::query_as(&format!(
        "UPDATE outbox SET status = 'queued', attempts = 0, next_attempt_at = $1, lease_until = NULL, bounced_at = NULL
         WHERE id = $2 AND org_id = $3 AND status IN {RESENDABLE}
         RETURNING to_email, job_id"
    ))
    .bind(now)
    .bind(id)
    .bind(org_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((to, job_id)) = done else {
        drop(tx);
        let status: Option<String> = sqlx::query_scalar("SELECT status FROM outbox WHERE id = $1 AND org_id = $2")
            .bind(id)
            .bind(org_id)
            .fetch_optional(db)
            .await?;
        return Err(match status {
            Some(s) => {
                CoreError::conflict(format!("This message is {s}; only a failed or bounced message can be resent."))
            }
            None => CoreError::NotFound,
        });
    };
    reopen(&mut tx, job_id.as_deref()).await?;
    let entry = Entry::new(Actor::user(actor), AuditAction::EmailResent, Some(id), format!("E-mail to {to} resent"))
        .with(serde_json::json!({"message_ids": [id], "job_id": job_id}));
    audit::record(&mut *tx, org_id, entry).await?;
    tx.commit().await?;
    Ok(())
}

/// Puts every failed or bounced message of the org's job back in the
/// queue. Returns how many; another org's job is `NotFound`.
pub async fn job(db: &Db, org_id: &str, job_id: &str, actor: Option<&str>, now: i64) -> CoreResult<u64> {
    let mut tx = crate::db::begin(db).await?;
    let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM jobs WHERE id = $1 AND org_id = $2")
        .bind(job_id)
        .bind(org_id)
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_none() {
        return Err(CoreError::NotFound);
    }
    let n = sqlx::query(&format!(
        "UPDATE outbox SET status = 'queued', attempts = 0, next_attempt_at = $1, lease_until = NULL, bounced_at = NULL
         WHERE job_id = $2 AND org_id = $3 AND status IN {RESENDABLE}"
    ))
    .bind(now)
    .bind(job_id)
    .bind(org_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(CoreError::conflict("No e-mail of this job failed or bounced: there is nothing to resend."));
    }
    reopen(&mut tx, Some(job_id)).await?;
    let entry = Entry::new(
        Actor::user(actor),
        AuditAction::EmailResent,
        Some(job_id),
        format!("{n} failed or bounced e-mails of job {job_id} resent"),
    )
    .with(serde_json::json!({"job_id": job_id, "count": n}));
    audit::record(&mut *tx, org_id, entry).await?;
    tx.commit().await?;
    Ok(n)
}

async fn reopen(tx: &mut crate::db::Conn, job_id: Option<&str>) -> CoreResult<()> {
    if let Some(job_id) = job_id {
        sqlx::query("UPDATE jobs SET delivery_completed_at = NULL WHERE id = $1")
            .bind(job_id)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}
