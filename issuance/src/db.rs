//! Database connection and migrations. SQLite is the embedded default; the
//! SQL in `migrations/` is kept portable so PostgreSQL can take over later.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::error::CoreResult;

pub type Db = sqlx::SqlitePool;

/// Opens (creating if needed) the database at `url`, e.g.
/// `sqlite://data/laurel.db`, and brings its schema up to date.
pub async fn connect(url: &str) -> CoreResult<Db> {
    check_scheme(url)?;
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|e| anyhow::anyhow!("bad database URL {url:?}: {e}"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        // Checkpoints run beside the writers (see `checkpoint_in_background`);
        // this only bounds the log if that task is not running.
        .pragma("wal_autocheckpoint", "16384");
    if let Some(dir) = options.get_filename().parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).map_err(|e| anyhow::anyhow!("creating {dir:?}: {e}"))?;
    }
    let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
    migrate(&pool).await?;
    if tokio::runtime::Handle::try_current().is_ok() {
        tokio::spawn(checkpoint_in_background(pool.clone()));
    }
    Ok(pool)
}

/// Refuses a URL this build cannot open. SQLite reads anything else as a
/// file name: `postgres://user@host/db` became a file under a folder named
/// `postgres:`, and an operator who thought they ran on PostgreSQL did not.
/// Only the scheme is quoted back, as the rest may hold a password.
fn check_scheme(url: &str) -> CoreResult<()> {
    if url.starts_with("sqlite:") {
        return Ok(());
    }
    let scheme = url.split_once(':').map(|(s, _)| s).filter(|s| !s.is_empty() && !s.contains('/'));
    let message = match scheme {
        Some("postgres" | "postgresql") => "LAUREL_DATABASE_URL: this version of Laurel runs on SQLite only; \
            PostgreSQL is not supported yet. Use sqlite://PATH (the default is sqlite://data/laurel.db)."
            .to_owned(),
        Some(other) => format!(
            "LAUREL_DATABASE_URL: unsupported scheme {other:?}; use sqlite://PATH (the default is sqlite://data/laurel.db)."
        ),
        None => "LAUREL_DATABASE_URL: expected a URL such as sqlite://data/laurel.db".to_owned(),
    };
    Err(crate::CoreError::Internal(anyhow::anyhow!(message)))
}

/// Copies the write-ahead log into the database file every half second, on
/// its own connection. Left to SQLite, the checkpoint (with its fsync) runs
/// inside whichever commit crosses the threshold, stalling that writer; a
/// passive checkpoint here waits for nobody and blocks nobody.
async fn checkpoint_in_background(pool: Db) {
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        if pool.is_closed() {
            return;
        }
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool).await {
            tracing::debug!(error = %e, "background checkpoint skipped");
        }
    }
}

pub async fn migrate(pool: &Db) -> CoreResult<()> {
    sqlx::migrate!("../migrations").run(pool).await?;
    Ok(())
}

/// Whether a list query is built to run or to be explained: the tests ask
/// SQLite's planner how each list would run (`src/list_plans.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Explain {
    No,
    QueryPlan,
}

impl std::fmt::Display for Explain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Explain::No => Ok(()),
            Explain::QueryPlan => f.write_str("EXPLAIN QUERY PLAN "),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sqlite_urls_are_opened_and_the_refusal_never_echoes_a_password() {
        assert!(check_scheme("sqlite://data/laurel.db").is_ok());
        assert!(check_scheme("sqlite::memory:").is_ok());
        let pg = check_scheme("postgres://laurel:s3cret@db.internal/laurel").unwrap_err().to_string();
        assert!(pg.contains("PostgreSQL is not supported yet") && !pg.contains("s3cret"), "{pg}");
        let other = check_scheme("mysql://root:s3cret@db/laurel").unwrap_err().to_string();
        assert!(other.contains("\"mysql\"") && !other.contains("s3cret"), "{other}");
        assert!(check_scheme("data/laurel.db").unwrap_err().to_string().contains("sqlite://"));
    }
}
