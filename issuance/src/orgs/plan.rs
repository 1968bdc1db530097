//! Plan tiers and what each one allows.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Plan {
    Free,
    Professional,
    Enterprise,
}

impl Plan {
    pub const ALL: [Plan; 3] = [Plan::Free, Plan::Professional, Plan::Enterprise];

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

    pub fn as_str(self) -> &'static str {
        match self {
            Plan::Free => "free",
            Plan::Professional => "professional",
            Plan::Enterprise => "enterprise",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Plan::Free => "Free",
            Plan::Professional => "Professional",
            Plan::Enterprise => "Enterprise",
        }
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Plan {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Plan::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("expected 'free' | 'professional' | 'enterprise', got '{s}'"))
    }
}
