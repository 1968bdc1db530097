//! Issuing a leased batch of a JSON batch job: in one transaction, each
//! item is issued exactly as `POST /v1/credentials` would issue it
//! ([`crate::credentials::issue::issue_in`]), with the credential id and
//! status slot fixed at submit. Each item has its own savepoint, so one
//! that fails now (quota reached, badge archived meanwhile) fails alone
//! with its code and message, and the rest of the batch commits. The lease
//! is checked as each item is marked, so after a crash or a cancel nothing
//! is issued twice.

use serde_json::Value;
use sqlx::Acquire;

use super::batch_submit::Refused;
use super::lease::Batch;
use super::record::{Recorded, advance};
use super::{ItemState, JobStatus};
use crate::credentials::issue::{Fixed, IssuingOrg, issue_in};
use crate::credentials::request::IssueRequest;
use crate::db::Db;
use crate::error::{CoreError, CoreResult};
use crate::keys::MasterKey;
use crate::orgs::organizations;

pub async fn issue_items(
    db: &Db,
    master: &MasterKey,
    batch: &Batch,
    public_url: &str,
    now: i64,
) -> CoreResult<Recorded> {
    let lost = Recorded { lease_lost: true, ..Recorded::default() };
    let mut tx = crate::db::begin(db).await?;
    organizations::lock(&mut tx, &batch.org_id).await?;
    let status: JobStatus =
        sqlx::query_scalar("SELECT status FROM jobs WHERE id = $1").bind(&batch.job_id).fetch_one(&mut *tx).await?;
    if status != JobStatus::Processing {
        return Ok(lost);
    }
    // Checked again under the lock: the org may have lost its approval.
    let org = match IssuingOrg::load(&mut tx, master, &batch.org_id).await {
        Ok(org) => Ok(org),
        Err(CoreError::Internal(e)) => return Err(CoreError::Internal(e)),
        Err(e) => Err(Refused::of(&e)),
    };

    let mut recorded = Recorded::default();
    for item in &batch.items {
        let outcome = match &org {
            Err(refused) => Err(Refused { code: refused.code, message: refused.message.clone() }),
            Ok(org) => issue_one(&mut tx, &batch.job_id, org, public_url, item, now).await?,
        };
        let (state, code, message) = match &outcome {
            Ok(()) => (ItemState::Succeeded, None, None),
            Err(r) => (ItemState::Failed, Some(r.code), Some(r.message.as_str())),
        };
        let marked = sqlx::query(
            "UPDATE job_items SET state = $1, error_code = $2, error_message = $3, finished_at = $4,
                                  lease_owner = NULL, lease_until = NULL
             WHERE job_id = $5 AND idx = $6 AND lease_owner = $7 AND state = 'pending'",
        )
        .bind(state)
        .bind(code)
        .bind(message)
        .bind(now)
        .bind(&batch.job_id)
        .bind(item.idx)
        .bind(&batch.lease_token)
        .execute(&mut *tx)
        .await?;
        if marked.rows_affected() != 1 {
            // Cancelled, or the lease ran out and another worker has the
            // rows: dropping the transaction undoes the whole batch.
            return Ok(lost);
        }
        match outcome {
            Ok(()) => recorded.succeeded += 1,
            Err(_) => recorded.failed += 1,
        }
    }
    recorded.finished_job = advance(&mut tx, &batch.job_id, &recorded, now, batch.delivers_email).await?;
    tx.commit().await?;
    Ok(recorded)
}

/// Issues one item under its own savepoint: `Ok(Err(_))` is the item's
/// failure (rolled back alone), `Err(_)` the database's (the whole batch
/// is retried).
async fn issue_one(
    tx: &mut crate::db::Tx<'_>,
    job_id: &str,
    org: &IssuingOrg,
    public_url: &str,
    item: &super::lease::LeasedItem,
    now: i64,
) -> CoreResult<Result<(), Refused>> {
    let request = item
        .request
        .as_deref()
        .and_then(|r| serde_json::from_str::<Value>(r).ok())
        .ok_or_else(|| anyhow::anyhow!("item {} has no stored request", item.idx))?;
    let request = match IssueRequest::parse(&request) {
        Ok(r) => r,
        Err(e) => return Ok(Err(Refused::of(&e))),
    };
    let mut savepoint = tx.begin().await?;
    let fixed = Fixed { id: item.credential_id.clone(), slot: item.slot.clone() };
    match issue_in(&mut savepoint, org, public_url, request, fixed, now).await {
        Ok(credential) => {
            // So the credentials list can be filtered by the job, as for CSV jobs.
            sqlx::query("UPDATE credentials SET job_id = $1 WHERE id = $2")
                .bind(job_id)
                .bind(&credential.id)
                .execute(&mut *savepoint)
                .await?;
            savepoint.commit().await?;
            Ok(Ok(()))
        }
        Err(CoreError::Internal(e)) => Err(CoreError::Internal(e)),
        Err(e) => {
            savepoint.rollback().await?;
            Ok(Err(Refused::of(&e)))
        }
    }
}
