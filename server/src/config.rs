//! Settings, from the environment with defaults that run everything
//! embedded under `./data`.

use std::net::SocketAddr;
use std::path::PathBuf;

use issuance::clock::Clock;
use issuance::db::DbSettings;
use issuance::jobs::engine::PlanCaps;
use issuance::keys::MasterKey;

/// Not `Debug`: it holds the master key and the SMTP URL, whose password
/// must never reach a log. See the hand-written `Debug` below.
#[derive(Clone)]
pub struct Config {
    /// `LAUREL_DATABASE_URL`, default `sqlite://data/laurel.db`; or
    /// `postgres://user:password@host/database` to run on PostgreSQL.
    pub database_url: String,
    /// `LAUREL_DB_POOL_SIZE` (connections, default 8) and
    /// `LAUREL_DB_STATEMENT_TIMEOUT_MS` (default 30000).
    pub db: DbSettings,
    /// `LAUREL_ADDR`, default `127.0.0.1:3000`.
    pub addr: SocketAddr,
    /// `LAUREL_PUBLIC_URL`: the base URL people and verifiers reach us at;
    /// default `http://{addr}`. An `https` URL makes session cookies Secure.
    pub public_url: String,
    /// `LAUREL_DATA_DIR`, default `./data`: the master key file lives here
    /// unless `LAUREL_MASTER_KEY` is set.
    pub data_dir: PathBuf,
    /// `LAUREL_MASTER_KEY`: base64 of 32 bytes; wins over the key file.
    pub master_key: Option<String>,
    /// `LEPTOS_SITE_ROOT`, default `target/site`: the built CSS, JS and wasm.
    pub site_root: String,
    /// `LAUREL_RATE_FREE`, `LAUREL_RATE_PROFESSIONAL`, `LAUREL_RATE_ENTERPRISE`:
    /// bulk-job credentials per second per org (`unlimited` or `0` for no
    /// cap); defaults 10, 100 and unlimited.
    pub rates: PlanCaps,
    /// `LAUREL_JOB_BATCH_ROWS`: rows a worker leases, signs (or revokes)
    /// and writes in one transaction; default 1000. Smaller batches show
    /// progress in finer steps and hold the database's lock for less.
    pub job_batch_rows: usize,
    /// `LAUREL_WORKERS`: `off` serves pages and the API without running
    /// jobs or sending mail (another process does); default on.
    pub workers: bool,
    /// `LAUREL_SMTP_URL`, e.g. `smtp://127.0.0.1:2525` or
    /// `smtp://user:pass@mail.example.com:587?tls=required`. Unset: e-mail
    /// stays in the outbox.
    pub smtp_url: Option<String>,
    /// `LAUREL_MAIL_FROM`, default `Laurel <no-reply@laurel.invalid>`.
    pub mail_from: String,
    /// `LAUREL_SMTP_RETRY_SECS`: first retry delay, doubling; default 30.
    pub smtp_retry_secs: u64,
    /// `LAUREL_SMTP_SESSIONS` (SMTP sessions at once, default 16),
    /// `LAUREL_SMTP_DOMAIN_SESSIONS` (of those, at most this many to one
    /// recipient domain, default 16: no limit of its own) and `LAUREL_SMTP_DOMAIN_RATE`
    /// (messages a second to one domain, default unlimited).
    pub smtp_sessions: usize,
    /// `LAUREL_SMTP_LEASE_SECS`: how long a process holds the e-mails it
    /// took before another may send them; default 120.
    pub smtp_lease_secs: u64,
    pub smtp_domain: issuance::outbox::pace::DomainPace,
    /// `LAUREL_INBOUND_EMAIL_TOKEN`: turns on `POST /inbound/email/dsn`,
    /// where the relay posts bounces, with this bearer token. Unset: off.
    pub inbound_email_token: Option<String>,
    /// `LAUREL_WEBHOOKS_ALLOW_PRIVATE=true`: audit streams may use plain
    /// http and private or loopback addresses (tests, on-premise); default
    /// off: https to public addresses only.
    pub webhooks_allow_private: bool,
    /// `LAUREL_WEBHOOK_RETRY_MS`: the first retry's delay, four times
    /// longer each time after; default 5000.
    pub webhook_retry_ms: u64,
    /// `LAUREL_WEBHOOK_TIMEOUT_MS`: how long a receiver may take to answer
    /// before the attempt counts as failed; default 10000.
    pub webhook_timeout_ms: u64,
    /// The system clock; tests move an adjustable one instead of sleeping.
    pub clock: Clock,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |set: bool| if set { "<set, not shown>" } else { "<unset>" };
        f.debug_struct("Config")
            .field("database_url", &redact_userinfo(&self.database_url))
            .field("db", &self.db)
            .field("addr", &self.addr)
            .field("public_url", &self.public_url)
            .field("data_dir", &self.data_dir)
            .field("master_key", &hidden(self.master_key.is_some()))
            .field("site_root", &self.site_root)
            .field("rates", &self.rates)
            .field("workers", &self.workers)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_userinfo))
            .field("mail_from", &self.mail_from)
            .field("smtp_retry_secs", &self.smtp_retry_secs)
            .field("smtp_sessions", &self.smtp_sessions)
            .field("smtp_lease_secs", &self.smtp_lease_secs)
            .field("smtp_domain", &self.smtp_domain)
            .field("inbound_email_token", &hidden(self.inbound_email_token.is_some()))
            .field("webhooks_allow_private", &self.webhooks_allow_private)
            .field("webhook_retry_ms", &self.webhook_retry_ms)
            .field("webhook_timeout_ms", &self.webhook_timeout_ms)
            .finish()
    }
}

/// `smtp://user:secret@host:587` -> `smtp://<credentials>@host:587`.
fn redact_userinfo(url: &str) -> String {
    match (url.split_once("://"), url.rfind('@')) {
        (Some((scheme, rest)), Some(at)) if at > scheme.len() + 3 && !rest[..at - scheme.len() - 3].contains('/') => {
            format!("{scheme}://<credentials>{}", &url[at..])
        }
        _ => url.to_owned(),
    }
}

impl Config {
    pub fn from_env() -> anyhow::Result<Self> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let addr: SocketAddr = var("LAUREL_ADDR")
            .unwrap_or_else(|| "127.0.0.1:3000".into())
            .parse()
            .map_err(|e| anyhow::anyhow!("LAUREL_ADDR: {e} (expected host:port, e.g. 127.0.0.1:3000)"))?;
        let defaults = PlanCaps::default();
        Ok(Config {
            database_url: var("LAUREL_DATABASE_URL").unwrap_or_else(|| "sqlite://data/laurel.db".into()),
            db: db_settings(
                var("LAUREL_DB_POOL_SIZE"),
                var("LAUREL_DB_STATEMENT_TIMEOUT_MS"),
                var("LAUREL_DB_SLOW_MS"),
            )?,
            public_url: var("LAUREL_PUBLIC_URL")
                .unwrap_or_else(|| format!("http://{addr}"))
                .trim_end_matches('/')
                .to_owned(),
            addr,
            data_dir: var("LAUREL_DATA_DIR").unwrap_or_else(|| "data".into()).into(),
            master_key: var("LAUREL_MASTER_KEY"),
            site_root: var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            rates: PlanCaps {
                free: rate(var("LAUREL_RATE_FREE"), "LAUREL_RATE_FREE", defaults.free)?,
                professional: rate(var("LAUREL_RATE_PROFESSIONAL"), "LAUREL_RATE_PROFESSIONAL", defaults.professional)?,
                enterprise: rate(var("LAUREL_RATE_ENTERPRISE"), "LAUREL_RATE_ENTERPRISE", defaults.enterprise)?,
            },
            job_batch_rows: count(var("LAUREL_JOB_BATCH_ROWS"), "LAUREL_JOB_BATCH_ROWS", 1000)?,
            workers: !matches!(var("LAUREL_WORKERS").as_deref(), Some("off" | "0" | "false")),
            smtp_url: var("LAUREL_SMTP_URL"),
            mail_from: var("LAUREL_MAIL_FROM").unwrap_or_else(|| "Laurel <no-reply@laurel.invalid>".into()),
            smtp_retry_secs: match var("LAUREL_SMTP_RETRY_SECS") {
                None => 30,
                Some(v) => v.parse().map_err(|e| anyhow::anyhow!("LAUREL_SMTP_RETRY_SECS {v:?}: {e}"))?,
            },
            smtp_sessions: count(var("LAUREL_SMTP_SESSIONS"), "LAUREL_SMTP_SESSIONS", 16)?,
            smtp_lease_secs: count(var("LAUREL_SMTP_LEASE_SECS"), "LAUREL_SMTP_LEASE_SECS", 120)? as u64,
            smtp_domain: issuance::outbox::pace::DomainPace {
                sessions: count(var("LAUREL_SMTP_DOMAIN_SESSIONS"), "LAUREL_SMTP_DOMAIN_SESSIONS", 16)?,
                per_sec: match var("LAUREL_SMTP_DOMAIN_RATE").as_deref().map(str::trim) {
                    None | Some("unlimited" | "0") => None,
                    Some(v) => Some(v.parse().map_err(|e| {
                        anyhow::anyhow!("LAUREL_SMTP_DOMAIN_RATE {v:?}: {e} (messages a second, or 'unlimited')")
                    })?),
                },
            },
            inbound_email_token: var("LAUREL_INBOUND_EMAIL_TOKEN"),
            webhooks_allow_private: matches!(
                var("LAUREL_WEBHOOKS_ALLOW_PRIVATE").as_deref(),
                Some("true" | "1" | "on")
            ),
            webhook_retry_ms: match var("LAUREL_WEBHOOK_RETRY_MS") {
                None => 5_000,
                Some(v) => v.parse().map_err(|e| anyhow::anyhow!("LAUREL_WEBHOOK_RETRY_MS {v:?}: {e}"))?,
            },
            webhook_timeout_ms: match var("LAUREL_WEBHOOK_TIMEOUT_MS") {
                None => 10_000,
                Some(v) => v.parse().map_err(|e| anyhow::anyhow!("LAUREL_WEBHOOK_TIMEOUT_MS {v:?}: {e}"))?,
            },
            clock: Clock::system(),
        })
    }

    pub fn master_key(&self) -> anyhow::Result<MasterKey> {
        Ok(match &self.master_key {
            Some(encoded) => MasterKey::from_base64(encoded).map_err(|e| anyhow::anyhow!("LAUREL_MASTER_KEY: {e}"))?,
            None => MasterKey::load_or_create(&self.data_dir.join("master.key"))?,
        })
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// A per-second cap: a positive number, or `unlimited` / `0` for none.
fn rate(value: Option<String>, name: &str, default: Option<u32>) -> anyhow::Result<Option<u32>> {
    match value.as_deref().map(str::trim) {
        None => Ok(default),
        Some("unlimited" | "0") => Ok(None),
        Some(v) => v
            .parse::<u32>()
            .map(Some)
            .map_err(|e| anyhow::anyhow!("{name} {v:?}: {e} (a number of credentials per second, or 'unlimited')")),
    }
}

/// A count of sessions: a positive number, or unset for `default`.
fn count(value: Option<String>, name: &str, default: usize) -> anyhow::Result<usize> {
    match value {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| anyhow::anyhow!("{name} {v:?}: expected a number, 1 or more")),
    }
}

/// `LAUREL_DB_POOL_SIZE`, `LAUREL_DB_STATEMENT_TIMEOUT_MS` and
/// `LAUREL_DB_SLOW_MS`: positive numbers, or unset for the defaults.
fn db_settings(
    pool_size: Option<String>,
    timeout_ms: Option<String>,
    slow_ms: Option<String>,
) -> anyhow::Result<DbSettings> {
    let positive = |v: &str| v.trim().parse::<u64>().ok().filter(|n| *n > 0);
    let defaults = DbSettings::default();
    Ok(DbSettings {
        pool_size: match pool_size {
            None => defaults.pool_size,
            Some(v) => positive(&v).and_then(|n| u32::try_from(n).ok()).ok_or_else(|| {
                anyhow::anyhow!("LAUREL_DB_POOL_SIZE {v:?}: expected a number of connections, 1 or more")
            })?,
        },
        statement_timeout: match timeout_ms {
            None => defaults.statement_timeout,
            Some(v) => std::time::Duration::from_millis(positive(&v).ok_or_else(|| {
                anyhow::anyhow!("LAUREL_DB_STATEMENT_TIMEOUT_MS {v:?}: expected milliseconds, 1 or more")
            })?),
        },
        slow_statement: match slow_ms {
            None => defaults.slow_statement,
            Some(v) => std::time::Duration::from_millis(
                positive(&v)
                    .ok_or_else(|| anyhow::anyhow!("LAUREL_DB_SLOW_MS {v:?}: expected milliseconds, 1 or more"))?,
            ),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_shows_no_secret() {
        let mut config = Config::from_env().unwrap();
        config.master_key = Some("c2VjcmV0LW1hc3Rlci1rZXk=".into());
        config.smtp_url = Some("smtp://mailer:hunter2-secret@mail.example.com:587?tls=required".into());
        let shown = format!("{config:?}");
        assert!(!shown.contains("c2VjcmV0LW1hc3Rlci1rZXk="), "{shown}");
        assert!(!shown.contains("hunter2-secret"), "{shown}");
        assert!(shown.contains("mail.example.com:587"), "{shown}");
        config.database_url = "postgres://laurel:pg-s3cret@db.internal/laurel".into();
        let shown = format!("{config:?}");
        assert!(!shown.contains("pg-s3cret") && shown.contains("db.internal/laurel"), "{shown}");
    }

    #[test]
    fn database_pool_timeout_and_slow_threshold_are_positive_numbers_or_the_defaults() {
        assert_eq!(db_settings(None, None, None).unwrap(), DbSettings::default());
        let set = db_settings(Some("32".into()), Some("2500".into()), Some("40".into())).unwrap();
        assert_eq!((set.pool_size, set.statement_timeout.as_millis(), set.slow_statement.as_millis()), (32, 2500, 40));
        for (pool, timeout, slow, named) in [
            (Some("0"), None, None, "LAUREL_DB_POOL_SIZE"),
            (Some("many"), None, None, "LAUREL_DB_POOL_SIZE"),
            (None, Some("-5"), None, "LAUREL_DB_STATEMENT_TIMEOUT_MS"),
            (None, None, Some("soon"), "LAUREL_DB_SLOW_MS"),
        ] {
            let e = db_settings(pool.map(Into::into), timeout.map(Into::into), slow.map(Into::into))
                .unwrap_err()
                .to_string();
            assert!(e.starts_with(named), "{e}");
        }
    }
}
