//! Idempotency keys (Stripe-style): a retried request with the same key
//! within 24 hours gets the first answer back instead of doing the work
//! twice. The key is claimed before the work starts, so a concurrent
//! duplicate is told to wait rather than racing. A claim whose request
//! died before finishing (the process was killed) goes stale after
//! [`STALE_CLAIM_SECS`], and the next retry takes it over: every request
//! here finishes in well under that, so a claim that old has no owner.

use sha2::{Digest, Sha256};

use crate::db::Db;
use crate::error::{CoreError, CoreResult};

pub const KEEP_SECS: i64 = 24 * 3600;
pub const MAX_KEY_LEN: usize = 255;
pub const STALE_CLAIM_SECS: i64 = 60;

/// What to do with a request that carries an idempotency key.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// First time: do the work, then [`complete`] (or [`release`]).
    Proceed,
    /// Done before: answer with this status and body again.
    Replay { status: u16, body: String },
}

pub fn fingerprint(method: &str, path: &str, body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(method.as_bytes());
    h.update([0]);
    h.update(path.as_bytes());
    h.update([0]);
    h.update(body);
    hex::encode(h.finalize())
}

/// Claims `key` for a request with `fingerprint`. Errors: `Conflict` while
/// the first request is still running; `Unprocessable` when the key was used
/// for a different request.
pub async fn claim(db: &Db, org_id: &str, key: &str, fingerprint: &str, now: i64) -> CoreResult<Claim> {
    if key.is_empty() || key.len() > MAX_KEY_LEN || !key.chars().all(|c| c.is_ascii_graphic()) {
        return Err(CoreError::field(
            "Idempotency-Key",
            format!("must be 1 to {MAX_KEY_LEN} visible ASCII characters"),
        ));
    }
    // Forget records past their 24 hours, so the key may be reused, and
    // claims left behind by a request that died.
    sqlx::query(
        "DELETE FROM idempotency_keys WHERE org_id = $1 AND idem_key = $2
           AND (created_at <= $3 OR (state = 'in_progress' AND created_at <= $4))",
    )
    .bind(org_id)
    .bind(key)
    .bind(now - KEEP_SECS)
    .bind(now - STALE_CLAIM_SECS)
    .execute(db)
    .await?;
    let inserted = sqlx::query(
        "INSERT INTO idempotency_keys (org_id, idem_key, request_hash, state, created_at)
         VALUES ($1, $2, $3, 'in_progress', $4) ON CONFLICT (org_id, idem_key) DO NOTHING",
    )
    .bind(org_id)
    .bind(key)
    .bind(fingerprint)
    .bind(now)
    .execute(db)
    .await?;
    if inserted.rows_affected() == 1 {
        return Ok(Claim::Proceed);
    }
    #[derive(sqlx::FromRow)]
    struct Stored {
        request_hash: String,
        state: String,
        response_status: Option<i64>,
        response_body: Option<String>,
    }
    let stored: Stored = sqlx::query_as(
        "SELECT request_hash, state, response_status, response_body FROM idempotency_keys
         WHERE org_id = $1 AND idem_key = $2",
    )
    .bind(org_id)
    .bind(key)
    .fetch_one(db)
    .await?;
    if stored.request_hash != fingerprint {
        return Err(CoreError::Unprocessable(
            "This Idempotency-Key was used for a different request. Use a new key for a new request.".into(),
        ));
    }
    match (stored.state.as_str(), stored.response_status, stored.response_body) {
        ("done", Some(status), Some(body)) => Ok(Claim::Replay { status: status as u16, body }),
        _ => {
            Err(CoreError::conflict("A request with this Idempotency-Key is still being processed. Retry in a moment."))
        }
    }
}

/// Stores the answer to replay.
pub async fn complete(db: &Db, org_id: &str, key: &str, status: u16, body: &str) -> CoreResult<()> {
    sqlx::query(
        "UPDATE idempotency_keys SET state = 'done', response_status = $1, response_body = $2
         WHERE org_id = $3 AND idem_key = $4",
    )
    .bind(i64::from(status))
    .bind(body)
    .bind(org_id)
    .bind(key)
    .execute(db)
    .await?;
    Ok(())
}

/// Gives the key back after a failure worth retrying (a server error).
pub async fn release(db: &Db, org_id: &str, key: &str) -> CoreResult<()> {
    sqlx::query("DELETE FROM idempotency_keys WHERE org_id = $1 AND idem_key = $2 AND state = 'in_progress'")
        .bind(org_id)
        .bind(key)
        .execute(db)
        .await?;
    Ok(())
}
