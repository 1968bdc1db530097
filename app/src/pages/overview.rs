use leptos::prelude::*;
use leptos_meta::Title;

use super::org_frame::use_org_id;
use crate::api::orgs::get_org_overview;
use crate::api::types::OrgOverview;
use crate::components::chart::Bars;
use crate::components::{QuotaMeter, loaded};
use crate::format::datetime;

/// Plan, approval, this month's quota and recent activity of one org.
#[component]
pub fn OverviewPage() -> impl IntoView {
    let org_id = use_org_id();
    let overview = Resource::new(move || org_id.get(), get_org_overview);
    view! {
        {loaded(overview, move |o| view! { <Overview o/> })}
    }
}

#[component]
fn Overview(o: OrgOverview) -> impl IntoView {
    view! {
        <Title text=o.name.clone()/>
        <h1>{o.name.clone()}</h1>
        <div class="grid">
            <section class="card">
                <h2>"Plan"</h2>
                <p class="big" data-testid="plan">{o.plan.label()}</p>
                <p class="muted">
                    {if o.bulk_issue_allowed {
                        "Bulk issuance from CSV is included."
                    } else {
                        "CSV files can be validated; submitting them needs Professional or Enterprise."
                    }}
                </p>
            </section>
            <section class="card">
                <h2>"Approval"</h2>
                {if o.approved {
                    view! { <p class="big"><span class="pill pill-ok">"Approved"</span></p>
                            <p class="muted">"Signing keys are in place; credentials can be issued."</p> }.into_any()
                } else {
                    view! { <p class="big"><span class="pill pill-wait">"Pending"</span></p>
                            <p class="muted">"Issuing starts once Laurel has approved the organisation."</p> }.into_any()
                }}
            </section>
            <section class="card wide">
                <h2>"Quota"</h2>
                <QuotaMeter used=o.quota_used limit=o.quota_limit quota_month=o.quota_month.clone()/>
            </section>
        </div>
        <section class="card">
            <h2>"Issued per day"</h2>
            <Bars points=o.issued_per_day caption="Credentials issued per day, last 90 days" testid="issued-per-day" key="Day"/>
        </section>
        <section class="card">
            <h2>"Recent activity"</h2>
            {if o.activity.is_empty() {
                view! { <p class="muted">"Nothing yet. Issued credentials, jobs and member changes will show here."</p> }.into_any()
            } else {
                view! {
                    <ul class="activity">
                        {o.activity.into_iter().map(|a| view! {
                            <li>
                                <span>{a.summary}</span>
                                <small class="muted">
                                    {a.actor.map(|e| format!("{e} · ")).unwrap_or_default()}
                                    {datetime(a.at)}
                                </small>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
