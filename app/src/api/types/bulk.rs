//! The bulk-issue page and the review of an uploaded file.

use serde::{Deserialize, Serialize};

use super::{BadgeView, Plan, RowStatus};

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
