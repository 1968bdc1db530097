//! The monthly unique-recipient quota: each distinct recipient e-mail counts
//! once per org per calendar month (UTC), whatever they receive. Every read
//! and write of the ledger (`recipient_usage`, one row per recipient and
//! month, and `recipient_months`, their running count) is here.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::clock;
use crate::db::{Backend, Builder, Db};
use crate::error::{CoreError, CoreResult};

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct QuotaUsage {
    pub month: String,
    pub used: i64,
    pub limit: i64,
}

impl QuotaUsage {
    pub fn remaining(&self) -> i64 {
        (self.limit - self.used).max(0)
    }
}

pub async fn usage(db: &Db, org_id: &str, now: i64) -> CoreResult<QuotaUsage> {
    let month = clock::month_of(now);
    let (used, limit): (i64, i64) = sqlx::query_as(
        "SELECT COALESCE((SELECT used FROM recipient_months WHERE org_id = $1 AND month = $2), 0),
                monthly_quota
         FROM organizations WHERE id = $1",
    )
    .bind(org_id)
    .bind(&month)
    .fetch_one(db)
    .await?;
    Ok(QuotaUsage { month, used, limit })
}

/// Of the e-mails in `emails_json` (a JSON array, one bound parameter
/// however many), those already counted in `month`.
pub async fn counted_among<'c, E>(
    executor: E,
    backend: Backend,
    org_id: &str,
    month: &str,
    emails_json: &str,
) -> CoreResult<HashSet<String>>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let sql = format!(
        "SELECT email FROM recipient_usage WHERE org_id = $1 AND month = $2 AND {}",
        backend.in_json_strings("email", "$3")
    );
    Ok(sqlx::query_scalar(&sql)
        .bind(org_id)
        .bind(month)
        .bind(emails_json)
        .fetch_all(executor)
        .await?
        .into_iter()
        .collect())
}

/// How many recipients `month` has counted, in the caller's transaction.
pub async fn used_in(tx: &mut crate::db::Conn, org_id: &str, month: &str) -> CoreResult<i64> {
    Ok(sqlx::query_scalar("SELECT COALESCE((SELECT used FROM recipient_months WHERE org_id = $1 AND month = $2), 0)")
        .bind(org_id)
        .bind(month)
        .fetch_one(&mut *tx)
        .await?)
}

/// Counts `recipient` once this month; refuses a new recipient past
/// `limit`. For single issue, in its transaction.
pub async fn count_one(
    tx: &mut crate::db::Conn,
    org_id: &str,
    recipient: &str,
    limit: i64,
    now: i64,
) -> CoreResult<()> {
    let month = clock::month_of(now);
    let added = sqlx::query(
        "INSERT INTO recipient_usage (org_id, month, email, first_seen) VALUES ($1, $2, $3, $4)
         ON CONFLICT (org_id, month, email) DO NOTHING",
    )
    .bind(org_id)
    .bind(&month)
    .bind(recipient)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if added.rows_affected() == 0 {
        return Ok(());
    }
    let used: i64 = sqlx::query_scalar(
        "INSERT INTO recipient_months (org_id, month, used) VALUES ($1, $2, 1)
         ON CONFLICT (org_id, month) DO UPDATE SET used = recipient_months.used + 1
         RETURNING used",
    )
    .bind(org_id)
    .bind(&month)
    .fetch_one(&mut *tx)
    .await?;
    if used > limit {
        return Err(CoreError::QuotaExceeded(format!(
            "This would be recipient {used} this month, over the plan's {limit}. Wait for next month or raise the quota."
        )));
    }
    Ok(())
}

/// Counts recipients new to `month`, already checked against the limit by
/// the caller (a bulk batch decides each row), in its transaction.
pub async fn count_new(
    tx: &mut crate::db::Conn,
    org_id: &str,
    month: &str,
    new_recipients: &[&str],
    now: i64,
) -> CoreResult<()> {
    if new_recipients.is_empty() {
        return Ok(());
    }
    let mut q = Builder::on(Backend::of_conn(tx), "INSERT INTO recipient_usage (org_id, month, email, first_seen) ");
    q.push_values(new_recipients, |mut b, email| {
        b.push_bind(org_id).push_bind(month).push_bind(*email).push_bind(now);
    });
    q.push(" ON CONFLICT (org_id, month, email) DO NOTHING");
    q.build().execute(&mut *tx).await?;
    sqlx::query(
        "INSERT INTO recipient_months (org_id, month, used) VALUES ($1, $2, $3)
         ON CONFLICT (org_id, month) DO UPDATE SET used = recipient_months.used + $3",
    )
    .bind(org_id)
    .bind(month)
    .bind(new_recipients.len() as i64)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
