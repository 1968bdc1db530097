//! Bulk jobs: the history, one job with its rows, and cancelling.
//!
//! The snapshot builders below (server only) are shared with the job's
//! server-sent events (`server/src/job_events.rs`), so the page rendered on
//! load and the live updates after it say the same things.

use leptos::prelude::*;

use super::types::{JobPageView, JobRowsView, JobsView};
use crate::error::AppError;

/// Jobs per page of the history.
pub const JOBS_PAGE_SIZE: i64 = 25;
/// Rows per page of a job's results table.
pub const ITEMS_PAGE_SIZE: i64 = 50;
/// Failed rows listed with their reasons above the table; the rest are in
/// the table (filter "Failed") and the failed-rows file.
pub const FAILURES_LISTED: usize = 100;

#[server(endpoint = "list_jobs")]
pub async fn list_jobs(org_id: String, before: Option<String>) -> Result<JobsView, AppError> {
    use crate::ssr;
    use issuance::orgs::Action;

    ssr::authorize(&org_id, Action::ViewOrg).await?;
    let db = ssr::state()?.db;
    let before = before.filter(|b| !b.is_empty());
    let jobs = issuance::jobs::list(&db, &org_id, None, JOBS_PAGE_SIZE + 1, before.as_deref()).await?;
    let now = issuance::clock::now();
    let next_cursor = (jobs.len() as i64 > JOBS_PAGE_SIZE).then(|| jobs[JOBS_PAGE_SIZE as usize - 1].id.clone());
    Ok(JobsView {
        jobs: jobs.iter().take(JOBS_PAGE_SIZE as usize).map(|j| live::summary(j, now)).collect(),
        next_cursor,
    })
}

/// A job and how it stands, with its first failures.
#[server(endpoint = "get_job_page")]
pub async fn get_job_page(org_id: String, job_id: String) -> Result<JobPageView, AppError> {
    use crate::ssr;
    use issuance::orgs::Action;

    let (_, membership) = ssr::authorize(&org_id, Action::ViewOrg).await?;
    let state = ssr::state()?;
    let db = state.db;
    let now = issuance::clock::now();
    let job = issuance::jobs::get(&db, &org_id, &job_id).await?;
    let mut snapshot = live::snapshot(&db, &job, job.average_rate(now)).await?;
    snapshot.failures = live::failures(&db, &job).await?;
    use super::types::UndoView;
    let undoable = job.status.is_finished() && !job.revokes() && job.undone_by_job_id.is_none();
    let undo = UndoView {
        revokes: job.revokes(),
        notifies: job.notifies(),
        revocable: if undoable { issuance::jobs::undo::revocable(&db, &org_id, &job_id).await? } else { 0 },
        undoes_job_id: job.undoes_job_id.clone(),
        reason: job.undo_reason.clone(),
        undone_by_job_id: job.undone_by_job_id.clone(),
    };
    Ok(JobPageView {
        job: live::summary(&job, now),
        snapshot,
        can_cancel: membership.role.allows(Action::Issue),
        smtp_configured: state.smtp_configured,
        undo,
        pilot_size: job.pilot_size,
        scheduled_for: match job.scheduled_for {
            None => None,
            Some(at) => {
                use issuance::orgs::time_zone;
                let name = time_zone::get(&db, &org_id).await?;
                Some((time_zone::local(at, &time_zone::zone(&name)?), name))
            }
        },
    })
}

/// Moves a scheduled job's start (a date and time in the org's time zone).
/// Issuer and above.
#[server(endpoint = "reschedule_job")]
pub async fn reschedule_job(org_id: String, job_id: String, start_at: String) -> Result<(), AppError> {
    use crate::ssr;
    use issuance::orgs::{Action, time_zone};

    let (user, _) = ssr::authorize(&org_id, Action::Issue).await?;
    let db = ssr::state()?.db;
    let zone = time_zone::zone(&time_zone::get(&db, &org_id).await?)?;
    let at = time_zone::parse(&start_at, &zone, "start_at")?;
    issuance::jobs::schedule::reschedule(&db, &org_id, &job_id, at, Some(&user.id), issuance::clock::now()).await?;
    ssr::done(&format!("/organizations/{org_id}/jobs/{job_id}"), model::Notice::JobRescheduled);
    Ok(())
}

/// Releases a job paused after its pilot: the rest of its rows are issued.
/// Issuer and above.
#[server(endpoint = "release_job")]
pub async fn release_job(org_id: String, job_id: String) -> Result<(), AppError> {
    use crate::ssr;
    use issuance::orgs::Action;

    let (user, _) = ssr::authorize(&org_id, Action::Issue).await?;
    issuance::jobs::pilot::release(&ssr::state()?.db, &org_id, &job_id, Some(&user.id)).await?;
    ssr::done(&format!("/organizations/{org_id}/jobs/{job_id}"), model::Notice::JobReleased);
    Ok(())
}

/// Undoes a finished job: its active credentials revoked by a job of its
/// own, whose page the browser goes to. Issuer and above.
/// `notify_recipients` is the form's checkbox (present when ticked).
#[server(endpoint = "undo_job")]
pub async fn undo_job(
    org_id: String,
    job_id: String,
    reason: Option<String>,
    notify_recipients: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr;
    use issuance::jobs::{revoke::Origin, undo};
    use issuance::orgs::Action;

    let (user, _) = ssr::authorize(&org_id, Action::Issue).await?;
    let origin = Origin { created_by: Some(&user.id), api_key_id: None };
    let db = ssr::state()?.db;
    let notify = notify_recipients.is_some();
    let now = issuance::clock::now();
    let started = undo::start(&db, &org_id, &job_id, reason.as_deref(), notify, &origin, now).await?;
    ssr::done(&format!("/organizations/{org_id}/jobs/{}", started.id), model::Notice::JobUndoStarted);
    Ok(())
}

/// The job's throughput so far, for the chart on its page.
#[server(endpoint = "get_job_throughput")]
pub async fn get_job_throughput(org_id: String, job_id: String) -> Result<super::types::ThroughputView, AppError> {
    use crate::ssr;
    use issuance::orgs::Action;

    ssr::authorize(&org_id, Action::ViewOrg).await?;
    let state = ssr::state()?;
    let job = issuance::jobs::get(&state.db, &org_id, &job_id).await?;
    let t = issuance::jobs::throughput::of(&state.db, &job, state.clock.now()).await?;
    Ok(super::types::ThroughputView { interval_secs: t.interval_secs, counts: t.counts })
}

/// One page of the job's rows in file order (optionally only the rows in
/// `state`), starting after row index `after`.
#[server(endpoint = "get_job_rows")]
pub async fn get_job_rows(
    org_id: String,
    job_id: String,
    state: Option<String>,
    after: Option<i64>,
) -> Result<JobRowsView, AppError> {
    use super::types::ItemCount;
    use crate::ssr;
    use issuance::jobs::{ItemFilter, ItemState};
    use issuance::orgs::Action;

    ssr::authorize(&org_id, Action::ViewOrg).await?;
    let db = ssr::state()?.db;
    let job = issuance::jobs::get(&db, &org_id, &job_id).await?;
    let filter = state.as_deref().and_then(|s| s.parse::<ItemState>().ok());
    let after = after.filter(|a| *a >= 0);
    let items =
        issuance::jobs::items(&db, &org_id, &job_id, &ItemFilter { state: filter, after, limit: ITEMS_PAGE_SIZE + 1 })
            .await?;
    let next_after = (items.len() as i64 > ITEMS_PAGE_SIZE).then(|| items[ITEMS_PAGE_SIZE as usize - 1].idx);
    let count = |state: ItemState, n: i64| ItemCount { state, count: n.max(0) as usize };
    Ok(JobRowsView {
        counts: vec![
            count(ItemState::Succeeded, job.succeeded),
            count(ItemState::Failed, job.failed),
            count(ItemState::Skipped, job.skipped),
            count(ItemState::Pending, job.remaining()),
            count(ItemState::Cancelled, job.cancelled_rows()),
        ],
        items: items.into_iter().take(ITEMS_PAGE_SIZE as usize).collect(),
        filter,
        after,
        next_after,
    })
}

/// Stops a pending or processing job: rows not yet issued are cancelled,
/// what was issued stays. Issuer and above.
#[server(endpoint = "cancel_job")]
pub async fn cancel_job(org_id: String, job_id: String) -> Result<(), AppError> {
    use crate::ssr;
    use issuance::orgs::Action;

    let (user, _) = ssr::authorize(&org_id, Action::Issue).await?;
    issuance::jobs::cancel(&ssr::state()?.db, &org_id, &job_id, Some(&user.id)).await?;
    ssr::done(&format!("/organizations/{org_id}/jobs/{job_id}"), model::Notice::JobCancelled);
    Ok(())
}

/// Sends one failed or bounced e-mail of the job again. Issuer and above.
#[server(endpoint = "resend_job_email")]
pub async fn resend_job_email(org_id: String, job_id: String, message_id: String) -> Result<(), AppError> {
    use crate::ssr;
    use issuance::orgs::Action;

    let (user, _) = ssr::authorize(&org_id, Action::Issue).await?;
    let db = ssr::state()?.db;
    // The message must be this job's, in this org.
    let item = issuance::outbox::job_message(&db, &org_id, &job_id, &message_id).await?;
    issuance::outbox::resend::one(&db, &org_id, &item, Some(&user.id), issuance::clock::now()).await?;
    ssr::done(&format!("/organizations/{org_id}/jobs/{job_id}"), model::Notice::EmailsResent);
    Ok(())
}

/// Sends every failed or bounced e-mail of the job again. Issuer and above.
#[server(endpoint = "resend_job_emails")]
pub async fn resend_job_emails(org_id: String, job_id: String) -> Result<(), AppError> {
    use crate::ssr;
    use issuance::orgs::Action;

    let (user, _) = ssr::authorize(&org_id, Action::Issue).await?;
    let db = ssr::state()?.db;
    issuance::outbox::resend::job(&db, &org_id, &job_id, Some(&user.id), issuance::clock::now()).await?;
    ssr::done(&format!("/organizations/{org_id}/jobs/{job_id}"), model::Notice::EmailsResent);
    Ok(())
}

/// Builders of what the job pages and the job's event stream show.
#[cfg(feature = "ssr")]
pub mod live {
    use issuance::db::Db;
    use issuance::error::CoreResult;
    use issuance::jobs::{ItemFilter, ItemState, Job};

    use super::FAILURES_LISTED;
    use crate::api::types::{JobFailure, JobSnapshot, JobSummary};

    pub fn summary(job: &Job, now: i64) -> JobSummary {
        JobSummary {
            id: job.id.clone(),
            // A JSON batch, or a file naming a badge per row, has no one
            // badge: it is named for what it is.
            badge_name: job.badge_name.clone().unwrap_or_else(|| match (job.source, job.kind) {
                (model::JobSource::ApiBatch, _) | (_, model::JobKind::Revoke) => {
                    format!("API batch of {} credentials", job.total)
                }
                _ => "Several badges".to_owned(),
            }),
            filename: job.filename.clone(),
            source: job.source,
            status: job.status,
            submitted_by: job.submitted_by.clone(),
            total: job.total,
            succeeded: job.succeeded,
            failed: job.failed,
            skipped: job.skipped,
            cancelled: job.cancelled_rows(),
            remaining: job.remaining(),
            created_at: job.created_at,
            started_at: job.started_at,
            completed_at: job.completed_at,
            duration: job.duration(now),
        }
    }

    /// The job's counts and e-mails, with `rate` and the time left at that
    /// rate; no failures (see [`failures`]).
    pub async fn snapshot(db: &Db, job: &Job, rate: Option<f64>) -> CoreResult<JobSnapshot> {
        let emails = issuance::outbox::counts_for_job(db, &job.org_id, &job.id).await?;
        Ok(JobSnapshot {
            status: job.status,
            total: job.total,
            processed: job.processed,
            succeeded: job.succeeded,
            failed: job.failed,
            skipped: job.skipped,
            cancelled: job.cancelled_rows(),
            remaining: job.remaining(),
            emails_queued: emails.queued,
            emails_sent: emails.sent,
            emails_failed: emails.failed,
            emails_cancelled: emails.cancelled,
            emails_bounced: emails.bounced,
            rate,
            seconds_left: job.seconds_left(rate),
            failures: Vec::new(),
        })
    }

    /// The first failed rows, in file order, with their reasons.
    pub async fn failures(db: &Db, job: &Job) -> CoreResult<Vec<JobFailure>> {
        if job.failed == 0 {
            return Ok(Vec::new());
        }
        let filter = ItemFilter { state: Some(ItemState::Failed), after: None, limit: FAILURES_LISTED as i64 };
        Ok(issuance::jobs::items(db, &job.org_id, &job.id, &filter)
            .await?
            .into_iter()
            .map(|i| JobFailure {
                row: i.row(),
                idx: i.idx,
                name: i.name,
                email: i.email,
                code: i.error_code,
                message: i.error_message.unwrap_or_default(),
            })
            .collect())
    }
}
