//! The per-org throughput cap, as a generic cell rate algorithm kept in the
//! database: every process working for an org reads and advances the same
//! theoretical arrival time, so the cap holds however many servers share
//! the database, and one org's cap never slows another org.

use std::time::Duration;

use crate::error::CoreResult;

/// How far ahead of its cap an org may run, so batches of a capped org can
/// still be a fifth of a second long.
const BURST_MS: i64 = 250;

/// How many items (at most `wanted`) the org may start now under `per_sec`,
/// or how long to wait before asking again. Call inside the claiming
/// transaction, then [`charge`] for what was actually claimed.
pub async fn allowance(
    tx: &mut crate::db::Conn,
    org_id: &str,
    per_sec: u32,
    wanted: usize,
    now_ms: i64,
) -> CoreResult<Result<usize, Duration>> {
    let tat: Option<i64> = sqlx::query_scalar("SELECT tat_ms FROM org_throughput WHERE org_id = $1")
        .bind(org_id)
        .fetch_optional(&mut *tx)
        .await?;
    let ahead = tat.unwrap_or(now_ms).max(now_ms) - now_ms;
    if ahead >= BURST_MS {
        return Ok(Err(Duration::from_millis((ahead - BURST_MS + 1) as u64)));
    }
    let room = ((BURST_MS - ahead) as u64 * u64::from(per_sec)).div_ceil(1000).max(1) as usize;
    Ok(Ok(room.min(wanted)))
}

/// Advances the org's arrival time by `count` items at `per_sec`.
pub async fn charge(tx: &mut crate::db::Conn, org_id: &str, per_sec: u32, count: usize, now_ms: i64) -> CoreResult<()> {
    let cost = (count as u64 * 1000).div_ceil(u64::from(per_sec.max(1))) as i64;
    sqlx::query(
        "INSERT INTO org_throughput (org_id, tat_ms) VALUES ($1, $2 + $3)
         ON CONFLICT (org_id) DO UPDATE
         SET tat_ms = CASE WHEN org_throughput.tat_ms > $2 THEN org_throughput.tat_ms ELSE $2 END + $3",
    )
    .bind(org_id)
    .bind(now_ms)
    .bind(cost)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
