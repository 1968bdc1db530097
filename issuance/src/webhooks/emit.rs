//! An event becomes a delivery for every active stream of the org that
//! subscribes to it, written in the caller's transaction: committed with
//! the change it reports, or not at all. Sending happens later, in
//! [`super::sender`], so a slow or dead receiver never slows issuance.

use serde_json::{Value, json};

use super::{EventType, Subscription};
use crate::error::CoreResult;
use crate::{clock, ids};

/// Queues `event` with `data` for the org's subscribed streams. Returns how
/// many deliveries it queued.
pub async fn emit(
    tx: &mut crate::db::Conn,
    org_id: &str,
    event: EventType,
    data: Value,
    now: i64,
) -> CoreResult<usize> {
    emit_each(tx, org_id, event, std::slice::from_ref(&data), now).await
}

/// Queues one `event` per item of `data` (a revocation job's batch, say),
/// reading the org's streams once for them all.
pub async fn emit_each(
    tx: &mut crate::db::Conn,
    org_id: &str,
    event: EventType,
    data: &[Value],
    now: i64,
) -> CoreResult<usize> {
    if data.is_empty() {
        return Ok(0);
    }
    let streams: Vec<(String, String)> =
        sqlx::query_as("SELECT id, actions_json FROM webhook_streams WHERE org_id = $1 AND status = 'active'")
            .bind(org_id)
            .fetch_all(&mut *tx)
            .await?;
    let subscribed = streams.into_iter().filter(|(_, actions)| {
        let names: Vec<String> = serde_json::from_str(actions).unwrap_or_default();
        Subscription::parse(&names).is_ok_and(|s| s.covers(event))
    });
    let mut queued = 0;
    for (stream_id, _) in subscribed {
        for item in data {
            let body = json!({"type": event, "timestamp": clock::rfc3339(now), "data": item}).to_string();
            sqlx::query(
                "INSERT INTO webhook_deliveries (id, stream_id, org_id, event_type, payload_json, status,
                                                 next_attempt_at, created_at)
                 VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7)",
            )
            .bind(ids::new_id("msg"))
            .bind(&stream_id)
            .bind(org_id)
            .bind(event.as_str())
            .bind(&body)
            .bind(now * 1000)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            queued += 1;
        }
    }
    if queued > 0 {
        super::sender::wake();
    }
    Ok(queued)
}
