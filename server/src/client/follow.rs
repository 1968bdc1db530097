//! Following submitted jobs to the end, for both `batch-issue` (JSON) and
//! `bulk-issue` (CSV): poll with progress until each job has finished,
//! then read every item's outcome from `{base}/{job_id}/items`, report
//! them, and write them out.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};

use super::progress::Progress;
use super::{Exit, Remote, RemoteError};

/// Error codes that another try may not meet.
const TRANSIENT_CODES: [&str; 3] = ["internal_error", "rate_limited", "service_unavailable"];

/// One submitted job, and where its items sit in what the user gave.
pub struct Job {
    pub job_id: String,
    /// The index (in the user's file) of each of the job's items, in order.
    pub indices: Vec<usize>,
}

#[derive(Clone, Debug)]
pub enum Outcome {
    Issued(String),
    /// A CSV row the review set aside (already holding the credential).
    Skipped,
    Failed {
        code: String,
        message: String,
    },
    /// Cancelled, or never reached: worth another try.
    NotDone(String),
}

impl Outcome {
    pub fn transient(&self) -> bool {
        match self {
            Outcome::Issued(_) | Outcome::Skipped => false,
            Outcome::NotDone(_) => true,
            Outcome::Failed { code, .. } => TRANSIENT_CODES.contains(&code.as_str()),
        }
    }

    fn from_item(item: &Value) -> Outcome {
        match (item["status"].as_str(), item["credential_id"].as_str()) {
            (Some("succeeded"), Some(id)) => Outcome::Issued(id.to_owned()),
            (Some("skipped"), _) => Outcome::Skipped,
            (Some("failed"), _) => Outcome::Failed {
                code: item["error"]["code"].as_str().unwrap_or("error").to_owned(),
                message: item["error"]["message"].as_str().unwrap_or_default().to_owned(),
            },
            (status, _) => Outcome::NotDone(status.unwrap_or("unknown").to_owned()),
        }
    }
}

/// Follows `jobs` (under `base`, e.g. `/v1/bulk-issue`) until each has
/// finished, then reads every item's outcome, keyed by its index.
pub async fn wait(remote: &Remote, base: &str, jobs: &[Job]) -> Result<BTreeMap<usize, Outcome>, RemoteError> {
    let total: u64 = jobs.iter().map(|j| j.indices.len() as u64).sum();
    let mut progress = Progress::new(total);
    let mut poll = Duration::from_millis(200);
    loop {
        let mut processed = 0;
        let mut finished = true;
        for j in jobs {
            let job = remote.get(&format!("{base}/{}", j.job_id)).await?;
            processed += job["processed"].as_u64().unwrap_or(0);
            finished &= matches!(job["status"].as_str(), Some("completed" | "failed" | "cancelled"));
        }
        progress.show(processed);
        if finished {
            break;
        }
        tokio::time::sleep(poll).await;
        poll = (poll * 3 / 2).min(Duration::from_secs(2));
    }
    progress.finish();

    let mut outcomes = BTreeMap::new();
    for j in jobs {
        let mut after: Option<String> = None;
        loop {
            let path = match &after {
                Some(cursor) => format!("{base}/{}/items?after={cursor}", j.job_id),
                None => format!("{base}/{}/items", j.job_id),
            };
            let page = remote.get(&path).await?;
            for item in page["data"].as_array().into_iter().flatten() {
                let Some(at) = item["index"].as_u64().and_then(|i| j.indices.get(i as usize)) else {
                    continue;
                };
                outcomes.insert(*at, Outcome::from_item(item));
            }
            match page["next_cursor"].as_str() {
                Some(cursor) => after = Some(cursor.to_owned()),
                None => break,
            }
        }
    }
    Ok(outcomes)
}

/// One JSON line per item, in order.
pub fn write_results(path: &Path, outcomes: &BTreeMap<usize, Outcome>) -> Result<(), RemoteError> {
    let mut out = String::new();
    for (index, o) in outcomes {
        let line = match o {
            Outcome::Issued(id) => json!({"index": index, "credential_id": id}),
            Outcome::Skipped => json!({"index": index, "skipped": true}),
            Outcome::Failed { code, message } => json!({"index": index, "error": {"code": code, "message": message}}),
            Outcome::NotDone(status) => json!({"index": index, "error": {"code": status, "message": "not issued"}}),
        };
        out.push_str(&line.to_string());
        out.push('\n');
    }
    std::fs::write(path, out).map_err(|e| RemoteError::Usage(format!("--out {}: {e}", path.display())))
}

/// Prints the summary and each failed item; the exit says whether all
/// issued (skipped rows are not failures).
pub fn report(outcomes: &BTreeMap<usize, Outcome>) -> Exit {
    let issued = outcomes.values().filter(|o| matches!(o, Outcome::Issued(_))).count();
    let skipped = outcomes.values().filter(|o| matches!(o, Outcome::Skipped)).count();
    let failed: Vec<_> =
        outcomes.iter().filter(|(_, o)| matches!(o, Outcome::Failed { .. } | Outcome::NotDone(_))).collect();
    if skipped > 0 {
        eprintln!("{issued} issued, {} failed, {skipped} skipped", failed.len());
    } else {
        eprintln!("{issued} issued, {} failed", failed.len());
    }
    for (index, o) in &failed {
        match o {
            Outcome::Failed { code, message } => eprintln!("  item {index}: {code}: {message}"),
            Outcome::NotDone(status) => eprintln!("  item {index}: {status}: not issued"),
            Outcome::Issued(_) | Outcome::Skipped => {}
        }
    }
    if failed.is_empty() { Exit::Issued } else { Exit::SomeFailed }
}
