//! `/v1/badges`: the org's credential templates.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use issuance::api_keys::Scope;
use issuance::badges::{self, Badge, BadgePatch, NewBadge};
use issuance::{CoreError, FieldError, clock};
use serde_json::{Map, Value, json};

use super::extract::{ApiJson, Caller};
use super::openapi::{
    Badge as BadgeDoc, BadgeList, BadgePatchRequest, ErrorResponse, NewBadgeRequest, RawBytes, TOO_LARGE,
};
use super::{ApiResult, ApiState};

pub fn badge_json(b: &Badge) -> Value {
    json!({
        "id": b.id,
        "name": b.name,
        "description": b.description,
        "criteria_narrative": b.criteria_narrative,
        "image_url": b.image_url,
        "validity_days": b.validity_days,
        "archived": b.archived_at.is_some(),
        "archived_at": b.archived_at.map(clock::rfc3339),
        "created_at": clock::rfc3339(b.created_at),
        "updated_at": clock::rfc3339(b.updated_at),
    })
}

/// Reads the badge fields of a JSON object; absent fields are `None`, and
/// `null` is `Some(None)` where null means something.
struct Fields {
    name: Option<String>,
    description: Option<String>,
    criteria_narrative: Option<String>,
    image_url: Option<Option<String>>,
    validity_days: Option<Option<i64>>,
    archived: Option<bool>,
}

fn fields(body: &Value, allow_archived: bool) -> Result<Fields, CoreError> {
    let Value::Object(map) = body else {
        return Err(CoreError::field("", "the request body must be a JSON object"));
    };
    let mut errors = Vec::new();
    let mut known = vec!["name", "description", "criteria_narrative", "image_url", "validity_days"];
    if allow_archived {
        known.push("archived");
    }
    for key in map.keys().filter(|k| !known.contains(&k.as_str())) {
        errors
            .push(FieldError::new(key.clone(), format!("is not a known field (expected one of {})", known.join(", "))));
    }
    let text = |key: &str, errors: &mut Vec<FieldError>| match map.get(key) {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            errors.push(FieldError::new(key, "expected a string"));
            None
        }
    };
    let f = Fields {
        name: text("name", &mut errors),
        description: text("description", &mut errors),
        criteria_narrative: text("criteria_narrative", &mut errors),
        image_url: nullable(map, "image_url", &mut errors, |v| v.as_str().map(str::to_owned), "a URL string or null"),
        validity_days: nullable(
            map,
            "validity_days",
            &mut errors,
            Value::as_i64,
            "a whole number of days, or null for non-expiring",
        ),
        archived: match map.get("archived") {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => {
                errors.push(FieldError::new("archived", "expected true or false"));
                None
            }
        },
    };
    if errors.is_empty() { Ok(f) } else { Err(CoreError::Validation(errors)) }
}

fn nullable<T>(
    map: &Map<String, Value>,
    key: &str,
    errors: &mut Vec<FieldError>,
    read: impl Fn(&Value) -> Option<T>,
    expected: &str,
) -> Option<Option<T>> {
    match map.get(key) {
        None => None,
        Some(Value::Null) => Some(None),
        Some(v) => match read(v) {
            Some(t) => Some(Some(t)),
            None => {
                errors.push(FieldError::new(key, format!("expected {expected}")));
                None
            }
        },
    }
}

#[utoipa::path(
    post,
    path = "/v1/badges",
    tag = "badges",
    operation_id = "createBadge",
    summary = "Create a badge",
    request_body(content = NewBadgeRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "The new badge.", body = BadgeDoc),
        (status = 400, description = "`validation_failed`: `name` is missing, a field has the wrong type, or a field is unknown.", body = ErrorResponse),
        (status = 413, description = TOO_LARGE, body = ErrorResponse),
    ),
    security(("api_key" = ["credentials:write"])),
)]
pub async fn create(
    State(state): State<ApiState>,
    Caller(key): Caller,
    ApiJson(body): ApiJson<Value>,
) -> ApiResult<Response> {
    key.require(Scope::CredentialsWrite)?;
    let f = fields(&body, false)?;
    let Some(name) = f.name else {
        return Err(CoreError::field("name", "is required").into());
    };
    let badge = badges::create(
        &state.db,
        &key.org_id,
        NewBadge {
            name,
            description: f.description.unwrap_or_default(),
            criteria_narrative: f.criteria_narrative.unwrap_or_default(),
            image_url: f.image_url.flatten(),
            validity_days: f.validity_days.flatten(),
        },
        None,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(badge_json(&badge))).into_response())
}

#[utoipa::path(
    get,
    path = "/v1/badges",
    tag = "badges",
    operation_id = "listBadges",
    summary = "List badges",
    description = "Every badge of the organisation, archived ones included.",
    responses((status = 200, description = "The badges.", body = BadgeList)),
    security(("api_key" = ["credentials:read"])),
)]
pub async fn list(State(state): State<ApiState>, Caller(key): Caller) -> ApiResult<Json<Value>> {
    key.require(Scope::CredentialsRead)?;
    let all = badges::list(&state.db, &key.org_id).await?;
    Ok(Json(json!({ "data": all.iter().map(badge_json).collect::<Vec<_>>() })))
}

#[utoipa::path(
    get,
    path = "/v1/badges/{id}",
    tag = "badges",
    operation_id = "getBadge",
    summary = "Read a badge",
    params(("id" = String, Path, description = "The badge's id.")),
    responses(
        (status = 200, description = "The badge.", body = BadgeDoc),
        (status = 404, description = "`not_found`: no such badge in this organisation.", body = ErrorResponse),
    ),
    security(("api_key" = ["credentials:read"])),
)]
pub async fn get(State(state): State<ApiState>, Caller(key): Caller, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    key.require(Scope::CredentialsRead)?;
    Ok(Json(badge_json(&badges::get(&state.db, &key.org_id, &id).await?)))
}

#[utoipa::path(
    patch,
    path = "/v1/badges/{id}",
    tag = "badges",
    operation_id = "updateBadge",
    summary = "Change or archive a badge",
    description = "Changes the fields given; the others stay. `{\"archived\": true}` archives the badge (it can no \
        longer be issued), `false` restores it.",
    params(("id" = String, Path, description = "The badge's id.")),
    request_body(content = BadgePatchRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "The changed badge.", body = BadgeDoc),
        (status = 400, description = "`validation_failed`: a field has the wrong type, or is unknown.", body = ErrorResponse),
        (status = 404, description = "`not_found`: no such badge in this organisation.", body = ErrorResponse),
        (status = 413, description = TOO_LARGE, body = ErrorResponse),
    ),
    security(("api_key" = ["credentials:write"])),
)]
pub async fn update(
    State(state): State<ApiState>,
    Caller(key): Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Value>,
) -> ApiResult<Json<Value>> {
    key.require(Scope::CredentialsWrite)?;
    let f = fields(&body, true)?;
    let patch = BadgePatch {
        name: f.name,
        description: f.description,
        criteria_narrative: f.criteria_narrative,
        image_url: f.image_url,
        validity_days: f.validity_days,
        archived: f.archived,
    };
    Ok(Json(badge_json(&badges::update(&state.db, &key.org_id, &id, patch, None).await?)))
}

#[utoipa::path(
    put,
    path = "/v1/badges/{id}/image",
    tag = "badges",
    operation_id = "setBadgeImage",
    summary = "Upload a badge's image",
    description = "The body is the image itself, a PNG or SVG of up to 1 MB (the type is read from the content). \
        Laurel stores it as a 512×512 PNG (an SVG is rasterised, so nothing active in it survives) and serves it \
        at `/badges/{id}/image.png`; the badge's `image_url` then points there, and credentials issued from now \
        on name it.",
    params(("id" = String, Path, description = "The badge's id.")),
    request_body(content = RawBytes, content_type = "image/png"),
    responses(
        (status = 200, description = "The badge, with its new `image_url`.", body = BadgeDoc),
        (status = 400, description = "`validation_failed`: the body is empty, not a PNG or SVG, unreadable, or too large in pixels (field `image`).", body = ErrorResponse),
        (status = 404, description = "`not_found`: no such badge in this organisation.", body = ErrorResponse),
        (status = 413, description = TOO_LARGE, body = ErrorResponse),
    ),
    security(("api_key" = ["credentials:write"])),
)]
pub async fn set_image(
    State(state): State<ApiState>,
    Caller(key): Caller,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    key.require(Scope::CredentialsWrite)?;
    let badge = badges::image::upload(&state.db, &state.public_url, &key.org_id, &id, &body, None).await?;
    Ok(Json(badge_json(&badge)))
}
