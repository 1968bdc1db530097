//! Submitting a JSON batch (`POST /v1/credentials/batch-issue`): up to
//! [`MAX_ITEMS`] single-issue bodies of any credential types become one job
//! on the same engine as CSV jobs. Every item is checked now with the
//! single-issue rules; one that fails is a failed item at once, with its
//! code and a message naming the field, and the rest are issued by the
//! workers ([`super::issue_items`]), each keeping its request, credential
//! id and status slot until it is.

use crate::db::{Backend, Builder};
use serde_json::Value;

use super::read::Job;
use super::{ItemState, JobStatus};
use crate::audit::{self, Actor, AuditAction, Entry};
use crate::credentials::issue::{check_award, check_expiry};
use crate::credentials::request::IssueRequest;
use crate::db::Db;
use crate::error::{CoreError, CoreResult};
use crate::orgs::organizations;
use crate::{ids, status_list};

/// The most items one batch may hold; more is refused whole.
pub const MAX_ITEMS: usize = 10_000;

/// Items per INSERT: 12 parameters each stays well under SQLite's 32,766.
const ITEMS_PER_INSERT: usize = 2_000;

/// Who submits, for the job's record.
pub struct BatchOrigin<'a> {
    pub api_key_id: Option<&'a str>,
    /// The key's name, for the activity feed.
    pub api_key_name: Option<&'a str>,
}

/// An item refused at submit: the code the API reports and a message that
/// names the field.
pub struct Refused {
    pub code: &'static str,
    pub message: String,
}

impl Refused {
    pub fn of(e: &CoreError) -> Refused {
        match e {
            CoreError::Validation(fields) => Refused {
                code: "validation_failed",
                message: fields.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
            },
            CoreError::Unprocessable(m) => Refused { code: "unprocessable_entity", message: m.clone() },
            CoreError::QuotaExceeded(m) => Refused { code: "quota_exceeded", message: m.clone() },
            CoreError::NotFound => Refused { code: "not_found", message: "Not found.".into() },
            CoreError::Conflict(m) => Refused { code: "conflict", message: m.clone() },
            CoreError::Forbidden(m) => Refused { code: "forbidden", message: m.clone() },
            other => Refused { code: "internal_error", message: other.to_string() },
        }
    }
}

/// Checks the batch as a whole (an array of 1 to [`MAX_ITEMS`] items, the
/// org approved and on a plan that allows bulk issuance), then creates the
/// job with one item per element in one transaction. Returns the job as
/// accepted.
pub async fn submit_batch(
    db: &Db,
    org_id: &str,
    items: &[Value],
    origin: &BatchOrigin<'_>,
    now: i64,
) -> CoreResult<Job> {
    if items.is_empty() || items.len() > MAX_ITEMS {
        return Err(CoreError::field(
            "credentials",
            format!("must hold 1 to {MAX_ITEMS} items; it holds {}. Split larger batches.", items.len()),
        ));
    }
    let org = organizations::get(db, org_id).await?;
    if !org.plan.allows_bulk_issue() {
        return Err(CoreError::Forbidden(format!(
            "The {} plan issues credentials one at a time; batches need Professional or Enterprise.",
            org.plan.label()
        )));
    }
    if !org.approved {
        return Err(CoreError::Unprocessable(
            "This organisation is not approved yet, so it cannot issue credentials.".into(),
        ));
    }

    // Parsed now, so a bad item fails at once and the workers only issue.
    let checked: Vec<Result<String, Refused>> = items
        .iter()
        .map(|item| {
            let request = IssueRequest::parse(item).map_err(|e| Refused::of(&e))?;
            check_expiry(request.expires_at, now).map_err(|e| Refused::of(&e))?;
            check_award(&request.award, request.expires_at, now).map_err(|e| Refused::of(&e))?;
            serde_json::to_string(item).map_err(|e| Refused { code: "validation_failed", message: e.to_string() })
        })
        .collect();
    let valid = checked.iter().filter(|c| c.is_ok()).count();
    let failed = (checked.len() - valid) as i64;

    let job_id = ids::new_id("job");
    let mut tx = crate::db::begin(db).await?;
    organizations::lock(&mut tx, org_id).await?;
    sqlx::query(
        "INSERT INTO jobs (id, org_id, badge_id, upload_id, filename, source, status, total, processed, succeeded,
                           failed, skipped, api_key_id, created_at)
         VALUES ($1, $2, NULL, NULL, NULL, 'api_batch', $3, $4, $5, 0, $5, 0, $6, $7)",
    )
    .bind(&job_id)
    .bind(org_id)
    .bind(if valid == 0 { JobStatus::Failed } else { JobStatus::Pending })
    .bind(items.len() as i64)
    .bind(failed)
    .bind(origin.api_key_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if valid == 0 {
        sqlx::query("UPDATE jobs SET completed_at = $1 WHERE id = $2")
            .bind(now)
            .bind(&job_id)
            .execute(&mut *tx)
            .await?;
    }

    let mut slots = status_list::lists::allocate(&mut tx, org_id, valid as u32).await?.into_iter();
    let mut rows = Vec::with_capacity(checked.len());
    for (idx, item) in checked.iter().enumerate() {
        rows.push(match item {
            Ok(request) => {
                let slot = slots.next().ok_or_else(|| anyhow::anyhow!("status slots ran short for job {job_id}"))?;
                (idx, Some(request.as_str()), Some((ids::new_id("cred"), slot)), None)
            }
            Err(refused) => (idx, None, None, Some(refused)),
        });
    }
    for chunk in rows.chunks(ITEMS_PER_INSERT) {
        let mut insert = Builder::on(
            Backend::of_conn(&tx),
            "INSERT INTO job_items (job_id, idx, line, name, email, classification, state, error_code,
                                    error_message, finished_at, credential_id, status_list_id, status_list_index,
                                    request_json) ",
        );
        insert.push_values(chunk, |mut b, (idx, request, fixed, refused)| {
            let (who, email) = describe(&items[*idx]);
            b.push_bind(&job_id)
                .push_bind(*idx as i64)
                .push_bind(*idx as i64 + 1)
                .push_bind(who)
                .push_bind(email)
                .push_bind("new")
                .push_bind(if refused.is_some() { ItemState::Failed } else { ItemState::Pending })
                .push_bind(refused.map(|r| r.code))
                .push_bind(refused.map(|r| r.message.clone()))
                .push_bind(refused.map(|_| now))
                .push_bind(fixed.as_ref().map(|(c, _)| c.clone()))
                .push_bind(fixed.as_ref().map(|(_, s)| s.list_id.clone()))
                .push_bind(fixed.as_ref().map(|(_, s)| i64::from(s.index)))
                .push_bind(*request);
        });
        insert.build().execute(&mut *tx).await?;
    }
    let summary = format!(
        "API batch {job_id}: {} credentials submitted{} ({valid} to issue, {failed} refused)",
        items.len(),
        origin.api_key_name.map(|k| format!(" with key “{k}”")).unwrap_or_default()
    );
    let data = serde_json::json!({"total": items.len(), "to_issue": valid, "refused": failed, "source": "api_batch"});
    let entry =
        Entry::new(Actor::api_key(origin.api_key_id), AuditAction::JobCreated, Some(&job_id), summary).with(data);
    audit::record(&mut *tx, org_id, entry).await?;
    if valid == 0 {
        crate::outbox::delivery::settle(&mut tx, &[job_id.as_str()], now).await?;
        super::lease::announce_finished(&mut tx, &job_id, now).await?;
    }
    // Read before the commit: the answer is the job as accepted, not as a
    // worker (in this process or another) may already have moved it on.
    let job = super::read::get_in(&mut tx, org_id, &job_id).await?;
    tx.commit().await?;
    super::engine::wake();
    Ok(job)
}

/// Who an item is about, for the job's pages: the subject's name (or id)
/// and the recipient's e-mail for a badge.
fn describe(v: &Value) -> (String, String) {
    let text = |p: &str| v.pointer(p).and_then(Value::as_str).map(str::to_owned);
    let name = text("/recipient/name").or_else(|| text("/subject/name")).or_else(|| text("/subject/id"));
    (name.unwrap_or_default(), text("/recipient/email").unwrap_or_default())
}
