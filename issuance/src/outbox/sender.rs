//! Delivers queued messages over SMTP with lettre. Several SMTP sessions
//! run at once over pooled connections (a relay answers each message
//! after tens of milliseconds; one at a time, a 10,000-row job's last
//! recipient waited a quarter of an hour), each recipient domain at its
//! own pace (`pace.rs`). A message that fails with a temporary error is
//! tried again after a delay that doubles each time, and its domain pauses
//! for that long; a permanent refusal (a 5xx reply: no such mailbox) or
//! running out of attempts marks it failed, with the server's reason kept
//! for the pages. Messages are leased like job rows, so several processes
//! can send from one outbox without sending anything twice.

use std::sync::Arc;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use super::{MailKind, MailStatus};
use tokio::task::JoinHandle;

use super::compose::{Facts, Site, build};
use super::pace::{self, DomainPace, Pacer};
use crate::clock;
use crate::db::{Backend, Db};
use crate::error::CoreResult;
use crate::orgs::invitations::LinkKey;

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
    /// How long a leased message is this sender's before another process
    /// may take it over (`LAUREL_SMTP_LEASE_SECS`, default 120): longer
    /// than a message can take (a 20 s SMTP timeout, a 2 s wait for its
    /// domain's pace), short enough that a crashed sender's messages go
    /// out soon.
    pub lease: Duration,
    /// SMTP sessions at once (`LAUREL_SMTP_SESSIONS`, default 16). lettre
    /// writes a message's end-of-data mark as a write of its own on a
    /// socket without TCP_NODELAY, so each message waits out the relay's
    /// delayed ACK (about 40 ms on Linux) besides the relay's own answer:
    /// a session sends about 10 a second to a relay answering in 50 ms.
    pub sessions: usize,
    /// Each recipient domain's share (`LAUREL_SMTP_DOMAIN_SESSIONS`,
    /// `LAUREL_SMTP_DOMAIN_RATE`).
    pub per_domain: DomainPace,
}

impl SenderConfig {
    pub fn new(smtp_url: impl Into<String>, from: impl Into<String>) -> Self {
        Self {
            smtp_url: smtp_url.into(),
            from: from.into(),
            retry_base: Duration::from_secs(30),
            max_attempts: 8,
            poll: Duration::from_millis(500),
            lease: Duration::from_secs(120),
            sessions: 16,
            per_domain: DomainPace::default(),
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
        .pool_config(PoolConfig::new().max_size(config.sessions.max(1) as u32))
        .build();
    let from: Mailbox = config
        .from
        .parse()
        .map_err(|e| anyhow::anyhow!("LAUREL_MAIL_FROM {:?} is not an address: {e}", config.from))?;
    let (stop, stopped) = watch::channel(false);
    let mail_host = url::Url::parse(public_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "laurel.invalid".to_owned());
    let site = Site { public_url: Arc::from(public_url), links, mail_host };
    let sender = Sender { db, transport, from, site, pacer: Arc::new(Pacer::new(config.per_domain)), config };
    let task = tokio::spawn(async move { sender.run(stopped).await });
    Ok(SenderHandle { stop, task })
}

#[derive(sqlx::FromRow)]
pub(super) struct Due {
    pub(super) id: String,
    pub(super) org_id: String,
    pub(super) kind: MailKind,
    pub(super) job_id: Option<String>,
    pub(super) credential_id: Option<String>,
    pub(super) invitation_id: Option<String>,
    pub(super) to_email: String,
    pub(super) to_name: String,
    pub(super) attempts: i64,
}

/// What a sending task reports: the message, and either its outcome or
/// how long until its paused domain takes it.
enum Sent {
    Tried(Due, Result<(), (bool, String)>),
    PutBack(Due, Duration),
}

struct Sender {
    db: Db,
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    site: Site,
    pacer: Arc<Pacer>,
    config: SenderConfig,
}

impl Sender {
    /// Keeps every session busy: leases more while the messages in flight
    /// run low, instead of waiting for a whole lease to finish (its slowest
    /// message held up the rest), and records what finished together, in
    /// one transaction.
    async fn run(self, mut stopped: watch::Receiver<bool>) {
        let sessions = Arc::new(Semaphore::new(self.config.sessions.max(1)));
        let window = self.config.sessions.max(1) * 8;
        let mut sending: JoinSet<Sent> = JoinSet::new();
        while !*stopped.borrow() {
            let mut leased = 0;
            if sending.len() < window / 2 {
                match self.lease(window - sending.len()).await {
                    Ok(due) => {
                        leased = due.len();
                        self.start(due, &sessions, &mut sending).await;
                    }
                    Err(e) => tracing::warn!(error = %e, "could not read the outbox"),
                }
            }
            if sending.is_empty() {
                if leased == 0 {
                    if let Err(e) = super::delivery::settle_idle(&self.db, clock::now()).await {
                        tracing::warn!(error = %e, "could not look for delivered jobs");
                    }
                    tokio::select! {
                        _ = stopped.changed() => {}
                        _ = tokio::time::sleep(self.config.poll) => {}
                    }
                }
                continue;
            }
            let Some(first) = sending.join_next().await else { continue };
            let mut finished = vec![first];
            while let Some(more) = sending.try_join_next() {
                finished.push(more);
            }
            self.record(finished).await;
        }
        // Stopping: what is in flight is finished and recorded.
        let mut finished = Vec::new();
        while let Some(done) = sending.join_next().await {
            finished.push(done);
        }
        self.record(finished).await;
    }

    /// Leases up to `limit` messages that are due. Passing over what another
    /// process is leasing (`Backend::picked`); the lease condition is
    /// repeated outside so that a row leased meanwhile is left alone.
    async fn lease(&self, limit: usize) -> CoreResult<Vec<Due>> {
        let now = clock::now();
        let sql = format!(
            "UPDATE outbox SET lease_until = $1
             WHERE {} AND (lease_until IS NULL OR lease_until < $2)
             RETURNING id, org_id, kind, job_id, credential_id, invitation_id, to_email, to_name, attempts",
            Backend::of(&self.db).picked(
                "id",
                "SELECT id FROM outbox
                 WHERE status = 'queued' AND next_attempt_at <= $2 AND (lease_until IS NULL OR lease_until < $2)
                 ORDER BY next_attempt_at, id LIMIT $3"
            )
        );
        let lease_until = now + self.config.lease.as_secs().max(1) as i64;
        Ok(sqlx::query_as(&sql).bind(lease_until).bind(now).bind(limit as i64).fetch_all(&self.db).await?)
    }

    /// Builds each message (the credentials' facts read with one query)
    /// and starts its sending task.
    async fn start(&self, due: Vec<Due>, sessions: &Arc<Semaphore>, sending: &mut JoinSet<Sent>) {
        let facts = match Facts::read(&self.db, &due).await {
            Ok(facts) => facts,
            Err(e) => {
                tracing::warn!(error = %e, "could not read the credentials of due e-mails");
                Facts::default()
            }
        };
        for m in due {
            let email = build(&self.db, &m, &self.from, &self.site, &facts).await;
            let (transport, pacer, sessions, config) =
                (self.transport.clone(), self.pacer.clone(), sessions.clone(), self.config.clone());
            sending.spawn(async move {
                let domain = pace::domain_of(&m.to_email);
                let _slot = match pacer.admit(&domain).await {
                    Ok(slot) => slot,
                    Err(after) => return Sent::PutBack(m, after),
                };
                let Ok(_session) = sessions.acquire_owned().await else {
                    return Sent::PutBack(m, Duration::ZERO);
                };
                let result = match email {
                    Ok(email) => match transport.send(email).await {
                        Ok(_) => Ok(()),
                        Err(e) => {
                            if e.is_transient() {
                                // A 4xx, "try again later": the whole domain
                                // waits, as its server asked. A connection that
                                // failed is no domain's doing.
                                pacer.pause(&domain, retry_delay(&config, m.attempts + 1));
                            }
                            Err((e.is_permanent(), e.to_string()))
                        }
                    },
                    Err(e) => Err((true, e)),
                };
                Sent::Tried(m, result)
            });
        }
    }

    /// Writes what finished, in one transaction.
    async fn record(&self, finished: Vec<Result<Sent, tokio::task::JoinError>>) {
        if finished.is_empty() {
            return;
        }
        let written = async {
            let mut tx = crate::db::begin(&self.db).await?;
            let mut jobs: Vec<String> = Vec::new();
            for done in finished {
                match done {
                    Ok(Sent::Tried(m, result)) => {
                        record(&mut tx, &m, result, &self.config).await?;
                        jobs.extend(m.job_id.filter(|j| !jobs.contains(j)));
                    }
                    Ok(Sent::PutBack(m, after)) => put_back(&mut tx, &m, after).await?,
                    Err(e) => tracing::error!(error = %e, "an e-mail's sending task failed"),
                }
            }
            let jobs: Vec<&str> = jobs.iter().map(String::as_str).collect();
            super::delivery::settle(&mut tx, &jobs, clock::now()).await?;
            tx.commit().await?;
            CoreResult::Ok(())
        };
        // Not recorded, the messages stay leased and go again when the
        // lease ends: sent twice rather than never.
        if let Err(e) = written.await {
            tracing::warn!(error = %e, "could not record e-mail deliveries");
        }
    }
}

/// The delay before attempt `attempts + 1`: the base, doubled per attempt
/// already made, at most six hours.
fn retry_delay(config: &SenderConfig, attempts: i64) -> Duration {
    let secs = config.retry_base.as_secs().max(1) << (attempts - 1).clamp(0, 16);
    Duration::from_secs(secs.min(6 * 3600))
}

/// Writes one message's outcome.
async fn record(
    tx: &mut crate::db::Conn,
    m: &Due,
    result: Result<(), (bool, String)>,
    config: &SenderConfig,
) -> CoreResult<()> {
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
            .bind(clock::now() + retry_delay(config, attempts).as_secs() as i64)
            .bind(&m.id)
        }
    };
    outcome.execute(&mut *tx).await?;
    Ok(())
}

/// Returns a message untried to the queue, due when its paused domain
/// resumes; it counts no attempt.
async fn put_back(tx: &mut crate::db::Conn, m: &Due, after: Duration) -> CoreResult<()> {
    sqlx::query("UPDATE outbox SET lease_until = NULL, next_attempt_at = $1 WHERE id = $2 AND status = 'queued'")
        // At least a second on: the clock counts seconds, and a message due
        // again at once would go round the lease loop until its domain resumes.
        .bind(clock::now() + (after.as_secs_f64().ceil() as i64).max(1))
        .bind(&m.id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}
