//! Inviting people by e-mail.
//!
//! An account belongs to whoever controls its e-mail address, and nobody
//! joins an organisation without accepting that organisation's own
//! invitation. So:
//!
//! - Inviting always makes an invitation and queues an e-mail to the
//!   address (the outbox); it never adds anyone at once, and answers the
//!   same whether or not the address has an account.
//! - The e-mail carries the only secret link. Its token is derived from the
//!   master key and the invitation id ([`LinkKey`]), so it is written
//!   nowhere: the database keeps its SHA-256 for look-up, and neither the
//!   inviter nor the outbox page ever sees it. Holding the link proves
//!   control of the mailbox, which is what creating an account for that
//!   address needs.
//! - Someone who already has an account accepts while signed in as that
//!   address: from the e-mailed link, or from their own list of
//!   invitations ([`for_user`]), with no link at all.
//! - An invitation lives only while its creator may still grant its role:
//!   removing or demoting the inviter kills the invitations they sent.
//!
//! - [`link`]: the secret link an invitation e-mail carries.
//! - [`accept`]: the invited person's side: the link, their list, joining.

pub mod accept;
pub mod link;

use serde::{Deserialize, Serialize};

pub use accept::{
    InvitationForYou, InvitationPreview, accept_as, accept_by_id, accept_new_account, decline, for_user, preview,
};
pub use link::LinkKey;
use link::token_hash;
use model::Role;

use super::members::{Membership, check_may_manage};
use super::organizations;
use crate::audit::{self, Actor, AuditAction, Entry};
use crate::db::Db;
use crate::email::EmailAddress;
use crate::error::{CoreError, CoreResult};
use crate::{clock, ids, outbox};

pub const VALID_FOR_SECS: i64 = 7 * 24 * 3600;

/// The answer to "invite this address": the same whether or not it has an
/// account.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Invited {
    pub id: String,
    pub email: String,
    pub role: Role,
    pub expires_at: i64,
}

pub async fn invite(db: &Db, links: &LinkKey, actor: &Membership, email: &str, role: Role) -> CoreResult<Invited> {
    check_may_manage(actor, role)?;
    let email = EmailAddress::parse(email).map_err(|m| CoreError::field("email", m))?;
    let now = clock::now();
    let mut tx = crate::db::begin(db).await?;
    organizations::lock(&mut tx, &actor.org_id).await?;
    // Members are listed to every member, so saying so reveals nothing new.
    let already: Option<String> = sqlx::query_scalar(
        "SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 AND u.email = $2",
    )
    .bind(&actor.org_id)
    .bind(email.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(role) = already {
        return Err(CoreError::conflict(format!(
            "{email} is already a member (role: {role}). Change their role in the list instead."
        )));
    }
    // A newer invitation for the same address replaces the older one, and
    // the older one's unsent e-mail with it.
    sqlx::query(
        "DELETE FROM outbox WHERE status = 'queued' AND invitation_id IN
           (SELECT id FROM invitations WHERE org_id = $1 AND email = $2 AND accepted_at IS NULL)",
    )
    .bind(&actor.org_id)
    .bind(email.as_str())
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM invitations WHERE org_id = $1 AND email = $2 AND accepted_at IS NULL")
        .bind(&actor.org_id)
        .bind(email.as_str())
        .execute(&mut *tx)
        .await?;
    let id = ids::new_id("inv");
    let expires_at = now + VALID_FOR_SECS;
    sqlx::query(
        "INSERT INTO invitations (id, org_id, email, role, token_hash, invited_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(&actor.org_id)
    .bind(email.as_str())
    .bind(role)
    .bind(token_hash(&links.token(&id)))
    .bind(&actor.user_id)
    .bind(now)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    outbox::queue_invitation(&mut tx, &actor.org_id, &id, email.as_str(), now).await?;
    let entry = Entry::new(
        Actor::user(Some(&actor.user_id)),
        AuditAction::MemberInvited,
        Some(&id),
        format!("{email} was invited as {}", role.label()),
    )
    .with(serde_json::json!({"role": role}));
    audit::record(&mut *tx, &actor.org_id, entry).await?;
    tx.commit().await?;
    Ok(Invited { id, email: email.to_string(), role, expires_at })
}

/// An open invitation as read, with what decides whether it still stands.
#[derive(sqlx::FromRow)]
pub(super) struct OpenRow {
    pub(super) id: String,
    pub(super) org_id: String,
    pub(super) org_name: String,
    pub(super) email: String,
    pub(super) role: Role,
    pub(super) created_at: i64,
    pub(super) expires_at: i64,
    pub(super) inviter_name: Option<String>,
    pub(super) inviter_role: Option<Role>,
    pub(super) delivery: Option<String>,
}

pub(super) const SELECT_OPEN: &str =
    "SELECT i.id, i.org_id, o.name AS org_name, i.email, i.role, i.created_at, i.expires_at,
        u.display_name AS inviter_name, m.role AS inviter_role,
        (SELECT ob.status FROM outbox ob WHERE ob.invitation_id = i.id ORDER BY ob.id DESC LIMIT 1) AS delivery
     FROM invitations i
     JOIN organizations o ON o.id = i.org_id
     LEFT JOIN users u ON u.id = i.invited_by
     LEFT JOIN memberships m ON m.org_id = i.org_id AND m.user_id = i.invited_by
     WHERE i.accepted_at IS NULL AND i.expires_at > $1";

impl OpenRow {
    /// Whoever sent it may still grant its role.
    pub(super) fn stands(&self) -> bool {
        self.inviter_role.is_some_and(|inviter| inviter.may_grant(self.role))
    }
}

pub(super) async fn open_rows(db: &Db, filter: &str, bind: &str) -> CoreResult<Vec<OpenRow>> {
    let rows: Vec<OpenRow> =
        sqlx::query_as(&format!("{SELECT_OPEN} AND {filter} ORDER BY i.created_at DESC, i.id DESC"))
            .bind(clock::now())
            .bind(bind)
            .fetch_all(db)
            .await?;
    Ok(rows.into_iter().filter(OpenRow::stands).collect())
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PendingInvitation {
    pub id: String,
    pub email: String,
    pub role: Role,
    pub invited_by: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    /// The e-mail's state in the outbox: `queued`, `sent` or `failed`.
    pub delivery: Option<String>,
}

/// The org's invitations that can still be accepted, newest first.
pub async fn pending(db: &Db, org_id: &str) -> CoreResult<Vec<PendingInvitation>> {
    open_rows(db, "i.org_id = $2", org_id)
        .await?
        .into_iter()
        .map(|r| {
            Ok(PendingInvitation {
                role: r.role,
                id: r.id,
                email: r.email,
                invited_by: r.inviter_name,
                created_at: r.created_at,
                expires_at: r.expires_at,
                delivery: r.delivery,
            })
        })
        .collect()
}

pub async fn revoke(db: &Db, actor: &Membership, invitation_id: &str) -> CoreResult<()> {
    let role: Option<Role> =
        sqlx::query_scalar("SELECT role FROM invitations WHERE id = $1 AND org_id = $2 AND accepted_at IS NULL")
            .bind(invitation_id)
            .bind(&actor.org_id)
            .fetch_optional(db)
            .await?;
    let role = role.ok_or(CoreError::NotFound)?;
    check_may_manage(actor, role)?;
    let mut tx = crate::db::begin(db).await?;
    sqlx::query("DELETE FROM outbox WHERE invitation_id = $1 AND status = 'queued'")
        .bind(invitation_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM invitations WHERE id = $1").bind(invitation_id).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// What the invitation e-mail says, while the invitation still stands.
#[derive(Clone, Debug, PartialEq)]
pub struct MailFacts {
    pub org_name: String,
    pub inviter_name: Option<String>,
    pub role: Role,
    pub email: String,
    pub expires_at: i64,
}

/// `None` once the invitation was accepted, withdrawn, replaced, expired,
/// or its inviter lost the right to send it: such mail is not sent.
pub async fn mail_facts(db: &Db, invitation_id: &str) -> CoreResult<Option<MailFacts>> {
    let Some(inv) = open_rows(db, "i.id = $2", invitation_id).await?.into_iter().next() else {
        return Ok(None);
    };
    Ok(Some(MailFacts {
        role: inv.role,
        org_name: inv.org_name,
        inviter_name: inv.inviter_name,
        email: inv.email,
        expires_at: inv.expires_at,
    }))
}
