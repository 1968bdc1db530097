//! The bulk-issue page and the review of an uploaded file.

use serde::{Deserialize, Serialize};

use super::{BadgeView, DuplicatePolicy, Plan, RowStatus};

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
    /// What the row's optional columns give, in words ("Awarded 1 May
    /// 2026"), and its evidence link.
    pub details: Vec<String>,
    pub evidence: Option<(String, String)>,
    /// The row's badge, in a file that names badges per row.
    pub badge_name: Option<String>,
}

/// One badge's rows of a file that names several.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BadgeGroupView {
    pub badge_id: String,
    pub badge_name: String,
    pub rows: usize,
    pub issuable: usize,
    /// Rows that hold the badge already (what the duplicate policy decides).
    pub holders: usize,
    pub invalid: usize,
    /// New recipients these rows add to the month.
    pub quota_uses: i64,
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
    /// What is done for those who hold the badge already, and how many do
    /// (time-bound, non-expiring): the page shows what each choice does.
    pub duplicate_policy: DuplicatePolicy,
    pub holders: (usize, usize),
    /// The org's time zone, in which a start time is given.
    pub time_zone: String,
    /// Per badge, when the file has a `badge` column.
    pub badge_groups: Vec<BadgeGroupView>,
    /// Only the rows of this badge, when the file names several.
    pub badge_filter: Option<String>,
}

/// What one duplicate policy would do to the holders of an upload.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicyEffect {
    pub reissued: usize,
    pub another: usize,
    pub skipped: usize,
}

impl PolicyEffect {
    /// Of `(time_bound, non_expiring)` holders, under `policy`.
    pub fn of(policy: DuplicatePolicy, (time_bound, non_expiring): (usize, usize)) -> Self {
        let mut effect = PolicyEffect::default();
        for (status, n) in [(RowStatus::ActiveTimeBound, time_bound), (RowStatus::ActiveNonExpiring, non_expiring)] {
            match status.treatment(policy) {
                model::Treatment::Replace => effect.reissued += n,
                model::Treatment::IssueAnother => effect.another += n,
                _ => effect.skipped += n,
            }
        }
        effect
    }

    /// "2 revoked and reissued · 1 skipped"
    pub fn summary(&self) -> String {
        let parts = [(self.reissued, "revoked and reissued"), (self.another, "get another"), (self.skipped, "skipped")];
        let said: Vec<String> = parts.iter().filter(|(n, _)| *n > 0).map(|(n, what)| format!("{n} {what}")).collect();
        said.join(" · ")
    }
}
