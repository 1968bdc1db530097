//! `/v1/verifications`: start one on a document (201 at once, `initiated`;
//! the checks run on the workers), read it, list them.

use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use issuance::api_keys::Scope;
use issuance::identity::verifications;
use serde_json::Value;

use super::jsonapi::{Doc, IdCaller, JsonApiResult, list_doc, one, page_of, query_value, read, required};
use super::resources;
use crate::rest::ApiState;

pub async fn create(State(state): State<ApiState>, IdCaller(key): IdCaller, req: Request) -> JsonApiResult<Doc> {
    key.require(Scope::IdentityWrite)?;
    let data = read::<Value>(req, &["verification/idv"]).await?;
    let document = required(&data.relationships, "document", "a verification checks a document")?;
    let v = verifications::create(&state.db, &key.org_id, &document, state.clock.now()).await?;
    Ok(one(StatusCode::CREATED, resources::verification(&v), vec![]))
}

pub async fn get(State(state): State<ApiState>, IdCaller(key): IdCaller, Path(id): Path<String>) -> JsonApiResult<Doc> {
    key.require(Scope::IdentityRead)?;
    let v = verifications::get(&state.db, &key.org_id, &id).await?;
    Ok(one(StatusCode::OK, resources::verification(&v), vec![]))
}

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
    Ok(list_doc("/v1/verifications", rows.iter().map(resources::verification).collect(), more, page.size, vec![]))
}
