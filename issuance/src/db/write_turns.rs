//! Writers to one SQLite file take turns in this process before they take
//! a connection from the pool.
//!
//! SQLite has one writer at a time. A writer that asked for the file's
//! lock while another held it used to wait inside `BEGIN IMMEDIATE`,
//! holding a pool connection all the while: twenty API clients issuing
//! during a job held every connection of the pool, and pages that only
//! read waited half a second for one (the load benchmark found it). A
//! writer now waits here, holding nothing, and takes a connection once it
//! is next; readers keep the pool to themselves.
//!
//! Another process writing the same file is still waited for by
//! `busy_timeout`, as before.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use tokio::sync::OwnedMutexGuard;

use super::Db;

/// The turn of one database file, with how long a writer may wait for it.
#[derive(Clone)]
struct Turn {
    lock: Arc<tokio::sync::Mutex<()>>,
    wait: Duration,
}

/// By database URL: each pool of a process on the same file shares one.
static TURNS: LazyLock<Mutex<HashMap<String, Turn>>> = LazyLock::new(Default::default);

/// Registers the file `url` names, with how long a writer waits for its
/// turn (the pool's statement timeout, as `busy_timeout` waits for the lock).
pub(super) fn register(url: &str, wait: Duration) {
    let mut turns = TURNS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    turns.entry(url.to_owned()).or_insert_with(|| Turn { lock: Arc::default(), wait });
}

/// Waits for this database's turn; `None` for a database never registered.
/// Past the wait the answer is that the database is busy, as a lock held
/// too long by another process is.
pub(super) async fn take(db: &Db) -> Result<Option<OwnedMutexGuard<()>>, crate::error::Outage> {
    let turn = {
        let turns = TURNS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        turns.get(db.connect_options().database_url.as_str()).cloned()
    };
    let Some(turn) = turn else { return Ok(None) };
    match tokio::time::timeout(turn.wait, turn.lock.lock_owned()).await {
        Ok(guard) => Ok(Some(guard)),
        Err(_) => Err(crate::error::Outage::DatabaseBusy),
    }
}
