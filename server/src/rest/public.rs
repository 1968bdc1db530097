//! Documents anyone may fetch: an org's DID document and its status lists.
//! Verifiers need them without an account, so no authentication, and they
//! reveal nothing but public keys and revocation bits.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use issuance::{clock, did, keys, orgs, status_list};

use super::{ApiResult, ApiState};

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
