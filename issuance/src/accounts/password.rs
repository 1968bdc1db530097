//! Argon2id password hashing. Hashing costs tens of milliseconds of CPU on
//! purpose, so it runs on the blocking pool, never on the async runtime.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};

use crate::error::{CoreError, CoreResult};

pub const MIN_LEN: usize = 10;
pub const MAX_LEN: usize = 1024;

/// A password that meets the length rules; checked before anything is hashed.
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(input: &str) -> CoreResult<Self> {
        let n = input.chars().count();
        if n < MIN_LEN {
            return Err(CoreError::field("password", format!("must be at least {MIN_LEN} characters")));
        }
        if n > MAX_LEN {
            return Err(CoreError::field("password", format!("must be at most {MAX_LEN} characters")));
        }
        Ok(Self(input.to_owned()))
    }
}

pub async fn hash(password: NewPassword) -> CoreResult<String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password.0))
        .await
        .map_err(|e| anyhow::anyhow!("hashing task: {e}"))?
}

fn hash_blocking(password: &str) -> CoreResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| CoreError::Internal(anyhow::anyhow!("argon2: {e}")))
}

/// Checks `password` against a stored PHC string. With no stored hash (an
/// unknown e-mail) it checks against a dummy hash, so that a wrong e-mail
/// takes as long as a wrong password and reveals nothing.
pub async fn verify(password: String, stored: Option<String>) -> CoreResult<bool> {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let phc = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let parsed = PasswordHash::new(&phc).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
        let ok = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
        Ok(known && ok)
    })
    .await
    .map_err(|e| anyhow::anyhow!("verify task: {e}"))?
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking("not a real password, only spends the time").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_no_other() {
        let phc = hash(NewPassword::parse("correct horse battery").unwrap()).await.unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify("correct horse battery".into(), Some(phc.clone())).await.unwrap());
        assert!(!verify("wrong horse battery".into(), Some(phc)).await.unwrap());
        assert!(!verify("anything".into(), None).await.unwrap());
    }

    #[test]
    fn short_passwords_are_refused_with_the_rule() {
        let Err(CoreError::Validation(errs)) = NewPassword::parse("short") else {
            panic!("expected a validation error")
        };
        assert_eq!(errs[0].path, "password");
        assert!(errs[0].message.contains("at least 10"));
    }
}
