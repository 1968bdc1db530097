//! `/v1/sessions`: create (with its account), read (`?include=account`),
//! list (`filter[account_id]`, `filter[status]`), update while collecting,
//! and submit.

use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use issuance::api_keys::Scope;
use issuance::identity::sessions::{self, Attributes, Session};
use issuance::identity::{accounts, decide};
use model::{DocumentKind, IdClass};
use serde_json::Value;

use super::jsonapi::{
    Doc, IdCaller, JsonApiError, JsonApiResult, MEDIA_TYPE, includes, list_doc, one, page_of, query_value, read,
    required,
};
use super::resources;
use crate::rest::ApiState;
use crate::rest::openapi::{
    CREATED_ID, IssuedCredential, JSONAPI_UNREADABLE, JSONAPI_UNSUPPORTED, JsonApiErrorDocument, NewSessionRequest,
    PageParams, SessionList, SessionPatchRequest, SessionResponse, SessionStatusName, TOO_LARGE,
};

/// The session's documents, ids and kinds, for its `documents` relationship.
async fn document_ids(state: &ApiState, org: &str, session: &str) -> JsonApiResult<Vec<(String, DocumentKind)>> {
    Ok(sqlx::query_as("SELECT id, kind FROM identity_documents WHERE session_id = $1 AND org_id = $2 ORDER BY id")
        .bind(session)
        .bind(org)
        .fetch_all(&state.db)
        .await
        .map_err(issuance::CoreError::from)?)
}

/// The relationships `?include=` may name on a session.
pub const INCLUDES: [&str; 2] = ["account", "documents"];

async fn shown(state: &ApiState, org: &str, s: &Session, include: &[String], status: StatusCode) -> JsonApiResult<Doc> {
    let docs = document_ids(state, org, &s.id).await?;
    let mut included: Vec<Value> = Vec::new();
    if include.iter().any(|i| i == "account") {
        included.push(resources::account(&accounts::get(&state.db, org, &s.account_id).await?));
    }
    if include.iter().any(|i| i == "documents") {
        for (d, _) in &docs {
            included.push(resources::document(&issuance::identity::documents::get(&state.db, org, d).await?));
        }
    }
    Ok(one(status, resources::session(s, &docs), included))
}

#[utoipa::path(
    post,
    path = "/v1/sessions",
    tag = "sessions",
    operation_id = "createSession",
    summary = "Start a session",
    description = "A session for one of the organisation's accounts, with what the person entered so far. It \
        collects (`created`) until submitted; documents join it by naming it as their `session`.",
    request_body(content((NewSessionRequest = MEDIA_TYPE), (NewSessionRequest = "application/json"))),
    responses(
        (status = 201, description = "Started, `created`.", content_type = MEDIA_TYPE, body = SessionResponse, links(
            ("getSession" = (operation_id = "getSession", parameters(("id" = CREATED_ID)))),
            ("updateSession" = (operation_id = "updateSession", parameters(("id" = CREATED_ID)))),
            ("submitSession" = (operation_id = "submitSession", parameters(("id" = CREATED_ID)))),
            ("approveSession" = (operation_id = "approveSession", parameters(("id" = CREATED_ID)))),
            ("declineSession" = (operation_id = "declineSession", parameters(("id" = CREATED_ID)))),
            ("issueSessionCredential" = (operation_id = "issueSessionCredential", parameters(("id" = CREATED_ID)))),
            ("createDocument" = (operation_id = "createDocument", request_body = json!({"data": {
                "type": DocumentKind::Idv.as_str(), "attributes": {"id_class": IdClass::Pp.as_str(), "country_code": "SE"},
                "relationships": {"session": {"data": {"type": resources::SESSION, "id": CREATED_ID}}}}}))),
        )),
        (status = 400, description = JSONAPI_UNREADABLE, content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 409, description = "`type_mismatch`: `data.type` is not `session` (`source.pointer` `/data/type`).", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 413, description = TOO_LARGE, content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 415, description = JSONAPI_UNSUPPORTED, content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 422, description = "`validation_failed`, one error per problem, `source.pointer` naming the member: an \
            unknown or mistyped attribute, a `birthdate` not `YYYY-MM-DD` or in the future, a `country_code` not two \
            capitals, an `email_address` that is not one, a text over 255 characters; no `relationships.account`, or \
            an account that is not the organisation's or is blocked.", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
    ),
    security(("api_key" = ["identity:write"])),
)]
pub async fn create(State(state): State<ApiState>, IdCaller(key): IdCaller, req: Request) -> JsonApiResult<Doc> {
    key.require(Scope::IdentityWrite)?;
    let data = read::<Attributes>(req, &[resources::SESSION]).await?;
    let account = required(&data.relationships, "account", "a session belongs to an account")?;
    let s = sessions::create(&state.db, &key.org_id, &account, data.attributes, state.clock.now()).await?;
    shown(&state, &key.org_id, &s, &[], StatusCode::CREATED).await
}

#[utoipa::path(
    get,
    path = "/v1/sessions/{id}",
    tag = "sessions",
    operation_id = "getSession",
    summary = "Read a session",
    description = "The session; `?include=account,documents` adds its account and documents under `included`.",
    params(
        ("id" = String, Path, description = "The session's id."),
        ("include" = Option<String>, Query, nullable = false, pattern = "^(account|documents)(,(account|documents))*$",
            description = "The relationships to include, comma-separated: `account`, `documents`."),
    ),
    responses(
        (status = 200, description = "The session.", content_type = MEDIA_TYPE, body = SessionResponse),
        (status = 400, description = "`invalid_parameter`: `include` names something else (`source.parameter`).", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 404, description = "`not_found`: no such session in this organisation.", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
    ),
    security(("api_key" = ["identity:read"])),
)]
pub async fn get(
    State(state): State<ApiState>,
    IdCaller(key): IdCaller,
    Path(id): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> JsonApiResult<Doc> {
    key.require(Scope::IdentityRead)?;
    let include = includes(&query);
    // JSON:API: a relationship path the server cannot include is a 400,
    // not silently left out.
    if let Some(unknown) = include.iter().find(|i| !i.is_empty() && !INCLUDES.contains(&i.as_str())) {
        return Err(JsonApiError::at(
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
            "query:include",
            format!("cannot include “{unknown}”: a session includes {}", INCLUDES.join(" and ")),
        ));
    }
    let s = sessions::get(&state.db, &key.org_id, &id).await?;
    shown(&state, &key.org_id, &s, &include, StatusCode::OK).await
}

#[utoipa::path(
    get,
    path = "/v1/sessions",
    tag = "sessions",
    operation_id = "listSessions",
    summary = "List sessions",
    description = "The organisation's sessions, oldest first, a page at a time.",
    params(
        PageParams,
        ("filter[account_id]" = Option<String>, Query, nullable = false, description = "Only this account's sessions."),
        ("filter[status]" = Option<SessionStatusName>, Query, nullable = false, description = "Only sessions with this status."),
    ),
    responses(
        (status = 200, description = "A page of sessions.", content_type = MEDIA_TYPE, body = SessionList),
        (status = 400, description = "`invalid_parameter`: `page[size]` is not 1 to 100, or `filter[status]` is no \
            status (`source.parameter`).", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
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
    Ok(list_doc("/v1/sessions", &query, data, more, page.size, vec![]))
}

#[utoipa::path(
    patch,
    path = "/v1/sessions/{id}",
    tag = "sessions",
    operation_id = "updateSession",
    summary = "Change what was entered",
    description = "Sets the attributes sent, while the session collects (`created`); absent ones stay.",
    params(("id" = String, Path, description = "The session's id.")),
    request_body(content((SessionPatchRequest = MEDIA_TYPE), (SessionPatchRequest = "application/json"))),
    responses(
        (status = 200, description = "The session as changed.", content_type = MEDIA_TYPE, body = SessionResponse),
        (status = 400, description = JSONAPI_UNREADABLE, content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 404, description = "`not_found`: no such session in this organisation.", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 409, description = "`type_mismatch`: `data.type` is not `session` (`source.pointer` `/data/type`); or \
            `conflict`: the session is no longer `created`.", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 413, description = TOO_LARGE, content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 415, description = JSONAPI_UNSUPPORTED, content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 422, description = "`validation_failed`, one error per attribute, `source.pointer` naming it: unknown \
            or mistyped, a `birthdate` not `YYYY-MM-DD` or in the future, a `country_code` not two capitals, an \
            `email_address` that is not one, a text over 255 characters.", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
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
    let data = read::<Attributes>(req, &[resources::SESSION]).await?;
    let s = sessions::update(&state.db, &key.org_id, &id, data.attributes, state.clock.now()).await?;
    shown(&state, &key.org_id, &s, &[], StatusCode::OK).await
}

#[utoipa::path(
    post,
    path = "/v1/sessions/{id}/submit",
    tag = "sessions",
    operation_id = "submitSession",
    summary = "Submit a session",
    description = "Starts a verification of each of the session's government IDs (`document/idv`), in the background; \
        the session is `pending` until they finish, then `approved`, or `declined` or `needs_review` as the \
        organisation's rule for a failed check says. No body.",
    params(("id" = String, Path, description = "The session's id.")),
    responses(
        (status = 200, description = "The session, `pending`.", content_type = MEDIA_TYPE, body = SessionResponse),
        (status = 404, description = "`not_found`: no such session in this organisation.", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 409, description = "`conflict`: the session is no longer `created` (submitted already, or expired).", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 422, description = "`unprocessable_entity`: the session has no government ID to verify.", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
    ),
    security(("api_key" = ["identity:write"])),
)]
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

#[utoipa::path(
    post,
    path = "/v1/sessions/{id}/approve",
    tag = "sessions",
    operation_id = "approveSession",
    summary = "Approve a session held for review",
    description = "A member's decision on a `needs_review` session, recorded in the audit log. No body.",
    params(("id" = String, Path, description = "The session's id.")),
    responses(
        (status = 200, description = "The session, `approved`.", content_type = MEDIA_TYPE, body = SessionResponse),
        (status = 404, description = "`not_found`: no such session in this organisation.", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 409, description = "`conflict`: the session is not `needs_review`.", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
    ),
    security(("api_key" = ["identity:write"])),
)]
pub async fn approve(
    State(state): State<ApiState>,
    IdCaller(key): IdCaller,
    Path(id): Path<String>,
) -> JsonApiResult<Doc> {
    review(&state, &key, &id, true).await
}

#[utoipa::path(
    post,
    path = "/v1/sessions/{id}/decline",
    tag = "sessions",
    operation_id = "declineSession",
    summary = "Decline a session held for review",
    description = "A member's decision on a `needs_review` session, recorded in the audit log. No body.",
    params(("id" = String, Path, description = "The session's id.")),
    responses(
        (status = 200, description = "The session, `declined`.", content_type = MEDIA_TYPE, body = SessionResponse),
        (status = 404, description = "`not_found`: no such session in this organisation.", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 409, description = "`conflict`: the session is not `needs_review`.", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
    ),
    security(("api_key" = ["identity:write"])),
)]
pub async fn decline(
    State(state): State<ApiState>,
    IdCaller(key): IdCaller,
    Path(id): Path<String>,
) -> JsonApiResult<Doc> {
    review(&state, &key, &id, false).await
}

/// `POST /v1/sessions/{id}/issue-credential`: the approved person's `user`
/// credential (`kyc_status: approved`, `trust_level: idv_verified`), once.
#[utoipa::path(
    post,
    path = "/v1/sessions/{id}/issue-credential",
    tag = "sessions",
    operation_id = "issueSessionCredential",
    summary = "Issue the approved person's credential",
    description = "A `user` credential about the session's account (`kyc_status: approved`, `trust_level: \
        idv_verified`, `verified_at` the decision's time), named as the document said (else as entered). Once per \
        session. No body.",
    params(("id" = String, Path, description = "The session's id.")),
    responses(
        (status = 201, description = "Issued.", content_type = MEDIA_TYPE, body = IssuedCredential),
        (status = 404, description = "`not_found`: no such session in this organisation.", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 409, description = "`conflict`: the session is not `approved`, or its credential was issued already.", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
        (status = 422, description = "`unprocessable_entity` (the session names no first and last name, or the \
            organisation is not approved yet), `quota_exceeded` (the month's quota is used up), or \
            `validation_failed` (the credential the session makes is not one the issuer takes).", content_type = MEDIA_TYPE, body = JsonApiErrorDocument),
    ),
    security(("api_key" = ["identity:write", "credentials:write"])),
)]
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
    Ok(one(StatusCode::CREATED, resources::credential(&c.id, attributes), vec![]))
}
