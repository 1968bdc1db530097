//! The Identity section: the org's verification sessions, and one session
//! with what was entered, what its documents said, their images (members
//! only) and every check, with Approve / Decline for a session held for
//! review and the credential for an approved one.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::org_frame::use_org_id;
use crate::api::identity::{
    IssueIdentityCredential, ReviewIdentitySession, get_identity_session, list_identity_sessions,
};
use crate::api::types::{CheckStatus, DocumentView, IdentitySessionView, IdentitySessionsView, SessionStatus};
use crate::components::error_view::FormError;
use crate::components::form::action;
use crate::components::loaded;
use crate::format::datetime;

#[component]
pub fn IdentityPage() -> impl IntoView {
    let org_id = use_org_id();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            (org_id.get(), q.get("status"), q.get("after"))
        },
        |(org, status, after)| list_identity_sessions(org, status, after),
    );
    view! {
        <Title text="Identity"/>
        <h1>"Identity"</h1>
        <p class="muted">"People verified through the Identity API (/v1/accounts, /v1/sessions): each session, its documents and every check."</p>
        {loaded(data, move |v| view! { <Sessions v org_id=org_id.get_untracked()/> })}
    }
}

#[component]
fn Sessions(v: IdentitySessionsView, org_id: String) -> impl IntoView {
    let base = format!("/organizations/{org_id}/identity");
    let chip = |href: String, label: &'static str, active: bool| {
        view! { <li><a href=href class=if active { "chip active" } else { "chip" }>{label}</a></li> }
    };
    view! {
        <section class="card">
            <ul class="legend">
                {chip(base.clone(), "All", v.filter.is_none())}
                {SessionStatus::ALL.iter().map(|s| chip(format!("{base}?status={s}"), s.label(), v.filter == Some(*s))).collect_view()}
            </ul>
            {if v.sessions.is_empty() {
                view! { <p class="muted" data-testid="no-sessions">"No sessions here yet."</p> }.into_any()
            } else {
                view! {
                    <table class="table" data-testid="identity-sessions">
                        <thead><tr><th>"Person"</th><th>"Account"</th><th>"Status"</th><th>"Started"</th></tr></thead>
                        <tbody>
                            {v.sessions.into_iter().map(|s| view! {
                                <tr data-session=s.id.clone() data-status=s.status.as_str()>
                                    <td><a href=format!("{base}/sessions/{}", s.id)>{s.name}</a></td>
                                    <td><small class="muted">{s.external_id.unwrap_or(s.account_id)}</small></td>
                                    <td><span class=format!("pill session-{}", s.status)>{s.status.label()}</span></td>
                                    <td>{datetime(s.created_at)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            {v.next_after.map(|a| {
                let filter = v.filter.map(|f| format!("status={f}&")).unwrap_or_default();
                view! { <p class="pager"><a class="button secondary" href=format!("{base}?{filter}after={a}")>"More →"</a></p> }
            })}
        </section>
    }
}

#[component]
pub fn IdentitySessionPage() -> impl IntoView {
    let org_id = use_org_id();
    let params = use_params_map();
    let review = action::<ReviewIdentitySession>();
    let issue = action::<IssueIdentityCredential>();
    let data = Resource::new(
        move || (org_id.get(), params.read().get("session_id").unwrap_or_default(), review.version().get()),
        |(org, session, _)| get_identity_session(org, session),
    );
    view! {
        <Title text="Identity session"/>
        {loaded(data, move |s| view! { <SessionDetail s org_id=org_id.get_untracked() review issue/> })}
    }
}

#[component]
fn SessionDetail(
    s: IdentitySessionView,
    org_id: String,
    review: ServerAction<ReviewIdentitySession>,
    issue: ServerAction<IssueIdentityCredential>,
) -> impl IntoView {
    let review_error = Signal::derive(move || review.value().get().and_then(Result::err));
    let issue_error = Signal::derive(move || issue.value().get().and_then(Result::err));
    let (o1, o2) = (org_id.clone(), org_id.clone());
    let (id1, id2) = (s.id.clone(), s.id.clone());
    let reviewing = s.can_act && s.status == SessionStatus::NeedsReview;
    let issuing = s.can_act && s.status == SessionStatus::Approved && s.credential_id.is_none();
    view! {
        <div class="page-head">
            <h1>"Identity session"</h1>
            <a class="button secondary" href=format!("/organizations/{org_id}/identity")>"All sessions"</a>
        </div>
        <p class="muted">
            <span class=format!("pill big-pill session-{}", s.status) data-testid="session-status">{s.status.label()}</span>
            " · account "{s.external_id.clone().unwrap_or(s.account_id.clone())}
            " · started "{datetime(s.created_at)}
            {s.decided_at.map(|at| format!(" · decided {}", datetime(at)))}
        </p>
        {s.decision_note.clone().map(|n| view! { <p class="notice">{n}</p> })}
        {reviewing.then(|| view! {
            <section class="card" data-testid="review">
                <h2>"Review"</h2>
                <p>"A check failed or could not be run: look at the documents and the checks below, then decide."</p>
                <ActionForm action=review attr:class="stack">
                    <input type="hidden" name="org_id" value=o1/>
                    <input type="hidden" name="session_id" value=id1/>
                    <fieldset class="row">
                        <legend>"Decision"</legend>
                        <label class="check"><input type="radio" name="decision" value="approve" required data-testid="approve"/>"Approve"</label>
                        <label class="check"><input type="radio" name="decision" value="decline" data-testid="decline"/>"Decline"</label>
                    </fieldset>
                    <label><span>"Note (optional)"</span><input name="note" placeholder="e.g. compared the photo by hand"/></label>
                    <div><button type="submit" class="button" data-testid="decide">"Record the decision"</button></div>
                </ActionForm>
                <FormError error=review_error/>
            </section>
        })}
        {issuing.then(|| view! {
            <section class="card">
                <h2>"Credential"</h2>
                <p>"Issue this person the credential that proves it: kyc_status approved, trust_level idv_verified."</p>
                <ActionForm action=issue>
                    <input type="hidden" name="org_id" value=o2/>
                    <input type="hidden" name="session_id" value=id2/>
                    <button type="submit" class="button" data-testid="issue-credential">"Issue credential"</button>
                </ActionForm>
                <FormError error=issue_error/>
            </section>
        })}
        {s.credential_id.clone().map(|c| view! {
            <p><a href=format!("/organizations/{org_id}/credentials/{c}") data-testid="session-credential">"Its credential"</a></p>
        })}
        <div class="identity-grid">
            <section class="card">
                <h2>"Entered"</h2>
                <dl class="facts">
                    {s.entered.into_iter().map(|(k, v)| view! { <div><dt>{k}</dt><dd>{v}</dd></div> }).collect_view()}
                </dl>
            </section>
            <section class="card">
                <h2>"Read from documents"</h2>
                <dl class="facts">
                    {s.extracted.into_iter().map(|(k, v, source)| view! {
                        <div><dt>{k}</dt><dd>{v}" "<small class="muted">{source}</small></dd></div>
                    }).collect_view()}
                </dl>
            </section>
        </div>
        {s.documents.into_iter().map(|d| view! { <Document d/> }).collect_view()}
    }
}

#[component]
fn Document(d: DocumentView) -> impl IntoView {
    view! {
        <section class="card" data-document=d.id.clone()>
            <h2>{d.label}</h2>
            {d.images_deleted.then(|| view! { <p class="muted">"Its images were deleted under the retention rule; the results stay."</p> })}
            <div class="doc-images">
                {d.images.into_iter().map(|(side, url)| view! {
                    <figure><img src=url alt=format!("Document {side}") loading="lazy"/><figcaption>{side}</figcaption></figure>
                }).collect_view()}
            </div>
            {d.verifications.into_iter().map(|v| view! {
                <h3>"Verification "<span class=format!("pill verification-{}", v.status)>{v.status.label()}</span></h3>
                <ul class="checks" data-testid="checks">
                    {v.checks.into_iter().map(|c| view! {
                        <li class=format!("check check-{}", c.status) data-check=c.name.as_str() data-status=c.status.as_str()>
                            <span class="check-mark" aria-hidden="true">{match c.status { CheckStatus::Passed => "✓", CheckStatus::Failed => "✗", CheckStatus::NotApplicable => "–" }}</span>
                            <strong>{c.name.label()}</strong>" "<small class="muted">{c.status.label()}</small>
                            {(!c.reasons.is_empty()).then(|| view! { <div class="check-reasons">{c.reasons.join("; ")}</div> })}
                        </li>
                    }).collect_view()}
                </ul>
            }).collect_view()}
        </section>
    }
}
