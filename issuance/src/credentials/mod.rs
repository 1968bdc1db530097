//! Credentials: what may be issued, how it is signed, stored, revoked and
//! verified.

mod check;
pub mod request;
pub mod vc;

pub use request::{CredentialType, IssueRequest, Recipient};
