//! `/v1/bulk-issue`: the dry run of a recipients CSV (`validate`, the same
//! function the dashboard's review screen uses, which writes nothing), and
//! bulk jobs: submit a CSV, follow its job, list and cancel jobs.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use issuance::api_keys::{ApiKey, Scope};
use issuance::bulk::csv_file::FileProblem;
use issuance::bulk::{self, DuplicatePolicy, FileError, Review, RowStatus, Totals};
use issuance::clock;
use issuance::jobs::{self, Job};
use serde::Deserialize;
use serde_json::{Value, json};

use super::error::Detail;
use super::extract::{ApiQuery, Caller};
use super::idempotent;
use super::openapi::{
    BulkItemList, BulkJob, BulkJobDetail, BulkJobList, BulkReview, CsvUpload, DuplicatePolicyName, ErrorResponse,
    IdempotencyKey,
};
use super::{ApiError, ApiResult, ApiState};

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BadgeQuery {
    /// The badge to issue. A file with a `badge` column names each row's
    /// badge (by id or exact name) and needs it only for rows whose cell
    /// is empty; without that column it is required (a 400 otherwise).
    #[param(value_type = Option<String>)]
    badge_id: Option<String>,
    /// What to do for recipients who already hold an active credential of
    /// the badge: `by_expiry` (the default: revoke and reissue one that
    /// expires, skip one that never does), `skip`, `replace` (revoke and
    /// issue) or `allow` (issue another; what they hold stays valid).
    #[param(value_type = Option<DuplicatePolicyName>, inline)]
    duplicate_policy: Option<String>,
    /// `POST /v1/bulk-issue` only: issue and e-mail the first N rows to
    /// issue, then pause the job until `POST /v1/bulk-issue/{job_id}/release`
    /// (or `…/cancel`). Fewer than the rows to issue.
    #[param(value_type = Option<u32>, minimum = 1)]
    pilot: Option<String>,
    /// `POST /v1/bulk-issue` only: start then, not now. RFC 3339 with an
    /// offset, or a wall-clock time (`2027-03-01T09:00`) in the
    /// organisation's time zone. The job is `scheduled` until then.
    scheduled_for: Option<String>,
}

impl BadgeQuery {
    fn badge_id(&self) -> Option<&str> {
        self.badge_id.as_deref().filter(|b| !b.is_empty())
    }

    fn duplicate_policy(&self) -> ApiResult<DuplicatePolicy> {
        match self.duplicate_policy.as_deref() {
            None | Some("") => Ok(DuplicatePolicy::default()),
            Some(p) => p.parse().map_err(|e| ApiError::validation("duplicate_policy", e)),
        }
    }

    async fn scheduled_for(&self, state: &ApiState, org_id: &str) -> ApiResult<Option<i64>> {
        let Some(text) = self.scheduled_for.as_deref().map(str::trim).filter(|t| !t.is_empty()) else {
            return Ok(None);
        };
        let zone = issuance::orgs::time_zone::zone(&issuance::orgs::time_zone::get(&state.db, org_id).await?)?;
        Ok(Some(issuance::orgs::time_zone::parse(text, &zone, "scheduled_for")?))
    }

    fn pilot(&self) -> ApiResult<Option<u32>> {
        match self.pilot.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(p) => p
                .parse::<u32>()
                .map(Some)
                .map_err(|_| ApiError::validation("pilot", format!("expected a number of rows, got '{p}'"))),
        }
    }
}

/// The uploaded file: the body itself (`text/csv`), or the multipart field
/// `file`.
pub struct Upload {
    pub bytes: Bytes,
    pub filename: Option<String>,
}

impl<S: Send + Sync> FromRequest<S> for Upload {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_multipart = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        let too_large = |status: StatusCode| status == StatusCode::PAYLOAD_TOO_LARGE;
        if !is_multipart {
            let bytes = Bytes::from_request(req, state).await.map_err(|e| {
                if too_large(e.status()) {
                    ApiError::too_large(bulk::csv_file::MAX_BYTES)
                } else {
                    ApiError::validation("body", e.body_text())
                }
            })?;
            return Ok(Upload { bytes, filename: None });
        }
        let mut form =
            Multipart::from_request(req, state).await.map_err(|e| ApiError::validation("body", e.body_text()))?;
        while let Some(field) = form.next_field().await.map_err(|e| {
            if too_large(e.status()) {
                ApiError::too_large(bulk::csv_file::MAX_BYTES)
            } else {
                ApiError::validation("file", e.body_text())
            }
        })? {
            if field.name() == Some("file") {
                let filename = field.file_name().map(str::to_owned);
                let bytes = field.bytes().await.map_err(|e| {
                    if too_large(e.status()) {
                        ApiError::too_large(bulk::csv_file::MAX_BYTES)
                    } else {
                        ApiError::validation("file", e.body_text())
                    }
                })?;
                return Ok(Upload { bytes, filename });
            }
        }
        Err(ApiError::validation("file", "is required: send the CSV as the multipart field 'file'"))
    }
}

/// A file-level problem as an API error: 413 for size, else 400.
pub fn file_error(e: FileError) -> ApiError {
    if e.code == "too_large" {
        return ApiError::too_large(bulk::csv_file::MAX_BYTES);
    }
    let mut error = ApiError::new(StatusCode::BAD_REQUEST, "validation_failed", e.message.clone());
    // A file that names no badge is answered by the parameter as much as by the file.
    let path = if e.code == FileProblem::NoBadge { "badge_id" } else { "file" };
    error.details.push(Detail { path: path.into(), message: format!("{}: {}", e.code, e.message) });
    error
}

/// A review's counts: one per status, and the sums people ask for.
fn totals_json(t: &Totals) -> Value {
    let mut totals = serde_json::Map::new();
    for s in RowStatus::ALL {
        totals.insert(s.as_str().into(), t.of(*s).into());
    }
    totals.insert("rows".into(), t.rows.into());
    totals.insert("valid".into(), t.valid.into());
    totals.insert("issuable".into(), t.issuable.into());
    totals.insert("holders".into(), t.holders().into());
    Value::Object(totals)
}

pub fn review_json(r: &Review) -> Value {
    json!({
        "badge_id": r.badge_id,
        "badge_name": r.badge_name,
        "badges": r.badges.iter().map(|g| json!({
            "badge_id": g.badge_id,
            "badge_name": g.badge_name,
            "totals": totals_json(&g.totals),
            "quota_uses": g.quota_uses,
        })).collect::<Vec<_>>(),
        "duplicate_policy": r.duplicate_policy,
        "totals": totals_json(&r.totals),
        "quota": r.quota,
        "can_submit": r.can_submit(),
        "submit_blocked_reason": r.submit_blocker(),
        "warnings": r.warnings,
        "rows": r.rows.iter().map(|row| json!({
            "row": row.row,
            "line": row.line,
            "name": row.name,
            "email": row.email,
            "status": row.status.as_str(),
            "issuable": row.issuable,
            "reason": row.reason,
            "existing_credential_id": row.existing_credential_id,
            "narrative": row.award.narrative,
            "evidence_url": row.award.evidence_url,
            "evidence_name": row.award.evidence_name,
            "issued_on": row.award.issued_on.map(issuance::clock::rfc3339),
            "expires_at": row.expires_at.map(issuance::clock::rfc3339),
            "badge_id": row.badge_id,
        })).collect::<Vec<_>>(),
    })
}

#[utoipa::path(
    post,
    path = "/v1/bulk-issue/validate",
    tag = "bulk-issue",
    operation_id = "validateBulkIssue",
    summary = "Dry-run a recipients CSV",
    description = "Reads the CSV (columns `name`, `email`; at most 1 MB) as `POST /v1/bulk-issue` would and \
        says, row by row, what it would do: issue, renew, replace, skip, or refuse, with `totals` per status and \
        the month's quota. Writes nothing. Send the CSV as the body (`text/csv`) or as the multipart field `file`.",
    params(BadgeQuery),
    request_body(content(
        (String = "text/csv"),
        (CsvUpload = "multipart/form-data"),
    )),
    responses(
        (status = 200, description = "The dry run.", body = BulkReview),
        (status = 400, description = "`validation_failed`: `badge_id` is missing or not a badge of this organisation, \
            or the file is not a CSV of recipients (empty, a spreadsheet, not UTF-8, malformed, no rows).", body = ErrorResponse),
        (status = 413, description = "`payload_too_large`: the file is over 1 MB.", body = ErrorResponse),
        (status = 422, description = "`unprocessable_entity`: the badge is archived.", body = ErrorResponse),
    ),
    security(("api_key" = ["credentials:write"])),
)]
pub async fn validate(
    State(state): State<ApiState>,
    Caller(key): Caller,
    ApiQuery(q): ApiQuery<BadgeQuery>,
    upload: Upload,
) -> ApiResult<Json<Value>> {
    key.require(Scope::CredentialsWrite)?;
    let (badge_id, policy) = (q.badge_id(), q.duplicate_policy()?);
    let filename = upload.filename.as_deref();
    let review = bulk::review(&state.db, &key.org_id, badge_id, &upload.bytes, filename, policy, clock::now())
        .await?
        .map_err(file_error)?;
    Ok(Json(review_json(&review)))
}

/// The API's view of a job: the counts as they stand, and when it started
/// and finished (RFC 3339, or null).
pub fn job_json(job: &Job) -> Value {
    let link = format!("/v1/bulk-issue/{}", job.id);
    json!({
        "job_id": job.id,
        "status": job.status.as_str(),
        "total": job.total,
        "processed": job.processed,
        "succeeded": job.succeeded,
        "failed": job.failed,
        "skipped": job.skipped,
        "cancelled": job.cancelled_rows(),
        "created_at": clock::rfc3339(job.created_at),
        "started_at": job.started_at.map(clock::rfc3339),
        "issued_at": job.issued_at.map(clock::rfc3339),
        "completed_at": job.completed_at.map(clock::rfc3339),
        "delivery_completed_at": job.delivery_completed_at.map(clock::rfc3339),
        "badge_id": job.badge_id,
        "badge_name": job.badge_name,
        "filename": job.filename,
        "source": job.source,
        "submitted_by": job.submitted_by,
        "undoes_job_id": job.undoes_job_id,
        "undone_by_job_id": job.undone_by_job_id,
        "pilot_size": job.pilot_size,
        "notify_recipients": job.notifies(),
        "scheduled_for": job.scheduled_for.map(clock::rfc3339),
        "links": {"self": link, "cancel": format!("{link}/cancel"), "revoke": format!("{link}/revoke")},
    })
}

/// `POST /v1/bulk-issue?badge_id=ID`: validates the CSV and starts its job
/// in one call. Answers 202 at once; the job runs in the background (poll
/// `GET /v1/bulk-issue/{job_id}`). Honours `Idempotency-Key`: the same key
/// with the same badge and file answers with the same job.
#[utoipa::path(
    post,
    path = "/v1/bulk-issue",
    tag = "bulk-issue",
    operation_id = "submitBulkIssue",
    summary = "Issue a badge to every recipient of a CSV",
    description = "Validates the CSV as the dry run does and starts its job in one call. Answers 202 at once; \
        the job issues in the background (poll `GET /v1/bulk-issue/{job_id}`). Rows that are not issuable are \
        skipped. Send the CSV as the body (`text/csv`) or as the multipart field `file`.",
    params(BadgeQuery, IdempotencyKey),
    request_body(content(
        (String = "text/csv"),
        (CsvUpload = "multipart/form-data"),
    )),
    responses(
        (status = 202, description = "Accepted: the job, pending.", body = BulkJob, headers(
            ("Location" = String, description = "The job: `/v1/bulk-issue/{job_id}`."),
            ("Idempotent-Replayed" = String, description = "`true` on the stored answer to an earlier request with the same `Idempotency-Key`."),
        )),
        (status = 400, description = "`validation_failed`: `badge_id` is missing or unknown, or the file is not a CSV of recipients.", body = ErrorResponse),
        (status = 403, description = "`forbidden`: the organisation's plan (Free) cannot bulk issue (or the key lacks the scope).", body = ErrorResponse),
        (status = 409, description = "`idempotency_conflict`: the first request with this `Idempotency-Key` is still running.", body = ErrorResponse),
        (status = 413, description = "`payload_too_large`: the file is over 1 MB.", body = ErrorResponse),
        (status = 422, description = "`unprocessable_entity` (no row is issuable, or the badge is archived) or \
            `idempotency_key_reused` (the key was used within 24 h for a different request).", body = ErrorResponse),
    ),
    security(("api_key" = ["credentials:write"])),
)]
pub async fn submit(
    State(state): State<ApiState>,
    Caller(key): Caller,
    ApiQuery(q): ApiQuery<BadgeQuery>,
    headers: HeaderMap,
    upload: Upload,
) -> ApiResult<Response> {
    key.require(Scope::CredentialsWrite)?;
    let (badge_id, policy, pilot) = (q.badge_id(), q.duplicate_policy()?, q.pilot()?);
    let options = issuance::jobs::submit::Options { pilot, scheduled_for: q.scheduled_for(&state, &key.org_id).await? };
    // The file, not the raw body: a multipart body's boundary differs on
    // every send of the same file.
    let mut request = Vec::with_capacity(upload.bytes.len() + 256);
    let pilot_text = format!("{pilot:?}/{:?}", options.scheduled_for);
    for part in [
        badge_id.unwrap_or_default().as_bytes(),
        policy.as_str().as_bytes(),
        upload.filename.as_deref().unwrap_or_default().as_bytes(),
        pilot_text.as_bytes(),
    ] {
        request.extend_from_slice(part);
        request.push(0);
    }
    request.extend_from_slice(&upload.bytes);
    let work = submit_once(&state, &key, badge_id, (policy, options), &upload, clock::now());
    let answer = idempotent::once(
        &state,
        &key.org_id,
        &headers,
        ("POST", "/v1/bulk-issue", &request),
        StatusCode::ACCEPTED,
        work,
    )
    .await?;
    Ok(answer.located("/v1/bulk-issue"))
}

async fn submit_once(
    state: &ApiState,
    key: &ApiKey,
    badge_id: Option<&str>,
    (policy, options): (DuplicatePolicy, issuance::jobs::submit::Options),
    upload: &Upload,
    now: i64,
) -> ApiResult<Value> {
    let submitted = issuance::jobs::submit::submit_file(
        &state.db,
        &key.org_id,
        badge_id,
        upload.filename.as_deref(),
        &upload.bytes,
        policy,
        options,
        Some(&key.id),
        None,
        now,
    )
    .await?
    .map_err(file_error)?;
    tracing::info!(job_id = %submitted.job_id, org_id = %key.org_id, api_key = %key.id, "bulk job submitted");
    let job = jobs::get(&state.db, &key.org_id, &submitted.job_id).await?;
    Ok(job_json(&job))
}

/// `GET /v1/bulk-issue/{job_id}`: the job, the credentials it issued (in
/// file order) and every failed row with its 0-based index and its 1-based
/// `row`, the number the dry run and the dashboard show.
#[utoipa::path(
    get,
    path = "/v1/bulk-issue/{job_id}",
    tag = "bulk-issue",
    operation_id = "getBulkIssue",
    summary = "Follow a job",
    description = "The job's counts as they stand, the credentials it issued (in file order), every failed row \
        (its 0-based `index` and the 1-based `row` the dry run shows) and its award e-mails by state.",
    params(("job_id" = String, Path, description = "The job's id.")),
    responses(
        (status = 200, description = "The job.", body = BulkJobDetail),
        (status = 404, description = "`not_found`: no such job in this organisation.", body = ErrorResponse),
    ),
    security(("api_key" = ["credentials:read"])),
)]
pub async fn get(State(state): State<ApiState>, Caller(key): Caller, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    key.require(Scope::CredentialsRead)?;
    let job = jobs::get(&state.db, &key.org_id, &id).await?;
    let credential_ids = jobs::credential_ids(&state.db, &key.org_id, &id).await?;
    let errors: Vec<Value> = jobs::failed_items(&state.db, &key.org_id, &id)
        .await?
        .into_iter()
        .map(|i| {
            json!({
                "index": i.idx,
                "row": i.row(),
                "line": i.line,
                "email": i.email,
                "code": i.error_code,
                "message": i.error_message,
            })
        })
        .collect();
    let emails = issuance::outbox::counts_for_job(&state.db, &key.org_id, &id).await?;
    let mut v = job_json(&job);
    let o = v.as_object_mut().expect("object");
    o.insert("credential_ids".into(), credential_ids.into());
    o.insert("errors".into(), errors.into());
    o.insert("emails".into(), json!(emails));
    Ok(Json(v))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ItemsQuery {
    /// Items per page, 1 to 1,000 (default 1,000).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<i64>,
    /// The previous page's `next_cursor`.
    after: Option<String>,
}

/// Items per page at most: ten pages read a whole batch.
const MAX_ITEMS_PAGE: i64 = 1000;

/// One page of job `id`'s items in file order, and the cursor of the next
/// (shared by the CSV and JSON item lists, which show them differently).
pub async fn items_page(
    state: &ApiState,
    org_id: &str,
    id: &str,
    query: &ItemsQuery,
) -> ApiResult<(Vec<issuance::jobs::JobItem>, Option<String>)> {
    let limit = query.limit.unwrap_or(MAX_ITEMS_PAGE);
    if !(1..=MAX_ITEMS_PAGE).contains(&limit) {
        return Err(ApiError::validation("limit", format!("must be 1 to {MAX_ITEMS_PAGE}, got {limit}")));
    }
    let after = match query.after.as_deref() {
        None => None,
        Some(a) => {
            Some(a.parse::<i64>().map_err(|_| ApiError::validation("after", "must be a previous page's next_cursor"))?)
        }
    };
    let filter = issuance::jobs::ItemFilter { state: None, after, limit: limit + 1 };
    let mut page = jobs::items(&state.db, org_id, id, &filter).await?;
    let more = page.len() as i64 > limit;
    page.truncate(limit as usize);
    let next = if more { page.last().map(|i| i.idx.to_string()) } else { None };
    Ok((page, next))
}

/// `GET /v1/bulk-issue/{job_id}/items`: every row's outcome in file order
/// (any job, CSV or JSON), so a client can pair each row with the
/// credential or the error it got.
#[utoipa::path(
    get,
    path = "/v1/bulk-issue/{job_id}/items",
    tag = "bulk-issue",
    operation_id = "listBulkIssueItems",
    summary = "Each row's outcome",
    description = "Every row of the job in file order: its 0-based `index`, the 1-based `row` the dry run shows, \
        `email`, `status` (`pending`, `succeeded`, `failed`, `skipped`, `cancelled`), the `credential_id` it got \
        or the `error` it met.",
    params(("job_id" = String, Path, description = "The job's id."), ItemsQuery),
    responses(
        (status = 200, description = "A page of rows.", body = BulkItemList),
        (status = 400, description = "`validation_failed`: `limit` or `after` is not valid.", body = ErrorResponse),
        (status = 404, description = "`not_found`: no such job in this organisation.", body = ErrorResponse),
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
    jobs::get(&state.db, &key.org_id, &id).await?;
    let (page, next) = items_page(&state, &key.org_id, &id, &query).await?;
    let data: Vec<Value> = page
        .into_iter()
        .map(|i| {
            let error = i.error_code.clone().map(|code| json!({"code": code, "message": i.error_message}));
            json!({"index": i.idx, "row": i.row(), "email": i.email, "status": i.state,
                   "credential_id": i.credential_id, "error": error,
                   "email_status": i.email_status, "email_error": i.email_error})
        })
        .collect();
    Ok(Json(json!({"data": data, "has_more": next.is_some(), "next_cursor": next})))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// The previous page's `next_cursor`.
    after: Option<String>,
}

/// Jobs per page at most.
pub const MAX_PAGE: i64 = 200;

/// A list's `limit`: 50 unless given, 1 to [`MAX_PAGE`].
pub fn page_limit(limit: Option<i64>) -> ApiResult<i64> {
    let limit = limit.unwrap_or(50);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::validation("limit", format!("must be 1 to {MAX_PAGE}, got {limit}")));
    }
    Ok(limit)
}

/// One page of the org's jobs (of `source`, when given) as
/// `{"data", "has_more", "next_cursor"}`: one query, a row past the page
/// telling whether there is more.
pub async fn jobs_page(
    state: &ApiState,
    org_id: &str,
    source: Option<model::JobSource>,
    q: ListQuery,
    shown: fn(&Job) -> Value,
) -> ApiResult<Json<Value>> {
    let limit = page_limit(q.limit)?;
    let after = q.after.filter(|a| !a.is_empty());
    let mut page = jobs::list(&state.db, org_id, source, limit + 1, after.as_deref()).await?;
    let has_more = page.len() as i64 > limit;
    page.truncate(limit as usize);
    Ok(Json(json!({
        "data": page.iter().map(shown).collect::<Vec<_>>(),
        "has_more": has_more,
        "next_cursor": if has_more { page.last().map(|j| j.id.clone()) } else { None },
    })))
}

/// `GET /v1/bulk-issue`: the org's jobs, newest first; `after` is the
/// previous page's `next_cursor`.
#[utoipa::path(
    get,
    path = "/v1/bulk-issue",
    tag = "bulk-issue",
    operation_id = "listBulkIssues",
    summary = "List jobs",
    description = "The organisation's jobs (CSV uploads and JSON batches), newest first.",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of jobs.", body = BulkJobList),
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
    jobs_page(&state, &key.org_id, None, q, job_json).await
}

/// `POST /v1/bulk-issue/{job_id}/cancel`: stops a pending or running job;
/// what was issued stays issued. A finished job is 409.
#[utoipa::path(
    post,
    path = "/v1/bulk-issue/{job_id}/cancel",
    tag = "bulk-issue",
    operation_id = "cancelBulkIssue",
    summary = "Cancel a job",
    description = "Stops a pending or running job; what was issued stays issued.",
    params(("job_id" = String, Path, description = "The job's id.")),
    responses(
        (status = 200, description = "The cancelled job.", body = BulkJob),
        (status = 404, description = "`not_found`: no such job in this organisation.", body = ErrorResponse),
        (status = 409, description = "`conflict`: the job has finished.", body = ErrorResponse),
    ),
    security(("api_key" = ["credentials:write"])),
)]
pub async fn cancel(
    State(state): State<ApiState>,
    Caller(key): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    key.require(Scope::CredentialsWrite)?;
    let job = jobs::cancel(&state.db, &key.org_id, &id, None).await?;
    tracing::info!(job_id = %id, api_key = %key.id, "bulk job cancelled");
    Ok(Json(job_json(&job)))
}

/// `POST /v1/bulk-issue/{job_id}/revoke`: undoes a finished job. Every
/// credential it issued that is still active is revoked, with the optional
/// `reason`, by a job of its own (202; follow it as any job).
#[utoipa::path(
    post,
    path = "/v1/bulk-issue/{job_id}/revoke",
    tag = "bulk-issue",
    operation_id = "revokeBulkIssue",
    summary = "Undo a job: revoke every credential it issued",
    description = "Starts a job that revokes every credential the job issued that is still active, each with the \
        optional `reason` (by default \"Job … was undone\"); with `notify_recipients`, each recipient is e-mailed \
        as their credential is revoked. The answer is that job (`undoes_job_id` names the \
        undone one); follow it at `GET /v1/bulk-issue/{its job_id}`. Revoked credentials show in the status lists \
        as each batch commits; a worker that stops mid-way is taken over, and no credential is revoked twice.",
    params(("job_id" = String, Path, description = "The job to undo.")),
    request_body(content = Option<UndoBody>, content_type = "application/json"),
    responses(
        (status = 202, description = "The undo job, pending.", body = BulkJob),
        (status = 400, description = "`validation_failed`: the body is not `{\"reason\", \"notify_recipients\"}`.", body = ErrorResponse),
        (status = 404, description = "`not_found`: no such job in this organisation.", body = ErrorResponse),
        (status = 409, description = "`conflict`: the job still runs, is an undo, or was undone already.", body = ErrorResponse),
        (status = 422, description = "`unprocessable_entity`: none of its credentials is active.", body = ErrorResponse),
    ),
    security(("api_key" = ["credentials:write"])),
)]
pub async fn revoke(
    State(state): State<ApiState>,
    Caller(key): Caller,
    Path(id): Path<String>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    key.require(Scope::CredentialsWrite)?;
    let job = undo(&state, &key, &id, body).await?;
    Ok((StatusCode::ACCEPTED, Json(job_json(&job))))
}

/// The optional body of an undo: empty, or `{"reason", "notify_recipients"}`.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[schema(as = UndoRequest)]
#[serde(deny_unknown_fields)]
pub struct UndoBody {
    /// Why; kept with each credential as its `revocation_reason`.
    pub reason: Option<String>,
    /// E-mail each recipient that their credential was revoked (with the
    /// reason and a link to the credential's page). Default false.
    pub notify_recipients: Option<bool>,
}

/// Starts the undo of `id` for an API caller.
pub(super) async fn undo(
    state: &ApiState,
    key: &ApiKey,
    id: &str,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> ApiResult<Job> {
    let body: UndoBody = super::credentials::optional_body(body)?;
    let origin = jobs::revoke::Origin { created_by: None, api_key_id: Some(&key.id) };
    let notify = body.notify_recipients.unwrap_or(false);
    let job =
        jobs::undo::start(&state.db, &key.org_id, id, body.reason.as_deref(), notify, &origin, clock::now()).await?;
    tracing::info!(job_id = %id, undo = %job.id, api_key = %key.id, "job undo started");
    Ok(job)
}

/// `POST /v1/bulk-issue/{job_id}/release`: lets a job paused after its
/// pilot issue the rest of its rows.
#[utoipa::path(
    post,
    path = "/v1/bulk-issue/{job_id}/release",
    tag = "bulk-issue",
    operation_id = "releaseBulkIssue",
    summary = "Release a job paused after its pilot",
    description = "A job submitted with `?pilot=N` issues and e-mails its first N rows, then waits as `paused`. \
        Releasing it issues the rest (`status` back to `processing`); `POST …/cancel` drops them instead.",
    params(("job_id" = String, Path, description = "The paused job.")),
    responses(
        (status = 200, description = "The job, processing again.", body = BulkJob),
        (status = 404, description = "`not_found`: no such job in this organisation.", body = ErrorResponse),
        (status = 409, description = "`conflict`: the job is not paused.", body = ErrorResponse),
    ),
    security(("api_key" = ["credentials:write"])),
)]
pub async fn release(
    State(state): State<ApiState>,
    Caller(key): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    key.require(Scope::CredentialsWrite)?;
    let job = jobs::pilot::release(&state.db, &key.org_id, &id, None).await?;
    tracing::info!(job_id = %id, api_key = %key.id, "job released after its pilot");
    Ok(Json(job_json(&job)))
}

/// A new start time for a scheduled job.
#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = RescheduleRequest)]
#[serde(deny_unknown_fields)]
pub struct RescheduleBody {
    /// RFC 3339 with an offset, or a wall-clock time in the organisation's time zone.
    scheduled_for: String,
}

/// `PATCH /v1/bulk-issue/{job_id}`: moves a scheduled job's start time.
#[utoipa::path(
    patch,
    path = "/v1/bulk-issue/{job_id}",
    tag = "bulk-issue",
    operation_id = "rescheduleBulkIssue",
    summary = "Move a scheduled job",
    description = "A job submitted with `?scheduled_for=` waits as `scheduled`; until it starts its time can be \
        moved (to a later moment than now, within a year) or the job cancelled (`POST …/cancel`).",
    params(("job_id" = String, Path, description = "The scheduled job.")),
    request_body(content = RescheduleBody, content_type = "application/json"),
    responses(
        (status = 200, description = "The job, with its new `scheduled_for`.", body = BulkJob),
        (status = 400, description = "`validation_failed`: not `{\"scheduled_for\"}`, or not a later time.", body = ErrorResponse),
        (status = 404, description = "`not_found`: no such job in this organisation.", body = ErrorResponse),
        (status = 409, description = "`conflict`: the job is not scheduled (it started, or was cancelled).", body = ErrorResponse),
    ),
    security(("api_key" = ["credentials:write"])),
)]
pub async fn reschedule(
    State(state): State<ApiState>,
    Caller(key): Caller,
    Path(id): Path<String>,
    super::extract::ApiJson(body): super::extract::ApiJson<RescheduleBody>,
) -> ApiResult<Json<Value>> {
    key.require(Scope::CredentialsWrite)?;
    let zone = issuance::orgs::time_zone::zone(&issuance::orgs::time_zone::get(&state.db, &key.org_id).await?)?;
    let at = issuance::orgs::time_zone::parse(&body.scheduled_for, &zone, "scheduled_for")?;
    let job = jobs::schedule::reschedule(&state.db, &key.org_id, &id, at, None, clock::now()).await?;
    Ok(Json(job_json(&job)))
}
