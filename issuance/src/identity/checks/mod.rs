//! The checks a verification runs, one module per kind of evidence. Each
//! returns a [`Check`]: passed, failed, or not applicable with the reason
//! (what the inputs cannot decide is never passed).

pub mod barcode;
pub mod consistency;
pub mod image;
pub mod mrz;

use serde::{Deserialize, Serialize};

pub use model::{CheckName, CheckStatus};

/// One check's outcome, as the API shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub name: CheckName,
    pub status: CheckStatus,
    /// Why, in words, for a check that did not pass (and for those that
    /// did, what was measured).
    pub reasons: Vec<String>,
    /// What was measured, for those who want the numbers.
    pub details: serde_json::Value,
}

impl Check {
    pub fn passed(name: CheckName, details: serde_json::Value) -> Self {
        Check { name, status: CheckStatus::Passed, reasons: Vec::new(), details }
    }

    pub fn failed(name: CheckName, reason: impl Into<String>, details: serde_json::Value) -> Self {
        Check { name, status: CheckStatus::Failed, reasons: vec![reason.into()], details }
    }

    pub fn not_applicable(name: CheckName, reason: impl Into<String>) -> Self {
        Check { name, status: CheckStatus::NotApplicable, reasons: vec![reason.into()], details: serde_json::json!({}) }
    }
}
