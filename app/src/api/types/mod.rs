//! What server functions return: plain data the browser can hold. Roles,
//! plans and statuses are `model`'s types, the same on both sides of the
//! wire; pages ask them for labels rather than comparing strings.

pub use model::{
    CheckName, CheckStatus, CredentialStatus, CredentialType, DeliveryStatus, DuplicatePolicy, EventType, ItemState,
    JobItem, JobSource, JobStatus, MailKind, MailStatus, OutboxEntry, Plan, Role, RowStatus, SessionStatus,
    StreamStatus, VerificationStatus,
};

mod bulk;
mod credentials;
mod email;
mod identity;
mod jobs;
mod org;
mod streams;

pub use bulk::*;
pub use credentials::*;
pub use email::*;
pub use identity::*;
pub use jobs::*;
pub use org::*;
pub use streams::*;
