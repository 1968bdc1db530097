//! Integration tests: the real router on a loopback port, a fresh SQLite
//! file per test, real HTTP through reqwest.

mod auth;
mod cli;
mod cross_site;
mod helpers;
mod members;
mod roles;
mod tenancy;
