//! The JSON REST API under `/v1`, authenticated by `X-Api-Key`, and the
//! public documents verifiers fetch (DID documents, status lists). Each
//! handler checks the key's scope, then calls the issuance core.

mod audit;
mod badges;
mod batch;
mod bulk;
mod credentials;
mod error;
mod extract;
mod idempotent;
pub mod identity;
mod keys;
pub mod openapi;
mod public;
mod streams;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};

pub use error::{ApiError, ApiResult};

pub type ApiState = issuance::Site;

/// Largest accepted request body: a 1 MB CSV sent as multipart, with room
/// for the form's framing.
pub const MAX_BODY: usize = 1024 * 1024 + 16 * 1024;

/// Where the request holds U+0000, if it does: `Err(())` in the path, or
/// the query parameter holding it. No id or parameter needs one, and
/// PostgreSQL refuses it in text, so it reached lookups as 500s
/// (schemathesis found both).
fn nul_in(request: &axum::extract::Request) -> Option<Result<String, ()>> {
    let path = request.uri().path();
    if path.contains('\0') || path.to_ascii_lowercase().contains("%00") {
        return Some(Err(()));
    }
    let query = request.uri().query().unwrap_or_default();
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(name, value)| name.contains('\0') || value.contains('\0'))
        .map(|(name, _)| Ok(name.replace('\0', "\\u0000")))
}

const NO_RESOURCE: &str = "No such resource: the path holds the NUL character (U+0000).";
const NUL_PARAMETER: &str = "must not contain the NUL character (U+0000)";

async fn refuse_nul(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::response::IntoResponse;
    match nul_in(&request) {
        None => next.run(request).await,
        Some(Err(())) => ApiError::new(axum::http::StatusCode::NOT_FOUND, "not_found", NO_RESOURCE).into_response(),
        Some(Ok(name)) => ApiError::validation(name, NUL_PARAMETER).into_response(),
    }
}

async fn refuse_nul_jsonapi(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    use identity::jsonapi::JsonApiError;
    match nul_in(&request) {
        None => next.run(request).await,
        Some(Err(())) => JsonApiError::new(StatusCode::NOT_FOUND, "not_found", NO_RESOURCE).into_response(),
        Some(Ok(name)) => {
            JsonApiError::at(StatusCode::BAD_REQUEST, "invalid_parameter", &format!("query:{name}"), NUL_PARAMETER)
                .into_response()
        }
    }
}

pub fn router() -> Router<ApiState> {
    let v1 = Router::new()
        .route("/credentials", post(credentials::issue).get(credentials::list))
        .route("/credentials/verify", post(credentials::verify))
        .route("/credentials/batch-verify", post(credentials::batch_verify))
        .route("/credentials/batch-revoke", post(credentials::batch_revoke))
        .route("/credentials/{id}", get(credentials::get))
        .route("/credentials/{id}/revoke", post(credentials::revoke))
        .route("/badges", post(badges::create).get(badges::list))
        .route("/badges/{id}", get(badges::get).patch(badges::update))
        .route("/badges/{id}/image", put(badges::set_image))
        .route("/bulk-issue/validate", post(bulk::validate))
        .route("/bulk-issue", post(bulk::submit).get(bulk::list))
        .route("/bulk-issue/{job_id}", get(bulk::get).patch(bulk::reschedule))
        .route("/bulk-issue/{job_id}/items", get(bulk::items))
        .route("/bulk-issue/{job_id}/cancel", post(bulk::cancel))
        .route("/bulk-issue/{job_id}/revoke", post(bulk::revoke))
        .route("/bulk-issue/{job_id}/release", post(bulk::release))
        .route("/keys", post(keys::create).get(keys::list))
        .route("/keys/{id}/revoke", post(keys::revoke))
        .route("/keys/batch-verify", post(keys::batch_verify))
        .route("/keys/batch-import", post(keys::batch_import))
        .route("/audit/events", get(audit::list))
        .route("/audit/streams", post(streams::create).get(streams::list))
        .route("/audit/streams/{id}", get(streams::get).delete(streams::delete))
        // Public, like the documents below: it takes no `Caller`.
        .route("/openapi.json", get(openapi::document))
        .route_layer(axum::middleware::from_fn(refuse_nul))
        .fallback(|| async {
            ApiError::new(axum::http::StatusCode::NOT_FOUND, "not_found", "No such endpoint under /v1.")
        })
        .layer(DefaultBodyLimit::max(MAX_BODY));
    // Batches may be 25 MB; every other route keeps the limit above.
    let batches = Router::new()
        .route("/credentials/batch-issue", post(batch::submit).get(batch::list))
        .route("/credentials/batch-issue/{job_id}", get(batch::get))
        .route("/credentials/batch-issue/{job_id}/items", get(batch::items))
        .route("/credentials/batch-issue/{job_id}/cancel", post(batch::cancel))
        .route("/credentials/batch-issue/{job_id}/revoke", post(batch::revoke))
        .route_layer(axum::middleware::from_fn(refuse_nul))
        .layer(DefaultBodyLimit::max(batch::MAX_BATCH_BODY));
    // The Identity API: 1 MB documents, and images up to 15 MB on their
    // upload links (a limit of their own, inside this one).
    let identity = identity::router()
        .route_layer(axum::middleware::from_fn(refuse_nul_jsonapi))
        .layer(DefaultBodyLimit::max(MAX_BODY));
    let v1 = batches.merge(identity).merge(v1);
    let public = Router::new()
        .route("/organizations/{org_id}/did.json", get(public::did_document))
        .route("/organizations/{org_id}/status-lists/{list_id}", get(public::status_list))
        .route_layer(axum::middleware::from_fn(refuse_nul));
    Router::new().nest("/v1", v1).merge(public)
}
