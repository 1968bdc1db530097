//! Jobs and their rows as people and clients see them, and the failed rows
//! as a CSV ready to fix and upload again.

use serde::{Deserialize, Serialize};

pub use model::JobItem;
use model::{JobKind, JobSource};

use super::{ItemState, JobStatus};
use crate::bulk::csv_file::neutralise;
use crate::db::{Db, Explain};
use crate::error::{CoreError, CoreResult};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Job {
    pub id: String,
    pub org_id: String,
    /// A CSV job's badge; a JSON batch has none (its items say).
    pub badge_id: Option<String>,
    pub badge_name: Option<String>,
    pub upload_id: Option<String>,
    pub filename: Option<String>,
    pub source: JobSource,
    /// Whether it issues or revokes.
    pub kind: JobKind,
    pub status: JobStatus,
    pub total: i64,
    pub processed: i64,
    pub succeeded: i64,
    pub failed: i64,
    pub skipped: i64,
    /// Who submitted it: a member's e-mail, or the API key's name.
    pub submitted_by: Option<String>,
    pub created_at: i64,
    pub started_at: Option<i64>,
    /// When its last row was issued (or failed): the end of issuing.
    pub issued_at: Option<i64>,
    /// When it reached a final status: for a completed job with e-mails
    /// to send, after they were out.
    pub completed_at: Option<i64>,
    /// When its last e-mail was sent or finally failed (see
    /// `outbox::delivery`); `None` while any waits.
    pub delivery_completed_at: Option<i64>,
    /// For an undo: the job whose credentials it revokes.
    pub undoes_job_id: Option<String>,
    /// The undo of this job, once one was started.
    pub undone_by_job_id: Option<String>,
    /// For an undo: why, as each credential's revocation reason.
    pub undo_reason: Option<String>,
    /// Submitted as a pilot of this many rows (paused once they are done).
    pub pilot_size: Option<i64>,
    /// When a scheduled job starts (or started).
    pub scheduled_for: Option<i64>,
    /// For an undo: 1 when each recipient is e-mailed as their credential
    /// is revoked, else 0 (see [`Job::notifies`]).
    pub notify_recipients: i64,
}

impl Job {
    /// An undo that e-mails each recipient as their credential is revoked.
    pub fn notifies(&self) -> bool {
        self.notify_recipients != 0
    }

    /// It revokes rather than issues (an undo, or a selection).
    pub fn revokes(&self) -> bool {
        self.kind == JobKind::Revoke
    }

    /// Rows that were never processed because the job was cancelled.
    pub fn cancelled_rows(&self) -> i64 {
        if self.status == JobStatus::Cancelled { self.total - self.processed } else { 0 }
    }

    /// Rows still to do.
    pub fn remaining(&self) -> i64 {
        if self.status.is_finished() { 0 } else { self.total - self.processed }
    }
}

const SELECT_JOB: &str = "SELECT j.id, j.org_id, j.badge_id, b.name AS badge_name, j.upload_id, j.filename, j.source,
        j.kind, j.status, j.total, j.processed, j.succeeded, j.failed, j.skipped,
        COALESCE(u.email, k.name) AS submitted_by, j.created_at, j.started_at, j.issued_at, j.completed_at,
        j.delivery_completed_at, j.undoes_job_id,
        (SELECT x.id FROM jobs x WHERE x.undoes_job_id = j.id) AS undone_by_job_id, j.undo_reason, j.pilot_size,
        j.scheduled_for, j.notify_recipients
     FROM jobs j
     LEFT JOIN badges b ON b.id = j.badge_id
     LEFT JOIN users u ON u.id = j.created_by
     LEFT JOIN api_keys k ON k.id = j.api_key_id";

/// The org's job `id`; another org's is `NotFound`.
pub async fn get(db: &Db, org_id: &str, id: &str) -> CoreResult<Job> {
    get_in(&mut *db.acquire().await?, org_id, id).await
}

/// Why a change that needs the job in one state was refused: it is in
/// another (409, saying which and what `only` allows), or not the org's (404).
pub(crate) async fn refused(db: &Db, org_id: &str, id: &str, only: &str) -> CoreError {
    match get(db, org_id, id).await {
        Ok(job) => CoreError::conflict(format!("This job is {}; only {only}.", job.status.as_str())),
        Err(e) => e,
    }
}

/// [`get`] in the caller's transaction: a job as it is being created, before
/// a worker can have started it.
pub(crate) async fn get_in(conn: &mut crate::db::Conn, org_id: &str, id: &str) -> CoreResult<Job> {
    sqlx::query_as(&format!("{SELECT_JOB} WHERE j.id = $1 AND j.org_id = $2"))
        .bind(id)
        .bind(org_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(CoreError::NotFound)
}

/// The org's jobs, newest first, `limit` at a time before the cursor;
/// only those from `source` when given.
pub async fn list(
    db: &Db,
    org_id: &str,
    source: Option<JobSource>,
    limit: i64,
    before: Option<&str>,
) -> CoreResult<Vec<Job>> {
    Ok(listing(Explain::No, org_id, source, limit, before).build_query_as().fetch_all(db).await?)
}

/// The jobs list query: the index `(org_id[, source], id)` read newest
/// first from the cursor, a page at a time.
pub(crate) fn listing<'a>(
    explain: Explain,
    org_id: &'a str,
    source: Option<JobSource>,
    limit: i64,
    before: Option<&'a str>,
) -> crate::db::Builder<'a> {
    let mut q = crate::db::Builder::new(format!("{explain}{SELECT_JOB} WHERE j.org_id = "));
    q.push_bind(org_id);
    if let Some(source) = source {
        q.push(" AND j.source = ").push_bind(source);
    }
    if let Some(before) = before {
        q.push(" AND j.id < ").push_bind(before);
    }
    q.push(" ORDER BY j.id DESC LIMIT ").push_bind(limit.clamp(1, 1000));
    q
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemFilter {
    pub state: Option<ItemState>,
    /// Items after this index (paging).
    pub after: Option<i64>,
    pub limit: i64,
}

/// The job's rows in file order.
pub async fn items(db: &Db, org_id: &str, job_id: &str, filter: &ItemFilter) -> CoreResult<Vec<JobItem>> {
    get(db, org_id, job_id).await?;
    Ok(item_listing(Explain::No, job_id, filter).build_query_as().fetch_all(db).await?)
}

/// The job rows query: the key `(job_id, idx)`, or `(job_id, state, idx)`
/// for one state, read in file order from the cursor.
pub(crate) fn item_listing<'a>(explain: Explain, job_id: &'a str, filter: &ItemFilter) -> crate::db::Builder<'a> {
    let mut q = crate::db::Builder::new(format!(
        "{explain}SELECT i.idx, i.line, i.name, i.email, i.classification, i.state,
                CASE WHEN i.state = 'succeeded' THEN i.credential_id END AS credential_id,
                i.error_code, i.error_message, i.finished_at,
                o.id AS email_id, o.status AS email_status, o.last_error AS email_error
         FROM job_items i
         LEFT JOIN outbox o ON o.credential_id = i.credential_id AND i.state = 'succeeded'
         WHERE i.job_id = "
    ));
    q.push_bind(job_id);
    if let Some(state) = filter.state {
        q.push(" AND i.state = ").push_bind(state);
    }
    q.push(" AND i.idx > ").push_bind(filter.after.unwrap_or(-1));
    q.push(" ORDER BY i.idx LIMIT ").push_bind(if filter.limit <= 0 { 100 } else { filter.limit.min(10_000) });
    q
}

/// Every failed item of the job, in order, read a page at a time.
pub async fn failed_items(db: &Db, org_id: &str, job_id: &str) -> CoreResult<Vec<JobItem>> {
    const PAGE: i64 = 5_000;
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let page =
            items(db, org_id, job_id, &ItemFilter { state: Some(ItemState::Failed), after, limit: PAGE }).await?;
        after = page.last().map(|i| i.idx);
        let full = page.len() as i64 == PAGE;
        all.extend(page);
        if !full {
            return Ok(all);
        }
    }
}

/// The credentials the job issued, in file order.
pub async fn credential_ids(db: &Db, org_id: &str, job_id: &str) -> CoreResult<Vec<String>> {
    get(db, org_id, job_id).await?;
    Ok(sqlx::query_scalar("SELECT credential_id FROM job_items WHERE job_id = $1 AND state = 'succeeded' ORDER BY idx")
        .bind(job_id)
        .fetch_all(db)
        .await?)
}

/// The rows whose credential was issued but whose e-mail bounced, in
/// file order: found through the job's e-mails (few bounce).
pub async fn bounced_items(db: &Db, org_id: &str, job_id: &str) -> CoreResult<Vec<JobItem>> {
    get(db, org_id, job_id).await?;
    Ok(sqlx::query_as(
        "SELECT i.idx, i.line, i.name, i.email, i.classification, i.state, i.credential_id,
                i.error_code, i.error_message, i.finished_at,
                o.id AS email_id, o.status AS email_status, o.last_error AS email_error
         FROM outbox o JOIN job_items i ON i.job_id = o.job_id AND i.credential_id = o.credential_id
         WHERE o.job_id = $1 AND o.status = 'bounced' AND i.state = 'succeeded'
         ORDER BY i.idx",
    )
    .bind(job_id)
    .fetch_all(db)
    .await?)
}

/// The job's failed rows, and those whose e-mail bounced, as
/// `name,email,row,error` CSV in file order: fix them and upload the file
/// again (the extra columns are ignored by the upload).
pub async fn failed_rows_csv(db: &Db, org_id: &str, job_id: &str) -> CoreResult<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let write = |out: &mut csv::Writer<Vec<u8>>, r: [&str; 4]| out.write_record(r).map_err(anyhow::Error::from);
    write(&mut out, ["name", "email", "row", "error"])?;
    let mut rows = failed_items(db, org_id, job_id).await?;
    for mut bounced in bounced_items(db, org_id, job_id).await? {
        bounced.error_message =
            Some(format!("E-mail not delivered: {}", bounced.email_error.take().unwrap_or_default()));
        rows.push(bounced);
    }
    rows.sort_by_key(|r| r.idx);
    for r in rows {
        let row = r.row().to_string();
        let error = r.error_message.unwrap_or_default();
        write(&mut out, [&neutralise(&r.name), &neutralise(&r.email), &row, &neutralise(&error)])?;
    }
    Ok(out.into_inner().map_err(|e| anyhow::anyhow!("writing CSV: {e}"))?)
}
