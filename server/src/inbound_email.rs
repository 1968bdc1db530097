//! `POST /inbound/email/dsn`: the relay posts each delivery-status
//! notification (RFC 3464, a bounce) and each feedback report (RFC 5965, a
//! spam complaint) it receives for Laurel's messages here, as the raw
//! message (`message/rfc822`, or any type: the body is read as one).
//! Postfix's `pipe` transport with `curl --data-binary @-`, or a relay's
//! "forward bounces to URL" setting, does it.
//!
//! Off unless `LAUREL_INBOUND_EMAIL_TOKEN` is set; the relay then sends it
//! as `Authorization: Bearer <token>`. Not an org's API: the returned
//! message's id finds its org.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use issuance::Site;
use serde_json::json;
use subtle::ConstantTimeEq;

use crate::refusal::Refusal;

/// A DSN with the returned message's headers is a few kilobytes; some
/// relays attach the whole message.
pub const MAX_DSN: usize = 2 * 1024 * 1024;

#[derive(Clone)]
struct Inbound {
    site: Site,
    token: Option<Arc<str>>,
}

pub fn router<S>(site: Site, token: Option<String>) -> Router<S> {
    Router::new()
        .route("/inbound/email/dsn", post(dsn))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_DSN))
        .with_state(Inbound { site, token: token.map(Arc::from) })
}

async fn dsn(State(inbound): State<Inbound>, headers: HeaderMap, body: Bytes) -> Response {
    // Not configured: as if there were no such endpoint.
    let Some(token) = inbound.token else {
        return Refusal::status(StatusCode::NOT_FOUND, "Not found.").into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !bool::from(given.as_bytes().ct_eq(token.as_bytes())) {
        return Refusal::status(
            StatusCode::UNAUTHORIZED,
            "Authorization: Bearer <LAUREL_INBOUND_EMAIL_TOKEN> is required.",
        )
        .into_response();
    }
    match issuance::outbox::bounce::receive(&inbound.site.db, &body, inbound.site.clock.now()).await {
        Ok(recorded) => {
            let answer =
                json!({"bounced": recorded.marked, "complained": recorded.complained, "unmatched": recorded.unmatched});
            (StatusCode::OK, Json(answer)).into_response()
        }
        Err(issuance::CoreError::Validation(errors)) => {
            let message = errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("; ");
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("Not a delivery-status notification or feedback report: {message}"),
            )
                .into_response()
        }
        Err(e) => Refusal::from_core(e, "recording a bounce").into_response(),
    }
}
