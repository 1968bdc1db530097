use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::org_frame::use_org_id;
use crate::api::credentials::REVOCATION_REASONS;
use crate::api::credentials::{RevokeCredential, get_credential};
use crate::api::types::{CredentialDetailView, CredentialStatus, MailStatus, OutboxEntry};
use crate::components::confirm::{CancelLink, ConfirmDialog, ask_href, confirming};
use crate::components::error_view::FormError;
use crate::components::form::action;
use crate::components::loaded;
use crate::format::datetime;

/// One credential as its org sees it: who and what it is for, its status,
/// the signed JWT and what it says, where it came from, its e-mail, and
/// Revoke for Issuers and above.
#[component]
pub fn CredentialPage() -> impl IntoView {
    let org_id = use_org_id();
    let params = use_params_map();
    let credential_id = move || params.read().get("credential_id").unwrap_or_default();
    let revoke = action::<RevokeCredential>();
    let data = Resource::new(
        move || (org_id.get(), credential_id(), revoke.version().get()),
        |(org, id, _)| get_credential(org, id),
    );
    view! {
        <Title text="Credential"/>
        {loaded(data, move |c| view! { <Detail c org_id=org_id.get_untracked() revoke/> })}
    }
}

#[component]
fn Detail(c: CredentialDetailView, org_id: String, revoke: ServerAction<RevokeCredential>) -> impl IntoView {
    let base = format!("/organizations/{org_id}");
    let credential_link = |id: &str| format!("{base}/credentials/{id}");
    let revoked = c.status == CredentialStatus::Revoked;
    let show_revoke = c.can_revoke && !revoked;
    view! {
        <div class="page-head">
            <h1>{c.about.clone()}</h1>
            <a class="button secondary" href=format!("{base}/credentials")>"All credentials"</a>
        </div>
        <section class="card credential-summary" data-testid="credential-summary">
            <p class="status-line">
                <span class=format!("pill big-pill status-{}", c.status) data-testid="status">{c.status.label()}</span>
                {c.revoked_at.map(|at| view! { <span>" on " {datetime(at)}</span> })}
                {c.revocation_reason.clone().map(|r| view! { <span class="muted" data-testid="revocation-reason">" · " {r}</span> })}
            </p>
            {c.badge_image_url.clone().map(|src| view! {
                <img class="badge-image" src=src alt=format!("{} badge", c.badge_name.clone().unwrap_or_default()) width="128" height="128"/>
            })}
            {c.superseded_by.clone().map(|id| view! {
                <p data-testid="superseded-by">"Superseded by " <a href=credential_link(&id)><code>{id.clone()}</code></a></p>
            })}
            <dl class="facts">
                <dt>"Recipient"</dt>
                <dd>
                    {c.about.clone()}
                    {c.recipient_email.clone().map(|e| view! { <br/><small class="muted">{e}</small> })}
                    {c.subject_id.clone().map(|s| view! { <br/><small class="muted"><code>{s}</code></small> })}
                </dd>
                <dt>"Type"</dt>
                <dd>{c.credential_type.label()}</dd>
                {c.badge_name.clone().map(|name| view! { <dt>"Badge"</dt><dd>{name}</dd> })}
                <dt>"Issued"</dt>
                <dd>{datetime(c.issued_at)}</dd>
                <dt>"Expires"</dt>
                <dd>{c.expires_at.map(datetime).unwrap_or_else(|| "Never".into())}</dd>
                <dt>"Credential id"</dt>
                <dd><code>{c.id.clone()}</code></dd>
                <dt>"Issuer"</dt>
                <dd><code class="wrap">{c.kid.clone()}</code></dd>
                {c.job_id.clone().map(|job| view! {
                    <dt>"Bulk job"</dt>
                    <dd><a href=format!("{base}/jobs/{job}") data-testid="job-link"><code>{job.clone()}</code></a></dd>
                })}
                {c.replaces.clone().map(|id| view! {
                    <dt>"Replaces"</dt>
                    <dd><a href=credential_link(&id)><code>{id.clone()}</code></a></dd>
                })}
                <dt>"Public page"</dt>
                <dd><a href=c.public_url.clone() data-testid="public-link">{c.public_url.clone()}</a></dd>
            </dl>
        </section>
        {show_revoke.then(|| view! { <Revoke org_id=org_id.clone() c=c.clone() revoke/> })}
        <Emails emails=c.emails.clone()/>
        <section class="card">
            <h2>"Signed credential (JWT)"</h2>
            <p class="muted">"The credential exactly as issued: an ES256-signed JWT. Select it to copy."</p>
            <pre class="jwt" data-testid="jwt" tabindex="0" aria-label="Signed JWT">{c.jwt.clone()}</pre>
            <p><a href=format!("/credentials/{}/credential.jwt", c.id) download=format!("{}.jwt", c.id)>"Download credential.jwt"</a></p>
        </section>
        <section class="card">
            <h2>"Header"</h2>
            <pre class="json" data-testid="jwt-header" tabindex="0" aria-label="JWT header">{c.header_json.clone()}</pre>
            <h2>"Claims"</h2>
            <pre class="json" data-testid="jwt-claims" tabindex="0" aria-label="JWT claims">{c.claims_json.clone()}</pre>
        </section>
    }
}

/// Revoking is final, so the button only asks: the dialog says what will
/// happen and takes the reason, which is required.
#[component]
fn Revoke(org_id: String, c: CredentialDetailView, revoke: ServerAction<RevokeCredential>) -> impl IntoView {
    let error = Signal::derive(move || revoke.value().get().and_then(Result::err));
    let open = confirming("revoke");
    let queued = c.emails.iter().filter(|e| e.status == MailStatus::Queued).count();
    let what = match &c.badge_name {
        Some(badge) => format!("{}’s “{badge}” credential", c.about),
        None => format!("the credential about {}", c.about),
    };
    let dialog = move || {
        let (org_id, credential_id) = (org_id.clone(), c.id.clone());
        let what = what.clone();
        open.get().then(|| view! {
            <ConfirmDialog title="Revoke this credential?">
                <p>{format!("You are about to revoke {what}. Verifiers will see it revoked within a minute and its public page will say so. This cannot be undone.")}</p>
                {(queued > 0).then(|| view! { <p data-testid="revoke-cancels-email">"Its e-mail has not been sent yet; it will be cancelled."</p> })}
                <ActionForm action=revoke attr:class="stack" attr:id="revoke-form">
                    <input type="hidden" name="org_id" value=org_id/>
                    <input type="hidden" name="credential_id" value=credential_id/>
                    <fieldset class="choices">
                        <legend>"Reason (shown on the public page)"</legend>
                        {REVOCATION_REASONS.iter().enumerate().map(|(i, r)| view! {
                            <label class="choice"><input type="radio" name="reason" value=*r required=true autofocus=i == 0/>{*r}</label>
                        }).collect_view()}
                        <label class="choice"><input type="radio" name="reason" value="other"/>"Other:"</label>
                        <input name="reason_other" maxlength="500" aria-label="Other reason" placeholder="Say why, in a few words"/>
                    </fieldset>
                    <FormError error/>
                    <div class="row">
                        <button type="submit" class="button danger-fill" data-testid="confirm-revoke">"Revoke credential"</button>
                        <CancelLink/>
                    </div>
                </ActionForm>
            </ConfirmDialog>
        })
    };
    view! {
        <section class="card">
            <h2>"Revoke"</h2>
            <p class="muted">"Revoking is final: verifiers see it in the status list within a minute, and the public page says so."</p>
            <a class="button danger" href=ask_href("revoke", &[]) data-testid="revoke">"Revoke credential…"</a>
        </section>
        {dialog}
    }
}

#[component]
fn Emails(emails: Vec<OutboxEntry>) -> impl IntoView {
    view! {
        <section class="card" data-testid="emails">
            <h2>"E-mail"</h2>
            {if emails.is_empty() {
                view! { <p class="muted">"No e-mail was queued for this credential. Credentials issued through the API are not e-mailed."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr><th>"To"</th><th>"Status"</th><th>"Attempts"</th><th>"Queued"</th><th>"Sent"</th></tr></thead>
                        <tbody>
                            {emails.into_iter().map(|e| view! {
                                <tr>
                                    <td><div>{e.to_name}</div><small class="muted">{e.to_email}</small></td>
                                    <td>
                                        <span class=format!("pill mail-{}", e.status) data-testid="email-status">{e.status.label()}</span>
                                        {e.last_error.map(|err| view! { <br/><small class="form-error-text">{err}</small> })}
                                    </td>
                                    <td>{e.attempts}</td>
                                    <td>{datetime(e.created_at)}</td>
                                    <td>{e.sent_at.map(datetime).unwrap_or_else(|| "—".into())}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}
