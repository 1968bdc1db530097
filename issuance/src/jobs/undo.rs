//! Undoing a job: every credential it issued that is still active is
//! revoked, with a reason, by a job of its own. The undo is durable as any
//! job is: its items are the undone job's issued rows (same row numbers),
//! leased in batches, and each batch revokes its credentials and marks its
//! items in one transaction that checks the lease, so a worker killed
//! mid-undo leaves nothing half-done and the next one revokes each
//! credential exactly once.
//!
//! Status lists are derived from the credentials when they are served
//! (`status_list::lists::bitstring`), so a batch changes each list it
//! touches once, atomically, and there is nothing to republish.

use super::JobStatus;
use super::lease::Batch;
use super::read::{Job, get_in};
use super::record::{Recorded, advance, push_in};
use crate::audit::{self, Actor, AuditAction, Entry};
use crate::db::{Backend, Builder, Db};
use crate::error::{CoreError, CoreResult};
use crate::orgs::organizations;
use crate::{clock, ids};

/// The longest reason accepted, as for revoking one credential.
pub const MAX_REASON: usize = 500;

/// Who asks for the undo, for the job's record. The undo keeps the undone
/// job's source, so it is listed, and followed, where that job is.
pub struct UndoOrigin<'a> {
    pub created_by: Option<&'a str>,
    pub api_key_id: Option<&'a str>,
}

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
/// to revoke. Refused while the job still issues, for an undo, twice for
/// one job (the first undo's id is named), and when nothing is left to
/// revoke.
pub async fn start(
    db: &Db,
    org_id: &str,
    job_id: &str,
    reason: Option<&str>,
    origin: &UndoOrigin<'_>,
    now: i64,
) -> CoreResult<Job> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if reason.is_some_and(|r| r.chars().count() > MAX_REASON) {
        return Err(CoreError::field("reason", format!("must be at most {MAX_REASON} characters")));
    }
    let mut tx = crate::db::begin(db).await?;
    organizations::lock(&mut tx, org_id).await?;
    let job = get_in(&mut tx, org_id, job_id).await?;
    if job.is_undo() {
        return Err(CoreError::conflict(format!("Job {job_id} is an undo; an undo cannot be undone.")));
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
    let undo_id = ids::new_id("job");
    sqlx::query(
        "INSERT INTO jobs (id, org_id, badge_id, source, status, total, created_by, api_key_id, created_at,
                           undoes_job_id, undo_reason)
         VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $8, $9, $10)",
    )
    .bind(&undo_id)
    .bind(org_id)
    .bind(&job.badge_id)
    .bind(job.source)
    .bind(total)
    .bind(origin.created_by)
    .bind(origin.api_key_id)
    .bind(now)
    .bind(&job.id)
    .bind(reason)
    .execute(&mut *tx)
    .await?;
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
    let actor = Actor { user_id: origin.created_by, api_key_id: origin.api_key_id };
    let summary = format!("Undo of job {job_id} started: {total} credentials to revoke");
    let entry = Entry::new(actor, AuditAction::JobUndoStarted, Some(&undo_id), summary)
        .with(serde_json::json!({"undoes_job_id": job.id, "credentials": total, "reason": reason}));
    audit::record(&mut *tx, org_id, entry).await?;
    let undo = get_in(&mut tx, org_id, &undo_id).await?;
    tx.commit().await?;
    super::engine::wake();
    Ok(undo)
}

/// The workers' step for an undo: revokes a leased batch's credentials and
/// marks its items in one transaction. An item whose credential was revoked
/// meanwhile (by hand, say) is skipped with that said.
pub async fn revoke_batch(db: &Db, batch: &Batch) -> CoreResult<Recorded> {
    let now = clock::now();
    let mut tx = crate::db::begin(db).await?;
    organizations::lock(&mut tx, &batch.org_id).await?;
    let status: JobStatus =
        sqlx::query_scalar("SELECT status FROM jobs WHERE id = $1").bind(&batch.job_id).fetch_one(&mut *tx).await?;
    if status != JobStatus::Processing {
        return Ok(Recorded { lease_lost: true, ..Recorded::default() });
    }
    let ids: Vec<&str> = batch.items.iter().map(|i| i.credential_id.as_str()).collect();
    let backend = Backend::of_conn(&tx);

    // Which of the batch's items are still this worker's: all, or the
    // lease was lost and nothing may be written.
    let mut owned = Builder::on(backend, "SELECT COUNT(*) FROM job_items WHERE job_id = ");
    owned.push_bind(&batch.job_id).push(" AND state = 'pending' AND lease_owner = ").push_bind(&batch.lease_token);
    push_in(&mut owned, " AND idx", batch.items.iter().map(|i| i.idx));
    let owned: i64 = owned.build_query_scalar().fetch_one(&mut *tx).await?;
    if owned != batch.items.len() as i64 {
        return Ok(Recorded { lease_lost: true, ..Recorded::default() });
    }

    let undone = batch.undo.as_ref().ok_or_else(|| anyhow::anyhow!("job {} is not an undo", batch.job_id))?;
    let reason = undone.reason.clone().unwrap_or_else(|| format!("Job {} was undone", undone.job_id));
    let mut revoke = Builder::on(backend, "UPDATE credentials SET status = 'revoked', revoked_at = ");
    revoke
        .push_bind(now)
        .push(", revocation_reason = ")
        .push_bind(&reason)
        .push(", updated_at = ")
        .push_bind(now)
        .push(" WHERE org_id = ")
        .push_bind(&batch.org_id)
        .push(" AND status = 'active'");
    push_in(&mut revoke, " AND id", ids.iter().copied());
    revoke.push(" RETURNING id");
    let revoked: Vec<String> = revoke.build_query_scalar().fetch_all(&mut *tx).await?;
    let revoked_set: std::collections::HashSet<&str> = revoked.iter().map(String::as_str).collect();

    let (done, skipped): (Vec<_>, Vec<_>) =
        batch.items.iter().partition(|i| revoked_set.contains(i.credential_id.as_str()));
    for (items, state, message) in [
        (&done, "succeeded", None),
        (&skipped, "skipped", Some("The credential was already revoked; nothing to undo.")),
    ] {
        if items.is_empty() {
            continue;
        }
        let mut q = Builder::on(backend, "UPDATE job_items SET state = ");
        q.push_bind(state)
            .push(", error_message = ")
            .push_bind(message)
            .push(", lease_owner = NULL, lease_until = NULL, finished_at = ")
            .push_bind(now)
            .push(" WHERE job_id = ")
            .push_bind(&batch.job_id);
        push_in(&mut q, " AND idx", items.iter().map(|i| i.idx));
        q.build().execute(&mut *tx).await?;
    }

    crate::outbox::cancel_for_credentials(&mut tx, &batch.org_id, &ids).await?;
    for id in &revoked {
        let data = serde_json::json!({"credential_id": id, "reason": reason, "revoked_at": clock::rfc3339(now),
                                     "job_id": batch.job_id});
        crate::webhooks::emit(&mut tx, &batch.org_id, crate::webhooks::EventType::CredentialRevoked, data, now).await?;
    }
    let recorded = Recorded { succeeded: done.len(), skipped: skipped.len(), ..Recorded::default() };
    let finished_job = advance(&mut tx, &batch.job_id, &recorded, now, false).await?;
    tx.commit().await?;
    Ok(Recorded { finished_job, ..recorded })
}
