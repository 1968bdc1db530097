//! The credential e-mail editor.

use serde::{Deserialize, Serialize};

/// A message as a template makes it, with sample values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EmailPreview {
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EmailSettingsView {
    pub subject: String,
    pub body: String,
    pub reply_to: String,
    /// Still Laurel's wording.
    pub is_default: bool,
    /// `(name, meaning)` of each placeholder.
    pub placeholders: Vec<(String, String)>,
    pub preview: EmailPreview,
    /// Where a test goes: the signed-in member.
    pub your_email: String,
    pub smtp_configured: bool,
}
