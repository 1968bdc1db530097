//! The org frame, overview, members, invitations, the account page and settings.

use serde::{Deserialize, Serialize};

use super::{Plan, Role};

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
    pub role: Role,
}

/// Everything the org frame (header, switcher, nav) needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrgContext {
    pub me: Me,
    pub orgs: Vec<OrgLink>,
    /// Open invitations addressed to the signed-in person.
    pub invitations_for_me: usize,
    /// The org in the URL, `None` when the viewer is not a member of it
    /// (or it does not exist: the two look the same). The frame still
    /// shows the header and the viewer's own orgs then.
    pub current: Option<CurrentOrg>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CurrentOrg {
    pub org_id: String,
    pub org_name: String,
    pub role: Role,
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
    pub plan: Plan,
    pub approved: bool,
    pub quota_month: String,
    pub quota_used: i64,
    pub quota_limit: i64,
    pub bulk_issue_allowed: bool,
    pub activity: Vec<ActivityItem>,
    /// `(YYYY-MM-DD, credentials issued)` for the last 90 days, oldest first.
    pub issued_per_day: Vec<(String, i64)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberRow {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub joined_at: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InvitationRow {
    pub id: String,
    pub email: String,
    pub role: Role,
    pub invited_by: Option<String>,
    pub expires_at: i64,
    /// The invitation e-mail's state: `queued`, `sent` or `failed`.
    pub delivery: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MembersPage {
    pub org_name: String,
    pub my_user_id: String,
    pub my_role: Role,
    pub can_manage: bool,
    pub members: Vec<MemberRow>,
    pub invitations: Vec<InvitationRow>,
}

/// The same answer whether or not the address has an account: the
/// invitation went (or waits to go) to the address, never to the inviter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InviteResult {
    pub email: String,
    /// False when this server sends no mail: the e-mail waits in the outbox.
    pub emailed: bool,
}

/// An invitation addressed to the signed-in person.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InvitationForYouRow {
    pub id: String,
    pub org_name: String,
    pub role: Role,
    pub invited_by: Option<String>,
    pub expires_at: i64,
}

/// The signed-in person's own page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountPage {
    pub me: Me,
    pub invitations: Vec<InvitationForYouRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InvitationView {
    pub org_name: String,
    pub email: String,
    pub role: Role,
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
    /// The identity rules, and whether this member may change them.
    pub identity_min_age: i64,
    pub identity_failed_rule: model::FailedCheckRule,
    pub identity_retention_days: i64,
    pub can_change_rules: bool,
    /// The org's time zone (IANA name), for scheduled jobs.
    pub time_zone: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewApiKey {
    pub name: String,
    pub secret: String,
}

/// The plan page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanPageView {
    pub plan: Plan,
    pub quota_limit: i64,
    pub quota_used: i64,
    pub quota_month: String,
    /// Owners may ask for a bigger plan.
    pub can_request: bool,
    /// Who to talk to: the org's Owners.
    pub owners: Vec<String>,
    pub last_request: Option<PlanRequest>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanRequest {
    pub summary: String,
    pub by: Option<String>,
    pub at: i64,
}

/// The Activity page: the audit log with its filters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActivityPageView {
    pub events: Vec<AuditEventView>,
    pub action: Option<model::AuditAction>,
    pub target: Option<String>,
    /// `YYYY-MM-DD`, as the date field gives it.
    pub since: Option<String>,
    pub next_cursor: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEventView {
    pub id: String,
    pub action: model::AuditAction,
    /// The member's e-mail, or the API key's name, or "Laurel".
    pub actor: String,
    pub target: Option<String>,
    pub summary: String,
    pub data: Option<String>,
    pub at: i64,
}
