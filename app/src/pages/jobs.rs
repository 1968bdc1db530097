use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::org_frame::{Allowed, use_org_id};
use crate::api::jobs::list_jobs;
use crate::api::types::{JobSource, JobSummary, JobsView};
use crate::components::loaded;
use crate::format::{datetime, thousands};
use crate::format::{duration, pct};
use model::Action;

/// Every bulk job of the org, newest first: what it issued, who submitted
/// it, how it went and how long it took.
#[component]
pub fn JobsPage() -> impl IntoView {
    let org_id = use_org_id();
    let query = use_query_map();
    let data = Resource::new(
        move || (org_id.get(), query.read().get("before").filter(|b| !b.is_empty())),
        |(org, before)| list_jobs(org, before),
    );
    view! {
        <Title text="Bulk jobs"/>
        <div class="page-head">
            <h1>"Bulk jobs"</h1>
            <Allowed action=Action::Issue>
                <a class="button" href=move || format!("/organizations/{}/credentials/bulk-issue", org_id.get()) data-testid="bulk-issue-button">"Bulk issue"</a>
            </Allowed>
        </div>
        {loaded(data, move |view| view! { <History view org_id=org_id.get_untracked()/> })}
    }
}

#[component]
fn History(view: JobsView, org_id: String) -> impl IntoView {
    let query = use_query_map();
    let paged = query.with_untracked(|q| q.get("before").is_some_and(|b| !b.is_empty()));
    let base = format!("/organizations/{org_id}/jobs");
    if view.jobs.is_empty() && !paged {
        return view! {
            <section class="card">
                <p class="muted" data-testid="no-jobs">
                    "No bulk jobs yet. Upload a CSV on the "
                    <a href=format!("/organizations/{org_id}/credentials/bulk-issue")>"Bulk issue"</a>
                    " page and submit it; its job appears here."
                </p>
            </section>
        }
        .into_any();
    }
    view! {
        <section class="card">
            <table class="table jobs-table" data-testid="jobs">
                <thead><tr><th>"Badge"</th><th>"Submitted by"</th><th>"Status"</th><th>"Rows"</th><th>"Started"</th><th>"Duration"</th></tr></thead>
                <tbody>
                    {view.jobs.into_iter().map(|job| view! { <JobRow job base=base.clone()/> }).collect_view()}
                </tbody>
            </table>
            {(paged || view.next_cursor.is_some()).then(|| view! {
                <p class="pager">
                    {paged.then(|| view! { <a class="button secondary small" href=base.clone()>"← Newest"</a> })}
                    " "
                    {view.next_cursor.map(|c| view! { <a class="button secondary small" href=format!("{base}?before={c}")>"Older →"</a> })}
                </p>
            })}
        </section>
    }
    .into_any()
}

#[component]
fn JobRow(job: JobSummary, base: String) -> impl IntoView {
    let href = format!("{base}/{}", job.id);
    let seg = |class: &'static str, n: i64, total: i64| {
        (n > 0)
            .then(|| view! { <span class=format!("seg {class}") style=format!("width: {:.2}%", pct(n, total))></span> })
    };
    let figures = {
        let mut parts = vec![format!("{} issued", thousands(job.succeeded))];
        if job.failed > 0 {
            parts.push(format!("{} failed", thousands(job.failed)));
        }
        if job.skipped > 0 {
            parts.push(format!("{} skipped", thousands(job.skipped)));
        }
        if job.cancelled > 0 {
            parts.push(format!("{} cancelled", thousands(job.cancelled)));
        }
        format!("{} of {}", parts.join(" · "), thousands(job.total))
    };
    let who = match (job.submitted_by.clone(), job.source) {
        (Some(who), JobSource::Api | JobSource::ApiBatch) => format!("{who} ({})", job.source.label()),
        (Some(who), _) => who,
        (None, JobSource::Api | JobSource::ApiBatch) => job.source.label().to_owned(),
        (None, _) => "—".to_owned(),
    };
    view! {
        <tr data-job=job.id.clone() data-job-status=job.status.as_str()>
            <td>
                <a href=href>{job.badge_name.clone()}</a>
                {job.filename.clone().map(|f| view! { <div><small class="muted">{f}</small></div> })}
            </td>
            <td>{who}</td>
            <td><span class=format!("pill job-{}", job.status)>{job.status.label()}</span></td>
            <td class="jobs-progress">
                <div class="dist mini" role="img" aria-label=figures.clone()>
                    {seg("item-succeeded", job.succeeded, job.total)}
                    {seg("item-failed", job.failed, job.total)}
                    {seg("item-skipped", job.skipped, job.total)}
                    {seg("item-cancelled", job.cancelled, job.total)}
                </div>
                <small class="muted">{figures}</small>
            </td>
            <td>{job.started_at.map(datetime).unwrap_or_else(|| "Not yet".into())}</td>
            <td>{job.duration.map(duration).unwrap_or_else(|| "—".into())}</td>
        </tr>
    }
}
