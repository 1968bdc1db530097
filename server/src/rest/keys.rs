//! Batch operations on API keys (`keys:read`, `keys:write`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use issuance::api_keys::{self, ImportItem, Scope};
use serde::Deserialize;
use serde_json::json;

use super::extract::{ApiJson, Caller};
use super::openapi::{
    ErrorResponse, KeysBatchVerifyResponse, KeysImportFailed, KeysImportReport, KeysImportRequest, TOO_LARGE,
};
use super::{ApiError, ApiResult, ApiState};

/// The secrets to check.
#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = KeysBatchVerifyRequest)]
pub struct VerifyBody {
    /// 1 to 100 secrets (`lrl_…` or imported ones).
    #[schema(min_items = 1, max_items = 100)]
    keys: Vec<String>,
}

#[utoipa::path(
    post,
    path = "/v1/keys/batch-verify",
    tag = "keys",
    operation_id = "batchVerifyKeys",
    summary = "Check up to 100 API keys",
    description = "Says of each secret whether it is a valid key of this organisation, with its id, name, scopes \
        and actor. A key of another organisation is reported as not found.",
    request_body(content = VerifyBody, content_type = "application/json"),
    responses(
        (status = 200, description = "One result per key, in order.", body = KeysBatchVerifyResponse),
        (status = 400, description = "`validation_failed`: not `{\"keys\": [...]}`, or not 1 to 100 keys.", body = ErrorResponse),
        (status = 413, description = TOO_LARGE, body = ErrorResponse),
    ),
    security(("api_key" = ["keys:read"])),
)]
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

#[utoipa::path(
    post,
    path = "/v1/keys/batch-import",
    tag = "keys",
    operation_id = "batchImportKeys",
    summary = "Import up to 1000 existing API keys",
    description = "Imports secrets from a system being replaced, so they keep working. Each key succeeds or fails \
        on its own. Imported scopes must be scopes of the importing key (`scope_not_held`); a secret that clashes \
        with any existing key, in this organisation or another, is `key_rejected`.",
    request_body(content = KeysImportRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "At least one key was imported; one result per key, in order.", body = KeysImportReport),
        (status = 400, description = "`validation_failed`: not a list of keys, or not 1 to 1000 of them.", body = ErrorResponse),
        (status = 413, description = TOO_LARGE, body = ErrorResponse),
        (status = 422, description = "`all_failed`: no key could be imported; `details` and `results` say why, per key.", body = KeysImportFailed),
    ),
    security(("api_key" = ["keys:write"])),
)]
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
