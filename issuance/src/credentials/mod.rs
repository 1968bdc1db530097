//! Credentials: what may be issued, how it is signed, stored, revoked and
//! verified.

mod check;
pub mod request;

pub use request::{CredentialType, IssueRequest, Recipient};
