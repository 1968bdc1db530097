//! Attacks, tried the way a careful attacker would, through the same
//! server functions and endpoints the pages and scripts use. Each test ends
//! with the attacker empty-handed.

mod api;
mod headers;
mod invitations;
mod sign_in;
mod streams;
mod verification;
