//! Integration tests: the real router on a loopback port, a fresh SQLite
//! file per test, real HTTP through reqwest.

mod api_keys;
mod audit_events;
mod audit_streams;
mod auth;
mod backup;
mod badge_images;
mod batch_issue;
mod bulk_api;
mod bulk_issue_api;
mod bulk_jobs;
mod bulk_pages;
mod cli;
mod cli_client;
mod crash_recovery;
mod credential_pages;
mod credentials_issue;
mod credentials_verify;
mod cross_site;
mod dashboard;
mod delivery_pace;
mod email_delivery;
mod email_lifecycle;
mod faults;
mod helpers;
mod idempotency;
mod identity;
mod job_pages;
mod members;
mod ob3_conformance;
mod openapi;
mod operator_trust;
mod roles;
mod scale_out;
mod security;
mod tenancy;
