//! Bulk jobs: the history, the job page and its live updates.

use serde::{Deserialize, Serialize};

use super::{ItemState, JobItem, JobSource, JobStatus};

/// How many of a job's rows are in one state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemCount {
    pub state: ItemState,
    pub count: usize,
}

/// A bulk job as the history lists it and the job page heads it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobSummary {
    pub id: String,
    pub badge_name: String,
    pub filename: Option<String>,
    pub source: JobSource,
    pub status: JobStatus,
    /// A member's e-mail, or the API key's name.
    pub submitted_by: Option<String>,
    pub total: i64,
    pub succeeded: i64,
    pub failed: i64,
    pub skipped: i64,
    /// Rows never processed because the job was cancelled.
    pub cancelled: i64,
    pub remaining: i64,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub completed_at: Option<i64>,
    /// Seconds from start to finish, or until now while it runs.
    pub duration: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobsView {
    pub jobs: Vec<JobSummary>,
    pub next_cursor: Option<String>,
}

/// A row that failed, with why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobFailure {
    /// 0-based data row (orders the list).
    pub idx: i64,
    /// 1-based data row, as the review and every download number it.
    pub row: i64,
    pub name: String,
    pub email: String,
    pub code: Option<String>,
    pub message: String,
}

/// How a job stands: what the job page renders first and what every
/// server-sent event of `/organizations/{org}/jobs/{job}/events` carries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobSnapshot {
    pub status: JobStatus,
    pub total: i64,
    pub processed: i64,
    pub succeeded: i64,
    pub failed: i64,
    pub skipped: i64,
    pub cancelled: i64,
    pub remaining: i64,
    pub emails_queued: i64,
    pub emails_sent: i64,
    pub emails_failed: i64,
    /// Not sent because the credential was revoked first (or the recipient
    /// unsubscribed).
    pub emails_cancelled: i64,
    /// Accepted by the relay, then returned by the recipient's server.
    pub emails_bounced: i64,
    /// Credentials issued per second, lately (while running) or on average.
    pub rate: Option<f64>,
    /// Estimated seconds until the job is done, while it runs.
    pub seconds_left: Option<i64>,
    /// Failed rows: on the page, the first ones; in an event, those not
    /// sent before on that connection.
    pub failures: Vec<JobFailure>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobPageView {
    pub job: JobSummary,
    pub snapshot: JobSnapshot,
    /// The viewer's role may cancel (the job's status decides the rest).
    pub can_cancel: bool,
    /// Whether this server sends e-mail at all (`LAUREL_SMTP_URL`): without
    /// it the page must not let anyone think recipients were told.
    pub smtp_configured: bool,
    pub undo: UndoView,
    /// Submitted as a pilot of this many rows.
    pub pilot_size: Option<i64>,
    /// Its start, as a wall-clock time in the org's time zone, and the zone:
    /// `2027-03-01T09:00`, `Europe/Berlin`.
    pub scheduled_for: Option<(String, String)>,
}

/// Where the job stands as to undoing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct UndoView {
    /// This job revokes (an undo, or a selection from the list).
    pub revokes: bool,
    /// This job is an undo of that one.
    pub undoes_job_id: Option<String>,
    /// Why, as its credentials' revocation reason.
    pub reason: Option<String>,
    /// That job undid this one.
    pub undone_by_job_id: Option<String>,
    /// Credentials an undo would revoke now (0 while the job runs).
    pub revocable: i64,
    /// This undo e-mails each recipient as their credential is revoked.
    pub notifies: bool,
}

/// One page of a job's rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobRowsView {
    /// Rows per state, for the filter.
    pub counts: Vec<ItemCount>,
    pub items: Vec<JobItem>,
    /// The item state the table shows, if filtered.
    pub filter: Option<ItemState>,
    /// The cursor the table starts after, if not on its first page.
    pub after: Option<i64>,
    pub next_after: Option<i64>,
}

/// Credentials a job issued per interval since it started (the chart on
/// its page).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ThroughputView {
    pub interval_secs: i64,
    pub counts: Vec<i64>,
}
