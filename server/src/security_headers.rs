//! The headers that tell browsers what this site allows, on every answer.
//!
//! - `Content-Security-Policy`: pages get `app::ssr::page_policy`, naming
//!   the nonce the page noted while it rendered (`app::ssr::PageNonce`);
//!   everything else gets [`LOCKED_DOWN`], which allows nothing at all.
//! - `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY` and
//!   `frame-ancestors 'none'`: no sniffing a CSV into HTML, no framing.
//! - `Referrer-Policy: same-origin`: dashboard URLs (org and job ids) never
//!   travel to another site.
//! - `Strict-Transport-Security` when the public URL is `https`.
//! - `Cache-Control: no-store` unless the handler chose a policy: pages,
//!   CSV downloads and `/v1` answers hold recipients' data and must not sit
//!   in a shared or browser cache. Only the built assets may be cached.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Request, header};
use axum::middleware::Next;
use axum::response::Response;

/// For answers that are not pages: nothing may run, load or frame them.
pub const LOCKED_DOWN: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

#[derive(Clone, Copy)]
pub struct Policy {
    /// Send HSTS: the public URL is https.
    pub https: bool,
}

pub async fn set(State(policy): State<Policy>, mut request: Request<Body>, next: Next) -> Response {
    let cacheable = is_built_asset(request.uri().path());
    let page = app::ssr::PageNonce::default();
    request.extensions_mut().insert(page.clone());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    match page.0.get().and_then(|nonce| HeaderValue::from_str(&app::ssr::page_policy(nonce)).ok()) {
        Some(page_policy) => {
            headers.insert(header::CONTENT_SECURITY_POLICY, page_policy);
        }
        None => {
            headers.entry(header::CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(LOCKED_DOWN));
        }
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if policy.https {
        headers
            .insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=63072000; includeSubDomains"));
    }
    if !cacheable {
        headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    }
    response
}

/// The wasm, JS and CSS bundle and the icon: the same for everyone.
fn is_built_asset(path: &str) -> bool {
    path.starts_with("/pkg/") || path == "/favicon.svg"
}
