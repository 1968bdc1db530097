//! Badges: an org's credential templates. A badge credential takes its
//! name, description, criteria and default validity from here.

use serde::{Deserialize, Serialize};

use crate::db::Db;
use crate::error::{CoreError, CoreResult};
use crate::{clock, ids};

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, sqlx::FromRow)]
pub struct Badge {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub description: String,
    pub criteria_narrative: String,
    pub image_url: Option<String>,
    /// `None`: credentials of this badge do not expire.
    pub validity_days: Option<i64>,
    pub archived_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What a badge is made from.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct NewBadge {
    pub name: String,
    pub description: String,
    pub criteria_narrative: String,
    pub image_url: Option<String>,
    pub validity_days: Option<i64>,
}

const COLUMNS: &str =
    "id, org_id, name, description, criteria_narrative, image_url, validity_days, archived_at, created_at, updated_at";

pub async fn create(db: &Db, org_id: &str, new: NewBadge) -> CoreResult<Badge> {
    let now = clock::now();
    let badge = Badge {
        id: ids::new_id("bdg"),
        org_id: org_id.to_owned(),
        name: new.name.trim().to_owned(),
        description: new.description.trim().to_owned(),
        criteria_narrative: new.criteria_narrative.trim().to_owned(),
        image_url: new.image_url,
        validity_days: new.validity_days,
        archived_at: None,
        created_at: now,
        updated_at: now,
    };
    if badge.name.is_empty() {
        return Err(CoreError::field("name", "is required"));
    }
    if badge.validity_days.is_some_and(|d| d < 1) {
        return Err(CoreError::field("validity_days", "must be 1 or more, or null for a non-expiring badge"));
    }
    sqlx::query(&format!("INSERT INTO badges ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"))
        .bind(&badge.id)
        .bind(&badge.org_id)
        .bind(&badge.name)
        .bind(&badge.description)
        .bind(&badge.criteria_narrative)
        .bind(&badge.image_url)
        .bind(badge.validity_days)
        .bind(badge.archived_at)
        .bind(badge.created_at)
        .bind(badge.updated_at)
        .execute(db)
        .await?;
    Ok(badge)
}

/// The org's badge `id`; another org's badge is `NotFound`.
pub async fn get<'c, E>(executor: E, org_id: &str, id: &str) -> CoreResult<Badge>
where
    E: sqlx::Executor<'c, Database = sqlx::Sqlite>,
{
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM badges WHERE id = $1 AND org_id = $2"))
        .bind(id)
        .bind(org_id)
        .fetch_optional(executor)
        .await?
        .ok_or(CoreError::NotFound)
}

pub async fn list(db: &Db, org_id: &str) -> CoreResult<Vec<Badge>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM badges WHERE org_id = $1 ORDER BY archived_at IS NOT NULL, name, id"
    ))
    .bind(org_id)
    .fetch_all(db)
    .await?)
}
