//! The Activity page: the org's audit log, with the filters of
//! `GET /v1/audit/events`.

use leptos::prelude::*;

use super::types::ActivityPageView;
use crate::error::AppError;

pub const ACTIVITY_PAGE_SIZE: i64 = 50;

#[server(endpoint = "get_activity_page")]
pub async fn get_activity_page(
    org_id: String,
    action: Option<String>,
    target: Option<String>,
    since: Option<String>,
    before: Option<String>,
) -> Result<ActivityPageView, AppError> {
    use super::types::AuditEventView;
    use crate::ssr;
    use issuance::audit::{self, AuditAction, Filter};
    use issuance::orgs::Action;

    ssr::authorize(&org_id, Action::ViewAudit).await?;
    let given = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let action = given(action)
        .map(|a| a.parse::<AuditAction>().map_err(|m| AppError::Invalid(vec![("action".into(), m)])))
        .transpose()?;
    let since = given(since);
    let since_unix = since
        .as_deref()
        .map(|d| {
            issuance::clock::parse_rfc3339(&format!("{d}T00:00:00Z")).map_err(|_| {
                AppError::Invalid(vec![("since".into(), format!("must be a date like 2026-11-01, got '{d}'"))])
            })
        })
        .transpose()?;
    let target = given(target);
    let filter = Filter {
        action,
        target: target.clone(),
        since: since_unix,
        before: given(before),
        limit: ACTIVITY_PAGE_SIZE + 1,
    };
    let mut events = audit::list(&ssr::state()?.db, &org_id, &filter).await?;
    let more = events.len() as i64 > ACTIVITY_PAGE_SIZE;
    events.truncate(ACTIVITY_PAGE_SIZE as usize);
    Ok(ActivityPageView {
        next_cursor: if more { events.last().map(|e| e.id.clone()) } else { None },
        events: events
            .into_iter()
            .map(|e| AuditEventView {
                id: e.id,
                action: e.kind,
                actor: e
                    .actor_email
                    .or(e.api_key_name.map(|k| format!("API key “{k}”")))
                    .unwrap_or_else(|| "Laurel".into()),
                target: e.target,
                summary: e.summary,
                data: e.data_json,
                at: e.created_at,
            })
            .collect(),
        action,
        target,
        since,
    })
}
