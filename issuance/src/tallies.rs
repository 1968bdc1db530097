//! The org's running counts (`org_tallies`), kept by triggers in the
//! statement that changes the rows (see the `tallies` migration): what a
//! page shows as a total costs one indexed row, however large the org.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::db::Db;
use crate::error::CoreResult;
use crate::outbox::{Counts, MailStatus};

/// How many credentials the org has issued, and how many of them it revoked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialTotals {
    pub issued: i64,
    pub revoked: i64,
}

const CREDENTIALS: &str = "credentials";
const REVOKED: &str = "credentials.revoked";
const OUTBOX_PREFIX: &str = "outbox.";

async fn read(db: &Db, org_id: &str, prefix: &str) -> CoreResult<Vec<(String, i64)>> {
    // A range on the primary key rather than LIKE, which SQLite only turns
    // into a range under case-sensitive LIKE.
    let end = format!("{prefix}\u{10FFFF}");
    Ok(sqlx::query_as("SELECT tally, n FROM org_tallies WHERE org_id = $1 AND tally >= $2 AND tally < $3")
        .bind(org_id)
        .bind(prefix)
        .bind(end)
        .fetch_all(db)
        .await?)
}

pub async fn credentials(db: &Db, org_id: &str) -> CoreResult<CredentialTotals> {
    let mut totals = CredentialTotals::default();
    for (tally, n) in read(db, org_id, CREDENTIALS).await? {
        match tally.as_str() {
            CREDENTIALS => totals.issued = n,
            REVOKED => totals.revoked = n,
            _ => {}
        }
    }
    Ok(totals)
}

/// The org's e-mails by delivery status.
pub async fn outbox(db: &Db, org_id: &str) -> CoreResult<Counts> {
    let mut counts = Counts::default();
    for (tally, n) in read(db, org_id, OUTBOX_PREFIX).await? {
        let Some(status) = tally.strip_prefix(OUTBOX_PREFIX).and_then(|s| MailStatus::from_str(s).ok()) else {
            continue;
        };
        *counts.of_mut(status) = n;
    }
    Ok(counts)
}
