//! The org frame and overview.

use leptos::prelude::*;

use super::types::{OrgContext, OrgOverview};
use crate::error::AppError;

#[server(endpoint = "get_org_context")]
pub async fn get_org_context(org_id: String) -> Result<OrgContext, AppError> {
    use super::types::{CurrentOrg, Me, OrgLink};
    use crate::ssr;
    use issuance::orgs::{Action, organizations};

    let user = ssr::require_user().await?;
    let current = match ssr::authorize(&org_id, Action::ViewOrg).await {
        Ok((_, membership)) => {
            let org = organizations::get(&ssr::state()?.db, &org_id).await?;
            Some(CurrentOrg { org_id: org.id, org_name: org.name, role: membership.role })
        }
        Err(AppError::NotFound) => None,
        Err(other) => return Err(other),
    };
    let db = ssr::state()?.db;
    let orgs = organizations::list_for_user(&db, &user.id).await?;
    let invitations_for_me = issuance::orgs::invitations::for_user(&db, &user).await?.len();
    Ok(OrgContext {
        invitations_for_me,
        current,
        me: Me { user_id: user.id, email: user.email, display_name: user.display_name },
        orgs: orgs.into_iter().map(|o| OrgLink { id: o.id, name: o.name, role: o.role }).collect(),
    })
}

#[server(endpoint = "get_org_overview")]
pub async fn get_org_overview(org_id: String) -> Result<OrgOverview, AppError> {
    use super::types::ActivityItem;
    use crate::ssr;
    use issuance::orgs::{Action, organizations};
    use issuance::{audit, clock, quota};

    ssr::authorize(&org_id, Action::ViewOrg).await?;
    let db = ssr::state()?.db;
    let org = organizations::get(&db, &org_id).await?;
    let usage = quota::usage(&db, &org_id, clock::now()).await?;
    let recent = audit::recent(&db, &org_id, 10).await?;
    let issued_per_day = issuance::tallies::issued_per_day(&db, &org_id, 90, clock::now()).await?;
    Ok(OrgOverview {
        name: org.name,
        plan: org.plan,
        approved: org.approved,
        quota_month: usage.month,
        quota_used: usage.used,
        quota_limit: usage.limit,
        bulk_issue_allowed: org.plan.allows_bulk_issue(),
        issued_per_day,
        activity: recent
            .into_iter()
            .map(|a| ActivityItem {
                summary: a.summary,
                actor: a.actor_email.or(a.api_key_name.map(|k| format!("API key “{k}”"))),
                at: a.created_at,
            })
            .collect(),
    })
}
