//! A pilot: a job submitted with "pilot first N" issues and e-mails its
//! first N issuable rows (workers lease only rows below `jobs.pilot_until`),
//! sends the submitter a copy of the first e-mail, and waits as `paused`
//! until a person releases the rest or cancels the job. A template mistake
//! then reaches a handful of people, not ten thousand.

use super::JobStatus;
use super::read::{Job, get, refused};
use crate::audit::{self, Actor, AuditAction, Entry};
use crate::db::Db;
use crate::error::CoreResult;
use crate::ids;
use crate::orgs::organizations;

/// Pauses a processing job whose pilot rows are all done, in the caller's
/// transaction (which holds the org's lock); returns whether it paused.
pub(crate) async fn pause(tx: &mut crate::db::Conn, job_id: &str, now: i64) -> CoreResult<bool> {
    let paused: Option<(String, Option<String>, Option<i64>)> = sqlx::query_as(
        "UPDATE jobs SET status = $1, paused_at = $2 WHERE id = $3 AND status = $4
         RETURNING org_id, created_by, pilot_size",
    )
    .bind(JobStatus::Paused)
    .bind(now)
    .bind(job_id)
    .bind(JobStatus::Processing)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((org_id, submitter, size)) = paused else { return Ok(false) };
    copy_to_submitter(tx, &org_id, job_id, submitter.as_deref(), now).await?;
    let summary = format!("Bulk job {job_id} paused after its pilot of {}", size.unwrap_or_default());
    let entry = Entry::new(Actor::system(), AuditAction::JobPaused, Some(job_id), summary)
        .with(serde_json::json!({"pilot_size": size}));
    audit::record(&mut *tx, &org_id, entry).await?;
    Ok(true)
}

/// Queues the e-mail of the job's first issued credential once more, to the
/// member who submitted it: what recipients received, seen first-hand. A
/// job submitted over the API has no member to send it to. The copy is not
/// the job's (its counts are the recipients').
async fn copy_to_submitter(
    tx: &mut crate::db::Conn,
    org_id: &str,
    job_id: &str,
    submitter: Option<&str>,
    now: i64,
) -> CoreResult<()> {
    let Some(user_id) = submitter else { return Ok(()) };
    let first: Option<(String, String, String)> = sqlx::query_as(
        "SELECT c.id, u.email, u.display_name FROM job_items i JOIN credentials c ON c.id = i.credential_id
         JOIN users u ON u.id = $2
         WHERE i.job_id = $1 AND i.state = 'succeeded' ORDER BY i.idx LIMIT 1",
    )
    .bind(job_id)
    .bind(user_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((credential_id, email, name)) = first else { return Ok(()) };
    sqlx::query(
        "INSERT INTO outbox (id, org_id, kind, credential_id, to_email, to_name, status, next_attempt_at, created_at)
         VALUES ($1, $2, 'credential_issued', $3, $4, $5, 'queued', $6, $6)",
    )
    .bind(ids::new_id("msg"))
    .bind(org_id)
    .bind(credential_id)
    .bind(email)
    .bind(name)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Releases a paused job: the rows past its pilot are issued as any job's.
pub async fn release(db: &Db, org_id: &str, job_id: &str, actor: Option<&str>) -> CoreResult<Job> {
    let mut tx = crate::db::begin(db).await?;
    organizations::lock(&mut tx, org_id).await?;
    let done =
        sqlx::query("UPDATE jobs SET status = $1, pilot_until = NULL WHERE id = $2 AND org_id = $3 AND status = $4")
            .bind(JobStatus::Processing)
            .bind(job_id)
            .bind(org_id)
            .bind(JobStatus::Paused)
            .execute(&mut *tx)
            .await?;
    if done.rows_affected() == 0 {
        drop(tx);
        return Err(refused(db, org_id, job_id, "a job paused after its pilot can be released").await);
    }
    let summary = format!("Bulk job {job_id} released after its pilot");
    audit::record(&mut *tx, org_id, Entry::new(Actor::user(actor), AuditAction::JobReleased, Some(job_id), summary))
        .await?;
    tx.commit().await?;
    super::engine::wake();
    get(db, org_id, job_id).await
}
