//! Issuance jobs: a submitted CSV (from the dashboard or `POST
//! /v1/bulk-issue`) becomes a job with one item per row of the file, and
//! workers ([`engine`]) issue the pending items in batches.
//!
//! - [`submit`]: a reviewed file, checked once more, starts its job.
//! - [`create`]: the job and its items, from a review of the file.
//! - [`lease`]: which jobs run, and leasing a batch of items to a worker.
//! - [`throttle`]: the per-org throughput cap.
//! - [`foreground`]: requests in flight come first; jobs slow for them.
//! - [`sign`]: building and signing a leased batch, on every core.
//! - [`record`]: one transaction per batch that revokes what is
//!   superseded, stores the credentials, queues their e-mails and records
//!   each item's result, so a row is issued exactly once.
//! - [`read`]: jobs and items as the pages and the API show them.
//! - [`progress`]: rate and time left, for the page and its live stream.
//! - [`cancel`]: stopping a job; what was issued stays.
//! - [`pilot`]: a job that issues its first rows, then waits to be
//!   released.
//! - [`schedule`]: a job that waits for its start time.
//! - [`batch_submit`]: a JSON batch of single-issue bodies becomes a job.
//! - [`issue_items`]: the workers' step for a JSON batch: each item issued
//!   as `POST /v1/credentials` would, one savepoint each.
//! - [`revoke`]: revocation jobs, and the workers' step that revokes a
//!   batch; [`undo`] starts one for a finished job's credentials,
//!   [`revoke_selected`] for those matching a filter of the list.

pub mod batch_submit;
pub mod cancel;
pub mod create;
pub mod engine;
pub mod foreground;
pub mod issue_items;
pub mod lease;
pub mod pilot;
pub mod progress;
pub mod read;
pub mod record;
pub mod revoke;
pub mod revoke_selected;
pub mod schedule;
pub mod sign;
pub mod submit;
pub mod throttle;
pub mod throughput;
pub mod undo;

pub use cancel::cancel;
pub use create::{NewJob, Source, create};
pub use model::{ItemState, JobKind, JobStatus};
pub use read::{ItemFilter, Job, JobItem, credential_ids, failed_items, failed_rows_csv, get, items, list};

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
