//! Delivers queued messages over SMTP with lettre. A message that fails
//! with a temporary error is tried again after a delay that doubles each
//! time; a permanent refusal (a 5xx reply: no such mailbox) or running out
//! of attempts marks it failed, with the server's reason kept for the
//! pages. Messages are leased like job rows, so several processes can
//! send from one outbox without sending anything twice.

use std::sync::Arc;
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::watch;

use super::{MailKind, MailStatus};
use tokio::task::JoinHandle;

use super::message::{self, Facts, InvitationFacts};
use crate::clock;
use crate::db::{Backend, Db};
use crate::error::CoreResult;
use crate::orgs::invitations::{self, LinkKey};

#[derive(Clone, Debug)]
pub struct SenderConfig {
    /// `smtp://host:port`, `smtps://user:pass@host` or
    /// `smtp://host:587?tls=required` (lettre's URL form).
    pub smtp_url: String,
    /// The From header, e.g. `Laurel <no-reply@example.com>`.
    pub from: String,
    /// Delay before the first retry; doubles on each further one.
    pub retry_base: Duration,
    pub max_attempts: u32,
    pub poll: Duration,
}

impl SenderConfig {
    pub fn new(smtp_url: impl Into<String>, from: impl Into<String>) -> Self {
        Self {
            smtp_url: smtp_url.into(),
            from: from.into(),
            retry_base: Duration::from_secs(30),
            max_attempts: 8,
            poll: Duration::from_millis(500),
        }
    }
}

pub struct SenderHandle {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl SenderHandle {
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// Starts delivering. Fails at once if the URL or From address is
/// malformed, so a misconfigured server does not start.
pub fn spawn(db: Db, links: LinkKey, public_url: &str, config: SenderConfig) -> CoreResult<SenderHandle> {
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&config.smtp_url)
        .map_err(|e| anyhow::anyhow!("LAUREL_SMTP_URL is not a valid SMTP URL: {e}"))?
        .timeout(Some(Duration::from_secs(20)))
        .build();
    let from: Mailbox = config
        .from
        .parse()
        .map_err(|e| anyhow::anyhow!("LAUREL_MAIL_FROM {:?} is not an address: {e}", config.from))?;
    let (stop, mut stopped) = watch::channel(false);
    let site = Site { public_url: Arc::from(public_url), links };
    let task = tokio::spawn(async move {
        loop {
            match deliver_due(&db, &transport, &from, &site, &config).await {
                Ok(0) | Err(_) => {
                    tokio::select! {
                        _ = stopped.changed() => break,
                        _ = tokio::time::sleep(config.poll) => {}
                    }
                }
                Ok(_) => {
                    if *stopped.borrow() {
                        break;
                    }
                }
            }
        }
    });
    Ok(SenderHandle { stop, task })
}

/// What links in a message are made from.
struct Site {
    public_url: Arc<str>,
    links: LinkKey,
}

#[derive(sqlx::FromRow)]
struct Due {
    id: String,
    kind: MailKind,
    credential_id: Option<String>,
    invitation_id: Option<String>,
    to_email: String,
    to_name: String,
    attempts: i64,
}

/// Leases and sends the messages that are due; returns how many it tried.
async fn deliver_due(
    db: &Db,
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    from: &Mailbox,
    site: &Site,
    config: &SenderConfig,
) -> CoreResult<usize> {
    let now = clock::now();
    // Passing over what another process is leasing (`Backend::picked`);
    // the lease condition is repeated outside so that a row leased
    // meanwhile is left alone.
    let sql = format!(
        "UPDATE outbox SET lease_until = $1
         WHERE {} AND (lease_until IS NULL OR lease_until < $2)
         RETURNING id, kind, credential_id, invitation_id, to_email, to_name, attempts",
        Backend::of(db).picked(
            "id",
            "SELECT id FROM outbox
             WHERE status = 'queued' AND next_attempt_at <= $2 AND (lease_until IS NULL OR lease_until < $2)
             ORDER BY next_attempt_at, id LIMIT 50"
        )
    );
    let due: Vec<Due> = sqlx::query_as(&sql)
        .bind(now + 300)
        .bind(now)
        .fetch_all(db)
        .await
        .inspect_err(|e| tracing::warn!(error = %e, "could not read the outbox"))?;
    for m in &due {
        let result = match build(db, m, from, site).await {
            Ok(email) => transport.send(email).await.map(|_| ()).map_err(|e| (e.is_permanent(), e.to_string())),
            Err(e) => Err((true, e)),
        };
        let attempts = m.attempts + 1;
        let outcome = match &result {
            Ok(()) => sqlx::query(
                "UPDATE outbox SET status = 'sent', sent_at = $1, attempts = $2, last_error = NULL, lease_until = NULL
                 WHERE id = $3",
            )
            .bind(clock::now())
            .bind(attempts)
            .bind(&m.id),
            Err((permanent, reason)) => {
                let give_up = *permanent || attempts >= i64::from(config.max_attempts);
                let delay = config.retry_base.as_secs().max(1) << (attempts - 1).clamp(0, 16);
                // The reason can quote the address; the message id leads to it.
                tracing::warn!(message = %m.id, attempts, give_up, "e-mail not delivered");
                tracing::debug!(message = %m.id, %reason, "e-mail not delivered: the server's reason");
                sqlx::query(
                    "UPDATE outbox SET status = $1, attempts = $2, last_error = $3, next_attempt_at = $4,
                                       lease_until = NULL
                     WHERE id = $5 AND status = 'queued'",
                )
                .bind(if give_up { MailStatus::Failed } else { MailStatus::Queued })
                .bind(attempts)
                .bind(reason.chars().take(500).collect::<String>())
                .bind(clock::now() + delay.min(6 * 3600) as i64)
                .bind(&m.id)
            }
        };
        outcome.execute(db).await?;
    }
    Ok(due.len())
}

async fn build(db: &Db, m: &Due, from: &Mailbox, site: &Site) -> Result<Message, String> {
    let rendered = match m.kind {
        MailKind::Invitation => invitation(db, m, site).await?,
        MailKind::CredentialIssued => credential_issued(db, m, &site.public_url).await?,
    };
    let address = m.to_email.parse().map_err(|e| format!("recipient address {}: {e}", m.to_email))?;
    let to = Mailbox::new(Some(m.to_name.clone()).filter(|n| !n.is_empty()), address);
    Message::builder()
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

async fn credential_issued(db: &Db, m: &Due, public_url: &str) -> Result<message::Rendered, String> {
    let credential_id = m.credential_id.as_deref().ok_or("the message has no credential")?;
    #[derive(sqlx::FromRow)]
    struct Row {
        org_name: String,
        badge_name: String,
        description: String,
        expires_at: Option<i64>,
    }
    let facts: Option<Row> = sqlx::query_as(
        "SELECT o.name AS org_name, b.name AS badge_name, b.description, c.expires_at
         FROM credentials c JOIN organizations o ON o.id = c.org_id JOIN badges b ON b.id = c.badge_id
         WHERE c.id = $1",
    )
    .bind(credential_id)
    .fetch_optional(db)
    .await
    .map_err(|e| format!("reading the credential: {e}"))?;
    let Row { org_name, badge_name, description, expires_at } = facts.ok_or("the credential no longer exists")?;
    Ok(message::credential_issued(&Facts {
        recipient_name: &m.to_name,
        org_name: &org_name,
        badge_name: &badge_name,
        badge_description: &description,
        credential_id,
        expires_at,
        public_url,
    }))
}
