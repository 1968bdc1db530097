//! The org's activity feed: short, human sentences about what changed.

use serde::{Deserialize, Serialize};

use crate::db::Db;
use crate::error::CoreResult;
use crate::{clock, ids};

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, sqlx::FromRow)]
pub struct Activity {
    pub kind: String,
    pub summary: String,
    pub actor_email: Option<String>,
    pub created_at: i64,
}

pub async fn record<'c, E>(
    executor: E,
    org_id: &str,
    actor_id: Option<&str>,
    kind: &str,
    summary: &str,
) -> CoreResult<()>
where
    E: sqlx::Executor<'c, Database = sqlx::Sqlite>,
{
    sqlx::query(
        "INSERT INTO activity (id, org_id, actor_id, kind, summary, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(ids::new_id("act"))
    .bind(org_id)
    .bind(actor_id)
    .bind(kind)
    .bind(summary)
    .bind(clock::now())
    .execute(executor)
    .await?;
    Ok(())
}

pub async fn recent(db: &Db, org_id: &str, limit: i64) -> CoreResult<Vec<Activity>> {
    Ok(sqlx::query_as(
        "SELECT a.kind, a.summary, u.email AS actor_email, a.created_at
         FROM activity a LEFT JOIN users u ON u.id = a.actor_id
         WHERE a.org_id = $1 ORDER BY a.created_at DESC, a.id DESC LIMIT $2",
    )
    .bind(org_id)
    .bind(limit)
    .fetch_all(db)
    .await?)
}
