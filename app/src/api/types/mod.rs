//! What server functions return: plain data the browser can hold. Roles,
//! plans and statuses are `model`'s types, the same on both sides of the
//! wire; pages ask them for labels rather than comparing strings.

pub use model::{
    CredentialStatus, CredentialType, ItemState, JobItem, JobSource, JobStatus, MailKind, MailStatus, OutboxEntry,
    Plan, Role, RowStatus,
};

mod bulk;
mod credentials;
mod jobs;
mod org;

pub use bulk::*;
pub use credentials::*;
pub use jobs::*;
pub use org::*;
