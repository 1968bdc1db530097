//! The dry run of a bulk upload: read the file, find each row's badge,
//! load what the recipients already hold of those badges and who already
//! counts against this month's quota (two queries for the whole file),
//! classify every row. Writes nothing; the dashboard page and
//! `POST /v1/bulk-issue/validate` share it.

use std::collections::HashMap;

use model::CredentialStatus;
use serde::{Deserialize, Serialize};

use super::classify::{self, DuplicatePolicy, Held, History, ReviewRow, Totals};
use super::csv_file::{self, FileError, FileProblem};
use super::row_badge;
use crate::badges;
use crate::db::{Backend, Db};
use crate::error::CoreResult;
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

/// One badge's rows of a file that names several.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadgeGroup {
    pub badge_id: String,
    pub badge_name: String,
    pub badge_expires: bool,
    pub totals: Totals,
    /// New recipients these rows add to the month (a person given two
    /// badges counts with the first).
    pub quota_uses: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    /// The job's badge: the one badge the file's rows name (or take from
    /// the upload), else the upload's own when no row names a usable one;
    /// `None` for a file of several badges (each row says, see
    /// [`Review::badges`]).
    pub badge_id: Option<String>,
    /// The badge's name, or how many badges the file names.
    pub badge_name: String,
    pub badge_expires: bool,
    /// Whether the file has a `badge` column.
    pub badge_column: bool,
    /// Per badge, in the order the file first names them.
    pub badges: Vec<BadgeGroup>,
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

/// Classifies `bytes` as of `now`, each row for its badge (its `badge`
/// cell, else `badge_id`), under `policy` for those who hold the badge
/// already. The outer error is a problem with the request (an unknown or
/// archived badge); the inner one with the file (including a file that
/// names no badge when none was chosen).
pub async fn review(
    db: &Db,
    org_id: &str,
    badge_id: Option<&str>,
    bytes: &[u8],
    filename: Option<&str>,
    policy: DuplicatePolicy,
    now: i64,
) -> CoreResult<Result<Review, FileError>> {
    let default = match badge_id {
        None => None,
        Some(badge_id) => Some(badges::issuable(db, org_id, badge_id).await?),
    };
    let aliases = super::column_aliases::load(db, org_id).await?;
    let parsed = match csv_file::read(filename, bytes, &aliases) {
        Ok(p) => p,
        Err(e) => return Ok(Err(e)),
    };
    if default.is_none() && !parsed.badge_column {
        return Ok(Err(FileError::new(
            FileProblem::NoBadge,
            "The file has no 'badge' column, so choose the badge to issue, or add a 'badge' column that names \
             each row's badge by its id or exact name.",
        )));
    }
    let known = if parsed.badge_column { badges::list(db, org_id).await? } else { Vec::new() };
    let row_badges = row_badge::resolve(&parsed.rows, &known, default.as_ref());
    let org = organizations::get(db, org_id).await?;
    let usage = quota::usage(db, org_id, now).await?;

    // Every address and badge that could match, as JSON arrays: a single
    // bound parameter each however long the file.
    let emails: Vec<String> =
        parsed.rows.iter().map(|r| r.email.trim().to_lowercase()).filter(|e| !e.is_empty()).collect();
    let mut badge_ids: Vec<&str> = row_badges.iter().filter_map(|b| b.as_deref().ok()).collect();
    badge_ids.sort_unstable();
    badge_ids.dedup();
    let emails_json = serde_json::to_string(&emails).map_err(anyhow::Error::from)?;
    let backend = Backend::of(db);
    let held = load_held(db, backend, org_id, &badge_ids, &emails_json).await?;
    let counted = quota::counted_among(db, backend, org_id, &usage.month, &emails_json).await?;

    let history =
        History { held: &held, counted_this_month: &counted, quota_remaining: usage.remaining(), now, policy };
    let classified = classify::classify(&parsed.rows, &row_badges, &history);
    let groups: Vec<BadgeGroup> = classified
        .badges
        .into_iter()
        .map(|tally| {
            let badge = known.iter().chain(default.as_ref()).find(|b| b.id == tally.badge_id);
            BadgeGroup {
                badge_name: badge.map(|b| b.name.clone()).unwrap_or_default(),
                badge_expires: badge.is_some_and(|b| b.validity_days.is_some()),
                badge_id: tally.badge_id,
                totals: tally.totals,
                quota_uses: tally.uses,
            }
        })
        .collect();
    let (badge_id, badge_name, badge_expires) = match (&groups[..], &default) {
        ([one], _) => (Some(one.badge_id.clone()), one.badge_name.clone(), one.badge_expires),
        ([], Some(d)) => (Some(d.id.clone()), d.name.clone(), d.validity_days.is_some()),
        ([], None) => (None, "No badge".to_owned(), false),
        (several, _) => (None, format!("{} badges", several.len()), several.iter().any(|g| g.badge_expires)),
    };
    Ok(Ok(Review {
        badge_id,
        badge_name,
        badge_expires,
        badge_column: parsed.badge_column,
        badges: groups,
        plan: org.plan,
        plan_allows_submit: org.plan.allows_bulk_issue(),
        duplicate_policy: policy,
        quota: QuotaPlan {
            remaining: usage.remaining(),
            month: usage.month,
            limit: usage.limit,
            used: usage.used,
            uses: classified.uses,
        },
        totals: classified.totals,
        warnings: parsed.warnings,
        rows: classified.rows,
    }))
}

/// The credentials of the given badges held by the addresses of
/// `emails_json` (a JSON array, one bound parameter however many), by
/// badge and address.
pub(crate) async fn load_held<'c, E>(
    db: E,
    backend: Backend,
    org_id: &str,
    badge_ids: &[&str],
    emails_json: &str,
) -> CoreResult<HashMap<(String, String), Vec<Held>>>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    #[derive(sqlx::FromRow)]
    struct HeldRow {
        badge_id: String,
        recipient_email: String,
        id: String,
        status: CredentialStatus,
        expires_at: Option<i64>,
        issued_at: i64,
    }
    let mut held: HashMap<(String, String), Vec<Held>> = HashMap::new();
    if badge_ids.is_empty() {
        return Ok(held);
    }
    let badges_json = serde_json::to_string(badge_ids).map_err(anyhow::Error::from)?;
    let sql = format!(
        "SELECT badge_id, recipient_email, id, status, expires_at, issued_at FROM credentials
         WHERE org_id = $1 AND {} AND {}",
        backend.in_json_strings("recipient_email", "$3"),
        backend.in_json_strings("badge_id", "$2"),
    );
    let rows: Vec<HeldRow> =
        sqlx::query_as(&sql).bind(org_id).bind(&badges_json).bind(emails_json).fetch_all(db).await?;
    for r in rows {
        held.entry((r.badge_id, r.recipient_email)).or_default().push(Held {
            credential_id: r.id,
            revoked: r.status == CredentialStatus::Revoked,
            expires_at: r.expires_at,
            issued_at: r.issued_at,
        });
    }
    Ok(held)
}
