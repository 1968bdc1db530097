//! A job's delivery phase: from its last issued row until none of its
//! e-mails waits any more (each was sent, finally failed, or cancelled).
//! While it lasts the job is `delivering`; then it is `completed`, and
//! only then do its audit streams hear `credential.batch_completed`, so a
//! "completed" job means its recipients have their e-mail.
//!
//! Checked wherever a waiting e-mail can stop waiting: as the sender
//! records what it sent, as credentials are revoked or their recipient
//! unsubscribes (their e-mails are cancelled), and as a job finishes or is
//! cancelled; and by an idle sender's sweep ([`settle_idle`]).

use crate::db::{Backend, Conn, Db};
use crate::error::CoreResult;
use model::JobStatus;

/// Whether any e-mail of `job_id` still waits to be sent.
pub(crate) async fn has_waiting(tx: &mut Conn, job_id: &str) -> CoreResult<bool> {
    let one: Option<i64> = sqlx::query_scalar("SELECT 1 FROM outbox WHERE job_id = $1 AND status = 'queued' LIMIT 1")
        .bind(job_id)
        .fetch_optional(&mut *tx)
        .await?;
    Ok(one.is_some())
}

/// Completes those of `job_ids` that are delivering and have no e-mail
/// left waiting (announcing each), and stamps `delivery_completed_at` on
/// finished ones whose e-mails are all out, once, in the caller's
/// transaction.
pub(crate) async fn settle(tx: &mut Conn, job_ids: &[&str], now: i64) -> CoreResult<()> {
    if job_ids.is_empty() {
        return Ok(());
    }
    let backend = Backend::of_conn(tx);
    let ids = serde_json::to_string(job_ids).map_err(anyhow::Error::from)?;
    let delivered: Vec<String> = sqlx::query_scalar(&format!(
        "UPDATE jobs SET status = $1, completed_at = $2, delivery_completed_at = $2
         WHERE {} AND status = $4
           AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.job_id = jobs.id AND o.status = 'queued')
         RETURNING id",
        backend.in_json_strings("id", "$3"),
    ))
    .bind(JobStatus::Completed)
    .bind(now)
    .bind(&ids)
    .bind(JobStatus::Delivering)
    .fetch_all(&mut *tx)
    .await?;
    for job_id in &delivered {
        crate::jobs::lease::announce_finished(tx, job_id, now).await?;
    }

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
        .bind(&ids)
        .bind(serde_json::to_string(&finished).map_err(anyhow::Error::from)?)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// [`settle`] for the jobs of e-mails just cancelled, as their
/// `RETURNING job_id` gave them (one per e-mail, some without a job).
pub(crate) async fn settle_cancelled(tx: &mut Conn, job_ids: Vec<Option<String>>, now: i64) -> CoreResult<()> {
    let mut jobs: Vec<String> = job_ids.into_iter().flatten().collect();
    jobs.sort_unstable();
    jobs.dedup();
    let jobs: Vec<&str> = jobs.iter().map(String::as_str).collect();
    settle(tx, &jobs, now).await
}

/// Completes every delivering job at once, for workers started without
/// an SMTP server: nothing would ever send their e-mails, which wait in the
/// outbox for one (pages say so). Every worker of one database is
/// expected to share the SMTP setting. Returns how many it completed.
pub async fn complete_without_email(db: &Db, now: i64) -> CoreResult<usize> {
    let mut tx = crate::db::begin(db).await?;
    let ids: Vec<String> =
        sqlx::query_scalar("UPDATE jobs SET status = $1, completed_at = $2 WHERE status = $3 RETURNING id")
            .bind(JobStatus::Completed)
            .bind(now)
            .bind(JobStatus::Delivering)
            .fetch_all(&mut *tx)
            .await?;
    for job_id in &ids {
        crate::jobs::lease::announce_finished(&mut tx, job_id, now).await?;
    }
    tx.commit().await?;
    Ok(ids.len())
}

/// Completes delivering jobs none of whose e-mails wait, for a sender with
/// nothing to send. The transactions above settle a job as its last
/// e-mail is recorded; on PostgreSQL a job whose last row and last e-mail
/// were recorded at the same moment by two processes can slip between
/// them (each saw the other's work unfinished), and this finds it.
pub(crate) async fn settle_idle(db: &Db, now: i64) -> CoreResult<()> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM jobs j WHERE status = $1
           AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.job_id = j.id AND o.status = 'queued')
         LIMIT 100",
    )
    .bind(JobStatus::Delivering)
    .fetch_all(db)
    .await?;
    if ids.is_empty() {
        return Ok(());
    }
    let mut tx = crate::db::begin(db).await?;
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    settle(&mut tx, &refs, now).await?;
    tx.commit().await?;
    Ok(())
}
