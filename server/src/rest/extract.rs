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
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        if !is_json(req.headers()) {
            return Err(ApiError::validation("Content-Type", "must be application/json"));
        }
        let bytes = match axum::body::Bytes::from_request(req, state).await {
            Ok(b) => b,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(ApiError::too_large(MAX_BODY)),
            Err(e) => return Err(ApiError::validation("body", e.body_text())),
        };
        refuse_nul(&bytes)?;
        match axum::Json::<T>::from_bytes(&bytes) {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::JsonSyntaxError(e)) => {
                Err(ApiError::validation("body", format!("is not valid JSON: {}", e.body_text())))
            }
            Err(JsonRejection::JsonDataError(e)) => Err(ApiError::validation("body", e.body_text())),
            Err(e) => Err(ApiError::validation("body", e.body_text())),
        }
    }
}

/// `application/json`, or any `+json` type, as `axum::Json` accepts.
fn is_json(headers: &axum::http::HeaderMap) -> bool {
    let Some(mime) = headers.get(axum::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = mime.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// No text column takes U+0000 (PostgreSQL refuses it outright), and no
/// name, e-mail or id needs it: a JSON body holding one is refused before
/// anything reads it, naming where it is.
pub(crate) fn refuse_nul(body: &[u8]) -> Result<(), ApiError> {
    match nul_at(body) {
        Some(pointer) => Err(ApiError::validation(pointer, "must not contain the NUL character (U+0000)")),
        None => Ok(()),
    }
}

/// The JSON pointer of the first string (or key) holding U+0000, if any.
/// JSON can only carry it escaped, so most bodies are passed by a byte search.
pub(crate) fn nul_at(body: &[u8]) -> Option<String> {
    if !body.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000")) {
        return None;
    }
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    fn walk(v: &serde_json::Value, at: &str) -> Option<String> {
        let escape = |k: &str| k.replace('~', "~0").replace('/', "~1");
        match v {
            serde_json::Value::String(s) if s.contains('\0') => Some(at.to_owned()),
            serde_json::Value::Array(items) => {
                items.iter().enumerate().find_map(|(i, x)| walk(x, &format!("{at}/{i}")))
            }
            serde_json::Value::Object(map) => map.iter().find_map(|(k, x)| {
                let here = format!("{at}/{}", escape(k));
                if k.contains('\0') { Some(here) } else { walk(x, &here) }
            }),
            _ => None,
        }
    }
    walk(&value, "").map(|p| if p.is_empty() { "body".to_owned() } else { p })
}
