//! A job and its items, written in the caller's transaction from a review
//! of the file, so the job exists with all its rows or not at all.

use crate::db::{Backend, Builder};

use super::{ItemState, JobStatus, codes};
use crate::bulk::{Review, RowStatus, Treatment};
use crate::error::{CoreError, CoreResult};
use crate::ids;
use crate::status_list::{self, Slot};

pub use model::JobSource as Source;

pub struct NewJob<'a> {
    pub org_id: &'a str,
    pub upload_id: Option<&'a str>,
    pub filename: Option<&'a str>,
    pub source: Source,
    pub created_by: Option<&'a str>,
    pub api_key_id: Option<&'a str>,
    /// Issue only this many rows first, then wait to be released.
    pub pilot: Option<u32>,
    /// Wait until then (Unix seconds) to start.
    pub scheduled_for: Option<i64>,
}

/// Rows per INSERT: 17 parameters each stays under SQLite's 32,766.
const ROWS_PER_INSERT: usize = 1_900;

/// Creates the job (pending) with one item per row of `review`, under the
/// review's duplicate policy. Rows that cannot be issued are finished at
/// once: invalid and over-quota rows as failed (with the reason the review
/// gave), holders the policy skips and in-file duplicates as skipped (the
/// row they repeat is issued). Returns the job id.
pub async fn create(tx: &mut crate::db::Conn, new: &NewJob<'_>, review: &Review, now: i64) -> CoreResult<String> {
    let id = ids::new_id("job");
    let t = &review.totals;
    let policy = review.duplicate_policy;
    let failed = (t.invalid + t.over_quota) as i64;
    let skipped = t.rows as i64 - t.issuable as i64 - failed;
    let pilot_until = match new.pilot {
        None => None,
        Some(n) if n == 0 || n as usize >= t.issuable => {
            return Err(CoreError::field(
                "pilot",
                format!("must be 1 to {}: fewer than the {} rows to issue", t.issuable.saturating_sub(1), t.issuable),
            ));
        }
        // Below the index of the first issuable row past the pilot.
        Some(n) => review.rows.iter().filter(|r| r.status.issuable(policy)).nth(n as usize).map(|r| r.row as i64 - 1),
    };
    sqlx::query(
        "INSERT INTO jobs (id, org_id, badge_id, upload_id, filename, source, status, total, processed, succeeded,
                           failed, skipped, created_by, api_key_id, created_at, duplicate_policy, pilot_size,
                           pilot_until, scheduled_for)
         VALUES ($1, $2, $3, $4, $5, $6, $17, $7, $8, 0, $9, $10, $11, $12, $13, $14, $15, $16, $18)",
    )
    .bind(&id)
    .bind(new.org_id)
    .bind(&review.badge_id)
    .bind(new.upload_id)
    .bind(new.filename)
    .bind(new.source)
    .bind(t.rows as i64)
    .bind(failed + skipped)
    .bind(failed)
    .bind(skipped)
    .bind(new.created_by)
    .bind(new.api_key_id)
    .bind(now)
    .bind(policy)
    .bind(new.pilot.map(i64::from))
    .bind(pilot_until)
    .bind(if new.scheduled_for.is_some() { JobStatus::Scheduled } else { JobStatus::Pending })
    .bind(new.scheduled_for)
    .execute(&mut *tx)
    .await?;

    let several_badges = review.badge_id.is_none();

    // Every issuable row gets its credential id and status slot now, in
    // one allocation: workers then only lease rows, and a row retried after
    // a crash keeps both, so no slot can ever serve two credentials.
    let mut slots = status_list::lists::allocate(tx, new.org_id, t.issuable as u32).await?.into_iter();
    let mut fixed: Vec<Option<(String, Slot)>> = Vec::with_capacity(review.rows.len());
    for row in &review.rows {
        fixed.push(if row.status.issuable(policy) {
            let slot = slots.next().ok_or_else(|| anyhow::anyhow!("status slots ran short for job {id}"))?;
            Some((ids::new_id("cred"), slot))
        } else {
            None
        });
    }

    for (chunk, fixed) in review.rows.chunks(ROWS_PER_INSERT).zip(fixed.chunks(ROWS_PER_INSERT)) {
        let mut insert = Builder::on(
            Backend::of_conn(tx),
            "INSERT INTO job_items (job_id, idx, line, name, email, classification, supersedes, state,
                                    error_code, error_message, finished_at, credential_id, status_list_id,
                                    status_list_index, award_json, expires_at, badge_id) ",
        );
        // Serialised before the builder borrows them.
        let awards: Vec<Option<String>> = chunk
            .iter()
            .map(|row| (!row.award.is_empty()).then(|| serde_json::to_string(&row.award)).transpose())
            .collect::<Result<_, _>>()
            .map_err(anyhow::Error::from)?;
        insert.push_values(chunk.iter().zip(fixed).zip(awards), |mut b, ((row, fixed), award)| {
            let treatment = row.status.treatment(policy);
            let (state, code, finished) = match (treatment, row.status) {
                (t, _) if t.issues() => (ItemState::Pending, None, None),
                (Treatment::Skip, _) => (ItemState::Skipped, None, Some(now)),
                (_, RowStatus::OverQuota) => (ItemState::Failed, Some(codes::QUOTA_EXCEEDED), Some(now)),
                _ => (ItemState::Failed, Some(codes::INVALID_ROW), Some(now)),
            };
            b.push_bind(&id)
                .push_bind((row.row - 1) as i64)
                .push_bind(row.line as i64)
                .push_bind(&row.name)
                .push_bind(&row.email)
                .push_bind(row.status)
                // What the new credential revokes or supersedes; another
                // beside a valid one touches nothing.
                .push_bind(
                    row.existing_credential_id
                        .as_deref()
                        .filter(|_| treatment.issues() && treatment != Treatment::IssueAnother),
                )
                .push_bind(state)
                .push_bind(code)
                .push_bind(if state == ItemState::Pending { None } else { row.reason.as_deref() })
                .push_bind(finished)
                .push_bind(fixed.as_ref().map(|(c, _)| c.clone()))
                .push_bind(fixed.as_ref().map(|(_, s)| s.list_id.clone()))
                .push_bind(fixed.as_ref().map(|(_, s)| i64::from(s.index)))
                .push_bind(award)
                .push_bind(row.expires_at)
                // A job of several badges keeps each row's; otherwise the
                // job's badge is every row's.
                .push_bind(row.badge_id.as_deref().filter(|_| several_badges));
        });
        insert.build().execute(&mut *tx).await?;
    }
    Ok(id)
}
