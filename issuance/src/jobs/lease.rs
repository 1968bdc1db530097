//! Which jobs run, and handing a batch of a job's items to one worker.
//!
//! A worker leases items by writing its token and a deadline on them; the
//! lease is what [`super::record`] checks before it writes results, so two
//! workers (in one process or in several sharing a database) never both
//! issue a row. A worker that dies leaves its leases to expire, and another
//! takes the rows over with the credential ids and status slots they were
//! given when the job was created.
//!
//! A transaction that reads before it writes starts by taking the org's
//! lock (a write), which serialises such work per org on PostgreSQL as on
//! SQLite and keeps SQLite from refusing a read-then-write transaction.

use std::time::Duration;

use p256::ecdsa::SigningKey;

use super::{JobStatus, throttle};
use crate::badges::{self, Badge};
use crate::bulk::DuplicatePolicy;
use crate::db::{Backend, Db};
use crate::error::CoreResult;
use crate::keys::{self, MasterKey};
use crate::orgs::{Plan, organizations};
use crate::status_list::Slot;
use model::{JobKind, JobSource};

/// Jobs an org may have processing at once; more wait as pending.
pub const MAX_PROCESSING_PER_ORG: i64 = 10;

/// Starts the scheduled jobs whose time has come, then moves pending jobs
/// to processing, oldest first, while their org has
/// fewer than [`MAX_PROCESSING_PER_ORG`] processing. Returns every
/// processing job as `(job_id, org_id)`.
pub async fn promote(db: &Db, now: i64) -> CoreResult<Vec<(String, String)>> {
    super::schedule::start_due(db, now).await?;
    let pending: Vec<(String, String)> =
        sqlx::query_as("SELECT id, org_id FROM jobs WHERE status = 'pending' ORDER BY created_at, id LIMIT 100")
            .fetch_all(db)
            .await?;
    for (job_id, org_id) in pending {
        let mut tx = crate::db::begin(db).await?;
        organizations::lock(&mut tx, &org_id).await?;
        let running: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE org_id = $1 AND status = 'processing'")
            .bind(&org_id)
            .fetch_one(&mut *tx)
            .await?;
        if running < MAX_PROCESSING_PER_ORG {
            sqlx::query("UPDATE jobs SET status = 'processing', started_at = $1 WHERE id = $2 AND status = 'pending'")
                .bind(now)
                .bind(&job_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
    }
    Ok(sqlx::query_as("SELECT id, org_id FROM jobs WHERE status = 'processing' ORDER BY created_at, id")
        .fetch_all(db)
        .await?)
}

/// One row handed to a worker.
#[derive(Clone, Debug)]
pub struct LeasedItem {
    pub idx: i64,
    pub name: String,
    pub email: String,
    pub credential_id: String,
    pub slot: Slot,
    /// A JSON batch item's single-issue body.
    pub request: Option<String>,
    /// A CSV row's narrative, evidence and award date (an
    /// [`Award`](crate::credentials::award::Award) as JSON).
    pub award_json: Option<String>,
    /// A CSV row's own expiry, instead of the badge's validity.
    pub expires_at: Option<i64>,
}

/// A batch of one job's rows, with what signing them needs.
pub struct Batch {
    pub job_id: String,
    pub org_id: String,
    pub org_name: String,
    /// The badge of a CSV job; a JSON batch has none (each item says).
    pub badge: Option<Badge>,
    pub key_id: String,
    pub key: SigningKey,
    pub lease_token: String,
    pub issued_at: i64,
    pub items: Vec<LeasedItem>,
    /// Whether this process e-mails recipients (see [`ClaimLimits`]).
    pub delivers_email: bool,
    /// What the job does for recipients who hold the badge already.
    pub duplicate_policy: DuplicatePolicy,
    /// For a revocation job: why, and the job it undoes if it is an undo.
    pub revocation: Option<Revoking>,
}

/// What a revocation job's batch needs to know of it.
#[derive(Clone, Debug)]
pub struct Revoking {
    pub undoes_job_id: Option<String>,
    pub reason: Option<String>,
    /// Tell each recipient by e-mail.
    pub notify_recipients: bool,
}

pub enum Claim {
    Batch(Box<Batch>),
    /// The org is at its throughput cap: ask again after this long.
    Throttled(Duration),
    /// Rows remain, but other workers hold them.
    Busy,
    /// Nothing left to do for this job (finished, cancelled, or gone).
    Done,
}

/// `idx, name, email` and, if leased before, `credential_id, list, index`.
/// A row just leased, as `RETURNING` gives it.
#[derive(sqlx::FromRow)]
struct PendingRow {
    idx: i64,
    name: String,
    email: String,
    credential_id: Option<String>,
    status_list_id: Option<String>,
    status_list_index: Option<i64>,
    request_json: Option<String>,
    award_json: Option<String>,
    expires_at: Option<i64>,
}

/// The job a claim is for.
#[derive(sqlx::FromRow)]
struct JobHead {
    org_id: String,
    badge_id: Option<String>,
    source: JobSource,
    status: JobStatus,
    duplicate_policy: DuplicatePolicy,
    kind: JobKind,
    undoes_job_id: Option<String>,
    undo_reason: Option<String>,
    notify_recipients: i64,
    /// Rows from this index on wait until the pilot is released.
    pilot_until: Option<i64>,
}

/// What a claim is allowed to take.
pub struct ClaimLimits {
    pub max_items: usize,
    pub lease: Duration,
    /// Credentials per second for the org, `None` for uncapped.
    pub per_sec: Option<u32>,
    /// Whether an SMTP server is configured: then a job whose e-mails
    /// still wait when its last row is issued goes on `delivering`;
    /// otherwise it completes at once (its e-mails wait in the outbox).
    pub delivers_email: bool,
}

/// Leases up to `limits.max_items` pending rows of `job_id` to `token`.
pub async fn claim(
    db: &Db,
    master: &MasterKey,
    job_id: &str,
    token: &str,
    limits: &ClaimLimits,
    now_ms: i64,
) -> CoreResult<Claim> {
    let now = now_ms.div_euclid(1000);
    let job: Option<JobHead> = sqlx::query_as(
        "SELECT org_id, badge_id, source, status, duplicate_policy, kind, undoes_job_id, undo_reason,
                notify_recipients, pilot_until
         FROM jobs WHERE id = $1",
    )
    .bind(job_id)
    .fetch_optional(db)
    .await?;
    let Some(JobHead {
        org_id,
        badge_id,
        source,
        status,
        duplicate_policy,
        kind,
        undoes_job_id,
        undo_reason,
        notify_recipients,
        pilot_until,
    }) = job
    else {
        return Ok(Claim::Done);
    };
    if status != JobStatus::Processing {
        return Ok(Claim::Done);
    }

    let mut tx = crate::db::begin(db).await?;
    let wanted = match limits.per_sec {
        None => limits.max_items,
        Some(per_sec) => {
            // The org lock orders claims of a capped org, so the arrival
            // time is read and advanced by one claim at a time.
            organizations::lock(&mut tx, &org_id).await?;
            match throttle::allowance(&mut tx, &org_id, per_sec, limits.max_items, now_ms).await? {
                Ok(n) => n,
                Err(wait) => return Ok(Claim::Throttled(wait)),
            }
        }
    };

    // One statement leases the rows, so it takes SQLite's write lock only
    // for itself. On PostgreSQL claims on one job run side by side, each
    // passing over the rows another process is leasing (`Backend::picked`).
    // The lease condition is repeated outside so that a row another worker
    // leased meanwhile is left alone either way.
    let lease_until = now + limits.lease.as_secs() as i64;
    let pilot_until = pilot_until.unwrap_or(i64::MAX);
    // A batch is signed with one badge, so a job of several (a file with
    // a `badge` column) leases the rows of the first waiting row's badge.
    let several_badges = badge_id.is_none() && kind == JobKind::Issue && source != JobSource::ApiBatch;
    let batch_badge: Option<String> = if several_badges {
        sqlx::query_scalar(
            "SELECT badge_id FROM job_items
             WHERE job_id = $1 AND state = 'pending' AND (lease_until IS NULL OR lease_until < $2) AND idx < $3
             ORDER BY idx LIMIT 1",
        )
        .bind(job_id)
        .bind(now)
        .bind(pilot_until)
        .fetch_optional(&mut *tx)
        .await?
        .flatten()
    } else {
        None
    };
    let sql = format!(
        "UPDATE job_items SET lease_owner = $1, lease_until = $2
         WHERE job_id = $3 AND {}
           AND state = 'pending' AND (lease_until IS NULL OR lease_until < $4) AND idx < $6
           AND ($7 IS NULL OR badge_id = $7)
         RETURNING idx, name, email, credential_id, status_list_id, status_list_index, request_json, award_json,
                   expires_at",
        Backend::of(db).picked(
            "idx",
            "SELECT idx FROM job_items
             WHERE job_id = $3 AND state = 'pending' AND (lease_until IS NULL OR lease_until < $4) AND idx < $6
               AND ($7 IS NULL OR badge_id = $7)
             ORDER BY idx LIMIT $5"
        )
    );
    let rows: Vec<PendingRow> = sqlx::query_as(&sql)
        .bind(token)
        .bind(lease_until)
        .bind(job_id)
        .bind(now)
        .bind(wanted as i64)
        .bind(pilot_until)
        .bind(batch_badge.as_deref())
        .fetch_all(&mut *tx)
        .await?;
    if rows.is_empty() {
        let until = (pilot_until != i64::MAX).then_some(pilot_until);
        if has_pending(&mut tx, job_id, until).await? {
            return Ok(Claim::Busy);
        }
        organizations::lock(&mut tx, &org_id).await?;
        // The pilot's rows are done and others wait: hold them for a person.
        if until.is_some() && has_pending(&mut tx, job_id, None).await? {
            super::pilot::pause(&mut tx, job_id, now).await?;
            tx.commit().await?;
            return Ok(Claim::Done);
        }
        finish_if_done(&mut tx, job_id, now, limits.delivers_email).await?;
        tx.commit().await?;
        return Ok(Claim::Done);
    }
    let mut items = Vec::with_capacity(rows.len());
    for PendingRow {
        idx,
        name,
        email,
        credential_id,
        status_list_id,
        status_list_index,
        request_json,
        award_json,
        expires_at,
    } in rows
    {
        let (Some(credential_id), Some(list_id), Some(index)) = (credential_id, status_list_id, status_list_index)
        else {
            return Err(anyhow::anyhow!("row {idx} of job {job_id} has no credential id or status slot").into());
        };
        let slot = Slot { list_id, index: index as u32 };
        items.push(LeasedItem { idx, name, email, credential_id, slot, request: request_json, award_json, expires_at });
    }
    items.sort_by_key(|i| i.idx);
    if let Some(per_sec) = limits.per_sec {
        throttle::charge(&mut tx, &org_id, per_sec, items.len(), now_ms).await?;
    }
    tx.commit().await?;

    // Read after the lease: what the batch is signed with. The write checks
    // the org and badge again, under the org lock.
    let org_name: String =
        sqlx::query_scalar("SELECT name FROM organizations WHERE id = $1").bind(&org_id).fetch_one(db).await?;
    let badge = match batch_badge.or(badge_id) {
        Some(badge_id) => Some(badges::get(db, &org_id, &badge_id).await?),
        None => None,
    };
    let mut conn = db.acquire().await?;
    let (key_id, key) = keys::active(&mut conn, master, &org_id).await?;
    Ok(Claim::Batch(Box::new(Batch {
        job_id: job_id.to_owned(),
        org_id,
        org_name,
        badge,
        key_id,
        key,
        lease_token: token.to_owned(),
        issued_at: now,
        items,
        delivers_email: limits.delivers_email,
        duplicate_policy,
        revocation: (kind == JobKind::Revoke).then_some(Revoking {
            undoes_job_id,
            reason: undo_reason,
            notify_recipients: notify_recipients != 0,
        }),
    })))
}

/// The plan of the job's org, for its throughput cap.
pub async fn plan_of(db: &Db, org_id: &str) -> CoreResult<Plan> {
    Ok(organizations::get(db, org_id).await?.plan)
}

/// Whether any row of the job still waits to be issued (leased or not).
/// Whether any row is pending (below `until`, if given).
async fn has_pending(tx: &mut crate::db::Conn, job_id: &str, until: Option<i64>) -> CoreResult<bool> {
    let one: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM job_items WHERE job_id = $1 AND state = 'pending' AND idx < $2 LIMIT 1")
            .bind(job_id)
            .bind(until.unwrap_or(i64::MAX))
            .fetch_optional(&mut *tx)
            .await?;
    Ok(one.is_some())
}

/// Ends the job's issuing when no row is pending: `failed` if every row
/// failed; `delivering` while its e-mails wait for this process's SMTP
/// server; otherwise `completed`. Returns whether issuing ended.
pub(crate) async fn finish_if_done(
    tx: &mut crate::db::Conn,
    job_id: &str,
    now: i64,
    delivers_email: bool,
) -> CoreResult<bool> {
    if has_pending(tx, job_id, None).await? {
        return Ok(false);
    }
    let waiting = delivers_email && crate::outbox::delivery::has_waiting(tx, job_id).await?;
    let closed = sqlx::query(
        "UPDATE jobs SET status = CASE WHEN failed = total THEN $1 WHEN $2 = 1 THEN $3 ELSE $4 END,
                         issued_at = $5,
                         completed_at = CASE WHEN failed < total AND $2 = 1 THEN NULL ELSE $5 END
         WHERE id = $6 AND status = $7
         RETURNING status",
    )
    .bind(JobStatus::Failed)
    .bind(i64::from(waiting))
    .bind(JobStatus::Delivering)
    .bind(JobStatus::Completed)
    .bind(now)
    .bind(job_id)
    .bind(JobStatus::Processing)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(status) = closed.map(|row| sqlx::Row::try_get::<JobStatus, _>(&row, 0)).transpose()? else {
        return Ok(false);
    };
    if status.is_finished() {
        crate::outbox::delivery::settle(tx, &[job_id], now).await?;
        announce_finished(tx, job_id, now).await?;
    }
    Ok(true)
}

/// Tells the org's audit streams that a job finished (its e-mails out, when
/// it had any to send), with its counts: one event per job, however many
/// credentials it issued.
pub(crate) async fn announce_finished(tx: &mut crate::db::Conn, job_id: &str, now: i64) -> CoreResult<()> {
    #[derive(sqlx::FromRow)]
    struct Done {
        org_id: String,
        status: JobStatus,
        source: model::JobSource,
        total: i64,
        succeeded: i64,
        failed: i64,
        skipped: i64,
    }
    let d: Done =
        sqlx::query_as("SELECT org_id, status, source, total, succeeded, failed, skipped FROM jobs WHERE id = $1")
            .bind(job_id)
            .fetch_one(&mut *tx)
            .await?;
    let event = if d.status == JobStatus::Failed {
        crate::webhooks::EventType::BatchFailed
    } else {
        crate::webhooks::EventType::BatchCompleted
    };
    let emails = crate::outbox::counts_for_job(&mut *tx, &d.org_id, job_id).await?;
    let data = serde_json::json!({
        "job_id": job_id, "status": d.status, "source": d.source, "total": d.total,
        "succeeded": d.succeeded, "failed": d.failed, "skipped": d.skipped, "emails": emails,
    });
    crate::webhooks::emit(&mut *tx, &d.org_id, event, data.clone(), now).await?;
    let (action, verb) = if d.status == JobStatus::Failed {
        (crate::audit::AuditAction::JobFailed, "failed: no item could be issued")
    } else {
        (crate::audit::AuditAction::JobCompleted, "completed")
    };
    let summary = format!("Job {job_id} {verb} ({} issued, {} failed, {} skipped)", d.succeeded, d.failed, d.skipped);
    let entry = crate::audit::Entry::new(crate::audit::Actor::system(), action, Some(job_id), summary).with(data);
    crate::audit::record(&mut *tx, &d.org_id, entry).await
}
