//! The dry run of a bulk upload: read the file, load what this badge's
//! recipients already hold and who already counts against this month's
//! quota (two queries for the whole file), classify every row. Writes
//! nothing; the dashboard page and `POST /v1/bulk-issue/validate` share it.

use std::collections::HashMap;

use model::CredentialStatus;
use serde::{Deserialize, Serialize};

use super::classify::{self, DuplicatePolicy, Held, History, ReviewRow, Totals};
use super::csv_file::{self, FileError};
use crate::badges;
use crate::db::{Backend, Db};
use crate::error::{CoreError, CoreResult};
use crate::orgs::{Plan, organizations};
use crate::quota;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaPlan {
    pub month: String,
    pub limit: i64,
    pub used: i64,
    pub remaining: i64,
    /// New recipients this upload would add to the month.
    pub uses: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub badge_id: String,
    pub badge_name: String,
    pub badge_expires: bool,
    pub plan: Plan,
    /// Free orgs may validate but not submit.
    pub plan_allows_submit: bool,
    /// What is done for recipients who hold an active credential of the
    /// badge already (`totals.holders()` of them).
    pub duplicate_policy: DuplicatePolicy,
    pub totals: Totals,
    pub quota: QuotaPlan,
    pub warnings: Vec<String>,
    pub rows: Vec<ReviewRow>,
}

impl Review {
    pub fn can_submit(&self) -> bool {
        self.plan_allows_submit && self.totals.issuable > 0
    }

    /// Why Submit is not possible, in words for the operator.
    pub fn submit_blocker(&self) -> Option<String> {
        if !self.plan_allows_submit {
            Some(format!(
                "The {} plan can validate files but not issue from them. Upgrade to Professional or Enterprise to submit.",
                self.plan.label()
            ))
        } else if self.totals.issuable == 0 {
            Some("No row can be issued. Fix the invalid rows, or upload recipients who need a credential.".into())
        } else {
            None
        }
    }
}

/// Classifies `bytes` for `badge_id` as of `now`, under `policy` for those
/// who hold the badge already. The outer error is a problem with the
/// request (unknown badge); the inner one with the file.
pub async fn review(
    db: &Db,
    org_id: &str,
    badge_id: &str,
    bytes: &[u8],
    filename: Option<&str>,
    policy: DuplicatePolicy,
    now: i64,
) -> CoreResult<Result<Review, FileError>> {
    let badge = badges::get(db, org_id, badge_id).await.map_err(|e| match e {
        CoreError::NotFound => CoreError::field("badge_id", format!("no badge '{badge_id}' in this organisation")),
        other => other,
    })?;
    if badge.archived_at.is_some() {
        return Err(CoreError::Unprocessable(format!("Badge '{}' is archived; pick an active badge.", badge.name)));
    }
    let aliases = super::column_aliases::load(db, org_id).await?;
    let parsed = match csv_file::read(filename, bytes, &aliases) {
        Ok(p) => p,
        Err(e) => return Ok(Err(e)),
    };
    let org = organizations::get(db, org_id).await?;
    let usage = quota::usage(db, org_id, now).await?;

    // Every address that could match, lower-cased, as one JSON array: a
    // single bound parameter however long the file.
    let emails: Vec<String> =
        parsed.rows.iter().map(|r| r.email.trim().to_lowercase()).filter(|e| !e.is_empty()).collect();
    let emails_json = serde_json::to_string(&emails).map_err(anyhow::Error::from)?;
    let backend = Backend::of(db);
    let held = load_held(db, backend, org_id, badge_id, &emails_json).await?;
    let counted = quota::counted_among(db, backend, org_id, &usage.month, &emails_json).await?;

    let history =
        History { held: &held, counted_this_month: &counted, quota_remaining: usage.remaining(), now, policy };
    let (rows, totals, uses) = classify::classify(&parsed.rows, &history);
    Ok(Ok(Review {
        badge_id: badge.id,
        badge_name: badge.name,
        badge_expires: badge.validity_days.is_some(),
        plan: org.plan,
        plan_allows_submit: org.plan.allows_bulk_issue(),
        duplicate_policy: policy,
        quota: QuotaPlan {
            remaining: usage.remaining(),
            month: usage.month,
            limit: usage.limit,
            used: usage.used,
            uses,
        },
        totals,
        warnings: parsed.warnings,
        rows,
    }))
}

/// The badge's credentials for the given addresses, by address.
pub(crate) async fn load_held<'c, E>(
    db: E,
    backend: Backend,
    org_id: &str,
    badge_id: &str,
    emails_json: &str,
) -> CoreResult<HashMap<String, Vec<Held>>>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    #[derive(sqlx::FromRow)]
    struct HeldRow {
        recipient_email: String,
        id: String,
        status: CredentialStatus,
        expires_at: Option<i64>,
        issued_at: i64,
    }
    let sql = format!(
        "SELECT recipient_email, id, status, expires_at, issued_at FROM credentials
         WHERE org_id = $1 AND badge_id = $2 AND {}",
        backend.in_json_strings("recipient_email", "$3")
    );
    let rows: Vec<HeldRow> = sqlx::query_as(&sql).bind(org_id).bind(badge_id).bind(emails_json).fetch_all(db).await?;
    let mut held: HashMap<String, Vec<Held>> = HashMap::new();
    for r in rows {
        held.entry(r.recipient_email).or_default().push(Held {
            credential_id: r.id,
            revoked: r.status == CredentialStatus::Revoked,
            expires_at: r.expires_at,
            issued_at: r.issued_at,
        });
    }
    Ok(held)
}
