use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::org_frame::use_org_id;
use crate::api::credentials::list_credentials;
use crate::api::types::CredentialsView;
use crate::components::loaded;
use crate::format::{datetime, urlencode};

const TYPES: [(&str, &str); 5] = [
    ("badge", "Badge"),
    ("business", "Business"),
    ("user", "User"),
    ("agent_authorization", "Agent authorization"),
    ("outcome_attestation", "Outcome attestation"),
];

/// Every credential the org has issued, newest first, filterable by status,
/// type and recipient. The filters are a plain GET form, so a filtered list
/// has an address that can be shared or bookmarked.
#[component]
pub fn CredentialsPage() -> impl IntoView {
    let org_id = use_org_id();
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).filter(|v| !v.is_empty());
    let data = Resource::new(
        move || (org_id.get(), param("status"), param("type"), param("q"), param("after")),
        |(org, status, kind, q, after)| list_credentials(org, status, kind, q, after),
    );
    view! {
        <Title text="Credentials"/>
        <div class="page-head">
            <h1>"Credentials"</h1>
            <a class="button" href=move || format!("/organizations/{}/credentials/bulk-issue", org_id.get())>"Bulk issue"</a>
        </div>
        <form method="get" class="card row filters" role="search">
            <label class="grow"><span>"Recipient or subject"</span>
                <input type="search" name="q" value=move || param("q").unwrap_or_default() placeholder="Name or e-mail"/>
            </label>
            <label><span>"Status"</span>
                <select name="status">
                    <option value="">"Any"</option>
                    {["active", "revoked", "expired"].map(|s| view! {
                        <option value=s selected=move || param("status").as_deref() == Some(s)>{capitalize(s)}</option>
                    })}
                </select>
            </label>
            <label><span>"Type"</span>
                <select name="type">
                    <option value="">"Any"</option>
                    {TYPES.map(|(value, label)| view! {
                        <option value=value selected=move || param("type").as_deref() == Some(value)>{label}</option>
                    })}
                </select>
            </label>
            <button type="submit" class="button secondary">"Filter"</button>
        </form>
        {loaded(data, move |view| view! { <Table view/> })}
    }
}

#[component]
fn Table(view: CredentialsView) -> impl IntoView {
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
                            <td><div>{c.about}</div><small class="muted">{c.detail}</small></td>
                            <td>{type_label(&c.credential_type)}</td>
                            <td><span class=format!("pill status-{}", c.status)>{capitalize(&c.status)}</span></td>
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

fn type_label(t: &str) -> &'static str {
    TYPES.iter().find(|(v, _)| *v == t).map(|(_, l)| *l).unwrap_or("Other")
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}
