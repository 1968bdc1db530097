//! Each e-mail as it goes out: the facts it is rendered from (a lease's
//! credentials and their orgs' wording read with one query) and the
//! message lettre sends, with a Message-ID that stays the same on every
//! attempt, the org's Reply-To, and a one-click unsubscribe link on
//! credential e-mails.

use std::collections::HashMap;
use std::sync::Arc;

use lettre::Message;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};

use super::MailKind;
use super::message::{self, InvitationFacts};
use super::sender::Due;
use super::template::{self, Template};
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

/// How an org's e-mails read: its name, its template (`None`: Laurel's
/// wording) and its Reply-To.
#[derive(Clone, sqlx::FromRow)]
pub(crate) struct OrgMail {
    pub(crate) org_name: String,
    pub(crate) email_subject: Option<String>,
    pub(crate) email_body: Option<String>,
    pub(crate) reply_to: Option<String>,
}

impl OrgMail {
    pub(crate) fn template(&self) -> Template {
        match (&self.email_subject, &self.email_body) {
            (Some(subject), Some(body)) => Template { subject: subject.clone(), body: body.clone() },
            _ => Template::default_wording(),
        }
    }
}

/// What the credential e-mails of a lease say about their credentials.
#[derive(sqlx::FromRow)]
struct CredentialFacts {
    id: String,
    #[sqlx(flatten)]
    org: OrgMail,
    badge_id: String,
    badge_name: String,
    description: String,
    image_url: Option<String>,
    expires_at: Option<i64>,
    revocation_reason: Option<String>,
}

/// The facts of a lease's messages, read once for all of them.
#[derive(Default)]
pub(super) struct Facts {
    credentials: HashMap<String, CredentialFacts>,
    /// The orgs of template tests (rare: one query each).
    orgs: HashMap<String, OrgMail>,
}

impl Facts {
    pub(super) async fn read(db: &Db, due: &[Due]) -> CoreResult<Facts> {
        let mut facts = Facts::default();
        let ids: Vec<&str> = due.iter().filter_map(|m| m.credential_id.as_deref()).collect();
        if !ids.is_empty() {
            let sql = format!(
                "SELECT c.id, o.name AS org_name, o.email_subject, o.email_body, o.reply_to,
                        b.id AS badge_id, b.name AS badge_name, b.description, b.image_url, c.expires_at,
                        c.revocation_reason
                 FROM credentials c JOIN organizations o ON o.id = c.org_id JOIN badges b ON b.id = c.badge_id
                 WHERE {}",
                Backend::of(db).in_json_strings("c.id", "$1")
            );
            let rows: Vec<CredentialFacts> = sqlx::query_as(&sql)
                .bind(serde_json::to_string(&ids).map_err(anyhow::Error::from)?)
                .fetch_all(db)
                .await?;
            facts.credentials = rows.into_iter().map(|r| (r.id.clone(), r)).collect();
        }
        for m in due.iter().filter(|m| m.kind == MailKind::TemplateTest) {
            if !facts.orgs.contains_key(&m.org_id) {
                facts.orgs.insert(m.org_id.clone(), org_mail(db, &m.org_id).await?);
            }
        }
        Ok(facts)
    }
}

/// How the org's e-mails read now.
pub(crate) async fn org_mail(db: &Db, org_id: &str) -> CoreResult<OrgMail> {
    Ok(sqlx::query_as("SELECT name AS org_name, email_subject, email_body, reply_to FROM organizations WHERE id = $1")
        .bind(org_id)
        .fetch_one(db)
        .await?)
}

pub(super) async fn build(db: &Db, m: &Due, from: &Mailbox, site: &Site, facts: &Facts) -> Result<Message, String> {
    let (rendered, org) = match m.kind {
        MailKind::Invitation => (invitation(db, m, site).await?, None),
        MailKind::CredentialIssued => {
            let (rendered, org) = credential_issued(m, facts, &site.public_url)?;
            (rendered, Some(org))
        }
        MailKind::CredentialRevoked => {
            let credential_id = m.credential_id.as_deref().ok_or("the message has no credential")?;
            let f = facts.credentials.get(credential_id).ok_or("the credential no longer exists")?;
            let rendered = message::credential_revoked(&message::RevocationFacts {
                recipient_name: &m.to_name,
                org_name: &f.org.org_name,
                badge_name: &f.badge_name,
                credential_id,
                reason: f.revocation_reason.as_deref(),
                public_url: &site.public_url,
            });
            (rendered, Some(&f.org))
        }
        MailKind::TemplateTest => {
            let org = facts.orgs.get(&m.org_id).ok_or("the organisation no longer exists")?;
            let mut rendered = org.template().render(&template::sample(&org.org_name, &m.to_name, &site.public_url));
            rendered.subject = format!("[Test] {}", rendered.subject);
            (rendered, Some(org))
        }
    };
    let address = m.to_email.parse().map_err(|e| format!("recipient address {}: {e}", m.to_email))?;
    let to = Mailbox::new(Some(m.to_name.clone()).filter(|n| !n.is_empty()), address);
    let mut builder = Message::builder()
        // Stable per outbox row, so every attempt is the same message: a
        // crash between the relay's answer and `Sender::record` sends it
        // again, and mailbox providers collapse such twins by Message-ID.
        // A bounce quotes it back, which is how it finds its row.
        .message_id(Some(format!("<{}@{}>", m.id, site.mail_host)))
        .from(from.clone())
        .to(to)
        .subject(rendered.subject);
    if let Some(reply_to) = org.and_then(|o| o.reply_to.as_deref()) {
        let reply_to = reply_to.parse().map_err(|e| format!("the organisation's Reply-To {reply_to}: {e}"))?;
        builder = builder.reply_to(reply_to);
    }
    if m.kind == MailKind::CredentialIssued {
        // RFC 8058 one-click: mail providers show an "Unsubscribe" button
        // and POST to the link; the link itself is secret to this message.
        let link = super::unsubscribe::link(&site.public_url, &site.links, &m.id);
        builder = builder
            .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("List-Unsubscribe"), format!("<{link}>")))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".into(),
            ));
    }
    builder
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

fn credential_issued<'f>(
    m: &Due,
    facts: &'f Facts,
    public_url: &str,
) -> Result<(message::Rendered, &'f OrgMail), String> {
    let credential_id = m.credential_id.as_deref().ok_or("the message has no credential")?;
    let f = facts.credentials.get(credential_id).ok_or("the credential no longer exists")?;
    // Every badge has an image: its own, or the default Laurel draws.
    let image = f.image_url.clone().unwrap_or_else(|| crate::badges::image::url(public_url, &f.badge_id));
    let rendered = message::credential_issued(
        &message::Facts {
            recipient_name: &m.to_name,
            org_name: &f.org.org_name,
            badge_name: &f.badge_name,
            badge_description: &f.description,
            credential_id,
            expires_at: f.expires_at,
            public_url,
            badge_image_url: Some(&image),
        },
        &f.org.template(),
    );
    Ok((rendered, &f.org))
}
