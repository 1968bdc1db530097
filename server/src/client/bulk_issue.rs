//! `laurel credentials bulk-issue [--badge ID] --csv FILE [--wait] [--out F]
//! [--validate-only] [--duplicates POLICY] [--pilot N] [--start-at TIME]`:
//! the dashboard's CSV flow from a script. The file is sent as it is
//! (`text/csv`) to `POST /v1/bulk-issue`, under an `Idempotency-Key`
//! derived from the badge, the choices and the file's bytes, so a re-run
//! finds its job; `--validate-only` asks for the dry run instead and
//! prints its totals.

use std::path::PathBuf;

use serde_json::json;
use sha2::{Digest, Sha256};

use super::follow::{self, Job};
use super::output::{self, Format};
use super::{Exit, Remote, RemoteError, hex, segment};

const BASE: &str = "/v1/bulk-issue";

pub struct Options {
    pub badge: Option<String>,
    pub csv: String,
    pub wait: bool,
    pub out: Option<PathBuf>,
    pub validate_only: bool,
    pub duplicates: model::DuplicatePolicy,
    pub pilot: Option<u32>,
    pub start_at: Option<String>,
}

pub async fn run(remote: &Remote, options: Options, format: Format) -> Result<Exit, RemoteError> {
    let badge = options.badge.as_deref().map(segment).transpose()?.unwrap_or_default();
    let csv = super::read_input(&options.csv)?;
    let policy = options.duplicates.as_str();
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if !badge.is_empty() {
        query.append_pair("badge_id", badge);
    }
    query.append_pair("duplicate_policy", policy);

    if options.validate_only {
        let review = remote.post_csv(&format!("{BASE}/validate?{}", query.finish()), csv, None).await?;
        let summary = json!({
            "totals": review["totals"],
            "can_submit": review["can_submit"],
            "submit_blocked_reason": review["submit_blocked_reason"],
            "warnings": review["warnings"],
        });
        match format {
            Format::Json => output::object(&review, format),
            Format::Table => {
                output::object(&review["totals"], format);
                if let Some(reason) = summary["submit_blocked_reason"].as_str() {
                    println!("cannot submit: {reason}");
                }
            }
        }
        return Ok(if review["can_submit"] == true { Exit::Issued } else { Exit::SomeFailed });
    }

    // The default policy adds nothing, so keys made before there was a
    // choice still find their jobs.
    let mut chosen = if options.duplicates == model::DuplicatePolicy::default() { "" } else { policy }.to_owned();
    if let Some(n) = options.pilot {
        query.append_pair("pilot", &n.to_string());
        chosen.push_str(&format!("\npilot={n}"));
    }
    if let Some(at) = &options.start_at {
        query.append_pair("scheduled_for", at);
        chosen.push_str(&format!("\nstart_at={at}"));
    }
    let fingerprint = Sha256::digest([badge.as_bytes(), b"\n", chosen.as_bytes(), &csv].concat());
    let key = format!("laurel-cli-csv-{}", &hex(&fingerprint)[..32]);
    let job = remote.post_csv(&format!("{BASE}?{}", query.finish()), csv, Some(&key)).await?;
    let job_id = job["job_id"]
        .as_str()
        .ok_or_else(|| RemoteError::Usage(format!("the server answered without a job_id: {job}")))?
        .to_owned();
    println!("{job_id}");
    if !options.wait {
        return Ok(Exit::Issued);
    }
    let total = job["total"].as_u64().unwrap_or(0) as usize;
    let outcomes = follow::wait(remote, BASE, &[Job { job_id, indices: (0..total).collect() }]).await?;
    if let Some(path) = &options.out {
        follow::write_results(path, &outcomes)?;
    }
    Ok(follow::report(&outcomes))
}
