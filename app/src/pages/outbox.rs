use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::org_frame::use_org_id;
use crate::api::outbox::{RetryOutboxMessage, get_outbox};
use crate::api::types::{MailKind, MailStatus, OutboxEntry, OutboxView};
use crate::components::error_view::FormError;
use crate::components::form::action;
use crate::components::loaded;
use crate::format::{datetime, thousands};

/// The e-mail the org has sent or is about to send to recipients, for
/// Admins and Owners: how much is waiting, what failed and why, and Retry.
#[component]
pub fn OutboxPage() -> impl IntoView {
    let org_id = use_org_id();
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).filter(|v| !v.is_empty());
    let retry = action::<RetryOutboxMessage>();
    let data = Resource::new(
        move || (org_id.get(), param("status"), param("before"), retry.version().get()),
        |(org, status, before, _)| get_outbox(org, status, before),
    );
    view! {
        <Title text="Outbox"/>
        <h1>"Outbox"</h1>
        {loaded(data, move |o| view! { <Outbox o org_id=org_id.get_untracked() retry/> })}
    }
}

#[component]
fn Outbox(o: OutboxView, org_id: String, retry: ServerAction<RetryOutboxMessage>) -> impl IntoView {
    let here = format!("/organizations/{org_id}/outbox");
    let count = |status: MailStatus| match status {
        MailStatus::Queued => o.queued,
        MailStatus::Sent => o.sent,
        MailStatus::Failed => o.failed,
        MailStatus::Cancelled => o.cancelled,
        MailStatus::Bounced => o.bounced,
    };
    let all = o.queued + o.sent + o.failed + o.cancelled + o.bounced;
    let total = all.max(1);
    let retry_error = Signal::derive(move || retry.value().get().and_then(Result::err));
    let next = o.next_cursor.clone().map(|cursor| match &o.filter {
        Some(f) => format!("{here}?status={f}&before={cursor}"),
        None => format!("{here}?before={cursor}"),
    });
    view! {
        {(!o.smtp_configured).then(|| view! {
            <p class="notice" role="note" data-testid="smtp-note">
                <strong>"E-mail is not being sent."</strong>
                " No SMTP server is configured (LAUREL_SMTP_URL), so messages stay here, queued. They are sent once it is configured and the server restarts."
            </p>
        })}
        <section class="card" data-testid="outbox-totals">
            <h2>{format!("{} messages", thousands(all))}</h2>
            <div class="dist" role="img" aria-label="Messages by status">
                {MailStatus::ALL.iter().copied().filter(|s| count(*s) > 0).map(|s| view! {
                    <span class=format!("seg ob-{s}") style=format!("width: {:.2}%", count(s) as f64 * 100.0 / total as f64)
                        title=format!("{}: {}", s.label(), count(s))></span>
                }).collect_view()}
            </div>
            <ul class="legend">
                {MailStatus::ALL.iter().copied().map(|s| {
                    let active = o.filter == Some(s);
                    view! {
                        <li>
                            <a href=format!("{here}?status={s}") class=if active { "chip active" } else { "chip" } data-status=s.as_str()>
                                <span class=format!("dot ob-{s}")></span>{s.label()}" "<strong data-testid=format!("count-{s}")>{thousands(count(s))}</strong>
                            </a>
                        </li>
                    }
                }).collect_view()}
                {o.filter.is_some().then(|| view! { <li><a class="chip" href=here.clone()>"Show all"</a></li> })}
            </ul>
        </section>
        <section class="card">
            <FormError error=retry_error/>
            {if o.messages.is_empty() {
                view! { <p class="muted">"No messages here. Each credential a bulk job issues queues one e-mail to its recipient."</p> }.into_any()
            } else {
                view! {
                    <table class="table" data-testid="outbox">
                        <thead><tr><th>"Recipient"</th><th>"Badge"</th><th>"Status"</th><th>"Attempts"</th><th>"Queued"</th><th>"Sent"</th><th></th></tr></thead>
                        <tbody>
                            {o.messages.into_iter().map(|m| view! { <Message m org_id=org_id.clone() base=format!("/organizations/{org_id}") retry/> }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            {next.map(|href| view! { <p class="pager"><a class="button secondary" href=href>"Older →"</a></p> })}
        </section>
    }
}

#[component]
fn Message(m: OutboxEntry, org_id: String, base: String, retry: ServerAction<RetryOutboxMessage>) -> impl IntoView {
    // A bounced message can be sent again too (say, once its mailbox has room).
    let failed = matches!(m.status, MailStatus::Failed | MailStatus::Bounced);
    let badge = match (m.badge_name.clone(), m.credential_id.clone()) {
        _ if m.kind == MailKind::Invitation => view! { <span>"Invitation to join"</span> }.into_any(),
        _ if m.kind == MailKind::TemplateTest => {
            view! { <span data-testid="template-test">"Test of the credential e-mail"</span> }.into_any()
        }
        (name, Some(id)) if m.kind == MailKind::CredentialRevoked => view! {
            <a href=format!("{base}/credentials/{id}") data-testid="revocation-notice">
                {format!("Revoked: {}", name.unwrap_or_else(|| "credential".into()))}
            </a>
        }
        .into_any(),
        (Some(name), Some(id)) => view! { <a href=format!("{base}/credentials/{id}")>{name}</a> }.into_any(),
        (None, Some(id)) => view! { <a href=format!("{base}/credentials/{id}")>"Credential"</a> }.into_any(),
        (name, None) => view! { <span>{name.unwrap_or_default()}</span> }.into_any(),
    };
    view! {
        <tr data-status=m.status.as_str()>
            <td><div>{m.to_name.clone()}</div><small class="muted">{m.to_email.clone()}</small></td>
            <td>{badge}</td>
            <td>
                <span class=format!("pill mail-{}", m.status)>{m.status.label()}</span>
                {m.last_error.clone().map(|e| view! { <br/><small class="form-error-text" data-testid="last-error">{e}</small> })}
            </td>
            <td>{m.attempts}</td>
            <td>{datetime(m.created_at)}</td>
            <td>{m.sent_at.map(datetime).unwrap_or_else(|| "—".into())}</td>
            <td class="actions">
                {failed.then(|| view! {
                    <ActionForm action=retry>
                        <input type="hidden" name="org_id" value=org_id.clone()/>
                        <input type="hidden" name="message_id" value=m.id.clone()/>
                        <button type="submit" class="button small secondary">"Retry"</button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}
