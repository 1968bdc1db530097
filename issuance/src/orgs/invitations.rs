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

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::members::{Membership, check_may_manage};
use super::organizations;
use crate::accounts::password::{self, NewPassword};
use crate::accounts::users::{self, User};
use crate::db::Db;
use crate::email::EmailAddress;
use crate::error::{CoreError, CoreResult};
use crate::keys::MasterKey;
use crate::{activity, clock, ids, outbox};
use model::Role;

pub const VALID_FOR_SECS: i64 = 7 * 24 * 3600;

/// Turns an invitation id into the secret token of its link. Derived, not
/// stored, so the sender can put the link in the e-mail without the token
/// ever resting anywhere.
#[derive(Clone)]
pub struct LinkKey([u8; 32]);

impl std::fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkKey(..)")
    }
}

impl LinkKey {
    pub fn new(master: &MasterKey) -> Self {
        LinkKey(master.derive("invitation links"))
    }

    pub fn token(&self, invitation_id: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(invitation_id.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// The path of the invitation's page, secret included: for the e-mail only.
    pub fn path(&self, invitation_id: &str) -> String {
        format!("/invitations/{}", self.token(invitation_id))
    }
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

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
    let mut tx = db.begin().await?;
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
    activity::record(
        &mut *tx,
        &actor.org_id,
        Some(&actor.user_id),
        "member.invited",
        &format!("{email} was invited as {}", role.label()),
    )
    .await?;
    tx.commit().await?;
    Ok(Invited { id, email: email.to_string(), role, expires_at })
}

/// An open invitation as read, with what decides whether it still stands.
#[derive(sqlx::FromRow)]
struct OpenRow {
    id: String,
    org_id: String,
    org_name: String,
    email: String,
    role: Role,
    created_at: i64,
    expires_at: i64,
    inviter_name: Option<String>,
    inviter_role: Option<Role>,
    delivery: Option<String>,
}

const SELECT_OPEN: &str = "SELECT i.id, i.org_id, o.name AS org_name, i.email, i.role, i.created_at, i.expires_at,
        u.display_name AS inviter_name, m.role AS inviter_role,
        (SELECT ob.status FROM outbox ob WHERE ob.invitation_id = i.id ORDER BY ob.id DESC LIMIT 1) AS delivery
     FROM invitations i
     JOIN organizations o ON o.id = i.org_id
     LEFT JOIN users u ON u.id = i.invited_by
     LEFT JOIN memberships m ON m.org_id = i.org_id AND m.user_id = i.invited_by
     WHERE i.accepted_at IS NULL AND i.expires_at > $1";

impl OpenRow {
    /// Whoever sent it may still grant its role.
    fn stands(&self) -> bool {
        self.inviter_role.is_some_and(|inviter| inviter.may_grant(self.role))
    }
}

async fn open_rows(db: &Db, filter: &str, bind: &str) -> CoreResult<Vec<OpenRow>> {
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
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM outbox WHERE invitation_id = $1 AND status = 'queued'")
        .bind(invitation_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM invitations WHERE id = $1").bind(invitation_id).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

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
    let mut tx = db.begin().await?;
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
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM outbox WHERE invitation_id = $1 AND status = 'queued'")
        .bind(&inv.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM invitations WHERE id = $1").bind(&inv.id).execute(&mut *tx).await?;
    activity::record(
        &mut *tx,
        &inv.org_id,
        Some(&user.id),
        "member.declined",
        &format!("{} declined the invitation", inv.email),
    )
    .await?;
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
    let mut tx = db.begin().await?;
    finish(&mut tx, &inv.id, user).await?;
    tx.commit().await?;
    Ok(inv.org_id.clone())
}

/// Joins `user` to the invitation's org, in the caller's transaction. The
/// org is locked and the invitation re-read under the lock, so an inviter
/// removed a moment earlier cannot still let someone in.
async fn finish(tx: &mut sqlx::SqliteConnection, invitation_id: &str, user: &User) -> CoreResult<()> {
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
    activity::record(
        &mut *tx,
        &inv.org_id,
        Some(&user.id),
        "member.joined",
        &format!("{} accepted the invitation as {}", inv.email, role.label()),
    )
    .await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_token_is_fixed_per_invitation_and_key_and_unguessable_without_the_key() {
        let master = MasterKey::generate();
        let links = LinkKey::new(&master);
        assert_eq!(links.token("inv_1"), links.token("inv_1"));
        assert_ne!(links.token("inv_1"), links.token("inv_2"));
        assert_ne!(links.token("inv_1"), LinkKey::new(&MasterKey::generate()).token("inv_1"));
        assert_eq!(URL_SAFE_NO_PAD.decode(links.token("inv_1")).unwrap().len(), 32);
        assert!(links.path("inv_1").starts_with("/invitations/"));
    }
}
