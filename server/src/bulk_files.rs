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
use issuance::bulk::{RowStatus, csv_file, uploads};
use issuance::orgs::{Action, Membership};
use issuance::{CoreError, clock};
use tower_sessions::Session;

const BASE: &str = "/organizations/{org_id}/credentials/bulk-issue";

pub fn router() -> Router<Site> {
    Router::new()
        .route(&format!("{BASE}/uploads"), post(upload))
        .route(&format!("{BASE}/template.csv"), get(template))
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

/// Stores the chosen file as a draft and shows its review.
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
    let again = |message: &str| Redirect::to(&format!("{back}?error={}", urlencode(message))).into_response();
    let Ok(mut form) = form else {
        return again("The upload did not arrive as a file form. Choose the file again.");
    };
    let (mut badge_id, mut file) = (None, None);
    loop {
        match form.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("badge_id") => badge_id = field.text().await.ok(),
                Some("file") => {
                    let name = field.file_name().map(str::to_owned);
                    match field.bytes().await {
                        Ok(bytes) => file = Some((name, bytes)),
                        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                            return again("The file is larger than 1 MB. Split it into smaller files.");
                        }
                        Err(_) => return again("The file could not be read. Choose it again."),
                    }
                }
                _ => {}
            },
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return again("The file is larger than 1 MB. Split it into smaller files.");
            }
            Err(_) => return again("The upload was interrupted. Choose the file again."),
        }
    }
    let Some(badge_id) = badge_id.filter(|b| !b.is_empty()) else {
        return again("Pick the badge to issue.");
    };
    let Some((filename, bytes)) = file.filter(|(name, bytes)| name.is_some() || !bytes.is_empty()) else {
        return again("Choose a CSV file to validate.");
    };
    match uploads::create(&state.db, &org_id, &badge_id, filename.as_deref(), &bytes, &member.user_id).await {
        Ok(id) => Redirect::to(&format!("{back}/{id}")).into_response(),
        Err(CoreError::Validation(errors)) => again(&errors[0].to_string()),
        Err(e) => {
            tracing::error!(error = %e, "storing a bulk upload");
            again("The upload could not be stored. Try again.")
        }
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

/// The invalid rows, ready to fix and upload again: name, email and the
/// reason, with cells that a spreadsheet would run as formulas neutralised.
async fn invalid_rows(
    State(state): State<Site>,
    session: Session,
    Path((org_id, upload_id)): Path<(String, String)>,
) -> Response {
    let back = format!("{}/{upload_id}", page(&org_id));
    if let Err(r) = authorize(&state, &session, &org_id, &back).await {
        return r.into_response();
    }
    let review = match uploads::review(&state.db, &org_id, &upload_id, clock::now()).await {
        Ok((_, Ok(review))) => review,
        Ok((_, Err(file_error))) => return (StatusCode::UNPROCESSABLE_ENTITY, file_error.message).into_response(),
        Err(e) => return Refusal::from_core(e, "building the invalid-rows file").into_response(),
    };
    let mut out = csv::Writer::from_writer(Vec::new());
    let _ = out.write_record(["name", "email", "row", "reason"]);
    for row in review.rows.iter().filter(|r| r.status == RowStatus::Invalid) {
        let _ = out.write_record([
            csv_file::neutralise(&row.name),
            csv_file::neutralise(&row.email),
            row.row.to_string(),
            csv_file::neutralise(row.reason.as_deref().unwrap_or_default()),
        ]);
    }
    let body = out.into_inner().unwrap_or_default();
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"invalid-rows.csv\""),
        ],
        body,
    )
        .into_response()
}
