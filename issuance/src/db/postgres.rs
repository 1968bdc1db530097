//! PostgreSQL, the scale-out path: several Laurel processes on one
//! database. What they must not do twice (issue a row, send an e-mail,
//! hand out a status slot) is decided in the database, by row locks and
//! unique keys, never by a lock inside any one process.

use sqlx::any::AnyPoolOptions;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, Executor};

use super::{Builder, Db, DbSettings};
use crate::error::CoreResult;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

pub(super) async fn connect(url: &str, settings: DbSettings) -> CoreResult<Db> {
    let options: PgConnectOptions = url.parse().map_err(|e| anyhow::anyhow!("bad PostgreSQL URL: {e}"))?;
    // Migrations take an advisory lock, so processes starting together
    // apply them once.
    let mut first = options.connect().await?;
    MIGRATOR.run(&mut first).await?;
    first.close().await?;

    let timeout_ms = settings.statement_timeout.as_millis();
    let pool = AnyPoolOptions::new()
        .max_connections(settings.pool_size.max(1))
        .after_connect(move |conn, _| {
            Box::pin(async move {
                // A runaway statement is cancelled instead of holding its
                // locks against every other process.
                conn.execute(format!("SET statement_timeout = {timeout_ms}").as_str()).await?;
                Ok(())
            })
        })
        .connect_with(
            url.parse::<sqlx::any::AnyConnectOptions>()?
                .log_slow_statements(log::LevelFilter::Warn, settings.slow_statement),
        )
        .await?;
    Ok(pool)
}

/// As an array, unpacked once: as `IN (SELECT … FROM json_array_elements_text)`
/// the planner, before the statistics caught up with a new job's rows,
/// compared every string with every row (3 s to review 10,000 renewals);
/// `= ANY` of an array is a lookup in the index per string.
pub(super) fn in_json_strings(column: &str, param: &str) -> String {
    format!("{column} = ANY(ARRAY(SELECT json_array_elements_text({param}::json)))")
}

/// Search matches the `search_words` column (migration 20261130000001): a
/// tsvector of the recipient's name, e-mail and subject id split into
/// words and stripped of accents, under a GIN index. Each typed word is a
/// prefix (`jan:*`), all words required.
pub(super) fn push_credential_search(q: &mut Builder<'_>, query: &str) {
    let words = super::search_words(query);
    if words.is_empty() {
        q.push(" AND 1 = 0");
        return;
    }
    // The words hold letters and digits only, so no tsquery syntax gets in.
    let tsquery = words.iter().map(|w| format!("{w}:*")).collect::<Vec<_>>().join(" & ");
    q.push(" AND search_words @@ to_tsquery('simple', laurel_unaccent(").push_bind(tsquery).push("))");
}
