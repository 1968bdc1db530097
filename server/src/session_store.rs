//! Where sessions are kept: a table in Laurel's own database, so any
//! process behind the load balancer can serve any signed-in user. The
//! database is chosen at start (`LAUREL_DATABASE_URL`), so the store is too.

use std::str::FromStr;

use async_trait::async_trait;
use issuance::db::{Backend, DbSettings};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{ExpiredDeletion, Result, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

#[derive(Clone, Debug)]
pub enum Sessions {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl Sessions {
    /// Opens the store's own small pool on `url` (tower-sessions needs a
    /// pool of the concrete backend) and creates its table if missing.
    pub async fn open(url: &str, settings: DbSettings) -> anyhow::Result<Sessions> {
        let connections = settings.pool_size.clamp(2, 4);
        let store = match Backend::of_url(url)? {
            Backend::Sqlite => {
                let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)?
                    .busy_timeout(settings.statement_timeout)
                    .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal);
                let pool =
                    sqlx::sqlite::SqlitePoolOptions::new().max_connections(connections).connect_with(options).await?;
                let store = SqliteStore::new(pool);
                store.migrate().await?;
                Sessions::Sqlite(store)
            }
            Backend::Postgres => {
                let pool = sqlx::postgres::PgPoolOptions::new().max_connections(connections).connect(url).await?;
                let store = PostgresStore::new(pool.clone());
                // Its migration creates a schema and a table "if not exists",
                // which two processes starting together can still both try:
                // one lock makes them take turns.
                let mut tx = pool.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock(7261130)").execute(&mut *tx).await?;
                store.migrate().await?;
                tx.commit().await?;
                Sessions::Postgres(store)
            }
        };
        Ok(store)
    }
}

#[async_trait]
impl SessionStore for Sessions {
    async fn create(&self, record: &mut Record) -> Result<()> {
        match self {
            Sessions::Sqlite(s) => s.create(record).await,
            Sessions::Postgres(s) => s.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> Result<()> {
        match self {
            Sessions::Sqlite(s) => s.save(record).await,
            Sessions::Postgres(s) => s.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        match self {
            Sessions::Sqlite(s) => s.load(id).await,
            Sessions::Postgres(s) => s.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        match self {
            Sessions::Sqlite(s) => s.delete(id).await,
            Sessions::Postgres(s) => s.delete(id).await,
        }
    }
}

#[async_trait]
impl ExpiredDeletion for Sessions {
    async fn delete_expired(&self) -> Result<()> {
        match self {
            Sessions::Sqlite(s) => s.delete_expired().await,
            Sessions::Postgres(s) => s.delete_expired().await,
        }
    }
}
