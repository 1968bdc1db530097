//! `laurel admin generate-demo`: one large, realistic org, to see and
//! measure how Laurel behaves at scale (the list benchmark runs on it).
//!
//! Everything goes through the same core as real work: CSV uploads become
//! jobs (of up to 10,000 rows) whose credentials are signed and recorded by the
//! job engine's own steps (`claim`, `sign_batch`, `record`), with their
//! job rows, e-mails, quota ledger and audit events. Then some are
//! revoked through `revoke`. Only two shortcuts: the jobs run here, in
//! this process, rather than in a server's workers; and the e-mails are
//! marked delivered in one statement, as a server with SMTP would have.

use std::time::{Duration, Instant};

use issuance::badges::{self, NewBadge};
use issuance::credentials::store;
use issuance::db::Db;
use issuance::jobs::lease::{self, Claim, ClaimLimits};
use issuance::jobs::{record, sign, submit};
use issuance::keys::MasterKey;
use issuance::orgs::{Plan, Role, organizations};

/// Jobs are a tenth of the org, up to 10,000 rows (a large cohort), so
/// that even a small org has an expired job.
const MAX_ROWS_PER_JOB: usize = 10_000;
/// One credential in this many is revoked.
const REVOKE_ONE_IN: usize = 50;
/// One job in this many is dated 400 days back under a one-year badge, so
/// its credentials have expired.
const EXPIRED_JOB_ONE_IN: usize = 10;

const FIRST: [&str; 24] = [
    "Ada", "Ben", "Chloé", "Dmitri", "Elif", "Farah", "Gustavo", "Hana", "Ibrahim", "Jia", "Kofi", "Lena", "Mateo",
    "Nadia", "Oren", "Priya", "Quentin", "Rosa", "Sven", "Tamar", "Uma", "Viktor", "Wen", "Yusuf",
];
const LAST: [&str; 20] = [
    "Okafor",
    "Lindqvist",
    "García",
    "Nakamura",
    "Schmidt",
    "Haddad",
    "Kowalski",
    "O'Brien",
    "Rossi",
    "Novak",
    "Fernandes",
    "Chen",
    "Dubois",
    "Yilmaz",
    "Mensah",
    "Petrov",
    "Jansen",
    "Moreau",
    "Singh",
    "Álvarez",
];
const BADGES: [(&str, Option<i64>); 6] = [
    ("Forklift Safety", Some(365)),
    ("First Aid at Work", Some(365)),
    ("Data Protection Essentials", None),
    ("Advanced Excel", None),
    ("Project Leadership", None),
    ("Fire Warden", Some(365)),
];

pub struct Generated {
    pub org_id: String,
    pub credentials: i64,
    pub revoked: i64,
    pub jobs: usize,
    pub elapsed: Duration,
}

/// Creates an Enterprise org named `name` holding `credentials`
/// credentials, with the demo owner as its Owner. Prints progress to
/// standard error.
pub async fn generate(
    db: &Db,
    master: &MasterKey,
    public_url: &str,
    name: &str,
    credentials: usize,
) -> anyhow::Result<Generated> {
    let started = Instant::now();
    let org = organizations::create(db, name, Plan::Enterprise).await?;
    organizations::approve(db, master, &org.id).await?;
    organizations::set_quota(db, &org.id, credentials as i64 + Plan::Enterprise.default_monthly_quota()).await?;
    let (owner, _) = super::create_user(
        db,
        &org.id,
        super::DEMO_OWNER_EMAIL,
        Some("Olivia Owner"),
        super::DEMO_OWNER_PASSWORD,
        Role::Owner,
    )
    .await?;
    let mut badge_ids = Vec::new();
    for (badge, validity_days) in BADGES {
        let new = NewBadge {
            name: badge.into(),
            description: format!("Awarded for completing {badge}."),
            criteria_narrative: "Attended the course and passed its assessment.".into(),
            image_url: None,
            validity_days,
        };
        badge_ids.push(badges::create(db, &org.id, new, Some(&owner)).await?.id);
    }

    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let limits = ClaimLimits { max_items: 1000, lease: Duration::from_secs(600), per_sec: None, delivers_email: false };
    let rows_per_job = (credentials / EXPIRED_JOB_ONE_IN).clamp(1, MAX_ROWS_PER_JOB);
    let mut done = 0;
    let mut jobs = 0;
    while done < credentials {
        let rows = rows_per_job.min(credentials - done);
        let expired = jobs % EXPIRED_JOB_ONE_IN == EXPIRED_JOB_ONE_IN - 1;
        // The expired jobs use the first badge, which lasts a year.
        let badge = if expired { &badge_ids[0] } else { &badge_ids[jobs % badge_ids.len()] };
        let csv = recipients(done, rows);
        let filename = format!("cohort-{:04}.csv", jobs + 1);
        let upload =
            issuance::bulk::uploads::create(db, &org.id, Some(badge), Some(&filename), csv.as_bytes(), &owner).await?;
        let now = issuance::clock::now();
        let job = submit::submit(db, &org.id, &upload, &owner, Default::default(), now).await?.job_id;
        let issued_ms = if expired { (now - 400 * 86_400) * 1000 } else { issuance::clock::now_ms() };
        run_here(db, master, public_url, &job, &limits, issued_ms, threads).await?;
        done += rows;
        jobs += 1;
        let rate = done as f64 / started.elapsed().as_secs_f64();
        eprintln!("{done}/{credentials} credentials, {jobs} jobs ({rate:.0}/s)");
    }

    let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM credentials WHERE org_id = $1 ORDER BY id")
        .bind(&org.id)
        .fetch_all(db)
        .await?;
    let mut revoked = 0;
    for id in ids.iter().step_by(REVOKE_ONE_IN) {
        store::revoke(db, &org.id, id, Some("Left the company"), Some(&owner)).await?;
        revoked += 1;
    }
    eprintln!("{revoked} revoked");
    sqlx::query(
        "UPDATE outbox SET status = 'sent', attempts = 1, sent_at = created_at
         WHERE org_id = $1 AND status = 'queued'",
    )
    .bind(&org.id)
    .execute(db)
    .await?;
    Ok(Generated { org_id: org.id, credentials: ids.len() as i64, revoked, jobs, elapsed: started.elapsed() })
}

/// Runs a submitted job to its end in this process, through the engine's
/// own steps, as if its rows were signed at `issued_ms`.
pub(super) async fn run_here(
    db: &Db,
    master: &MasterKey,
    public_url: &str,
    job: &str,
    limits: &ClaimLimits,
    issued_ms: i64,
    threads: usize,
) -> anyhow::Result<()> {
    lease::promote(db, issuance::clock::now()).await?;
    loop {
        match lease::claim(db, master, job, "admin", limits, issued_ms).await? {
            Claim::Batch(batch) => {
                let signed = sign::sign_batch(&batch, public_url, threads);
                record::record(db, &batch, &signed, public_url).await?;
            }
            Claim::Done => return Ok(()),
            Claim::Busy | Claim::Throttled(_) => anyhow::bail!("job {job} is held elsewhere"),
        }
    }
}

/// `rows` recipients with names and e-mails, numbered from `from` so that
/// every recipient of the org is distinct.
fn recipients(from: usize, rows: usize) -> String {
    let mut csv = String::with_capacity(rows * 48);
    csv.push_str("name,email\n");
    for i in from..from + rows {
        let first = FIRST[i % FIRST.len()];
        let last = LAST[(i / FIRST.len()) % LAST.len()];
        let local = format!("{}.{}", ascii(first), ascii(last));
        csv.push_str(&format!("\"{first} {last}\",{local}.{i}@example.org\n"));
    }
    csv
}

/// An e-mail-safe form of a name: letters only, accents dropped.
fn ascii(name: &str) -> String {
    name.chars()
        .filter_map(|c| match c {
            'á' | 'Á' => Some('a'),
            'é' | 'É' => Some('e'),
            c if c.is_ascii_alphabetic() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}
