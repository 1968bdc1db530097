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
const ISSUED_PREFIX: &str = "issued.";

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

/// Credentials issued on each of the `days` UTC days up to `now`'s, oldest
/// first, days without any included: `(YYYY-MM-DD, count)`.
pub async fn issued_per_day(db: &Db, org_id: &str, days: i64, now: i64) -> CoreResult<Vec<(String, i64)>> {
    let day = |at: i64| crate::clock::rfc3339(at).get(..10).unwrap_or_default().to_owned();
    let dates: Vec<String> = (0..days).rev().map(|back| day(now - back * 86_400)).collect();
    let (Some(first), Some(last)) = (dates.first(), dates.last()) else { return Ok(Vec::new()) };
    let counts: std::collections::HashMap<String, i64> = sqlx::query_as::<_, (String, i64)>(
        "SELECT tally, n FROM org_tallies WHERE org_id = $1 AND tally >= $2 AND tally <= $3",
    )
    .bind(org_id)
    .bind(format!("{ISSUED_PREFIX}{first}"))
    .bind(format!("{ISSUED_PREFIX}{last}"))
    .fetch_all(db)
    .await?
    .into_iter()
    .filter_map(|(t, n)| t.strip_prefix(ISSUED_PREFIX).map(|d| (d.to_owned(), n)))
    .collect();
    Ok(dates
        .into_iter()
        .map(|d| {
            let n = counts.get(&d).copied().unwrap_or(0);
            (d, n)
        })
        .collect())
}
