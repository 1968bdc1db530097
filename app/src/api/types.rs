//! What server functions return: plain data the browser can hold.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Me {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrgLink {
    pub id: String,
    pub name: String,
    pub role: String,
}

/// Everything the org frame (header, switcher, nav) needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrgContext {
    pub org_id: String,
    pub org_name: String,
    pub role: String,
    pub can_manage_members: bool,
    pub me: Me,
    pub orgs: Vec<OrgLink>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActivityItem {
    pub summary: String,
    pub actor: Option<String>,
    pub at: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrgOverview {
    pub name: String,
    pub plan: String,
    pub approved: bool,
    pub quota_month: String,
    pub quota_used: i64,
    pub quota_limit: i64,
    pub bulk_issue_allowed: bool,
    pub activity: Vec<ActivityItem>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberRow {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub joined_at: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InvitationRow {
    pub id: String,
    pub email: String,
    pub role: String,
    pub expires_at: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MembersPage {
    pub my_user_id: String,
    pub my_role: String,
    pub can_manage: bool,
    pub members: Vec<MemberRow>,
    pub invitations: Vec<InvitationRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum InviteResult {
    Added { email: String },
    Invited { email: String, link: String },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InvitationView {
    pub org_name: String,
    pub email: String,
    pub role: String,
    pub has_account: bool,
    /// Set when someone is signed in.
    pub signed_in_as: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SigningKeyView {
    pub key_id: String,
    pub kid: String,
    pub created_at: i64,
    pub retired_at: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiKeyView {
    pub id: String,
    pub name: String,
    pub hint: String,
    pub scopes: Vec<String>,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked: bool,
    pub imported: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SettingsView {
    pub did: String,
    pub did_document_url: String,
    pub approved: bool,
    pub keys: Vec<SigningKeyView>,
    pub can_rotate: bool,
    pub can_manage_api_keys: bool,
    pub api_keys: Vec<ApiKeyView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewApiKey {
    pub name: String,
    pub secret: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CredentialRow {
    pub id: String,
    pub credential_type: String,
    /// Recipient name or subject name/id: who it is about.
    pub about: String,
    /// Recipient e-mail or subject id.
    pub detail: String,
    pub status: String,
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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BadgesView {
    pub badges: Vec<BadgeView>,
    pub can_manage: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BulkPageView {
    pub badges: Vec<BadgeView>,
    pub plan: String,
    pub plan_allows_submit: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatusCount {
    pub status: String,
    pub label: String,
    pub count: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewRowView {
    pub row: usize,
    pub name: String,
    pub email: String,
    pub status: String,
    pub label: String,
    pub issuable: bool,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BulkReviewView {
    pub upload_id: String,
    pub badge_name: String,
    pub filename: Option<String>,
    pub submitted: bool,
    pub file_error: Option<String>,
    pub counts: Vec<StatusCount>,
    pub rows_total: usize,
    pub valid: usize,
    pub issuable: usize,
    pub quota_month: String,
    pub quota_limit: i64,
    pub quota_used: i64,
    pub quota_remaining: i64,
    pub quota_uses: i64,
    pub warnings: Vec<String>,
    pub can_submit: bool,
    pub blocker: Option<String>,
    pub rows: Vec<ReviewRowView>,
    pub filter: Option<String>,
    pub filtered: usize,
    pub page: usize,
    pub pages: usize,
}
