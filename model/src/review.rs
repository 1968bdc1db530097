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
        /// Missing or malformed name or e-mail, or a duplicate row.
        Invalid,
        /// Would take the org past its monthly recipient quota.
        OverQuota,
    }
}

impl RowStatus {
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
            RowStatus::OverQuota => "Over quota",
        }
    }
}
