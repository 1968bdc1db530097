//! Database connection, migrations and the few places where SQLite and
//! PostgreSQL differ.
//!
//! SQLite is the embedded default; PostgreSQL is the scale-out path, where
//! several processes share one database. The core runs one code path on
//! both through sqlx's `Any` driver: ids, enums and JSON are TEXT, times
//! and flags are BIGINT, placeholders are `$N` (a multi-row insert binds
//! SQLite's anonymous `?`, see `builder.rs`). What cannot be written
//! portably (opening a connection, the schema, full-text search, JSON
//! arrays as a parameter, row locks that skip what another process holds)
//! lives in `sqlite.rs` and `postgres.rs`, behind [`Backend`].

mod builder;
mod postgres;
pub(crate) mod sqlite;
mod write_turns;

use std::ops::{Deref, DerefMut};
use std::time::Duration;

pub use builder::{Builder, Separated};
pub use sqlite::newest_migration as sqlite_migrations_newest;

use crate::error::CoreResult;

/// The pool every part of Laurel shares, on either backend.
pub type Db = sqlx::AnyPool;
/// One connection, or a transaction dereferenced to one.
pub type Conn = sqlx::AnyConnection;

/// A write transaction ([`begin`]): dereferences to its connection, and
/// holds this process's write turn on SQLite until it ends.
pub struct Tx<'c> {
    // Before the turn: dropped first, so the rollback is on its way before
    // the next writer goes.
    tx: sqlx::Transaction<'c, sqlx::Any>,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl Tx<'_> {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
}

impl Deref for Tx<'_> {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        &self.tx
    }
}

impl DerefMut for Tx<'_> {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.tx
    }
}

/// How many connections, and how long one statement may run. From
/// `LAUREL_DB_POOL_SIZE` and `LAUREL_DB_STATEMENT_TIMEOUT_MS` on the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DbSettings {
    pub pool_size: u32,
    /// PostgreSQL cancels a statement that runs longer (`statement_timeout`);
    /// on SQLite it bounds how long a writer waits for the file's lock.
    pub statement_timeout: Duration,
    /// Statements that take longer are logged as warnings, with their SQL
    /// and time: where a page that slowed down spends it.
    pub slow_statement: Duration,
}

impl Default for DbSettings {
    fn default() -> Self {
        DbSettings { pool_size: 8, statement_timeout: Duration::from_secs(30), slow_statement: Duration::from_secs(1) }
    }
}

/// Which database a pool or connection talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a `LAUREL_DATABASE_URL` names. Anything else is refused
    /// by name: SQLite reads an unknown URL as a file name, so
    /// `mysql://…` would quietly become a file under a folder `mysql:`.
    /// Only the scheme is quoted back, as the rest may hold a password.
    pub fn of_url(url: &str) -> CoreResult<Backend> {
        if url.starts_with("sqlite:") {
            return Ok(Backend::Sqlite);
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Backend::Postgres);
        }
        let scheme = url.split_once(':').map(|(s, _)| s).filter(|s| !s.is_empty() && !s.contains('/'));
        let message = match scheme {
            Some(other) => format!(
                "LAUREL_DATABASE_URL: unsupported scheme {other:?}; use sqlite://PATH (the default is \
                 sqlite://data/laurel.db) or postgres://USER@HOST/DATABASE"
            ),
            None => "LAUREL_DATABASE_URL: expected a URL such as sqlite://data/laurel.db or \
                     postgres://laurel@db.internal/laurel"
                .to_owned(),
        };
        Err(crate::CoreError::Internal(anyhow::anyhow!(message)))
    }

    pub fn of(db: &Db) -> Backend {
        match db.connect_options().database_url.scheme() {
            "postgres" | "postgresql" => Backend::Postgres,
            _ => Backend::Sqlite,
        }
    }

    pub fn of_conn(conn: &Conn) -> Backend {
        if conn.backend_name() == "PostgreSQL" { Backend::Postgres } else { Backend::Sqlite }
    }

    /// `column` is one of the strings of a JSON array bound as `param`: one
    /// parameter however many values, where a list of placeholders would
    /// hit the backend's limit on parameters.
    pub fn in_json_strings(self, column: &str, param: &str) -> String {
        match self {
            Backend::Sqlite => sqlite::in_json_strings(column, param),
            Backend::Postgres => postgres::in_json_strings(column, param),
        }
    }

    /// A column in a WHERE clause that the planner must not pick an index
    /// for, because a better one serves the rest of the clause (SQLite's
    /// unary `+`; PostgreSQL's planner weighs the indexes by itself).
    pub fn unindexed(self, column: &str) -> String {
        match self {
            Backend::Sqlite => format!("+{column}"),
            Backend::Postgres => column.to_owned(),
        }
    }

    /// `column` is one of the rows `select` picks to lease, for the WHERE
    /// of the UPDATE that leases them. On PostgreSQL the picking locks its
    /// rows and passes over those another process has locked (`FOR UPDATE
    /// SKIP LOCKED`), and runs once, as an array: as a subquery joined to
    /// the UPDATE, a plan made before the table's statistics caught up
    /// with a new job's rows compared every row with every pick (1 s per
    /// lease of 1,000 of 10,000), and could run the LIMIT again per row.
    /// SQLite has one writer at a time, so there is nothing to skip.
    pub fn picked(self, column: &str, select: &str) -> String {
        match self {
            Backend::Sqlite => format!("{column} IN ({select})"),
            Backend::Postgres => format!("{column} = ANY(ARRAY({select} FOR UPDATE SKIP LOCKED))"),
        }
    }

    /// Pushes a condition matching credentials whose recipient name, e-mail
    /// or subject id has words starting with each word of `query`.
    pub fn push_credential_search(self, q: &mut Builder<'_>, query: &str) {
        match self {
            Backend::Sqlite => sqlite::push_credential_search(q, query),
            Backend::Postgres => postgres::push_credential_search(q, query),
        }
    }
}

/// Opens the database at `url` (creating a SQLite file if needed) with the
/// default settings and brings its schema up to date.
pub async fn connect(url: &str) -> CoreResult<Db> {
    connect_with(url, DbSettings::default()).await
}

pub async fn connect_with(url: &str, settings: DbSettings) -> CoreResult<Db> {
    sqlx::any::install_default_drivers();
    match Backend::of_url(url)? {
        Backend::Sqlite => sqlite::connect(url, settings).await,
        Backend::Postgres => postgres::connect(url, settings).await,
    }
}

/// Starts a transaction, as `Pool::begin` does, except that on SQLite it
/// takes the write lock at once (`BEGIN IMMEDIATE`). A deferred transaction
/// that reads and then writes fails at once, without waiting, whenever
/// another connection committed in between (its snapshot is stale:
/// `SQLITE_BUSY`, which `busy_timeout` cannot help); taking the lock first
/// turns that into a wait. Every transaction here writes, and SQLite has
/// one writer at a time anyway; the writers of this process take turns
/// before they take a connection ([`write_turns`]). PostgreSQL's `BEGIN`
/// is unchanged.
pub async fn begin(db: &Db) -> CoreResult<Tx<'static>> {
    match Backend::of(db) {
        Backend::Sqlite => {
            let turn = write_turns::take(db).await.map_err(crate::CoreError::Unavailable)?;
            Ok(Tx { tx: db.begin_with("BEGIN IMMEDIATE").await?, _turn: turn })
        }
        Backend::Postgres => Ok(Tx { tx: db.begin().await?, _turn: None }),
    }
}

/// Writes a consistent copy of the whole database to `path` (which must
/// not exist) while it stays in use: SQLite's `VACUUM INTO` reads one
/// snapshot, so a job running meanwhile is copied as it stood at one
/// instant, leases and all. PostgreSQL has its own tools for this.
pub async fn snapshot_into(db: &Db, path: &std::path::Path) -> CoreResult<()> {
    match Backend::of(db) {
        Backend::Sqlite => {
            let target = path
                .to_str()
                .ok_or_else(|| crate::CoreError::field("out", format!("{} is not a UTF-8 path", path.display())))?;
            sqlx::query("VACUUM INTO $1").bind(target).execute(db).await?;
            Ok(())
        }
        Backend::Postgres => Err(crate::CoreError::Unprocessable(
            "This server runs on PostgreSQL: back it up with pg_dump (for example \
             `pg_dump --format=custom --file laurel.dump \"$LAUREL_DATABASE_URL\"`, restored with pg_restore), \
             and keep the master key apart from the dump."
                .into(),
        )),
    }
}

/// The words of a search box: letters and digits, lower-cased, at most
/// eight, so the query stays small whatever is typed.
fn search_words(query: &str) -> Vec<String> {
    query.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).take(8).map(str::to_lowercase).collect()
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
    fn sqlite_and_postgres_urls_are_opened_and_a_refusal_never_echoes_a_password() {
        assert_eq!(Backend::of_url("sqlite://data/laurel.db").unwrap(), Backend::Sqlite);
        assert_eq!(Backend::of_url("sqlite::memory:").unwrap(), Backend::Sqlite);
        assert_eq!(Backend::of_url("postgres://laurel:s3cret@db.internal/laurel").unwrap(), Backend::Postgres);
        assert_eq!(Backend::of_url("postgresql://db.internal/laurel").unwrap(), Backend::Postgres);
        let other = Backend::of_url("mysql://root:s3cret@db/laurel").unwrap_err().to_string();
        assert!(other.contains("\"mysql\"") && !other.contains("s3cret"), "{other}");
        assert!(Backend::of_url("data/laurel.db").unwrap_err().to_string().contains("sqlite://"));
    }

    #[test]
    fn search_words_keep_letters_and_digits_of_any_script() {
        assert_eq!(search_words("  Jan DO'e  "), ["jan", "do", "e"]);
        assert_eq!(search_words("josé@x.org"), ["josé", "x", "org"]);
        assert!(search_words("'\" * ( )").is_empty());
    }
}
