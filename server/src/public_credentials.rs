//! The public credential page's download: the signed credential itself, as
//! a `.jwt` file. Like the page, it needs no account: whoever holds the
//! link holds the credential, and the signed JWT reveals nothing the
//! recipient was not given (the e-mail address in it is salted and hashed).

use issuance::Site;

use crate::refusal::Refusal;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use issuance::credentials::store;

pub fn router() -> Router<Site> {
    Router::new().route("/credentials/{credential_id}/credential.jwt", get(download))
}

/// `GET /credentials/{id}/credential.jwt`: the signed JWT, as an attachment.
async fn download(State(state): State<Site>, Path(credential_id): Path<String>) -> Response {
    match store::get_any(&state.db, &credential_id).await {
        Ok(c) => {
            // Ids are `cred_` and a ULID; keep the file name to that alphabet regardless.
            let filename: String =
                c.id.chars().filter(|ch| ch.is_ascii_alphanumeric() || *ch == '_' || *ch == '-').collect();
            (
                [
                    (header::CONTENT_TYPE, "application/vc+jwt".to_owned()),
                    (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}.jwt\"")),
                    (header::CACHE_CONTROL, "no-store".to_owned()),
                ],
                c.signed_payload,
            )
                .into_response()
        }
        Err(e) => Refusal::from_core(e, "reading a credential to download").into_response(),
    }
}
