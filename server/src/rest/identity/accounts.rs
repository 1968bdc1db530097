//! `/v1/accounts`: create, read, list (`filter[external_id]`), update,
//! block and unblock.

use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use issuance::api_keys::Scope;
use issuance::identity::accounts::{self, AccountInput};
use model::AccountStatus;
use serde::Deserialize;

use super::jsonapi::{Doc, IdCaller, JsonApiResult, list_doc, one, page_of, query_value, read};
use super::resources;
use crate::rest::ApiState;

/// `null` clears a field; absent leaves it.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attributes {
    #[serde(default, deserialize_with = "present")]
    external_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    reference: Option<Option<String>>,
    #[serde(default)]
    tags: Option<Vec<String>>,
}

/// Tells `null` (Some(None)) from absent (None).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

impl From<Attributes> for AccountInput {
    fn from(a: Attributes) -> Self {
        AccountInput { external_id: a.external_id, reference: a.reference, tags: a.tags }
    }
}

pub async fn create(State(state): State<ApiState>, IdCaller(key): IdCaller, req: Request) -> JsonApiResult<Doc> {
    key.require(Scope::IdentityWrite)?;
    let data = read::<Attributes>(req, &["account"]).await?;
    let account = accounts::create(&state.db, &key.org_id, data.attributes.into(), state.clock.now()).await?;
    Ok(one(StatusCode::CREATED, resources::account(&account), vec![]))
}

pub async fn get(State(state): State<ApiState>, IdCaller(key): IdCaller, Path(id): Path<String>) -> JsonApiResult<Doc> {
    key.require(Scope::IdentityRead)?;
    let account = accounts::get(&state.db, &key.org_id, &id).await?;
    Ok(one(StatusCode::OK, resources::account(&account), vec![]))
}

pub async fn list(
    State(state): State<ApiState>,
    IdCaller(key): IdCaller,
    Query(query): Query<Vec<(String, String)>>,
) -> JsonApiResult<Doc> {
    key.require(Scope::IdentityRead)?;
    let page = page_of(&query)?;
    let external_id = query_value(&query, "filter[external_id]");
    let rows = accounts::list(&state.db, &key.org_id, external_id.as_deref(), &page).await?;
    let (rows, more) = page.split(rows);
    Ok(list_doc("/v1/accounts", rows.iter().map(resources::account).collect(), more, page.size, vec![]))
}

pub async fn update(
    State(state): State<ApiState>,
    IdCaller(key): IdCaller,
    Path(id): Path<String>,
    req: Request,
) -> JsonApiResult<Doc> {
    key.require(Scope::IdentityWrite)?;
    let data = read::<Attributes>(req, &["account"]).await?;
    let account = accounts::update(&state.db, &key.org_id, &id, data.attributes.into(), state.clock.now()).await?;
    Ok(one(StatusCode::OK, resources::account(&account), vec![]))
}

async fn set(
    state: &ApiState,
    key: &issuance::api_keys::ApiKey,
    id: &str,
    status: AccountStatus,
) -> JsonApiResult<Doc> {
    key.require(Scope::IdentityWrite)?;
    let account = accounts::set_status(&state.db, &key.org_id, id, status, state.clock.now()).await?;
    Ok(one(StatusCode::OK, resources::account(&account), vec![]))
}

pub async fn block(
    State(state): State<ApiState>,
    IdCaller(key): IdCaller,
    Path(id): Path<String>,
) -> JsonApiResult<Doc> {
    set(&state, &key, &id, AccountStatus::Blocked).await
}

pub async fn unblock(
    State(state): State<ApiState>,
    IdCaller(key): IdCaller,
    Path(id): Path<String>,
) -> JsonApiResult<Doc> {
    set(&state, &key, &id, AccountStatus::Active).await
}
