//! The dashboard's one error type. It crosses the wire from server
//! functions to the browser, so it carries only what a user may see: a
//! message that says what to do next. Internal detail is logged on the
//! server under a reference the message quotes.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Input problems, each with the field it concerns.
    #[error("{}", .0.iter().map(|(f, m)| if f.is_empty() { m.clone() } else { format!("{f}: {m}") }).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<(String, String)>),
    #[error("{0}")]
    Unprocessable(String),
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("Not found. It may have been removed, or you may not have access to it.")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    /// The action would change something the user may not expect: the page
    /// asks, and the same request with its confirmation goes through.
    #[error("{0}")]
    Confirm(String),
    #[error("Too many attempts. Wait {0} seconds, then try again.")]
    RateLimited(u64),
    /// The database could not take the request (full storage, a held
    /// lock, an outage); nothing was saved.
    #[error("{0}")]
    Unavailable(String),
    #[error(
        "Something went wrong on our side (reference {0}). Try again; if it keeps happening, send us the reference."
    )]
    Internal(String),
    /// The request never reached the server function (network, encoding).
    #[error("Could not reach the server: {0}. Check your connection and try again.")]
    Request(String),
}

impl AppError {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Invalid(_) => 400,
            AppError::Unauthenticated(_) => 401,
            AppError::Forbidden(_) => 403,
            AppError::NotFound => 404,
            AppError::Conflict(_) | AppError::Confirm(_) => 409,
            AppError::Unprocessable(_) => 422,
            AppError::RateLimited(_) => 429,
            AppError::Unavailable(_) => 503,
            AppError::Internal(_) => 500,
            AppError::Request(_) => 400,
        }
    }

    /// The error in words for a person: field problems as sentences that
    /// name the field as a person would ("Image url must start with …"),
    /// not `image_url: …`.
    pub fn sentence(&self) -> String {
        match self {
            AppError::Invalid(list) => list
                .iter()
                .map(|(f, m)| {
                    let starts_upper = m.chars().next().is_some_and(char::is_uppercase);
                    let s = if f.is_empty() || starts_upper { m.clone() } else { format!("{} {m}", humanise(f)) };
                    if s.ends_with('.') { s } else { format!("{s}.") }
                })
                .collect::<Vec<_>>()
                .join(" "),
            other => other.to_string(),
        }
    }

    pub fn sign_in_required() -> Self {
        AppError::Unauthenticated("Your session has ended. Sign in again to continue.".into())
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Request(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<issuance::CoreError> for AppError {
    /// Maps a core outcome to what the user sees, and logs what they must
    /// not see.
    fn from(e: issuance::CoreError) -> Self {
        use issuance::CoreError as C;
        match e {
            C::Validation(fields) => AppError::Invalid(fields.into_iter().map(|f| (f.path, f.message)).collect()),
            C::Unprocessable(m) | C::QuotaExceeded(m) => AppError::Unprocessable(m),
            C::Unauthenticated(m) => AppError::Unauthenticated(m),
            C::Forbidden(m) => AppError::Forbidden(m),
            C::NotFound => AppError::NotFound,
            C::Conflict(m) => AppError::Conflict(m),
            C::RateLimited { retry_after_secs } => AppError::RateLimited(retry_after_secs.max(1)),
            C::Unavailable(outage) => AppError::Unavailable(outage.message().into()),
            C::Internal(err) => {
                let reference = issuance::ids::new_id("err");
                tracing::error!(%reference, error = ?err, "internal error in a server function");
                AppError::Internal(reference)
            }
        }
    }
}

/// `validity_days` → `Validity days`; a JSON pointer's last segment.
fn humanise(field: &str) -> String {
    let last = field.rsplit(['.', '/']).next().unwrap_or(field).replace('_', " ");
    let mut c = last.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}
