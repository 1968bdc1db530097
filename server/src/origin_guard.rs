//! Refuses cross-site requests that would change state.
//!
//! The dashboard authenticates with a cookie, which a browser attaches to a
//! form another site submits. SameSite=Lax already withholds it from
//! cross-site POSTs; this guard is the second lock: a state-changing request
//! must say, in `Origin` (or failing that `Referer`), that it came from a
//! page of this site, the configured public URL (`LAUREL_PUBLIC_URL`). Not
//! the request's `Host`: that header is the client's to choose, and behind
//! a proxy it may be anything. The JSON API under `/v1` uses API keys, not
//! cookies, and is not guarded.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{Method, Request, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// This site's origin, `scheme://host[:port]`, lower-cased.
#[derive(Clone)]
pub struct SiteOrigin(Arc<str>);

impl SiteOrigin {
    pub fn of(public_url: &str) -> Self {
        SiteOrigin(origin_of(public_url).unwrap_or(public_url).to_ascii_lowercase().into())
    }
}

pub async fn refuse_cross_site(State(site): State<SiteOrigin>, request: Request<Body>, next: Next) -> Response {
    // Only the methods that change something are guarded (a page's form
    // can send POST, a script PUT, PATCH or DELETE); a route answers any
    // other method itself, with 405 if it does not take it.
    let safe_method = !matches!(*request.method(), Method::POST | Method::PUT | Method::PATCH | Method::DELETE);
    // The API, the relay's bounces and mail providers' one-click
    // unsubscribes come from elsewhere by design, and none of them acts
    // on a session cookie, which is what this guard protects.
    let path = request.uri().path();
    // Neither a cookie nor an origin: no browser sent it (a browser names
    // the origin of every cross-site POST, a login's included), and it
    // carries no one's session, so the route answers it as it would anyone.
    let headers = request.headers();
    let not_by_cookie = ["/v1/", "/inbound/", "/unsubscribe/"].iter().any(|p| path.starts_with(p))
        || !(headers.contains_key(axum::http::header::COOKIE) || headers.contains_key(axum::http::header::ORIGIN));
    if safe_method || not_by_cookie || from_site(&request, &site) {
        return next.run(request).await;
    }
    tracing::warn!(path = %request.uri().path(), "refused a cross-site request");
    (
        StatusCode::FORBIDDEN,
        "This request did not come from a Laurel page, so it was refused. Reload the page and try again.",
    )
        .into_response()
}

fn from_site(request: &Request<Body>, site: &SiteOrigin) -> bool {
    let headers = request.headers();
    let claimed = headers.get(header::ORIGIN).or_else(|| headers.get(header::REFERER)).and_then(|v| v.to_str().ok());
    claimed.and_then(origin_of).is_some_and(|origin| origin.eq_ignore_ascii_case(&site.0))
}

/// `https://example.com:8443/path` -> `https://example.com:8443`.
fn origin_of(url: &str) -> Option<&str> {
    let (scheme, rest) = url.split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    (!scheme.is_empty() && end > 0).then(|| &url[..scheme.len() + 3 + end])
}

#[cfg(test)]
mod tests {
    use super::origin_of;

    #[test]
    fn an_origin_is_scheme_host_and_port() {
        assert_eq!(origin_of("http://127.0.0.1:3000"), Some("http://127.0.0.1:3000"));
        assert_eq!(origin_of("https://a.example/x?y"), Some("https://a.example"));
        assert_eq!(origin_of("null"), None);
        assert_eq!(origin_of("https:///x"), None);
    }
}
