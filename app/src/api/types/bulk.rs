//! The bulk-issue page and the review of an uploaded file.

use serde::{Deserialize, Serialize};

use super::{BadgeView, Plan, RowStatus};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BulkPageView {
    pub badges: Vec<BadgeView>,
    pub plan: Plan,
    pub plan_allows_submit: bool,
    /// The badge to preselect: the one of the file that could not be used.
    pub badge_id: Option<String>,
    /// Why the last file could not be used, shown above the form.
    pub problem: Option<FileProblemView>,
}

/// A file that cannot be reviewed: what it was, for which badge, why, and
/// (when only the columns are unclear) the columns to choose from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileProblemView {
    /// The draft holding the file, when it was stored.
    pub upload_id: Option<String>,
    pub filename: Option<String>,
    pub badge_name: Option<String>,
    /// `issuance::bulk::csv_file::FileProblem`'s wire name, or a
    /// `model::UploadRefusal`'s.
    pub code: String,
    pub message: String,
    /// The header's columns, when the name and e-mail columns must be chosen.
    pub columns: Vec<String>,
    pub guess_name: Option<String>,
    pub guess_email: Option<String>,
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
    /// Submit is off because of the plan: the page links to the plans.
    pub plan_blocked: bool,
    pub blocker: Option<String>,
    pub rows: Vec<ReviewRowView>,
    pub filter: Option<RowStatus>,
    pub filtered: usize,
    pub page: usize,
    pub pages: usize,
}
