//! `/v1/credentials`: issue, read, list, revoke, verify.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use issuance::api_keys::{ApiKey, Scope};
use issuance::credentials::{self, Credential, IssueRequest, Issuer, store, verify};
use issuance::{CoreError, clock};
use serde::Deserialize;
use serde_json::{Value, json};

use super::extract::{ApiJson, ApiQuery, Caller};
use super::idempotent;
use super::openapi::{
    BatchVerifyRequest, BatchVerifyResponse, BulkJob, Credential as CredentialDoc, CredentialList,
    CredentialStatusName, CredentialTypeName, ErrorResponse, IdempotencyKey, IssueCredentialRequest, TOO_LARGE,
    Verification as VerificationDoc, VerifyRequest,
};
use super::{ApiError, ApiResult, ApiState, MAX_BODY};

/// The API's view of a credential (the reference API's fields, plus a few).
pub fn credential_json(c: &Credential, public_url: &str, now: i64) -> Value {
    let mut v = json!({
        "id": c.id,
        "credential_id": c.id,
        "credential_type": c.credential_type,
        "subject": c.subject,
        "claims": c.claims,
        "issuer_did": c.issuer_did,
        "kid": c.kid(),
        "alg": "ES256",
        "proof_format": "jwt_vc",
        "signed_payload": c.signed_payload,
        "status": c.status_at(now),
        "status_list_index": c.status_list_index,
        "status_list_credential": credentials::vc::status_list_url(public_url, &c.org_id, &c.status_list_id),
        "issued_at": clock::rfc3339(c.issued_at),
        "expires_at": c.expires_at.map(clock::rfc3339),
        "created_at": clock::rfc3339(c.created_at),
        "updated_at": clock::rfc3339(c.updated_at),
        "url": credentials::vc::credential_url(public_url, &c.id),
    });
    let o = v.as_object_mut().expect("object");
    if let Some(t) = &c.attestation_type {
        o.insert("attestation_type".into(), t.clone().into());
    }
    if let Some(b) = &c.badge_id {
        o.insert("badge_id".into(), b.clone().into());
        o.insert("recipient".into(), json!({"name": c.recipient_name, "email": c.recipient_email}));
    }
    if let Some(at) = c.revoked_at {
        o.insert("revoked_at".into(), clock::rfc3339(at).into());
        o.insert("revocation_reason".into(), c.revocation_reason.clone().into());
    }
    v
}

fn body_bytes(body: Result<Bytes, BytesRejection>) -> ApiResult<Bytes> {
    body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::too_large(MAX_BODY)
        } else {
            ApiError::validation("body", e.body_text())
        }
    })
}

fn parse_json(bytes: &[u8]) -> ApiResult<Value> {
    super::extract::refuse_nul(bytes)?;
    serde_json::from_slice(bytes).map_err(|e| ApiError::validation("body", format!("is not valid JSON: {e}")))
}

/// `POST /v1/credentials`, honouring `Idempotency-Key`.
#[utoipa::path(
    post,
    path = "/v1/credentials",
    tag = "credentials",
    operation_id = "issueCredential",
    summary = "Issue one credential",
    description = "Checks the body, signs one credential (a JWT VC, ES256) and answers it. Every problem with \
        the body is reported at once, each with its field path.",
    params(IdempotencyKey),
    request_body(content = IssueCredentialRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "Issued.", body = CredentialDoc, headers(
            ("Idempotent-Replayed" = String, description = "`true` on the stored answer to an earlier request with the same `Idempotency-Key`."),
        )),
        (status = 400, description = "`validation_failed`: the body is not a valid single-issue request; `details` names each field.", body = ErrorResponse),
        (status = 409, description = "`idempotency_conflict`: the first request with this `Idempotency-Key` is still running.", body = ErrorResponse),
        (status = 413, description = TOO_LARGE, body = ErrorResponse),
        (status = 422, description = "`unprocessable_entity` (the organisation is not approved yet, the badge is archived, \
            `expires_at` is past), `quota_exceeded` (the month's quota is used up), or `idempotency_key_reused` \
            (the key was used within 24 h for a different request).", body = ErrorResponse),
    ),
    security(("api_key" = ["credentials:write"])),
)]
pub async fn issue(
    State(state): State<ApiState>,
    Caller(key): Caller,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    key.require(Scope::CredentialsWrite)?;
    let body = body_bytes(body)?;
    let now = clock::now();
    let request = ("POST", "/v1/credentials", &body[..]);
    let answer = idempotent::once(
        &state,
        &key.org_id,
        &headers,
        request,
        StatusCode::CREATED,
        issue_once(&state, &key, &body, now),
    )
    .await?;
    Ok(answer.into_response())
}

async fn issue_once(state: &ApiState, key: &ApiKey, body: &[u8], now: i64) -> ApiResult<Value> {
    let request = IssueRequest::parse(&parse_json(body)?)?;
    let issuer =
        Issuer { db: &state.db, master: &state.master_key, public_url: &state.public_url, api_key_id: Some(&key.id) };
    let credential = credentials::issue(issuer, &key.org_id, request, now).await?;
    tracing::info!(credential_id = %credential.id, org_id = %key.org_id, api_key = %key.id, "issued");
    Ok(credential_json(&credential, &state.public_url, now))
}

#[utoipa::path(
    get,
    path = "/v1/credentials/{id}",
    tag = "credentials",
    operation_id = "getCredential",
    summary = "Read one credential",
    params(("id" = String, Path, description = "The credential's id.")),
    responses(
        (status = 200, description = "The credential.", body = CredentialDoc),
        (status = 404, description = "`not_found`: no such credential in this organisation.", body = ErrorResponse),
    ),
    security(("api_key" = ["credentials:read"])),
)]
pub async fn get(State(state): State<ApiState>, Caller(key): Caller, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    key.require(Scope::CredentialsRead)?;
    let c = store::get(&state.db, &key.org_id, &id).await?;
    Ok(Json(credential_json(&c, &state.public_url, clock::now())))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only credentials of this type.
    #[serde(rename = "type")]
    #[param(value_type = Option<CredentialTypeName>, inline)]
    credential_type: Option<String>,
    /// Only credentials with this status now.
    #[param(value_type = Option<CredentialStatusName>, inline)]
    status: Option<String>,
    /// Only credentials about this subject id.
    subject: Option<String>,
    /// Only credentials of this badge.
    badge_id: Option<String>,
    /// Only credentials issued by this job (CSV or JSON batch).
    job_id: Option<String>,
    /// Search: the subject's or recipient's name, e-mail or id.
    q: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// The previous page's `next_cursor`.
    after: Option<String>,
}

#[utoipa::path(
    get,
    path = "/v1/credentials",
    tag = "credentials",
    operation_id = "listCredentials",
    summary = "List credentials",
    description = "The organisation's credentials, newest first, filtered and paged.",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of credentials.", body = CredentialList),
        (status = 400, description = "`validation_failed`: a query parameter is not valid (`type`, `status`, `limit`).", body = ErrorResponse),
    ),
    security(("api_key" = ["credentials:read"])),
)]
pub async fn list(
    State(state): State<ApiState>,
    Caller(key): Caller,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<Value>> {
    key.require(Scope::CredentialsRead)?;
    if let Some(limit) = q.limit.filter(|l| !(1..=store::MAX_PAGE).contains(l)) {
        return Err(ApiError::validation("limit", format!("must be 1 to {}, got {limit}", store::MAX_PAGE)));
    }
    let now = clock::now();
    let filter = SelectionBody {
        credential_type: q.credential_type,
        status: q.status,
        subject: q.subject,
        badge_id: q.badge_id,
        job_id: q.job_id,
        q: q.q,
    }
    .filter("")?;
    let page = store::list(&state.db, &key.org_id, &filter, q.limit.unwrap_or(50), q.after.as_deref(), now).await?;
    Ok(Json(json!({
        "data": page.items.iter().map(|c| credential_json(c, &state.public_url, now)).collect::<Vec<_>>(),
        "has_more": page.next_cursor.is_some(),
        "next_cursor": page.next_cursor,
    })))
}

/// An optional body: why the credential is revoked.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[schema(as = RevokeRequest)]
#[serde(deny_unknown_fields)]
pub struct RevokeBody {
    /// Why; kept with the credential and shown as `revocation_reason`.
    pub reason: Option<String>,
}

/// A body that may be left out: empty (or only whitespace) is `T`'s
/// default, anything else must be `T` exactly.
pub(super) fn optional_body<T: serde::de::DeserializeOwned + Default>(
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<T> {
    let body = body_bytes(body)?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(&body).map_err(|e| ApiError::validation("body", format!("{e}")))
}

#[utoipa::path(
    post,
    path = "/v1/credentials/{id}/revoke",
    tag = "credentials",
    operation_id = "revokeCredential",
    summary = "Revoke a credential",
    description = "Sets the credential's bit in its status list, so verifiers see it revoked. Its award e-mail, \
        if not sent yet, is cancelled. The body is optional.",
    params(("id" = String, Path, description = "The credential's id.")),
    request_body(content = Option<RevokeBody>, content_type = "application/json"),
    responses(
        (status = 200, description = "The revoked credential.", body = CredentialDoc),
        (status = 400, description = "`validation_failed`: the body is not `{\"reason\"}`.", body = ErrorResponse),
        (status = 404, description = "`not_found`: no such credential in this organisation.", body = ErrorResponse),
        (status = 409, description = "`conflict`: the credential is already revoked.", body = ErrorResponse),
        (status = 413, description = TOO_LARGE, body = ErrorResponse),
    ),
    security(("api_key" = ["credentials:write"])),
)]
pub async fn revoke(
    State(state): State<ApiState>,
    Caller(key): Caller,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<Value>> {
    key.require(Scope::CredentialsWrite)?;
    let parsed: RevokeBody = optional_body(body)?;
    let c = store::revoke(&state.db, &key.org_id, &id, parsed.reason.as_deref(), None).await?;
    tracing::info!(credential_id = %id, api_key = %key.id, "revoked");
    Ok(Json(credential_json(&c, &state.public_url, clock::now())))
}

/// One thing to verify: a presented credential, or one of ours by id.
#[derive(Deserialize)]
pub struct VerifyItem {
    signed_payload: Option<String>,
    credential_id: Option<String>,
}

async fn verify_item(
    state: &ApiState,
    org_id: &str,
    item: &VerifyItem,
    now: i64,
) -> Result<verify::Verification, CoreError> {
    match (&item.signed_payload, &item.credential_id) {
        (Some(token), None) => credentials::verify_token(&state.db, token, now).await,
        (None, Some(id)) => credentials::verify_by_id(&state.db, org_id, id, now).await,
        _ => Err(CoreError::field("", "give exactly one of signed_payload or credential_id")),
    }
}

#[utoipa::path(
    post,
    path = "/v1/credentials/verify",
    tag = "credentials",
    operation_id = "verifyCredential",
    summary = "Verify a credential",
    description = "Checks signature, issuer, validity period and revocation status, each reported on its own. \
        A credential that fails a check is still a 200, with `is_valid: false` and an `error_code`.",
    request_body(content = VerifyRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "The verification.", body = VerificationDoc),
        (status = 400, description = "`validation_failed`: not valid JSON, or not exactly one of `signed_payload` and `credential_id`.", body = ErrorResponse),
        (status = 413, description = TOO_LARGE, body = ErrorResponse),
    ),
    security(("api_key" = ["credentials:read"])),
)]
pub async fn verify(
    State(state): State<ApiState>,
    Caller(key): Caller,
    ApiJson(item): ApiJson<VerifyItem>,
) -> ApiResult<Json<verify::Verification>> {
    key.require(Scope::CredentialsRead)?;
    Ok(Json(verify_item(&state, &key.org_id, &item, clock::now()).await?))
}

pub const MAX_BATCH_VERIFY: usize = 100;

#[derive(Deserialize)]
pub struct BatchVerifyBody {
    credentials: Vec<Value>,
}

/// Results come back in request order; a bad item is reported in its place
/// and never fails the batch.
#[utoipa::path(
    post,
    path = "/v1/credentials/batch-verify",
    tag = "credentials",
    operation_id = "batchVerifyCredentials",
    summary = "Verify up to 100 credentials",
    description = "Verifies each item as `POST /v1/credentials/verify` does. Results come back in request order; \
        a malformed item is reported in its place (`invalid_item`) and never fails the batch.",
    request_body(content = BatchVerifyRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "One result per item, in order.", body = BatchVerifyResponse),
        (status = 400, description = "`validation_failed`: not `{\"credentials\": [...]}`, or not 1 to 100 items.", body = ErrorResponse),
        (status = 413, description = TOO_LARGE, body = ErrorResponse),
    ),
    security(("api_key" = ["credentials:read"])),
)]
pub async fn batch_verify(
    State(state): State<ApiState>,
    Caller(key): Caller,
    ApiJson(body): ApiJson<BatchVerifyBody>,
) -> ApiResult<Json<Value>> {
    key.require(Scope::CredentialsRead)?;
    let n = body.credentials.len();
    if !(1..=MAX_BATCH_VERIFY).contains(&n) {
        return Err(ApiError::validation("credentials", format!("give 1 to {MAX_BATCH_VERIFY} items, got {n}")));
    }
    let now = clock::now();
    let mut results = Vec::with_capacity(n);
    for (i, raw) in body.credentials.iter().enumerate() {
        let result = match serde_json::from_value::<VerifyItem>(raw.clone()) {
            Ok(item) => match verify_item(&state, &key.org_id, &item, now).await {
                Ok(v) => json!(v),
                Err(CoreError::Validation(errs)) => invalid_item(i, &errs[0].message),
                Err(e) => return Err(e.into()),
            },
            Err(_) => invalid_item(i, "expected an object with signed_payload or credential_id"),
        };
        results.push(result);
    }
    Ok(Json(json!({ "results": results })))
}

fn invalid_item(index: usize, message: &str) -> Value {
    json!({"is_valid": false, "error_code": "invalid_item", "message": format!("credentials[{index}]: {message}")})
}

/// Which credentials to revoke: the list's filters (`GET /v1/credentials`),
/// at least one of them.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[schema(as = CredentialSelection)]
#[serde(deny_unknown_fields)]
pub struct SelectionBody {
    /// Only credentials of this type.
    #[serde(rename = "type")]
    #[schema(value_type = Option<CredentialTypeName>)]
    credential_type: Option<String>,
    /// Only credentials with this status now (`active` or `expired`; revoked ones are not revoked again).
    #[schema(value_type = Option<CredentialStatusName>)]
    status: Option<String>,
    /// Only credentials about this subject id or recipient e-mail.
    subject: Option<String>,
    /// Only credentials of this badge.
    badge_id: Option<String>,
    /// Only credentials issued by this job.
    job_id: Option<String>,
    /// The recipient's or subject's name, e-mail or id, as the list searches.
    q: Option<String>,
}

impl SelectionBody {
    /// The store's filter; `at` prefixes the field named in an error.
    fn filter(self, at: &str) -> ApiResult<store::Filter> {
        let given = |v: Option<String>| v.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        Ok(store::Filter {
            credential_type: given(self.credential_type)
                .map(|v| v.parse().map_err(|m: String| ApiError::validation(format!("{at}type"), m)))
                .transpose()?,
            status: given(self.status)
                .map(|v| v.parse().map_err(|m: String| ApiError::validation(format!("{at}status"), m)))
                .transpose()?,
            subject: given(self.subject),
            badge_id: given(self.badge_id),
            job_id: given(self.job_id),
            search: given(self.q),
        })
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = BatchRevokeRequest)]
#[serde(deny_unknown_fields)]
pub struct BatchRevokeBody {
    filter: SelectionBody,
    /// Why; each credential's `revocation_reason`.
    #[schema(max_length = 500)]
    reason: Option<String>,
}

/// `POST /v1/credentials/batch-revoke`: revokes every active credential
/// the filter selects (up to 10,000) by a job of its own.
#[utoipa::path(
    post,
    path = "/v1/credentials/batch-revoke",
    tag = "credentials",
    operation_id = "batchRevokeCredentials",
    summary = "Revoke every credential a filter selects",
    description = "Starts a job that revokes every active credential matching `filter` (the filters of \
        `GET /v1/credentials`; at least one), each with the optional `reason`. At most 10,000 at once: more is \
        refused whole (422) with how to narrow it. The answer is the job; follow it at \
        `GET /v1/bulk-issue/{job_id}`. A worker that stops mid-way is taken over, and no credential is revoked twice.",
    request_body(content = BatchRevokeBody, content_type = "application/json"),
    responses(
        (status = 202, description = "The revocation job, pending.", body = BulkJob),
        (status = 400, description = "`validation_failed`: not `{\"filter\", \"reason\"}`, no filter, or a filter value is not valid.", body = ErrorResponse),
        (status = 413, description = TOO_LARGE, body = ErrorResponse),
        (status = 422, description = "`unprocessable_entity`: nothing matches, or more than 10,000 do.", body = ErrorResponse),
    ),
    security(("api_key" = ["credentials:write"])),
)]
pub async fn batch_revoke(
    State(state): State<ApiState>,
    Caller(key): Caller,
    ApiJson(body): ApiJson<BatchRevokeBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    key.require(Scope::CredentialsWrite)?;
    let filter = body.filter.filter("filter.")?;
    let origin = issuance::jobs::revoke::Origin { created_by: None, api_key_id: Some(&key.id) };
    let job = issuance::jobs::revoke_selected::start(
        &state.db,
        &key.org_id,
        &filter,
        body.reason.as_deref(),
        &origin,
        clock::now(),
    )
    .await?;
    tracing::info!(job_id = %job.id, api_key = %key.id, total = job.total, "selection revocation started");
    Ok((StatusCode::ACCEPTED, Json(super::bulk::job_json(&job))))
}
