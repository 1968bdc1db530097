//! The Identity pages: sessions, and one session with its documents and
//! their checks.

use serde::{Deserialize, Serialize};

use super::{CheckName, CheckStatus, SessionStatus, VerificationStatus};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IdentitySessionRow {
    pub id: String,
    pub account_id: String,
    pub external_id: Option<String>,
    /// The person's name as entered, or "(no name yet)".
    pub name: String,
    pub status: SessionStatus,
    pub created_at: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IdentitySessionsView {
    pub sessions: Vec<IdentitySessionRow>,
    pub filter: Option<SessionStatus>,
    /// Pass as `after` for the next page.
    pub next_after: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckView {
    pub name: CheckName,
    pub status: CheckStatus,
    pub reasons: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VerificationView {
    pub id: String,
    pub status: VerificationStatus,
    pub checks: Vec<CheckView>,
    pub completed_at: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocumentView {
    pub id: String,
    /// `Passport · SE`.
    pub label: String,
    /// `(side, URL)` of each uploaded image, for members only.
    pub images: Vec<(String, String)>,
    pub images_deleted: bool,
    pub verifications: Vec<VerificationView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IdentitySessionView {
    pub id: String,
    pub status: SessionStatus,
    pub account_id: String,
    pub external_id: Option<String>,
    /// `(label, value)` of what was entered.
    pub entered: Vec<(String, String)>,
    /// `(field, value, source)` of what documents said.
    pub extracted: Vec<(String, String, String)>,
    pub documents: Vec<DocumentView>,
    pub decision_note: Option<String>,
    pub credential_id: Option<String>,
    /// Issuer and up may decide and issue.
    pub can_act: bool,
    pub created_at: i64,
    pub submitted_at: Option<i64>,
    pub decided_at: Option<i64>,
}
