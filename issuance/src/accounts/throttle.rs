//! Slows down guessing: of passwords (per e-mail address and per client
//! address) and of API keys (per client address). Failures are counted per
//! key; past a free allowance each further failure locks the key for twice
//! as long as the last, up to a cap. State lives in the database so every
//! server process sees the same counts.
//!
//! A password attempt is counted *before* the password is checked
//! ([`reserve`]) and given back if it was right ([`refund`], [`clear`]), so
//! a burst of concurrent guesses cannot all slip past the count while the
//! first ones are still being verified.

use crate::db::Db;
use crate::error::{CoreError, CoreResult};

#[derive(Clone, Copy, Debug)]
pub struct Policy {
    /// Failures allowed before the first lock.
    pub free_failures: i64,
    /// The longest lock, in seconds.
    pub max_lock_secs: i64,
    /// A key with no failure for this long starts afresh.
    pub forget_after_secs: i64,
}

/// Per account: a person mistyping a few times is never locked out for long.
pub const PER_ACCOUNT: Policy = Policy { free_failures: 4, max_lock_secs: 15 * 60, forget_after_secs: 60 * 60 };

/// Per client address: wider, since offices share an address.
pub const PER_ADDRESS: Policy = Policy { free_failures: 20, max_lock_secs: 15 * 60, forget_after_secs: 60 * 60 };

/// Wrong API keys per client address: scripts retry, people mistype once.
pub const API_KEYS_PER_ADDRESS: Policy =
    Policy { free_failures: 20, max_lock_secs: 15 * 60, forget_after_secs: 60 * 60 };

/// Counts an attempt as a failure before it is made, or refuses it with
/// [`CoreError::RateLimited`] while `key` is locked. One transaction whose
/// first statement writes, so concurrent attempts on one key queue behind
/// each other instead of all reading the same old count.
pub async fn reserve(db: &Db, key: &str, policy: Policy, now: i64) -> CoreResult<()> {
    let mut tx = crate::db::begin(db).await?;
    sqlx::query(
        "INSERT INTO login_throttle (throttle_key, failures, last_failure, locked_until) VALUES ($1, 0, 0, 0)
         ON CONFLICT (throttle_key) DO UPDATE SET throttle_key = excluded.throttle_key",
    )
    .bind(key)
    .execute(&mut *tx)
    .await?;
    let (failures, last, locked_until): (i64, i64, i64) =
        sqlx::query_as("SELECT failures, last_failure, locked_until FROM login_throttle WHERE throttle_key = $1")
            .bind(key)
            .fetch_one(&mut *tx)
            .await?;
    if locked_until > now {
        return Err(CoreError::RateLimited { retry_after_secs: (locked_until - now) as u64 });
    }
    let failures = if now - last < policy.forget_after_secs { failures + 1 } else { 1 };
    sqlx::query(
        "UPDATE login_throttle SET failures = $1, last_failure = $2, locked_until = $3 WHERE throttle_key = $4",
    )
    .bind(failures)
    .bind(now)
    .bind(now + lock_secs(failures, policy))
    .bind(key)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Gives back an attempt [`reserve`] counted, once it proved right.
pub async fn refund(db: &Db, key: &str) -> CoreResult<()> {
    sqlx::query("UPDATE login_throttle SET failures = failures - 1 WHERE throttle_key = $1 AND failures > 0")
        .bind(key)
        .execute(db)
        .await?;
    Ok(())
}

/// Refuses with [`CoreError::RateLimited`] while `key` is locked.
pub async fn check(db: &Db, key: &str, now: i64) -> CoreResult<()> {
    let locked_until: Option<i64> =
        sqlx::query_scalar("SELECT locked_until FROM login_throttle WHERE throttle_key = $1")
            .bind(key)
            .fetch_optional(db)
            .await?;
    match locked_until {
        Some(until) if until > now => Err(CoreError::RateLimited { retry_after_secs: (until - now) as u64 }),
        _ => Ok(()),
    }
}

/// Counts a failure and locks the key when past the allowance.
pub async fn record_failure(db: &Db, key: &str, policy: Policy, now: i64) -> CoreResult<()> {
    let mut tx = crate::db::begin(db).await?;
    let previous: Option<(i64, i64)> =
        sqlx::query_as("SELECT failures, last_failure FROM login_throttle WHERE throttle_key = $1")
            .bind(key)
            .fetch_optional(&mut *tx)
            .await?;
    let failures = match previous {
        Some((n, last)) if now - last < policy.forget_after_secs => n + 1,
        _ => 1,
    };
    let locked_until = now + lock_secs(failures, policy);
    sqlx::query(
        "INSERT INTO login_throttle (throttle_key, failures, last_failure, locked_until)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (throttle_key) DO UPDATE
         SET failures = excluded.failures, last_failure = excluded.last_failure,
             locked_until = excluded.locked_until",
    )
    .bind(key)
    .bind(failures)
    .bind(now)
    .bind(locked_until)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn clear(db: &Db, key: &str) -> CoreResult<()> {
    sqlx::query("DELETE FROM login_throttle WHERE throttle_key = $1").bind(key).execute(db).await?;
    Ok(())
}

/// 0 for the free failures, then 1 s, 2 s, 4 s ... up to the cap.
fn lock_secs(failures: i64, policy: Policy) -> i64 {
    let over = failures - policy.free_failures;
    if over <= 0 {
        return 0;
    }
    let exp = (over - 1).min(30) as u32;
    (1_i64 << exp).min(policy.max_lock_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_double_after_the_free_failures_and_stop_at_the_cap() {
        let secs: Vec<i64> = (1..=16).map(|n| lock_secs(n, PER_ACCOUNT)).collect();
        assert_eq!(&secs[..8], &[0, 0, 0, 0, 1, 2, 4, 8]);
        assert_eq!(secs[14], 900, "2^10 s is past the 15-minute cap");
        assert_eq!(lock_secs(200, PER_ACCOUNT), 900);
    }
}
