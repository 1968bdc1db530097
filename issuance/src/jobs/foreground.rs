//! Requests people wait for come before jobs.
//!
//! The server counts the requests it is answering ([`serving`]). While any
//! is in flight a job's runner lets it finish first ([`make_way`]); while
//! people have been served in the last second, it takes small batches (so
//! a request that arrives mid-batch does not share the cores with a write
//! of a thousand rows) and rests as long as each write took. On two cores
//! an uncapped job otherwise wrote 2,000 credentials a second and held the
//! dashboard's p95 at 370 ms (the load benchmark); the job keeps its full
//! pace whenever nobody is around. Each process counts its own requests:
//! on PostgreSQL a job run by one process does not slow for another's
//! visitors.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);
/// When the last request finished, in ms since [`EPOCH`] (0: none yet).
static LAST_SERVED_MS: AtomicU64 = AtomicU64::new(0);
static EPOCH: LazyLock<Instant> = LazyLock::new(Instant::now);

/// Rows a batch takes while people are being served: a write of this
/// many takes a few milliseconds.
pub const BATCH_WHILE_SERVING: usize = 50;
/// The longest a runner waits for requests to finish before its next
/// batch, so a steady stream of visitors slows a job but cannot stop it.
const MOST_WAIT: Duration = Duration::from_millis(20);
/// How long after the last request the server still counts as in use.
const IN_USE_FOR: Duration = Duration::from_secs(1);

/// A request being answered, until dropped.
pub struct Serving(());

impl Drop for Serving {
    fn drop(&mut self) {
        LAST_SERVED_MS.store(now_ms().max(1), Ordering::Relaxed);
        IN_FLIGHT.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Counts a request as in flight until the guard is dropped.
pub fn serving() -> Serving {
    LazyLock::force(&EPOCH);
    IN_FLIGHT.fetch_add(1, Ordering::Relaxed);
    Serving(())
}

fn now_ms() -> u64 {
    EPOCH.elapsed().as_millis() as u64
}

/// Whether a request finished within [`IN_USE_FOR`].
fn served_lately() -> bool {
    served_within(LAST_SERVED_MS.load(Ordering::Relaxed), now_ms())
}

fn served_within(last_served_ms: u64, now_ms: u64) -> bool {
    last_served_ms != 0 && now_ms.saturating_sub(last_served_ms) < IN_USE_FOR.as_millis() as u64
}

pub fn busy() -> bool {
    IN_FLIGHT.load(Ordering::Relaxed) > 0
}

/// Whether people are being served: a request in flight, or one finished
/// within [`IN_USE_FOR`].
pub fn in_use() -> bool {
    busy() || served_lately()
}

/// Waits, at most [`MOST_WAIT`], for the requests in flight to finish.
/// Returns whether the server is in use (then the next batch is a small
/// one): a request still in flight, or one finished within [`IN_USE_FOR`].
pub async fn make_way() -> bool {
    let started = Instant::now();
    while busy() {
        if started.elapsed() >= MOST_WAIT {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    in_use()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_runner_waits_for_a_request_in_flight_but_not_forever_and_takes_small_batches_for_a_second_after() {
        let request = serving();
        assert!(busy());
        let started = Instant::now();
        assert!(make_way().await, "still serving after the longest wait");
        assert!(started.elapsed() >= MOST_WAIT);
        let finisher = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(5)).await;
            drop(request);
        });
        // Another test of this binary may be serving too: only the count
        // going back down is certain.
        finisher.await.unwrap();
        assert_eq!(IN_FLIGHT.load(Ordering::Relaxed), 0);
        assert!(make_way().await, "in use for a second after the last request");
    }

    #[test]
    fn the_server_counts_as_in_use_for_a_second_after_its_last_request() {
        assert!(!served_within(0, 5_000), "never served");
        assert!(served_within(4_001, 5_000));
        assert!(!served_within(4_000, 5_000));
    }
}
