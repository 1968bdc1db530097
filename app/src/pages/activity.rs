use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use model::AuditAction;

use super::org_frame::use_org_id;
use crate::api::activity::get_activity_page;
use crate::api::types::ActivityPageView;
use crate::components::loaded;
use crate::format::datetime;

/// The audit log: who did what, to what, when, filtered by action, target
/// and date (a plain GET form, so the filters are in the address and work
/// without JavaScript), newest first, a page at a time.
#[component]
pub fn ActivityPage() -> impl IntoView {
    let org_id = use_org_id();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            (org_id.get(), q.get("action"), q.get("target"), q.get("since"), q.get("before"))
        },
        |(org, action, target, since, before)| get_activity_page(org, action, target, since, before),
    );
    view! {
        <Title text="Activity"/>
        <h1>"Activity"</h1>
        {loaded(data, move |v| view! { <Log v org_id=org_id.get_untracked()/> })}
    }
}

#[component]
fn Log(v: ActivityPageView, org_id: String) -> impl IntoView {
    let here = format!("/organizations/{org_id}/activity");
    let next = v.next_cursor.clone().map(|cursor| {
        let mut q = vec![format!("before={cursor}")];
        if let Some(a) = v.action {
            q.push(format!("action={a}"));
        }
        if let Some(t) = &v.target {
            q.push(format!("target={}", crate::format::urlencode(t)));
        }
        if let Some(s) = &v.since {
            q.push(format!("since={s}"));
        }
        format!("{here}?{}", q.join("&"))
    });
    view! {
        <section class="card">
            <form method="get" action=here.clone() class="row filters" data-testid="activity-filters">
                <label><span>"Action"</span>
                    <select name="action">
                        <option value="">"All actions"</option>
                        {AuditAction::ALL.iter().map(|a| view! {
                            <option value=a.as_str() selected=v.action == Some(*a)>{a.as_str()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="grow"><span>"Target"</span>
                    <input name="target" value=v.target.clone().unwrap_or_default() placeholder="A job, credential, badge, member or key id"/>
                </label>
                <label><span>"Since"</span><input type="date" name="since" value=v.since.clone().unwrap_or_default()/></label>
                <button type="submit" class="button secondary">"Filter"</button>
                <a class="button link" href=here.clone()>"Clear"</a>
            </form>
        </section>
        <section class="card">
            {if v.events.is_empty() {
                view! { <p class="muted" data-testid="no-events">"Nothing matches these filters."</p> }.into_any()
            } else {
                view! {
                    <table class="table" data-testid="events">
                        <thead><tr><th>"When"</th><th>"Action"</th><th>"Who"</th><th>"What"</th></tr></thead>
                        <tbody>
                            {v.events.into_iter().map(|e| {
                                let target_href = e.target.clone().map(|t| format!("{here}?target={}", crate::format::urlencode(&t)));
                                view! {
                                    <tr data-action=e.action.as_str()>
                                        <td><small>{datetime(e.at)}</small></td>
                                        <td><code>{e.action.as_str()}</code></td>
                                        <td>{e.actor}</td>
                                        <td>
                                            {e.summary}
                                            {target_href.map(|h| view! { <br/><a href=h><small><code>{e.target.clone().unwrap_or_default()}</code></small></a> })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            {next.map(|href| view! { <p class="pager"><a class="button secondary small" href=href>"Older →"</a></p> })}
        </section>
    }
}
