//! Argon2id password hashing. Hashing costs tens of milliseconds of CPU and
//! 19 MiB of memory on purpose, so it runs on the blocking pool, never on
//! the async runtime, and only a few at a time: the blocking pool would
//! otherwise start hundreds of threads for a burst of logins, each
//! allocating its 19 MiB. The rest wait their turn without holding memory.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Semaphore;

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

/// How many hashes may run at once: one per core, and at least two.
pub fn max_concurrent() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get()).max(2)
}

fn permits() -> &'static Semaphore {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| Semaphore::new(max_concurrent()))
}

/// Hashes running now, and the most that ever ran at once (for tests).
static RUNNING: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

pub fn peak_concurrent() -> usize {
    PEAK.load(Ordering::Relaxed)
}

/// Runs one argon2 computation on the blocking pool once a permit is free.
async fn run_limited<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> CoreResult<T> {
    let _permit = permits().acquire().await.map_err(|e| anyhow::anyhow!("argon2 permits: {e}"))?;
    tokio::task::spawn_blocking(move || {
        let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
        PEAK.fetch_max(now, Ordering::SeqCst);
        let out = work();
        RUNNING.fetch_sub(1, Ordering::SeqCst);
        out
    })
    .await
    .map_err(|e| CoreError::Internal(anyhow::anyhow!("argon2 task: {e}")))
}

pub async fn hash(password: NewPassword) -> CoreResult<String> {
    run_limited(move || hash_blocking(&password.0)).await?
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
    run_limited(move || {
        let known = stored.is_some();
        let phc = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let parsed = PasswordHash::new(&phc).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
        let ok = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
        Ok(known && ok)
    })
    .await?
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_burst_of_verifications_runs_no_more_than_the_cap_at_once() {
        let phc = hash(NewPassword::parse("correct horse battery").unwrap()).await.unwrap();
        let burst: Vec<_> =
            (0..24).map(|_| tokio::spawn(verify("wrong horse battery".into(), Some(phc.clone())))).collect();
        for task in burst {
            assert!(!task.await.unwrap().unwrap());
        }
        let peak = peak_concurrent();
        assert!(peak >= 1 && peak <= max_concurrent(), "peak {peak}, cap {}", max_concurrent());
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
