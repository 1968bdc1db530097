//! A bulk job's status, and what became of each of its rows.

use crate::term::vocabulary;

vocabulary! {
    pub enum JobStatus {
        /// Waiting for a slot (an org runs at most ten jobs at once).
        Pending,
        Processing,
        Completed,
        /// Every item failed.
        Failed,
        Cancelled,
    }
}

impl JobStatus {
    pub fn label(self) -> &'static str {
        match self {
            JobStatus::Pending => "Pending",
            JobStatus::Processing => "Processing",
            JobStatus::Completed => "Completed",
            JobStatus::Failed => "Failed",
            JobStatus::Cancelled => "Cancelled",
        }
    }

    /// Nothing more will happen to the job.
    pub fn is_finished(self) -> bool {
        matches!(self, JobStatus::Completed | JobStatus::Failed | JobStatus::Cancelled)
    }
}

vocabulary! {
    /// What became of one row.
    pub enum ItemState {
        Pending,
        Succeeded,
        Failed,
        Skipped,
        Cancelled,
    }
}

impl ItemState {
    pub fn label(self) -> &'static str {
        match self {
            ItemState::Pending => "Pending",
            ItemState::Succeeded => "Issued",
            ItemState::Failed => "Failed",
            ItemState::Skipped => "Skipped",
            ItemState::Cancelled => "Cancelled",
        }
    }
}
