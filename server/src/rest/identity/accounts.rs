//! `/v1/accounts`: create, read, list (`filter[external_id]`), update,
//! block and unblock.

use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use issuance::api_keys::Scope;
use issuance::identity::accounts::{self, AccountInput};
use model::AccountStatus;
use serde::Deserialize;

use super::jsonapi::{Doc, IdCaller, JsonApiResult, MEDIA_TYPE, list_doc, one, page_of, query_value, read};
use super::resources;
use crate::rest::ApiState;
use crate::rest::openapi::{
    AccountList, AccountRequest, AccountResponse, CREATED_ID, JSONAPI_UNREADABLE, JSONAPI_UNSUPPORTED,
    JsonApiErrorDocument, PageParams, TOO_LARGE,
};

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

#[utoipa::path(
    post,
    path = "/v1/accounts",
    tag = "accounts",
    operation_id = "createAccount",
    summary = "Create an account",
    description = "A person (or business) of your own system, to start identity sessions for.",
    request_body(content((AccountRequest = MEDIA_TYPE), (AccountRequest = "application/json"))),
    responses(
        (status = 201, description = "Created, `active`.", content_type = MEDIA_TYPE, body = AccountResponse, links(
            ("getAccount" = (operation_id = "getAccount", parameters(("id" = CREATED_ID)))),
            ("updateAccount" = (operation_id = "updateAccount", parameters(("id" = CREATED_ID)))),
            ("blockAccount" = (operation_id = "blockAccount", parameters(("id" = CREATED_ID)))),
            ("unblockAccount" = (operation_id = "unblockAccount", parameters(("id" = CREATED_ID)))),
            ("createSession" = (operation_id = "createSession", request_body = json!({"data": {"type": resources::SESSION,
                "relationships": {"account": {"data": {"type": resources::ACCOUNT, "id": CREATED_ID}}}}}))),
        )),
        (status = 400, description = JSONAPI_UNREADABLE, content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 409, description = "`type_mismatch`: `data.type` is not `account` (`source.pointer` `/data/type`).", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 413, description = TOO_LARGE, content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 415, description = JSONAPI_UNSUPPORTED, content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 422, description = "`validation_failed`, one error per attribute, `source.pointer` naming it: an unknown \
            or mistyped attribute, a blank or too long `external_id` or `reference`, too many or too long `tags`, an \
            `external_id` another account has.", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
    ),
    security(("api_key" = ["identity:write"])),
)]
pub async fn create(State(state): State<ApiState>, IdCaller(key): IdCaller, req: Request) -> JsonApiResult<Doc> {
    key.require(Scope::IdentityWrite)?;
    let data = read::<Attributes>(req, &[resources::ACCOUNT]).await?;
    let account = accounts::create(&state.db, &key.org_id, data.attributes.into(), state.clock.now()).await?;
    Ok(one(StatusCode::CREATED, resources::account(&account), vec![]))
}

#[utoipa::path(
    get,
    path = "/v1/accounts/{id}",
    tag = "accounts",
    operation_id = "getAccount",
    summary = "Read an account",
    params(("id" = String, Path, description = "The account's id.")),
    responses(
        (status = 200, description = "The account.", content_type = MEDIA_TYPE, body = AccountResponse),
        (status = 404, description = "`not_found`: no such account in this organisation.", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
    ),
    security(("api_key" = ["identity:read"])),
)]
pub async fn get(State(state): State<ApiState>, IdCaller(key): IdCaller, Path(id): Path<String>) -> JsonApiResult<Doc> {
    key.require(Scope::IdentityRead)?;
    let account = accounts::get(&state.db, &key.org_id, &id).await?;
    Ok(one(StatusCode::OK, resources::account(&account), vec![]))
}

#[utoipa::path(
    get,
    path = "/v1/accounts",
    tag = "accounts",
    operation_id = "listAccounts",
    summary = "List accounts",
    description = "The organisation's accounts, oldest first, a page at a time.",
    params(
        PageParams,
        ("filter[external_id]" = Option<String>, Query, nullable = false, description = "Only the account with this `external_id`."),
    ),
    responses(
        (status = 200, description = "A page of accounts.", content_type = MEDIA_TYPE, body = AccountList),
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
    let external_id = query_value(&query, "filter[external_id]");
    let rows = accounts::list(&state.db, &key.org_id, external_id.as_deref(), &page).await?;
    let (rows, more) = page.split(rows);
    Ok(list_doc("/v1/accounts", &query, rows.iter().map(resources::account).collect(), more, page.size, vec![]))
}

#[utoipa::path(
    patch,
    path = "/v1/accounts/{id}",
    tag = "accounts",
    operation_id = "updateAccount",
    summary = "Change an account",
    description = "Sets the attributes sent; absent ones stay, and null clears `external_id` or `reference`.",
    params(("id" = String, Path, description = "The account's id.")),
    request_body(content((AccountRequest = MEDIA_TYPE), (AccountRequest = "application/json"))),
    responses(
        (status = 200, description = "The account as changed.", content_type = MEDIA_TYPE, body = AccountResponse),
        (status = 400, description = JSONAPI_UNREADABLE, content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 404, description = "`not_found`: no such account in this organisation.", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 409, description = "`type_mismatch`: `data.type` is not `account` (`source.pointer` `/data/type`).", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 413, description = TOO_LARGE, content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 415, description = JSONAPI_UNSUPPORTED, content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 422, description = "`validation_failed`, one error per attribute, `source.pointer` naming it: an unknown \
            or mistyped attribute, a blank or too long `external_id` or `reference`, too many or too long `tags`, an \
            `external_id` another account has.", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
    ),
    security(("api_key" = ["identity:write"])),
)]
pub async fn update(
    State(state): State<ApiState>,
    IdCaller(key): IdCaller,
    Path(id): Path<String>,
    req: Request,
) -> JsonApiResult<Doc> {
    key.require(Scope::IdentityWrite)?;
    let data = read::<Attributes>(req, &[resources::ACCOUNT]).await?;
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

#[utoipa::path(
    post,
    path = "/v1/accounts/{id}/block",
    tag = "accounts",
    operation_id = "blockAccount",
    summary = "Block an account",
    description = "A blocked account starts no session; its sessions so far stay.",
    params(("id" = String, Path, description = "The account's id.")),
    responses(
        (status = 200, description = "The account, `blocked`.", content_type = MEDIA_TYPE, body = AccountResponse),
        (status = 404, description = "`not_found`: no such account in this organisation.", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
    ),
    security(("api_key" = ["identity:write"])),
)]
pub async fn block(
    State(state): State<ApiState>,
    IdCaller(key): IdCaller,
    Path(id): Path<String>,
) -> JsonApiResult<Doc> {
    set(&state, &key, &id, AccountStatus::Blocked).await
}

#[utoipa::path(
    post,
    path = "/v1/accounts/{id}/unblock",
    tag = "accounts",
    operation_id = "unblockAccount",
    summary = "Unblock an account",
    description = "The account is `active` again and may start sessions.",
    params(("id" = String, Path, description = "The account's id.")),
    responses(
        (status = 200, description = "The account, `active`.", content_type = MEDIA_TYPE, body = AccountResponse),
        (status = 404, description = "`not_found`: no such account in this organisation.", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
    ),
    security(("api_key" = ["identity:write"])),
)]
pub async fn unblock(
    State(state): State<ApiState>,
    IdCaller(key): IdCaller,
    Path(id): Path<String>,
) -> JsonApiResult<Doc> {
    set(&state, &key, &id, AccountStatus::Active).await
}
