//! Inviting people by e-mail. Someone who already has an account joins at
//! once; anyone else gets a single-use link (we keep only its SHA-256) that
//! lets them choose a password and join.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::members::{self, Membership, check_may_manage};
use super::role::Role;
use crate::accounts::password::{self, NewPassword};
use crate::accounts::users::{self, User};
use crate::activity;
use crate::db::Db;
use crate::email::EmailAddress;
use crate::error::{CoreError, CoreResult};
use crate::{clock, ids};

pub const VALID_FOR_SECS: i64 = 7 * 24 * 3600;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub enum InviteOutcome {
    /// The person had an account and is now a member.
    Added { email: String },
    /// A link to send them; shown this once.
    Invited { email: String, token: String, expires_at: i64 },
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, sqlx::FromRow)]
pub struct PendingInvitation {
    pub id: String,
    pub email: String,
    pub role: String,
    pub created_at: i64,
    pub expires_at: i64,
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub async fn invite(db: &Db, actor: &Membership, email: &str, role: Role) -> CoreResult<InviteOutcome> {
    check_may_manage(actor, role)?;
    let email = EmailAddress::parse(email).map_err(|m| CoreError::field("email", m))?;
    let now = clock::now();
    let mut tx = db.begin().await?;
    if let Some(user) = users::find_by_email(db, &email).await? {
        let already: Option<String> =
            sqlx::query_scalar("SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2")
                .bind(&actor.org_id)
                .bind(&user.id)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(role) = already {
            return Err(CoreError::conflict(format!(
                "{email} is already a member (role: {role}). Change their role in the list instead."
            )));
        }
        members::upsert(&mut *tx, &actor.org_id, &user.id, role).await?;
        activity::record(
            &mut *tx,
            &actor.org_id,
            Some(&actor.user_id),
            "member.added",
            &format!("{email} joined as {}", role.label()),
        )
        .await?;
        tx.commit().await?;
        return Ok(InviteOutcome::Added { email: email.to_string() });
    }

    let mut raw = [0u8; 32];
    rand::rng().fill_bytes(&mut raw);
    let token = URL_SAFE_NO_PAD.encode(raw);
    let expires_at = now + VALID_FOR_SECS;
    // A newer invitation for the same address replaces the older one.
    sqlx::query("DELETE FROM invitations WHERE org_id = $1 AND email = $2 AND accepted_at IS NULL")
        .bind(&actor.org_id)
        .bind(email.as_str())
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO invitations (id, org_id, email, role, token_hash, invited_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(ids::new_id("inv"))
    .bind(&actor.org_id)
    .bind(email.as_str())
    .bind(role.as_str())
    .bind(token_hash(&token))
    .bind(&actor.user_id)
    .bind(now)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    activity::record(
        &mut *tx,
        &actor.org_id,
        Some(&actor.user_id),
        "member.invited",
        &format!("{email} was invited as {}", role.label()),
    )
    .await?;
    tx.commit().await?;
    Ok(InviteOutcome::Invited { email: email.to_string(), token, expires_at })
}

pub async fn pending(db: &Db, org_id: &str) -> CoreResult<Vec<PendingInvitation>> {
    Ok(sqlx::query_as(
        "SELECT id, email, role, created_at, expires_at FROM invitations
         WHERE org_id = $1 AND accepted_at IS NULL AND expires_at > $2 ORDER BY created_at DESC",
    )
    .bind(org_id)
    .bind(clock::now())
    .fetch_all(db)
    .await?)
}

pub async fn revoke(db: &Db, actor: &Membership, invitation_id: &str) -> CoreResult<()> {
    let role: Option<String> =
        sqlx::query_scalar("SELECT role FROM invitations WHERE id = $1 AND org_id = $2 AND accepted_at IS NULL")
            .bind(invitation_id)
            .bind(&actor.org_id)
            .fetch_optional(db)
            .await?;
    let role: Role = role.ok_or(CoreError::NotFound)?.parse().map_err(|e: String| anyhow::anyhow!(e))?;
    check_may_manage(actor, role)?;
    sqlx::query("DELETE FROM invitations WHERE id = $1").bind(invitation_id).execute(db).await?;
    Ok(())
}

/// What the invitation page shows before the person accepts.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct InvitationPreview {
    pub org_name: String,
    pub email: String,
    pub role: Role,
    pub has_account: bool,
}

#[derive(sqlx::FromRow)]
struct InvitationRow {
    id: String,
    org_id: String,
    org_name: String,
    email: String,
    role: String,
}

async fn find_open(db: &Db, token: &str) -> CoreResult<InvitationRow> {
    sqlx::query_as(
        "SELECT i.id, i.org_id, o.name AS org_name, i.email, i.role FROM invitations i
         JOIN organizations o ON o.id = i.org_id
         WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.expires_at > $2",
    )
    .bind(token_hash(token))
    .bind(clock::now())
    .fetch_optional(db)
    .await?
    .ok_or_else(|| {
        CoreError::Unprocessable(
            "This invitation link is not valid any more. Ask the person who invited you for a new one.".into(),
        )
    })
}

pub async fn preview(db: &Db, token: &str) -> CoreResult<InvitationPreview> {
    let inv = find_open(db, token).await?;
    let email = EmailAddress::parse(&inv.email).map_err(|e| anyhow::anyhow!(e))?;
    Ok(InvitationPreview {
        has_account: users::find_by_email(db, &email).await?.is_some(),
        org_name: inv.org_name,
        email: inv.email,
        role: inv.role.parse().map_err(|e: String| anyhow::anyhow!(e))?,
    })
}

/// Accepts an invitation by creating the invited account.
pub async fn accept_new_account(db: &Db, token: &str, display_name: &str, new_password: &str) -> CoreResult<User> {
    let inv = find_open(db, token).await?;
    let name = users::parse_display_name(display_name)?;
    let phc = password::hash(NewPassword::parse(new_password)?).await?;
    let email = EmailAddress::parse(&inv.email).map_err(|e| anyhow::anyhow!(e))?;
    let mut tx = db.begin().await?;
    let user = users::create(&mut *tx, &email, &name, &phc).await.map_err(|e| match e {
        CoreError::Conflict(_) => {
            CoreError::conflict(format!("An account for {email} exists already. Sign in, then open this link again."))
        }
        other => other,
    })?;
    finish(&mut tx, &inv, &user.id).await?;
    tx.commit().await?;
    Ok(user)
}

/// Accepts an invitation as the signed-in user, whose e-mail must match.
pub async fn accept_as(db: &Db, token: &str, user: &User) -> CoreResult<()> {
    let inv = find_open(db, token).await?;
    if !inv.email.eq_ignore_ascii_case(&user.email) {
        return Err(CoreError::forbidden(format!(
            "This invitation is for {}, but you are signed in as {}.",
            inv.email, user.email
        )));
    }
    let mut tx = db.begin().await?;
    finish(&mut tx, &inv, &user.id).await?;
    tx.commit().await?;
    Ok(())
}

async fn finish(tx: &mut sqlx::SqliteConnection, inv: &InvitationRow, user_id: &str) -> CoreResult<()> {
    // Marking it accepted first makes a second use of the link a no-op.
    let claimed = sqlx::query("UPDATE invitations SET accepted_at = $1 WHERE id = $2 AND accepted_at IS NULL")
        .bind(clock::now())
        .bind(&inv.id)
        .execute(&mut *tx)
        .await?;
    if claimed.rows_affected() == 0 {
        return Err(CoreError::Unprocessable("This invitation has been used already.".into()));
    }
    let role: Role = inv.role.parse().map_err(|e: String| anyhow::anyhow!(e))?;
    members::upsert(&mut *tx, &inv.org_id, user_id, role).await?;
    activity::record(
        &mut *tx,
        &inv.org_id,
        Some(user_id),
        "member.joined",
        &format!("{} accepted the invitation as {}", inv.email, role.label()),
    )
    .await?;
    Ok(())
}
