//! Asking for a bigger plan. Plans are changed by the operator
//! (`laurel admin set-plan`); an Owner's request is recorded in the org's
//! audit log (`plan.upgrade_requested`), where the operator and the other
//! Owners see it.

use model::{Action, Plan};

use super::{Membership, organizations};
use crate::audit::{self, Actor, AuditAction, Entry};
use crate::db::Db;
use crate::error::{CoreError, CoreResult};

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
    let summary = format!(
        "An upgrade from {} to {} was requested{}",
        org.plan.label(),
        plan.label(),
        note.map(|n| format!(": {n}")).unwrap_or_default()
    );
    let actor_id = Some(actor.user_id.as_str());
    let entry = Entry::new(Actor::user(actor_id), AuditAction::PlanUpgradeRequested, Some(&actor.org_id), summary)
        .with(serde_json::json!({"from": org.plan, "to": plan, "note": note}));
    audit::record(db, &actor.org_id, entry).await
}

/// The org's latest upgrade request, if any.
pub async fn last_request(db: &Db, org_id: &str) -> CoreResult<Option<audit::Activity>> {
    let filter =
        audit::Filter { action: Some(AuditAction::PlanUpgradeRequested), limit: 1, ..audit::Filter::default() };
    Ok(audit::list(db, org_id, &filter).await?.pop())
}
