use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::org_frame::use_org_id;
use crate::api::bulk::get_bulk_page;
use crate::api::types::BulkPageView;
use crate::components::loaded;

/// Step one of bulk issuance: pick the badge and the CSV. The form posts
/// the file to the server, which keeps it as a draft and opens its review,
/// so this works with or without JavaScript.
#[component]
pub fn BulkIssuePage() -> impl IntoView {
    let org_id = use_org_id();
    let query = use_query_map();
    let data = Resource::new(move || org_id.get(), get_bulk_page);
    view! {
        <Title text="Bulk issue"/>
        <h1>"Bulk issue"</h1>
        {move || query.read().get("error").map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        {loaded(data, move |v| view! { <UploadForm v org_id=org_id.get_untracked()/> })}
    }
}

#[component]
fn UploadForm(v: BulkPageView, org_id: String) -> impl IntoView {
    let base = format!("/organizations/{org_id}/credentials/bulk-issue");
    if v.badges.is_empty() {
        return view! {
            <section class="card">
                <p>"There is no active badge to issue yet."</p>
                <p><a class="button" href=format!("/organizations/{org_id}/badges")>"Create a badge"</a></p>
            </section>
        }
        .into_any();
    }
    view! {
        <section class="card">
            <form method="post" enctype="multipart/form-data" action=format!("{base}/uploads") class="stack" id="upload-form">
                <label><span>"Badge"</span>
                    <select name="badge_id" required>
                        {v.badges.into_iter().map(|b| view! {
                            <option value=b.id>{b.name}{b.validity_days.map(|d| format!(" · valid {d} days")).unwrap_or_else(|| " · never expires".into())}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="dropzone"><span>"Recipients CSV"</span>
                    <input type="file" name="file" accept=".csv,text/csv" required/>
                    <small class="muted">"Drop the file here or choose it. A header row with name and email, one recipient per row, UTF-8, up to 1 MB. "
                        <a href=format!("{base}/template.csv") download="recipients-template.csv">"Download the template"</a>"."</small>
                </label>
                <div><button type="submit" class="button">"Validate"</button></div>
            </form>
            <p class="muted">"Validating shows how every row will be treated before anything is issued."
                {(!v.plan_allows_submit).then(|| format!(" On the {} plan, files can be validated but not submitted.", v.plan))}</p>
        </section>
    }
    .into_any()
}
