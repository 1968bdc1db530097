//! `PUT /v1/uploads/{document_id}/{side}?expires=…&signature=…`: a
//! document's image, sent to the signed link its document gave (no API key:
//! the link is the permission, for one side of one document, until it
//! expires). The body is the image; `Content-Type` says what it is.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use issuance::identity::documents;
use model::DocumentSide;
use serde::Deserialize;

use super::jsonapi::{Doc, JsonApiError, JsonApiResult};
use super::resources;
use crate::rest::ApiState;

#[derive(Deserialize)]
pub struct Signed {
    expires: i64,
    signature: String,
}

pub async fn put(
    State(state): State<ApiState>,
    Path((document_id, side)): Path<(String, String)>,
    Query(link): Query<Signed>,
    headers: HeaderMap,
    body: Bytes,
) -> JsonApiResult<Doc> {
    let side: DocumentSide = side
        .parse()
        .map_err(|e: String| JsonApiError::new(StatusCode::NOT_FOUND, "not_found", format!("no such side: {e}")))?;
    state.upload_key.check(&document_id, side, link.expires, &link.signature, state.clock.now())?;
    let doc = documents::get_any(&state.db, &document_id).await?;
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let doc = documents::upload(&state.db, &state.files, &doc, side, content_type, &body).await?;
    Ok(Doc(StatusCode::OK, serde_json::json!({"data": resources::document(&doc)})))
}
