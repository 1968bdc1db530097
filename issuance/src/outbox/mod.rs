//! E-mail to recipients and invitees. Issuing a credential queues a message
//! in the same transaction ([`crate::jobs::record`]), so no credential goes
//! without its e-mail and no e-mail announces a credential that was rolled
//! back; inviting someone queues theirs likewise
//! ([`crate::orgs::invitations`]). The [`sender`] delivers them over SMTP
//! when one is configured; otherwise they wait here and the admin Outbox
//! page shows them (never their bodies: an invitation's link is a secret).
//!
//! - [`message`]: subject and bodies, rendered when sent, in the org's
//!   [`template`] (edited through [`settings`]).
//! - [`sender`]: the delivery loop, retries with backoff; [`pace`] per
//!   recipient domain.
//! - [`delivery`]: a job's delivery phase, until its e-mails are out.
//! - [`bounce`]: returned e-mails, from the relay's DSNs.
//! - [`resend`]: failed or bounced e-mails put back in the queue.
//! - [`unsubscribe`]: the one-click unsubscribe link.

pub mod bounce;
mod compose;
pub mod delivery;
pub mod message;
pub mod pace;
pub mod resend;
pub mod sender;
pub mod settings;
pub mod template;
pub mod unsubscribe;

pub use model::{MailKind, MailStatus, OutboxEntry};
use serde::{Deserialize, Serialize};

use crate::db::{Backend, Db, Explain};
use crate::error::CoreResult;

const SELECT_ENTRY: &str =
    "SELECT o.id, o.kind, o.credential_id, o.job_id, o.to_email, o.to_name, b.name AS badge_name,
        o.status, o.attempts, o.next_attempt_at, o.last_error, o.sent_at, o.created_at
     FROM outbox o
     LEFT JOIN credentials c ON c.id = o.credential_id
     LEFT JOIN badges b ON b.id = c.badge_id";

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Counts {
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
    pub cancelled: i64,
    pub bounced: i64,
}

impl Counts {
    pub fn of(&self, status: MailStatus) -> i64 {
        match status {
            MailStatus::Queued => self.queued,
            MailStatus::Sent => self.sent,
            MailStatus::Failed => self.failed,
            MailStatus::Cancelled => self.cancelled,
            MailStatus::Bounced => self.bounced,
        }
    }

    pub fn of_mut(&mut self, status: MailStatus) -> &mut i64 {
        match status {
            MailStatus::Queued => &mut self.queued,
            MailStatus::Sent => &mut self.sent,
            MailStatus::Failed => &mut self.failed,
            MailStatus::Cancelled => &mut self.cancelled,
            MailStatus::Bounced => &mut self.bounced,
        }
    }

    pub fn total(&self) -> i64 {
        self.queued + self.sent + self.failed + self.cancelled + self.bounced
    }
}

/// Found through the credentials' index: SQLite's planner is kept off
/// `(org_id, status)`, which walks every queued message of the org (a
/// revocation took 0.4 s in an org of a million waiting e-mails).
pub(crate) fn cancel_for_credentials_sql(backend: Backend) -> String {
    format!(
        "UPDATE outbox SET status = 'cancelled', lease_until = NULL,
                last_error = 'Not sent: the credential was revoked first.'
         WHERE {} AND {} = $1 AND {} = 'queued'
         RETURNING job_id",
        backend.in_json_strings("credential_id", "$2"),
        backend.unindexed("org_id"),
        backend.unindexed("status"),
    )
}

/// A message about a credential, to queue.
pub(crate) struct AboutCredential<'a> {
    pub credential_id: &'a str,
    pub to_email: &'a str,
    pub to_name: &'a str,
}

/// Rows per INSERT of outbox messages: 4 parameters each.
const MESSAGES_PER_INSERT: usize = 4_000;

/// Queues `kind` messages about credentials of `job_id`, in the caller's
/// transaction (the one that issues or revokes them). An address that
/// unsubscribed from the org is recorded as not sent: the credential
/// stands or falls, the e-mail about it does not go.
pub(crate) async fn queue_about_credentials<'a>(
    tx: &mut crate::db::Conn,
    org_id: &'a str,
    job_id: &'a str,
    kind: MailKind,
    messages: &'a [AboutCredential<'a>],
    now: i64,
) -> CoreResult<()> {
    // What the rows share is bound once; each row binds only its own four
    // values, in a `VALUES` list read as `column1, …` (as jobs/record.rs).
    for chunk in messages.chunks(MESSAGES_PER_INSERT) {
        let mut q = crate::db::Builder::on(
            Backend::of_conn(tx),
            "INSERT INTO outbox (id, org_id, kind, credential_id, job_id, to_email, to_name, status,
                                 last_error, next_attempt_at, created_at)
             SELECT column1, ",
        );
        let suppressed = |q: &mut crate::db::Builder<'a>| {
            q.push("EXISTS (SELECT 1 FROM email_suppressions s WHERE s.org_id = ")
                .push_bind(org_id)
                .push(" AND s.email = LOWER(column3))");
        };
        q.push_bind(org_id)
            .push(", ")
            .push_bind(kind)
            .push(", column2, ")
            .push_bind(job_id)
            .push(", column3, column4, CASE WHEN ");
        suppressed(&mut q);
        q.push(" THEN 'cancelled' ELSE 'queued' END, CASE WHEN ");
        suppressed(&mut q);
        q.push(" THEN ").push_bind(unsubscribe::NOT_SENT).push(" END, ").push_bind(now).push(", ").push_bind(now);
        q.push(" FROM (");
        q.push_values(chunk, |mut b, m| {
            b.push_bind(crate::ids::new_id("msg"))
                .push_bind(m.credential_id)
                .push_bind(m.to_email)
                .push_bind(m.to_name);
        });
        q.push(") AS v");
        q.build().execute(&mut *tx).await?;
    }
    Ok(())
}

/// Cancels the e-mails still waiting for `credential_ids`, in the
/// transaction that revokes them: a recipient must never be told about a
/// credential that no longer stands. A delivering job whose last waiting
/// e-mails these were is completed. Returns how many were cancelled.
pub async fn cancel_for_credentials(
    tx: &mut crate::db::Conn,
    org_id: &str,
    credential_ids: &[&str],
) -> CoreResult<u64> {
    if credential_ids.is_empty() {
        return Ok(0);
    }
    let ids = serde_json::to_string(credential_ids).map_err(anyhow::Error::from)?;
    let sql = cancel_for_credentials_sql(Backend::of_conn(tx));
    let jobs: Vec<Option<String>> = sqlx::query_scalar(&sql).bind(org_id).bind(ids).fetch_all(&mut *tx).await?;
    let cancelled = jobs.len() as u64;
    delivery::settle_cancelled(tx, jobs, crate::clock::now()).await?;
    Ok(cancelled)
}

/// Queues the invitation e-mail for `invitation_id`, in the inviting
/// transaction. Its body, link included, is made when it is sent.
pub async fn queue_invitation(
    tx: &mut crate::db::Conn,
    org_id: &str,
    invitation_id: &str,
    to_email: &str,
    now: i64,
) -> CoreResult<()> {
    sqlx::query(
        "INSERT INTO outbox (id, org_id, kind, invitation_id, to_email, to_name, status, next_attempt_at, created_at)
         VALUES ($1, $2, 'invitation', $3, $4, '', 'queued', $5, $5)",
    )
    .bind(crate::ids::new_id("msg"))
    .bind(org_id)
    .bind(invitation_id)
    .bind(to_email)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The org's messages, newest first, optionally of one status.
pub async fn list(
    db: &Db,
    org_id: &str,
    status: Option<MailStatus>,
    limit: i64,
    before: Option<&str>,
) -> CoreResult<Vec<OutboxEntry>> {
    Ok(listing(Explain::No, org_id, status, limit, before).build_query_as().fetch_all(db).await?)
}

/// The outbox list query: the index `(org_id[, status], id)` read newest
/// first from the cursor.
pub(crate) fn listing<'a>(
    explain: Explain,
    org_id: &'a str,
    status: Option<MailStatus>,
    limit: i64,
    before: Option<&'a str>,
) -> crate::db::Builder<'a> {
    let mut q = crate::db::Builder::new(format!("{explain}{SELECT_ENTRY} WHERE o.org_id = "));
    q.push_bind(org_id);
    if let Some(status) = status {
        q.push(" AND o.status = ").push_bind(status);
    }
    if let Some(before) = before {
        q.push(" AND o.id < ").push_bind(before);
    }
    q.push(" ORDER BY o.id DESC LIMIT ").push_bind(limit.clamp(1, 200));
    q
}

/// How one job's messages stand: counted, as a job is bounded (the org's
/// totals are kept as they change, see [`crate::tallies::outbox`]).
pub async fn counts_for_job<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Any>,
    org_id: &str,
    job_id: &str,
) -> CoreResult<Counts> {
    Ok(sqlx::query_as(
        "SELECT COUNT(*) FILTER (WHERE status = 'queued') AS queued,
                COUNT(*) FILTER (WHERE status = 'sent') AS sent,
                COUNT(*) FILTER (WHERE status = 'failed') AS failed,
                COUNT(*) FILTER (WHERE status = 'cancelled') AS cancelled,
                COUNT(*) FILTER (WHERE status = 'bounced') AS bounced
         FROM outbox WHERE job_id = $1 AND org_id = $2",
    )
    .bind(job_id)
    .bind(org_id)
    .fetch_one(db)
    .await?)
}

/// The messages sent about one credential, newest first.
pub async fn for_credential(db: &Db, org_id: &str, credential_id: &str) -> CoreResult<Vec<OutboxEntry>> {
    Ok(credential_listing(Explain::No, org_id, credential_id).build_query_as().fetch_all(db).await?)
}

/// Through the index `(credential_id, id)`: walking the org's messages in
/// id order for one credential's made its page grow with the org.
pub(crate) fn credential_listing<'a>(
    explain: Explain,
    org_id: &'a str,
    credential_id: &'a str,
) -> crate::db::Builder<'a> {
    let mut q = crate::db::Builder::new(format!("{explain}{SELECT_ENTRY} WHERE o.credential_id = "));
    q.push_bind(credential_id).push(" AND o.org_id = ").push_bind(org_id).push(" ORDER BY o.id DESC");
    q
}

/// The id of the org's message `id` when it belongs to `job_id`;
/// otherwise `NotFound`.
pub async fn job_message(db: &Db, org_id: &str, job_id: &str, id: &str) -> CoreResult<String> {
    sqlx::query_scalar("SELECT id FROM outbox WHERE id = $1 AND org_id = $2 AND job_id = $3")
        .bind(id)
        .bind(org_id)
        .bind(job_id)
        .fetch_optional(db)
        .await?
        .ok_or(crate::error::CoreError::NotFound)
}
