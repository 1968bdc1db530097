//! The one error type of the core. Each variant is a kind of outcome a caller
//! must treat differently (a status code, a message); internal detail is kept
//! in `Internal` for logs and never shown to users.

use serde::{Deserialize, Serialize};

/// One problem with one input field, named by its path (`claims.kyb_status`,
/// `email`, `row 4: email`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub path: String,
    pub message: String,
}

impl FieldError {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self { path: path.into(), message: message.into() }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// The input is malformed; every problem found is listed.
    #[error("{}", summarize(.0))]
    Validation(Vec<FieldError>),
    /// Well-formed but refused by a business rule (e.g. a date in the past).
    #[error("{0}")]
    Unprocessable(String),
    /// No session, or wrong credentials.
    #[error("{0}")]
    Unauthenticated(String),
    /// Known caller, but their role or scope does not allow this.
    #[error("{0}")]
    Forbidden(String),
    /// Absent, or present in an organisation the caller does not belong to:
    /// the two are indistinguishable on purpose.
    #[error("not found")]
    NotFound,
    /// The request clashes with the current state (duplicate, last owner...).
    #[error("{0}")]
    Conflict(String),
    /// The org's monthly unique-recipient quota would be exceeded.
    #[error("{0}")]
    QuotaExceeded(String),
    /// Too many attempts; try again after this many seconds.
    #[error("too many attempts, retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// The database cannot take the request now (full disk, held lock,
    /// unreachable server); nothing was written, and the same request can
    /// be sent again.
    #[error("{}", .0.message())]
    Unavailable(Outage),
    /// A bug, or a failure with no better name. The detail is for logs only.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Why the database is unavailable, as clients and pages are told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outage {
    StorageFull,
    DatabaseBusy,
    DatabaseDown,
}

impl Outage {
    /// The wire name (the REST API's `error.code`).
    pub fn code(self) -> &'static str {
        match self {
            Outage::StorageFull => "storage_full",
            Outage::DatabaseBusy => "database_busy",
            Outage::DatabaseDown => "database_unavailable",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Outage::StorageFull => "The server's storage is full, so nothing was saved. Try again once space is freed.",
            Outage::DatabaseBusy => "The database is busy and nothing was saved. Try again in a moment.",
            Outage::DatabaseDown => "The database cannot be reached, so nothing was saved. Try again in a moment.",
        }
    }

    /// A fair `Retry-After`, in seconds.
    pub fn retry_after_secs(self) -> u64 {
        match self {
            Outage::StorageFull => 60,
            Outage::DatabaseBusy | Outage::DatabaseDown => 5,
        }
    }

    /// Reads an outage from a database error; `None` for other errors.
    fn of(e: &sqlx::Error) -> Option<Outage> {
        match e {
            sqlx::Error::Database(db) => match db.code().as_deref()? {
                // SQLite: SQLITE_FULL; PostgreSQL: disk_full.
                "13" | "53100" => Some(Outage::StorageFull),
                // SQLite: SQLITE_BUSY, SQLITE_LOCKED (and their extended codes).
                "5" | "6" | "261" | "517" | "262" => Some(Outage::DatabaseBusy),
                // PostgreSQL: shutting down, cannot connect now, connection exceptions.
                c if c.starts_with("57P") || c.starts_with("08") => Some(Outage::DatabaseDown),
                _ => None,
            },
            sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => Some(Outage::DatabaseDown),
            _ => None,
        }
    }
}

fn summarize(errors: &[FieldError]) -> String {
    errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

impl CoreError {
    pub fn field(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(path, message)])
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden(message.into())
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::Conflict(message.into())
    }

    /// Puts a single-field validation error under another name (the same
    /// rule checks `password` at sign-up and `new_password` on a change).
    pub fn at_path(self, path: &str) -> Self {
        match self {
            Self::Validation(errors) => {
                Self::Validation(errors.into_iter().map(|e| FieldError::new(path, e.message)).collect())
            }
            other => other,
        }
    }
}

impl From<sqlx::Error> for CoreError {
    fn from(e: sqlx::Error) -> Self {
        match Outage::of(&e) {
            Some(outage) => {
                tracing::warn!(error = %e, code = outage.code(), "the database is unavailable");
                Self::Unavailable(outage)
            }
            // sqlx's own message says what failed ("error returned from
            // database: ..."); logs need it, and clients never see it.
            None => Self::Internal(anyhow::Error::new(e)),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for CoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        Self::Internal(anyhow::Error::new(e).context("migration"))
    }
}

pub type CoreResult<T> = Result<T, CoreError>;
