//! Posts due deliveries. Each is leased (like job rows and e-mail), so
//! several `laurel serve` processes share the work without sending twice.
//! A 2xx answer delivers it; anything else, or no answer within the
//! timeout, is retried after a delay that grows fourfold each time (from
//! `retry_base`, at most 10 hours, with ±20 % jitter so a recovering
//! receiver is not hit by every sender at once) for three days, then given
//! up. A stream whose deliveries have failed for three days without one
//! success is disabled, and its page says so. Redirects are not followed:
//! a receiver must answer at the URL it gave.

use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use tokio::sync::{Notify, watch};
use tokio::task::{JoinHandle, JoinSet};

use super::{GIVE_UP_AFTER_SECS, StreamStatus, destination, signature, streams};
use crate::clock;
use crate::db::{Backend, Db};
use crate::error::CoreResult;
use crate::keys::MasterKey;

#[derive(Clone, Debug)]
pub struct WebhookConfig {
    /// `LAUREL_WEBHOOKS_ALLOW_PRIVATE`: plain http and private addresses.
    pub allow_private: bool,
    /// Delay before the first retry; four times longer each time after.
    pub retry_base: Duration,
    pub timeout: Duration,
    pub poll: Duration,
    /// Deliveries posted at once.
    pub concurrency: usize,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        Self {
            allow_private: false,
            retry_base: Duration::from_secs(5),
            timeout: Duration::from_secs(10),
            poll: Duration::from_millis(500),
            concurrency: 16,
        }
    }
}

const LEASE_MS: i64 = 60_000;
const MAX_DELAY_MS: i64 = 10 * 3600 * 1000;

static WAKE: Notify = Notify::const_new();

/// Tells this process's sender that a delivery is due now.
pub fn wake() {
    WAKE.notify_one();
}

pub struct WebhookSenderHandle {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl WebhookSenderHandle {
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

pub fn spawn(db: Db, master: MasterKey, config: WebhookConfig) -> WebhookSenderHandle {
    let (stop, mut stopped) = watch::channel(false);
    let master = Arc::new(master);
    let task = tokio::spawn(async move {
        loop {
            let sent = match deliver_due(&db, &master, &config).await {
                Ok(n) => n,
                Err(e) => {
                    tracing::warn!(error = %e, "webhook sender could not read deliveries");
                    0
                }
            };
            if sent == 0 {
                tokio::select! {
                    _ = stopped.changed() => break,
                    _ = WAKE.notified() => {}
                    _ = tokio::time::sleep(config.poll) => {}
                }
            } else if *stopped.borrow() {
                break;
            }
        }
    });
    WebhookSenderHandle { stop, task }
}

#[derive(sqlx::FromRow)]
struct Due {
    id: String,
    stream_id: String,
    org_id: String,
    payload_json: String,
    attempts: i64,
    created_at: i64,
}

/// Leases and posts the deliveries that are due; returns how many.
pub async fn deliver_due(db: &Db, master: &Arc<MasterKey>, config: &WebhookConfig) -> CoreResult<usize> {
    let now_ms = clock::now_ms();
    // Passing over what another process is leasing (`Backend::picked`).
    let sql = format!(
        "UPDATE webhook_deliveries SET lease_until = $1
         WHERE {} AND status = 'pending' AND (lease_until IS NULL OR lease_until < $2)
         RETURNING id, stream_id, org_id, payload_json, attempts, created_at",
        Backend::of(db).picked(
            "id",
            "SELECT id FROM webhook_deliveries
             WHERE status = 'pending' AND next_attempt_at <= $2 AND (lease_until IS NULL OR lease_until < $2)
             ORDER BY next_attempt_at LIMIT $3"
        )
    );
    // Asked with a read first: the lease is a write, and polled every
    // moment it would queue with the jobs' writes for nothing.
    let anything: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM webhook_deliveries
         WHERE status = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until < $1) LIMIT 1",
    )
    .bind(now_ms)
    .fetch_optional(db)
    .await?;
    if anything.is_none() {
        return Ok(0);
    }
    let mut tx = crate::db::begin(db).await?;
    let due: Vec<Due> = sqlx::query_as(&sql)
        .bind(now_ms + LEASE_MS)
        .bind(now_ms)
        .bind(config.concurrency as i64)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    let count = due.len();
    let mut posting = JoinSet::new();
    for d in due {
        let (db, master, config) = (db.clone(), master.clone(), config.clone());
        posting.spawn(async move {
            if let Err(e) = deliver(&db, &master, &config, d).await {
                tracing::warn!(error = %e, "recording a webhook delivery");
            }
        });
    }
    while posting.join_next().await.is_some() {}
    Ok(count)
}

#[derive(sqlx::FromRow)]
struct Target {
    url: String,
    secret_sealed: String,
    status: StreamStatus,
}

async fn deliver(db: &Db, master: &MasterKey, config: &WebhookConfig, d: Due) -> CoreResult<()> {
    let target: Option<Target> = sqlx::query_as("SELECT url, secret_sealed, status FROM webhook_streams WHERE id = $1")
        .bind(&d.stream_id)
        .fetch_optional(db)
        .await?;
    let Some(target) = target else { return Ok(()) }; // deleted: its deliveries went with it
    if target.status != StreamStatus::Active {
        // Paused or disabled: keep it for when the stream is resumed.
        sqlx::query("UPDATE webhook_deliveries SET lease_until = NULL, next_attempt_at = $1 WHERE id = $2")
            .bind(clock::now_ms() + 60_000)
            .bind(&d.id)
            .execute(db)
            .await?;
        return Ok(());
    }
    let secret = streams::unseal(master, &d.stream_id, &d.org_id, &target.secret_sealed)?;
    let outcome = post(config, &target.url, &secret, &d).await;
    record(db, config, &d, outcome).await
}

/// What an attempt came to: the status code if the receiver answered, and
/// why it is not a success.
struct Outcome {
    status: Option<u16>,
    error: Option<String>,
}

async fn post(config: &WebhookConfig, url: &str, secret: &str, d: &Due) -> Outcome {
    let failed = |error: String| Outcome { status: None, error: Some(error) };
    let url = match destination::check_url(url, config.allow_private) {
        Ok(u) => u,
        Err(m) => return failed(format!("The URL {m}.")),
    };
    // Resolved and checked here, and the request pinned to that address.
    let addr = match destination::resolve(&url, config.allow_private).await {
        Ok(a) => a,
        Err(m) => return failed(m),
    };
    let host = url.host_str().unwrap_or_default().to_owned();
    let client = match reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(config.timeout)
        .resolve(&host, addr)
        .user_agent(concat!("Laurel-Webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(c) => c,
        Err(e) => return failed(format!("could not build the request: {e}")),
    };
    let timestamp = clock::now();
    let signature = match signature::sign(secret, &d.id, timestamp, &d.payload_json) {
        Ok(s) => s,
        Err(e) => return failed(e.to_string()),
    };
    let sent = client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", &d.id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(d.payload_json.clone())
        .send()
        .await;
    match sent {
        Ok(r) if r.status().is_success() => Outcome { status: Some(r.status().as_u16()), error: None },
        Ok(r) => {
            Outcome { status: Some(r.status().as_u16()), error: Some(format!("The receiver answered {}.", r.status())) }
        }
        Err(e) if e.is_timeout() => failed(format!("No answer within {} s.", config.timeout.as_secs())),
        Err(e) => failed(format!("Could not reach the receiver: {}", without_url(&e))),
    }
}

/// reqwest's error without the URL, which the page shows anyway.
fn without_url(e: &reqwest::Error) -> String {
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
    let mut last = e.to_string();
    while let Some(s) = source {
        last = s.to_string();
        source = s.source();
    }
    last
}

async fn record(db: &Db, config: &WebhookConfig, d: &Due, outcome: Outcome) -> CoreResult<()> {
    let now_ms = clock::now_ms();
    let attempts = d.attempts + 1;
    let mut tx = crate::db::begin(db).await?;
    match outcome.error {
        None => {
            sqlx::query(
                "UPDATE webhook_deliveries SET status = 'delivered', attempts = $1, last_status_code = $2,
                        last_error = NULL, last_attempt_at = $3, delivered_at = $3, lease_until = NULL
                 WHERE id = $4",
            )
            .bind(attempts)
            .bind(outcome.status.map(i64::from))
            .bind(now_ms)
            .bind(&d.id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE webhook_streams SET failing_since = NULL WHERE id = $1")
                .bind(&d.stream_id)
                .execute(&mut *tx)
                .await?;
        }
        Some(error) => {
            let give_up = now_ms - d.created_at * 1000 >= GIVE_UP_AFTER_SECS * 1000;
            let next = now_ms + backoff_ms(config.retry_base, attempts);
            sqlx::query(
                "UPDATE webhook_deliveries SET status = $1, attempts = $2, last_status_code = $3, last_error = $4,
                        last_attempt_at = $5, next_attempt_at = $6, lease_until = NULL
                 WHERE id = $7",
            )
            .bind(if give_up { super::DeliveryStatus::Failed } else { super::DeliveryStatus::Pending })
            .bind(attempts)
            .bind(outcome.status.map(i64::from))
            .bind(error.chars().take(500).collect::<String>())
            .bind(now_ms)
            .bind(next)
            .bind(&d.id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE webhook_streams SET failing_since = COALESCE(failing_since, $1) WHERE id = $2")
                .bind(now_ms / 1000)
                .bind(&d.stream_id)
                .execute(&mut *tx)
                .await?;
            let disabled = sqlx::query(
                "UPDATE webhook_streams SET status = 'disabled',
                        disabled_reason = 'Every delivery failed for three days; the last: ' || $1
                 WHERE id = $2 AND status = 'active' AND failing_since <= $3",
            )
            .bind(error.chars().take(300).collect::<String>())
            .bind(&d.stream_id)
            .bind(now_ms / 1000 - GIVE_UP_AFTER_SECS)
            .execute(&mut *tx)
            .await?;
            if disabled.rows_affected() == 1 {
                tracing::warn!(stream = %d.stream_id, "audit stream disabled after failing for three days");
            }
        }
    }
    tx.commit().await?;
    Ok(())
}

/// The wait before attempt `attempts + 1`: `base · 4^(attempts-1)`, at most
/// 10 hours, ±20 %.
fn backoff_ms(base: Duration, attempts: i64) -> i64 {
    let exp = (attempts - 1).clamp(0, 20) as u32;
    let delay = (base.as_millis() as i64).saturating_mul(4i64.saturating_pow(exp)).min(MAX_DELAY_MS);
    let jitter = rand::rng().random_range(0.8..1.2);
    ((delay as f64) * jitter) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_fourfold_to_ten_hours_and_cover_three_days() {
        let base = Duration::from_secs(5);
        let mid = |attempts| backoff_ms(base, attempts) as f64;
        assert!((4_000.0..=6_000.0).contains(&mid(1)));
        assert!((16_000.0..=24_000.0).contains(&mid(2)));
        assert!(mid(30) <= 1.2 * MAX_DELAY_MS as f64);
        // Attempts keep coming until three days have passed since the event.
        let span: i64 = (1..=12).map(|a| (base.as_millis() as i64 * 4i64.pow(a - 1)).min(MAX_DELAY_MS)).sum();
        assert!(span * 12 / 10 >= GIVE_UP_AFTER_SECS * 1000 / 2, "a dozen attempts span more than a day and a half");
    }
}
