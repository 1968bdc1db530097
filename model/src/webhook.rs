//! Audit streams (webhooks): the events they carry, and how a stream and
//! each delivery stand.

use crate::term::vocabulary;

/// An event a stream can subscribe to. Event names have a dot
/// (`credential.issued`), so each is written once, in its strum attribute;
/// serde goes through the same names.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, strum::IntoStaticStr, strum::Display, strum::VariantArray,
)]
pub enum EventType {
    /// One credential issued through `POST /v1/credentials` (bulk jobs send
    /// one event per job, with the counts, not one per credential).
    #[strum(serialize = "credential.issued")]
    CredentialIssued,
    #[strum(serialize = "credential.revoked")]
    CredentialRevoked,
    /// A job (CSV or JSON batch) finished with at least one success.
    #[strum(serialize = "credential.batch_completed")]
    BatchCompleted,
    /// A job finished with every item failed.
    #[strum(serialize = "credential.batch_failed")]
    BatchFailed,
}

crate::term::named_terms!(EventType);

impl EventType {
    pub fn label(self) -> &'static str {
        match self {
            EventType::CredentialIssued => "A credential is issued (single)",
            EventType::CredentialRevoked => "A credential is revoked",
            EventType::BatchCompleted => "A bulk job completes",
            EventType::BatchFailed => "A bulk job fails",
        }
    }
}

/// What a stream listens to: every event, or the ones listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subscription {
    All,
    Only(Vec<EventType>),
}

impl Subscription {
    /// The wildcard's wire name.
    pub const ALL_EVENTS: &'static str = "*";

    pub fn covers(&self, event: EventType) -> bool {
        match self {
            Subscription::All => true,
            Subscription::Only(list) => list.contains(&event),
        }
    }

    /// Parses `["credential.issued", ...]` or `["*"]`: at least one, each a
    /// known event; says which entry is wrong otherwise.
    pub fn parse(names: &[String]) -> Result<Subscription, (usize, String)> {
        if names.is_empty() {
            return Err((0, "give at least one action, or \"*\" for all".into()));
        }
        if names.iter().any(|n| n.trim() == Self::ALL_EVENTS) {
            return Ok(Subscription::All);
        }
        let mut list = Vec::new();
        for (i, n) in names.iter().enumerate() {
            let e: EventType = n.parse().map_err(|m| (i, m))?;
            if !list.contains(&e) {
                list.push(e);
            }
        }
        Ok(Subscription::Only(list))
    }

    pub fn names(&self) -> Vec<String> {
        match self {
            Subscription::All => vec![Self::ALL_EVENTS.to_owned()],
            Subscription::Only(list) => list.iter().map(|e| e.as_str().to_owned()).collect(),
        }
    }
}

vocabulary! {
    pub enum StreamStatus {
        Active,
        /// Paused by a person: events are not recorded for it.
        Paused,
        /// Turned off after failing continuously for three days.
        Disabled,
    }
}

impl StreamStatus {
    pub fn label(self) -> &'static str {
        match self {
            StreamStatus::Active => "Active",
            StreamStatus::Paused => "Paused",
            StreamStatus::Disabled => "Disabled",
        }
    }
}

vocabulary! {
    pub enum DeliveryStatus {
        /// Waiting for its first attempt or for a retry.
        Pending,
        Delivered,
        /// Gave up after retrying for three days.
        Failed,
    }
}

impl DeliveryStatus {
    pub fn label(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "Pending",
            DeliveryStatus::Delivered => "Delivered",
            DeliveryStatus::Failed => "Failed",
        }
    }
}
