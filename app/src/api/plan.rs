//! The plan page: the three plans side by side, and an Owner's request
//! for a bigger one.

use leptos::prelude::*;

use super::types::PlanPageView;
use crate::error::AppError;

#[server(endpoint = "get_plan_page")]
pub async fn get_plan_page(org_id: String) -> Result<PlanPageView, AppError> {
    use super::types::PlanRequest;
    use crate::ssr;
    use issuance::orgs::{Action, Role, members, organizations, upgrade};

    let (_, membership) = ssr::authorize(&org_id, Action::ViewOrg).await?;
    let state = ssr::state()?;
    let org = organizations::get(&state.db, &org_id).await?;
    let usage = issuance::quota::usage(&state.db, &org_id, state.clock.now()).await?;
    let owners = members::list(&state.db, &org_id)
        .await?
        .into_iter()
        .filter(|m| m.role == Role::Owner)
        .map(|m| format!("{} <{}>", m.display_name, m.email))
        .collect();
    let last = upgrade::last_request(&state.db, &org_id).await?;
    Ok(PlanPageView {
        plan: org.plan,
        quota_limit: usage.limit,
        quota_used: usage.used,
        quota_month: usage.month,
        can_request: membership.role.allows(Action::ManageSettings),
        owners,
        last_request: last.map(|a| PlanRequest { summary: a.summary, by: a.actor_email, at: a.created_at }),
    })
}

/// Records an Owner's request to move to `plan` (audit event
/// `plan.upgrade_requested`), for the operator who changes plans.
#[server(endpoint = "request_upgrade")]
pub async fn request_upgrade(org_id: String, plan: String, note: Option<String>) -> Result<(), AppError> {
    use crate::ssr;
    use issuance::orgs::{Action, upgrade};

    let (_, membership) = ssr::authorize(&org_id, Action::ManageSettings).await?;
    let plan = plan.parse().map_err(|m: String| AppError::Invalid(vec![("plan".into(), m)]))?;
    upgrade::request(&ssr::state()?.db, &membership, plan, note.as_deref()).await?;
    ssr::done(&format!("/organizations/{org_id}/plan"), model::Notice::UpgradeRequested);
    Ok(())
}
