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

vocabulary! {
    /// What a credential attests, as the API's `credential_type` names it.
    pub enum CredentialType {
        Business,
        User,
        AgentAuthorization,
        OutcomeAttestation,
        Badge,
    }
}

impl CredentialType {
    /// The VC `type` besides `VerifiableCredential`.
    pub fn vc_type(self) -> &'static str {
        match self {
            CredentialType::Business => "BusinessCredential",
            CredentialType::User => "UserCredential",
            CredentialType::AgentAuthorization => "AgentAuthorizationCredential",
            CredentialType::OutcomeAttestation => "OutcomeAttestationCredential",
            CredentialType::Badge => "OpenBadgeCredential",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CredentialType::Business => "Business",
            CredentialType::User => "User",
            CredentialType::AgentAuthorization => "Agent authorization",
            CredentialType::OutcomeAttestation => "Outcome attestation",
            CredentialType::Badge => "Badge",
        }
    }
}
