//! How a CSV row will be treated, decided by `issuance::bulk::classify`.

use crate::term::vocabulary;

vocabulary! {
    pub enum RowStatus {
        /// First credential of this badge for this recipient.
        New,
        /// Their last one expired: issue a new one that supersedes it.
        Renewal,
        /// They hold an active, time-limited one: revoke it, issue a new one.
        ActiveTimeBound,
        /// They hold an active one that never expires: skip (a duplicate).
        ActiveNonExpiring,
        /// Their last one was revoked: issue afresh.
        Revoked,
        /// Missing or malformed name or e-mail: a person must fix the row.
        Invalid,
        /// The same e-mail as an earlier row of the file: that row is
        /// issued, this one adds nothing. Neutral, not an error to fix.
        Duplicate,
        /// Would take the org past its monthly recipient quota.
        OverQuota,
    }
}

impl RowStatus {
    /// A row a person must act on before it can be issued: the review
    /// lists these first.
    pub fn needs_attention(self) -> bool {
        matches!(self, RowStatus::Invalid | RowStatus::OverQuota)
    }

    /// What is done with a row of this status under `policy`.
    pub fn treatment(self, policy: DuplicatePolicy) -> Treatment {
        match self {
            RowStatus::New | RowStatus::Revoked => Treatment::Issue,
            RowStatus::Renewal => Treatment::Supersede,
            RowStatus::ActiveTimeBound | RowStatus::ActiveNonExpiring => match policy {
                DuplicatePolicy::ByExpiry if self == RowStatus::ActiveTimeBound => Treatment::Replace,
                DuplicatePolicy::ByExpiry | DuplicatePolicy::Skip => Treatment::Skip,
                DuplicatePolicy::Replace => Treatment::Replace,
                DuplicatePolicy::Allow => Treatment::IssueAnother,
            },
            RowStatus::Duplicate => Treatment::Skip,
            RowStatus::Invalid | RowStatus::OverQuota => Treatment::Refuse,
        }
    }

    pub fn issuable(self, policy: DuplicatePolicy) -> bool {
        self.treatment(policy).issues()
    }

    /// The review's words for the row: what it is and what will be done.
    pub fn label(self, policy: DuplicatePolicy) -> &'static str {
        match (self, self.treatment(policy)) {
            (RowStatus::New, _) => "New",
            (RowStatus::Renewal, _) => "Expired: renewal",
            (RowStatus::ActiveTimeBound, Treatment::Replace) => "Active (time-bound): reissue",
            (RowStatus::ActiveTimeBound, Treatment::IssueAnother) => "Active (time-bound): issue another",
            (RowStatus::ActiveTimeBound, _) => "Active (time-bound): skipped",
            (RowStatus::ActiveNonExpiring, Treatment::Replace) => "Active (non-expiring): reissue",
            (RowStatus::ActiveNonExpiring, Treatment::IssueAnother) => "Active (non-expiring): issue another",
            (RowStatus::ActiveNonExpiring, _) => "Active (non-expiring): skipped",
            (RowStatus::Revoked, _) => "Revoked: fresh issue",
            (RowStatus::Invalid, _) => "Invalid",
            (RowStatus::Duplicate, _) => "Duplicate in file",
            (RowStatus::OverQuota, _) => "Over quota",
        }
    }
}

vocabulary! {
    /// What an upload does for a recipient who already holds an active
    /// credential of its badge: Credly's three choices, and Laurel's
    /// default, which decides by what they hold.
    #[derive(Default)]
    pub enum DuplicatePolicy {
        /// Revoke and reissue a credential that expires; skip one that
        /// never does.
        #[default]
        ByExpiry,
        /// Issue them nothing.
        Skip,
        /// Revoke what they hold and issue a new one.
        Replace,
        /// Issue another; what they hold stays valid.
        Allow,
    }
}

impl DuplicatePolicy {
    pub fn label(self) -> &'static str {
        match self {
            DuplicatePolicy::ByExpiry => "Reissue time-bound, skip non-expiring",
            DuplicatePolicy::Skip => "Skip them",
            DuplicatePolicy::Replace => "Revoke and reissue",
            DuplicatePolicy::Allow => "Issue another",
        }
    }

    pub fn explain(self) -> &'static str {
        match self {
            DuplicatePolicy::ByExpiry => {
                "A credential that expires is revoked and a new one issued; one that never expires is kept, and \
                 nothing is issued."
            }
            DuplicatePolicy::Skip => "What they hold is kept, and nothing is issued to them.",
            DuplicatePolicy::Replace => "What they hold is revoked, and a new credential is issued.",
            DuplicatePolicy::Allow => "A second credential is issued; the one they hold stays valid.",
        }
    }
}

/// What is done with a row once the policy is applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Treatment {
    /// A first credential, or a fresh one after a revocation.
    Issue,
    /// A new credential that supersedes an expired one.
    Supersede,
    /// Revoke the active credential, then issue a new one.
    Replace,
    /// Issue a new credential beside the active one.
    IssueAnother,
    /// Issue nothing; not an error.
    Skip,
    /// Cannot be issued as it is (invalid, over quota).
    Refuse,
}

impl Treatment {
    pub fn issues(self) -> bool {
        matches!(self, Treatment::Issue | Treatment::Supersede | Treatment::Replace | Treatment::IssueAnother)
    }
}

/// The upload form's badge choice for a file that names each row's badge
/// in a `badge` column, instead of one badge for the whole file.
pub const BADGE_NAMED_IN_FILE: &str = "in_file";

vocabulary! {
    /// Why an upload on the bulk page never became a draft: the upload
    /// handler redirects back with `?refused=<name>`, and the page says it
    /// in these words only.
    pub enum UploadRefusal {
        TooLarge,
        NotAForm,
        NoBadge,
        NoFile,
        Interrupted,
        NotStored,
    }
}

impl UploadRefusal {
    pub fn message(self) -> &'static str {
        match self {
            UploadRefusal::TooLarge => "The file is larger than 1 MB. Split it into smaller files and upload each.",
            UploadRefusal::NotAForm => "The upload did not arrive as a file form. Choose the file again.",
            UploadRefusal::NoBadge => "Pick the badge to issue.",
            UploadRefusal::NoFile => "Choose a CSV file to validate.",
            UploadRefusal::Interrupted => "The upload was interrupted. Choose the file again.",
            UploadRefusal::NotStored => "The upload could not be stored. Try again.",
        }
    }
}
