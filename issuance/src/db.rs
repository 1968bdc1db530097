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
