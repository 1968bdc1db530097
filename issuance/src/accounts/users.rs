//! User accounts.

use serde::{Deserialize, Serialize};

use super::password::{self, NewPassword};
use super::sessions::{self, SessionGrant};
use super::throttle;
use crate::db::Db;
use crate::email::EmailAddress;
use crate::error::{CoreError, CoreResult};
use crate::{clock, ids};

#[derive(Clone, Debug, Serialize, Deserialize, sqlx::FromRow)]
pub struct User {
    pub id: String,
    pub email: String,
    pub display_name: String,
}

pub fn parse_display_name(input: &str) -> CoreResult<String> {
    let name = input.trim();
    if name.is_empty() {
        return Err(CoreError::field("name", "is required"));
    }
    if name.chars().count() > 200 {
        return Err(CoreError::field("name", "must be at most 200 characters"));
    }
    Ok(name.to_owned())
}

pub async fn find_by_id(db: &Db, id: &str) -> CoreResult<Option<User>> {
    Ok(sqlx::query_as("SELECT id, email, display_name FROM users WHERE id = $1").bind(id).fetch_optional(db).await?)
}

pub async fn find_by_email(db: &Db, email: &EmailAddress) -> CoreResult<Option<User>> {
    Ok(sqlx::query_as("SELECT id, email, display_name FROM users WHERE email = $1")
        .bind(email.as_str())
        .fetch_optional(db)
        .await?)
}

pub(crate) async fn password_hash(db: &Db, email: &EmailAddress) -> CoreResult<Option<(String, String)>> {
    Ok(sqlx::query_as("SELECT id, password_hash FROM users WHERE email = $1")
        .bind(email.as_str())
        .fetch_optional(db)
        .await?)
}

/// Creates an account. The e-mail must not be taken.
pub async fn create<'c, E>(
    executor: E,
    email: &EmailAddress,
    display_name: &str,
    password_hash: &str,
) -> CoreResult<User>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let user = User { id: ids::new_id("usr"), email: email.to_string(), display_name: display_name.to_owned() };
    let inserted = sqlx::query(
        "INSERT INTO users (id, email, display_name, password_hash, created_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (email) DO NOTHING",
    )
    .bind(&user.id)
    .bind(&user.email)
    .bind(&user.display_name)
    .bind(password_hash)
    .bind(clock::now())
    .execute(executor)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(CoreError::conflict(format!("an account for {email} already exists")));
    }
    Ok(user)
}

/// Returns the account for `email`, creating it with `password` if there is
/// none. An existing account keeps its own password.
pub async fn find_or_create(
    db: &Db,
    email: &EmailAddress,
    display_name: &str,
    password: &str,
) -> CoreResult<(User, bool)> {
    if let Some(user) = find_by_email(db, email).await? {
        return Ok((user, false));
    }
    let name = parse_display_name(display_name)?;
    let phc = password::hash(NewPassword::parse(password)?).await?;
    Ok((create(db, email, &name, &phc).await?, true))
}

/// Sets a new password and ends every session of the account (its session
/// epoch moves on).
pub async fn set_password(db: &Db, user_id: &str, password: NewPassword) -> CoreResult<()> {
    let phc = password::hash(password).await?;
    let done = sqlx::query("UPDATE users SET password_hash = $1, session_epoch = session_epoch + 1 WHERE id = $2")
        .bind(phc)
        .bind(user_id)
        .execute(db)
        .await?;
    if done.rows_affected() == 0 {
        return Err(CoreError::NotFound);
    }
    Ok(())
}

/// A signed-in user changes their own password, proving the current one
/// first (counted by the login throttle like a sign-in). Every other
/// session of the account ends; the grant returned keeps this one.
pub async fn change_password(db: &Db, user: &User, current: &str, new: &str) -> CoreResult<SessionGrant> {
    let new = NewPassword::parse(new).map_err(|e| e.at_path("new_password"))?;
    let now = clock::now();
    let key = format!("email:{}", user.email);
    throttle::reserve(db, &key, throttle::PER_ACCOUNT, now).await?;
    let stored: Option<String> =
        sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1").bind(&user.id).fetch_optional(db).await?;
    if !password::verify(current.to_owned(), stored).await? {
        return Err(CoreError::field("current_password", "is not your current password"));
    }
    throttle::clear(db, &key).await?;
    set_password(db, &user.id, new).await?;
    sessions::grant(db, &user.id, now).await
}

/// An operator sets someone's password (`laurel admin reset-password`):
/// their sessions end and their sign-in lock is lifted.
pub async fn reset_password(db: &Db, email: &EmailAddress, password: NewPassword) -> CoreResult<User> {
    let user = find_by_email(db, email).await?.ok_or(CoreError::NotFound)?;
    set_password(db, &user.id, password).await?;
    throttle::clear(db, &format!("email:{email}")).await?;
    Ok(user)
}
