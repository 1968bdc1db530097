//! The org's credential e-mail as admins edit it: its template and its
//! Reply-To, a preview, and a test sent to the admin.

use serde::{Deserialize, Serialize};

use super::message::Rendered;
use super::template::{self, Template, TemplateError};
use crate::audit::{self, Actor, AuditAction, Entry};
use crate::db::Db;
use crate::error::{CoreError, CoreResult};

/// What the settings page shows and saves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailSettings {
    pub template: Template,
    /// Whether the org still uses Laurel's wording.
    pub is_default: bool,
    pub reply_to: Option<String>,
}

pub async fn get(db: &Db, org_id: &str) -> CoreResult<EmailSettings> {
    let org = super::compose::org_mail(db, org_id).await?;
    Ok(EmailSettings {
        is_default: org.email_subject.is_none() || org.email_body.is_none(),
        template: org.template(),
        reply_to: org.reply_to,
    })
}

fn template_error(e: TemplateError) -> CoreError {
    CoreError::field(e.field, e.message)
}

/// Checks what an admin wrote: the template parses, the Reply-To (if any)
/// is one address.
pub fn check(subject: &str, body: &str, reply_to: &str) -> CoreResult<(Template, Option<String>)> {
    let template = Template::parse(subject, body).map_err(template_error)?;
    let reply_to = reply_to.trim();
    let reply_to = if reply_to.is_empty() {
        None
    } else {
        reply_to
            .parse::<lettre::Address>()
            .map_err(|_| CoreError::field("reply_to", format!("“{reply_to}” is not an e-mail address")))?;
        Some(reply_to.to_owned())
    };
    Ok((template, reply_to))
}

/// Saves the org's template and Reply-To; the default wording is stored as
/// none, so later improvements to it reach the org.
pub async fn save(
    db: &Db,
    org_id: &str,
    actor: Option<&str>,
    subject: &str,
    body: &str,
    reply_to: &str,
) -> CoreResult<EmailSettings> {
    let (template, reply_to) = check(subject, body, reply_to)?;
    let custom = template != Template::default_wording();
    let mut tx = crate::db::begin(db).await?;
    sqlx::query("UPDATE organizations SET email_subject = $1, email_body = $2, reply_to = $3 WHERE id = $4")
        .bind(custom.then_some(&template.subject))
        .bind(custom.then_some(&template.body))
        .bind(&reply_to)
        .bind(org_id)
        .execute(&mut *tx)
        .await?;
    let summary = if custom { "Credential e-mail edited" } else { "Credential e-mail set to Laurel's wording" };
    let entry = Entry::new(Actor::user(actor), AuditAction::EmailTemplateEdited, Some(org_id), summary)
        .with(serde_json::json!({"subject": template.subject, "reply_to": reply_to, "custom": custom}));
    audit::record(&mut *tx, org_id, entry).await?;
    tx.commit().await?;
    get(db, org_id).await
}

/// The message a template makes, with sample values: what the editor shows
/// as it is typed. Refused, naming the field, while it does not parse.
pub fn preview(org_name: &str, reader_name: &str, public_url: &str, subject: &str, body: &str) -> CoreResult<Rendered> {
    let template = Template::parse(subject, body).map_err(template_error)?;
    Ok(template.render(&template::sample(org_name, reader_name, public_url)))
}

/// Queues a test of the org's saved template to `to_email` (the admin),
/// sent like any e-mail (so it shows the relay works, too).
pub async fn send_test(db: &Db, org_id: &str, to_email: &str, to_name: &str, now: i64) -> CoreResult<String> {
    let id = crate::ids::new_id("msg");
    sqlx::query(
        "INSERT INTO outbox (id, org_id, kind, to_email, to_name, status, next_attempt_at, created_at)
         VALUES ($1, $2, 'template_test', $3, $4, 'queued', $5, $5)",
    )
    .bind(&id)
    .bind(org_id)
    .bind(to_email)
    .bind(to_name)
    .bind(now)
    .execute(db)
    .await?;
    Ok(id)
}
