//! Batch operations on API keys (`keys:read`, `keys:write`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use issuance::api_keys::{self, ImportItem, Scope};
use serde::Deserialize;
use serde_json::json;

use super::extract::{ApiJson, Caller};
use super::{ApiError, ApiResult, ApiState};

#[derive(Deserialize)]
pub struct VerifyBody {
    keys: Vec<String>,
}

pub async fn batch_verify(
    State(state): State<ApiState>,
    Caller(key): Caller,
    ApiJson(body): ApiJson<VerifyBody>,
) -> ApiResult<Response> {
    key.require(Scope::KeysRead)?;
    let results = api_keys::batch_verify(&state.db, &key.org_id, &body.keys).await?;
    Ok(Json(json!({ "results": results })).into_response())
}

/// `{"keys": [...]}` or the bare array.
#[derive(Deserialize)]
#[serde(untagged)]
pub enum ImportBody {
    Wrapped { keys: Vec<ImportItem> },
    Bare(Vec<ImportItem>),
}

pub async fn batch_import(
    State(state): State<ApiState>,
    Caller(key): Caller,
    ApiJson(body): ApiJson<ImportBody>,
) -> ApiResult<Response> {
    key.require(Scope::KeysWrite)?;
    let items = match body {
        ImportBody::Wrapped { keys } | ImportBody::Bare(keys) => keys,
    };
    let report = api_keys::batch_import(&state.db, &key.org_id, &items, None, &key.scopes).await?;
    if report.success_count == 0 {
        let mut error =
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "all_failed", "No key could be imported; see results.");
        error.details = report
            .results
            .iter()
            .map(|r| super::error::Detail {
                path: format!("keys[{}]", r.index),
                message: r.message.clone().unwrap_or_default(),
            })
            .collect();
        let mut body: serde_json::Value = serde_json::from_str(&error.body()).unwrap_or_default();
        body["results"] = json!(report.results);
        body["success_count"] = json!(0);
        body["failure_count"] = json!(report.failure_count);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response());
    }
    Ok(Json(report).into_response())
}
