//! What a page says after an action succeeded: the `?notice=` its server
//! function redirects to, so the message shows with or without JavaScript
//! and only these sentences can ever be shown.

use crate::term::vocabulary;

vocabulary! {
    pub enum Notice {
        CredentialRevoked,
        MemberRemoved,
        RoleChanged,
        InvitationRevoked,
        KeyRotated,
        ApiKeyRevoked,
        JobCancelled,
        JobUndoStarted,
        RevocationStarted,
        JobReleased,
        JobRescheduled,
        BadgeCreated,
        BadgeSaved,
        BadgeImageSaved,
        BadgeArchived,
        BadgeRestored,
        ColumnsRemembered,
        UpgradeRequested,
        StreamPaused,
        StreamResumed,
        StreamDeleted,
        DeliveryResent,
        EmailsResent,
        EmailTemplateSaved,
        TestEmailQueued,
    }
}

impl Notice {
    pub fn message(self) -> &'static str {
        match self {
            Notice::CredentialRevoked => {
                "Credential revoked. Verifiers see it in the status list, and its e-mail, if not yet sent, was cancelled."
            }
            Notice::MemberRemoved => "Member removed. They no longer have access to this organisation.",
            Notice::RoleChanged => "Role changed.",
            Notice::InvitationRevoked => "Invitation withdrawn. Its link no longer works.",
            Notice::KeyRotated => {
                "Signing key rotated. New credentials are signed with the new key; those already issued stay valid."
            }
            Notice::ApiKeyRevoked => "API key revoked. Requests with it are refused from now on.",
            Notice::JobCancelled => "Job cancelled. Rows not yet issued will not be; what was issued stays.",
            Notice::JobUndoStarted => {
                "Undo started. Each credential shows as revoked in its status list as soon as its batch is done."
            }
            Notice::RevocationStarted => {
                "Revocation started. Each credential shows as revoked in its status list as soon as its batch is done."
            }
            Notice::JobReleased => "Released. The rest of the rows are being issued and e-mailed.",
            Notice::JobRescheduled => "Start time changed. The job waits until then.",
            Notice::BadgeCreated => "Badge created.",
            Notice::BadgeSaved => "Badge saved.",
            Notice::BadgeImageSaved => "Image saved. Credentials issued from now on show it.",
            Notice::BadgeArchived => "Badge archived. Its credentials stay valid; it can no longer be issued.",
            Notice::BadgeRestored => "Badge restored.",
            Notice::ColumnsRemembered => "Columns remembered for this organisation's next files.",
            Notice::StreamPaused => "Stream paused. Events are not sent to it until it is resumed.",
            Notice::StreamResumed => "Stream resumed. Waiting deliveries go out now.",
            Notice::StreamDeleted => "Stream deleted. Nothing more is sent to it.",
            Notice::DeliveryResent => "Delivery queued again. It goes out in a moment, with the same webhook-id.",
            Notice::EmailsResent => "E-mail queued again. It goes out in a moment; the counts below follow it.",
            Notice::EmailTemplateSaved => "E-mail saved. Credential e-mails from now on use it.",
            Notice::TestEmailQueued => "Test e-mail queued to your address. It goes out in a moment.",
            Notice::UpgradeRequested => {
                "Upgrade requested. The people who run this Laurel server see it in the organisation's activity."
            }
        }
    }
}
