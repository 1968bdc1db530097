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

    pub fn issuable(self) -> bool {
        matches!(self, RowStatus::New | RowStatus::Renewal | RowStatus::ActiveTimeBound | RowStatus::Revoked)
    }

    pub fn label(self) -> &'static str {
        match self {
            RowStatus::New => "New",
            RowStatus::Renewal => "Expired: renewal",
            RowStatus::ActiveTimeBound => "Active (time-bound): reissue",
            RowStatus::ActiveNonExpiring => "Active (non-expiring): skipped",
            RowStatus::Revoked => "Revoked: fresh issue",
            RowStatus::Invalid => "Invalid",
            RowStatus::Duplicate => "Duplicate in file",
            RowStatus::OverQuota => "Over quota",
        }
    }
}

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
