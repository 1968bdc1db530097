//! What the server benchmarks share: the server's settings for a run.

use std::path::Path;

use laurel::config::Config;

const MASTER_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
pub const PUBLIC_URL: &str = "http://laurel.bench";

/// A loopback server on `dir/laurel.db`, no throughput cap, no SMTP;
/// `workers` says whether it runs jobs.
pub fn config(dir: &Path, workers: bool) -> Config {
    Config {
        database_url: format!("sqlite://{}", dir.join("laurel.db").display()),
        db: issuance::db::DbSettings::default(),
        addr: "127.0.0.1:0".parse().unwrap(),
        public_url: PUBLIC_URL.into(),
        data_dir: dir.to_owned(),
        master_key: Some(MASTER_KEY.into()),
        site_root: dir.join("site").display().to_string(),
        rates: issuance::jobs::engine::PlanCaps { free: None, professional: None, enterprise: None },
        job_batch_rows: 1000,
        workers,
        smtp_url: None,
        mail_from: "Bench <no-reply@laurel.bench>".into(),
        smtp_retry_secs: 30,
        smtp_sessions: 16,
        smtp_lease_secs: 120,
        smtp_domain: issuance::outbox::pace::DomainPace::default(),
        inbound_email_token: None,
        webhooks_allow_private: false,
        webhook_retry_ms: 5_000,
        webhook_timeout_ms: 10_000,
        clock: issuance::clock::Clock::system(),
    }
}
