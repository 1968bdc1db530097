//! `laurel credentials issue|get|revoke|verify`: one credential at a time.
//! `issue` derives its `Idempotency-Key` from the file's bytes, so running
//! it again returns the credential it issued the first time.

use serde_json::json;
use sha2::{Digest, Sha256};

use super::output::{self, Format};
use super::{Exit, Remote, RemoteError, hex, segment};

/// Issues the single-issue body in `file` (`-`: standard input).
pub async fn issue(remote: &Remote, file: &str, format: Format) -> Result<Exit, RemoteError> {
    let bytes = super::read_input(file)?;
    let body = super::parse_json(file, &bytes)?;
    let key = format!("laurel-cli-issue-{}", &hex(&Sha256::digest(&bytes))[..32]);
    let credential = remote.post("/v1/credentials", &body, &key).await?;
    output::object(&credential, format);
    Ok(Exit::Issued)
}

pub async fn get(remote: &Remote, id: &str, format: Format) -> Result<Exit, RemoteError> {
    output::object(&remote.get(&format!("/v1/credentials/{}", segment(id)?)).await?, format);
    Ok(Exit::Issued)
}

pub async fn revoke(remote: &Remote, id: &str, reason: Option<&str>, format: Format) -> Result<Exit, RemoteError> {
    let path = format!("/v1/credentials/{}/revoke", segment(id)?);
    let revoked = remote.post(&path, &json!({"reason": reason}), &format!("laurel-cli-revoke-{id}")).await?;
    output::object(&revoked, format);
    Ok(Exit::Issued)
}

/// Verifies a compact JWT read from `jwt_file`, or the credential `id`;
/// exits 1 when it is not valid, so scripts can branch on it.
pub async fn verify(
    remote: &Remote,
    jwt_file: Option<&str>,
    id: Option<&str>,
    format: Format,
) -> Result<Exit, RemoteError> {
    let body = match (jwt_file, id) {
        (Some(file), None) => {
            let token = String::from_utf8(super::read_input(file)?)
                .map_err(|_| RemoteError::Usage(format!("{file}: not text")))?;
            json!({"signed_payload": token.trim()})
        }
        (None, Some(id)) => json!({"credential_id": id}),
        _ => return Err(RemoteError::Usage("give exactly one of --jwt FILE and --id ID".into())),
    };
    let key = format!("laurel-cli-verify-{}", &hex(&Sha256::digest(body.to_string().as_bytes()))[..32]);
    let verdict = remote.post("/v1/credentials/verify", &body, &key).await?;
    output::object(&verdict, format);
    Ok(if verdict["is_valid"] == true { Exit::Issued } else { Exit::SomeFailed })
}
