//! `PUT /v1/uploads/{document_id}/{side}?expires=…&signature=…`: a
//! document's image, sent to the signed link its document gave (no API key:
//! the link is the permission, for one side of one document, until it
//! expires). The body is the image; `Content-Type` says what it is.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use issuance::identity::documents::{self, MAX_UPLOAD};
use model::DocumentSide;

use super::jsonapi::{Doc, JsonApiError, JsonApiResult, MEDIA_TYPE, query_value};
use super::resources;
use crate::rest::ApiState;
use crate::rest::openapi::{DocumentSideName, JsonApiErrorDocument, RawBytes, UploadedDocument};

/// A query parameter the link must carry; a link without it was not one
/// Laurel gave, so it says which is missing rather than only "forbidden".
fn link_parameter(query: &[(String, String)], name: &str) -> JsonApiResult<String> {
    query_value(query, name).ok_or_else(|| {
        JsonApiError::at(
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
            &format!("query:{name}"),
            format!("an upload link carries `{name}`: use the link the document gave"),
        )
    })
}

#[utoipa::path(
    put,
    path = "/v1/uploads/{document_id}/{side}",
    tag = "documents",
    operation_id = "putDocumentImage",
    summary = "Upload a side's image to its signed link",
    description = "The body is the image itself: JPEG, PNG or WebP (a PDF too for a proof of address), at most \
        15 MiB, its type in `Content-Type`; it replaces an earlier upload of that side. Needs no API key: the link \
        a document's `meta.upload_urls` gives (`expires` and `signature` in its query) is the permission, for that \
        side of that document, for 15 minutes; read the document again for fresh links.",
    params(
        ("document_id" = String, Path, description = "The document's id."),
        ("side" = inline(DocumentSideName), Path, description = "`front`, or `back` for a driving licence or an ID card."),
        ("expires" = i64, Query, description = "From the link: when it stops working (Unix time, seconds)."),
        ("signature" = String, Query, description = "From the link: its signature."),
    ),
    request_body(content(
        (RawBytes = "image/jpeg"),
        (RawBytes = "image/png"),
        (RawBytes = "image/webp"),
        (RawBytes = "application/pdf"),
    )),
    responses(
        (status = 200, description = "The document, the side's image recorded.", content_type = MEDIA_TYPE, body = UploadedDocument),
        (status = 400, description = "`invalid_parameter`: the query lacks `expires` or `signature`, or `expires` is not \
            a number (`source.parameter`); or `invalid_body`.", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 403, description = "`forbidden`: the signature is not this link's (another document or side), or \
            the link has expired.", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 404, description = "`not_found`: `side` is neither `front` nor `back`, or the document is gone.", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 409, description = "`conflict`: the document's images were deleted under the retention rule, or its \
            session is decided.", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 413, description = "`payload_too_large`: the image is over 15 MiB.", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 422, description = "`validation_failed`: the document has no such side (a passport has no back), \
            `Content-Type` is not a type it takes (`source.header`), or the body is empty.", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
    ),
)]
pub async fn put(
    State(state): State<ApiState>,
    Path((document_id, side)): Path<(String, String)>,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> JsonApiResult<Doc> {
    let side: DocumentSide = side
        .parse()
        .map_err(|e: String| JsonApiError::new(StatusCode::NOT_FOUND, "not_found", format!("no such side: {e}")))?;
    let expires = link_parameter(&query, "expires")?.parse::<i64>().map_err(|_| {
        JsonApiError::at(
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
            "query:expires",
            "expected a Unix time in seconds",
        )
    })?;
    let signature = link_parameter(&query, "signature")?;
    state.upload_key.check(&document_id, side, expires, &signature, state.clock.now())?;
    // axum's own refusals are plain text; this API answers in JSON:API.
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            JsonApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("an image is at most {} MiB", MAX_UPLOAD / (1024 * 1024)),
            )
        } else {
            JsonApiError::new(StatusCode::BAD_REQUEST, "invalid_body", e.body_text())
        }
    })?;
    let doc = documents::get_any(&state.db, &document_id).await?;
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let doc = documents::upload(&state.db, &state.files, &doc, side, content_type, &body).await?;
    Ok(Doc(StatusCode::OK, serde_json::json!({"data": resources::document(&doc)})))
}
