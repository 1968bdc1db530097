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

pub async fn list(State(state): State<ApiState>, Caller(key): Caller) -> ApiResult<Json<Value>> {
    key.require(Scope::WebhooksRead)?;
    let all = streams::list(&state.db, &key.org_id).await?;
    Ok(Json(json!({"data": all.iter().map(stream_json).collect::<Vec<_>>()})))
}

/// One stream with its latest deliveries.
pub async fn get(State(state): State<ApiState>, Caller(key): Caller, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    key.require(Scope::WebhooksRead)?;
    let stream = streams::get(&state.db, &key.org_id, &id).await?;
    let deliveries = streams::deliveries(&state.db, &key.org_id, &id, 50).await?;
    let mut v = stream_json(&stream);
    v["recent_deliveries"] = deliveries.iter().map(delivery_json).collect::<Vec<_>>().into();
    Ok(Json(v))
}

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
