//! Plan tiers and what each one allows.

use crate::term::vocabulary;

vocabulary! {
    pub enum Plan {
        Free,
        Professional,
        Enterprise,
    }
}

impl Plan {
    /// Unique recipients per calendar month unless the org has its own figure.
    pub fn default_monthly_quota(self) -> i64 {
        match self {
            Plan::Free => 50,
            Plan::Professional => 5_000,
            Plan::Enterprise => 100_000,
        }
    }

    /// Free orgs may validate a CSV but not submit it.
    pub fn allows_bulk_issue(self) -> bool {
        !matches!(self, Plan::Free)
    }

    pub fn label(self) -> &'static str {
        match self {
            Plan::Free => "Free",
            Plan::Professional => "Professional",
            Plan::Enterprise => "Enterprise",
        }
    }
}
