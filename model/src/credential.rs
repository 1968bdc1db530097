//! Where a credential stands.

use crate::term::vocabulary;

vocabulary! {
    /// `Active` and `Revoked` are stored; `Expired` is an active
    /// credential past its `expires_at`, decided when read.
    pub enum CredentialStatus {
        Active,
        Revoked,
        Expired,
    }
}

impl CredentialStatus {
    /// From the stored state and the expiry, at `now`.
    pub fn at(revoked: bool, expires_at: Option<i64>, now: i64) -> Self {
        match (revoked, expires_at) {
            (true, _) => CredentialStatus::Revoked,
            (false, Some(at)) if at <= now => CredentialStatus::Expired,
            _ => CredentialStatus::Active,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CredentialStatus::Active => "Active",
            CredentialStatus::Revoked => "Revoked",
            CredentialStatus::Expired => "Expired",
        }
    }
}
