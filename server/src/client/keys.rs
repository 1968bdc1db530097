//! `laurel keys …` against a server (`-e URL`, `LAUREL_API_KEY`), over
//! `/v1/keys`: the key in use creates, lists and revokes its org's keys
//! (granting only scopes it holds) and runs the batch operations.

use model::Scope;
use serde_json::{Value, json};

use super::output::{self, Column, Format};
use super::{Exit, Remote, RemoteError, segment};

const COLUMNS: [Column; 6] = [
    ("id", "/id"),
    ("name", "/name"),
    ("hint", "/hint"),
    ("scopes", "/scopes"),
    ("actor", "/actor_id"),
    ("revoked", "/revoked_at"),
];

/// Creates a key. Sent once, without retries after it may have reached the
/// server: a key's secret is never stored, so a lost answer cannot be
/// replayed, and a second try would make a second key.
pub async fn issue(
    remote: &Remote,
    name: &str,
    scopes: &[Scope],
    actor: Option<&str>,
    format: Format,
) -> Result<Exit, RemoteError> {
    let scopes: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
    let body = json!({"name": name, "scopes": scopes, "actor_id": actor});
    let issued = remote.post_once("/v1/keys", &body).await?;
    match format {
        Format::Json => output::object(&issued, format),
        Format::Table => print_new_key(
            issued["id"].as_str().unwrap_or_default(),
            &join(&issued["scopes"]),
            issued["secret"].as_str().unwrap_or_default(),
        ),
    }
    Ok(Exit::Issued)
}

/// A new key for people: its id, its scopes and its secret, this once.
/// (The local `keys issue` prints it the same way.)
pub fn print_new_key(id: &str, scopes: &str, secret: &str) {
    println!("id:     {id}");
    println!("scopes: {scopes}");
    println!("secret: {secret}");
    println!("Store the secret now: it is not shown again.");
}

pub async fn list(remote: &Remote, format: Format) -> Result<Exit, RemoteError> {
    output::list(&remote.get("/v1/keys").await?, &COLUMNS, format);
    Ok(Exit::Issued)
}

pub async fn revoke(remote: &Remote, id: &str) -> Result<Exit, RemoteError> {
    remote
        .post(&format!("/v1/keys/{}/revoke", segment(id)?), &json!({}), &format!("laurel-cli-revoke-key-{id}"))
        .await?;
    println!("revoked {id}");
    Ok(Exit::Issued)
}

/// Prints each secret's result, in order; exits 1 when any is not valid.
pub async fn batch_verify(remote: &Remote, secrets: &[String]) -> Result<Exit, RemoteError> {
    let answer = remote.post_once("/v1/keys/batch-verify", &json!({"keys": secrets})).await?;
    println!("{}", serde_json::to_string_pretty(&answer).expect("JSON prints"));
    let all_valid = answer["results"].as_array().is_some_and(|r| r.iter().all(|v| v["is_valid"] == true));
    Ok(if all_valid { Exit::Issued } else { Exit::SomeFailed })
}

/// Imports the keys in `file` (`-`: standard input); exits 1 when any
/// failed.
pub async fn batch_import(remote: &Remote, file: &str) -> Result<Exit, RemoteError> {
    let keys = super::parse_json(file, &super::read_input(file)?)?;
    let report = remote.post_once("/v1/keys/batch-import", &keys).await?;
    println!("{}", serde_json::to_string_pretty(&report).expect("JSON prints"));
    Ok(if report["failure_count"] == 0 { Exit::Issued } else { Exit::SomeFailed })
}

fn join(scopes: &Value) -> String {
    scopes.as_array().into_iter().flatten().filter_map(Value::as_str).collect::<Vec<_>>().join(", ")
}
