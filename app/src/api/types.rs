//! What server functions return: plain data the browser can hold. Roles,
//! plans and statuses are `model`'s types, the same on both sides of the
//! wire; pages ask them for labels rather than comparing strings.

pub use model::{CredentialStatus, ItemState, JobStatus, MailStatus, Plan, Role, RowStatus};
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
    pub role: Role,
}

/// Everything the org frame (header, switcher, nav) needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrgContext {
    pub org_id: String,
    pub org_name: String,
    pub role: Role,
    pub can_manage_members: bool,
    pub me: Me,
    pub orgs: Vec<OrgLink>,
    /// Open invitations addressed to the signed-in person.
    pub invitations_for_me: usize,
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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BadgesView {
    pub badges: Vec<BadgeView>,
    pub can_manage: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BulkPageView {
    pub badges: Vec<BadgeView>,
    pub plan: Plan,
    pub plan_allows_submit: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatusCount {
    pub status: RowStatus,
    pub count: usize,
}

/// How many of a job's rows are in one state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemCount {
    pub state: ItemState,
    pub count: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewRowView {
    pub row: usize,
    pub name: String,
    pub email: String,
    pub status: RowStatus,
    pub issuable: bool,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BulkReviewView {
    pub upload_id: String,
    pub badge_name: String,
    pub filename: Option<String>,
    pub submitted: bool,
    /// The job a submitted upload became.
    pub job_id: Option<String>,
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
    pub filter: Option<RowStatus>,
    pub filtered: usize,
    pub page: usize,
    pub pages: usize,
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
    pub badges: Vec<BadgeOption>,
    pub job_id: Option<String>,
    /// The job's file name, or its id when it has none.
    pub job_label: Option<String>,
}

/// One e-mail of the outbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutboxMessageView {
    pub id: String,
    pub credential_id: Option<String>,
    pub job_id: Option<String>,
    pub to_email: String,
    pub to_name: String,
    pub badge_name: Option<String>,
    pub status: MailStatus,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub sent_at: Option<i64>,
    pub created_at: i64,
}

/// A credential as its org sees it, on its detail page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CredentialDetailView {
    pub id: String,
    pub credential_type: String,
    /// Recipient name or subject name/id.
    pub about: String,
    pub recipient_email: Option<String>,
    pub subject_id: Option<String>,
    pub badge_id: Option<String>,
    pub badge_name: Option<String>,
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
    pub emails: Vec<OutboxMessageView>,
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
}

/// The admin's outbox page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutboxView {
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
    pub smtp_configured: bool,
    pub filter: Option<MailStatus>,
    pub messages: Vec<OutboxMessageView>,
    /// Pass as `before` for older messages; `None` on the last page.
    pub next_cursor: Option<String>,
}

// Bulk jobs: the history, the job page and its live updates.

/// A bulk job as the history lists it and the job page heads it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobSummary {
    pub id: String,
    pub badge_name: String,
    pub filename: Option<String>,
    /// `dashboard` or `api`.
    pub source: String,
    pub status: JobStatus,
    /// A member's e-mail, or the API key's name.
    pub submitted_by: Option<String>,
    pub total: i64,
    pub succeeded: i64,
    pub failed: i64,
    pub skipped: i64,
    /// Rows never processed because the job was cancelled.
    pub cancelled: i64,
    pub remaining: i64,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub completed_at: Option<i64>,
    /// Seconds from start to finish, or until now while it runs.
    pub duration: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobsView {
    pub jobs: Vec<JobSummary>,
    pub next_cursor: Option<String>,
}

/// A row that failed, with why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobFailure {
    /// 0-based data row (orders the list).
    pub idx: i64,
    /// The line of the file.
    pub line: i64,
    pub name: String,
    pub email: String,
    pub code: Option<String>,
    pub message: String,
}

/// How a job stands: what the job page renders first and what every
/// server-sent event of `/organizations/{org}/jobs/{job}/events` carries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobSnapshot {
    pub status: JobStatus,
    pub total: i64,
    pub processed: i64,
    pub succeeded: i64,
    pub failed: i64,
    pub skipped: i64,
    pub cancelled: i64,
    pub remaining: i64,
    pub emails_queued: i64,
    pub emails_sent: i64,
    pub emails_failed: i64,
    /// Credentials issued per second, lately (while running) or on average.
    pub rate: Option<f64>,
    /// Estimated seconds until the job is done, while it runs.
    pub seconds_left: Option<i64>,
    /// Failed rows: on the page, the first ones; in an event, those not
    /// sent before on that connection.
    pub failures: Vec<JobFailure>,
}

/// One row of the job's file and what became of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobItemRow {
    pub idx: i64,
    pub line: i64,
    pub name: String,
    pub email: String,
    pub state: ItemState,
    pub credential_id: Option<String>,
    pub error: Option<String>,
    /// Once the row succeeded.
    pub email_status: Option<MailStatus>,
    pub email_error: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobPageView {
    pub job: JobSummary,
    pub snapshot: JobSnapshot,
    /// The viewer's role may cancel (the job's status decides the rest).
    pub can_cancel: bool,
}

/// One page of a job's rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobRowsView {
    /// Rows per state, for the filter.
    pub counts: Vec<ItemCount>,
    pub items: Vec<JobItemRow>,
    /// The item state the table shows, if filtered.
    pub filter: Option<ItemState>,
    /// The cursor the table starts after, if not on its first page.
    pub after: Option<i64>,
    pub next_after: Option<i64>,
}

/// A badge's public page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublicBadgeView {
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
