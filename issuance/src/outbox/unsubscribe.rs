//! One-click unsubscribe (RFC 8058): every credential e-mail carries a
//! `List-Unsubscribe` link secret to that message. Following it stops the
//! org's credential e-mails to that address ([`suppress`], as a spam
//! complaint does too): its waiting ones are cancelled, and later ones are
//! recorded as not sent. Credentials are still issued; only the e-mail
//! about them stops.

use subtle::ConstantTimeEq;

use crate::audit::{self, Actor, AuditAction, Entry};
use crate::db::Db;
use crate::error::{CoreError, CoreResult};
use crate::orgs::invitations::LinkKey;

/// Why a suppressed address's e-mails are not sent.
pub const NOT_SENT: &str =
    "Not sent: the recipient unsubscribed from this organisation's e-mails (or reported one as spam).";

/// Why an address stopped getting the org's e-mails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reason {
    Unsubscribed,
    Complained,
}

impl Reason {
    fn as_str(self) -> &'static str {
        match self {
            Reason::Unsubscribed => "unsubscribed",
            Reason::Complained => "complained",
        }
    }
}

fn token(links: &LinkKey, message_id: &str) -> String {
    // Domain-separated from invitation tokens, which sign `inv_…` ids.
    links.token(&format!("unsubscribe {message_id}"))
}

/// The message's unsubscribe link.
pub fn link(public_url: &str, links: &LinkKey, message_id: &str) -> String {
    format!("{public_url}/unsubscribe/{message_id}/{}", token(links, message_id))
}

/// Who a link unsubscribes, for its confirmation page.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Subscriber {
    pub org_id: String,
    pub org_name: String,
    pub email: String,
}

/// The address and org a link is for; `NotFound` unless the token is the
/// message's.
pub async fn subscriber(db: &Db, links: &LinkKey, message_id: &str, given: &str) -> CoreResult<Subscriber> {
    if !bool::from(token(links, message_id).as_bytes().ct_eq(given.as_bytes())) {
        return Err(CoreError::NotFound);
    }
    sqlx::query_as(
        "SELECT m.org_id, o.name AS org_name, m.to_email AS email
         FROM outbox m JOIN organizations o ON o.id = m.org_id WHERE m.id = $1",
    )
    .bind(message_id)
    .fetch_optional(db)
    .await?
    .ok_or(CoreError::NotFound)
}

/// Unsubscribes the link's address from its org's e-mails; following the
/// link again changes nothing.
pub async fn unsubscribe(db: &Db, links: &LinkKey, message_id: &str, given: &str, now: i64) -> CoreResult<Subscriber> {
    let s = subscriber(db, links, message_id, given).await?;
    let mut tx = crate::db::begin(db).await?;
    if suppress(&mut tx, &s.org_id, &s.email, Reason::Unsubscribed, now).await? {
        let summary = format!("{} unsubscribed from the organisation's e-mails", s.email);
        let entry = Entry::new(Actor::system(), AuditAction::EmailUnsubscribed, Some(message_id), summary)
            .with(serde_json::json!({"email": s.email, "message_id": message_id}));
        audit::record(&mut *tx, &s.org_id, entry).await?;
    }
    tx.commit().await?;
    Ok(s)
}

/// Stops the org's credential e-mails to `email`: its waiting ones are
/// cancelled (completing a delivering job they held open) and later ones
/// are recorded as not sent. Returns whether the address was new to the
/// list.
pub(crate) async fn suppress(
    tx: &mut crate::db::Conn,
    org_id: &str,
    email: &str,
    reason: Reason,
    now: i64,
) -> CoreResult<bool> {
    let email = email.to_lowercase();
    let added = sqlx::query(
        "INSERT INTO email_suppressions (org_id, email, reason, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (org_id, email) DO NOTHING",
    )
    .bind(org_id)
    .bind(&email)
    .bind(reason.as_str())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if added.rows_affected() == 0 {
        return Ok(false);
    }
    let jobs: Vec<Option<String>> = sqlx::query_scalar(
        "UPDATE outbox SET status = 'cancelled', lease_until = NULL, last_error = $1
         WHERE org_id = $2 AND LOWER(to_email) = $3 AND kind = 'credential_issued' AND status = 'queued'
         RETURNING job_id",
    )
    .bind(NOT_SENT)
    .bind(org_id)
    .bind(&email)
    .fetch_all(&mut *tx)
    .await?;
    super::delivery::settle_cancelled(tx, jobs, now).await?;
    Ok(true)
}
