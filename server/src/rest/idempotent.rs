//! `Idempotency-Key` for POST handlers: the first request with a key runs
//! and its answer is stored; a retry with the same key and the same request
//! gets that answer again (`Idempotent-Replayed: true`); the same key with
//! a different request is refused. Server errors are not stored, so the
//! client may retry them.

use std::future::Future;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use issuance::{CoreError, clock, idempotency};
use serde_json::Value;

use super::{ApiError, ApiResult, ApiState};

/// A JSON answer, fresh or replayed.
pub struct Answer {
    pub status: StatusCode,
    pub body: String,
    pub replayed: bool,
}

impl Answer {
    /// The response, with `Location: {base}/{job_id}` when it created a job.
    pub fn located(self, base: &str) -> Response {
        let job_id = serde_json::from_str::<Value>(&self.body)
            .ok()
            .and_then(|v| v["job_id"].as_str().map(str::to_owned))
            .filter(|_| self.status.is_success());
        let mut response = self.into_response();
        if let Some(location) = job_id.and_then(|id| HeaderValue::from_str(&format!("{base}/{id}")).ok()) {
            response.headers_mut().insert(header::LOCATION, location);
        }
        response
    }
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        let mut response = (self.status, [(header::CONTENT_TYPE, "application/json")], self.body).into_response();
        if self.replayed {
            response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
        }
        response
    }
}

/// Runs `work` at most once per `Idempotency-Key` of the caller's org.
/// `request` is what makes two requests the same (method, path and the
/// meaningful bytes); `success` is the status of a fresh success.
pub async fn once(
    state: &ApiState,
    org_id: &str,
    headers: &HeaderMap,
    request: (&str, &str, &[u8]),
    success: StatusCode,
    work: impl Future<Output = ApiResult<Value>>,
) -> ApiResult<Answer> {
    let idem_key = match headers.get("idempotency-key") {
        None => None,
        Some(v) => {
            Some(v.to_str().map_err(|_| ApiError::validation("Idempotency-Key", "must be visible ASCII"))?.to_owned())
        }
    };
    let Some(k) = idem_key else {
        let body = work.await?.to_string();
        return Ok(Answer { status: success, body, replayed: false });
    };
    let (method, path, bytes) = request;
    let fingerprint = idempotency::fingerprint(method, path, bytes);
    match idempotency::claim(&state.db, org_id, &k, &fingerprint, clock::now()).await {
        Ok(idempotency::Claim::Proceed) => {}
        Ok(idempotency::Claim::Replay { status, body }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            return Ok(Answer { status, body, replayed: true });
        }
        Err(CoreError::Conflict(m)) => return Err(ApiError::idempotency_conflict(m)),
        Err(CoreError::Unprocessable(m)) => {
            return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused", m));
        }
        Err(e) => return Err(e.into()),
    }

    let outcome = work.await;
    let stored = match &outcome {
        Ok(v) => idempotency::complete(&state.db, org_id, &k, success.as_u16(), &v.to_string()).await,
        // A server error may pass: let the client retry with the same key.
        Err(e) if e.status.is_server_error() => idempotency::release(&state.db, org_id, &k).await,
        Err(e) => idempotency::complete(&state.db, org_id, &k, e.status.as_u16(), &e.body()).await,
    };
    if let Err(e) = stored {
        tracing::error!(error = %e, "could not record the idempotent answer");
    }
    Ok(Answer { status: success, body: outcome?.to_string(), replayed: false })
}
