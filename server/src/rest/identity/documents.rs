//! `/v1/documents`: create (answering with `meta.upload_urls`, a fresh
//! signed link per side), read (fresh links again) and list.

use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use issuance::api_keys::Scope;
use issuance::identity::documents::{self, Document, NewDocument};
use model::{DocumentKind, IdClass};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::jsonapi::{Doc, IdCaller, JsonApiResult, list_doc, page_of, query_value, read, related};
use super::resources;
use crate::rest::ApiState;

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
    if d.images_deleted_at.is_none() {
        let now = state.clock.now();
        let urls: Map<String, Value> = d
            .sides()
            .into_iter()
            .map(|side| (side.to_string(), state.upload_key.url(&state.public_url, &d.id, side, now).into()))
            .collect();
        doc["meta"] = json!({
            "upload_urls": urls,
            "upload_expires_in": issuance::identity::upload_link::TTL_SECS,
        });
    }
    Doc(status, doc)
}

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

pub async fn get(State(state): State<ApiState>, IdCaller(key): IdCaller, Path(id): Path<String>) -> JsonApiResult<Doc> {
    key.require(Scope::IdentityRead)?;
    let d = documents::get(&state.db, &key.org_id, &id).await?;
    Ok(with_links(&state, &d, StatusCode::OK))
}

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
    Ok(list_doc("/v1/documents", rows.iter().map(resources::document).collect(), more, page.size, vec![]))
}
