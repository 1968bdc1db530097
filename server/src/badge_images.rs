//! The badge form's image upload: a multipart form post, so it works
//! without JavaScript, checked like every server function (session,
//! membership, the right to manage badges). A refused file goes back to
//! the badges page with the reason beside that badge, carried in the
//! session rather than the URL so nobody can link a made-up message.

use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use issuance::badges::image;
use issuance::orgs::{Action, Membership};
use issuance::{CoreError, Site};
use tower_sessions::Session;

use crate::refusal::Refusal;

pub fn router() -> Router<Site> {
    Router::new()
        .route("/organizations/{org_id}/badges/{badge_id}/image", post(upload))
        // Room for a file just over the limit, so it is refused by name
        // rather than by a cut connection.
        .layer(DefaultBodyLimit::max(image::MAX_UPLOAD_BYTES + 64 * 1024))
}

async fn upload(
    State(state): State<Site>,
    session: Session,
    Path((org_id, badge_id)): Path<(String, String)>,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let back = format!("/organizations/{org_id}/badges");
    let Some(user) = app::ssr::session_user(&state, &session).await.ok().flatten() else {
        return Refusal::SignIn(back).into_response();
    };
    if let Err(e) = Membership::authorize(&state.db, &user.id, &org_id, Action::ManageBadges).await {
        return Refusal::from_core(e, "authorising a badge image upload").into_response();
    }
    let mut file = None;
    if let Ok(mut form) = form {
        loop {
            match form.next_field().await {
                Ok(Some(field)) if field.name() == Some("image") => match field.bytes().await {
                    Ok(bytes) => file = Some(Ok(bytes)),
                    Err(e) => file = Some(Err(e.status())),
                },
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(e) => {
                    file = Some(Err(e.status()));
                    break;
                }
            }
        }
    }
    let refused = |message: String| async {
        let _ = session.insert(app::ssr::BADGE_IMAGE_REFUSAL, (badge_id.clone(), message)).await;
        Redirect::to(&format!("{back}#badge-{badge_id}")).into_response()
    };
    let bytes = match file {
        Some(Ok(bytes)) => bytes,
        Some(Err(StatusCode::PAYLOAD_TOO_LARGE)) => {
            return refused(format!("The image is over the {} KB limit.", image::MAX_UPLOAD_BYTES / 1024)).await;
        }
        Some(Err(_)) => return refused("The upload was interrupted; try again.".into()).await,
        None => return refused("Choose a PNG or SVG file to upload.".into()).await,
    };
    match image::upload(&state.db, &state.public_url, &org_id, &badge_id, &bytes, Some(&user.id)).await {
        Ok(_) => Redirect::to(&format!("{back}?notice={}", model::Notice::BadgeImageSaved)).into_response(),
        Err(CoreError::Validation(errors)) => {
            let why = errors.into_iter().map(|e| format!("The file {}.", e.message)).collect::<Vec<_>>().join(" ");
            refused(why).await
        }
        Err(e) => Refusal::from_core(e, "storing a badge image").into_response(),
    }
}
