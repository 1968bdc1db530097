//! Server-side context for server functions: the shared state, the session,
//! and the authorization checks every server function starts with.

use issuance::accounts::User;
use issuance::accounts::sessions::{self, SessionGrant};
use issuance::orgs::{Action, Membership};
use leptos::prelude::*;
use tower_sessions::Session;

use crate::error::AppError;

/// What the server hands every page render and server function: the
/// core's [`issuance::Site`], which the REST API holds too.
pub use issuance::Site as AppState;

/// Where the session keeps its [`SessionGrant`].
const GRANT_KEY: &str = "grant";

/// Where the badge image upload leaves its refusal for the badges page
/// to show once: the badge's id and the reason.
pub const BADGE_IMAGE_REFUSAL: &str = "badge_image_refusal";

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| AppError::Internal("missing-state".into()))
}

pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|e| {
        tracing::error!(error = %e, "no session layer on this route");
        AppError::Internal("missing-session".into())
    })
}

/// The user signed in on `session`, if the sign-in still stands (see
/// `issuance::accounts::sessions`); for axum handlers outside Leptos that
/// share the session too.
pub async fn session_user(site: &AppState, session: &Session) -> Result<Option<User>, AppError> {
    let grant: Option<SessionGrant> = session.get(GRANT_KEY).await.map_err(internal)?;
    let Some(grant) = grant else {
        return Ok(None);
    };
    Ok(sessions::resolve(&site.db, &grant, site.clock.now()).await?)
}

/// The signed-in user, if any.
pub async fn current_user() -> Result<Option<User>, AppError> {
    let session = session().await?;
    let user = session_user(&state()?, &session).await?;
    if user.is_none() && session.get::<SessionGrant>(GRANT_KEY).await.ok().flatten().is_some() {
        // Ran out or was ended elsewhere: drop it, so the cookie goes too.
        session.flush().await.map_err(internal)?;
    }
    Ok(user)
}

pub async fn require_user() -> Result<User, AppError> {
    let user = current_user().await?.ok_or_else(AppError::sign_in_required)?;
    Ok(user)
}

/// The check every org-scoped server function starts with: signed in, a
/// member of `org_id` (else 404, as if the org did not exist), and a role
/// that allows `action` (else 403).
pub async fn authorize(org_id: &str, action: Action) -> Result<(User, Membership), AppError> {
    let user = require_user().await?;
    let db = state()?.db;
    let membership = Membership::authorize(&db, &user.id, org_id, action).await?;
    Ok((user, membership))
}

/// Starts a fresh session for `user`: a new session id, so that an id
/// planted before login is worthless after it.
pub async fn sign_in(user: &User) -> Result<(), AppError> {
    let site = state()?;
    let grant = sessions::grant(&site.db, &user.id, site.clock.now()).await?;
    keep_signed_in(grant).await
}

/// Puts `grant` in a session with a fresh id: after signing in, and after a
/// password change (whose grant carries the new epoch).
pub async fn keep_signed_in(grant: SessionGrant) -> Result<(), AppError> {
    let session = session().await?;
    session.cycle_id().await.map_err(internal)?;
    session.insert(GRANT_KEY, &grant).await.map_err(internal)?;
    Ok(())
}

pub async fn sign_out() -> Result<(), AppError> {
    session().await?.flush().await.map_err(internal)
}

fn internal(e: impl std::fmt::Display) -> AppError {
    let reference = issuance::ids::new_id("err");
    tracing::error!(%reference, error = %e, "session store");
    AppError::Internal(reference)
}

/// The client address for throttling, when the server recorded it.
pub async fn client_addr() -> Option<String> {
    leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .await
        .ok()
        .map(|info| info.0.ip().to_string())
}

/// Gives the page being rendered the status of the error it shows, so that
/// a missing org is a real 404 and not a 200 that says "not found".
pub fn set_page_status(error: &AppError) {
    // Signed-out visitors are redirected by the org frame; a 401 here would
    // overwrite that redirect's status.
    if matches!(error, AppError::Unauthenticated(_)) {
        return;
    }
    if let (Some(response), Ok(status)) =
        (use_context::<leptos_axum::ResponseOptions>(), http::StatusCode::from_u16(error.status()))
    {
        response.set_status(status);
    }
}

/// A page's Content-Security-Policy: scripts only from this site or
/// carrying this response's nonce (Leptos puts it on its hydration and
/// resource scripts), wasm may be compiled, and style attributes (progress
/// bars set widths) are the one inline thing allowed. Badge images may come
/// from anywhere on https.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         style-src-attr 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Where a rendered page leaves its nonce for the response's headers.
/// `server/src/security_headers.rs` puts an empty one in every request's
/// extensions and, once the response is made, gives a page the policy that
/// names its nonce. Through the request, not Leptos's response options, so
/// that every page gets its own policy however its render streams.
#[derive(Clone, Debug, Default)]
pub struct PageNonce(pub std::sync::Arc<std::sync::OnceLock<String>>);

/// Notes the nonce of the page being rendered (see [`PageNonce`]).
pub fn note_page_nonce() {
    let (Some(nonce), Some(parts)) = (leptos::nonce::use_nonce(), use_context::<http::request::Parts>()) else {
        return;
    };
    if let Some(slot) = parts.extensions.get::<PageNonce>() {
        let _ = slot.0.set(nonce.to_string());
    }
}

/// The failed plain form post the server kept for this render, if any
/// (`server/src/form_echo.rs` puts it in the request's extensions).
pub fn form_echo() -> Option<crate::components::form::FormEcho> {
    use_context::<http::request::Parts>().and_then(|parts| parts.extensions.get().cloned())
}

/// Ends a successful action on `path` with `notice` shown there: a plain
/// form post is redirected to it, a hydrated page navigates to it.
pub fn done(path: &str, notice: model::Notice) {
    let sep = if path.contains('?') { '&' } else { '?' };
    leptos_axum::redirect(&format!("{path}{sep}notice={notice}"));
}
