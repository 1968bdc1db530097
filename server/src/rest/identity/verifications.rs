//! `/v1/verifications`: start one on a document (201 at once, `initiated`;
//! the checks run on the workers), read it, list them.

use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use issuance::api_keys::Scope;
use issuance::identity::verifications;
use serde_json::Value;

use super::jsonapi::{Doc, IdCaller, JsonApiResult, MEDIA_TYPE, list_doc, one, page_of, query_value, read, required};
use super::resources;
use crate::rest::ApiState;
use crate::rest::openapi::{
    CREATED_ID, JSONAPI_UNREADABLE, JSONAPI_UNSUPPORTED, JsonApiErrorDocument, NewVerificationRequest, PageParams,
    TOO_LARGE, VerificationList, VerificationResponse,
};

#[utoipa::path(
    post,
    path = "/v1/verifications",
    tag = "verifications",
    operation_id = "createVerification",
    summary = "Verify a government ID",
    description = "Starts the checks on a `document/idv` of the organisation: answered at once, `initiated`; the \
        checks run in the background (read it again to see them). Submitting a session starts these itself.",
    request_body(content((NewVerificationRequest = MEDIA_TYPE), (NewVerificationRequest = "application/json"))),
    responses(
        (status = 201, description = "Started, `initiated`.", content_type = MEDIA_TYPE, body = VerificationResponse, links(
            ("getVerification" = (operation_id = "getVerification", parameters(("id" = CREATED_ID)))),
        )),
        (status = 400, description = JSONAPI_UNREADABLE, content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 409, description = "`type_mismatch`: `data.type` is not `verification/idv` (`source.pointer` `/data/type`).", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 413, description = TOO_LARGE, content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 415, description = JSONAPI_UNSUPPORTED, content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 422, description = "`validation_failed` at `/data/relationships/document`: none is named, or it is \
            not one of the organisation's government IDs.", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
    ),
    security(("api_key" = ["identity:write"])),
)]
pub async fn create(State(state): State<ApiState>, IdCaller(key): IdCaller, req: Request) -> JsonApiResult<Doc> {
    key.require(Scope::IdentityWrite)?;
    let data = read::<Value>(req, &[resources::VERIFICATION]).await?;
    let document = required(&data.relationships, "document", "a verification checks a document")?;
    let v = verifications::create(&state.db, &key.org_id, &document, state.clock.now()).await?;
    Ok(one(StatusCode::CREATED, resources::verification(&v), vec![]))
}

#[utoipa::path(
    get,
    path = "/v1/verifications/{id}",
    tag = "verifications",
    operation_id = "getVerification",
    summary = "Read a verification",
    description = "The verification, with each check once they ran.",
    params(("id" = String, Path, description = "The verification's id.")),
    responses(
        (status = 200, description = "The verification.", content_type = MEDIA_TYPE, body = VerificationResponse),
        (status = 404, description = "`not_found`: no such verification in this organisation.", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
    ),
    security(("api_key" = ["identity:read"])),
)]
pub async fn get(State(state): State<ApiState>, IdCaller(key): IdCaller, Path(id): Path<String>) -> JsonApiResult<Doc> {
    key.require(Scope::IdentityRead)?;
    let v = verifications::get(&state.db, &key.org_id, &id).await?;
    Ok(one(StatusCode::OK, resources::verification(&v), vec![]))
}

#[utoipa::path(
    get,
    path = "/v1/verifications",
    tag = "verifications",
    operation_id = "listVerifications",
    summary = "List verifications",
    description = "The organisation's verifications, oldest first, a page at a time.",
    params(
        PageParams,
        ("filter[document_id]" = Option<String>, Query, nullable = false, description = "Only this document's verifications."),
    ),
    responses(
        (status = 200, description = "A page of verifications.", content_type = MEDIA_TYPE, body = VerificationList),
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
    let document = query_value(&query, "filter[document_id]");
    let rows = verifications::list(&state.db, &key.org_id, document.as_deref(), &page).await?;
    let (rows, more) = page.split(rows);
    Ok(list_doc(
        "/v1/verifications",
        &query,
        rows.iter().map(resources::verification).collect(),
        more,
        page.size,
        vec![],
    ))
}
