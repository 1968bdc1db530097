//! Request extractors for the REST API: the API key, and JSON bodies whose
//! rejections come back in the API's error shape.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRef, FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use issuance::api_keys::{self, ApiKey};

use super::error::ApiError;
use super::{ApiState, MAX_BODY};

/// The caller, authenticated by `X-Api-Key`.
pub struct Caller(pub ApiKey);

impl<S> FromRequestParts<S> for Caller
where
    ApiState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let state = ApiState::from_ref(state);
        let Some(secret) = parts.headers.get("x-api-key").and_then(|v| v.to_str().ok()) else {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Send your API key in the X-Api-Key header.",
            ));
        };
        Ok(Caller(api_keys::authenticate(&state.db, secret).await?))
    }
}

/// `axum::Json`, with errors that name the problem in the API's shape.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    axum::Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::MissingJsonContentType(_)) => {
                Err(ApiError::validation("Content-Type", "must be application/json"))
            }
            Err(JsonRejection::JsonSyntaxError(e)) => {
                Err(ApiError::validation("body", format!("is not valid JSON: {}", e.body_text())))
            }
            Err(JsonRejection::JsonDataError(e)) => Err(ApiError::validation("body", e.body_text())),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(ApiError::too_large(MAX_BODY)),
            Err(e) => Err(ApiError::validation("body", e.body_text())),
        }
    }
}
