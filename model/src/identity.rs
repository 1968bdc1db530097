//! The Identity API's vocabulary: accounts, sessions, documents and the
//! checks a verification runs on them.

use crate::term::vocabulary;

vocabulary! {
    /// A person (or business) in the org's own system.
    pub enum AccountStatus {
        Active,
        /// Cannot start sessions.
        Blocked,
    }
}

vocabulary! {
    /// Where a session stands: `created` → `pending` (submitted, checks
    /// running) → `approved` | `declined` | `needs_review`, or `expired`.
    pub enum SessionStatus {
        Created,
        Pending,
        Approved,
        Declined,
        NeedsReview,
        Expired,
    }
}

impl SessionStatus {
    pub fn label(self) -> &'static str {
        match self {
            SessionStatus::Created => "Collecting",
            SessionStatus::Pending => "Checking",
            SessionStatus::Approved => "Approved",
            SessionStatus::Declined => "Declined",
            SessionStatus::NeedsReview => "Needs review",
            SessionStatus::Expired => "Expired",
        }
    }

    /// Decided: no more documents, no more changes.
    pub fn is_decided(self) -> bool {
        matches!(self, SessionStatus::Approved | SessionStatus::Declined | SessionStatus::Expired)
    }
}

/// What a document is, as its JSON:API `type` names it.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, strum::IntoStaticStr, strum::Display, strum::VariantArray,
)]
pub enum DocumentKind {
    /// A government ID: passport, driving licence or national ID card.
    #[strum(serialize = "document/idv")]
    Idv,
    /// A proof of address: a utility bill, a bank statement.
    #[strum(serialize = "document/address")]
    Address,
}

crate::term::named_terms!(DocumentKind);

vocabulary! {
    /// A government ID's class.
    pub enum IdClass {
        /// Passport (ICAO 9303 TD3).
        Pp,
        /// Driving licence (PDF417 barcode on the back in the US and Canada).
        Dl,
        /// National identity card (ICAO 9303 TD1 or TD2).
        Id,
    }
}

impl IdClass {
    pub fn label(self) -> &'static str {
        match self {
            IdClass::Pp => "Passport",
            IdClass::Dl => "Driving licence",
            IdClass::Id => "National ID card",
        }
    }

    /// Whether the class has a back to upload.
    pub fn has_back(self) -> bool {
        !matches!(self, IdClass::Pp)
    }
}

vocabulary! {
    /// Which side of a document an image is.
    pub enum DocumentSide {
        Front,
        Back,
    }
}

vocabulary! {
    /// A verification runs on the job engine's workers:
    /// `initiated` → `processing` → `passed` | `failed` | `requires_retry`
    /// (an input was missing or unreadable: upload again and rerun).
    pub enum VerificationStatus {
        Initiated,
        Processing,
        Passed,
        Failed,
        RequiresRetry,
    }
}

impl VerificationStatus {
    pub fn is_finished(self) -> bool {
        matches!(self, VerificationStatus::Passed | VerificationStatus::Failed | VerificationStatus::RequiresRetry)
    }
}

vocabulary! {
    /// One check's outcome. What cannot be decided from the inputs is
    /// `not_applicable`, with the reason: no check pretends.
    pub enum CheckStatus {
        Passed,
        Failed,
        NotApplicable,
    }
}

vocabulary! {
    /// The checks a verification runs, each explained in the README.
    pub enum CheckName {
        /// The upload decodes as the image type it claims.
        ImageReadable,
        /// Enough pixels to read the document's class.
        ImageResolution,
        /// The variance of the Laplacian is above a threshold: not blurred.
        ImageSharpness,
        /// Neither blown out nor too dark.
        ImageExposure,
        /// The MRZ has the shape of ICAO 9303 TD1, TD2 or TD3.
        MrzFormat,
        /// Every check digit of the MRZ, and the composite.
        MrzCheckDigits,
        /// The document's expiry date is not past.
        DocumentExpired,
        /// The holder is at least the org's minimum age.
        AgeMinimum,
        /// A US or Canadian driving licence's PDF417 barcode decodes to
        /// AAMVA fields.
        BarcodeData,
        /// Name and birthdate agree between the session and the document.
        DataConsistency,
        /// No other account of the org used this document (its number or
        /// the same image).
        DuplicateDocument,
    }
}

impl CheckName {
    pub fn label(self) -> &'static str {
        match self {
            CheckName::ImageReadable => "Image readable",
            CheckName::ImageResolution => "Image resolution",
            CheckName::ImageSharpness => "Image sharp",
            CheckName::ImageExposure => "Image exposure",
            CheckName::MrzFormat => "MRZ format",
            CheckName::MrzCheckDigits => "MRZ check digits",
            CheckName::DocumentExpired => "Not expired",
            CheckName::AgeMinimum => "Minimum age",
            CheckName::BarcodeData => "Barcode data",
            CheckName::DataConsistency => "Data consistency",
            CheckName::DuplicateDocument => "Not a duplicate",
        }
    }
}

impl CheckStatus {
    pub fn label(self) -> &'static str {
        match self {
            CheckStatus::Passed => "Passed",
            CheckStatus::Failed => "Failed",
            CheckStatus::NotApplicable => "Not applicable",
        }
    }
}

impl VerificationStatus {
    pub fn label(self) -> &'static str {
        match self {
            VerificationStatus::Initiated => "Waiting",
            VerificationStatus::Processing => "Checking",
            VerificationStatus::Passed => "Passed",
            VerificationStatus::Failed => "Failed",
            VerificationStatus::RequiresRetry => "Needs a new image",
        }
    }
}

vocabulary! {
    /// What a session does with a failed check: decline it, or hold it for
    /// a member to review (an org setting).
    pub enum FailedCheckRule {
        Decline,
        Review,
    }
}
