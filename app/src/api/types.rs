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
