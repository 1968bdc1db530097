//! A document's images, for members of its org only (Viewer and up), from
//! the encrypted store: `GET /organizations/{org}/identity/documents/{doc}/{side}`.
//! Never cached, never shown to anyone the session does not name.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use issuance::Site;
use issuance::identity::documents;
use issuance::orgs::{Action, Membership};
use model::DocumentSide;
use tower_sessions::Session;

use crate::refusal::Refusal;

pub fn router() -> Router<Site> {
    Router::new().route("/organizations/{org_id}/identity/documents/{document_id}/{side}", get(image))
}

async fn image(
    State(state): State<Site>,
    session: Session,
    Path((org_id, document_id, side)): Path<(String, String, String)>,
) -> Response {
    let back = format!("/organizations/{org_id}/identity");
    let Some(user) = app::ssr::session_user(&state, &session).await.ok().flatten() else {
        return Refusal::SignIn(back).into_response();
    };
    if let Err(e) = Membership::authorize(&state.db, &user.id, &org_id, Action::ViewOrg).await {
        return Refusal::from_core(e, "authorising a document image").into_response();
    }
    let found = async {
        let side: DocumentSide = side.parse().map_err(|_| issuance::CoreError::NotFound)?;
        let doc = documents::get(&state.db, &org_id, &document_id).await?;
        let content_type = doc.content_type(side).ok_or(issuance::CoreError::NotFound)?.to_owned();
        let bytes = state.files.get(&doc.file_key(side)).await?.ok_or(issuance::CoreError::NotFound)?;
        Ok::<_, issuance::CoreError>((content_type, bytes))
    };
    match found.await {
        Ok((content_type, bytes)) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, "private, no-store".to_owned()),
                (header::CONTENT_DISPOSITION, "inline".to_owned()),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => Refusal::from_core(e, "reading a document image").into_response(),
    }
}
