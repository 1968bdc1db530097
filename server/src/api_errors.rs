//! Gives server-function errors their proper HTTP status.
//!
//! Leptos answers every server-function error with 500 and the error,
//! JSON-encoded, as the body. The body is our `AppError`, which knows its
//! status, so this layer reads it back and sets the status: one place,
//! rather than a status set by hand in every server function.

use app::error::AppError;
use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

/// Error bodies are short messages; anything longer is left as it is.
const MAX_ERROR_BODY: usize = 64 * 1024;

pub async fn set_status_from_error(request: Request<Body>, next: Next) -> Response {
    let is_server_fn = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !is_server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match to_bytes(body, MAX_ERROR_BODY).await {
        Ok(bytes) => bytes,
        Err(_) => return Response::from_parts(parts, Body::empty()),
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
}
