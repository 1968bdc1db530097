//! The REST API's one error type and its JSON shape:
//! `{"error": {"code", "message", "details": [{"path", "message"}]}}`.
//! Internal detail is logged under a reference and never sent.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use issuance::CoreError;
use serde::Serialize;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Vec<Detail>,
    /// Sent as `Retry-After` (seconds), on 429 and 503.
    pub retry_after: Option<u64>,
}

/// One problem of a request: the field's path (`claims.kyb_status`,
/// `credentials[3]`, `file`) and what is wrong with it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ErrorDetail)]
pub struct Detail {
    pub path: String,
    pub message: String,
}

#[derive(Serialize)]
struct Body<'a> {
    error: Inner<'a>,
}

#[derive(Serialize)]
struct Inner<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "<[Detail]>::is_empty")]
    details: &'a [Detail],
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), details: Vec::new(), retry_after: None }
    }

    pub fn validation(path: impl Into<String>, message: impl Into<String>) -> Self {
        let (path, message) = (path.into(), message.into());
        let mut e = Self::new(StatusCode::BAD_REQUEST, "validation_failed", format!("{path}: {message}"));
        e.details.push(Detail { path, message });
        e
    }

    pub fn idempotency_conflict(message: String) -> Self {
        Self::new(StatusCode::CONFLICT, "idempotency_conflict", message)
    }

    pub fn too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("The request body is larger than {} KiB.", limit / 1024),
        )
    }

    /// The JSON body, for storing an answer to replay.
    pub fn body(&self) -> String {
        serde_json::to_string(&Body {
            error: Inner { code: self.code, message: &self.message, details: &self.details },
        })
        .unwrap_or_default()
    }
}

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> Self {
        match e {
            CoreError::Validation(fields) => {
                let message = if fields.len() == 1 {
                    fields[0].to_string()
                } else {
                    format!("{} problems in the request; see details.", fields.len())
                };
                ApiError {
                    status: StatusCode::BAD_REQUEST,
                    code: "validation_failed",
                    message,
                    details: fields.into_iter().map(|f| Detail { path: f.path, message: f.message }).collect(),
                    retry_after: None,
                }
            }
            CoreError::Unprocessable(m) => Self::new(StatusCode::UNPROCESSABLE_ENTITY, "unprocessable_entity", m),
            CoreError::QuotaExceeded(m) => Self::new(StatusCode::UNPROCESSABLE_ENTITY, "quota_exceeded", m),
            CoreError::Unauthenticated(m) => Self::new(StatusCode::UNAUTHORIZED, "unauthorized", m),
            CoreError::Forbidden(m) => Self::new(StatusCode::FORBIDDEN, "forbidden", m),
            CoreError::NotFound => {
                Self::new(StatusCode::NOT_FOUND, "not_found", "No such resource in this organisation.")
            }
            CoreError::Conflict(m) => Self::new(StatusCode::CONFLICT, "conflict", m),
            CoreError::RateLimited { retry_after_secs } => Self {
                retry_after: Some(retry_after_secs.max(1)),
                ..Self::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate_limited",
                    format!("Too many requests; retry in {} s.", retry_after_secs.max(1)),
                )
            },
            CoreError::Unavailable(outage) => Self {
                retry_after: Some(outage.retry_after_secs()),
                ..Self::new(StatusCode::SERVICE_UNAVAILABLE, outage.code(), outage.message())
            },
            CoreError::Internal(err) => {
                let reference = issuance::ids::new_id("err");
                tracing::error!(%reference, error = ?err, "internal error in the REST API");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal_error",
                    format!(
                        "Something went wrong on our side (reference {reference}). Retry; if it persists, send us the reference."
                    ),
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body { error: Inner { code: self.code, message: &self.message, details: &self.details } };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
