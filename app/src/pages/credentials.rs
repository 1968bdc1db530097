use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::org_frame::{Allowed, use_org_id};
use crate::api::credentials::{RevokeMatching, list_credentials};
use crate::api::types::{CredentialStatus, CredentialType, CredentialsPageView};
use crate::components::confirm::{ConfirmDialog, back_href};
use crate::components::error_view::FormError;
use crate::components::form::action;
use crate::components::loaded;
use crate::format::{datetime, thousands, urlencode};
use model::Action;

/// Every credential the org has issued, newest first, filterable by status,
/// type, badge, bulk job and recipient. The filters are a plain GET form,
/// so a filtered list has an address that can be shared or bookmarked.
#[component]
pub fn CredentialsPage() -> impl IntoView {
    let org_id = use_org_id();
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).filter(|v| !v.is_empty());
    let data = Resource::new(
        move || {
            (
                org_id.get(),
                (param("status"), param("type"), param("q"), param("after")),
                (param("badge"), param("job"), param("confirm")),
            )
        },
        |(org, (status, kind, q, after), (badge, job, confirm))| {
            list_credentials(org, status, kind, q, after, badge, job, confirm)
        },
    );
    view! {
        <Title text="Credentials"/>
        <div class="page-head">
            <h1>"Credentials"</h1>
            <Allowed action=Action::Issue>
                <a class="button" href=move || format!("/organizations/{}/credentials/bulk-issue", org_id.get()) data-testid="bulk-issue-button">"Bulk issue"</a>
            </Allowed>
        </div>
        {loaded(data, move |view| view! { <Credentials view org_id=org_id.get_untracked()/> })}
    }
}

/// The current query string without `drop` (and without the page cursor).
fn query_without(drop: &str) -> String {
    let query = use_query_map();
    let params: Vec<String> = query
        .get_untracked()
        .into_iter()
        .filter(|(k, v)| k != drop && k != "after" && !v.is_empty())
        .map(|(k, v)| format!("{k}={}", urlencode(&v)))
        .collect();
    if params.is_empty() { String::new() } else { format!("?{}", params.join("&")) }
}

#[component]
fn Credentials(view: CredentialsPageView, org_id: String) -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.get_untracked().get(name).filter(|v| !v.is_empty());
    let here = format!("/organizations/{org_id}/credentials");
    let status = param("status");
    let kind = param("type");
    let badge = param("badge");
    let without_job = format!("{here}{}", query_without("job"));
    let totals = (view.issued_total > 0).then(|| {
        view! {
            <p class="muted totals" data-testid="credential-totals">
                <strong>{thousands(view.issued_total)}</strong>" issued · "<strong>{thousands(view.revoked_total)}</strong>" revoked"
            </p>
        }
    });
    view! {
        {totals}
        <form method="get" class="card row filters" role="search">
            <label class="grow"><span>"Recipient or subject"</span>
                <input type="search" name="q" value=param("q").unwrap_or_default() placeholder="Name or e-mail"/>
            </label>
            <label><span>"Status"</span>
                <select name="status">
                    <option value="">"Any"</option>
                    {CredentialStatus::ALL.iter().map(|s| view! {
                        <option value=s.as_str() selected=status.as_deref() == Some(s.as_str())>{s.label()}</option>
                    }).collect_view()}
                </select>
            </label>
            <label><span>"Type"</span>
                <select name="type">
                    <option value="">"Any"</option>
                    {CredentialType::ALL.iter().map(|t| view! {
                        <option value=t.as_str() selected=kind.as_deref() == Some(t.as_str())>{t.label()}</option>
                    }).collect_view()}
                </select>
            </label>
            <label><span>"Badge"</span>
                <select name="badge">
                    <option value="">"Any"</option>
                    {view.badges.into_iter().map(|b| {
                        let selected = badge.as_deref() == Some(b.id.as_str());
                        view! { <option value=b.id selected=selected>{b.name}</option> }
                    }).collect_view()}
                </select>
            </label>
            {view.job_id.clone().map(|job| view! { <input type="hidden" name="job" value=job/> })}
            <button type="submit" class="button secondary">"Filter"</button>
        </form>
        {view.job_id.clone().map(|job| {
            let label = view.job_label.clone().unwrap_or_else(|| job.clone());
            view! {
                <p class="filter-chips">
                    <a class="chip active" href=without_job data-testid="job-chip"
                        title=format!("Only credentials issued by job {job}; click to show all")
                        aria-label=format!("Job {label}: remove this filter")>
                        "Job " {label.clone()} <span aria-hidden="true">" ×"</span>
                    </a>
                </p>
            }
        })}
        <RevokeSelection may_revoke=view.may_revoke matching=view.revoke_matching limit=view.revoke_limit org_id=org_id.clone()/>
        <Table view=view.list here/>
    }
}

/// "Revoke all matching…": once the list is filtered, everything it
/// selects (not only the page shown) can be revoked, by a job, after a
/// confirmation that says how many.
#[component]
fn RevokeSelection(may_revoke: bool, matching: Option<usize>, limit: usize, org_id: String) -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.get_untracked().get(name).filter(|v| !v.is_empty());
    let filtered = ["status", "type", "q", "badge", "job"].iter().any(|k| param(k).is_some());
    if !may_revoke || !filtered {
        return ().into_any();
    }
    let revoke = action::<RevokeMatching>();
    let error = Signal::derive(move || revoke.value().get().and_then(Result::err));
    let kept = query_without("confirm");
    let ask = if kept.is_empty() { "?confirm=revoke".to_owned() } else { format!("{kept}&confirm=revoke") };
    let back = format!("{}{kept}", back_href());
    let dialog = matching.map(|n| {
        let body = match n {
            0 => "No active credential matches: nothing to revoke.".to_owned(),
            n if n > limit => format!(
                "More than {} active credentials match; at most {} are revoked at once. Narrow the filter (by badge, job or search) and revoke each part.",
                thousands(limit as i64), thousands(limit as i64)
            ),
            n => format!(
                "{} active credential{} match{} these filters, on every page of the list. Revoking {} cannot be reversed: verifiers see {} as revoked, and recipients are not e-mailed.",
                thousands(n as i64), if n == 1 { "" } else { "s" }, if n == 1 { "es" } else { "" },
                if n == 1 { "it" } else { "them" }, if n == 1 { "it" } else { "them" }
            ),
        };
        let can = n > 0 && n <= limit;
        let hidden = [("status", "status"), ("credential_type", "type"), ("q", "q"), ("badge_id", "badge"), ("job_id", "job")]
            .map(|(field, key)| view! { <input type="hidden" name=field value=param(key).unwrap_or_default()/> });
        let org_id = org_id.clone();
        let (keep, back) = (back.clone(), back.clone());
        view! {
            <ConfirmDialog title="Revoke every matching credential?">
                <p data-testid="revoke-matching-summary">{body}</p>
                {can.then(|| view! {
                    <ActionForm action=revoke attr:class="stack">
                        <input type="hidden" name="org_id" value=org_id/>
                        {hidden}
                        <label class="field">
                            <span>"Reason (shown as each credential's revocation reason)"</span>
                            <input type="text" name="reason" maxlength="500"/>
                        </label>
                        <div class="row">
                            <button type="submit" class="button danger-fill" data-testid="confirm-revoke-matching">
                                {format!("Revoke {} credential{}", thousands(n as i64), if n == 1 { "" } else { "s" })}
                            </button>
                            <a class="button secondary" href=keep>"Keep them"</a>
                        </div>
                    </ActionForm>
                })}
                {(!can).then(|| view! { <a class="button secondary" href=back>"Back"</a> })}
            </ConfirmDialog>
        }
    });
    view! {
        <p class="inline">
            <a class="button secondary danger small" href=ask data-testid="revoke-matching">"Revoke all matching…"</a>
        </p>
        {dialog}
        <FormError error=error/>
    }
    .into_any()
}

#[component]
fn Table(view: crate::api::types::CredentialsView, here: String) -> impl IntoView {
    let query = use_query_map();
    let next = view.next_cursor.clone().map(|cursor| {
        let mut params: Vec<String> = query
            .get_untracked()
            .into_iter()
            .filter(|(k, _)| k != "after")
            .map(|(k, v)| format!("{k}={}", urlencode(&v)))
            .collect();
        params.push(format!("after={cursor}"));
        format!("?{}", params.join("&"))
    });
    if view.items.is_empty() {
        return view! {
            <section class="card"><p class="muted">"No credentials match. Issued credentials appear here with their status."</p></section>
        }
        .into_any();
    }
    view! {
        <section class="card">
            <table class="table" data-testid="credentials">
                <thead><tr><th>"Recipient / subject"</th><th>"Type"</th><th>"Status"</th><th>"Issued"</th><th>"Expires"</th></tr></thead>
                <tbody>
                    {view.items.into_iter().map(|c| view! {
                        <tr>
                            <td>
                                <div><a href=format!("{here}/{}", c.id) data-testid="credential-link">{c.about}</a></div>
                                <small class="muted">{c.detail}</small>
                            </td>
                            <td>{c.credential_type.label()}</td>
                            <td><span class=format!("pill status-{}", c.status)>{c.status.label()}</span></td>
                            <td>{datetime(c.issued_at)}</td>
                            <td>{c.expires_at.map(datetime).unwrap_or_else(|| "Never".into())}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            {next.map(|href| view! { <p class="pager"><a class="button secondary" href=href>"Older →"</a></p> })}
        </section>
    }
    .into_any()
}
