//! How fast a job goes and when it will be done: what the job page shows
//! on load and what its live event stream sends, computed one way.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::JobStatus;
use super::read::Job;

impl Job {
    /// When issuing stopped: its last row, or a cancel.
    fn issuing_ended_at(&self) -> Option<i64> {
        self.issued_at.or(self.completed_at)
    }

    /// Credentials per second from the start until issuing ended (or `now`).
    pub fn average_rate(&self, now: i64) -> Option<f64> {
        let started = self.started_at?;
        let elapsed = (self.issuing_ended_at().unwrap_or(now) - started).max(1);
        (self.succeeded > 0).then(|| self.succeeded as f64 / elapsed as f64)
    }

    /// Seconds of issuing, from start until it ended or `now`.
    pub fn duration(&self, now: i64) -> Option<i64> {
        self.started_at.map(|s| (self.issuing_ended_at().unwrap_or(now) - s).max(0))
    }

    /// Seconds until the rows left are done at `rate`, while any are left.
    pub fn seconds_left(&self, rate: Option<f64>) -> Option<i64> {
        let remaining = self.remaining();
        match rate {
            Some(r) if r > 0.0 && remaining > 0 => Some((remaining as f64 / r).ceil() as i64),
            _ => None,
        }
    }
}

/// The rate lately, from counts sampled as a job is watched: more telling
/// than the average while a job runs (it may have waited for a slot, or be
/// held to its org's cap).
pub struct RecentRate {
    window: Duration,
    /// `(when, credentials issued)`, oldest first, over the last `window`.
    samples: VecDeque<(Instant, i64)>,
}

impl RecentRate {
    pub fn over(window: Duration) -> Self {
        RecentRate { window, samples: VecDeque::new() }
    }

    /// Notes that `succeeded` credentials were issued by `at`.
    pub fn sample(&mut self, at: Instant, succeeded: i64) {
        self.samples.push_back((at, succeeded));
        while self.samples.front().is_some_and(|(t, _)| at.duration_since(*t) > self.window) {
            self.samples.pop_front();
        }
    }

    /// Credentials per second over the window, once it spans at least a
    /// second and saw some issued.
    pub fn per_second(&self) -> Option<f64> {
        let ((t0, n0), (t1, n1)) = (self.samples.front()?, self.samples.back()?);
        let span = t1.duration_since(*t0).as_secs_f64();
        (span >= 1.0 && n1 > n0).then(|| (n1 - n0) as f64 / span)
    }

    /// What to show for `job`: the recent rate while it runs, else (or
    /// until there is one) the average.
    pub fn for_job(&self, job: &Job, now: i64) -> Option<f64> {
        let average = job.average_rate(now);
        if job.status == JobStatus::Processing { self.per_second().or(average) } else { average }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recent_rate_needs_a_second_of_samples_and_forgets_old_ones() {
        let start = Instant::now();
        let mut rate = RecentRate::over(Duration::from_secs(5));
        rate.sample(start, 0);
        rate.sample(start + Duration::from_millis(500), 50);
        assert_eq!(rate.per_second(), None, "half a second is too short to tell");
        rate.sample(start + Duration::from_secs(2), 200);
        assert_eq!(rate.per_second(), Some(100.0));
        rate.sample(start + Duration::from_secs(8), 200);
        assert_eq!(rate.per_second(), None, "nothing issued in the last five seconds");
    }
}
