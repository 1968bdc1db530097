//! `/v1/credentials/batch-issue`: a JSON batch of up to 10,000 single-issue
//! bodies, of any credential types, answered at once (202) and issued in
//! the background on the same engine as CSV jobs. Follow, list and cancel
//! its job here; an invalid item fails alone, with its field path.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use issuance::api_keys::{ApiKey, Scope};
use issuance::clock;
use issuance::jobs::batch_submit::{self, BatchOrigin, MAX_ITEMS};
use issuance::jobs::{self, Job};
use model::{BatchStatus, JobSource};
use serde::Deserialize;
use serde_json::{Value, json};

use super::bulk::{ItemsQuery, ListQuery};
use super::extract::{ApiQuery, Caller};
use super::openapi::{
    BatchIssueRequest, BatchItemList, BatchJob, BatchJobDetail, BatchJobList, ErrorResponse, IdempotencyKey, TOO_LARGE,
};
use super::{ApiError, ApiResult, ApiState, idempotent};

/// A batch's largest body: 10,000 items of a few hundred bytes, with room.
pub const MAX_BATCH_BODY: usize = 25 * 1024 * 1024;

const BASE: &str = "/v1/credentials/batch-issue";

/// The API's view of a batch job, in the reference API's words.
pub fn batch_json(job: &Job) -> Value {
    let link = format!("{BASE}/{}", job.id);
    json!({
        "job_id": job.id,
        "status": BatchStatus::from(job.status),
        "total": job.total,
        "processed": job.processed,
        "succeeded": job.succeeded,
        "failed": job.failed,
        "cancelled": job.cancelled_rows(),
        "created_at": clock::rfc3339(job.created_at),
        "started_at": job.started_at.map(clock::rfc3339),
        "issued_at": job.issued_at.map(clock::rfc3339),
        "completed_at": job.completed_at.map(clock::rfc3339),
        "delivery_completed_at": job.delivery_completed_at.map(clock::rfc3339),
        "submitted_by": job.submitted_by,
        "undoes_job_id": job.undoes_job_id,
        "undone_by_job_id": job.undone_by_job_id,
        "links": {"self": link, "cancel": format!("{link}/cancel"), "revoke": format!("{link}/revoke")},
    })
}

/// `POST /v1/credentials/batch-issue`, honouring `Idempotency-Key`: the
/// same key and body within 24 hours answer with the original job.
#[utoipa::path(
    post,
    path = "/v1/credentials/batch-issue",
    tag = "batch-issue",
    operation_id = "submitBatchIssue",
    summary = "Issue up to 10,000 credentials as one JSON batch",
    description = "Answers 202 at once with the job; the credentials are issued in the background (follow \
        `GET /v1/credentials/batch-issue/{job_id}`). Each item is a single-issue body, of any credential type, \
        checked on its own: an invalid item fails alone, with its index and field path, not the batch. \
        The body may be up to 25 MB. Needs the Professional or Enterprise plan.",
    params(IdempotencyKey),
    request_body(content = BatchIssueRequest, content_type = "application/json"),
    responses(
        (status = 202, description = "Accepted: the job, queued.", body = BatchJob, headers(
            ("Location" = String, description = "The job: `/v1/credentials/batch-issue/{job_id}`."),
            ("Idempotent-Replayed" = String, description = "`true` on the stored answer to an earlier request with the same `Idempotency-Key`."),
        )),
        (status = 400, description = "`validation_failed`: the body is not `{\"credentials\": [...]}`, or holds no item or more than 10,000.", body = ErrorResponse),
        (status = 403, description = "`forbidden`: the organisation's plan issues one credential at a time (or the key lacks the scope).", body = ErrorResponse),
        (status = 409, description = "`idempotency_conflict`: the first request with this `Idempotency-Key` is still running.", body = ErrorResponse),
        (status = 413, description = TOO_LARGE, body = ErrorResponse),
        (status = 422, description = "`unprocessable_entity` (the organisation is not approved yet) or `idempotency_key_reused`.", body = ErrorResponse),
    ),
    security(("api_key" = ["credentials:write"])),
)]
pub async fn submit(
    State(state): State<ApiState>,
    Caller(key): Caller,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    key.require(Scope::CredentialsWrite)?;
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::too_large(MAX_BATCH_BODY)
        } else {
            ApiError::validation("body", e.body_text())
        }
    })?;
    let work = submit_once(&state, &key, &body, clock::now());
    let answer =
        idempotent::once(&state, &key.org_id, &headers, ("POST", BASE, &body[..]), StatusCode::ACCEPTED, work).await?;
    Ok(answer.located(BASE))
}

async fn submit_once(state: &ApiState, key: &ApiKey, body: &[u8], now: i64) -> ApiResult<Value> {
    #[derive(Deserialize)]
    struct Body {
        credentials: Vec<Value>,
    }
    super::extract::refuse_nul(body)?;
    let Body { credentials } = serde_json::from_slice(body).map_err(|e| {
        ApiError::validation("credentials", format!("the body must be {{\"credentials\": [ ... ]}}: {e}"))
    })?;
    if credentials.len() > MAX_ITEMS {
        return Err(ApiError::validation(
            "credentials",
            format!("holds {} items; a batch holds at most {MAX_ITEMS}. Split it.", credentials.len()),
        ));
    }
    let origin = BatchOrigin { api_key_id: Some(&key.id), api_key_name: Some(&key.name) };
    let job = batch_submit::submit_batch(&state.db, &key.org_id, &credentials, &origin, now).await?;
    tracing::info!(job_id = %job.id, org_id = %key.org_id, api_key = %key.id, items = credentials.len(), "batch submitted");
    Ok(batch_json(&job))
}

/// The org's JSON batch job `id`; a CSV job's id is not one.
async fn batch(state: &ApiState, key: &ApiKey, id: &str) -> ApiResult<Job> {
    let job = jobs::get(&state.db, &key.org_id, id).await?;
    if job.source != JobSource::ApiBatch {
        return Err(issuance::CoreError::NotFound.into());
    }
    Ok(job)
}

/// `GET /v1/credentials/batch-issue/{job_id}`: the job, its credentials in
/// item order, and every failed item with its 0-based `index` in the
/// submitted array, `code` and `message`.
#[utoipa::path(
    get,
    path = "/v1/credentials/batch-issue/{job_id}",
    tag = "batch-issue",
    operation_id = "getBatchIssue",
    summary = "Follow a JSON batch",
    description = "The job's counts as they stand, its credentials in item order, and every failed item with \
        its 0-based `index` in the submitted array, `code` and `message`.",
    params(("job_id" = String, Path, description = "The batch's job id.")),
    responses(
        (status = 200, description = "The batch job.", body = BatchJobDetail),
        (status = 404, description = "`not_found`: no such JSON batch in this organisation (a CSV job's id is not one).", body = ErrorResponse),
    ),
    security(("api_key" = ["credentials:read"])),
)]
pub async fn get(State(state): State<ApiState>, Caller(key): Caller, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    key.require(Scope::CredentialsRead)?;
    let job = batch(&state, &key, &id).await?;
    let credential_ids = jobs::credential_ids(&state.db, &key.org_id, &id).await?;
    let errors: Vec<Value> = jobs::failed_items(&state.db, &key.org_id, &id)
        .await?
        .into_iter()
        .map(|i| json!({"index": i.idx, "code": i.error_code, "message": i.error_message}))
        .collect();
    let mut v = batch_json(&job);
    let o = v.as_object_mut().expect("object");
    o.insert("credential_ids".into(), credential_ids.into());
    o.insert("errors".into(), errors.into());
    o.insert("emails".into(), json!(issuance::outbox::counts_for_job(&state.db, &key.org_id, &id).await?));
    Ok(Json(v))
}

/// `GET /v1/credentials/batch-issue/{job_id}/items`: every item's outcome
/// in submitted order, so a client can pair each of its items with the
/// credential or the error it got (the CLI's `--out`, and its retries).
#[utoipa::path(
    get,
    path = "/v1/credentials/batch-issue/{job_id}/items",
    tag = "batch-issue",
    operation_id = "listBatchIssueItems",
    summary = "Each item's outcome",
    description = "Every item of the batch in submitted order: its 0-based `index`, `status` (`pending`, \
        `succeeded`, `failed`, `cancelled`), the `credential_id` it got or the `error` it met.",
    params(("job_id" = String, Path, description = "The batch's job id."), ItemsQuery),
    responses(
        (status = 200, description = "A page of items.", body = BatchItemList),
        (status = 400, description = "`validation_failed`: `limit` or `after` is not valid.", body = ErrorResponse),
        (status = 404, description = "`not_found`: no such JSON batch in this organisation.", body = ErrorResponse),
    ),
    security(("api_key" = ["credentials:read"])),
)]
pub async fn items(
    State(state): State<ApiState>,
    Caller(key): Caller,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<ItemsQuery>,
) -> ApiResult<Json<Value>> {
    key.require(Scope::CredentialsRead)?;
    batch(&state, &key, &id).await?;
    let (page, next) = super::bulk::items_page(&state, &key.org_id, &id, &query).await?;
    let data: Vec<Value> = page
        .into_iter()
        .map(|i| {
            let error = i.error_code.map(|code| json!({"code": code, "message": i.error_message}));
            json!({"index": i.idx, "status": i.state, "credential_id": i.credential_id, "error": error})
        })
        .collect();
    Ok(Json(json!({"data": data, "has_more": next.is_some(), "next_cursor": next})))
}

/// `GET /v1/credentials/batch-issue`: the org's batch jobs, newest first;
/// `after` is the previous page's `next_cursor`.
#[utoipa::path(
    get,
    path = "/v1/credentials/batch-issue",
    tag = "batch-issue",
    operation_id = "listBatchIssues",
    summary = "List JSON batches",
    description = "The organisation's JSON batch jobs, newest first.",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of batch jobs.", body = BatchJobList),
        (status = 400, description = "`validation_failed`: `limit` is not 1 to 200.", body = ErrorResponse),
    ),
    security(("api_key" = ["credentials:read"])),
)]
pub async fn list(
    State(state): State<ApiState>,
    Caller(key): Caller,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<Value>> {
    key.require(Scope::CredentialsRead)?;
    super::bulk::jobs_page(&state, &key.org_id, Some(JobSource::ApiBatch), q, batch_json).await
}

/// `POST /v1/credentials/batch-issue/{job_id}/cancel`: stops a queued or
/// running batch; what was issued stays. A finished one is 409.
#[utoipa::path(
    post,
    path = "/v1/credentials/batch-issue/{job_id}/cancel",
    tag = "batch-issue",
    operation_id = "cancelBatchIssue",
    summary = "Cancel a JSON batch",
    description = "Stops a queued or running batch; what was issued stays issued.",
    params(("job_id" = String, Path, description = "The batch's job id.")),
    responses(
        (status = 200, description = "The cancelled job.", body = BatchJob),
        (status = 404, description = "`not_found`: no such JSON batch in this organisation.", body = ErrorResponse),
        (status = 409, description = "`conflict`: the batch has finished.", body = ErrorResponse),
    ),
    security(("api_key" = ["credentials:write"])),
)]
pub async fn cancel(
    State(state): State<ApiState>,
    Caller(key): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    key.require(Scope::CredentialsWrite)?;
    batch(&state, &key, &id).await?;
    let job = jobs::cancel(&state.db, &key.org_id, &id, None).await?;
    tracing::info!(job_id = %id, api_key = %key.id, "batch cancelled");
    Ok(Json(batch_json(&job)))
}

/// `POST /v1/credentials/batch-issue/{job_id}/revoke`: undoes a finished
/// batch, as `POST /v1/bulk-issue/{job_id}/revoke` does a CSV job.
#[utoipa::path(
    post,
    path = "/v1/credentials/batch-issue/{job_id}/revoke",
    tag = "batch-issue",
    operation_id = "revokeBatchIssue",
    summary = "Undo a JSON batch: revoke every credential it issued",
    description = "Starts a job that revokes every credential the batch issued that is still active, each with the \
        optional `reason`; with `notify_recipients`, each badge recipient is e-mailed as their credential is \
        revoked. The answer is that job (`undoes_job_id` names the batch); follow it at \
        `GET /v1/credentials/batch-issue/{its job_id}`.",
    params(("job_id" = String, Path, description = "The batch's job id.")),
    request_body(content = Option<super::bulk::UndoBody>, content_type = "application/json"),
    responses(
        (status = 202, description = "The undo job, queued.", body = BatchJob),
        (status = 400, description = "`validation_failed`: the body is not `{\"reason\", \"notify_recipients\"}`.", body = ErrorResponse),
        (status = 404, description = "`not_found`: no such JSON batch in this organisation.", body = ErrorResponse),
        (status = 409, description = "`conflict`: the batch still runs, is an undo, or was undone already.", body = ErrorResponse),
        (status = 422, description = "`unprocessable_entity`: none of its credentials is active.", body = ErrorResponse),
    ),
    security(("api_key" = ["credentials:write"])),
)]
pub async fn revoke(
    State(state): State<ApiState>,
    Caller(key): Caller,
    Path(id): Path<String>,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> ApiResult<(axum::http::StatusCode, Json<Value>)> {
    key.require(Scope::CredentialsWrite)?;
    batch(&state, &key, &id).await?;
    let job = super::bulk::undo(&state, &key, &id, body).await?;
    Ok((axum::http::StatusCode::ACCEPTED, Json(batch_json(&job))))
}
