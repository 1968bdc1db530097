//! Signing in with e-mail and password.

use super::throttle::{self, PER_ACCOUNT, PER_ADDRESS};
use super::{User, password, users};
use crate::db::Db;
use crate::email::EmailAddress;
use crate::error::{CoreError, CoreResult};

/// The one message for a wrong e-mail and a wrong password alike, so the
/// form does not tell an attacker which accounts exist.
pub const WRONG_CREDENTIALS: &str = "That e-mail and password do not match an account. Check both and try again.";

pub struct LoginAttempt<'a> {
    pub email: &'a str,
    pub password: &'a str,
    /// The client's address, when known, for per-address throttling.
    pub client: Option<&'a str>,
    pub now: i64,
}

pub async fn authenticate(db: &Db, attempt: LoginAttempt<'_>) -> CoreResult<User> {
    let now = attempt.now;
    let Ok(email) = EmailAddress::parse(attempt.email) else {
        return Err(CoreError::Unauthenticated(WRONG_CREDENTIALS.into()));
    };
    let account_key = format!("email:{email}");
    let address_key = attempt.client.map(|c| format!("ip:{c}"));
    // Counted as failures up front; given back below if the password is right.
    throttle::reserve(db, &account_key, PER_ACCOUNT, now).await?;
    if let Some(key) = &address_key
        && let Err(e) = throttle::reserve(db, key, PER_ADDRESS, now).await
    {
        throttle::refund(db, &account_key).await?;
        return Err(e);
    }

    let stored = users::password_hash(db, &email).await?;
    let (user_id, phc) = match stored {
        Some((id, phc)) => (Some(id), Some(phc)),
        None => (None, None),
    };
    let ok = password::verify(attempt.password.to_owned(), phc).await?;
    match (ok, user_id) {
        (true, Some(id)) => {
            throttle::clear(db, &account_key).await?;
            if let Some(key) = &address_key {
                throttle::refund(db, key).await?;
            }
            users::find_by_id(db, &id).await?.ok_or_else(|| CoreError::Unauthenticated(WRONG_CREDENTIALS.into()))
        }
        (false, Some(id)) => {
            record_failure(db, &id, attempt.client).await?;
            Err(CoreError::Unauthenticated(WRONG_CREDENTIALS.into()))
        }
        _ => Err(CoreError::Unauthenticated(WRONG_CREDENTIALS.into())),
    }
}

/// A wrong password for a real account goes in the audit log of each org
/// the account belongs to (an unknown address belongs to no org), with the
/// client's address: the trail an Owner looks for after a lockout.
async fn record_failure(db: &Db, user_id: &str, client: Option<&str>) -> CoreResult<()> {
    use crate::audit::{self, Actor, AuditAction, Entry};
    let orgs: Vec<String> =
        sqlx::query_scalar("SELECT org_id FROM memberships WHERE user_id = $1").bind(user_id).fetch_all(db).await?;
    for org in orgs {
        let summary =
            format!("A sign-in with a wrong password{}", client.map(|c| format!(" from {c}")).unwrap_or_default());
        let entry = Entry::new(Actor::system(), AuditAction::LoginFailed, Some(user_id), summary)
            .with(serde_json::json!({"client": client}));
        audit::record(db, &org, entry).await?;
    }
    Ok(())
}
