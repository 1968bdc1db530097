//! Where an outbox message stands.

use crate::term::vocabulary;

vocabulary! {
    pub enum MailStatus {
        Queued,
        Sent,
        Failed,
    }
}

impl MailStatus {
    pub fn label(self) -> &'static str {
        match self {
            MailStatus::Queued => "Queued",
            MailStatus::Sent => "Sent",
            MailStatus::Failed => "Failed",
        }
    }
}
