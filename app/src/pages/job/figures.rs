//! The live card's figures in words: the pace, the time left and the
//! e-mails, from the job's latest snapshot.

use crate::api::types::{JobSnapshot, JobStatus};
use crate::format::{duration, thousands};

/// Every e-mail the job has, whatever became of it.
pub(super) fn mail_total(s: &JobSnapshot) -> i64 {
    s.emails_queued + s.emails_sent + s.emails_failed + s.emails_bounced + s.emails_cancelled
}

/// `1,234 of 5,000 sent`, or why there are none.
pub(super) fn mail_progress_text(s: &JobSnapshot) -> String {
    let total = mail_total(s);
    if total == 0 {
        return if s.status.is_finished() { "none to send".into() } else { "none yet".into() };
    }
    let out = s.emails_sent + s.emails_failed + s.emails_bounced + s.emails_cancelled;
    match s.status {
        JobStatus::Delivering => format!("sending: {} of {} sent", thousands(s.emails_sent), thousands(total)),
        _ if out == total => format!("{} of {} sent", thousands(s.emails_sent), thousands(total)),
        _ => format!("{} of {} sent so far", thousands(s.emails_sent), thousands(total)),
    }
}

pub(super) fn rate_text(s: &JobSnapshot) -> String {
    match (s.status, s.rate) {
        (JobStatus::Pending, _) => "Waiting to start".into(),
        (JobStatus::Paused, _) => "Waiting to be released".into(),
        (JobStatus::Scheduled, _) => "Waiting for its start time".into(),
        (JobStatus::Delivering, _) => {
            format!("Every row is done; e-mailing recipients ({} left)", thousands(s.emails_queued))
        }
        (JobStatus::Processing, Some(r)) => format!("{} credentials/s", one_decimal(r)),
        (JobStatus::Processing, None) => "Starting…".into(),
        (_, Some(r)) => format!("{} credentials/s on average", one_decimal(r)),
        (_, None) => String::new(),
    }
}

pub(super) fn time_left_text(s: &JobSnapshot) -> String {
    match (s.status, s.seconds_left) {
        (JobStatus::Processing, Some(secs)) => format!(" · about {} left", duration(secs)),
        _ => String::new(),
    }
}

fn one_decimal(r: f64) -> String {
    if r >= 100.0 { format!("{r:.0}") } else { format!("{r:.1}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_plainly() {
        assert_eq!(one_decimal(12.345), "12.3");
        assert_eq!(one_decimal(250.4), "250");
    }
}
