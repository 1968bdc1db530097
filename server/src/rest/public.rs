//! Documents anyone may fetch: an org's DID document and its status lists.
//! Verifiers need them without an account, so no authentication, and they
//! reveal nothing but public keys and revocation bits.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use issuance::{clock, did, keys, orgs, status_list};

use super::openapi::ErrorResponse;
use super::{ApiResult, ApiState};

#[utoipa::path(
    get,
    path = "/organizations/{org_id}/did.json",
    tag = "public",
    operation_id = "getDidDocument",
    summary = "An issuer's DID document",
    description = "The organisation's `did:web` document: the public keys (JWK) its credentials are signed with. \
        Public: needs no API key. Cacheable for 5 minutes.",
    params(("org_id" = String, Path, description = "The organisation's id.")),
    responses(
        (status = 200, description = "The DID document.", content_type = "application/did+json", body = Object),
        (status = 404, description = "`not_found`: no such organisation.", body = ErrorResponse),
    ),
)]
pub async fn did_document(State(state): State<ApiState>, Path(org_id): Path<String>) -> ApiResult<Response> {
    orgs::organizations::get(&state.db, &org_id).await?;
    let keys = keys::public_keys(&state.db, &org_id).await?;
    let did = did::org_did(&state.public_url, &org_id);
    let doc = did::document(&did, &keys.into_iter().map(|k| (k.key_id, k.jwk)).collect::<Vec<_>>());
    Ok((
        [(header::CONTENT_TYPE, "application/did+json"), (header::CACHE_CONTROL, "public, max-age=300")],
        doc.to_string(),
    )
        .into_response())
}

#[utoipa::path(
    get,
    path = "/organizations/{org_id}/status-lists/{list_id}",
    tag = "public",
    operation_id = "getStatusList",
    summary = "A signed status list",
    description = "The status list credential that holds the revocation bits of the organisation's credentials \
        (each credential's `status_list_credential`), signed, as a compact JWS. Public: needs no API key. \
        Cacheable for 30 seconds.",
    params(
        ("org_id" = String, Path, description = "The organisation's id."),
        ("list_id" = String, Path, description = "The status list's id."),
    ),
    responses(
        (status = 200, description = "The signed status list credential.", content_type = "application/vc+jwt", body = String),
        (status = 404, description = "`not_found`: no such status list.", body = ErrorResponse),
    ),
)]
pub async fn status_list(
    State(state): State<ApiState>,
    Path((org_id, list_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let list = status_list::lists::get(&state.db, &org_id, &list_id).await?;
    let jwt =
        status_list::lists::signed_credential(&state.db, &state.master_key, &state.public_url, &list, clock::now())
            .await?;
    // Revocation must show promptly, so verifiers should not cache long.
    Ok(([(header::CONTENT_TYPE, "application/vc+jwt"), (header::CACHE_CONTROL, "public, max-age=30")], jwt)
        .into_response())
}
