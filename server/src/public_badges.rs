//! A badge's public address, `/badges/{id}`: every credential of the badge
//! names it as its `achievement.id`, so it must resolve. A client that asks
//! for JSON (`Accept: application/json` or `application/ld+json`) gets the
//! Open Badges 3.0 `Achievement` document; a browser gets the badge's page
//! (the Leptos route of the same path, which this layer lets through).

use issuance::Site;

use crate::refusal::Refusal;
use axum::body::Body;
use axum::extract::State;
use axum::http::{Method, Request, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use issuance::credentials::vc;
use issuance::{CoreError, badges, did};

pub fn router() -> axum::Router<Site> {
    axum::Router::new().route("/badges/{badge_id}/image.png", axum::routing::get(image))
}

/// `GET /badges/{id}/image.png`: the badge's image as Laurel stores it
/// (the upload, normalised), or its default; public like the badge.
async fn image(State(state): State<Site>, axum::extract::Path(badge_id): axum::extract::Path<String>) -> Response {
    let found = match badges::public(&state.db, &badge_id).await {
        Ok(found) => found,
        Err(e) => return Refusal::from_core(e, "reading a badge for its image").into_response(),
    };
    match badges::image::png(&state.db, &found.badge).await {
        Ok(stored) => (
            [
                (header::CONTENT_TYPE, "image/png".to_owned()),
                (header::CACHE_CONTROL, "public, max-age=300".to_owned()),
                (header::ETAG, format!("\"{}\"", stored.sha256)),
            ],
            stored.png,
        )
            .into_response(),
        Err(e) => Refusal::from_core(e, "reading a badge image").into_response(),
    }
}

pub async fn answer_json(State(state): State<Site>, request: Request<Body>, next: Next) -> Response {
    let badge_id = request.uri().path().strip_prefix("/badges/").filter(|id| !id.is_empty() && !id.contains('/'));
    let Some(badge_id) = badge_id.filter(|_| request.method() == Method::GET && wants_json(&request)) else {
        return next.run(request).await;
    };
    match badges::public(&state.db, badge_id).await {
        Ok(found) => {
            let issuer_did = did::org_did(&state.public_url, &found.badge.org_id);
            let doc = vc::achievement_document(&state.public_url, &found.badge, &issuer_did, &found.org_name);
            (
                [(header::CONTENT_TYPE, "application/ld+json"), (header::CACHE_CONTROL, "public, max-age=300")],
                doc.to_string(),
            )
                .into_response()
        }
        // A client asked for JSON, so it gets its "not found" as JSON too.
        Err(CoreError::NotFound) => (
            StatusCode::NOT_FOUND,
            axum::Json(serde_json::json!({
                "error": {"code": "not_found", "message": "No badge has this id."}
            })),
        )
            .into_response(),
        Err(e) => Refusal::from_core(e, "reading a public badge").into_response(),
    }
}

/// JSON was asked for, and HTML was not.
fn wants_json(request: &Request<Body>) -> bool {
    let accept = request.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or_default();
    (accept.contains("application/json") || accept.contains("application/ld+json")) && !accept.contains("text/html")
}
