//! Organisations: creation, approval, plan and quota.

use serde::{Deserialize, Serialize};

use crate::audit::{self, Actor, AuditAction, Entry};
use crate::db::Db;
use crate::error::{CoreError, CoreResult};
use crate::keys::{self, MasterKey};
use crate::{clock, ids};
use model::Plan;
use model::Role;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub plan: Plan,
    pub monthly_quota: i64,
    pub approved: bool,
    pub created_at: i64,
}

#[derive(sqlx::FromRow)]
struct OrgRow {
    id: String,
    name: String,
    plan: Plan,
    monthly_quota: i64,
    approval_status: String,
    created_at: i64,
}

impl TryFrom<OrgRow> for Organization {
    type Error = CoreError;
    fn try_from(r: OrgRow) -> CoreResult<Self> {
        Ok(Organization {
            plan: r.plan,
            approved: r.approval_status == "approved",
            id: r.id,
            name: r.name,
            monthly_quota: r.monthly_quota,
            created_at: r.created_at,
        })
    }
}

const SELECT_ORG: &str = "SELECT id, name, plan, monthly_quota, approval_status, created_at FROM organizations";

pub fn parse_name(input: &str) -> CoreResult<String> {
    let name = input.trim();
    if name.is_empty() {
        return Err(CoreError::field("name", "is required"));
    }
    if name.chars().count() > 120 {
        return Err(CoreError::field("name", "must be at most 120 characters"));
    }
    Ok(name.to_owned())
}

/// Creates a pending organisation on `plan` with the plan's default quota.
pub async fn create(db: &Db, name: &str, plan: Plan) -> CoreResult<Organization> {
    let org = Organization {
        id: ids::new_id("org"),
        name: parse_name(name)?,
        plan,
        monthly_quota: plan.default_monthly_quota(),
        approved: false,
        created_at: clock::now(),
    };
    sqlx::query(
        "INSERT INTO organizations (id, name, plan, monthly_quota, approval_status, created_at)
         VALUES ($1, $2, $3, $4, 'pending', $5)",
    )
    .bind(&org.id)
    .bind(&org.name)
    .bind(plan)
    .bind(org.monthly_quota)
    .bind(org.created_at)
    .execute(db)
    .await?;
    Ok(org)
}

/// Takes the org's write lock for the rest of the transaction: updating
/// the org row locks it in PostgreSQL and takes the write lock in SQLite.
/// Transactions that check a count before changing it (the last Owner, the
/// monthly quota) start with this so that two of them cannot both pass.
pub async fn lock(tx: &mut crate::db::Conn, org_id: &str) -> CoreResult<()> {
    let locked = sqlx::query("UPDATE organizations SET id = id WHERE id = $1").bind(org_id).execute(&mut *tx).await?;
    if locked.rows_affected() == 0 {
        return Err(CoreError::NotFound);
    }
    Ok(())
}

pub async fn get(db: &Db, id: &str) -> CoreResult<Organization> {
    sqlx::query_as::<_, OrgRow>(&format!("{SELECT_ORG} WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or(CoreError::NotFound)?
        .try_into()
}

/// Approves the organisation and, in the same transaction, gives it its
/// first signing key. Approving twice is harmless.
pub async fn approve(db: &Db, master: &MasterKey, id: &str) -> CoreResult<Organization> {
    let mut tx = crate::db::begin(db).await?;
    let updated = sqlx::query(
        "UPDATE organizations SET approval_status = 'approved', approved_at = $1
         WHERE id = $2 AND approval_status = 'pending'",
    )
    .bind(clock::now())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 1 {
        keys::provision(&mut tx, master, id).await?;
        let entry = Entry::new(
            Actor::system(),
            AuditAction::OrgApproved,
            Some(id),
            "Organisation approved; signing key created",
        );
        audit::record(&mut *tx, id, entry).await?;
    }
    tx.commit().await?;
    get(db, id).await
}

pub async fn set_quota(db: &Db, id: &str, monthly_quota: i64) -> CoreResult<()> {
    if monthly_quota < 0 {
        return Err(CoreError::field("monthly_quota", "must be zero or more"));
    }
    let done = sqlx::query("UPDATE organizations SET monthly_quota = $1 WHERE id = $2")
        .bind(monthly_quota)
        .bind(id)
        .execute(db)
        .await?;
    one_org(done)
}

/// An update of one org by id: `NotFound` when there is no such org.
fn one_org(done: sqlx::any::AnyQueryResult) -> CoreResult<()> {
    if done.rows_affected() == 0 { Err(CoreError::NotFound) } else { Ok(()) }
}

/// Changes the plan; the quota follows the new plan's default.
pub async fn set_plan(db: &Db, id: &str, plan: Plan) -> CoreResult<()> {
    let done = sqlx::query("UPDATE organizations SET plan = $1, monthly_quota = $2 WHERE id = $3")
        .bind(plan)
        .bind(plan.default_monthly_quota())
        .bind(id)
        .execute(db)
        .await?;
    one_org(done)
}

/// An organisation as one of its members sees it in the switcher.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, sqlx::FromRow)]
pub struct OrgSummary {
    pub id: String,
    pub name: String,
    pub role: Role,
}

pub async fn list_for_user(db: &Db, user_id: &str) -> CoreResult<Vec<OrgSummary>> {
    Ok(sqlx::query_as(
        "SELECT o.id, o.name, m.role FROM organizations o
         JOIN memberships m ON m.org_id = o.id
         WHERE m.user_id = $1 ORDER BY o.name, o.id",
    )
    .bind(user_id)
    .fetch_all(db)
    .await?)
}
