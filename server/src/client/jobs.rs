//! `laurel jobs list|get|cancel|revoke`: the org's jobs, CSV uploads and JSON
//! batches alike (`/v1/bulk-issue`).

use serde_json::json;

use super::output::{self, Column, Format};
use super::{Exit, Remote, RemoteError, segment};

const COLUMNS: [Column; 7] = [
    ("job", "/job_id"),
    ("source", "/source"),
    ("file", "/filename"),
    ("status", "/status"),
    ("total", "/total"),
    ("succeeded", "/succeeded"),
    ("failed", "/failed"),
];

pub async fn list(remote: &Remote, limit: u32, after: Option<&str>, format: Format) -> Result<Exit, RemoteError> {
    let mut path = format!("/v1/bulk-issue?limit={limit}");
    if let Some(cursor) = after {
        path.push_str(&format!("&after={}", segment(cursor)?));
    }
    output::list(&remote.get(&path).await?, &COLUMNS, format);
    Ok(Exit::Issued)
}

pub async fn get(remote: &Remote, id: &str, format: Format) -> Result<Exit, RemoteError> {
    output::object(&remote.get(&format!("/v1/bulk-issue/{}", segment(id)?)).await?, format);
    Ok(Exit::Issued)
}

pub async fn cancel(remote: &Remote, id: &str, format: Format) -> Result<Exit, RemoteError> {
    let path = format!("/v1/bulk-issue/{}/cancel", segment(id)?);
    output::object(&remote.post(&path, &json!({}), &format!("laurel-cli-cancel-{id}")).await?, format);
    Ok(Exit::Issued)
}

/// Releases a paused pilot; a job that is not paused is a 409 naming its state.
pub async fn release(remote: &Remote, id: &str, format: Format) -> Result<Exit, RemoteError> {
    let path = format!("/v1/bulk-issue/{}/release", segment(id)?);
    output::object(&remote.post(&path, &json!({}), &format!("laurel-cli-release-{id}")).await?, format);
    Ok(Exit::Issued)
}

/// Starts the undo of a job. Asked again, the API refuses (409) and names
/// the undo already started.
pub async fn revoke(
    remote: &Remote,
    id: &str,
    reason: Option<&str>,
    notify: bool,
    format: Format,
) -> Result<Exit, RemoteError> {
    let path = format!("/v1/bulk-issue/{}/revoke", segment(id)?);
    let body = json!({"reason": reason, "notify_recipients": notify});
    output::object(&remote.post(&path, &body, &format!("laurel-cli-revoke-{id}")).await?, format);
    Ok(Exit::Issued)
}
