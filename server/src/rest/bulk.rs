//! `/v1/bulk-issue/validate`: the dry run of a recipients CSV, as JSON. It
//! is the same function the dashboard's review screen uses, and writes
//! nothing.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Query, Request, State};
use axum::http::{StatusCode, header};
use issuance::api_keys::Scope;
use issuance::bulk::{self, FileError, Review, RowStatus};
use issuance::clock;
use serde::Deserialize;
use serde_json::{Value, json};

use super::error::Detail;
use super::extract::Caller;
use super::{ApiError, ApiResult, ApiState};

#[derive(Deserialize)]
pub struct BadgeQuery {
    badge_id: Option<String>,
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
    error.details.push(Detail { path: "file".into(), message: format!("{}: {}", e.code, e.message) });
    error
}

pub fn review_json(r: &Review) -> Value {
    let mut totals = serde_json::Map::new();
    for s in RowStatus::ALL {
        totals.insert(s.as_str().into(), r.totals.of(s).into());
    }
    totals.insert("rows".into(), r.totals.rows.into());
    totals.insert("valid".into(), r.totals.valid.into());
    totals.insert("issuable".into(), r.totals.issuable.into());
    json!({
        "badge_id": r.badge_id,
        "totals": totals,
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
        })).collect::<Vec<_>>(),
    })
}

pub async fn validate(
    State(state): State<ApiState>,
    Caller(key): Caller,
    Query(q): Query<BadgeQuery>,
    upload: Upload,
) -> ApiResult<Json<Value>> {
    key.require(Scope::CredentialsWrite)?;
    let badge_id = q
        .badge_id
        .filter(|b| !b.is_empty())
        .ok_or_else(|| ApiError::validation("badge_id", "is required (query parameter)"))?;
    let review =
        bulk::review(&state.db, &key.org_id, &badge_id, &upload.bytes, upload.filename.as_deref(), clock::now())
            .await?
            .map_err(file_error)?;
    Ok(Json(review_json(&review)))
}
