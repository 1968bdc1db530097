//! The org's credential e-mail: read, preview, save, and send a test.
//! Admins and owners (the members who run the outbox).

use leptos::prelude::*;

use super::types::{EmailPreview, EmailSettingsView};
use crate::error::AppError;

#[cfg(feature = "ssr")]
fn preview_of(r: issuance::outbox::message::Rendered) -> EmailPreview {
    EmailPreview { subject: r.subject, text: r.text, html: r.html }
}

#[server(endpoint = "get_email_settings")]
pub async fn get_email_settings(org_id: String) -> Result<EmailSettingsView, AppError> {
    use crate::ssr;
    use issuance::orgs::Action;
    use issuance::outbox::{settings, template};

    let (user, _) = ssr::authorize(&org_id, Action::ManageOutbox).await?;
    let state = ssr::state()?;
    let s = settings::get(&state.db, &org_id).await?;
    let org = issuance::orgs::organizations::get(&state.db, &org_id).await?;
    let preview =
        settings::preview(&org.name, &user.display_name, &state.public_url, &s.template.subject, &s.template.body)?;
    Ok(EmailSettingsView {
        subject: s.template.subject,
        body: s.template.body,
        reply_to: s.reply_to.unwrap_or_default(),
        is_default: s.is_default,
        placeholders: template::Placeholder::ALL
            .iter()
            .map(|p| (format!("{{{}}}", p.name()), p.meaning().to_owned()))
            .collect(),
        preview: preview_of(preview),
        your_email: user.email,
        smtp_configured: state.smtp_configured,
    })
}

/// What the draft would send, with sample values; refused, naming the
/// field, while it does not parse.
#[server(endpoint = "preview_email")]
pub async fn preview_email(org_id: String, subject: String, body: String) -> Result<EmailPreview, AppError> {
    use crate::ssr;
    use issuance::orgs::Action;

    let (user, _) = ssr::authorize(&org_id, Action::ManageOutbox).await?;
    let state = ssr::state()?;
    let org = issuance::orgs::organizations::get(&state.db, &org_id).await?;
    let r = issuance::outbox::settings::preview(&org.name, &user.display_name, &state.public_url, &subject, &body)?;
    Ok(preview_of(r))
}

#[server(endpoint = "save_email_settings")]
pub async fn save_email_settings(
    org_id: String,
    subject: String,
    body: String,
    reply_to: String,
) -> Result<(), AppError> {
    use crate::ssr;
    use issuance::orgs::Action;

    let (user, _) = ssr::authorize(&org_id, Action::ManageOutbox).await?;
    let db = ssr::state()?.db;
    issuance::outbox::settings::save(&db, &org_id, Some(&user.id), &subject, &body, &reply_to).await?;
    ssr::done(&format!("/organizations/{org_id}/email"), model::Notice::EmailTemplateSaved);
    Ok(())
}

/// Queues the saved template, with sample values, to the member.
#[server(endpoint = "send_test_email")]
pub async fn send_test_email(org_id: String) -> Result<(), AppError> {
    use crate::ssr;
    use issuance::orgs::Action;

    let (user, _) = ssr::authorize(&org_id, Action::ManageOutbox).await?;
    let db = ssr::state()?.db;
    issuance::outbox::settings::send_test(&db, &org_id, &user.email, &user.display_name, issuance::clock::now())
        .await?;
    ssr::done(&format!("/organizations/{org_id}/email"), model::Notice::TestEmailQueued);
    Ok(())
}
