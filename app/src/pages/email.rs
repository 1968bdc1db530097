//! The credential e-mail editor: subject and body with placeholders, the
//! Reply-To, a preview that follows the draft once the page is live, and a
//! test sent to the member.

use leptos::prelude::*;
use leptos_meta::Title;

use super::org_frame::use_org_id;
use crate::api::email::{SaveEmailSettings, SendTestEmail, get_email_settings, preview_email};
use crate::api::types::{EmailPreview, EmailSettingsView};
use crate::components::error_view::FormError;
use crate::components::form::action;
use crate::components::loaded::loaded;

#[component]
pub fn EmailPage() -> impl IntoView {
    let org_id = use_org_id();
    let save = action::<SaveEmailSettings>();
    let test = action::<SendTestEmail>();
    let data = Resource::new(move || (org_id.get(), save.version().get()), |(org, _)| get_email_settings(org));
    view! {
        <Title text="E-mail"/>
        <h1>"Credential e-mail"</h1>
        {loaded(data, move |s| view! { <Editor s org_id=org_id.get_untracked() save test/> })}
    }
}

#[component]
fn Editor(
    s: EmailSettingsView,
    org_id: String,
    save: ServerAction<SaveEmailSettings>,
    test: ServerAction<SendTestEmail>,
) -> impl IntoView {
    let save_error = Signal::derive(move || save.value().get().and_then(Result::err));
    let test_error = Signal::derive(move || test.value().get().and_then(Result::err));
    let subject = RwSignal::new(s.subject.clone());
    let body = RwSignal::new(s.body.clone());
    // The preview follows the draft, a moment after typing stops.
    let draft = Signal::derive(move || (subject.get(), body.get()));
    let (preview_org, save_org) = (org_id.clone(), org_id.clone());
    let preview = Resource::new(
        move || draft.get(),
        move |(subject, body)| {
            let org_id = preview_org.clone();
            async move { preview_email(org_id, subject, body).await }
        },
    );
    let initial = s.preview.clone();
    let shown = move || match preview.get() {
        Some(Ok(p)) => Ok(p),
        Some(Err(e)) => Err(e.to_string()),
        None => Ok(initial.clone()),
    };
    view! {
        <p class="muted">
            "Every recipient of a credential gets this e-mail. Write it as plain text; the HTML version is made from it, "
            "and a paragraph that is just "<code>"{credential_url}"</code>" becomes a button."
            {s.is_default.then_some(" You are using Laurel's wording.")}
        </p>
        {(!s.smtp_configured).then(|| view! {
            <p class="notice" role="note">"No SMTP server is configured (LAUREL_SMTP_URL): e-mails, tests included, wait in the Outbox."</p>
        })}
        <div class="email-editor">
            <section class="card">
                <ActionForm action=save attr:class="stack" attr:id="email-form">
                    <input type="hidden" name="org_id" value=save_org/>
                    <label><span>"Subject"</span>
                        <input name="subject" required maxlength="200" data-testid="email-subject"
                            prop:value=move || subject.get() on:input=move |ev| subject.set(event_target_value(&ev))/>
                    </label>
                    <label><span>"Body"</span>
                        <textarea name="body" rows="14" required data-testid="email-body"
                            prop:value=move || body.get() on:input=move |ev| body.set(event_target_value(&ev))>{s.body.clone()}</textarea>
                    </label>
                    <label><span>"Reply-To (optional)"</span>
                        <input name="reply_to" type="email" value=s.reply_to.clone() placeholder="registrar@university.example" data-testid="email-reply-to"/>
                        <small class="muted">"Where recipients' replies go; without it they go to the sending address."</small>
                    </label>
                    <div><button type="submit" class="button" data-testid="save-email">"Save"</button></div>
                </ActionForm>
                <FormError error=save_error/>
                <h3>"Placeholders"</h3>
                <dl class="placeholders">
                    {s.placeholders.into_iter().map(|(name, meaning)| view! {
                        <div><dt><code>{name}</code></dt><dd>{meaning}</dd></div>
                    }).collect_view()}
                </dl>
            </section>
            <section class="card" data-testid="email-preview">
                <h2>"Preview"</h2>
                {move || match shown() {
                    Ok(EmailPreview { subject, html, .. }) => view! {
                        <p><strong>"Subject: "</strong><span data-testid="preview-subject">{subject}</span></p>
                        // No script or navigation: the preview is only looked at.
                        <iframe class="email-frame" sandbox="" srcdoc=html title="E-mail preview"></iframe>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error-text" role="alert" data-testid="preview-error">{e}</p> }.into_any(),
                }}
                <ActionForm action=test attr:class="row">
                    <input type="hidden" name="org_id" value=org_id/>
                    <button type="submit" class="button secondary" data-testid="send-test-email">
                        {format!("Send a test to {}", s.your_email)}
                    </button>
                </ActionForm>
                <small class="muted">"The test uses the saved e-mail, with sample values."</small>
                <FormError error=test_error/>
            </section>
        </div>
    }
}
