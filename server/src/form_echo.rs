//! Plain form posts that fail keep what was typed, and leave no internals
//! in the address bar.
//!
//! Without JavaScript a form posts to its server function, and Leptos
//! answers a failure with a redirect to the form's page carrying the
//! error as `?__path=…&__err=<base64>`, so the page loses what was typed
//! and the URL shows an encoded error. This layer takes that redirect
//! apart: the error and the typed values (never a password) go into the
//! session as a [`FormEcho`], the redirect goes to the clean address, and
//! the next page render takes the echo out of the session and hands it to
//! the page (`app::components::form`), which shows the error beside its
//! fields with the values put back.

use app::components::form::FormEcho;
use app::error::AppError;
use axum::body::{Body, to_bytes};
use axum::http::{Method, Request, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use tower_sessions::Session;

const ECHO_KEY: &str = "form_echo";
/// Says an echo waits in the session, so that every other page view leaves
/// the session alone.
const MARKER: &str = "laurel_echo";
/// Dashboard forms are short; anything longer is passed on untouched.
const MAX_FORM: usize = 64 * 1024;

pub async fn keep(session: Session, request: Request<Body>, next: Next) -> Response {
    let accepts_html =
        request.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"));
    if !accepts_html {
        return next.run(request).await;
    }
    if request.method() == Method::GET {
        return hand_to_page(session, request, next).await;
    }
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if request.method() != Method::POST || !request.uri().path().starts_with("/api/") || !is_form {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM).await else {
        return (http::StatusCode::PAYLOAD_TOO_LARGE, "The form is too large.").into_response();
    };
    let values: Vec<(String, String)> = url::form_urlencoded::parse(&bytes)
        .filter(|(k, _)| FormEcho::keeps(k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut response = next.run(Request::from_parts(parts, Body::from(bytes))).await;

    let Some(location) = response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()) else {
        return response;
    };
    let Some((clean, echo)) = take_apart(location, values) else {
        return response;
    };
    if let Err(e) = session.insert(ECHO_KEY, &echo).await {
        tracing::warn!(error = %e, "keeping a failed form's values");
    }
    if let Ok(value) = http::HeaderValue::from_str(&clean) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
        .headers_mut()
        .append(header::SET_COOKIE, http::HeaderValue::from_static("laurel_echo=1; Path=/; HttpOnly; SameSite=Lax"));
    response
}

/// The redirect's clean address (path and query without `__path` and
/// `__err`) and the echo, when the redirect carries an error.
fn take_apart(location: &str, values: Vec<(String, String)>) -> Option<(String, FormEcho)> {
    let url = url::Url::parse(location).or_else(|_| url::Url::parse("http://x/")?.join(location)).ok()?;
    let (mut action, mut encoded) = (None, None);
    let mut kept = Vec::new();
    for (k, v) in url.query_pairs() {
        match k.as_ref() {
            "__path" => action = Some(v.into_owned()),
            "__err" => encoded = Some(v.into_owned()),
            _ => kept.push((k.into_owned(), v.into_owned())),
        }
    }
    let (action, encoded) = (action?, encoded?);
    let bytes = base64::engine::general_purpose::URL_SAFE.decode(encoded).ok()?;
    let error: AppError = serde_json::from_slice(&bytes).ok()?;
    let mut clean = url.path().to_owned();
    if !kept.is_empty() {
        clean.push('?');
        clean.push_str(&url::form_urlencoded::Serializer::new(String::new()).extend_pairs(kept).finish());
    }
    Some((clean, FormEcho { action, values, error }))
}

/// Gives the page being rendered the echo its form left, once.
async fn hand_to_page(session: Session, mut request: Request<Body>, next: Next) -> Response {
    let is_page = !request.uri().path().starts_with("/api/") && !request.uri().path().starts_with("/pkg/");
    let marked = request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(';').any(|c| c.trim().starts_with(&format!("{MARKER}="))));
    if !(is_page && marked) {
        return next.run(request).await;
    }
    if let Ok(Some(echo)) = session.remove::<FormEcho>(ECHO_KEY).await {
        request.extensions_mut().insert(echo);
    }
    let mut response = next.run(request).await;
    response.headers_mut().append(
        header::SET_COOKIE,
        http::HeaderValue::from_static("laurel_echo=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_redirect_is_taken_apart_into_a_clean_address_and_an_echo() {
        let error = AppError::Invalid(vec![("name".into(), "is required".into())]);
        let encoded = base64::engine::general_purpose::URL_SAFE.encode(serde_json::to_vec(&error).unwrap());
        let location = format!(
            "http://127.0.0.1:3000/organizations/o/badges?tab=new&__path=%2Fapi%2Fcreate_badge&__err={encoded}"
        );
        let (clean, echo) = take_apart(&location, vec![("name".into(), String::new())]).unwrap();
        assert_eq!(clean, "/organizations/o/badges?tab=new");
        assert_eq!(echo.action, "/api/create_badge");
        assert_eq!(echo.error, error);
    }

    #[test]
    fn a_redirect_without_an_error_is_left_alone() {
        assert!(take_apart("http://127.0.0.1:3000/organizations/o/badges", Vec::new()).is_none());
    }
}
