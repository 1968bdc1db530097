//! Creating, reading, pausing and deleting audit streams, and reading and
//! resending their deliveries. Every function is scoped to one org: another
//! org's stream is `NotFound`.

use serde::{Deserialize, Serialize};

use super::{DeliveryStatus, StreamStatus, Subscription, destination, signature};
use crate::audit::{self, AuditAction};
use crate::db::Db;
use crate::error::{CoreError, CoreResult};
use crate::keys::MasterKey;
use crate::{clock, ids};

/// A stream as the API and pages show it: never its secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stream {
    pub id: String,
    pub url: String,
    pub actions: Vec<String>,
    pub status: StreamStatus,
    pub disabled_reason: Option<String>,
    pub failing_since: Option<i64>,
    pub created_at: i64,
}

#[derive(sqlx::FromRow)]
struct StreamRow {
    id: String,
    url: String,
    actions_json: String,
    status: StreamStatus,
    disabled_reason: Option<String>,
    failing_since: Option<i64>,
    created_at: i64,
}

impl From<StreamRow> for Stream {
    fn from(r: StreamRow) -> Self {
        Stream {
            actions: serde_json::from_str(&r.actions_json).unwrap_or_default(),
            id: r.id,
            url: r.url,
            status: r.status,
            disabled_reason: r.disabled_reason,
            failing_since: r.failing_since,
            created_at: r.created_at,
        }
    }
}

const SELECT_STREAM: &str =
    "SELECT id, url, actions_json, status, disabled_reason, failing_since, created_at FROM webhook_streams";

/// Who creates a stream.
pub struct NewStream<'a> {
    pub url: &'a str,
    pub actions: &'a [String],
    pub user_id: Option<&'a str>,
    pub api_key_id: Option<&'a str>,
}

/// Creates a stream; returns it and its secret, which is shown this once.
pub async fn create(
    db: &Db,
    master: &MasterKey,
    org_id: &str,
    new: NewStream<'_>,
    allow_private: bool,
) -> CoreResult<(Stream, String)> {
    let mut errors = Vec::new();
    if let Err(m) = destination::check_url(new.url.trim(), allow_private) {
        errors.push(crate::FieldError::new("url", m));
    }
    let subscription = match Subscription::parse(new.actions) {
        Ok(s) => Some(s),
        Err((i, m)) => {
            errors.push(crate::FieldError::new(format!("actions[{i}]"), m));
            None
        }
    };
    let Some(subscription) = subscription.filter(|_| errors.is_empty()) else {
        return Err(CoreError::Validation(errors));
    };
    let id = ids::new_id("ast");
    let secret = signature::new_secret();
    let sealed = master.seal(secret.as_bytes(), &aad(&id, org_id))?;
    let actions = serde_json::to_string(&subscription.names()).map_err(anyhow::Error::from)?;
    let now = clock::now();
    let mut tx = crate::db::begin(db).await?;
    sqlx::query(
        "INSERT INTO webhook_streams (id, org_id, url, actions_json, secret_sealed, status, created_by, api_key_id,
                                      created_at)
         VALUES ($1, $2, $3, $4, $5, 'active', $6, $7, $8)",
    )
    .bind(&id)
    .bind(org_id)
    .bind(new.url.trim())
    .bind(&actions)
    .bind(&sealed)
    .bind(new.user_id)
    .bind(new.api_key_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let actor = audit::Actor { user_id: new.user_id, api_key_id: new.api_key_id };
    let summary = format!("Audit stream to {} created", new.url.trim());
    let entry = audit::Entry::new(actor, AuditAction::StreamCreated, Some(&id), summary)
        .with(serde_json::json!({"url": new.url.trim(), "actions": subscription.names()}));
    audit::record(&mut *tx, org_id, entry).await?;
    tx.commit().await?;
    Ok((get(db, org_id, &id).await?, secret))
}

/// What the seal of a stream's secret is bound to.
fn aad(stream_id: &str, org_id: &str) -> String {
    format!("webhook-secret:{stream_id}:{org_id}")
}

/// The stream's secret, for signing.
pub(crate) fn unseal(master: &MasterKey, stream_id: &str, org_id: &str, sealed: &str) -> CoreResult<String> {
    let bytes = master.open(sealed, &aad(stream_id, org_id))?;
    String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("a webhook secret is not text").into())
}

pub async fn get(db: &Db, org_id: &str, id: &str) -> CoreResult<Stream> {
    let row: StreamRow = sqlx::query_as(&format!("{SELECT_STREAM} WHERE id = $1 AND org_id = $2"))
        .bind(id)
        .bind(org_id)
        .fetch_optional(db)
        .await?
        .ok_or(CoreError::NotFound)?;
    Ok(row.into())
}

pub async fn list(db: &Db, org_id: &str) -> CoreResult<Vec<Stream>> {
    let rows: Vec<StreamRow> =
        sqlx::query_as(&format!("{SELECT_STREAM} WHERE org_id = $1 ORDER BY created_at DESC, id DESC"))
            .bind(org_id)
            .fetch_all(db)
            .await?;
    Ok(rows.into_iter().map(Stream::from).collect())
}

/// Pauses (`false`) or resumes (`true`) a stream; resuming a disabled one
/// gives it three more days.
pub async fn set_active(db: &Db, org_id: &str, id: &str, active: bool, actor: Option<&str>) -> CoreResult<Stream> {
    let status = if active { StreamStatus::Active } else { StreamStatus::Paused };
    let done = sqlx::query(
        "UPDATE webhook_streams SET status = $1, disabled_reason = NULL, failing_since = NULL
         WHERE id = $2 AND org_id = $3",
    )
    .bind(status)
    .bind(id)
    .bind(org_id)
    .execute(db)
    .await?;
    if done.rows_affected() == 0 {
        return Err(CoreError::NotFound);
    }
    if active {
        sqlx::query("UPDATE webhook_deliveries SET next_attempt_at = $1 WHERE stream_id = $2 AND status = 'pending'")
            .bind(clock::now_ms())
            .bind(id)
            .execute(db)
            .await?;
        super::sender::wake();
    }
    let what = if active { "resumed" } else { "paused" };
    let action = if active { AuditAction::StreamResumed } else { AuditAction::StreamPaused };
    let entry = audit::Entry::new(audit::Actor::user(actor), action, Some(id), format!("Audit stream {id} {what}"));
    audit::record(db, org_id, entry).await?;
    get(db, org_id, id).await
}

pub async fn delete(db: &Db, org_id: &str, id: &str, actor: Option<&str>) -> CoreResult<()> {
    let done = sqlx::query("DELETE FROM webhook_streams WHERE id = $1 AND org_id = $2")
        .bind(id)
        .bind(org_id)
        .execute(db)
        .await?;
    if done.rows_affected() == 0 {
        return Err(CoreError::NotFound);
    }
    let entry = audit::Entry::new(
        audit::Actor::user(actor),
        AuditAction::StreamDeleted,
        Some(id),
        format!("Audit stream {id} deleted"),
    );
    audit::record(db, org_id, entry).await
}

/// One delivery, as the stream's page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Delivery {
    pub id: String,
    pub stream_id: String,
    pub event_type: String,
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    /// Unix milliseconds.
    pub last_attempt_at: Option<i64>,
    pub next_attempt_at: i64,
    pub created_at: i64,
}

/// The stream's latest deliveries, newest first.
pub async fn deliveries(db: &Db, org_id: &str, stream_id: &str, limit: i64) -> CoreResult<Vec<Delivery>> {
    Ok(sqlx::query_as(
        "SELECT id, stream_id, event_type, status, attempts, last_status_code, last_error, last_attempt_at,
                next_attempt_at, created_at
         FROM webhook_deliveries WHERE org_id = $1 AND stream_id = $2 ORDER BY created_at DESC, id DESC LIMIT $3",
    )
    .bind(org_id)
    .bind(stream_id)
    .bind(limit.clamp(1, 200))
    .fetch_all(db)
    .await?)
}

/// Sends a delivery again now (same id and body, so a receiver that
/// dedupes on `webhook-id` sees it as the same message).
pub async fn resend(db: &Db, org_id: &str, delivery_id: &str) -> CoreResult<()> {
    let done = sqlx::query(
        "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $1, lease_until = NULL
         WHERE id = $2 AND org_id = $3",
    )
    .bind(clock::now_ms())
    .bind(delivery_id)
    .bind(org_id)
    .execute(db)
    .await?;
    if done.rows_affected() == 0 {
        return Err(CoreError::NotFound);
    }
    super::sender::wake();
    Ok(())
}
