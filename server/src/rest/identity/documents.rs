//! `/v1/documents`: create (answering with `meta.upload_urls`, a fresh
//! signed link per side), read (fresh links again) and list.

use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use issuance::api_keys::Scope;
use issuance::identity::documents::{self, Document, NewDocument};
use issuance::identity::upload_link::UploadKey;
use model::{DocumentKind, IdClass};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::jsonapi::{Doc, IdCaller, JsonApiResult, MEDIA_TYPE, list_doc, page_of, query_value, read, related};
use super::resources;
use crate::rest::ApiState;
use crate::rest::openapi::{
    CREATED_ID, DocumentList, DocumentResponse, JSONAPI_UNREADABLE, JSONAPI_UNSUPPORTED, JsonApiErrorDocument,
    NewDocumentRequest, PageParams, TOO_LARGE,
};

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attributes {
    id_class: Option<IdClass>,
    country_code: Option<String>,
    mrz: Option<String>,
}

/// The document with a link per side to `PUT` its image to, while its
/// images are kept.
fn with_links(state: &ApiState, d: &Document, status: StatusCode) -> Doc {
    let mut doc = json!({"data": resources::document(d)});
    if let Some(meta) = upload_meta(&state.upload_key, &state.public_url, d, state.clock.now()) {
        doc["meta"] = meta;
    }
    Doc(status, doc)
}

/// The `meta` of a document's answer: a fresh link per side, or none once
/// its images were deleted.
pub fn upload_meta(key: &UploadKey, public_url: &str, d: &Document, now: i64) -> Option<Value> {
    if d.images_deleted_at.is_some() {
        return None;
    }
    let urls: Map<String, Value> =
        d.sides().into_iter().map(|side| (side.to_string(), key.url(public_url, &d.id, side, now).into())).collect();
    Some(json!({
        "upload_urls": urls,
        "upload_expires_in": issuance::identity::upload_link::TTL_SECS,
    }))
}

#[utoipa::path(
    post,
    path = "/v1/documents",
    tag = "documents",
    operation_id = "createDocument",
    summary = "Create a document",
    description = "A government ID (`document/idv`: its `id_class` and `country_code`, and the MRZ if you have \
        it) or a proof of address (`document/address`), optionally in a session that is still `created`. The \
        answer's `meta.upload_urls` are the signed links to `PUT` each side's image to (see `putDocumentImage`).",
    request_body(content((NewDocumentRequest = MEDIA_TYPE), (NewDocumentRequest = "application/json"))),
    responses(
        (status = 201, description = "Created, with its upload links.", content_type = MEDIA_TYPE, body = DocumentResponse, links(
            ("getDocument" = (operation_id = "getDocument", parameters(("id" = CREATED_ID)))),
            ("createVerification" = (operation_id = "createVerification", request_body = json!({"data": {
                "type": resources::VERIFICATION,
                "relationships": {"document": {"data": {"type": DocumentKind::Idv.as_str(), "id": CREATED_ID}}}}}))),
        )),
        (status = 400, description = JSONAPI_UNREADABLE, content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 409, description = "`type_mismatch`: `data.type` is neither `document/idv` nor `document/address` \
            (`source.pointer` `/data/type`).", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 413, description = TOO_LARGE, content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 415, description = JSONAPI_UNSUPPORTED, content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 422, description = "`validation_failed`, one error per problem, `source.pointer` naming the member: an \
            unknown or mistyped attribute, no `id_class` or `country_code` for a government ID, an `id_class` for a \
            proof of address, a `country_code` not two capitals, an `mrz` over 200 characters; a `session` that is \
            not the organisation's or no longer `created`.", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
    ),
    security(("api_key" = ["identity:write"])),
)]
pub async fn create(State(state): State<ApiState>, IdCaller(key): IdCaller, req: Request) -> JsonApiResult<Doc> {
    key.require(Scope::IdentityWrite)?;
    let data = read::<Attributes>(req, &[DocumentKind::Idv.as_str(), DocumentKind::Address.as_str()]).await?;
    let new = NewDocument {
        kind: data.kind.parse().ok(),
        id_class: data.attributes.id_class,
        country_code: data.attributes.country_code,
        mrz: data.attributes.mrz,
        session_id: related(&data.relationships, "session"),
    };
    let d = documents::create(&state.db, &key.org_id, new, state.clock.now()).await?;
    Ok(with_links(&state, &d, StatusCode::CREATED))
}

#[utoipa::path(
    get,
    path = "/v1/documents/{id}",
    tag = "documents",
    operation_id = "getDocument",
    summary = "Read a document",
    description = "The document, with fresh upload links while its images are kept.",
    params(("id" = String, Path, description = "The document's id.")),
    responses(
        (status = 200, description = "The document.", content_type = MEDIA_TYPE, body = DocumentResponse),
        (status = 404, description = "`not_found`: no such document in this organisation.", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
    ),
    security(("api_key" = ["identity:read"])),
)]
pub async fn get(State(state): State<ApiState>, IdCaller(key): IdCaller, Path(id): Path<String>) -> JsonApiResult<Doc> {
    key.require(Scope::IdentityRead)?;
    let d = documents::get(&state.db, &key.org_id, &id).await?;
    Ok(with_links(&state, &d, StatusCode::OK))
}

#[utoipa::path(
    get,
    path = "/v1/documents",
    tag = "documents",
    operation_id = "listDocuments",
    summary = "List documents",
    description = "The organisation's documents, oldest first, a page at a time (without upload links).",
    params(
        PageParams,
        ("filter[session_id]" = Option<String>, Query, nullable = false, description = "Only this session's documents."),
    ),
    responses(
        (status = 200, description = "A page of documents.", content_type = MEDIA_TYPE, body = DocumentList),
        (status = 400, description = "`invalid_parameter`: `page[size]` is not 1 to 100 (`source.parameter`).", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
    ),
    security(("api_key" = ["identity:read"])),
)]
pub async fn list(
    State(state): State<ApiState>,
    IdCaller(key): IdCaller,
    Query(query): Query<Vec<(String, String)>>,
) -> JsonApiResult<Doc> {
    key.require(Scope::IdentityRead)?;
    let page = page_of(&query)?;
    let session = query_value(&query, "filter[session_id]");
    let rows = documents::list(&state.db, &key.org_id, session.as_deref(), &page).await?;
    let (rows, more) = page.split(rows);
    Ok(list_doc("/v1/documents", &query, rows.iter().map(resources::document).collect(), more, page.size, vec![]))
}
