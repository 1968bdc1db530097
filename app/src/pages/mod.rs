//! One module per page.

pub mod account;
pub mod activity;
pub mod badges;
pub mod bulk_issue;
pub mod bulk_review;
pub mod credential;
pub mod credentials;
pub mod email;
pub mod home;
pub mod identity;
pub mod invitation;
pub mod job;
pub mod jobs;
pub mod login;
pub mod members;
pub mod not_found;
pub mod org_frame;
pub mod outbox;
pub mod overview;
pub mod plan;
pub mod public_badge;
pub mod public_credential;
pub mod settings;
pub mod streams;
pub mod welcome;
