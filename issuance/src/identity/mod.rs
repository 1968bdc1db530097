//! The Identity API's core: verifying a person before a credential says
//! so. An org's [`accounts`] each start [`sessions`] that collect the
//! person's details and [`documents`] (images `PUT` to an
//! [`upload_link`], kept in the [`storage`]); a [`verifications`] run,
//! by the [`worker`], applies the [`checks`], and a session is decided
//! ([`decide`]); an approved one earns its [`credential`]. Images are
//! deleted after the org's [`retention`] period.

pub mod accounts;
pub mod checks;
pub mod credential;
pub mod decide;
pub mod documents;
pub mod page;
pub mod retention;
pub mod rules;
pub mod sessions;
pub mod storage;
pub mod upload_link;
pub mod verifications;
pub mod worker;
