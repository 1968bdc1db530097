//! Refuses cross-site requests that would change state.
//!
//! The dashboard authenticates with a cookie, which a browser attaches to a
//! form another site submits. SameSite=Lax already withholds it from
//! cross-site POSTs; this guard is the second lock: a state-changing request
//! must say, in `Origin` (or failing that `Referer`), that it came from a
//! page of this very host. The JSON API under `/v1` uses API keys, not
//! cookies, and is not guarded.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn refuse_cross_site(request: Request<Body>, next: Next) -> Response {
    let safe_method = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe_method || request.uri().path().starts_with("/v1/") || same_origin(&request) {
        return next.run(request).await;
    }
    tracing::warn!(path = %request.uri().path(), "refused a cross-site request");
    (
        StatusCode::FORBIDDEN,
        "This request did not come from a Laurel page, so it was refused. Reload the page and try again.",
    )
        .into_response()
}

fn same_origin(request: &Request<Body>) -> bool {
    let headers = request.headers();
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let claimed = headers.get(header::ORIGIN).or_else(|| headers.get(header::REFERER)).and_then(|v| v.to_str().ok());
    match claimed.and_then(authority_of) {
        Some(authority) => authority.eq_ignore_ascii_case(host),
        None => false,
    }
}

/// `https://example.com:8443/path` -> `example.com:8443`.
fn authority_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(&rest[..end]).filter(|a| !a.is_empty())
}

#[cfg(test)]
mod tests {
    use super::authority_of;

    #[test]
    fn authority_is_host_and_port() {
        assert_eq!(authority_of("http://127.0.0.1:3000"), Some("127.0.0.1:3000"));
        assert_eq!(authority_of("https://a.example/x?y"), Some("a.example"));
        assert_eq!(authority_of("null"), None);
    }
}
