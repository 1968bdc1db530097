//! Credentials (list, detail, public page), badges and the outbox.

use serde::{Deserialize, Serialize};

use super::{CredentialStatus, CredentialType, MailStatus, OutboxEntry};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CredentialRow {
    pub id: String,
    pub credential_type: CredentialType,
    /// Recipient name or subject name/id: who it is about.
    pub about: String,
    /// Recipient e-mail or subject id.
    pub detail: String,
    pub status: CredentialStatus,
    pub issued_at: i64,
    pub expires_at: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CredentialsView {
    pub items: Vec<CredentialRow>,
    pub next_cursor: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BadgeView {
    pub id: String,
    pub name: String,
    pub description: String,
    pub criteria_narrative: String,
    pub image_url: Option<String>,
    pub validity_days: Option<i64>,
    pub archived: bool,
}

impl BadgeView {
    /// Where pages load the badge's image from.
    pub fn image_src(&self) -> String {
        crate::format::badge_image_src(&self.id, self.image_url.as_deref())
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BadgesView {
    pub badges: Vec<BadgeView>,
    pub can_manage: bool,
    /// A refused image upload, shown once beside its badge: (badge id, why).
    pub image_refusal: Option<(String, String)>,
}

/// A badge as a choice in a filter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BadgeOption {
    pub id: String,
    pub name: String,
}

/// The credentials page: the list, the org's badges for its filter, and
/// the job it is narrowed to, if any.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CredentialsPageView {
    pub list: CredentialsView,
    /// Every credential the org has issued, and how many are revoked,
    /// whatever the filters.
    pub issued_total: i64,
    pub revoked_total: i64,
    pub badges: Vec<BadgeOption>,
    pub job_id: Option<String>,
    /// The job's file name, or its id when it has none.
    pub job_label: Option<String>,
    /// The viewer's role may revoke.
    pub may_revoke: bool,
    /// While revoking the selection is being confirmed: how many active
    /// credentials it would revoke (more than `revoke_limit`: too many).
    pub revoke_matching: Option<usize>,
    pub revoke_limit: usize,
}

/// A credential as its org sees it, on its detail page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CredentialDetailView {
    pub id: String,
    pub credential_type: CredentialType,
    /// Recipient name or subject name/id.
    pub about: String,
    pub recipient_email: Option<String>,
    pub subject_id: Option<String>,
    pub badge_id: Option<String>,
    pub badge_name: Option<String>,
    /// Where the page loads the badge's image from (badges only).
    pub badge_image_url: Option<String>,
    pub status: CredentialStatus,
    pub revoked_at: Option<i64>,
    pub revocation_reason: Option<String>,
    pub superseded_by: Option<String>,
    pub replaces: Option<String>,
    pub job_id: Option<String>,
    pub issued_at: i64,
    pub expires_at: Option<i64>,
    pub issuer_did: String,
    pub kid: String,
    /// The JWT's header and claims, as indented JSON.
    pub header_json: String,
    pub claims_json: String,
    pub jwt: String,
    pub public_url: String,
    pub emails: Vec<OutboxEntry>,
    pub can_revoke: bool,
}

/// A credential as anyone with its link sees it: only what the signed
/// credential says, and its current standing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublicCredentialView {
    /// The badge's public page (`achievement.id`), for badges.
    pub badge_url: Option<String>,
    pub id: String,
    pub status: CredentialStatus,
    pub revoked_at: Option<i64>,
    /// What kind of credential, e.g. "Badge".
    pub kind: String,
    /// The badge's name, or the credential's subject.
    pub title: String,
    pub description: Option<String>,
    pub criteria: Option<String>,
    pub image_url: Option<String>,
    pub recipient_name: Option<String>,
    pub issuer_name: String,
    pub issuer_did: String,
    pub issued_at: i64,
    pub expires_at: Option<i64>,
    pub did_document_url: String,
    pub status_list_url: Option<String>,
    pub status_list_index: Option<String>,
    pub download_url: String,
    /// The badge image with this credential baked in (badges only).
    pub baked_url: Option<String>,
    /// The printable certificate, without its `?paper=` choice.
    pub certificate_url: String,
    /// The page's own address, to copy and share.
    pub page_url: String,
    /// LinkedIn's "Add licence or certification" form, filled in.
    pub linkedin_url: String,
    /// The page's QR code, an SVG drawn by the server.
    pub qr_svg: Option<String>,
}

/// The admin's outbox page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutboxView {
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
    pub cancelled: i64,
    pub bounced: i64,
    pub smtp_configured: bool,
    pub filter: Option<MailStatus>,
    pub messages: Vec<OutboxEntry>,
    /// Pass as `before` for older messages; `None` on the last page.
    pub next_cursor: Option<String>,
}

/// A badge's public page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublicBadgeView {
    pub id: String,
    pub name: String,
    pub description: String,
    pub criteria: String,
    pub image_url: Option<String>,
    pub issuer_name: String,
    pub issuer_did: String,
    /// `None`: credentials of this badge do not expire.
    pub validity_days: Option<i64>,
    /// No longer awarded; credentials already issued still stand.
    pub archived: bool,
}
