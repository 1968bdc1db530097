//! The Identity API (`/v1/accounts`, `/v1/sessions`, `/v1/documents`,
//! `/v1/verifications`, and the upload links), in JSON:API
//! ([`jsonapi`]). Scopes `identity:read` and `identity:write`; another
//! org's ids answer 404. Each handler checks the key and calls
//! `issuance::identity`.

pub mod accounts;
pub mod documents;
pub mod jsonapi;
pub mod resources;
pub mod sessions;
pub mod uploads;
pub mod verifications;

use axum::Router;
use axum::routing::{get, post, put};

use super::ApiState;

pub fn router() -> Router<ApiState> {
    Router::new()
        .route("/accounts", post(accounts::create).get(accounts::list))
        .route("/accounts/{id}", get(accounts::get).patch(accounts::update))
        .route("/accounts/{id}/block", post(accounts::block))
        .route("/accounts/{id}/unblock", post(accounts::unblock))
        .route("/sessions", post(sessions::create).get(sessions::list))
        .route("/sessions/{id}", get(sessions::get).patch(sessions::update))
        .route("/sessions/{id}/submit", post(sessions::submit))
        .route("/sessions/{id}/approve", post(sessions::approve))
        .route("/sessions/{id}/decline", post(sessions::decline))
        .route("/sessions/{id}/issue-credential", post(sessions::issue_credential))
        .route("/documents", post(documents::create).get(documents::list))
        .route("/documents/{id}", get(documents::get))
        .route("/verifications", post(verifications::create).get(verifications::list))
        .route("/verifications/{id}", get(verifications::get))
        .route(
            "/uploads/{document_id}/{side}",
            put(uploads::put)
                .layer(axum::extract::DefaultBodyLimit::max(issuance::identity::documents::MAX_UPLOAD + 1024)),
        )
}
