//! What a dashboard session holds once someone signs in, and when it stops
//! counting. Besides the idle timeout of the session layer, a session ends
//! [`ABSOLUTE_LIFETIME_SECS`] after sign-in whatever happens, and when the
//! account's password changes: each sign-in records the account's session
//! epoch, and a password change moves the epoch on.

use serde::{Deserialize, Serialize};

use super::users::{self, User};
use crate::db::Db;
use crate::error::CoreResult;

/// Sign in again after this long, however busy the session was.
pub const ABSOLUTE_LIFETIME_SECS: i64 = 24 * 3600;

/// Stored in the session at sign-in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionGrant {
    pub user_id: String,
    pub epoch: i64,
    pub signed_in_at: i64,
}

/// The grant for a fresh sign-in of `user_id`.
pub async fn grant(db: &Db, user_id: &str, now: i64) -> CoreResult<SessionGrant> {
    let epoch: i64 =
        sqlx::query_scalar("SELECT session_epoch FROM users WHERE id = $1").bind(user_id).fetch_one(db).await?;
    Ok(SessionGrant { user_id: user_id.to_owned(), epoch, signed_in_at: now })
}

/// The user a grant still stands for, or `None` once it has run out or the
/// password has changed since.
pub async fn resolve(db: &Db, grant: &SessionGrant, now: i64) -> CoreResult<Option<User>> {
    if now - grant.signed_in_at >= ABSOLUTE_LIFETIME_SECS || now < grant.signed_in_at - 60 {
        return Ok(None);
    }
    let epoch: Option<i64> = sqlx::query_scalar("SELECT session_epoch FROM users WHERE id = $1")
        .bind(&grant.user_id)
        .fetch_optional(db)
        .await?;
    if epoch != Some(grant.epoch) {
        return Ok(None);
    }
    users::find_by_id(db, &grant.user_id).await
}
