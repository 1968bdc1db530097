//! The e-mail outbox of an org: Admins and Owners see every message and
//! put failed ones back in the queue.

use leptos::prelude::*;

use super::types::OutboxView;
use crate::error::AppError;

pub const PAGE_SIZE: i64 = 50;

/// Counts by status and one page of messages, newest first, optionally of
/// one status; `before` is the previous page's cursor.
#[server(endpoint = "get_outbox")]
pub async fn get_outbox(
    org_id: String,
    status: Option<String>,
    before: Option<String>,
) -> Result<OutboxView, AppError> {
    use crate::ssr;
    use issuance::orgs::Action;
    use issuance::outbox;

    ssr::authorize(&org_id, Action::ManageOutbox).await?;
    let state = ssr::state()?;
    let given = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let status = given(status)
        .map(|s| s.parse::<outbox::MailStatus>().map_err(|m| AppError::Invalid(vec![("status".into(), m)])))
        .transpose()?;
    let counts = issuance::tallies::outbox(&state.db, &org_id).await?;
    let mut messages = outbox::list(&state.db, &org_id, status, PAGE_SIZE + 1, given(before).as_deref()).await?;
    let more = messages.len() as i64 > PAGE_SIZE;
    messages.truncate(PAGE_SIZE as usize);
    Ok(OutboxView {
        queued: counts.queued,
        sent: counts.sent,
        failed: counts.failed,
        cancelled: counts.cancelled,
        bounced: counts.bounced,
        smtp_configured: state.smtp_configured,
        filter: status,
        next_cursor: if more { messages.last().map(|m| m.id.clone()) } else { None },
        messages,
    })
}

/// Puts a failed or bounced message back in the queue, to be sent again now.
#[server(endpoint = "retry_outbox_message")]
pub async fn retry_outbox_message(org_id: String, message_id: String) -> Result<(), AppError> {
    use crate::ssr;
    use issuance::orgs::Action;

    let (user, _) = ssr::authorize(&org_id, Action::ManageOutbox).await?;
    let db = ssr::state()?.db;
    issuance::outbox::resend::one(&db, &org_id, &message_id, Some(&user.id), issuance::clock::now()).await?;
    Ok(())
}
