//! `GET /v1/audit/events`: the org's audit log, newest first, filtered by
//! `action`, `target` and `since` (RFC 3339), paged with `after` (the
//! previous page's `next_cursor`).

use axum::Json;
use axum::extract::State;
use issuance::api_keys::Scope;
use issuance::audit::{self, Activity, AuditAction, Filter};
use issuance::clock;
use serde::Deserialize;
use serde_json::{Value, json};

use super::extract::{ApiQuery, Caller};
use super::openapi::{AuditActionName, AuditEventList, ErrorResponse};
use super::{ApiError, ApiResult, ApiState};

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// Only events of this action.
    #[param(value_type = Option<AuditActionName>, inline)]
    action: Option<String>,
    /// Only events about this target (e.g. a credential or job id).
    target: Option<String>,
    /// Only events at or after this time (RFC 3339, e.g. `2026-11-01T00:00:00Z`).
    #[param(format = DateTime)]
    since: Option<String>,
    /// The previous page's `next_cursor`.
    after: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
}

pub fn event_json(a: &Activity) -> Value {
    let actor = match (&a.actor_email, &a.api_key_id) {
        (Some(email), _) => json!({"type": "user", "email": email}),
        (None, Some(key)) => json!({"type": "api_key", "id": key, "name": a.api_key_name}),
        (None, None) => json!({"type": "system"}),
    };
    json!({
        "id": a.id,
        "action": a.kind,
        "actor": actor,
        "target": a.target,
        "data": a.data_json.as_deref().and_then(|d| serde_json::from_str::<Value>(d).ok()),
        "summary": a.summary,
        "occurred_at": clock::rfc3339(a.created_at),
    })
}

#[utoipa::path(
    get,
    path = "/v1/audit/events",
    tag = "audit",
    operation_id = "listAuditEvents",
    summary = "Read the audit log",
    description = "The organisation's audit events, newest first, filtered by `action`, `target` and `since`, \
        paged with `after`.",
    params(EventsQuery),
    responses(
        (status = 200, description = "A page of events.", body = AuditEventList),
        (status = 400, description = "`validation_failed`: `action` is not an audit action, `since` is not RFC 3339, or `limit` is not 1 to 200.", body = ErrorResponse),
    ),
    security(("api_key" = ["audit:read"])),
)]
pub async fn list(
    State(state): State<ApiState>,
    Caller(key): Caller,
    ApiQuery(q): ApiQuery<EventsQuery>,
) -> ApiResult<Json<Value>> {
    key.require(Scope::AuditRead)?;
    let given = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let action =
        given(q.action).map(|a| a.parse::<AuditAction>().map_err(|m| ApiError::validation("action", m))).transpose()?;
    let since = given(q.since)
        .map(|s| {
            clock::parse_rfc3339(&s).map_err(|_| {
                ApiError::validation(
                    "since",
                    format!("expected an RFC 3339 time such as 2026-11-01T00:00:00Z, got '{s}'"),
                )
            })
        })
        .transpose()?;
    let limit = super::bulk::page_limit(q.limit)?;
    let filter = Filter { action, target: given(q.target), since, before: given(q.after), limit: limit + 1 };
    let mut page = audit::list(&state.db, &key.org_id, &filter).await?;
    let has_more = page.len() as i64 > limit;
    page.truncate(limit as usize);
    Ok(Json(json!({
        "data": page.iter().map(event_json).collect::<Vec<_>>(),
        "has_more": has_more,
        "next_cursor": if has_more { page.last().map(|a| a.id.clone()) } else { None },
    })))
}
