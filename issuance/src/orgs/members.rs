//! Who belongs to an organisation, in which role, and the rules for changing
//! that: only Owners touch Owners, and an org never loses its last Owner.

use serde::{Deserialize, Serialize};

use super::organizations;
use crate::audit::{self, Actor, AuditAction, Entry};
use crate::clock;
use crate::db::Db;
use crate::error::{CoreError, CoreResult};
use model::{Action, Role};

/// A user's standing in one organisation: the proof, obtained from the
/// database, that they belong to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Membership {
    pub org_id: String,
    pub user_id: String,
    pub role: Role,
}

impl Membership {
    /// Loads the caller's membership. A non-member gets `NotFound`, the same
    /// answer as for an org that does not exist, so tenants cannot probe
    /// each other.
    pub async fn of(db: &Db, user_id: &str, org_id: &str) -> CoreResult<Membership> {
        let role: Option<Role> = sqlx::query_scalar("SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2")
            .bind(org_id)
            .bind(user_id)
            .fetch_optional(db)
            .await?;
        let role = role.ok_or(CoreError::NotFound)?;
        Ok(Membership { org_id: org_id.to_owned(), user_id: user_id.to_owned(), role })
    }

    /// Loads the membership and checks that its role allows `action`.
    pub async fn authorize(db: &Db, user_id: &str, org_id: &str, action: Action) -> CoreResult<Membership> {
        let m = Self::of(db, user_id, org_id).await?;
        m.require(action)?;
        Ok(m)
    }

    pub fn require(&self, action: Action) -> CoreResult<()> {
        if self.role.allows(action) {
            Ok(())
        } else {
            Err(CoreError::forbidden(format!(
                "Your role ({}) does not allow this. Ask an Owner or Admin of this organisation.",
                self.role.label()
            )))
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, sqlx::FromRow, PartialEq)]
pub struct Member {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub joined_at: i64,
}

pub async fn list(db: &Db, org_id: &str) -> CoreResult<Vec<Member>> {
    Ok(sqlx::query_as(
        "SELECT u.id AS user_id, u.email, u.display_name, m.role, m.created_at AS joined_at
         FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.org_id = $1
         ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 WHEN 'issuer' THEN 2 ELSE 3 END,
                  u.email",
    )
    .bind(org_id)
    .fetch_all(db)
    .await?)
}

/// Adds `user_id` to the org, or changes their role if already a member.
/// For operators (the CLI) and accepted invitations; no actor checks here.
pub async fn upsert<'c, E>(executor: E, org_id: &str, user_id: &str, role: Role) -> CoreResult<()>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role",
    )
    .bind(org_id)
    .bind(user_id)
    .bind(role)
    .bind(clock::now())
    .execute(executor)
    .await?;
    Ok(())
}

/// Checks that `actor` may give or take the role `role` (Admins manage
/// Admins, Issuers and Viewers; only Owners manage Owners).
pub(crate) fn check_may_manage(actor: &Membership, role: Role) -> CoreResult<()> {
    actor.require(Action::ManageMembers)?;
    if !actor.role.may_grant(role) {
        return Err(CoreError::forbidden("Only an Owner can add, change or remove an Owner."));
    }
    Ok(())
}

async fn role_in_tx(tx: &mut crate::db::Conn, org_id: &str, user_id: &str) -> CoreResult<Role> {
    let role: Option<Role> = sqlx::query_scalar("SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2")
        .bind(org_id)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
    role.ok_or(CoreError::NotFound)
}

async fn owner_count(tx: &mut crate::db::Conn, org_id: &str) -> CoreResult<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE org_id = $1 AND role = 'owner'")
        .bind(org_id)
        .fetch_one(&mut *tx)
        .await?)
}

const LAST_OWNER: &str = "An organisation needs at least one Owner. Make another member Owner first.";

pub async fn change_role(db: &Db, actor: &Membership, target_user: &str, new_role: Role) -> CoreResult<()> {
    check_may_manage(actor, new_role)?;
    let mut tx = crate::db::begin(db).await?;
    organizations::lock(&mut tx, &actor.org_id).await?;
    let current = role_in_tx(&mut tx, &actor.org_id, target_user).await?;
    check_may_manage(actor, current)?;
    if current == new_role {
        return Ok(());
    }
    if current == Role::Owner && owner_count(&mut tx, &actor.org_id).await? <= 1 {
        return Err(CoreError::conflict(LAST_OWNER));
    }
    upsert(&mut *tx, &actor.org_id, target_user, new_role).await?;
    let email = email_of(&mut tx, target_user).await?;
    let entry = Entry::new(
        Actor::user(Some(&actor.user_id)),
        AuditAction::MemberRoleChanged,
        Some(target_user),
        format!("{email} is now {}", new_role.label()),
    )
    .with(serde_json::json!({"role": new_role}));
    audit::record(&mut *tx, &actor.org_id, entry).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn remove(db: &Db, actor: &Membership, target_user: &str) -> CoreResult<()> {
    let mut tx = crate::db::begin(db).await?;
    organizations::lock(&mut tx, &actor.org_id).await?;
    let current = role_in_tx(&mut tx, &actor.org_id, target_user).await?;
    // Anyone may leave; removing someone else needs the right to manage them.
    if target_user != actor.user_id {
        check_may_manage(actor, current)?;
    }
    if current == Role::Owner && owner_count(&mut tx, &actor.org_id).await? <= 1 {
        return Err(CoreError::conflict(LAST_OWNER));
    }
    let email = email_of(&mut tx, target_user).await?;
    sqlx::query("DELETE FROM memberships WHERE org_id = $1 AND user_id = $2")
        .bind(&actor.org_id)
        .bind(target_user)
        .execute(&mut *tx)
        .await?;
    let entry = Entry::new(
        Actor::user(Some(&actor.user_id)),
        AuditAction::MemberRemoved,
        Some(target_user),
        format!("{email} was removed"),
    );
    audit::record(&mut *tx, &actor.org_id, entry).await?;
    tx.commit().await?;
    Ok(())
}

async fn email_of(tx: &mut crate::db::Conn, user_id: &str) -> CoreResult<String> {
    Ok(sqlx::query_scalar("SELECT email FROM users WHERE id = $1").bind(user_id).fetch_one(&mut *tx).await?)
}
