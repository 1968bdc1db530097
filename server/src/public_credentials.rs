//! The public credential page's downloads: the signed credential itself (a
//! `.jwt` file), the badge image with it baked in, and a printable
//! certificate. Like the page, they need no account: whoever holds the
//! link holds the credential, and the signed JWT reveals nothing the
//! recipient was not given (the e-mail address in it is salted and hashed).

use issuance::Site;

use crate::refusal::Refusal;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use issuance::credentials::certificate::{self, Certificate, Paper};
use issuance::credentials::shown::Shown;
use issuance::credentials::{bake, store, vc};
use issuance::{CoreError, badges, clock};

pub fn router() -> Router<Site> {
    Router::new()
        .route("/credentials/{credential_id}/credential.jwt", get(download))
        .route("/credentials/{credential_id}/badge.png", get(baked))
        .route("/credentials/{credential_id}/certificate.pdf", get(certificate))
}

#[derive(serde::Deserialize)]
struct CertificateQuery {
    paper: Option<String>,
}

/// `GET /credentials/{id}/certificate.pdf?paper=a4|letter`: a one-page
/// certificate with a QR code of the public page, made from what the
/// signed credential says. A revoked credential's says so across the page.
async fn certificate(
    State(state): State<Site>,
    Path(credential_id): Path<String>,
    axum::extract::Query(query): axum::extract::Query<CertificateQuery>,
) -> Response {
    let paper = match query.paper.as_deref() {
        None => Paper::A4,
        Some(p) => match Paper::parse(p) {
            Some(paper) => paper,
            None => {
                let why = format!("paper: expected 'a4' or 'letter', got '{p}'");
                return Refusal::status(axum::http::StatusCode::BAD_REQUEST, why).into_response();
            }
        },
    };
    let credential = match store::get_any(&state.db, &credential_id).await {
        Ok(c) => c,
        Err(e) => return Refusal::from_core(e, "reading a credential for its certificate").into_response(),
    };
    let made = async {
        let shown = Shown::of_token(&credential.signed_payload)?;
        let badge_png = match credential.badge_id.as_deref() {
            Some(b) => {
                Some(badges::image::png(&state.db, &badges::get(&state.db, &credential.org_id, b).await?).await?.png)
            }
            None => None,
        };
        let url = vc::credential_url(&state.public_url, &credential.id);
        let fields = [
            shown.recipient_name().unwrap_or_default().to_owned(),
            shown.title().or(shown.kind()).unwrap_or("Credential").to_owned(),
            shown.achievement().and_then(|a| a.description.clone()).unwrap_or_default(),
            shown.issuer.as_ref().and_then(|i| i.name.clone()).unwrap_or_else(|| credential.issuer_did.clone()),
            clock::long_date(credential.issued_at),
        ];
        let expires_on = credential.expires_at.map(clock::long_date);
        let revoked = credential.is_revoked();
        // Decoding the image and compressing the page are a few
        // milliseconds of CPU: off the request threads.
        tokio::task::spawn_blocking(move || {
            let [recipient_name, badge_name, badge_description, issuer_name, issued_on] = &fields;
            let page = Certificate {
                recipient_name,
                badge_name,
                badge_description,
                issuer_name,
                issued_on,
                expires_on: expires_on.as_deref(),
                credential_url: &url,
                revoked,
                badge_png: badge_png.as_deref(),
            };
            certificate::render(&page, paper)
        })
        .await
        .map_err(anyhow::Error::from)?
        .map_err(|e| CoreError::Internal(anyhow::anyhow!(e)))
    };
    match made.await {
        Ok(pdf) => (
            [
                (header::CONTENT_TYPE, "application/pdf".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}-{}.pdf\"", file_stem(&credential.id), paper.as_str()),
                ),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            pdf,
        )
            .into_response(),
        Err(e) => Refusal::from_core(e, "making a certificate").into_response(),
    }
}

/// A file name for the credential's downloads: ids are `cred_` and a ULID,
/// but keep to that alphabet regardless.
fn file_stem(id: &str) -> String {
    id.chars().filter(|ch| ch.is_ascii_alphanumeric() || *ch == '_' || *ch == '-').collect()
}

/// `GET /credentials/{id}/badge.png`: the badge's image with the signed
/// credential baked in (Open Badges 3.0 baking), as an attachment.
async fn baked(State(state): State<Site>, Path(credential_id): Path<String>) -> Response {
    let credential = match store::get_any(&state.db, &credential_id).await {
        Ok(c) => c,
        Err(e) => return Refusal::from_core(e, "reading a credential to bake").into_response(),
    };
    let Some(badge_id) = credential.badge_id.as_deref() else {
        return Refusal::from_core(CoreError::NotFound, "baking a credential that is not a badge").into_response();
    };
    let baked = async {
        let badge = badges::get(&state.db, &credential.org_id, badge_id).await?;
        let png = badges::image::png(&state.db, &badge).await?;
        bake::bake_png(&png.png, &credential.signed_payload).map_err(|e| CoreError::Internal(anyhow::anyhow!(e)))
    };
    match baked.await {
        Ok(png) => (
            [
                (header::CONTENT_TYPE, "image/png".to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}.png\"", file_stem(&credential.id))),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            png,
        )
            .into_response(),
        Err(e) => Refusal::from_core(e, "baking a credential").into_response(),
    }
}

/// `GET /credentials/{id}/credential.jwt`: the signed JWT, as an attachment.
async fn download(State(state): State<Site>, Path(credential_id): Path<String>) -> Response {
    match store::get_any(&state.db, &credential_id).await {
        Ok(c) => {
            let filename = file_stem(&c.id);
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
