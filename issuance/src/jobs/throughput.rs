//! Credentials a job issued over time, for the chart on its page: counts
//! per interval from the start of issuing, at most [`MAX_BARS`] of them
//! (the interval grows with the job), read with one grouped query.

use serde::{Deserialize, Serialize};

use super::read::Job;
use crate::db::Db;
use crate::error::CoreResult;

/// Enough bars to see a stall or a cap at work, few enough to read.
pub const MAX_BARS: i64 = 60;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Throughput {
    /// Seconds each count covers.
    pub interval_secs: i64,
    /// Credentials issued in each interval since issuing started, in order.
    pub counts: Vec<i64>,
}

impl Throughput {
    /// The fastest interval, per second.
    pub fn peak_per_sec(&self) -> f64 {
        self.counts.iter().copied().max().unwrap_or(0) as f64 / self.interval_secs.max(1) as f64
    }
}

/// `job`'s throughput from its start until issuing ended (or `now`);
/// empty before it starts.
pub async fn of(db: &Db, job: &Job, now: i64) -> CoreResult<Throughput> {
    let Some(started) = job.started_at else {
        return Ok(Throughput::default());
    };
    let ended = job.issued_at.or(job.completed_at).unwrap_or(now).max(started);
    // Ceiling division: the last second of issuing still falls in a bar.
    let interval = ((ended - started + 1) + MAX_BARS - 1) / MAX_BARS;
    let interval = interval.max(1);
    let bars = ((ended - started) / interval + 1) as usize;
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT (finished_at - $2) / $3 AS bar, COUNT(*) FROM job_items
         WHERE job_id = $1 AND state = 'succeeded' AND finished_at >= $2
         GROUP BY bar ORDER BY bar",
    )
    .bind(&job.id)
    .bind(started)
    .bind(interval)
    .fetch_all(db)
    .await?;
    let mut counts = vec![0; bars];
    for (bar, n) in rows {
        // A row recorded after `ended` (a clock step) joins the last bar.
        let at = (bar.max(0) as usize).min(bars - 1);
        counts[at] += n;
    }
    Ok(Throughput { interval_secs: interval, counts })
}
