//! Badges: an org's credential templates. A badge credential takes its
//! name, description, criteria and default validity from here.

pub mod image;

use serde::{Deserialize, Serialize};

use crate::audit::{self, Actor, AuditAction, Entry};
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

/// Changes to a badge; `None` leaves a field as it is.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct BadgePatch {
    pub name: Option<String>,
    pub description: Option<String>,
    pub criteria_narrative: Option<String>,
    /// `Some(None)` removes the image.
    pub image_url: Option<Option<String>>,
    /// `Some(None)` makes the badge non-expiring.
    pub validity_days: Option<Option<i64>>,
    /// Archived badges are kept (their credentials stay valid) but cannot be issued.
    pub archived: Option<bool>,
}

fn check(badge: &Badge) -> CoreResult<()> {
    let mut errors = Vec::new();
    if badge.name.is_empty() {
        errors.push(crate::FieldError::new("name", "is required"));
    } else if badge.name.chars().count() > 200 {
        errors.push(crate::FieldError::new("name", "must be at most 200 characters"));
    }
    if badge.description.chars().count() > 5000 {
        errors.push(crate::FieldError::new("description", "must be at most 5000 characters"));
    }
    if badge.criteria_narrative.chars().count() > 10_000 {
        errors.push(crate::FieldError::new("criteria_narrative", "must be at most 10000 characters"));
    }
    if let Some(url) = &badge.image_url
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        errors.push(crate::FieldError::new(
            "image_url",
            format!("must start with https:// (or http://), like https://example.com/badge.png; got '{url}'"),
        ));
    }
    if badge.validity_days.is_some_and(|d| !(1..=36_500).contains(&d)) {
        errors.push(crate::FieldError::new(
            "validity_days",
            "must be from 1 to 36500 days, or empty (null) for a badge that never expires",
        ));
    }
    if errors.is_empty() { Ok(()) } else { Err(CoreError::Validation(errors)) }
}

/// Applies `patch` and notes it in the org's activity feed under `actor`.
pub async fn update(db: &Db, org_id: &str, id: &str, patch: BadgePatch, actor: Option<&str>) -> CoreResult<Badge> {
    let mut badge = get(db, org_id, id).await?;
    let what = match patch.archived {
        Some(true) if badge.archived_at.is_none() => "archived",
        Some(false) if badge.archived_at.is_some() => "restored",
        _ => "edited",
    };
    let now = clock::now();
    if let Some(v) = patch.name {
        badge.name = v.trim().to_owned();
    }
    if let Some(v) = patch.description {
        badge.description = v.trim().to_owned();
    }
    if let Some(v) = patch.criteria_narrative {
        badge.criteria_narrative = v.trim().to_owned();
    }
    if let Some(v) = patch.image_url {
        badge.image_url = v.map(|u| u.trim().to_owned()).filter(|u| !u.is_empty());
    }
    if let Some(v) = patch.validity_days {
        badge.validity_days = v;
    }
    if let Some(archived) = patch.archived {
        badge.archived_at = if archived { badge.archived_at.or(Some(now)) } else { None };
    }
    check(&badge)?;
    badge.updated_at = now;
    sqlx::query(
        "UPDATE badges SET name = $1, description = $2, criteria_narrative = $3, image_url = $4,
             validity_days = $5, archived_at = $6, updated_at = $7
         WHERE id = $8 AND org_id = $9",
    )
    .bind(&badge.name)
    .bind(&badge.description)
    .bind(&badge.criteria_narrative)
    .bind(&badge.image_url)
    .bind(badge.validity_days)
    .bind(badge.archived_at)
    .bind(badge.updated_at)
    .bind(id)
    .bind(org_id)
    .execute(db)
    .await?;
    image::forget_unless_used(db, &badge).await?;
    let action = match what {
        "archived" => AuditAction::BadgeArchived,
        "restored" => AuditAction::BadgeRestored,
        _ => AuditAction::BadgeEdited,
    };
    let entry = Entry::new(Actor::user(actor), action, Some(&badge.id), format!("Badge “{}” {what}", badge.name));
    audit::record(db, org_id, entry).await?;
    Ok(badge)
}

/// Creates a badge and notes it in the org's activity feed under `actor`.
pub async fn create(db: &Db, org_id: &str, new: NewBadge, actor: Option<&str>) -> CoreResult<Badge> {
    let now = clock::now();
    let badge = Badge {
        id: ids::new_id("bdg"),
        org_id: org_id.to_owned(),
        name: new.name.trim().to_owned(),
        description: new.description.trim().to_owned(),
        criteria_narrative: new.criteria_narrative.trim().to_owned(),
        image_url: new.image_url.map(|u| u.trim().to_owned()).filter(|u| !u.is_empty()),
        validity_days: new.validity_days,
        archived_at: None,
        created_at: now,
        updated_at: now,
    };
    check(&badge)?;
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
    let entry = Entry::new(
        Actor::user(actor),
        AuditAction::BadgeCreated,
        Some(&badge.id),
        format!("Badge “{}” created", badge.name),
    );
    audit::record(db, org_id, entry).await?;
    Ok(badge)
}

/// The org's badge `id`; another org's badge is `NotFound`.
pub async fn get<'c, E>(executor: E, org_id: &str, id: &str) -> CoreResult<Badge>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM badges WHERE id = $1 AND org_id = $2"))
        .bind(id)
        .bind(org_id)
        .fetch_optional(executor)
        .await?
        .ok_or(CoreError::NotFound)
}

/// The org's badge `id` for issuing: unknown is a field error on
/// `badge_id`, archived is refused (422).
pub async fn issuable<'c, E>(executor: E, org_id: &str, id: &str) -> CoreResult<Badge>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let badge = get(executor, org_id, id).await.map_err(|e| match e {
        CoreError::NotFound => CoreError::field("badge_id", format!("no badge '{id}' in this organisation")),
        other => other,
    })?;
    if badge.archived_at.is_some() {
        return Err(CoreError::Unprocessable(format!(
            "Badge '{}' is archived and cannot be issued; pick an active badge.",
            badge.name
        )));
    }
    Ok(badge)
}

pub async fn list(db: &Db, org_id: &str) -> CoreResult<Vec<Badge>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM badges WHERE org_id = $1 ORDER BY archived_at IS NOT NULL, name, id"
    ))
    .bind(org_id)
    .fetch_all(db)
    .await?)
}

/// A badge as anyone may see it, with the name of the org that awards it:
/// every credential of the badge links here (`achievement.id`), so it is
/// public, as the credentials are. Archived badges stay readable, since
/// credentials already issued still point at them.
#[derive(Clone, Debug, PartialEq)]
pub struct PublicBadge {
    pub badge: Badge,
    pub org_name: String,
}

pub async fn public(db: &Db, id: &str) -> CoreResult<PublicBadge> {
    let badge: Badge = sqlx::query_as(&format!("SELECT {COLUMNS} FROM badges WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or(CoreError::NotFound)?;
    let org_name: String =
        sqlx::query_scalar("SELECT name FROM organizations WHERE id = $1").bind(&badge.org_id).fetch_one(db).await?;
    Ok(PublicBadge { badge, org_name })
}
