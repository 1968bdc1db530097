use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::org_frame::use_org_id;
use crate::api::bulk::{MapColumns, get_bulk_page};
use crate::api::types::{BulkPageView, FileProblemView};
use crate::components::form::{FormProblems, form_action};
use crate::components::loaded;

/// Step one of bulk issuance: pick the badge and the CSV. The form posts
/// the file to the server, which keeps it as a draft and opens its review,
/// so this works with or without JavaScript. A file that cannot be
/// reviewed comes back here: every file-level problem is said in one place,
/// with the file's name and the badge still chosen, and when only the
/// columns are unclear, the person says which is which.
#[component]
pub fn BulkIssuePage() -> impl IntoView {
    let org_id = use_org_id();
    let query = use_query_map();
    let (map, _) = form_action::<MapColumns>();
    let data = Resource::new(
        move || {
            let q = query.read();
            (org_id.get(), q.get("upload"), q.get("refused"), q.get("badge"), q.get("file"))
        },
        |(org, upload, refused, badge, file)| get_bulk_page(org, upload, refused, badge, file),
    );
    view! {
        <Title text="Bulk issue"/>
        <h1>"Bulk issue"</h1>
        {loaded(data, move |v| view! { <UploadForm v org_id=org_id.get_untracked() map/> })}
    }
}

#[component]
fn UploadForm(v: BulkPageView, org_id: String, map: ServerAction<MapColumns>) -> impl IntoView {
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
    let chosen = v.badge_id.clone();
    let named_in_file = chosen.as_deref() == Some(model::review::BADGE_NAMED_IN_FILE);
    view! {
        {v.problem.map(|p| view! { <Problem p org_id=org_id.clone() map/> })}
        <section class="card">
            <form method="post" enctype="multipart/form-data" action=format!("{base}/uploads") class="stack" id="upload-form">
                <label><span>"Badge"</span>
                    <select name="badge_id" required>
                        {v.badges.into_iter().map(|b| {
                            let selected = chosen.as_deref() == Some(b.id.as_str());
                            view! {
                                <option value=b.id selected=selected>{b.name}{b.validity_days.map(|d| format!(" · valid {d} days")).unwrap_or_else(|| " · never expires".into())}</option>
                            }
                        }).collect_view()}
                        <option value=model::review::BADGE_NAMED_IN_FILE selected=named_in_file>
                            "Named on each row (a badge column)"
                        </option>
                    </select>
                </label>
                <label class="dropzone"><span>"Recipients CSV"</span>
                    <input type="file" name="file" accept=".csv,.tsv,.txt,text/csv,text/tab-separated-values,text/plain" required/>
                    <small class="muted">"Drop the file here or choose it: CSV (comma, semicolon or tab separated), UTF-8, up to 1 MB, with a header row naming the name and e-mail columns and one recipient per row. "
                        <a href=format!("{base}/template.csv") download="recipients-template.csv">"Download the template"</a>", or "
                        <a href=format!("{base}/sample.csv") download="recipients.csv" data-testid="sample-file">"a sample file"</a>
                        " whose rows show every review status on the demo organisations."</small>
                </label>
                <div><button type="submit" class="button">"Validate"</button></div>
            </form>
            <p class="muted">"Validating shows how every row will be treated before anything is issued."
                {(!v.plan_allows_submit).then(|| view! {
                    {format!(" On the {} plan, files can be validated but not submitted. ", v.plan.label())}
                    <a href=format!("/organizations/{org_id}/plan")>"See the plans"</a>"."
                })}</p>
        </section>
    }
    .into_any()
}

/// Why the last file could not be used, naming it and its badge; for a
/// header whose columns are unclear, the choice of columns.
#[component]
fn Problem(p: FileProblemView, org_id: String, map: ServerAction<MapColumns>) -> impl IntoView {
    let error = Signal::derive(move || map.value().get().and_then(Result::err));
    let about = match (&p.filename, &p.badge_name) {
        (Some(f), Some(b)) => format!("{f} · for “{b}”"),
        (Some(f), None) => f.clone(),
        (None, Some(b)) => format!("for “{b}”"),
        (None, None) => String::new(),
    };
    let mapping = (!p.columns.is_empty()).then_some(p.upload_id.clone()).flatten().map(|upload_id| {
        let columns = p.columns.clone();
        let options = move |guess: Option<String>| {
            columns
                .iter()
                .map(|c| view! { <option value=c.clone() selected=guess.as_deref() == Some(c.as_str())>{c.clone()}</option> })
                .collect_view()
        };
        view! {
            <ActionForm action=map attr:class="stack" attr:id="columns-form">
                <input type="hidden" name="org_id" value=org_id/>
                <input type="hidden" name="upload_id" value=upload_id/>
                <div class="row">
                    <label><span>"Which column is the name?"</span>
                        <select name="name_column" id="columns-form-name_column" data-testid="name-column">{options(p.guess_name.clone())}</select>
                    </label>
                    <label><span>"Which column is the e-mail?"</span>
                        <select name="email_column" id="columns-form-email_column" data-testid="email-column">{options(p.guess_email.clone())}</select>
                    </label>
                </div>
                <p class="muted">"Laurel remembers your choice for this organisation's next files with these headers."</p>
                <div><button type="submit" class="button" data-testid="use-columns">"Use these columns"</button></div>
            </ActionForm>
            <FormProblems error fields=&[]/>
        }
    });
    let title =
        if mapping.is_some() { "Which columns are the name and the e-mail?" } else { "This file cannot be used" };
    view! {
        <section class="notice notice-error" role="alert" data-testid="file-problem" data-code=p.code.clone()>
            <h2>{title}</h2>
            {(!about.is_empty()).then(|| view! { <p class="muted" data-testid="file-problem-about">{about}</p> })}
            <p data-testid="file-error">{p.message}</p>
            {mapping}
            {(p.columns.is_empty()).then(|| view! { <p>"Choose a corrected file below."</p> })}
        </section>
    }
}
