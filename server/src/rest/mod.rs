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
        .layer(DefaultBodyLimit::max(batch::MAX_BATCH_BODY));
    // The Identity API: 1 MB documents, and images up to 15 MB on their
    // upload links (a limit of their own, inside this one).
    let identity = identity::router().layer(DefaultBodyLimit::max(MAX_BODY));
    let v1 = batches.merge(identity).merge(v1);
    Router::new()
        .nest("/v1", v1)
        .route("/organizations/{org_id}/did.json", get(public::did_document))
        .route("/organizations/{org_id}/status-lists/{list_id}", get(public::status_list))
}
