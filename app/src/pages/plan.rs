use leptos::prelude::*;
use leptos_meta::Title;

use super::org_frame::use_org_id;
use crate::api::plan::{RequestUpgrade, get_plan_page};
use crate::api::types::{Plan, PlanPageView};
use crate::components::form::{FormProblems, form_action};
use crate::components::{QuotaMeter, loaded};
use crate::format::{datetime, thousands};

/// The three plans side by side, the org's own marked, what a bigger one
/// gives, and how to get it: Owners ask here (an audit event the operator
/// acts on), everyone else sees who the Owners are.
#[component]
pub fn PlanPage() -> impl IntoView {
    let org_id = use_org_id();
    let (request, _) = form_action::<RequestUpgrade>();
    let data = Resource::new(move || (org_id.get(), request.version().get()), |(org, _)| get_plan_page(org));
    view! {
        <Title text="Plans"/>
        <h1>"Plans"</h1>
        {loaded(data, move |v| view! { <Plans v org_id=org_id.get_untracked() request/> })}
    }
}

/// What each plan gives, in the words the comparison needs.
fn features(plan: Plan) -> [String; 4] {
    let bulk =
        if plan.allows_bulk_issue() { "Bulk issue from CSV files" } else { "Validate CSV files (no bulk issue)" };
    let pace = match plan {
        Plan::Free => "Bulk jobs at 10 credentials a second",
        Plan::Professional => "Bulk jobs at 100 credentials a second",
        Plan::Enterprise => "Bulk jobs as fast as the server signs",
    };
    [
        format!("{} unique recipients a month", thousands(plan.default_monthly_quota())),
        bulk.to_owned(),
        pace.to_owned(),
        "REST API, verification, Open Badges 3.0".to_owned(),
    ]
}

#[component]
fn Plans(v: PlanPageView, org_id: String, request: ServerAction<RequestUpgrade>) -> impl IntoView {
    let error = Signal::derive(move || request.value().get().and_then(Result::err));
    let current = v.plan;
    view! {
        <section class="card">
            <QuotaMeter used=v.quota_used limit=v.quota_limit quota_month=v.quota_month.clone()/>
        </section>
        <div class="plans" data-testid="plans">
            {Plan::ALL.iter().map(|&plan| {
                let is_current = plan == current;
                view! {
                    <section class=if is_current { "card plan current" } else { "card plan" } data-plan=plan.as_str()>
                        <h2>{plan.label()}{is_current.then(|| view! { " " <span class="pill">"Your plan"</span> })}</h2>
                        <ul>{features(plan).into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}</ul>
                    </section>
                }
            }).collect_view()}
        </div>
        <section class="card">
            <h2>"Changing plan"</h2>
            {v.last_request.map(|r| view! {
                <p class="notice" role="note" data-testid="last-request">
                    {format!("{} ({}{}).", r.summary, datetime(r.at), r.by.map(|b| format!(", by {b}")).unwrap_or_default())}
                </p>
            })}
            {if v.can_request && current != Plan::Enterprise {
                let bigger: Vec<Plan> = Plan::ALL.iter().copied().filter(|p| *p > current).collect();
                view! {
                    <p>"Plans are changed by the people who run this Laurel server. Ask for a bigger plan here: they see the request in the organisation's activity and contact you by e-mail."</p>
                    <ActionForm action=request attr:class="stack" attr:id="upgrade-form">
                        <input type="hidden" name="org_id" value=org_id/>
                        <label><span>"Plan"</span>
                            <select name="plan">
                                {bigger.into_iter().map(|p| view! { <option value=p.as_str()>{p.label()}</option> }).collect_view()}
                            </select>
                        </label>
                        <label><span>"Note (optional)"</span>
                            <input name="note" maxlength="1000" placeholder="e.g. about 2,000 recipients a month from March"/>
                        </label>
                        <div><button type="submit" class="button" data-testid="request-upgrade">"Request upgrade"</button></div>
                    </ActionForm>
                    <FormProblems error fields=&[]/>
                }.into_any()
            } else if current == Plan::Enterprise {
                view! { <p>"This organisation is on the largest plan. For a higher quota, ask the people who run this Laurel server."</p> }.into_any()
            } else {
                view! {
                    <p>"Only an Owner can ask for a bigger plan. This organisation's Owners:"</p>
                    <ul data-testid="owners">{v.owners.into_iter().map(|o| view! { <li>{o}</li> }).collect_view()}</ul>
                }.into_any()
            }}
        </section>
    }
}
