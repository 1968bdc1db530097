//! SQLite, the embedded default: one file under `./data`, no other service.

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{ConnectOptions, Connection, Executor};

use super::{Builder, Db, DbSettings};
use crate::error::CoreResult;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");

/// The newest schema this build knows (its last migration's version).
pub fn newest_migration() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

pub(super) async fn connect(url: &str, settings: DbSettings) -> CoreResult<Db> {
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|e| anyhow::anyhow!("bad database URL {url:?}: {e}"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .foreign_keys(true);
    let file = std::path::absolute(options.get_filename())
        .map_err(|e| anyhow::anyhow!("database file {:?}: {e}", options.get_filename()))?;
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(|e| anyhow::anyhow!("creating {dir:?}: {e}"))?;
    }
    let options = options.filename(&file);

    // The file is created, switched to write-ahead logging (which the file
    // remembers) and migrated on a connection of its own; the pool's
    // connections then only set what SQLite keeps per connection.
    // Migrations run with foreign keys off, as SQLite's table rebuilds need
    // (dropping a table with them on deletes what references it), and must
    // leave no broken reference behind.
    // Counted on a connection of its own, closed at once: a read left open
    // on the migrating connection would make its first write fail, not
    // wait, whenever another process wrote in between.
    let before = {
        let mut probe = options.clone().connect().await?;
        let n = applied(&mut probe).await;
        probe.close().await?;
        n
    };
    let mut first = options.clone().foreign_keys(false).connect().await?;
    MIGRATOR.run(&mut first).await?;
    // Only after this run changed the schema: the check reads every table.
    if applied(&mut first).await != before {
        let broken: Vec<(String,)> =
            sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check").fetch_all(&mut first).await?;
        if !broken.is_empty() {
            return Err(anyhow::anyhow!("migrations left rows with broken references in {broken:?}").into());
        }
    }
    first.close().await?;

    let busy_ms = settings.statement_timeout.as_millis();
    let pool = AnyPoolOptions::new()
        .max_connections(settings.pool_size.max(1))
        .after_connect(move |conn, _| {
            Box::pin(async move {
                // One statement each: what a connection keeps for itself.
                // NORMAL is durable in WAL mode but for the last commits
                // on power loss, and spares every commit an fsync.
                for pragma in [
                    "PRAGMA foreign_keys = ON".to_owned(),
                    "PRAGMA synchronous = NORMAL".to_owned(),
                    format!("PRAGMA busy_timeout = {busy_ms}"),
                    // Checkpoints run beside the writers (see
                    // `checkpoint_in_background`); this only bounds the log
                    // if that task is not running.
                    "PRAGMA wal_autocheckpoint = 16384".to_owned(),
                ] {
                    conn.execute(pragma.as_str()).await?;
                }
                Ok(())
            })
        })
        // A transaction SQLite ended by itself (it rolls back on a full
        // disk, among other errors) leaves sqlx counting one still open;
        // the rollback sqlx then sends becomes `ROLLBACK TO SAVEPOINT`,
        // which keeps the transaction, and its write lock, for good, on a
        // connection idle in the pool. Every writer then waits forever (the
        // faults test found it). Ending whatever is left open as a
        // connection comes back costs one round trip to its thread, and
        // "no transaction is active" is the usual answer. A connection sqlx
        // still counts as inside a transaction after that would refuse
        // every `BEGIN` ("non-zero transaction depth") and fail each job
        // batch it is handed: it is closed, and the pool opens a new one.
        .after_release(|conn, _| {
            Box::pin(async move {
                let _ = conn.execute("ROLLBACK").await;
                Ok(!conn.is_in_transaction())
            })
        })
        .connect_with(
            options
                .to_url_lossy()
                .as_str()
                .parse::<sqlx::any::AnyConnectOptions>()?
                .log_slow_statements(log::LevelFilter::Warn, settings.slow_statement),
        )
        .await?;
    super::write_turns::register(pool.connect_options().database_url.as_str(), settings.statement_timeout);
    if tokio::runtime::Handle::try_current().is_ok() {
        tokio::spawn(checkpoint_in_background(pool.clone(), options.clone()));
    }
    Ok(pool)
}

/// How many migrations the database has had (none before the first run).
async fn applied(conn: &mut sqlx::SqliteConnection) -> i64 {
    let counts: Vec<i64> =
        sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations").fetch_all(conn).await.unwrap_or_default();
    counts.first().copied().unwrap_or(0)
}

/// Copies the write-ahead log into the database file every half second, on
/// a connection of its own. Left to SQLite, the checkpoint (with its fsync)
/// runs inside whichever commit crosses the threshold, stalling that
/// writer; a passive checkpoint here waits for nobody and blocks nobody.
///
/// A passive checkpoint never shortens the log, and SQLite starts it over
/// only when a writer begins at a moment no reader is inside it: under a
/// steady job that is rare, and the log grew to 34 MB for 800 credentials
/// (a disk that filled up then stayed full of log once space was freed,
/// and the job with it). Past [`LOG_FRAMES_TO_TRUNCATE`] the log is
/// truncated to nothing once every reader is out of it: writers wait at
/// most [`TRUNCATE_WAIT`] for that, and if it is not reached this round
/// the next one tries again.
async fn checkpoint_in_background(pool: Db, options: SqliteConnectOptions) {
    let options = options.busy_timeout(TRUNCATE_WAIT);
    let mut conn = None;
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        if pool.is_closed() {
            return;
        }
        if conn.is_none() {
            conn =
                options.connect().await.inspect_err(|e| tracing::debug!(error = %e, "no checkpoint connection")).ok();
        }
        let Some(c) = conn.as_mut() else { continue };
        let passive = sqlx::query_as::<_, (i64, i64, i64)>("PRAGMA wal_checkpoint(PASSIVE)").fetch_one(&mut *c).await;
        let truncate = match passive {
            Ok((_, log_frames, _)) => log_frames > LOG_FRAMES_TO_TRUNCATE,
            Err(e) => {
                tracing::debug!(error = %e, "background checkpoint skipped");
                // A full disk, among others, can leave a connection
                // unusable: the next round opens a new one.
                conn = None;
                continue;
            }
        };
        if truncate && let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut *c).await {
            tracing::debug!(error = %e, "truncating checkpoint skipped");
            conn = None;
        }
    }
}

/// About 16 MB of log, in 4 KB pages.
const LOG_FRAMES_TO_TRUNCATE: i64 = 4096;
/// The longest a truncating checkpoint holds new writers back while it
/// waits for readers to leave the log.
const TRUNCATE_WAIT: Duration = Duration::from_millis(100);

pub(super) fn in_json_strings(column: &str, param: &str) -> String {
    format!("{column} IN (SELECT value FROM json_each({param}))")
}

/// Search goes through the FTS5 index `credentials_search` (migration
/// 20261129000006): by id, like the subject filter, so the planner walks
/// the few matches in id order instead of the org's index.
pub(super) fn push_credential_search(q: &mut Builder<'_>, query: &str) {
    match search_query(query) {
        Some(query) => {
            q.push(" AND id IN (SELECT id FROM credentials WHERE rowid IN ")
                .push("(SELECT rowid FROM credentials_search WHERE credentials_search MATCH ")
                .push_bind(query)
                .push("))");
        }
        // Only punctuation: nothing can match it.
        None => {
            q.push(" AND 1 = 0");
        }
    }
}

/// The FTS5 query for what was typed: each word quoted (so no query syntax
/// gets through) and matched as a prefix, all words required.
pub(crate) fn search_query(typed: &str) -> Option<String> {
    let words: Vec<String> = super::search_words(typed).iter().map(|w| format!("\"{w}\"*")).collect();
    (!words.is_empty()).then(|| words.join(" "))
}
