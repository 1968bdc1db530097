//! Issuance jobs: a submitted CSV (from the dashboard or `POST
//! /v1/bulk-issue`) becomes a job with one item per row of the file, and
//! workers ([`engine`]) issue the pending items in batches.
//!
//! - [`create`]: the job and its items, from a review of the file.
//! - [`lease`]: which jobs run, and leasing a batch of items to a worker.
//! - [`throttle`]: the per-org throughput cap.
//! - [`sign`]: building and signing a leased batch, on every core.
//! - [`record`]: one transaction per batch that revokes what is
//!   superseded, stores the credentials, queues their e-mails and records
//!   each item's result, so a row is issued exactly once.
//! - [`read`]: jobs and items as the pages and the API show them.

pub mod create;
pub mod engine;
pub mod lease;
pub mod read;
pub mod record;
pub mod sign;
pub mod throttle;

use serde::{Deserialize, Serialize};

pub use create::{NewJob, Source, create};
pub use read::{ItemFilter, Job, JobItem, cancel, credential_ids, email_counts, failed_rows_csv, get, items, list};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Waiting for a slot (an org runs at most ten jobs at once).
    Pending,
    Processing,
    Completed,
    /// Every item failed.
    Failed,
    Cancelled,
}

impl JobStatus {
    pub const ALL: [JobStatus; 5] =
        [JobStatus::Pending, JobStatus::Processing, JobStatus::Completed, JobStatus::Failed, JobStatus::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Pending => "pending",
            JobStatus::Processing => "processing",
            JobStatus::Completed => "completed",
            JobStatus::Failed => "failed",
            JobStatus::Cancelled => "cancelled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            JobStatus::Pending => "Pending",
            JobStatus::Processing => "Processing",
            JobStatus::Completed => "Completed",
            JobStatus::Failed => "Failed",
            JobStatus::Cancelled => "Cancelled",
        }
    }

    pub fn is_finished(self) -> bool {
        matches!(self, JobStatus::Completed | JobStatus::Failed | JobStatus::Cancelled)
    }
}

impl std::str::FromStr for JobStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        JobStatus::ALL.into_iter().find(|j| j.as_str() == s).ok_or_else(|| format!("unknown job status '{s}'"))
    }
}

/// What became of one row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    Pending,
    Succeeded,
    Failed,
    Skipped,
    Cancelled,
}

impl ItemState {
    pub const ALL: [ItemState; 5] =
        [ItemState::Pending, ItemState::Succeeded, ItemState::Failed, ItemState::Skipped, ItemState::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemState::Pending => "pending",
            ItemState::Succeeded => "succeeded",
            ItemState::Failed => "failed",
            ItemState::Skipped => "skipped",
            ItemState::Cancelled => "cancelled",
        }
    }
}

impl std::str::FromStr for ItemState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        ItemState::ALL.into_iter().find(|j| j.as_str() == s).ok_or_else(|| format!("unknown item state '{s}'"))
    }
}

/// Error codes an item can fail with, as the API reports them.
pub mod codes {
    /// The row's name or e-mail is missing or malformed, or it repeats an
    /// earlier row.
    pub const INVALID_ROW: &str = "invalid_row";
    /// The org's monthly recipient quota has no room for this recipient.
    pub const QUOTA_EXCEEDED: &str = "quota_exceeded";
    /// The badge was archived or the org lost its approval mid-job.
    pub const NOT_ISSUABLE: &str = "not_issuable";
}
