//! Laurel's issuance core.
//!
//! Everything that decides who may do what, and everything that issues,
//! lives here so the dashboard, the REST API and the CLI share one set of
//! rules. Nothing in this crate knows about HTTP or Leptos: callers hand in
//! a database pool and plain values, and get plain values or a [`CoreError`].

pub mod accounts;
pub mod api_keys;
pub mod audit;
pub mod badges;
pub mod bulk;
pub mod clock;
pub mod credentials;
pub mod db;
pub mod did;
pub mod email;
pub mod error;
pub mod idempotency;
pub mod identity;
pub mod ids;
pub mod jobs;
pub mod jws;
pub mod keys;
#[cfg(test)]
mod list_plans;
pub mod orgs;
pub mod outbox;
pub mod quota;
pub mod site;
pub mod status_list;
pub mod tallies;
pub mod webhooks;

pub use error::{CoreError, FieldError, Outage};
pub use site::Site;
