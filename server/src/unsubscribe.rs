//! `/unsubscribe/{message_id}/{token}`: the link in every credential
//! e-mail's `List-Unsubscribe` header. A GET shows what it will do and a
//! button (mail scanners follow links, so a GET changes nothing); a POST,
//! from that button or from a mail provider's one-click unsubscribe
//! (RFC 8058), does it. No account is needed: the token is the secret.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use html_escape::encode_text;
use issuance::Site;
use issuance::outbox::unsubscribe::{self, Subscriber};

use crate::refusal::Refusal;

pub fn router() -> Router<Site> {
    Router::new().route("/unsubscribe/{message_id}/{token}", get(confirm).post(unsubscribe))
}

async fn confirm(State(site): State<Site>, Path((message_id, token)): Path<(String, String)>) -> Response {
    match unsubscribe::subscriber(&site.db, &site.invitation_links, &message_id, &token).await {
        Ok(s) => page(
            "Unsubscribe",
            &format!(
                "<p>Stop e-mails from <strong>{org}</strong> to <strong>{email}</strong> about credentials they \
                 issue you? Your credentials stay valid, and their pages keep working.</p>\
                 <form method=\"post\"><button class=\"button\" type=\"submit\">Unsubscribe</button></form>",
                org = encode_text(&s.org_name),
                email = encode_text(&s.email),
            ),
        ),
        Err(e) => Refusal::from_core(e, "reading an unsubscribe link").into_response(),
    }
}

async fn unsubscribe(State(site): State<Site>, Path((message_id, token)): Path<(String, String)>) -> Response {
    match unsubscribe::unsubscribe(&site.db, &site.invitation_links, &message_id, &token, site.clock.now()).await {
        Ok(Subscriber { org_name, email, .. }) => page(
            "Unsubscribed",
            &format!(
                "<p data-testid=\"unsubscribed\"><strong>{email}</strong> will get no more e-mail from \
                 <strong>{org}</strong> about its credentials.</p>",
                org = encode_text(&org_name),
                email = encode_text(&email),
            ),
        ),
        Err(e) => Refusal::from_core(e, "unsubscribing").into_response(),
    }
}

/// A small page in the site's style; it needs no script.
fn page(title: &str, body: &str) -> Response {
    (
        StatusCode::OK,
        Html(format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{title} · Laurel</title><link rel=\"stylesheet\" href=\"/pkg/laurel.css\"></head>\
             <body><main class=\"narrow\"><section class=\"card\"><h1>{title}</h1>{body}</section></main></body></html>"
        )),
    )
        .into_response()
}
