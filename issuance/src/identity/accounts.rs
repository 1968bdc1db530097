//! Accounts: a person (or business) in the org's own system, found again by
//! its `external_id`. A blocked account cannot start sessions.

use serde::{Deserialize, Serialize};

use super::page;
use crate::db::Db;
use crate::error::{CoreError, CoreResult, FieldError};
use model::AccountStatus;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Account {
    pub id: String,
    pub org_id: String,
    pub external_id: Option<String>,
    pub reference: Option<String>,
    pub tags_json: String,
    pub status: AccountStatus,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Account {
    pub fn tags(&self) -> Vec<String> {
        serde_json::from_str(&self.tags_json).unwrap_or_default()
    }
}

/// What a create or update sets; `None` leaves a field as it is, and
/// `Some(None)` clears it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountInput {
    pub external_id: Option<Option<String>>,
    pub reference: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
}

/// The longest `external_id` or `reference`, in characters.
pub const MAX_TEXT: usize = 255;
pub const MAX_TAGS: usize = 20;
/// The longest tag, in characters.
pub const MAX_TAG: usize = 64;

fn check(input: &AccountInput) -> CoreResult<()> {
    let mut errors = Vec::new();
    for (field, value) in [("external_id", &input.external_id), ("reference", &input.reference)] {
        if let Some(Some(v)) = value {
            if v.trim().is_empty() {
                errors.push(FieldError::new(field, "is empty; send null to clear it"));
            } else if v.chars().count() > MAX_TEXT {
                errors.push(FieldError::new(field, format!("is longer than {MAX_TEXT} characters")));
            }
        }
    }
    if let Some(tags) = &input.tags {
        if tags.len() > MAX_TAGS {
            errors.push(FieldError::new("tags", format!("has {} tags; at most {MAX_TAGS}", tags.len())));
        }
        for (i, tag) in tags.iter().enumerate() {
            if tag.trim().is_empty() || tag.chars().count() > MAX_TAG {
                errors.push(FieldError::new(format!("tags/{i}"), format!("must be 1 to {MAX_TAG} characters")));
            }
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(CoreError::Validation(errors)) }
}

async fn external_id_taken(db: &Db, org_id: &str, external_id: &str, except: Option<&str>) -> CoreResult<()> {
    let other: Option<String> =
        sqlx::query_scalar("SELECT id FROM identity_accounts WHERE org_id = $1 AND external_id = $2")
            .bind(org_id)
            .bind(external_id)
            .fetch_optional(db)
            .await?;
    match other {
        Some(id) if Some(id.as_str()) != except => {
            Err(CoreError::field("external_id", format!("is already the external_id of account {id}")))
        }
        _ => Ok(()),
    }
}

pub async fn create(db: &Db, org_id: &str, input: AccountInput, now: i64) -> CoreResult<Account> {
    check(&input)?;
    let external_id = input.external_id.flatten();
    if let Some(e) = &external_id {
        external_id_taken(db, org_id, e, None).await?;
    }
    let id = crate::ids::new_id("acc");
    let tags = serde_json::to_string(&input.tags.unwrap_or_default()).map_err(anyhow::Error::from)?;
    sqlx::query(
        "INSERT INTO identity_accounts (id, org_id, external_id, reference, tags_json, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(&id)
    .bind(org_id)
    .bind(&external_id)
    .bind(input.reference.flatten())
    .bind(tags)
    .bind(AccountStatus::Active)
    .bind(now)
    .execute(db)
    .await?;
    get(db, org_id, &id).await
}

/// The org's account `id`; another org's is `NotFound`.
pub async fn get(db: &Db, org_id: &str, id: &str) -> CoreResult<Account> {
    sqlx::query_as("SELECT * FROM identity_accounts WHERE id = $1 AND org_id = $2")
        .bind(id)
        .bind(org_id)
        .fetch_optional(db)
        .await?
        .ok_or(CoreError::NotFound)
}

/// The org's accounts, oldest first after the cursor, or the one with
/// `external_id`.
pub async fn list(db: &Db, org_id: &str, external_id: Option<&str>, page: &page::Page) -> CoreResult<Vec<Account>> {
    let mut q = crate::db::Builder::new("SELECT * FROM identity_accounts WHERE org_id = ");
    q.push_bind(org_id);
    if let Some(e) = external_id {
        q.push(" AND external_id = ").push_bind(e);
    }
    page.push(&mut q);
    Ok(q.build_query_as().fetch_all(db).await?)
}

pub async fn update(db: &Db, org_id: &str, id: &str, input: AccountInput, now: i64) -> CoreResult<Account> {
    check(&input)?;
    let mut account = get(db, org_id, id).await?;
    if let Some(external_id) = input.external_id {
        if let Some(e) = &external_id {
            external_id_taken(db, org_id, e, Some(id)).await?;
        }
        account.external_id = external_id;
    }
    if let Some(reference) = input.reference {
        account.reference = reference;
    }
    if let Some(tags) = input.tags {
        account.tags_json = serde_json::to_string(&tags).map_err(anyhow::Error::from)?;
    }
    sqlx::query(
        "UPDATE identity_accounts SET external_id = $1, reference = $2, tags_json = $3, updated_at = $4
         WHERE id = $5 AND org_id = $6",
    )
    .bind(&account.external_id)
    .bind(&account.reference)
    .bind(&account.tags_json)
    .bind(now)
    .bind(id)
    .bind(org_id)
    .execute(db)
    .await?;
    get(db, org_id, id).await
}

/// Blocks or unblocks the account.
pub async fn set_status(db: &Db, org_id: &str, id: &str, status: AccountStatus, now: i64) -> CoreResult<Account> {
    let done = sqlx::query("UPDATE identity_accounts SET status = $1, updated_at = $2 WHERE id = $3 AND org_id = $4")
        .bind(status)
        .bind(now)
        .bind(id)
        .bind(org_id)
        .execute(db)
        .await?;
    if done.rows_affected() == 0 {
        return Err(CoreError::NotFound);
    }
    get(db, org_id, id).await
}
