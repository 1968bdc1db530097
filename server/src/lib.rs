//! The Laurel server: configuration, the HTTP router and its middleware,
//! and the operator commands. Business rules live in the `issuance` crate;
//! pages and server functions in `app`.

// The Leptos views' types nest deeper than the default 128 allows a
// release build with sanitizers (the fuzz targets' build, fuzz/) to lay out.
#![recursion_limit = "256"]

pub mod admin;
pub mod api_errors;
pub mod badge_images;
pub mod bulk_files;
pub mod client;
pub mod config;
pub mod form_echo;
pub mod identity_images;
pub mod inbound_email;
pub mod job_events;
pub mod origin_guard;
pub mod public_badges;
pub mod public_credentials;
pub mod refusal;
pub mod rest;
pub mod security_headers;
pub mod session_store;
pub mod startup;
pub mod telemetry;
pub mod unsubscribe;
