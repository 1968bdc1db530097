//! Asking for a bigger plan. Plans are changed by the operator
//! (`laurel admin set-plan`); an Owner's request is recorded in the org's
//! activity, where the operator and the other Owners see it.

use model::{Action, Plan};

use super::{Membership, organizations};
use crate::activity;
use crate::db::Db;
use crate::error::{CoreError, CoreResult};

/// The activity kind of an upgrade request.
pub const REQUESTED: &str = "plan.upgrade_requested";

/// Records `actor`'s request to move the org to `plan`, with an optional
/// note (who to talk to, how many recipients). Only Owners may ask, and
/// only for a plan above the current one.
pub async fn request(db: &Db, actor: &Membership, plan: Plan, note: Option<&str>) -> CoreResult<()> {
    if !actor.role.allows(Action::ManageSettings) {
        return Err(CoreError::Forbidden("Only an Owner can ask to change the plan.".into()));
    }
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > 1000) {
        return Err(CoreError::field("note", "must be at most 1000 characters"));
    }
    let org = organizations::get(db, &actor.org_id).await?;
    if plan <= org.plan {
        return Err(CoreError::field(
            "plan",
            format!("must be above the current plan ({}); to move down, contact support", org.plan.label()),
        ));
    }
    activity::record(
        db,
        &actor.org_id,
        Some(&actor.user_id),
        REQUESTED,
        &format!(
            "An upgrade from {} to {} was requested{}",
            org.plan.label(),
            plan.label(),
            note.map(|n| format!(": {n}")).unwrap_or_default()
        ),
    )
    .await
}

/// The org's latest upgrade request, if any.
pub async fn last_request(db: &Db, org_id: &str) -> CoreResult<Option<activity::Activity>> {
    Ok(sqlx::query_as(
        "SELECT a.kind, a.summary, u.email AS actor_email, a.created_at
         FROM activity a LEFT JOIN users u ON u.id = a.actor_id
         WHERE a.org_id = $1 AND a.kind = $2 ORDER BY a.created_at DESC, a.id DESC LIMIT 1",
    )
    .bind(org_id)
    .bind(REQUESTED)
    .fetch_optional(db)
    .await?)
}
