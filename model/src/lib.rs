//! Laurel's vocabulary, shared by the server and the browser: every role,
//! plan, scope and status is a type here, and its wire name (in JSON, in
//! the database, in URLs) is derived once from the variant's name, the same
//! way for serde, for strum (`as_str`, `Display`, parsing) and for sqlx.
//! Nothing here does I/O; the rules that need the database live in
//! `issuance`.

mod term;

pub mod audit;

pub mod credential;
pub mod identity;
pub mod job;
pub mod mail;
pub mod notice;
pub mod plan;
pub mod review;
pub mod role;
pub mod scope;
pub mod webhook;

pub use audit::AuditAction;
pub use credential::{CredentialStatus, CredentialType};
pub use identity::{
    AccountStatus, CheckName, CheckStatus, DocumentKind, DocumentSide, FailedCheckRule, IdClass, SessionStatus,
    VerificationStatus,
};
pub use job::{BatchStatus, ItemState, JobItem, JobKind, JobSource, JobStatus};
pub use mail::{MailKind, MailStatus, OutboxEntry};
pub use notice::Notice;
pub use plan::Plan;
pub use review::{DuplicatePolicy, RowStatus, Treatment, UploadRefusal};
pub use role::{Action, Role};
pub use scope::Scope;
pub use term::parse_term;
pub use webhook::{DeliveryStatus, EventType, StreamStatus, Subscription};

#[cfg(test)]
mod tests {
    use super::*;

    /// Every name the outside world sees, for every variant: serde's (JSON)
    /// and strum's (`as_str`, also what the database stores) must be one.
    fn agree<T>(all: &[T])
    where
        T: Copy + std::fmt::Debug + PartialEq + serde::Serialize + serde::de::DeserializeOwned + std::str::FromStr,
        T: Into<&'static str> + std::fmt::Display,
    {
        for &v in all {
            let wire: &'static str = v.into();
            assert_eq!(serde_json::to_value(v).unwrap(), serde_json::Value::from(wire), "{v:?}");
            assert_eq!(serde_json::from_value::<T>(wire.into()).unwrap(), v);
            assert_eq!(v.to_string(), wire);
            assert_eq!(wire.parse::<T>().ok(), Some(v));
        }
    }

    #[test]
    fn wire_names_agree() {
        agree(Role::ALL);
        agree(Action::ALL);
        agree(Plan::ALL);
        agree(Scope::ALL);
        agree(JobStatus::ALL);
        agree(JobSource::ALL);
        agree(BatchStatus::ALL);
        agree(ItemState::ALL);
        agree(RowStatus::ALL);
        agree(CredentialStatus::ALL);
        agree(CredentialType::ALL);
        agree(MailStatus::ALL);
        agree(MailKind::ALL);
        agree(Notice::ALL);
        agree(EventType::ALL);
        agree(AccountStatus::ALL);
        agree(SessionStatus::ALL);
        agree(DocumentKind::ALL);
        agree(IdClass::ALL);
        agree(DocumentSide::ALL);
        agree(VerificationStatus::ALL);
        agree(CheckStatus::ALL);
        agree(CheckName::ALL);
        agree(FailedCheckRule::ALL);
        agree(AuditAction::ALL);
        agree(StreamStatus::ALL);
        agree(DeliveryStatus::ALL);
        agree(UploadRefusal::ALL);
        assert_eq!(RowStatus::ActiveNonExpiring.as_str(), "active_non_expiring");
        assert_eq!(Scope::CredentialsWrite.as_str(), "credentials:write");
        assert_eq!(Action::ManageApiKeys.as_str(), "manage_api_keys");
    }
}
