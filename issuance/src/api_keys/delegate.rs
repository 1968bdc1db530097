//! Keys created and revoked by another key (`/v1/keys`, the CLI's remote
//! `keys` commands). A key grants only scopes it holds itself, so no key
//! can mint a stronger one; the audit log names the key that acted.

use super::{ApiKey, IssuedKey, NewKey, Scope, create_as, revoke_as};
use crate::audit::Actor;
use crate::db::Db;
use crate::error::{CoreError, CoreResult};

/// A new key of `by`'s org named `name` with `scopes` (each held by `by`),
/// acting for `actor_id` when given.
pub async fn create(
    db: &Db,
    by: &ApiKey,
    name: &str,
    scopes: &[Scope],
    actor_id: Option<&str>,
) -> CoreResult<IssuedKey> {
    if let Some(missing) = scopes.iter().find(|s| !by.scopes.contains(s)) {
        return Err(CoreError::field(
            "scopes",
            format!("{missing} is not a scope of the key asking; a key grants only scopes it holds"),
        ));
    }
    if actor_id.is_some_and(|a| a.trim().is_empty() || a.chars().count() > 200) {
        return Err(CoreError::field("actor_id", "must be 1 to 200 characters"));
    }
    let new = NewKey { name, scopes, actor_id, created_by: None };
    create_as(db, &by.org_id, new, Actor::api_key(Some(&by.id))).await
}

/// Revokes the key `key_id` of `by`'s org; another org's key is not found.
pub async fn revoke(db: &Db, by: &ApiKey, key_id: &str) -> CoreResult<()> {
    revoke_as(db, &by.org_id, key_id, Actor::api_key(Some(&by.id))).await
}
