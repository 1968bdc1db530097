//! API keys through the API (`keys:read`, `keys:write`): create, list and
//! revoke the org's keys (a key grants only scopes it holds), and the
//! batch operations.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use issuance::api_keys::{self, ImportItem, Scope};
use serde::Deserialize;
use serde_json::json;

use super::extract::{ApiJson, Caller};
use super::openapi::{
    ApiKeyList, ErrorResponse, IssuedApiKey, KeysBatchVerifyResponse, KeysImportFailed, KeysImportReport,
    KeysImportRequest, NewApiKeyRequest, TOO_LARGE,
};
use super::{ApiError, ApiResult, ApiState};

/// A key as the API shows it (never its secret), times in RFC 3339.
fn key_json(k: &api_keys::ApiKey) -> serde_json::Value {
    use issuance::clock::rfc3339;
    json!({
        "id": k.id,
        "name": k.name,
        "hint": k.hint,
        "scopes": k.scopes,
        "actor_id": k.actor_id,
        "imported": k.imported,
        "created_at": rfc3339(k.created_at),
        "last_used_at": k.last_used_at.map(rfc3339),
        "revoked_at": k.revoked_at.map(rfc3339),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewKeyBody {
    name: String,
    scopes: Vec<String>,
    actor_id: Option<String>,
}

#[utoipa::path(
    post,
    path = "/v1/keys",
    tag = "keys",
    operation_id = "createKey",
    summary = "Create an API key",
    description = "A new key of this organisation. Its `secret` is in this answer only and is never stored. \
        The scopes must be scopes of the key asking (`read` and `write` stand for `credentials:read` and \
        `credentials:write`).",
    request_body(content = NewApiKeyRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "The key, with its secret.", body = IssuedApiKey),
        (status = 400, description = "`validation_failed`: no name, an unknown scope, or a scope the asking key does not hold.", body = ErrorResponse),
    ),
    security(("api_key" = ["keys:write"])),
)]
pub async fn create(
    State(state): State<ApiState>,
    Caller(key): Caller,
    ApiJson(body): ApiJson<NewKeyBody>,
) -> ApiResult<Response> {
    key.require(Scope::KeysWrite)?;
    let scopes = model::scope::parse_scopes(&body.scopes.join(",")).map_err(|m| ApiError::validation("scopes", m))?;
    let issued = api_keys::delegate::create(&state.db, &key, &body.name, &scopes, body.actor_id.as_deref()).await?;
    let mut answer = key_json(&issued.key);
    answer["secret"] = json!(issued.secret);
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

#[utoipa::path(
    get,
    path = "/v1/keys",
    tag = "keys",
    operation_id = "listKeys",
    summary = "List API keys",
    description = "The organisation's keys, active ones first, newest first; never their secrets.",
    responses((status = 200, description = "The keys.", body = ApiKeyList)),
    security(("api_key" = ["keys:read"])),
)]
pub async fn list(State(state): State<ApiState>, Caller(key): Caller) -> ApiResult<Json<serde_json::Value>> {
    key.require(Scope::KeysRead)?;
    let keys = api_keys::list(&state.db, &key.org_id).await?;
    Ok(Json(json!({"data": keys.iter().map(key_json).collect::<Vec<_>>()})))
}

#[utoipa::path(
    post,
    path = "/v1/keys/{id}/revoke",
    tag = "keys",
    operation_id = "revokeKey",
    summary = "Revoke an API key",
    description = "The key stops working at once. A key of another organisation, or one already revoked, is not found.",
    params(("id" = String, Path, description = "The key's id.")),
    responses(
        (status = 200, description = "Revoked.", body = inline(serde_json::Value), example = json!({"id": "key_01J…", "revoked": true})),
        (status = 404, description = "`not_found`: no active key with this id in this organisation.", body = ErrorResponse),
    ),
    security(("api_key" = ["keys:write"])),
)]
pub async fn revoke(
    State(state): State<ApiState>,
    Caller(key): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    key.require(Scope::KeysWrite)?;
    api_keys::delegate::revoke(&state.db, &key, &id).await?;
    Ok(Json(json!({"id": id, "revoked": true})))
}

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
