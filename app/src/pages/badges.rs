use leptos::prelude::*;
use leptos_meta::Title;

use super::org_frame::{Allowed, use_org_id};
use crate::api::badges::{CreateBadge, SetBadgeArchived, UpdateBadge, get_badges};
use crate::api::types::BadgesView;
use crate::components::error_view::FormError;
use crate::components::form::{Field, FormProblems, InputKind, Typed, action, form_action, reset_on_success};
use model::Action;

const BADGE_FIELDS: &[&str] = &["name", "description", "criteria_narrative", "image_url", "validity_days"];
use crate::components::loaded;

/// The org's badges: what can be issued. Admins and Owners create and
/// archive them.
#[component]
pub fn BadgesPage() -> impl IntoView {
    let org_id = use_org_id();
    let (create, typed) = form_action::<CreateBadge>();
    let archive = action::<SetBadgeArchived>();
    let edit = action::<UpdateBadge>();
    let data = Resource::new(
        move || (org_id.get(), create.version().get(), archive.version().get(), edit.version().get()),
        |(org, ..)| get_badges(org),
    );
    view! {
        <Title text="Badges"/>
        <div class="page-head">
            <h1>"Badges"</h1>
            <Allowed action=Action::Issue>
                <a class="button" href=move || format!("/organizations/{}/credentials/bulk-issue", org_id.get()) data-testid="bulk-issue-button">"Bulk issue"</a>
            </Allowed>
        </div>
        <Allowed action=Action::ManageBadges>
            <NewBadge org_id=org_id.get_untracked() create typed=typed.clone()/>
        </Allowed>
        {loaded(data, move |v| view! { <Badges v org_id=org_id.get_untracked() archive edit/> })}
    }
}

#[component]
fn Badges(
    v: BadgesView,
    org_id: String,
    archive: ServerAction<SetBadgeArchived>,
    edit: ServerAction<UpdateBadge>,
) -> impl IntoView {
    let edit_error = Signal::derive(move || edit.value().get().and_then(Result::err));
    let can_manage = v.can_manage;
    let refusal = v.image_refusal.clone();
    let archive_org = org_id.clone();
    view! {
        <section class="card">
            <FormError error=edit_error/>
            {if v.badges.is_empty() {
                view! { <p class="muted">"No badges yet. A badge is what you issue: create one to start."</p> }.into_any()
            } else {
                view! {
                    <table class="table" data-testid="badges">
                        <thead><tr><th>"Badge"</th><th>"Validity"</th><th>"State"</th><th></th></tr></thead>
                        <tbody>
                            {v.badges.into_iter().map(|b| {
                                let org = archive_org.clone();
                                let (edit_org, edit_id) = (org.clone(), b.id.clone());
                                let image_action = format!("/organizations/{org}/badges/{}/image", b.id);
                                let refused = refusal.as_ref().filter(|(id, _)| *id == b.id).map(|(_, why)| why.clone());
                                let open_edit = refused.is_some();
                                let (row_id, error_id) = (format!("badge-{}", b.id), format!("image-error-{}", b.id));
                                let error_ref = refused.is_some().then(|| error_id.clone());
                                view! {
                                    <tr class=b.archived.then_some("revoked") id=row_id>
                                        <td class="badge-cell">
                                            <img class="badge-thumb" src=b.image_src() alt="" width="40" height="40" loading="lazy"/>
                                            <div><div>{b.name.clone()}</div><small class="muted">{b.description.clone()}</small></div>
                                        </td>
                                        <td>{b.validity_days.map(|d| format!("{d} days")).unwrap_or_else(|| "Never expires".into())}</td>
                                        <td>{if b.archived { "Archived" } else { "Active" }}</td>
                                        <td class="actions">
                                            {can_manage.then(|| view! {
                                                <details class="edit" open=open_edit>
                                                    <summary class="button link">"Edit"</summary>
                                                    // A plain multipart post: a file cannot ride in the
                                                    // server function's form.
                                                    <form method="post" action=image_action enctype="multipart/form-data" class="stack image-form">
                                                        <label><span>"Image (PNG or SVG, up to 1 MB)"</span>
                                                            <input type="file" name="image" accept="image/png,image/svg+xml" required
                                                                aria-invalid=refused.is_some().then_some("true")
                                                                aria-describedby=error_ref/></label>
                                                        {refused.clone().map(|why| view! {
                                                            <p class="field-error" role="alert" id=error_id.clone() data-testid="image-error">{why}</p>
                                                        })}
                                                        <div><button type="submit" class="button small secondary">"Upload image"</button></div>
                                                    </form>
                                                    <ActionForm action=edit attr:class="stack">
                                                        <input type="hidden" name="org_id" value=edit_org/>
                                                        <input type="hidden" name="badge_id" value=edit_id/>
                                                        <label><span>"Name"</span><input name="name" required value=b.name.clone()/></label>
                                                        <label><span>"Description"</span><input name="description" value=b.description.clone()/></label>
                                                        <label><span>"Criteria"</span><input name="criteria_narrative" value=b.criteria_narrative.clone()/></label>
                                                        <label><span>"Image URL (or upload above)"</span><input type="url" name="image_url" value=b.image_url.clone().unwrap_or_default()/></label>
                                                        <label><span>"Valid for (days)"</span><input type="number" name="validity_days" min="1" value=b.validity_days.map(|d| d.to_string()).unwrap_or_default() placeholder="Never expires"/></label>
                                                        <div><button type="submit" class="button small">"Save"</button></div>
                                                    </ActionForm>
                                                </details>
                                                <ActionForm action=archive>
                                                    <input type="hidden" name="org_id" value=org/>
                                                    <input type="hidden" name="badge_id" value=b.id.clone()/>
                                                    <input type="hidden" name="archived" value=(!b.archived).to_string()/>
                                                    <button type="submit" class="button link">{if b.archived { "Restore" } else { "Archive" }}</button>
                                                </ActionForm>
                                            })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

/// The new-badge form. It stands outside the list's data, so reloading the
/// list after an attempt never rebuilds it and loses what was typed.
#[component]
fn NewBadge(org_id: String, create: ServerAction<CreateBadge>, typed: Typed) -> impl IntoView {
    let create_error = Signal::derive(move || create.value().get().and_then(Result::err));
    let form = NodeRef::<leptos::html::Form>::new();
    reset_on_success(create, form);
    view! {
        <section class="card">
            <h2>"New badge"</h2>
            // Checked on the server only, so every message is ours and
            // stands beside its field, with or without JavaScript.
            <ActionForm action=create node_ref=form attr:class="stack" attr:id="badge-form" attr:novalidate=true>
                <input type="hidden" name="org_id" value=org_id/>
                <Field form="badge-form" label="Name" name="name" error=create_error value=typed.or("name", "")
                    input=InputKind::text().maxlength(200)/>
                <Field form="badge-form" label="Description" name="description" error=create_error value=typed.or("description", "")/>
                <Field form="badge-form" label="Criteria" name="criteria_narrative" error=create_error value=typed.or("criteria_narrative", "")
                    input=InputKind::text().placeholder("What the recipient did to earn it")/>
                <div class="row">
                    <Field form="badge-form" label="Image URL" name="image_url" error=create_error value=typed.or("image_url", "")
                        input=InputKind::url().placeholder("https://… (optional)") class="grow"/>
                    <Field form="badge-form" label="Validity" name="validity_days" error=create_error value=typed.or("validity_days", "")
                        input=InputKind::number(1, 36500).placeholder("Days; empty: never expires")/>
                </div>
                <div><button type="submit" class="button">"Create badge"</button></div>
            </ActionForm>
            <FormProblems error=create_error fields=BADGE_FIELDS/>
        </section>
    }
}
