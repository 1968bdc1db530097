//! The organisation's identity rules: the minimum age `age_minimum`
//! checks, what a failed check does to a session (hold it for review, or
//! decline it), and how long document images are kept.

use serde::{Deserialize, Serialize};

use crate::audit::{self, Actor, AuditAction, Entry};
use crate::db::Db;
use crate::error::{CoreError, CoreResult, FieldError};
use model::FailedCheckRule;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Rules {
    #[sqlx(rename = "identity_min_age")]
    pub min_age: i64,
    #[sqlx(rename = "identity_failed_rule")]
    pub failed_rule: FailedCheckRule,
    #[sqlx(rename = "identity_retention_days")]
    pub retention_days: i64,
}

pub async fn get(db: &Db, org_id: &str) -> CoreResult<Rules> {
    sqlx::query_as(
        "SELECT identity_min_age, identity_failed_rule, identity_retention_days FROM organizations WHERE id = $1",
    )
    .bind(org_id)
    .fetch_optional(db)
    .await?
    .ok_or(CoreError::NotFound)
}

pub async fn save(db: &Db, org_id: &str, rules: &Rules, actor: Option<&str>) -> CoreResult<Rules> {
    let mut errors = Vec::new();
    if !(0..=120).contains(&rules.min_age) {
        errors.push(FieldError::new("min_age", "must be 0 to 120 years"));
    }
    if !(1..=3650).contains(&rules.retention_days) {
        errors.push(FieldError::new("retention_days", "must be 1 to 3,650 days"));
    }
    if !errors.is_empty() {
        return Err(CoreError::Validation(errors));
    }
    let mut tx = crate::db::begin(db).await?;
    sqlx::query(
        "UPDATE organizations SET identity_min_age = $1, identity_failed_rule = $2, identity_retention_days = $3
         WHERE id = $4",
    )
    .bind(rules.min_age)
    .bind(rules.failed_rule)
    .bind(rules.retention_days)
    .bind(org_id)
    .execute(&mut *tx)
    .await?;
    let summary = format!(
        "Identity rules: minimum age {}, a failed check {}, images kept {} days",
        rules.min_age,
        match rules.failed_rule {
            FailedCheckRule::Review => "holds the session for review",
            FailedCheckRule::Decline => "declines the session",
        },
        rules.retention_days
    );
    let entry = Entry::new(Actor::user(actor), AuditAction::IdentityRulesChanged, Some(org_id), summary)
        .with(serde_json::to_value(rules).map_err(anyhow::Error::from)?);
    audit::record(&mut *tx, org_id, entry).await?;
    tx.commit().await?;
    get(db, org_id).await
}
