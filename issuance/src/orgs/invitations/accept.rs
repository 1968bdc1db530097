//! The invited person's side: the e-mailed link (which proves they read the
//! mailbox, so it may create their account), their own list of
//! invitations once signed in, and joining or declining.

use serde::{Deserialize, Serialize};

use super::link::token_hash;
use super::{OpenRow, SELECT_OPEN, open_rows};
use crate::accounts::password::{self, NewPassword};
use crate::accounts::users::{self, User};
use crate::audit::{self, Actor, AuditAction, Entry};
use crate::clock;
use crate::db::Db;
use crate::email::EmailAddress;
use crate::error::{CoreError, CoreResult};
use crate::orgs::organizations;
use model::Role;

/// An invitation as the invited person sees it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct InvitationForYou {
    pub id: String,
    pub org_id: String,
    pub org_name: String,
    pub role: Role,
    pub invited_by: Option<String>,
    pub expires_at: i64,
}

/// The open invitations addressed to `user`'s e-mail address.
pub async fn for_user(db: &Db, user: &User) -> CoreResult<Vec<InvitationForYou>> {
    open_rows(db, "i.email = $2", &user.email.to_lowercase())
        .await?
        .into_iter()
        .map(|r| {
            Ok(InvitationForYou {
                role: r.role,
                id: r.id,
                org_id: r.org_id,
                org_name: r.org_name,
                invited_by: r.inviter_name,
                expires_at: r.expires_at,
            })
        })
        .collect()
}

const NOT_VALID: &str = "This invitation is not valid any more. Ask the person who invited you to send a new one.";

async fn open_by_token(db: &Db, token: &str) -> CoreResult<OpenRow> {
    open_rows(db, "i.token_hash = $2", &token_hash(token))
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| CoreError::Unprocessable(NOT_VALID.into()))
}

/// What the invitation page shows to whoever holds the e-mailed link.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct InvitationPreview {
    pub org_name: String,
    pub email: String,
    pub role: Role,
    /// Only the link's holder, who controls the address, learns this.
    pub has_account: bool,
}

pub async fn preview(db: &Db, token: &str) -> CoreResult<InvitationPreview> {
    let inv = open_by_token(db, token).await?;
    let email = EmailAddress::parse(&inv.email).map_err(|e| anyhow::anyhow!(e))?;
    Ok(InvitationPreview {
        has_account: users::find_by_email(db, &email).await?.is_some(),
        role: inv.role,
        org_name: inv.org_name,
        email: inv.email,
    })
}

/// Accepts an e-mailed invitation by creating the invited account: the
/// link proves that its holder reads that mailbox.
pub async fn accept_new_account(db: &Db, token: &str, display_name: &str, new_password: &str) -> CoreResult<User> {
    let inv = open_by_token(db, token).await?;
    let name = users::parse_display_name(display_name)?;
    let phc = password::hash(NewPassword::parse(new_password)?).await?;
    let email = EmailAddress::parse(&inv.email).map_err(|e| anyhow::anyhow!(e))?;
    let mut tx = crate::db::begin(db).await?;
    let user = users::create(&mut *tx, &email, &name, &phc).await.map_err(|e| match e {
        CoreError::Conflict(_) => {
            CoreError::conflict(format!("An account for {email} exists already. Sign in, then open this link again."))
        }
        other => other,
    })?;
    finish(&mut tx, &inv.id, &user).await?;
    tx.commit().await?;
    Ok(user)
}

/// Accepts an e-mailed invitation as the signed-in user, whose address
/// must be the invited one.
pub async fn accept_as(db: &Db, token: &str, user: &User) -> CoreResult<String> {
    let inv = open_by_token(db, token).await?;
    if !inv.email.eq_ignore_ascii_case(&user.email) {
        return Err(CoreError::forbidden(format!(
            "This invitation is for {}, but you are signed in as {}.",
            inv.email, user.email
        )));
    }
    accept_open(db, &inv, user).await
}

/// Accepts one of [`for_user`]'s invitations. Anyone else's invitation id
/// is `NotFound`.
pub async fn accept_by_id(db: &Db, invitation_id: &str, user: &User) -> CoreResult<String> {
    let inv = addressed_to(db, invitation_id, user).await?;
    accept_open(db, &inv, user).await
}

/// Turns down one of [`for_user`]'s invitations.
pub async fn decline(db: &Db, invitation_id: &str, user: &User) -> CoreResult<()> {
    let inv = addressed_to(db, invitation_id, user).await?;
    let mut tx = crate::db::begin(db).await?;
    sqlx::query("DELETE FROM outbox WHERE invitation_id = $1 AND status = 'queued'")
        .bind(&inv.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM invitations WHERE id = $1").bind(&inv.id).execute(&mut *tx).await?;
    let entry = Entry::new(
        Actor::user(Some(&user.id)),
        AuditAction::MemberDeclined,
        Some(&user.id),
        format!("{} declined the invitation", inv.email),
    );
    audit::record(&mut *tx, &inv.org_id, entry).await?;
    tx.commit().await?;
    Ok(())
}

async fn addressed_to(db: &Db, invitation_id: &str, user: &User) -> CoreResult<OpenRow> {
    open_rows(db, "i.id = $2", invitation_id)
        .await?
        .into_iter()
        .find(|inv| inv.email.eq_ignore_ascii_case(&user.email))
        .ok_or(CoreError::NotFound)
}

async fn accept_open(db: &Db, inv: &OpenRow, user: &User) -> CoreResult<String> {
    let mut tx = crate::db::begin(db).await?;
    finish(&mut tx, &inv.id, user).await?;
    tx.commit().await?;
    Ok(inv.org_id.clone())
}

/// Joins `user` to the invitation's org, in the caller's transaction. The
/// org is locked and the invitation re-read under the lock, so an inviter
/// removed a moment earlier cannot still let someone in.
async fn finish(tx: &mut crate::db::Conn, invitation_id: &str, user: &User) -> CoreResult<()> {
    let org_id: Option<String> = sqlx::query_scalar("SELECT org_id FROM invitations WHERE id = $1")
        .bind(invitation_id)
        .fetch_optional(&mut *tx)
        .await?;
    let org_id = org_id.ok_or_else(|| CoreError::Unprocessable(NOT_VALID.into()))?;
    organizations::lock(tx, &org_id).await?;
    let inv: Option<OpenRow> = sqlx::query_as(&format!("{SELECT_OPEN} AND i.id = $2"))
        .bind(clock::now())
        .bind(invitation_id)
        .fetch_optional(&mut *tx)
        .await?;
    let inv = inv.filter(OpenRow::stands).ok_or_else(|| CoreError::Unprocessable(NOT_VALID.into()))?;
    let role = inv.role;
    // Marking it accepted first makes a second use of the link a no-op.
    let claimed = sqlx::query("UPDATE invitations SET accepted_at = $1 WHERE id = $2 AND accepted_at IS NULL")
        .bind(clock::now())
        .bind(&inv.id)
        .execute(&mut *tx)
        .await?;
    if claimed.rows_affected() == 0 {
        return Err(CoreError::Unprocessable("This invitation has been used already.".into()));
    }
    // An invitation never changes the role of someone who is a member already.
    let joined = sqlx::query(
        "INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (org_id, user_id) DO NOTHING",
    )
    .bind(&inv.org_id)
    .bind(&user.id)
    .bind(role)
    .bind(clock::now())
    .execute(&mut *tx)
    .await?;
    if joined.rows_affected() == 0 {
        return Err(CoreError::conflict(format!("You are already a member of {}.", inv.org_name)));
    }
    let entry = Entry::new(
        Actor::user(Some(&user.id)),
        AuditAction::MemberJoined,
        Some(&user.id),
        format!("{} accepted the invitation as {}", inv.email, role.label()),
    )
    .with(serde_json::json!({"role": role}));
    audit::record(&mut *tx, &inv.org_id, entry).await?;
    Ok(())
}
