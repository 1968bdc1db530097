//! The monthly unique-recipient quota: each distinct recipient e-mail counts
//! once per org per calendar month (UTC), whatever they receive.

use serde::{Deserialize, Serialize};

use crate::clock;
use crate::db::Db;
use crate::error::CoreResult;

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
