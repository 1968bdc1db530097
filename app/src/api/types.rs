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
