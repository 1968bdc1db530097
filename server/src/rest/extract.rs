//! Request extractors for the REST API: the API key, and JSON bodies and
//! query strings whose rejections come back in the API's error shape.

use std::net::SocketAddr;

use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRef, FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use issuance::CoreError;
use issuance::accounts::throttle;
use issuance::api_keys::{self, ApiKey};

use super::error::ApiError;
use super::{ApiState, MAX_BODY};

/// The caller, authenticated by `X-Api-Key`. Wrong keys are counted per
/// client address; past the allowance that address is refused for a while
/// (429 with `Retry-After`) before any key it sends is looked at.
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
        let client = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| format!("api-ip:{}", c.0.ip()));
        let now = state.clock.now();
        if let Some(key) = &client {
            throttle::check(&state.db, key, now).await?;
        }
        match api_keys::authenticate(&state.db, secret).await {
            Err(e @ CoreError::Unauthenticated(_)) => {
                if let Some(key) = &client {
                    throttle::record_failure(&state.db, key, throttle::API_KEYS_PER_ADDRESS, now).await?;
                }
                Err(e.into())
            }
            other => Ok(Caller(other?)),
        }
    }
}

/// `axum::extract::Query`, refusing a malformed query string as
/// `validation_failed` on `query`, in the API's shape.
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(e) => Err(ApiError::validation("query", e.body_text())),
        }
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
