//! Revocation jobs ([`model::JobKind::Revoke`]): an undo of another job
//! ([`super::undo`]) or the credentials a person selected
//! ([`super::revoke_selected`]), revoked by a job of its own, durable as any
//! job is. Its items name the credentials; workers lease them in batches,
//! and each batch revokes its credentials and marks its items in one
//! transaction that checks the lease, so a worker killed mid-way leaves
//! nothing half-done and the next one revokes each credential exactly once.
//!
//! Status lists are derived from the credentials when they are served
//! (`status_list::lists::bitstring`), so a batch changes each list it
//! touches once, atomically, and there is nothing to republish.

use model::{JobKind, JobSource};

use super::JobStatus;
use super::lease::Batch;
use super::record::{Recorded, advance, push_in};
use crate::audit::Actor;
use crate::db::{Backend, Builder, Db};
use crate::error::{CoreError, CoreResult};
use crate::orgs::organizations;
use crate::outbox::{AboutCredential, MailKind};
use crate::{clock, ids};

/// The longest reason accepted, as for revoking one credential.
pub const MAX_REASON: usize = 500;

/// Who asks for the revocation, for the job's record.
pub struct Origin<'a> {
    pub created_by: Option<&'a str>,
    pub api_key_id: Option<&'a str>,
}

impl Origin<'_> {
    pub(crate) fn actor(&self) -> Actor<'_> {
        Actor { user_id: self.created_by, api_key_id: self.api_key_id }
    }
}

/// The reason, trimmed (empty is none), or why it is refused.
pub(crate) fn check_reason(reason: Option<&str>) -> CoreResult<Option<&str>> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if reason.is_some_and(|r| r.chars().count() > MAX_REASON) {
        return Err(CoreError::field("reason", format!("must be at most {MAX_REASON} characters")));
    }
    Ok(reason)
}

pub(crate) struct NewRevocation<'a> {
    pub org_id: &'a str,
    pub badge_id: Option<&'a str>,
    pub source: JobSource,
    pub total: i64,
    pub undoes_job_id: Option<&'a str>,
    pub reason: Option<&'a str>,
    /// E-mail each recipient that their credential was revoked.
    pub notify_recipients: bool,
}

/// Writes the pending job in the caller's transaction; returns its id.
/// The caller adds its items.
pub(crate) async fn insert_job(
    tx: &mut crate::db::Conn,
    new: &NewRevocation<'_>,
    origin: &Origin<'_>,
    now: i64,
) -> CoreResult<String> {
    let id = ids::new_id("job");
    sqlx::query(
        "INSERT INTO jobs (id, org_id, badge_id, source, kind, status, total, created_by, api_key_id, created_at,
                           undoes_job_id, undo_reason, notify_recipients)
         VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&id)
    .bind(new.org_id)
    .bind(new.badge_id)
    .bind(new.source)
    .bind(JobKind::Revoke)
    .bind(new.total)
    .bind(origin.created_by)
    .bind(origin.api_key_id)
    .bind(now)
    .bind(new.undoes_job_id)
    .bind(new.reason)
    .bind(i64::from(new.notify_recipients))
    .execute(&mut *tx)
    .await?;
    Ok(id)
}

/// A credential a batch revoked, with whom to tell.
#[derive(sqlx::FromRow)]
struct Revoked {
    id: String,
    recipient_email: Option<String>,
    recipient_name: Option<String>,
    badge_id: Option<String>,
}

/// Queues a revocation notice to each badge recipient of `revoked`, in the
/// revoking transaction, so a notice goes out exactly when its credential
/// is revoked.
async fn queue_notices(tx: &mut crate::db::Conn, batch: &Batch, revoked: &[Revoked], now: i64) -> CoreResult<()> {
    let messages: Vec<AboutCredential<'_>> = revoked
        .iter()
        .filter(|r| r.badge_id.is_some())
        .filter_map(|r| {
            Some(AboutCredential {
                credential_id: &r.id,
                to_email: r.recipient_email.as_deref()?,
                to_name: r.recipient_name.as_deref().unwrap_or_default(),
            })
        })
        .collect();
    let kind = MailKind::CredentialRevoked;
    crate::outbox::queue_about_credentials(tx, &batch.org_id, &batch.job_id, kind, &messages, now).await
}

/// The workers' step for a revocation job: revokes a leased batch's credentials and
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

    let revoking = batch.revocation.as_ref().ok_or_else(|| anyhow::anyhow!("job {} does not revoke", batch.job_id))?;
    // An undo says so by default; a selection has only the reason given.
    let reason =
        revoking.reason.clone().or_else(|| revoking.undoes_job_id.as_ref().map(|j| format!("Job {j} was undone")));
    let mut revoke = Builder::on(backend, "UPDATE credentials SET status = 'revoked', revoked_at = ");
    revoke
        .push_bind(now)
        .push(", revocation_reason = ")
        .push_bind(reason.clone())
        .push(", updated_at = ")
        .push_bind(now)
        .push(" WHERE org_id = ")
        .push_bind(&batch.org_id)
        .push(" AND status = 'active'");
    push_in(&mut revoke, " AND id", ids.iter().copied());
    revoke.push(" RETURNING id, recipient_email, recipient_name, badge_id");
    let revoked_rows: Vec<Revoked> = revoke.build_query_as().fetch_all(&mut *tx).await?;
    let revoked_set: std::collections::HashSet<&str> = revoked_rows.iter().map(|r| r.id.as_str()).collect();

    let (done, skipped): (Vec<_>, Vec<_>) =
        batch.items.iter().partition(|i| revoked_set.contains(i.credential_id.as_str()));
    for (items, state, message) in [
        (&done, "succeeded", None),
        (&skipped, "skipped", Some("The credential was revoked already; it was left as it was.")),
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
    if revoking.notify_recipients {
        queue_notices(&mut tx, batch, &revoked_rows, now).await?;
    }
    let events: Vec<serde_json::Value> = revoked_rows
        .iter()
        .map(|r| {
            serde_json::json!({"credential_id": r.id, "reason": reason, "revoked_at": clock::rfc3339(now),
                               "job_id": batch.job_id})
        })
        .collect();
    crate::webhooks::emit_each(&mut tx, &batch.org_id, crate::webhooks::EventType::CredentialRevoked, &events, now)
        .await?;
    let recorded = Recorded { succeeded: done.len(), skipped: skipped.len(), ..Recorded::default() };
    let finished_job = advance(&mut tx, &batch.job_id, &recorded, now, false).await?;
    tx.commit().await?;
    Ok(Recorded { finished_job, ..recorded })
}
