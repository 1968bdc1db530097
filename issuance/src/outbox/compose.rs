//! Each e-mail as it goes out: the facts it is rendered from (a lease's
//! credentials read with one query) and the message lettre sends, with a
//! Message-ID that stays the same on every attempt.

use std::collections::HashMap;
use std::sync::Arc;

use lettre::Message;
use lettre::message::{Mailbox, MultiPart};

use super::MailKind;
use super::message::{self, Facts, InvitationFacts};
use super::sender::Due;
use crate::db::{Backend, Db};
use crate::error::CoreResult;
use crate::orgs::invitations::{self, LinkKey};

/// What links in a message are made from.
pub(super) struct Site {
    pub(super) public_url: Arc<str>,
    pub(super) links: LinkKey,
    /// The right-hand side of every Message-ID: the public URL's host.
    pub(super) mail_host: String,
}

/// What the credential e-mails of a lease say about their credentials,
/// read with one query.
#[derive(sqlx::FromRow)]
pub(super) struct CredentialFacts {
    id: String,
    org_name: String,
    badge_name: String,
    description: String,
    expires_at: Option<i64>,
}

pub(super) async fn credential_facts(db: &Db, due: &[Due]) -> CoreResult<HashMap<String, CredentialFacts>> {
    let ids: Vec<&str> = due.iter().filter_map(|m| m.credential_id.as_deref()).collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT c.id, o.name AS org_name, b.name AS badge_name, b.description, c.expires_at
         FROM credentials c JOIN organizations o ON o.id = c.org_id JOIN badges b ON b.id = c.badge_id
         WHERE {}",
        Backend::of(db).in_json_strings("c.id", "$1")
    );
    let rows: Vec<CredentialFacts> =
        sqlx::query_as(&sql).bind(serde_json::to_string(&ids).map_err(anyhow::Error::from)?).fetch_all(db).await?;
    Ok(rows.into_iter().map(|r| (r.id.clone(), r)).collect())
}

pub(super) async fn build(
    db: &Db,
    m: &Due,
    from: &Mailbox,
    site: &Site,
    facts: &HashMap<String, CredentialFacts>,
) -> Result<Message, String> {
    let rendered = match m.kind {
        MailKind::Invitation => invitation(db, m, site).await?,
        MailKind::CredentialIssued => credential_issued(m, facts, &site.public_url)?,
    };
    let address = m.to_email.parse().map_err(|e| format!("recipient address {}: {e}", m.to_email))?;
    let to = Mailbox::new(Some(m.to_name.clone()).filter(|n| !n.is_empty()), address);
    Message::builder()
        // Stable per outbox row, so every attempt is the same message: a
        // crash between the relay's answer and `Sender::record` sends it
        // again, and mailbox providers collapse such twins by Message-ID.
        .message_id(Some(format!("<{}@{}>", m.id, site.mail_host)))
        .from(from.clone())
        .to(to)
        .subject(rendered.subject)
        .multipart(MultiPart::alternative_plain_html(rendered.text, rendered.html))
        .map_err(|e| format!("building the message: {e}"))
}

async fn invitation(db: &Db, m: &Due, site: &Site) -> Result<message::Rendered, String> {
    let id = m.invitation_id.as_deref().ok_or("the invitation was withdrawn")?;
    let facts = invitations::mail_facts(db, id)
        .await
        .map_err(|e| format!("reading the invitation: {e}"))?
        .ok_or("the invitation was accepted, withdrawn or replaced, or has expired")?;
    let link = format!("{}{}", site.public_url, site.links.path(id));
    Ok(message::invitation(&InvitationFacts {
        org_name: &facts.org_name,
        inviter_name: facts.inviter_name.as_deref(),
        role_label: facts.role.label(),
        expires_at: facts.expires_at,
        link: &link,
    }))
}

fn credential_issued(
    m: &Due,
    facts: &HashMap<String, CredentialFacts>,
    public_url: &str,
) -> Result<message::Rendered, String> {
    let credential_id = m.credential_id.as_deref().ok_or("the message has no credential")?;
    let f = facts.get(credential_id).ok_or("the credential no longer exists")?;
    Ok(message::credential_issued(&Facts {
        recipient_name: &m.to_name,
        org_name: &f.org_name,
        badge_name: &f.badge_name,
        badge_description: &f.description,
        credential_id,
        expires_at: f.expires_at,
        public_url,
    }))
}
