//! Time as the core sees it: unix seconds (portable across SQLite and
//! PostgreSQL as BIGINT) and calendar months in UTC.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use time::OffsetDateTime;

pub fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// Unix milliseconds, where seconds are too coarse (webhook retries).
pub fn now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// Where a running server's "now" comes from: the system clock or, for a
/// test that must see a lock run out or a session expire, a clock that
/// stands still until the test moves it (no sleeping, and no second
/// ticking over between two steps of a test). Core functions take `now`
/// from their callers; the handlers read it here.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    fixed: Option<Arc<AtomicI64>>,
}

impl Clock {
    pub fn system() -> Self {
        Clock::default()
    }

    /// A clock stopped at the system time, moved only by [`Clock::advance`].
    pub fn adjustable() -> Self {
        Clock { fixed: Some(Arc::new(AtomicI64::new(now()))) }
    }

    pub fn now(&self) -> i64 {
        self.fixed.as_ref().map_or_else(now, |t| t.load(Ordering::Relaxed))
    }

    /// Moves an adjustable clock on by `secs`; the system clock ignores it.
    pub fn advance(&self, secs: i64) {
        if let Some(t) = &self.fixed {
            t.fetch_add(secs, Ordering::Relaxed);
        }
    }
}

/// The quota month of a timestamp, `YYYY-MM` in UTC.
pub fn month_of(unix: i64) -> String {
    let t = OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    format!("{:04}-{:02}", t.year(), u8::from(t.month()))
}

/// RFC 3339, as APIs show timestamps.
pub fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

/// Unix seconds of an RFC 3339 time.
pub fn parse_rfc3339(text: &str) -> Result<i64, time::error::Parse> {
    Ok(OffsetDateTime::parse(text.trim(), &time::format_description::well_known::Rfc3339)?.unix_timestamp())
}

/// `30 November 2026`, as a certificate prints a date (UTC).
pub fn long_date(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .map(|t| format!("{} {} {}", t.day(), t.month(), t.year()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_boundary_is_utc() {
        // 2026-01-31T23:59:59Z and one second later.
        assert_eq!(month_of(1_769_903_999), "2026-01");
        assert_eq!(month_of(1_769_904_000), "2026-02");
    }

    #[test]
    fn rfc3339_formats_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    }
}
