//! Recording a signed batch: one transaction that, for every row, revokes
//! or supersedes what the recipient held, stores the new credential,
//! counts the recipient against the quota, queues the e-mail and marks the
//! row done, then advances the job's counts. Either all of it commits or
//! none does, and the rows' lease is checked inside it, so a row is issued
//! exactly once even when a worker dies or a job is cancelled mid-batch.

use std::collections::HashMap;

use crate::outbox::{AboutCredential, MailKind};
use crate::quota;

use super::lease::{Batch, finish_if_done};
use super::sign::Signed;
use super::{JobStatus, codes};
use crate::bulk::Treatment;
use crate::bulk::classify::{self, decisive};
use crate::db::{Backend, Builder, Db};
use crate::error::CoreResult;
use crate::orgs::organizations;
use crate::{clock, did};

/// What became of a batch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Recorded {
    pub succeeded: usize,
    pub failed: usize,
    pub skipped: usize,
    /// The batch finished the job.
    pub finished_job: bool,
    /// The rows were no longer this worker's (the job was cancelled, or the
    /// lease expired and another worker took them): nothing was written.
    pub lease_lost: bool,
}

/// One row's outcome, decided inside the transaction.
enum Outcome<'a> {
    Issue { signed: &'a Signed, supersede: Option<(String, bool)> },
    Fail { idx: i64, code: &'static str, message: String },
    Skip { idx: i64, message: String },
}

pub async fn record(
    db: &Db,
    batch: &Batch,
    signed: &[Result<Signed, (i64, String)>],
    public_url: &str,
) -> CoreResult<Recorded> {
    let now = clock::now();
    let mut tx = crate::db::begin(db).await?;
    organizations::lock(&mut tx, &batch.org_id).await?;

    let status: String =
        sqlx::query_scalar("SELECT status FROM jobs WHERE id = $1").bind(&batch.job_id).fetch_one(&mut *tx).await?;
    if status != JobStatus::Processing.as_str() {
        return Ok(Recorded { lease_lost: true, ..Recorded::default() });
    }

    let outcomes = decide(&mut tx, batch, signed, now).await?;
    let issued: Vec<(&Signed, &Option<(String, bool)>)> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Issue { signed, supersede } => Some((*signed, supersede)),
            _ => None,
        })
        .collect();

    // The rows are marked first: the update only touches rows still
    // pending and leased to this worker, so a short count means the lease
    // was lost (it expired and another worker took the rows, or the job was
    // cancelled) and nothing of this batch may be written.
    let mut taken = 0;
    if !issued.is_empty() {
        let mut done = Builder::on(
            Backend::of_conn(&tx),
            "UPDATE job_items SET state = 'succeeded', lease_owner = NULL, lease_until = NULL, finished_at = ",
        );
        done.push_bind(now).push(" WHERE job_id = ").push_bind(&batch.job_id);
        done.push(" AND lease_owner = ").push_bind(&batch.lease_token).push(" AND state = 'pending'");
        push_in(&mut done, " AND idx", issued.iter().map(|(s, _)| s.idx));
        taken += done.build().execute(&mut *tx).await?.rows_affected();
    }
    let unissued: Vec<(i64, &str, Option<&str>, &str)> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Fail { idx, code, message } => Some((*idx, "failed", Some(*code), message.as_str())),
            Outcome::Skip { idx, message } => Some((*idx, "skipped", None, message.as_str())),
            Outcome::Issue { .. } => None,
        })
        .collect();
    if !unissued.is_empty() {
        let mut q = Builder::on(Backend::of_conn(&tx), "WITH v (idx, state, code, message) AS (");
        q.push_values(&unissued, |mut b, (idx, state, code, message)| {
            b.push_bind(*idx).push_bind(*state).push_bind(*code).push_bind(*message);
        });
        // A join (UPDATE … FROM), not a lookup in `v` per row: PostgreSQL
        // then reads each row once by its key, whatever its statistics say.
        q.push(
            ") UPDATE job_items SET state = v.state, error_code = v.code, error_message = v.message,
                 lease_owner = NULL, lease_until = NULL, finished_at = ",
        )
        .push_bind(now)
        .push(" FROM v WHERE job_items.job_id = ")
        .push_bind(&batch.job_id)
        .push(" AND job_items.lease_owner = ")
        .push_bind(&batch.lease_token)
        .push(" AND job_items.state = 'pending' AND job_items.idx = v.idx");
        taken += q.build().execute(&mut *tx).await?.rows_affected();
    }

    if taken != outcomes.len() as u64 {
        return Ok(Recorded { lease_lost: true, ..Recorded::default() });
    }

    // What each new credential replaces: an active time-bound one is
    // revoked, an expired or revoked one only points at its successor.
    let replaced: Vec<(&str, &str, bool)> = issued
        .iter()
        .filter_map(|(s, sup)| sup.as_ref().map(|(old, revoke)| (old.as_str(), s.credential_id.as_str(), *revoke)))
        .collect();
    if !replaced.is_empty() {
        let mut q = Builder::on(Backend::of_conn(&tx), "WITH v (old, new, revoke) AS (");
        q.push_values(&replaced, |mut b, (old, new, revoke)| {
            b.push_bind(*old).push_bind(*new).push_bind(i64::from(*revoke));
        });
        q.push(
            ") UPDATE credentials SET superseded_by = v.new,
                 status = CASE WHEN v.revoke = 1 THEN 'revoked' ELSE credentials.status END,
                 revoked_at = CASE WHEN v.revoke = 1 THEN ",
        )
        .push_bind(now)
        .push(" ELSE credentials.revoked_at END, revocation_reason = CASE WHEN v.revoke = 1 THEN 'Superseded by a credential reissued by bulk job ' || ")
        .push_bind(&batch.job_id)
        .push(" ELSE credentials.revocation_reason END, updated_at = ")
        .push_bind(now)
        .push(" FROM v WHERE credentials.org_id = ")
        .push_bind(&batch.org_id)
        .push(" AND credentials.id = v.old");
        q.build().execute(&mut *tx).await?;
        let revoked: Vec<&str> = replaced.iter().filter(|(.., revoke)| *revoke).map(|(old, ..)| *old).collect();
        crate::outbox::cancel_for_credentials(&mut tx, &batch.org_id, &revoked).await?;
    }

    if !issued.is_empty() {
        insert_credentials(&mut tx, batch, &issued, public_url, now).await?;
        queue_emails(&mut tx, batch, &issued, now).await?;
    }

    let count = |f: fn(&Outcome<'_>) -> bool| outcomes.iter().filter(|o| f(o)).count();
    let recorded = Recorded {
        succeeded: issued.len(),
        failed: count(|o| matches!(o, Outcome::Fail { .. })),
        skipped: count(|o| matches!(o, Outcome::Skip { .. })),
        finished_job: false,
        lease_lost: false,
    };
    let finished_job = advance(&mut tx, &batch.job_id, &recorded, now, batch.delivers_email).await?;
    tx.commit().await?;
    Ok(Recorded { finished_job, ..recorded })
}

/// Adds a batch's results to its job's counts and closes the job when no
/// item is left; returns whether it closed.
pub(crate) async fn advance(
    tx: &mut crate::db::Conn,
    job_id: &str,
    recorded: &Recorded,
    now: i64,
    delivers_email: bool,
) -> CoreResult<bool> {
    sqlx::query(
        "UPDATE jobs SET processed = processed + $1, succeeded = succeeded + $2, failed = failed + $3,
                         skipped = skipped + $4
         WHERE id = $5",
    )
    .bind((recorded.succeeded + recorded.failed + recorded.skipped) as i64)
    .bind(recorded.succeeded as i64)
    .bind(recorded.failed as i64)
    .bind(recorded.skipped as i64)
    .bind(job_id)
    .execute(&mut *tx)
    .await?;
    finish_if_done(tx, job_id, now, delivers_email).await
}

/// Decides every row against the state as it is now (the org, the badge,
/// what each recipient holds, the quota), not as it was at submit.
async fn decide<'a>(
    tx: &mut crate::db::Conn,
    batch: &Batch,
    signed: &'a [Result<Signed, (i64, String)>],
    now: i64,
) -> CoreResult<Vec<Outcome<'a>>> {
    let (approval, quota): (String, i64) =
        sqlx::query_as("SELECT approval_status, monthly_quota FROM organizations WHERE id = $1")
            .bind(&batch.org_id)
            .fetch_one(&mut *tx)
            .await?;
    let archived: Option<i64> = sqlx::query_scalar("SELECT archived_at FROM badges WHERE id = $1")
        .bind(&badge_of(batch)?.id)
        .fetch_one(&mut *tx)
        .await?;
    let blocked = if approval != "approved" {
        Some("The organisation is no longer approved to issue.".to_owned())
    } else if archived.is_some() {
        Some(format!("Badge “{}” was archived while the job ran.", badge_of(batch)?.name))
    } else {
        None
    };

    let emails: Vec<&str> = signed.iter().filter_map(|s| s.as_ref().ok()).map(|s| s.email.as_str()).collect();
    let emails_json = serde_json::to_string(&emails).map_err(anyhow::Error::from)?;
    let backend = Backend::of_conn(tx);
    let badge_id = badge_of(batch)?.id.as_str();
    let held = crate::bulk::review::load_held(&mut *tx, backend, &batch.org_id, &[badge_id], &emails_json).await?;
    let month = clock::month_of(now);
    let counted = quota::counted_among(&mut *tx, backend, &batch.org_id, &month, &emails_json).await?;
    let used = quota::used_in(tx, &batch.org_id, &month).await?;
    let mut room = (quota - used).max(0);
    let mut new_recipients = Vec::new();

    let mut outcomes = Vec::with_capacity(signed.len());
    for s in signed {
        let s = match s {
            Err((idx, message)) => {
                outcomes.push(Outcome::Fail { idx: *idx, code: codes::INVALID_ROW, message: message.clone() });
                continue;
            }
            Ok(s) => s,
        };
        if let Some(why) = &blocked {
            outcomes.push(Outcome::Fail { idx: s.idx, code: codes::NOT_ISSUABLE, message: why.clone() });
            continue;
        }
        let holding = held.get(&(badge_id.to_owned(), s.email.clone())).map(Vec::as_slice).unwrap_or_default();
        let policy = batch.duplicate_policy;
        let supersede = match decisive(holding, now) {
            None => None,
            Some((status, h)) => match status.treatment(policy) {
                Treatment::Skip => {
                    outcomes.push(Outcome::Skip { idx: s.idx, message: classify::reason(status, h, policy) });
                    continue;
                }
                Treatment::IssueAnother => None,
                Treatment::Replace => Some((h.credential_id.clone(), true)),
                _ => Some((h.credential_id.clone(), false)),
            },
        };
        if !counted.contains(&s.email) {
            if room == 0 {
                outcomes.push(Outcome::Fail {
                    idx: s.idx,
                    code: codes::QUOTA_EXCEEDED,
                    message: format!("The monthly quota of {quota} recipients is used up; {} was not issued.", s.email),
                });
                continue;
            }
            room -= 1;
            new_recipients.push(s.email.as_str());
        }
        outcomes.push(Outcome::Issue { signed: s, supersede });
    }

    quota::count_new(tx, &batch.org_id, &month, &new_recipients, now).await?;
    Ok(outcomes)
}

/// Rows per INSERT of credentials: 8 parameters each.
const CREDENTIALS_PER_INSERT: usize = 2_000;

// The inserts below bind only what differs per row, in a `VALUES` list
// read as `column1, column2, …` (the names both SQLite and PostgreSQL give
// it); what the batch shares is bound once. Binding costs per value, and a
// job writes thousands of rows a second.

async fn insert_credentials(
    tx: &mut crate::db::Conn,
    batch: &Batch,
    issued: &[(&Signed, &Option<(String, bool)>)],
    public_url: &str,
    now: i64,
) -> CoreResult<()> {
    let issuer_did = did::org_did(public_url, &batch.org_id);
    let slots: HashMap<i64, _> = batch.items.iter().map(|i| (i.idx, &i.slot)).collect();
    for chunk in issued.chunks(CREDENTIALS_PER_INSERT) {
        let mut q = Builder::on(
            Backend::of_conn(tx),
            "INSERT INTO credentials (id, org_id, credential_type, subject_json, claims_json, recipient_email,
                 recipient_name, badge_id, issuer_did, key_id, signed_payload, status, status_list_id,
                 status_list_index, issued_at, expires_at, created_at, updated_at, job_id)
             SELECT column1, ",
        );
        q.push_bind(&batch.org_id)
            .push(", 'badge', column2, '{}', column3, column4, ")
            .push_bind(&badge_of(batch)?.id)
            .push(", ")
            .push_bind(issuer_did.as_str())
            .push(", ")
            .push_bind(&batch.key_id)
            .push(", column5, 'active', column6, column7, ")
            .push_bind(batch.issued_at)
            .push(", column8, ")
            .push_bind(now)
            .push(", ")
            .push_bind(now)
            .push(", ")
            .push_bind(&batch.job_id)
            .push(" FROM (");
        q.push_values(chunk, |mut b, (s, _)| {
            let slot = slots[&s.idx];
            b.push_bind(&s.credential_id)
                .push_bind(&s.subject_json)
                .push_bind(&s.email)
                .push_bind(&s.name)
                .push_bind(&s.signed_payload)
                .push_bind(&slot.list_id)
                .push_bind(i64::from(slot.index))
                .push_bind(s.expires_at);
        });
        q.push(") AS v");
        q.build().execute(&mut *tx).await?;
    }
    Ok(())
}

async fn queue_emails(
    tx: &mut crate::db::Conn,
    batch: &Batch,
    issued: &[(&Signed, &Option<(String, bool)>)],
    now: i64,
) -> CoreResult<()> {
    let messages: Vec<AboutCredential<'_>> = issued
        .iter()
        .map(|(s, _)| AboutCredential { credential_id: &s.credential_id, to_email: &s.email, to_name: &s.name })
        .collect();
    crate::outbox::queue_about_credentials(tx, &batch.org_id, &batch.job_id, MailKind::CredentialIssued, &messages, now)
        .await
}

/// Appends `column IN (v1, v2, ...)`.
pub(crate) fn push_in<'a, T>(q: &mut Builder<'a>, column: &str, values: impl Iterator<Item = T>)
where
    T: 'a + sqlx::Encode<'a, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    q.push(column).push(" IN (");
    let mut list = q.separated(", ");
    for v in values {
        list.push_bind(v);
    }
    list.push_unseparated(")");
}

/// A CSV job's batch carries its badge; JSON batches are recorded by
/// `issue_items` instead.
fn badge_of(batch: &Batch) -> CoreResult<&crate::badges::Badge> {
    batch.badge.as_ref().ok_or_else(|| anyhow::anyhow!("batch of job {} has no badge", batch.job_id).into())
}
