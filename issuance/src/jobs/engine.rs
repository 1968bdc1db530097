//! The workers that run jobs, beside the server. One scheduler loop per
//! process promotes pending jobs and starts a runner per processing job;
//! a runner signs one batch on every core while it writes the one before,
//! so the cores sign while the database writes. Everything a runner knows
//! is in the database, so a restarted process (or another one) picks up
//! where a dead one stopped.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, mpsc, watch};
use tokio::task::JoinHandle;

use super::lease::{self, Batch, Claim, ClaimLimits};
use super::record::{self, Recorded};
use super::sign::{self, Signed};
use super::{foreground, issue_items, revoke};
use crate::db::Db;
use crate::keys::MasterKey;
use crate::orgs::Plan;
use model::{JobKind, JobSource};

/// Credentials per second per org, by plan; `None` is uncapped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanCaps {
    pub free: Option<u32>,
    pub professional: Option<u32>,
    pub enterprise: Option<u32>,
}

impl Default for PlanCaps {
    fn default() -> Self {
        // Professional as the published limit of comparable services.
        Self { free: Some(10), professional: Some(100), enterprise: None }
    }
}

impl PlanCaps {
    pub fn of(&self, plan: Plan) -> Option<u32> {
        match plan {
            Plan::Free => self.free,
            Plan::Professional => self.professional,
            Plan::Enterprise => self.enterprise,
        }
    }
}

#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// Rows leased, signed and written together (uncapped orgs).
    pub batch_size: usize,
    /// How long a worker may hold rows before another may take them over.
    pub lease: Duration,
    /// How often the scheduler looks for work.
    pub poll: Duration,
    pub caps: PlanCaps,
    pub signing_threads: usize,
    /// Whether this process has an SMTP server to e-mail recipients with:
    /// then a job stays `delivering` until its e-mails are out.
    pub delivers_email: bool,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            batch_size: 1000,
            lease: Duration::from_secs(10),
            poll: Duration::from_millis(20),
            caps: PlanCaps::default(),
            signing_threads: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
            delivers_email: false,
        }
    }
}

/// Rung when a job is created or cancelled in this process, so its
/// scheduler looks at once instead of at its next poll. Jobs created by
/// another process are found by the poll.
static WAKE: Notify = Notify::const_new();

/// Tells this process's scheduler that jobs changed.
pub fn wake() {
    WAKE.notify_one();
}

#[derive(Clone)]
struct Shared {
    db: Db,
    master: Arc<MasterKey>,
    public_url: Arc<str>,
    config: Arc<EngineConfig>,
    /// Unique per process, so leases name their holder.
    worker_id: Arc<str>,
}

/// A running engine; dropping it leaves the workers running, [`stop`]
/// ends them (their leases expire and the rows go to the next worker).
///
/// [`stop`]: EngineHandle::stop
pub struct EngineHandle {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl EngineHandle {
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

pub fn spawn(db: Db, master: MasterKey, public_url: &str, config: EngineConfig) -> EngineHandle {
    let shared = Shared {
        db,
        master: Arc::new(master),
        public_url: Arc::from(public_url),
        config: Arc::new(config),
        worker_id: Arc::from(crate::ids::new_id("wrk")),
    };
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(schedule(shared, stopped));
    EngineHandle { stop, task }
}

async fn schedule(shared: Shared, mut stopped: watch::Receiver<bool>) {
    if !shared.config.delivers_email {
        // Jobs left delivering by a run that had SMTP configured.
        match crate::outbox::delivery::complete_without_email(&shared.db, crate::clock::now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(jobs = n, "completed delivering jobs: no SMTP server is configured"),
            Err(e) => tracing::warn!(error = %e, "could not complete delivering jobs"),
        }
    }
    let mut runners: HashMap<String, JoinHandle<()>> = HashMap::new();
    loop {
        runners.retain(|_, r| !r.is_finished());
        match lease::promote(&shared.db, crate::clock::now()).await {
            Ok(jobs) => {
                for (job_id, org_id) in jobs {
                    if let std::collections::hash_map::Entry::Vacant(slot) = runners.entry(job_id) {
                        let runner = tokio::spawn(run(shared.clone(), slot.key().clone(), org_id));
                        slot.insert(runner);
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "job scheduler could not read jobs"),
        }
        tokio::select! {
            _ = stopped.changed() => break,
            _ = WAKE.notified() => {}
            _ = tokio::time::sleep(shared.config.poll) => {}
        }
    }
    for (_, runner) in runners {
        runner.abort();
    }
}

type Signing = (Box<Batch>, Vec<Result<Signed, (i64, String)>>);

/// Runs one job until no row is left for this worker.
async fn run(shared: Shared, job_id: String, org_id: String) {
    let (source, kind) = match sqlx::query_as::<_, (JobSource, JobKind)>("SELECT source, kind FROM jobs WHERE id = $1")
        .bind(&job_id)
        .fetch_one(&shared.db)
        .await
    {
        Ok(kind) => kind,
        Err(e) => {
            tracing::warn!(job = %job_id, error = %e, "could not read the job's source");
            return;
        }
    };
    // The plan caps issuing; revoking should be quick.
    let per_sec = match lease::plan_of(&shared.db, &org_id).await {
        Ok(_) if kind == JobKind::Revoke => None,
        Ok(plan) => shared.config.caps.of(plan),
        Err(e) => {
            tracing::warn!(job = %job_id, error = %e, "could not read the job's plan");
            return;
        }
    };
    let max_items = match per_sec {
        // A fifth of a second of work per batch keeps progress smooth.
        Some(cap) => (cap as usize / 5).clamp(1, shared.config.batch_size),
        None => shared.config.batch_size,
    };
    let limits =
        ClaimLimits { max_items, lease: shared.config.lease, per_sec, delivers_email: shared.config.delivers_email };
    let token = format!("{}/{}", shared.worker_id, crate::ids::new_id("run"));
    tracing::info!(job = %job_id, ?per_sec, "job runner started");
    match (kind, source) {
        (JobKind::Revoke, _) => return run_requests(&shared, &job_id, &token, &limits, Step::Revoke).await,
        (JobKind::Issue, JobSource::ApiBatch) => {
            return run_requests(&shared, &job_id, &token, &limits, Step::Issue).await;
        }
        (JobKind::Issue, _) => {}
    }

    // Two tasks: this one leases and writes, a signer signs between them.
    // Leasing and writing share one task because SQLite has one writer: a
    // separate leaser would wait on the lock while the writer, always with
    // a batch ready, took it again and again. Two batches are in flight, so
    // the cores sign one while the other is written.
    const IN_FLIGHT: usize = 2;
    let (leased_tx, mut leased_rx) = mpsc::channel::<Box<Batch>>(IN_FLIGHT);
    let (signed_tx, mut signed_rx) = mpsc::channel::<Signing>(IN_FLIGHT);
    let signer = {
        let shared = shared.clone();
        let job_id = job_id.clone();
        tokio::spawn(async move {
            while let Some(batch) = leased_rx.recv().await {
                let url = shared.public_url.clone();
                let threads = shared.config.signing_threads;
                let started = std::time::Instant::now();
                let signing = tokio::task::spawn_blocking(move || {
                    let signed = sign::sign_batch(&batch, &url, threads);
                    (batch, signed)
                });
                match signing.await {
                    Ok(done) => {
                        tracing::debug!(job = %job_id, rows = done.0.items.len(), ms = started.elapsed().as_millis() as u64, "batch signed");
                        if signed_tx.send(done).await.is_err() {
                            break;
                        }
                    }
                    // The rows stay leased and are taken again when the lease runs out.
                    Err(e) => tracing::error!(job = %job_id, error = %e, "signing a batch panicked"),
                }
            }
        })
    };

    let mut in_flight = 0;
    loop {
        // Keep the signer fed.
        let mut wait = None;
        while in_flight < IN_FLIGHT {
            let serving = foreground::make_way().await;
            let limits = if serving {
                &ClaimLimits { max_items: limits.max_items.min(foreground::BATCH_WHILE_SERVING), ..limits }
            } else {
                &limits
            };
            let now_ms = (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64;
            let started = std::time::Instant::now();
            match lease::claim(&shared.db, &shared.master, &job_id, &token, limits, now_ms).await {
                Ok(Claim::Batch(batch)) => {
                    tracing::debug!(job = %job_id, rows = batch.items.len(), ms = started.elapsed().as_millis() as u64, "batch leased");
                    if leased_tx.send(batch).await.is_err() {
                        break;
                    }
                    in_flight += 1;
                }
                Ok(Claim::Throttled(d)) => {
                    wait = Some(d.min(shared.config.poll * 5));
                    break;
                }
                Ok(Claim::Busy) => {
                    wait = Some(shared.config.poll);
                    break;
                }
                Ok(Claim::Done) if in_flight == 0 => {
                    drop(leased_tx);
                    let _ = signer.await;
                    tracing::info!(job = %job_id, "job runner stopped");
                    return;
                }
                Ok(Claim::Done) => break,
                Err(e) => {
                    tracing::warn!(job = %job_id, error = %e, "could not lease rows; retrying");
                    wait = Some(Duration::from_secs(1));
                    break;
                }
            }
        }
        if in_flight == 0 {
            tokio::time::sleep(wait.unwrap_or(shared.config.poll)).await;
            continue;
        }
        // Write the next signed batch; then lease again.
        let Some((batch, signed)) = signed_rx.recv().await else { break };
        in_flight -= 1;
        let started = std::time::Instant::now();
        write_with_retry(&shared, &job_id, &batch, &signed).await;
        let took = started.elapsed();
        tracing::debug!(job = %job_id, rows = batch.items.len(), ms = took.as_millis() as u64, "batch written");
        if let Some(d) = wait.filter(|_| in_flight == 0) {
            tokio::time::sleep(d).await;
        } else if foreground::in_use() {
            // Half the time at most while people are served: the write
            // just done, then as long again for them.
            tokio::time::sleep(took).await;
        }
    }
    drop(leased_tx);
    let _ = signer.await;
    tracing::info!(job = %job_id, "job runner stopped");
}

/// What [`run_requests`] does with each leased batch.
#[derive(Clone, Copy)]
enum Step {
    /// Issue a JSON batch's items, each as the single-issue path would.
    Issue,
    /// Revoke a revocation job's credentials.
    Revoke,
}

/// Runs a JSON batch job or a revocation job: lease, then do each batch in one
/// transaction (a JSON batch signs there too: its items differ in type, so
/// nothing is shared to prepare, and each is signed as the single-issue
/// path signs it).
async fn run_requests(shared: &Shared, job_id: &str, token: &str, limits: &ClaimLimits, step: Step) {
    loop {
        let now_ms = (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64;
        let wait = match lease::claim(&shared.db, &shared.master, job_id, token, limits, now_ms).await {
            Ok(Claim::Batch(batch)) => {
                for attempt in 1..=5u32 {
                    let now = crate::clock::now();
                    let done = match step {
                        Step::Issue => {
                            issue_items::issue_items(&shared.db, &shared.master, &batch, &shared.public_url, now).await
                        }
                        Step::Revoke => revoke::revoke_batch(&shared.db, &batch).await,
                    };
                    match done {
                        Ok(recorded) => {
                            if recorded.finished_job {
                                tracing::info!(job = %job_id, "job finished");
                            }
                            break;
                        }
                        Err(e) => {
                            tracing::warn!(job = %job_id, attempt, error = %e, "could not issue a batch's items");
                            tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
                        }
                    }
                }
                continue;
            }
            Ok(Claim::Throttled(d)) => d.min(shared.config.poll * 5),
            Ok(Claim::Busy) => shared.config.poll,
            Ok(Claim::Done) => break,
            Err(e) => {
                tracing::warn!(job = %job_id, error = %e, "could not lease items; retrying");
                Duration::from_secs(1)
            }
        };
        tokio::time::sleep(wait).await;
    }
    tracing::info!(job = %job_id, "job runner stopped");
}

/// Writes a batch, retrying a few times on a database error. If it still
/// fails the rows stay leased; when the lease runs out they are taken
/// again, with the same credential ids and slots.
async fn write_with_retry(shared: &Shared, job_id: &str, batch: &Batch, signed: &[Result<Signed, (i64, String)>]) {
    for attempt in 1..=5u32 {
        match record::record(&shared.db, batch, signed, &shared.public_url).await {
            Ok(Recorded { lease_lost: true, .. }) => {
                tracing::info!(job = %job_id, "batch dropped: the job was cancelled or its rows were taken over");
                return;
            }
            Ok(recorded) => {
                if recorded.finished_job {
                    tracing::info!(job = %job_id, "job finished");
                }
                return;
            }
            Err(e) => {
                tracing::warn!(job = %job_id, attempt, error = %e, "could not record a batch");
                tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
            }
        }
    }
}
