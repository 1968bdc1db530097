//! The one error type of the plain HTTP handlers beside the pages
//! (uploads, downloads, the job event stream): what they answer when they
//! will not serve a request. Detail is logged under a reference, never
//! sent; another org's thing is "Not found.", as on every page.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use issuance::CoreError;

pub enum Refusal {
    /// Not signed in: to the sign-in page, coming back to this path after.
    SignIn(String),
    Status(StatusCode, String),
}

impl Refusal {
    pub fn status(status: StatusCode, message: impl Into<String>) -> Self {
        Refusal::Status(status, message.into())
    }

    /// A core error as a refusal; `doing` names what failed, for the log.
    pub fn from_core(e: CoreError, doing: &str) -> Self {
        match e {
            CoreError::NotFound => Refusal::status(StatusCode::NOT_FOUND, "Not found."),
            CoreError::Forbidden(m) => Refusal::status(StatusCode::FORBIDDEN, m),
            CoreError::Unauthenticated(m) => Refusal::status(StatusCode::UNAUTHORIZED, m),
            CoreError::RateLimited { retry_after_secs } => Refusal::status(
                StatusCode::TOO_MANY_REQUESTS,
                format!("Too many requests; retry in {} s.", retry_after_secs.max(1)),
            ),
            CoreError::Validation(_) | CoreError::Unprocessable(_) | CoreError::QuotaExceeded(_) => {
                Refusal::status(StatusCode::UNPROCESSABLE_ENTITY, e.to_string())
            }
            CoreError::Conflict(m) => Refusal::status(StatusCode::CONFLICT, m),
            CoreError::Unavailable(outage) => Refusal::status(StatusCode::SERVICE_UNAVAILABLE, outage.message()),
            CoreError::Internal(err) => {
                let reference = issuance::ids::new_id("err");
                tracing::error!(%reference, error = ?err, "{doing}");
                Refusal::status(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("Something went wrong on our side (reference {reference}). Try again."),
                )
            }
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::SignIn(next) => Redirect::to(&format!("/login?next={next}")).into_response(),
            Refusal::Status(status, message) => (status, message).into_response(),
        }
    }
}
