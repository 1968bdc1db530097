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
//! - [`commands`]: the commands' arguments, and where each goes.
//! - [`bulk_issue`]: `credentials bulk-issue`: a CSV for one badge.
//! - [`follow`]: following jobs to the end and reporting each item.
//! - [`credentials`]: `credentials issue|get|revoke|verify`.
//! - [`jobs`]: `jobs list|get|cancel`.
//! - [`keys`]: `keys …` against a server (without `--org`).
//! - [`progress`]: a bar on a terminal, plain lines in a log.
//! - [`output`]: `--format json|table`.

pub mod batch_issue;
pub mod bulk_issue;
pub mod commands;
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

/// The bytes of `file`, or of standard input for `-`.
pub(crate) fn read_input(file: &str) -> Result<Vec<u8>, RemoteError> {
    let read = if file == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes).map(|_| bytes)
    } else {
        std::fs::read(file)
    };
    read.map_err(|e| RemoteError::Usage(format!("{}: {e}", input_name(file))))
}

/// `bytes` read from `file` as JSON; a failure names the file, the line
/// and the column.
pub(crate) fn parse_json(file: &str, bytes: &[u8]) -> Result<serde_json::Value, RemoteError> {
    serde_json::from_slice(bytes).map_err(|e| {
        RemoteError::Usage(format!("{}: not JSON: {e} (line {}, column {})", input_name(file), e.line(), e.column()))
    })
}

/// How messages name `file`.
pub(crate) fn input_name(file: &str) -> &str {
    if file == "-" { "standard input" } else { file }
}

/// An id as one path segment: an id with a slash or a dot segment would
/// reach another route.
pub(crate) fn segment(id: &str) -> Result<&str, RemoteError> {
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return Err(RemoteError::Usage(format!("{id:?} is not an id (letters, digits, _ and - only)")));
    }
    Ok(id)
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
