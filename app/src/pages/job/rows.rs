//! The job page's rows table: every row of the file and what became of
//! it, filtered by state, a page at a time.

use leptos::prelude::*;

use crate::api::jobs::ResendJobEmail;
use crate::api::types::{JobItem, JobRowsView, MailStatus};
use crate::format::thousands;

/// The job's rows and what became of each, a page at a time.
#[component]
pub(super) fn Rows(
    r: JobRowsView,
    here: String,
    org_id: String,
    job_id: String,
    resend: ServerAction<ResendJobEmail>,
) -> impl IntoView {
    let link = {
        let (here, filter) = (here.clone(), r.filter);
        move |after: Option<i64>| {
            let mut params = Vec::new();
            if let Some(f) = &filter {
                params.push(format!("state={f}"));
            }
            if let Some(a) = after {
                params.push(format!("after={a}"));
            }
            if params.is_empty() { here.clone() } else { format!("{here}?{}", params.join("&")) }
        }
    };
    let empty = r.items.is_empty();
    let paged = r.after.is_some() || r.next_after.is_some();
    view! {
        <section class="card" id="job-rows">
            <h2>"Rows"</h2>
            <ul class="legend">
                <li><a href=here.clone() class=if r.filter.is_none() { "chip active" } else { "chip" }>"All"</a></li>
                {r.counts.iter().filter(|c| c.count > 0 || r.filter == Some(c.state)).map(|c| {
                    let active = r.filter == Some(c.state);
                    view! {
                        <li>
                            <a href=format!("{here}?state={}", c.state) class=if active { "chip active" } else { "chip" } data-state=c.state.as_str()>
                                <span class=format!("dot item-{}", c.state)></span>{c.state.label()}" "<strong>{thousands(c.count as i64)}</strong>
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {if empty {
                view! { <p class="muted">"No rows here."</p> }.into_any()
            } else {
                view! {
                    <table class="table" data-testid="job-rows">
                        <thead><tr><th>"Row"</th><th>"Name"</th><th>"E-mail"</th><th>"Result"</th><th>"Details"</th><th>"E-mail to recipient"</th></tr></thead>
                        <tbody>
                            {r.items.into_iter().map(|row| view! { <Row row org_id=org_id.clone() job_id=job_id.clone() resend/> }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            {paged.then(|| view! {
                <p class="pager">
                    {r.after.is_some().then(|| view! { <a class="button secondary small" href=link(None)>"← First rows"</a> })}
                    " "
                    {r.next_after.map(|a| view! { <a class="button secondary small" href=link(Some(a))>"Next rows →"</a> })}
                </p>
            })}
        </section>
    }
}

#[component]
fn Row(row: JobItem, org_id: String, job_id: String, resend: ServerAction<ResendJobEmail>) -> impl IntoView {
    let details = match (&row.credential_id, &row.error_message) {
        (Some(id), _) => view! {
            <a href=format!("/organizations/{org_id}/credentials/{id}") data-testid="credential-link">"View credential"</a>
        }
        .into_any(),
        (None, Some(error)) => view! { <small>{error.clone()}</small> }.into_any(),
        (None, None) => view! { <small class="muted">"—"</small> }.into_any(),
    };
    let resendable = matches!(row.email_status, Some(MailStatus::Failed | MailStatus::Bounced));
    let (message_id, reason) = (row.email_id.clone().unwrap_or_default(), row.email_error.clone().unwrap_or_default());
    let email = match row.email_status {
        Some(status) => view! {
            <span class=format!("pill mail-{status}") title=row.email_error.clone().unwrap_or_default()>{status.label()}</span>
            {resendable.then(|| view! {
                <small class="mail-reason">{reason}</small>
                <ActionForm action=resend attr:class="inline">
                    <input type="hidden" name="org_id" value=org_id.clone()/>
                    <input type="hidden" name="job_id" value=job_id.clone()/>
                    <input type="hidden" name="message_id" value=message_id/>
                    <button type="submit" class="button secondary small" data-testid="resend-email">"Resend"</button>
                </ActionForm>
            })}
        }
        .into_any(),
        None => view! { <small class="muted">"—"</small> }.into_any(),
    };
    view! {
        <tr data-state=row.state.as_str()>
            <td>{row.row()}</td>
            <td>{row.name}</td>
            <td>{row.email}</td>
            <td><span class=format!("pill state-{}", row.state)>{row.state.label()}</span></td>
            <td>{details}</td>
            <td>{email}</td>
        </tr>
    }
}
