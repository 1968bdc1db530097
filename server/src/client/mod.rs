//! The `laurel` CLI as a client of a Laurel server's REST API: the commands
//! an operator runs from CI or cron against a hosted Laurel (`--url`, the
//! key from `LAUREL_API_KEY` or `--api-key-file`, never an argument that
//! shows in `ps`). They call the API, as any client would, and never the
//! database.
//!
//! - [`remote`]: the HTTP client: the key, retries across dropped
//!   connections and restarts, errors mapped to exit codes.
//! - [`batch_issue`]: `credentials batch-issue`: split, submit with
//!   derived idempotency keys, wait, retry transient failures, report.
//! - [`bulk_issue`]: `credentials bulk-issue`: a CSV for one badge.
//! - [`follow`]: following jobs to the end and reporting each item.
//! - [`credentials`]: `credentials issue|get|revoke|verify`.
//! - [`jobs`]: `jobs list|get|cancel`.
//! - [`keys`]: `keys …` against a server (without `--org`).
//! - [`progress`]: a bar on a terminal, plain lines in a log.
//! - [`output`]: `--format json|table`.

pub mod batch_issue;
pub mod bulk_issue;
pub mod credentials;
pub mod follow;
pub mod jobs;
pub mod keys;
pub mod output;
pub mod progress;
pub mod remote;

pub use remote::{Remote, RemoteError};

/// What the process exits with, as scripts read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Every item issued.
    Issued = 0,
    /// At least one item failed.
    SomeFailed = 1,
    /// The command could not do its work: bad usage, a refused key, or no
    /// server to talk to.
    CouldNot = 2,
}

impl Exit {
    pub fn code(self) -> i32 {
        self as i32
    }
}
