//! Server functions: the dashboard's calls to the server. Each one checks
//! the session, the membership and the role on the server, then calls the
//! issuance core; none holds business rules of its own.
//!
//! Endpoints are named (`/api/<name>`) rather than hashed so that tests and
//! logs can refer to them.

pub mod account;
pub mod activity;
pub mod auth;
pub mod badges;
pub mod bulk;
pub mod credentials;
pub mod email;
pub mod identity;
pub mod invitations;
pub mod jobs;
pub mod members;
pub mod orgs;
pub mod outbox;
pub mod plan;
pub mod settings;
pub mod streams;
pub mod types;
