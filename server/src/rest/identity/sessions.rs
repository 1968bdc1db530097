//! `/v1/sessions`: create (with its account), read (`?include=account`),
//! list (`filter[account_id]`, `filter[status]`), update while collecting,
//! and submit.

use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use issuance::api_keys::Scope;
use issuance::identity::sessions::{self, Attributes, Session};
use issuance::identity::{accounts, decide};
use serde_json::Value;

use super::jsonapi::{
    Doc, IdCaller, JsonApiError, JsonApiResult, includes, list_doc, one, page_of, query_value, read, required,
};
use super::resources;
use crate::rest::ApiState;

async fn document_ids(state: &ApiState, org: &str, session: &str) -> JsonApiResult<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT id FROM identity_documents WHERE session_id = $1 AND org_id = $2 ORDER BY id")
        .bind(session)
        .bind(org)
        .fetch_all(&state.db)
        .await
        .map_err(issuance::CoreError::from)?)
}

async fn shown(state: &ApiState, org: &str, s: &Session, include: &[String], status: StatusCode) -> JsonApiResult<Doc> {
    let docs = document_ids(state, org, &s.id).await?;
    let mut included: Vec<Value> = Vec::new();
    if include.iter().any(|i| i == "account") {
        included.push(resources::account(&accounts::get(&state.db, org, &s.account_id).await?));
    }
    if include.iter().any(|i| i == "documents") {
        for d in &docs {
            included.push(resources::document(&issuance::identity::documents::get(&state.db, org, d).await?));
        }
    }
    Ok(one(status, resources::session(s, &docs), included))
}

pub async fn create(State(state): State<ApiState>, IdCaller(key): IdCaller, req: Request) -> JsonApiResult<Doc> {
    key.require(Scope::IdentityWrite)?;
    let data = read::<Attributes>(req, &["session"]).await?;
    let account = required(&data.relationships, "account", "a session belongs to an account")?;
    let s = sessions::create(&state.db, &key.org_id, &account, data.attributes, state.clock.now()).await?;
    shown(&state, &key.org_id, &s, &[], StatusCode::CREATED).await
}

pub async fn get(
    State(state): State<ApiState>,
    IdCaller(key): IdCaller,
    Path(id): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> JsonApiResult<Doc> {
    key.require(Scope::IdentityRead)?;
    let s = sessions::get(&state.db, &key.org_id, &id).await?;
    shown(&state, &key.org_id, &s, &includes(&query), StatusCode::OK).await
}

pub async fn list(
    State(state): State<ApiState>,
    IdCaller(key): IdCaller,
    Query(query): Query<Vec<(String, String)>>,
) -> JsonApiResult<Doc> {
    key.require(Scope::IdentityRead)?;
    let page = page_of(&query)?;
    let status = match query_value(&query, "filter[status]") {
        None => None,
        Some(s) => Some(s.parse().map_err(|e: String| {
            JsonApiError::at(StatusCode::BAD_REQUEST, "invalid_parameter", "query:filter[status]", e)
        })?),
    };
    let account = query_value(&query, "filter[account_id]");
    let rows = sessions::list(&state.db, &key.org_id, account.as_deref(), status, &page).await?;
    let (rows, more) = page.split(rows);
    let mut data = Vec::new();
    for s in &rows {
        data.push(resources::session(s, &document_ids(&state, &key.org_id, &s.id).await?));
    }
    Ok(list_doc("/v1/sessions", data, more, page.size, vec![]))
}

pub async fn update(
    State(state): State<ApiState>,
    IdCaller(key): IdCaller,
    Path(id): Path<String>,
    req: Request,
) -> JsonApiResult<Doc> {
    key.require(Scope::IdentityWrite)?;
    let data = read::<Attributes>(req, &["session"]).await?;
    let s = sessions::update(&state.db, &key.org_id, &id, data.attributes, state.clock.now()).await?;
    shown(&state, &key.org_id, &s, &[], StatusCode::OK).await
}

pub async fn submit(
    State(state): State<ApiState>,
    IdCaller(key): IdCaller,
    Path(id): Path<String>,
) -> JsonApiResult<Doc> {
    key.require(Scope::IdentityWrite)?;
    let s = decide::submit(&state.db, &key.org_id, &id, state.clock.now()).await?;
    shown(&state, &key.org_id, &s, &[], StatusCode::OK).await
}

/// A member's decision on a session held for review, by API.
async fn review(state: &ApiState, key: &issuance::api_keys::ApiKey, id: &str, approve: bool) -> JsonApiResult<Doc> {
    key.require(Scope::IdentityWrite)?;
    let s = decide::review(&state.db, &key.org_id, id, approve, None, None, state.clock.now()).await?;
    shown(state, &key.org_id, &s, &[], StatusCode::OK).await
}

pub async fn approve(
    State(state): State<ApiState>,
    IdCaller(key): IdCaller,
    Path(id): Path<String>,
) -> JsonApiResult<Doc> {
    review(&state, &key, &id, true).await
}

pub async fn decline(
    State(state): State<ApiState>,
    IdCaller(key): IdCaller,
    Path(id): Path<String>,
) -> JsonApiResult<Doc> {
    review(&state, &key, &id, false).await
}

/// `POST /v1/sessions/{id}/issue-credential`: the approved person's `user`
/// credential (`kyc_status: approved`, `trust_level: idv_verified`), once.
pub async fn issue_credential(
    State(state): State<ApiState>,
    IdCaller(key): IdCaller,
    Path(id): Path<String>,
) -> JsonApiResult<Doc> {
    key.require(Scope::IdentityWrite)?;
    key.require(Scope::CredentialsWrite)?;
    let issuer = issuance::credentials::Issuer {
        db: &state.db,
        master: &state.master_key,
        public_url: &state.public_url,
        api_key_id: Some(&key.id),
    };
    let now = state.clock.now();
    let c = issuance::identity::credential::issue_for_session(issuer, &key.org_id, &id, now).await?;
    let attributes = crate::rest::credentials::credential_json(&c, &state.public_url, now);
    Ok(one(
        StatusCode::CREATED,
        serde_json::json!({"type": "credential", "id": c.id, "attributes": attributes,
                           "links": {"self": format!("/v1/credentials/{}", c.id)}}),
        vec![],
    ))
}
