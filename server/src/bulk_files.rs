//! The bulk-issue page's plain HTTP parts: the CSV upload (a multipart form
//! post, so it works without JavaScript), the template, and the download
//! of invalid rows. Each checks the session, the membership and the role,
//! like every server function.

use app::format::urlencode;
use issuance::Site;

use crate::refusal::Refusal;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use issuance::bulk::{csv_file, uploads};
use issuance::orgs::{Action, Membership};
use issuance::{CoreError, clock};
use model::UploadRefusal;
use tower_sessions::Session;

const BASE: &str = "/organizations/{org_id}/credentials/bulk-issue";

pub fn router() -> Router<Site> {
    Router::new()
        .route(&format!("{BASE}/uploads"), post(upload))
        .route(&format!("{BASE}/template.csv"), get(template))
        .route(&format!("{BASE}/sample.csv"), get(sample))
        .route(&format!("{BASE}/{{upload_id}}/invalid.csv"), get(invalid_rows))
        // The file limit is 1 MB; the form adds a little framing.
        .layer(DefaultBodyLimit::max(csv_file::MAX_BYTES + 16 * 1024))
}

fn page(org_id: &str) -> String {
    format!("/organizations/{org_id}/credentials/bulk-issue")
}

async fn authorize(state: &Site, session: &Session, org_id: &str, back: &str) -> Result<Membership, Refusal> {
    let user =
        app::ssr::session_user(state, session).await.ok().flatten().ok_or_else(|| Refusal::SignIn(back.to_owned()))?;
    Membership::authorize(&state.db, &user.id, org_id, Action::Issue)
        .await
        .map_err(|e| Refusal::from_core(e, "authorising a bulk upload"))
}

/// Stores the chosen file as a draft and shows its review; a file that
/// cannot be reviewed goes back to the upload page, which says why with
/// the file's name and its badge still chosen.
async fn upload(
    State(state): State<Site>,
    session: Session,
    Path(org_id): Path<String>,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let back = page(&org_id);
    let member = match authorize(&state, &session, &org_id, &back).await {
        Ok(m) => m,
        Err(r) => return r.into_response(),
    };
    let (mut badge_id, mut file) = (None::<String>, None);
    let mut file_name = None::<String>;
    let again = |why: UploadRefusal, badge: &Option<String>, name: &Option<String>| {
        let mut to = format!("{back}?refused={why}");
        if let Some(b) = badge.as_deref().filter(|b| !b.is_empty()) {
            to.push_str(&format!("&badge={}", urlencode(b)));
        }
        if let Some(n) = name.as_deref().filter(|n| !n.is_empty()) {
            to.push_str(&format!("&file={}", urlencode(n)));
        }
        Redirect::to(&to).into_response()
    };
    let Ok(mut form) = form else {
        return again(UploadRefusal::NotAForm, &None, &None);
    };
    loop {
        match form.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("badge_id") => badge_id = field.text().await.ok(),
                Some("file") => {
                    file_name = field.file_name().map(str::to_owned);
                    match field.bytes().await {
                        Ok(bytes) => file = Some(bytes),
                        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                            return again(UploadRefusal::TooLarge, &badge_id, &file_name);
                        }
                        Err(_) => return again(UploadRefusal::Interrupted, &badge_id, &file_name),
                    }
                }
                _ => {}
            },
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return again(UploadRefusal::TooLarge, &badge_id, &file_name);
            }
            Err(_) => return again(UploadRefusal::Interrupted, &badge_id, &file_name),
        }
    }
    let Some(badge) = badge_id.clone().filter(|b| !b.is_empty()) else {
        return again(UploadRefusal::NoBadge, &None, &file_name);
    };
    // "Named on each row": the file's badge column says, row by row.
    let badge = Some(badge).filter(|b| b != model::review::BADGE_NAMED_IN_FILE);
    let Some(bytes) = file.filter(|bytes| file_name.is_some() || !bytes.is_empty()) else {
        return again(UploadRefusal::NoFile, &badge_id, &None);
    };
    let id = match uploads::create(&state.db, &org_id, badge.as_deref(), file_name.as_deref(), &bytes, &member.user_id)
        .await
    {
        Ok(id) => id,
        Err(CoreError::Validation(_)) => return again(UploadRefusal::NoBadge, &None, &file_name),
        Err(e) => {
            tracing::error!(error = %e, "storing a bulk upload");
            return again(UploadRefusal::NotStored, &badge_id, &file_name);
        }
    };
    match uploads::review(&state.db, &org_id, &id, state.clock.now()).await {
        Ok((_, Ok(_))) => Redirect::to(&format!("{back}/{id}")).into_response(),
        Ok((_, Err(_))) => Redirect::to(&format!("{back}?upload={id}")).into_response(),
        Err(e) => Refusal::from_core(e, "reviewing a bulk upload").into_response(),
    }
}

async fn template() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"recipients-template.csv\""),
        ],
        csv_file::TEMPLATE,
    )
        .into_response()
}

/// `examples/recipients.csv`: against the demo's history it shows every
/// review status; anywhere else, new and invalid rows.
async fn sample() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"recipients.csv\""),
        ],
        include_str!("../../examples/recipients.csv"),
    )
        .into_response()
}

/// The invalid rows, ready to fix and upload again (`bulk::invalid_rows`).
async fn invalid_rows(
    State(state): State<Site>,
    session: Session,
    Path((org_id, upload_id)): Path<(String, String)>,
) -> Response {
    let back = format!("{}/{upload_id}", page(&org_id));
    if let Err(r) = authorize(&state, &session, &org_id, &back).await {
        return r.into_response();
    }
    let body = match issuance::bulk::invalid_rows::csv(&state.db, &org_id, &upload_id, clock::now()).await {
        Ok(Ok(body)) => body,
        Ok(Err(file_error)) => return (StatusCode::UNPROCESSABLE_ENTITY, file_error.message).into_response(),
        Err(e) => return Refusal::from_core(e, "building the invalid-rows file").into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"invalid-rows.csv\""),
        ],
        body,
    )
        .into_response()
}
