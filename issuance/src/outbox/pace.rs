//! How fast each recipient domain is sent to. A large job to one
//! university must not look like a flood to its mail server: each domain
//! gets at most `sessions` messages in flight and, if set, at most
//! `per_sec` a second; a domain whose server answers "try again later"
//! (a 4xx reply) is paused while every other domain goes on.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DomainPace {
    /// Messages in flight to one domain at once.
    pub sessions: usize,
    /// Messages a second to one domain; `None` for no limit.
    pub per_sec: Option<u32>,
}

impl Default for DomainPace {
    fn default() -> Self {
        DomainPace { sessions: 16, per_sec: None }
    }
}

/// The pace of every domain seen so far, shared by a sender's sessions.
pub(crate) struct Pacer {
    pace: DomainPace,
    domains: Mutex<HashMap<String, Arc<Domain>>>,
}

struct Domain {
    slots: Arc<Semaphore>,
    /// When the next message may start, under `per_sec`.
    next: Mutex<Instant>,
    /// Set by a 4xx reply: nothing goes to the domain before then.
    paused_until: Mutex<Option<Instant>>,
}

/// The longest a message waits for its domain's pace before it goes back
/// to the queue instead.
pub(crate) const MAX_WAIT: Duration = Duration::from_secs(2);

impl Domain {
    /// `Err(how long)` while the domain is paused.
    fn paused_for(&self) -> Result<(), Duration> {
        let left = self
            .paused_until
            .lock()
            .expect("pause lock")
            .map_or(Duration::ZERO, |until| until.saturating_duration_since(Instant::now()));
        if left.is_zero() { Ok(()) } else { Err(left) }
    }
}

/// A message may go; the domain's slot is held until this is dropped.
pub(crate) struct Admitted(#[allow(dead_code)] OwnedSemaphorePermit);

impl Pacer {
    pub(crate) fn new(pace: DomainPace) -> Pacer {
        Pacer { pace, domains: Mutex::new(HashMap::new()) }
    }

    fn domain(&self, name: &str) -> Arc<Domain> {
        let mut domains = self.domains.lock().expect("domains lock");
        domains
            .entry(name.to_owned())
            .or_insert_with(|| {
                Arc::new(Domain {
                    slots: Arc::new(Semaphore::new(self.pace.sessions.max(1))),
                    next: Mutex::new(Instant::now()),
                    paused_until: Mutex::new(None),
                })
            })
            .clone()
    }

    /// Waits for a slot and the domain's pace, or says how long until the
    /// domain can take the message: it is paused, or its pace has no room
    /// within [`MAX_WAIT`]. Such a message goes back to the queue untried,
    /// so a slow domain never holds up the others.
    pub(crate) async fn admit(&self, domain: &str) -> Result<Admitted, Duration> {
        let d = self.domain(domain);
        d.paused_for()?;
        let permit = d.slots.clone().acquire_owned().await.map_err(|_| MAX_WAIT)?;
        if let Some(rate) = self.pace.per_sec.filter(|r| *r > 0) {
            let start = {
                let mut next = d.next.lock().expect("pace lock");
                let now = Instant::now();
                let start = (*next).max(now);
                if start - now > MAX_WAIT {
                    return Err(start - now);
                }
                *next = start + Duration::from_secs_f64(1.0 / f64::from(rate));
                start
            };
            tokio::time::sleep_until(start).await;
        }
        // A reply from this domain may have paused it while this waited.
        d.paused_for()?;
        Ok(Admitted(permit))
    }

    /// Nothing more to `domain` for `pause`; other domains are not slowed.
    pub(crate) fn pause(&self, domain: &str, pause: Duration) {
        let d = self.domain(domain);
        let until = Instant::now() + pause;
        let mut paused = d.paused_until.lock().expect("pause lock");
        *paused = Some(paused.map_or(until, |p| p.max(until)));
    }
}

/// The part of an address after the last `@`, lower-cased.
pub(crate) fn domain_of(address: &str) -> String {
    address.rsplit_once('@').map_or(address, |(_, d)| d).trim().to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_domain_is_held_to_its_rate_and_a_paused_one_waits_alone() {
        let pacer = Pacer::new(DomainPace { sessions: 2, per_sec: Some(10) });
        let started = Instant::now();
        for _ in 0..5 {
            drop(pacer.admit("uni.example").await.expect("admitted"));
        }
        // Five at ten a second: the fifth starts 0.4 s after the first.
        assert_eq!(started.elapsed(), Duration::from_millis(400));

        pacer.pause("uni.example", Duration::from_secs(30));
        assert_eq!(pacer.admit("uni.example").await.err(), Some(Duration::from_secs(30)), "paused");
        assert!(pacer.admit("other.example").await.is_ok(), "another domain goes on");
        tokio::time::advance(Duration::from_secs(31)).await;
        assert!(pacer.admit("uni.example").await.is_ok(), "the pause ends");
    }

    #[tokio::test(start_paused = true)]
    async fn a_message_that_would_wait_long_for_its_domain_goes_back_instead() {
        let pacer = Arc::new(Pacer::new(DomainPace { sessions: 100, per_sec: Some(1) }));
        let mut waiting = tokio::task::JoinSet::new();
        for _ in 0..10 {
            let pacer = pacer.clone();
            waiting.spawn(async move { pacer.admit("uni.example").await.map(drop) });
        }
        let outcomes = waiting.join_all().await;
        // Ten at once at one a second: those due within MAX_WAIT (now, in
        // 1 s, in 2 s) go; the others are told to come back later.
        assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 3);
        assert!(outcomes.iter().filter_map(|o| o.err()).all(|after| after > MAX_WAIT), "{outcomes:?}");
    }

    #[tokio::test]
    async fn at_most_the_domain_s_sessions_are_in_flight() {
        let pacer = Pacer::new(DomainPace { sessions: 2, per_sec: None });
        let a = pacer.admit("uni.example").await.unwrap();
        let _b = pacer.admit("uni.example").await.unwrap();
        let third = tokio::time::timeout(Duration::from_millis(50), pacer.admit("uni.example")).await;
        assert!(third.is_err(), "a third waits for a slot");
        drop(a);
        assert!(pacer.admit("uni.example").await.is_ok());
    }

    #[test]
    fn the_domain_is_what_follows_the_last_at() {
        assert_eq!(domain_of("Jane.Doe@Uni.Example "), "uni.example");
        assert_eq!(domain_of("\"a@b\"@c.org"), "c.org");
    }
}
