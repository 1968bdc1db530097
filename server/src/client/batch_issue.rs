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

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::follow::{self, Job};
use super::{Exit, Remote, RemoteError, hex};

/// The API's largest batch.
pub const BATCH_ITEMS: usize = 10_000;
const BASE: &str = "/v1/credentials/batch-issue";

pub struct Options {
    pub file: String,
    pub wait: bool,
    pub out: Option<PathBuf>,
    pub retries: u32,
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

    let mut outcomes = follow::wait(remote, BASE, &batches).await?;
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
        outcomes.extend(follow::wait(remote, BASE, &retried).await?);
    }

    if let Some(path) = &options.out {
        follow::write_results(path, &outcomes)?;
    }
    Ok(follow::report(&outcomes))
}

/// The file's bytes and its items.
fn read(file: &str) -> Result<(Vec<u8>, Vec<Value>), RemoteError> {
    let name = super::input_name(file);
    let bytes = super::read_input(file)?;
    let value = super::parse_json(file, &bytes)?;
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
async fn submit(remote: &Remote, items: &[Value], indices: &[usize], key: &str) -> Result<Vec<Job>, RemoteError> {
    let mut batches = Vec::new();
    for (n, chunk) in indices.chunks(BATCH_ITEMS).enumerate() {
        let body = json!({"credentials": chunk.iter().map(|&i| &items[i]).collect::<Vec<_>>()});
        let answer = remote.post(BASE, &body, &format!("{key}-{n}")).await?;
        let job_id = answer["job_id"]
            .as_str()
            .ok_or_else(|| RemoteError::Usage(format!("the server answered without a job_id: {answer}")))?;
        batches.push(Job { job_id: job_id.to_owned(), indices: chunk.to_vec() });
    }
    Ok(batches)
}
