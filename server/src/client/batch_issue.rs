//! `laurel credentials batch-issue --file F [--wait] [--out F] [--retries N]`.
//!
//! The file (a JSON array of single-issue bodies, `{"credentials": [...]}`,
//! or `-` for standard input) goes to `POST /v1/credentials/batch-issue` in
//! batches of at most 10,000 items, in order. Each batch's
//! `Idempotency-Key` is derived from the file's bytes and the batch's
//! position, so running the same command again after a crash or a dropped
//! connection finds the jobs it already created and issues nothing twice.
//! With `--wait` it follows the jobs to the end, submits again the items
//! that failed for a passing reason (a server error, a rate limit, a
//! cancelled job; never a validation failure), and reports each item.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::credentials::hex;
use super::progress::Progress;
use super::{Exit, Remote, RemoteError};

/// The API's largest batch.
pub const BATCH_ITEMS: usize = 10_000;
const BASE: &str = "/v1/credentials/batch-issue";
/// Error codes that another try may not meet.
const TRANSIENT_CODES: [&str; 3] = ["internal_error", "rate_limited", "service_unavailable"];

pub struct Options {
    pub file: String,
    pub wait: bool,
    pub out: Option<PathBuf>,
    pub retries: u32,
}

/// One submitted batch: its job, and where its items sit in the file.
struct Batch {
    job_id: String,
    /// The file index of each of its items, in order.
    indices: Vec<usize>,
}

#[derive(Clone, Debug)]
enum Outcome {
    Issued(String),
    Failed {
        code: String,
        message: String,
    },
    /// Cancelled, or never reached: worth another try.
    NotDone(String),
}

impl Outcome {
    fn transient(&self) -> bool {
        match self {
            Outcome::Issued(_) => false,
            Outcome::NotDone(_) => true,
            Outcome::Failed { code, .. } => TRANSIENT_CODES.contains(&code.as_str()),
        }
    }
}

pub async fn run(remote: &Remote, options: Options) -> Result<Exit, RemoteError> {
    let (bytes, items) = read(&options.file)?;
    let digest = hex(&Sha256::digest(&bytes))[..32].to_owned();
    let everything: Vec<usize> = (0..items.len()).collect();
    let batches = submit(remote, &items, &everything, &format!("laurel-cli-{digest}")).await?;
    for b in &batches {
        println!("{}", b.job_id);
    }
    if !options.wait {
        return Ok(Exit::Issued);
    }

    let mut outcomes = wait(remote, &batches).await?;
    for attempt in 1..=options.retries {
        let again: Vec<usize> = outcomes.iter().filter(|(_, o)| o.transient()).map(|(i, _)| *i).collect();
        if again.is_empty() {
            break;
        }
        eprintln!(
            "{} items failed for a passing reason; trying them again ({attempt} of {})",
            again.len(),
            options.retries
        );
        tokio::time::sleep(Duration::from_secs(2u64.pow(attempt))).await;
        // Keyed by the items retried: a re-run that reaches the same retry
        // finds it instead of issuing it again.
        let picked = hex(&Sha256::digest(format!("{again:?}").as_bytes()))[..16].to_owned();
        let retried = submit(remote, &items, &again, &format!("laurel-cli-{digest}-r{attempt}-{picked}")).await?;
        outcomes.extend(wait(remote, &retried).await?);
    }

    if let Some(path) = &options.out {
        write_results(path, &outcomes)?;
    }
    Ok(report(&outcomes))
}

/// The file's bytes and its items.
fn read(file: &str) -> Result<(Vec<u8>, Vec<Value>), RemoteError> {
    let mut bytes = Vec::new();
    let name = if file == "-" { "standard input".to_owned() } else { file.to_owned() };
    let read = if file == "-" {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::read(file).map(|b| bytes = b)
    };
    read.map_err(|e| RemoteError::Usage(format!("{name}: {e}")))?;
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| RemoteError::Usage(format!("{name}: not JSON: {e} (line {}, column {})", e.line(), e.column())))?;
    let items = match value {
        Value::Array(items) => items,
        Value::Object(mut o) => match o.remove("credentials") {
            Some(Value::Array(items)) => items,
            Some(_) => return Err(RemoteError::Usage(format!("{name}: /credentials must be an array"))),
            None => {
                return Err(RemoteError::Usage(format!(
                    "{name}: expected an array of credentials, or an object with a \"credentials\" array"
                )));
            }
        },
        _ => {
            return Err(RemoteError::Usage(format!(
                "{name}: expected an array of credentials, or an object with a \"credentials\" array"
            )));
        }
    };
    if items.is_empty() {
        return Err(RemoteError::Usage(format!("{name}: holds no credentials")));
    }
    Ok((bytes, items))
}

/// Submits the items at `indices` in batches of at most [`BATCH_ITEMS`],
/// batch `n` under the idempotency key `{key}-{n}`.
async fn submit(remote: &Remote, items: &[Value], indices: &[usize], key: &str) -> Result<Vec<Batch>, RemoteError> {
    let mut batches = Vec::new();
    for (n, chunk) in indices.chunks(BATCH_ITEMS).enumerate() {
        let body = json!({"credentials": chunk.iter().map(|&i| &items[i]).collect::<Vec<_>>()});
        let answer = remote.post(BASE, &body, &format!("{key}-{n}")).await?;
        let job_id = answer["job_id"]
            .as_str()
            .ok_or_else(|| RemoteError::Usage(format!("the server answered without a job_id: {answer}")))?;
        batches.push(Batch { job_id: job_id.to_owned(), indices: chunk.to_vec() });
    }
    Ok(batches)
}

/// Follows `batches` until each has finished, then reads every item's
/// outcome, keyed by its index in the file.
async fn wait(remote: &Remote, batches: &[Batch]) -> Result<BTreeMap<usize, Outcome>, RemoteError> {
    let total: u64 = batches.iter().map(|b| b.indices.len() as u64).sum();
    let mut progress = Progress::new(total);
    let mut poll = Duration::from_millis(200);
    loop {
        let mut processed = 0;
        let mut finished = true;
        for b in batches {
            let job = remote.get(&format!("{BASE}/{}", b.job_id)).await?;
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
    for b in batches {
        let mut after: Option<String> = None;
        loop {
            let path = match &after {
                Some(cursor) => format!("{BASE}/{}/items?after={cursor}", b.job_id),
                None => format!("{BASE}/{}/items", b.job_id),
            };
            let page = remote.get(&path).await?;
            for item in page["data"].as_array().into_iter().flatten() {
                let Some(at) = item["index"].as_u64().and_then(|i| b.indices.get(i as usize)) else {
                    continue;
                };
                outcomes.insert(*at, outcome(item));
            }
            match page["next_cursor"].as_str() {
                Some(cursor) => after = Some(cursor.to_owned()),
                None => break,
            }
        }
    }
    Ok(outcomes)
}

fn outcome(item: &Value) -> Outcome {
    match (item["status"].as_str(), item["credential_id"].as_str()) {
        (Some("succeeded"), Some(id)) => Outcome::Issued(id.to_owned()),
        (Some("failed"), _) => Outcome::Failed {
            code: item["error"]["code"].as_str().unwrap_or("error").to_owned(),
            message: item["error"]["message"].as_str().unwrap_or_default().to_owned(),
        },
        (status, _) => Outcome::NotDone(status.unwrap_or("unknown").to_owned()),
    }
}

/// One JSON line per item, in file order.
fn write_results(path: &PathBuf, outcomes: &BTreeMap<usize, Outcome>) -> Result<(), RemoteError> {
    let mut out = String::new();
    for (index, o) in outcomes {
        let line = match o {
            Outcome::Issued(id) => json!({"index": index, "credential_id": id}),
            Outcome::Failed { code, message } => json!({"index": index, "error": {"code": code, "message": message}}),
            Outcome::NotDone(status) => json!({"index": index, "error": {"code": status, "message": "not issued"}}),
        };
        out.push_str(&line.to_string());
        out.push('\n');
    }
    std::fs::write(path, out).map_err(|e| RemoteError::Usage(format!("--out {}: {e}", path.display())))
}

/// Prints the summary and each failed item; the exit says whether all issued.
fn report(outcomes: &BTreeMap<usize, Outcome>) -> Exit {
    let issued = outcomes.values().filter(|o| matches!(o, Outcome::Issued(_))).count();
    let failed: Vec<_> = outcomes.iter().filter(|(_, o)| !matches!(o, Outcome::Issued(_))).collect();
    eprintln!("{issued} issued, {} failed", failed.len());
    for (index, o) in &failed {
        match o {
            Outcome::Failed { code, message } => eprintln!("  item {index}: {code}: {message}"),
            Outcome::NotDone(status) => eprintln!("  item {index}: {status}: not issued"),
            Outcome::Issued(_) => {}
        }
    }
    if failed.is_empty() { Exit::Issued } else { Exit::SomeFailed }
}
