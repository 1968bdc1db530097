//! `/v1/audit/streams`: webhooks ("audit streams") an organisation
//! subscribes to. The secret (`whsec_…`) is in the creation answer only;
//! deliveries are signed with it per the Standard Webhooks specification.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use issuance::api_keys::Scope;
use issuance::clock;
use issuance::webhooks::{Delivery, NewStream, Stream, streams};
use serde_json::{Value, json};

use super::extract::{ApiJson, Caller};
use super::openapi::{
    AuditStreamCreated, AuditStreamDetail, AuditStreamList, ErrorResponse, NewStreamRequest, TOO_LARGE,
};
use super::{ApiError, ApiResult, ApiState};

fn stream_json(s: &Stream) -> Value {
    json!({
        "id": s.id,
        "url": s.url,
        "actions": s.actions,
        "status": s.status,
        "disabled_reason": s.disabled_reason,
        "failing_since": s.failing_since.map(clock::rfc3339),
        "created_at": clock::rfc3339(s.created_at),
    })
}

fn delivery_json(d: &Delivery) -> Value {
    json!({
        "id": d.id,
        "type": d.event_type,
        "status": d.status,
        "attempts": d.attempts,
        "last_status_code": d.last_status_code,
        "last_error": d.last_error,
        "last_attempt_at": d.last_attempt_at.map(|ms| clock::rfc3339(ms / 1000)),
        "created_at": clock::rfc3339(d.created_at),
    })
}

/// `POST /v1/audit/streams` with `{"url", "actions": [...]}`: 201 with the
/// stream and its `secret`, shown this once.
#[utoipa::path(
    post,
    path = "/v1/audit/streams",
    tag = "audit",
    operation_id = "createAuditStream",
    summary = "Subscribe a URL to audit events",
    description = "Creates an audit stream (a webhook): the events named in `actions` are POSTed to `url`, signed \
        per the Standard Webhooks specification with the stream's `secret`, which this answer shows once.",
    request_body(content = NewStreamRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "The stream, with its signing secret.", body = AuditStreamCreated),
        (status = 400, description = "`validation_failed`: `url` is missing or not an allowed URL, or `actions` is missing or names an unknown event.", body = ErrorResponse),
        (status = 413, description = TOO_LARGE, body = ErrorResponse),
    ),
    security(("api_key" = ["webhooks:write"])),
)]
pub async fn create(
    State(state): State<ApiState>,
    Caller(key): Caller,
    ApiJson(body): ApiJson<Value>,
) -> ApiResult<Response> {
    key.require(Scope::WebhooksWrite)?;
    let url = body.get("url").and_then(Value::as_str).ok_or_else(|| ApiError::validation("url", "is required"))?;
    let actions: Vec<String> = match body.get("actions") {
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| ApiError::validation(format!("actions[{i}]"), "must be a string"))
            })
            .collect::<ApiResult<_>>()?,
        _ => return Err(ApiError::validation("actions", "is required: a list of actions, or [\"*\"] for all")),
    };
    let new = NewStream { url, actions: &actions, user_id: None, api_key_id: Some(&key.id) };
    let (stream, secret) =
        streams::create(&state.db, &state.master_key, &key.org_id, new, state.webhooks_allow_private).await?;
    tracing::info!(stream = %stream.id, org_id = %key.org_id, api_key = %key.id, "audit stream created");
    let mut v = stream_json(&stream);
    v["secret"] = secret.into();
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

#[utoipa::path(
    get,
    path = "/v1/audit/streams",
    tag = "audit",
    operation_id = "listAuditStreams",
    summary = "List audit streams",
    responses((status = 200, description = "The organisation's streams.", body = AuditStreamList)),
    security(("api_key" = ["webhooks:read"])),
)]
pub async fn list(State(state): State<ApiState>, Caller(key): Caller) -> ApiResult<Json<Value>> {
    key.require(Scope::WebhooksRead)?;
    let all = streams::list(&state.db, &key.org_id).await?;
    Ok(Json(json!({"data": all.iter().map(stream_json).collect::<Vec<_>>()})))
}

/// One stream with its latest deliveries.
#[utoipa::path(
    get,
    path = "/v1/audit/streams/{id}",
    tag = "audit",
    operation_id = "getAuditStream",
    summary = "Read an audit stream",
    description = "The stream and its latest 50 deliveries, newest first.",
    params(("id" = String, Path, description = "The stream's id.")),
    responses(
        (status = 200, description = "The stream.", body = AuditStreamDetail),
        (status = 404, description = "`not_found`: no such stream in this organisation.", body = ErrorResponse),
    ),
    security(("api_key" = ["webhooks:read"])),
)]
pub async fn get(State(state): State<ApiState>, Caller(key): Caller, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    key.require(Scope::WebhooksRead)?;
    let stream = streams::get(&state.db, &key.org_id, &id).await?;
    let deliveries = streams::deliveries(&state.db, &key.org_id, &id, 50).await?;
    let mut v = stream_json(&stream);
    v["recent_deliveries"] = deliveries.iter().map(delivery_json).collect::<Vec<_>>().into();
    Ok(Json(v))
}

#[utoipa::path(
    delete,
    path = "/v1/audit/streams/{id}",
    tag = "audit",
    operation_id = "deleteAuditStream",
    summary = "Delete an audit stream",
    params(("id" = String, Path, description = "The stream's id.")),
    responses(
        (status = 204, description = "Deleted; nothing more is sent to it."),
        (status = 404, description = "`not_found`: no such stream in this organisation.", body = ErrorResponse),
    ),
    security(("api_key" = ["webhooks:write"])),
)]
pub async fn delete(
    State(state): State<ApiState>,
    Caller(key): Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    key.require(Scope::WebhooksWrite)?;
    streams::delete(&state.db, &key.org_id, &id, None).await?;
    tracing::info!(stream = %id, api_key = %key.id, "audit stream deleted");
    Ok(StatusCode::NO_CONTENT)
}
