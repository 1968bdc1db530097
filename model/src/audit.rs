//! The audit log's actions. Each name has a dot (`job.completed`), so it is
//! written once, in its strum attribute; serde and the database go through
//! the same names.

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, strum::IntoStaticStr, strum::Display, strum::VariantArray,
)]
pub enum AuditAction {
    #[strum(serialize = "job.created")]
    JobCreated,
    #[strum(serialize = "job.completed")]
    JobCompleted,
    #[strum(serialize = "job.failed")]
    JobFailed,
    #[strum(serialize = "job.cancelled")]
    JobCancelled,
    /// A job's pilot rows were issued; the rest wait to be released.
    #[strum(serialize = "job.paused")]
    JobPaused,
    #[strum(serialize = "job.released")]
    JobReleased,
    #[strum(serialize = "job.rescheduled")]
    JobRescheduled,
    /// An undo of a job began: its credentials are being revoked.
    #[strum(serialize = "job.undo_started")]
    JobUndoStarted,
    /// A member began revoking the credentials they selected in the list.
    #[strum(serialize = "credentials.revoke_started")]
    CredentialsRevokeStarted,
    /// One credential issued through `POST /v1/credentials` (a job's
    /// credentials are counted in its `job.completed`).
    #[strum(serialize = "credential.issued")]
    CredentialIssued,
    #[strum(serialize = "credential.revoked")]
    CredentialRevoked,
    #[strum(serialize = "badge.created")]
    BadgeCreated,
    #[strum(serialize = "badge.edited")]
    BadgeEdited,
    #[strum(serialize = "badge.archived")]
    BadgeArchived,
    #[strum(serialize = "badge.restored")]
    BadgeRestored,
    #[strum(serialize = "member.invited")]
    MemberInvited,
    #[strum(serialize = "member.joined")]
    MemberJoined,
    #[strum(serialize = "member.declined")]
    MemberDeclined,
    #[strum(serialize = "member.role_changed")]
    MemberRoleChanged,
    #[strum(serialize = "member.removed")]
    MemberRemoved,
    #[strum(serialize = "api_key.created")]
    ApiKeyCreated,
    #[strum(serialize = "api_key.revoked")]
    ApiKeyRevoked,
    #[strum(serialize = "stream.created")]
    StreamCreated,
    #[strum(serialize = "stream.paused")]
    StreamPaused,
    #[strum(serialize = "stream.resumed")]
    StreamResumed,
    #[strum(serialize = "stream.deleted")]
    StreamDeleted,
    #[strum(serialize = "signing_key.rotated")]
    SigningKeyRotated,
    #[strum(serialize = "login.failed")]
    LoginFailed,
    #[strum(serialize = "org.approved")]
    OrgApproved,
    #[strum(serialize = "plan.upgrade_requested")]
    PlanUpgradeRequested,
    /// A recipient's server returned a credential e-mail.
    #[strum(serialize = "email.bounced")]
    EmailBounced,
    /// A recipient asked not to be e-mailed by the org again.
    #[strum(serialize = "email.unsubscribed")]
    EmailUnsubscribed,
    /// A recipient reported a credential e-mail as spam (a feedback report
    /// the relay passed on); the org e-mails them no more.
    #[strum(serialize = "email.complained")]
    EmailComplained,
    /// A member put failed or bounced e-mails back in the queue.
    #[strum(serialize = "email.resent")]
    EmailResent,
    /// A document's images were deleted under the org's retention period
    /// (its verification results stay).
    #[strum(serialize = "identity_document.images_deleted")]
    IdentityImagesDeleted,
    /// An owner changed the organisation's identity rules.
    #[strum(serialize = "identity_rules.changed")]
    IdentityRulesChanged,
    /// A member approved or declined an identity session held for review.
    #[strum(serialize = "identity_session.reviewed")]
    IdentitySessionReviewed,
    /// A member changed the org's credential e-mail or its Reply-To.
    #[strum(serialize = "email_template.edited")]
    EmailTemplateEdited,
}

crate::term::named_terms!(AuditAction);
