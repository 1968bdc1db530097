//! A bulk job's status, and what became of each of its rows.

use serde::{Deserialize, Serialize};

use crate::mail::MailStatus;
use crate::review::RowStatus;
use crate::term::vocabulary;

vocabulary! {
    pub enum JobStatus {
        /// Waiting for its start time (`scheduled_for`).
        Scheduled,
        /// Waiting for a slot (an org runs at most ten jobs at once).
        Pending,
        /// Issuing its rows.
        Processing,
        /// Its pilot rows are issued; the rest wait for a person to release
        /// them (or cancel the job).
        Paused,
        /// Every row is issued or failed; its e-mails are still going out.
        Delivering,
        Completed,
        /// Every item failed.
        Failed,
        Cancelled,
    }
}

impl JobStatus {
    pub fn label(self) -> &'static str {
        match self {
            JobStatus::Scheduled => "Scheduled",
            JobStatus::Pending => "Pending",
            JobStatus::Processing => "Processing",
            JobStatus::Paused => "Paused after the pilot",
            JobStatus::Delivering => "Issued, e-mailing",
            JobStatus::Completed => "Completed",
            JobStatus::Failed => "Failed",
            JobStatus::Cancelled => "Cancelled",
        }
    }

    /// Nothing more will happen to the job.
    pub fn is_finished(self) -> bool {
        matches!(self, JobStatus::Completed | JobStatus::Failed | JobStatus::Cancelled)
    }
}

vocabulary! {
    /// What a job does to its rows.
    pub enum JobKind {
        /// Issues a credential per row (a CSV or a JSON batch).
        Issue,
        /// Revokes a credential per row: an undo of another job, or the
        /// credentials a person selected in the list.
        Revoke,
    }
}

vocabulary! {
    /// Where a job was submitted from.
    pub enum JobSource {
        /// A CSV submitted on the bulk-issue page.
        Dashboard,
        /// `POST /v1/bulk-issue`.
        Api,
        /// `POST /v1/credentials/batch-issue`: a JSON batch of single-issue
        /// bodies, of any credential type.
        ApiBatch,
    }
}

impl JobSource {
    pub fn label(self) -> &'static str {
        match self {
            JobSource::Dashboard => "CSV upload",
            JobSource::Api => "CSV over the API",
            JobSource::ApiBatch => "API batch",
        }
    }
}

vocabulary! {
    /// A job's status as `POST /v1/credentials/batch-issue` names it (the
    /// reference API's words): a pending job is `queued`.
    pub enum BatchStatus {
        Queued,
        Processing,
        Completed,
        Failed,
        Cancelled,
    }
}

impl From<JobStatus> for BatchStatus {
    fn from(s: JobStatus) -> Self {
        match s {
            JobStatus::Scheduled | JobStatus::Pending => BatchStatus::Queued,
            // The reference API's words have no delivery phase; its clients
            // wait for `completed`, which now means the e-mails are out.
            // JSON batches have no pilot; were one paused, it still runs.
            JobStatus::Processing | JobStatus::Paused | JobStatus::Delivering => BatchStatus::Processing,
            JobStatus::Completed => BatchStatus::Completed,
            JobStatus::Failed => BatchStatus::Failed,
            JobStatus::Cancelled => BatchStatus::Cancelled,
        }
    }
}

vocabulary! {
    /// What became of one row.
    pub enum ItemState {
        Pending,
        Succeeded,
        Failed,
        Skipped,
        Cancelled,
    }
}

impl ItemState {
    pub fn label(self) -> &'static str {
        match self {
            ItemState::Pending => "Pending",
            ItemState::Succeeded => "Issued",
            ItemState::Failed => "Failed",
            ItemState::Skipped => "Skipped",
            ItemState::Cancelled => "Cancelled",
        }
    }
}

/// One row of a job's file and what became of it: what the job page's
/// table and the API show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct JobItem {
    /// 0-based data row of the file (the API's `index`).
    pub idx: i64,
    /// The line of the file the row starts on (kept for the record; people
    /// are shown [`JobItem::row`]).
    pub line: i64,
    pub name: String,
    pub email: String,
    /// The review's verdict at submit.
    pub classification: RowStatus,
    pub state: ItemState,
    /// Set once the row succeeded.
    pub credential_id: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub finished_at: Option<i64>,
    /// The e-mail to the recipient, once the row succeeded.
    pub email_id: Option<String>,
    pub email_status: Option<MailStatus>,
    pub email_error: Option<String>,
}

impl JobItem {
    /// The 1-based data row, the one number every page, download and API
    /// answer uses for a row (the header and blank lines not counted).
    pub fn row(&self) -> i64 {
        self.idx + 1
    }
}
