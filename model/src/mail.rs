//! The e-mail outbox's vocabulary, and a message as the pages list it
//! (the same record on both sides of the wire).

use serde::{Deserialize, Serialize};

use crate::term::vocabulary;

vocabulary! {
    /// What a message is about.
    pub enum MailKind {
        /// A recipient's new credential.
        CredentialIssued,
        /// An invitation to join an organisation (its link is never shown).
        Invitation,
        /// An admin's test of the org's credential e-mail, sent to them.
        TemplateTest,
        /// A recipient told that their credential was revoked (when an
        /// undo asks for it).
        CredentialRevoked,
    }
}

vocabulary! {
    pub enum MailStatus {
        Queued,
        Sent,
        Failed,
        /// Never sent: its credential was revoked while it waited.
        Cancelled,
        /// Accepted by the relay, then returned by the recipient's server
        /// (a delivery-status notification said so).
        Bounced,
    }
}

impl MailStatus {
    pub fn label(self) -> &'static str {
        match self {
            MailStatus::Queued => "Queued",
            MailStatus::Sent => "Sent",
            MailStatus::Failed => "Failed",
            MailStatus::Cancelled => "Cancelled",
            MailStatus::Bounced => "Bounced",
        }
    }
}

/// One message of the outbox. Never its body: an invitation's carries a
/// secret link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct OutboxEntry {
    pub id: String,
    pub kind: MailKind,
    pub credential_id: Option<String>,
    pub job_id: Option<String>,
    pub to_email: String,
    pub to_name: String,
    /// The credential's badge, for a credential's message.
    pub badge_name: Option<String>,
    pub status: MailStatus,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub sent_at: Option<i64>,
    pub created_at: i64,
}
