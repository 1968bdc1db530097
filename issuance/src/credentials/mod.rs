//! Credentials: what may be issued, how it is signed, stored, revoked and
//! verified.

pub mod award;
pub mod bake;
pub mod certificate;
mod check;
pub mod issue;
pub mod request;
pub mod share;
pub mod shown;
pub mod store;
pub mod vc;
pub mod verify;

pub use issue::{Issuer, issue};
pub use request::{CredentialType, IssueRequest, Recipient};
pub use store::Credential;
pub use verify::{Verification, verify_by_id, verify_token};
