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
        .busy_timeout(Duration::from_secs(10));
    if let Some(dir) = options.get_filename().parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).map_err(|e| anyhow::anyhow!("creating {dir:?}: {e}"))?;
    }
    let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
    migrate(&pool).await?;
    Ok(pool)
}

pub async fn migrate(pool: &Db) -> CoreResult<()> {
    sqlx::migrate!("../migrations").run(pool).await?;
    Ok(())
}
