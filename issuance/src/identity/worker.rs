//! The worker that runs verifications (and the retention sweep), beside
//! the job engine in every process that runs workers. Everything it knows
//! is in the database: a verification whose worker died is leased again
//! when its lease ends.

use std::time::Duration;

use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use super::storage::Files;
use crate::db::Db;

static WAKE: Notify = Notify::const_new();

/// Tells this process's worker that a verification waits.
pub fn wake() {
    WAKE.notify_one();
}

/// How long a worker holds a verification before another may take it.
const LEASE_SECS: i64 = 60;
/// Verifications checked at once (each decodes images on a core).
const AT_ONCE: i64 = 4;

pub struct WorkerHandle {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl WorkerHandle {
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// How often the sweeps look for images to delete and sessions to expire.
const SWEEP_EVERY: Duration = Duration::from_secs(5);

pub fn spawn(db: Db, files: Files, poll: Duration) -> WorkerHandle {
    let (stop, mut stopped) = watch::channel(false);
    let task = tokio::spawn(async move {
        let mut swept = tokio::time::Instant::now() - SWEEP_EVERY;
        while !*stopped.borrow() {
            let now = crate::clock::now();
            if swept.elapsed() >= SWEEP_EVERY {
                swept = tokio::time::Instant::now();
                if let Err(e) = super::retention::sweep(&db, &files, now).await {
                    tracing::warn!(error = %e, "could not delete expired document images");
                }
                if let Err(e) = super::sessions::expire_stale(&db, now).await {
                    tracing::warn!(error = %e, "could not expire stale sessions");
                }
            }
            match super::verifications::lease(&db, AT_ONCE, now, LEASE_SECS).await {
                Ok(leased) if !leased.is_empty() => {
                    let runs = leased.iter().map(|(id, org)| {
                        let (db, files) = (db.clone(), files.clone());
                        async move {
                            if let Err(e) = super::verifications::run(&db, &files, org, id, crate::clock::now()).await {
                                tracing::warn!(verification = %id, error = %e, "a verification could not run; it is retried");
                            }
                        }
                    });
                    futures::future::join_all(runs).await;
                    continue;
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "could not lease verifications"),
            }
            tokio::select! {
                _ = stopped.changed() => {}
                _ = WAKE.notified() => {}
                _ = tokio::time::sleep(poll) => {}
            }
        }
    });
    WorkerHandle { stop, task }
}
