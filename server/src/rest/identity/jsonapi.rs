//! JSON:API 1.1 for the Identity API: `application/vnd.api+json` in and
//! out, resources as `{type, id, attributes, relationships, links}`,
//! `included` on `?include=`, cursor paging, and errors as
//! `{"errors": [{status, code, title, detail, source}]}` whose `source`
//! points at the member that is wrong (`/data/attributes/birthdate`).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use issuance::CoreError;
use issuance::api_keys::ApiKey;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::super::error::ApiError;
use super::super::extract::{Caller, nul_at};
use super::super::{ApiState, MAX_BODY};

pub const MEDIA_TYPE: &str = "application/vnd.api+json";

/// An error as JSON:API sends it: one entry per problem.
#[derive(Debug)]
pub struct JsonApiError {
    status: StatusCode,
    retry_after: Option<u64>,
    errors: Vec<Value>,
}

pub type JsonApiResult<T> = Result<T, JsonApiError>;

/// Where in the request a problem's path is: an attribute, a
/// relationship, a header, a query parameter or the whole document.
fn source(path: &str) -> Value {
    if let Some(rel) = path.strip_prefix("relationships/") {
        json!({"pointer": format!("/data/relationships/{rel}")})
    } else if path == "Content-Type" {
        json!({"header": "Content-Type"})
    } else if let Some(p) = path.strip_prefix("query:") {
        json!({"parameter": p})
    } else if path == "body" || path.is_empty() {
        json!({"pointer": "/data"})
    } else if path == "type" || path == "id" {
        json!({"pointer": format!("/data/{path}")})
    } else {
        json!({"pointer": format!("/data/attributes/{}", path.replace('.', "/"))})
    }
}

fn title(status: StatusCode) -> &'static str {
    status.canonical_reason().unwrap_or("Error")
}

impl JsonApiError {
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        let detail = detail.into();
        JsonApiError {
            status,
            retry_after: None,
            errors: vec![json!({"status": status.as_str(), "code": code, "title": title(status), "detail": detail})],
        }
    }

    /// One problem with one member of the request.
    pub fn at(status: StatusCode, code: &str, path: &str, detail: impl Into<String>) -> Self {
        let mut e = Self::new(status, code, detail);
        e.errors[0]["source"] = source(path);
        e
    }
}

impl From<CoreError> for JsonApiError {
    fn from(e: CoreError) -> Self {
        match e {
            // Each attribute's problem on its own, pointing at it.
            CoreError::Validation(fields) => {
                let status = StatusCode::UNPROCESSABLE_ENTITY;
                JsonApiError {
                    status,
                    retry_after: None,
                    errors: fields
                        .iter()
                        .map(|f| {
                            json!({"status": status.as_str(), "code": "validation_failed", "title": "Invalid attribute",
                                   "detail": format!("{}: {}", f.path, f.message), "source": source(&f.path)})
                        })
                        .collect(),
                }
            }
            other => ApiError::from(other).into(),
        }
    }
}

impl From<ApiError> for JsonApiError {
    fn from(e: ApiError) -> Self {
        let mut out = if e.details.is_empty() {
            Self::new(e.status, e.code, e.message)
        } else {
            JsonApiError {
                status: e.status,
                retry_after: None,
                errors: e
                    .details
                    .iter()
                    .map(|d| {
                        json!({"status": e.status.as_str(), "code": e.code, "title": title(e.status),
                               "detail": d.message, "source": source(&d.path)})
                    })
                    .collect(),
            }
        };
        out.retry_after = e.retry_after;
        out
    }
}

impl IntoResponse for JsonApiError {
    fn into_response(self) -> Response {
        let mut r = Doc(StatusCode::OK, json!({"errors": self.errors})).into_response();
        *r.status_mut() = self.status;
        if let Some(secs) = self.retry_after {
            r.headers_mut().insert(header::RETRY_AFTER, secs.into());
        }
        r
    }
}

/// A JSON:API document with its status and media type.
pub struct Doc(pub StatusCode, pub Value);

impl IntoResponse for Doc {
    fn into_response(self) -> Response {
        let mut r = (self.0, self.1.to_string()).into_response();
        r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(MEDIA_TYPE));
        r
    }
}

/// The caller's API key, refused in JSON:API's shape.
pub struct IdCaller(pub ApiKey);

impl FromRequestParts<ApiState> for IdCaller {
    type Rejection = JsonApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, JsonApiError> {
        Caller::from_request_parts(parts, state).await.map(|Caller(k)| IdCaller(k)).map_err(JsonApiError::from)
    }
}

/// A request document: `application/vnd.api+json` (plain JSON is taken
/// too, for curl), whose `data` is a resource of the expected `type`.
pub struct Data<T> {
    pub attributes: T,
    pub relationships: Value,
    pub kind: String,
}

/// Reads `data` of a request document; `types` are the `type`s it may be.
pub async fn read<T: DeserializeOwned + Default>(req: Request, types: &[&str]) -> JsonApiResult<Data<T>> {
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    // A wrong media type is refused before the body is read.
    check_media_type(content_type.as_deref())?;
    let bytes = Bytes::from_request(req, &()).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::too_large(MAX_BODY).into()
        } else {
            JsonApiError::new(StatusCode::BAD_REQUEST, "invalid_body", e.to_string())
        }
    })?;
    // PostgreSQL refuses U+0000 in text (a 500 otherwise), and no attribute
    // needs it: refused on both databases alike, pointing at it.
    if let Some(pointer) = nul_at(&bytes) {
        let mut e = JsonApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "must not contain the NUL character (U+0000)",
        );
        e.errors[0]["source"] = json!({"pointer": if pointer == "body" { String::new() } else { pointer }});
        return Err(e);
    }
    parse_document(&bytes, content_type.as_deref(), types)
}

/// `application/vnd.api+json` (with at most `ext` and `profile`) or plain
/// `application/json`; anything else, or none, is refused.
fn check_media_type(content_type: Option<&str>) -> JsonApiResult<()> {
    let content_type = content_type.unwrap_or_default();
    let media = content_type.split(';').next().unwrap_or_default().trim();
    if media != MEDIA_TYPE && media != "application/json" {
        return Err(JsonApiError::at(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Content-Type",
            format!("send {MEDIA_TYPE}"),
        ));
    }
    // JSON:API: media type parameters other than ext and profile are refused.
    if media == MEDIA_TYPE
        && content_type.contains(';')
        && !content_type.contains("ext=")
        && !content_type.contains("profile=")
    {
        return Err(JsonApiError::at(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Content-Type",
            "the JSON:API media type takes no parameters but ext and profile",
        ));
    }
    Ok(())
}

/// [`read`] once the body is in hand: no I/O, so it can be tested and
/// fuzzed on bytes alone (`fuzz/fuzz_targets/jsonapi_document.rs`).
pub fn parse_document<T: DeserializeOwned + Default>(
    bytes: &[u8],
    content_type: Option<&str>,
    types: &[&str],
) -> JsonApiResult<Data<T>> {
    check_media_type(content_type)?;
    let doc: Value = serde_json::from_slice(bytes)
        .map_err(|e| JsonApiError::at(StatusCode::BAD_REQUEST, "invalid_json", "body", format!("not JSON: {e}")))?;
    let data = doc.get("data").ok_or_else(|| {
        JsonApiError::at(
            StatusCode::BAD_REQUEST,
            "invalid_document",
            "body",
            "a JSON:API document needs a `data` member",
        )
    })?;
    let kind = data.get("type").and_then(Value::as_str).unwrap_or_default().to_owned();
    if !types.contains(&kind.as_str()) {
        return Err(JsonApiError::at(
            StatusCode::CONFLICT,
            "type_mismatch",
            "type",
            format!("`type` must be {}, got “{kind}”", types.join(" or ")),
        ));
    }
    let attributes = match data.get("attributes") {
        None | Some(Value::Null) => T::default(),
        Some(a) => serde_path_to_error::deserialize(a.clone()).map_err(|e| {
            let path = e.path().to_string();
            let mut err =
                JsonApiError::at(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &path, e.inner().to_string());
            // `attributes` that is not an object is a problem of the member itself.
            if path == "." {
                err.errors[0]["source"] = json!({"pointer": "/data/attributes"});
            }
            err
        })?,
    };
    Ok(Data { attributes, relationships: data.get("relationships").cloned().unwrap_or(Value::Null), kind })
}

/// The id a relationship names: `relationships.{name}.data.id`.
pub fn related(relationships: &Value, name: &str) -> Option<String> {
    relationships.get(name)?.get("data")?.get("id")?.as_str().map(str::to_owned)
}

/// The id a relationship the request must have names; otherwise an error
/// pointing at it, saying `why` it is needed.
pub fn required(relationships: &Value, name: &str, why: &str) -> JsonApiResult<String> {
    related(relationships, name).ok_or_else(|| {
        JsonApiError::at(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            &format!("relationships/{name}"),
            format!("{why}: relationships.{name}.data.id"),
        )
    })
}

/// `page[size]`, `page[after]` and `filter[…]` from the query string.
pub fn query_value(query: &[(String, String)], name: &str) -> Option<String> {
    query.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

pub fn page_of(query: &[(String, String)]) -> JsonApiResult<issuance::identity::page::Page> {
    use issuance::identity::page::MAX_SIZE;
    let size = match query_value(query, "page[size]") {
        None => None,
        Some(s) => Some(s.parse::<i64>().ok().filter(|n| (1..=MAX_SIZE).contains(n)).ok_or_else(|| {
            JsonApiError::at(
                StatusCode::BAD_REQUEST,
                "invalid_parameter",
                "query:page[size]",
                format!("expected 1 to {MAX_SIZE}"),
            )
        })?),
    };
    Ok(issuance::identity::page::Page::new(size, query_value(query, "page[after]")))
}

/// A list document: the resources, the next page's link, and `meta`. The
/// link keeps the request's `filter[…]`: without them its page would be
/// of the unfiltered list.
pub fn list_doc(
    base: &str,
    query: &[(String, String)],
    data: Vec<Value>,
    more: bool,
    page_size: i64,
    included: Vec<Value>,
) -> Doc {
    let next = match data.last().and_then(|d| d["id"].as_str()) {
        Some(id) if more => {
            let mut link = url::form_urlencoded::Serializer::new(String::new());
            link.extend_pairs(query.iter().filter(|(k, _)| k.starts_with("filter[")));
            link.append_pair("page[size]", &page_size.to_string()).append_pair("page[after]", id);
            Value::from(format!("{base}?{}", link.finish()))
        }
        _ => Value::Null,
    };
    let mut doc = json!({"data": data, "links": {"self": base, "next": next}, "meta": {"has_more": more}});
    if !included.is_empty() {
        doc["included"] = included.into();
    }
    Doc(StatusCode::OK, doc)
}

/// A single-resource document.
pub fn one(status: StatusCode, resource: Value, included: Vec<Value>) -> Doc {
    let mut doc = json!({"data": resource});
    if !included.is_empty() {
        doc["included"] = included.into();
    }
    Doc(status, doc)
}

/// The names in `?include=a,b`.
pub fn includes(query: &[(String, String)]) -> Vec<String> {
    query_value(query, "include").map(|v| v.split(',').map(|s| s.trim().to_owned()).collect()).unwrap_or_default()
}
