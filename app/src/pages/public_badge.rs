use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::badges::get_public_badge;
use crate::api::types::PublicBadgeView;
use crate::components::public_page;

/// A badge's public page: what every credential of the badge names as its
/// achievement. The same address answers JSON (the Open Badges 3.0
/// `Achievement`) to clients that ask for it.
#[component]
pub fn PublicBadgePage() -> impl IntoView {
    let params = use_params_map();
    let badge_id = move || params.read().get("badge_id").unwrap_or_default();
    let data = Resource::new(badge_id, get_public_badge);
    public_page("Badge", "Badge", data, |b| view! { <Badge b/> })
}

#[component]
fn Badge(b: PublicBadgeView) -> impl IntoView {
    view! {
        <section class="card">
            <p class="muted">"Badge"</p>
            <img class="badge-image" src=crate::format::badge_image_src(&b.id, b.image_url.as_deref()) alt=format!("{} badge", b.name) width="128" height="128"/>
            <h1 data-testid="title">{b.name.clone()}</h1>
            <p>{b.description.clone()}</p>
            <h2>"Criteria"</h2>
            <p>{b.criteria.clone()}</p>
            <dl class="facts">
                <dt>"Awarded by"</dt>
                <dd>{b.issuer_name.clone()}<br/><small class="muted"><code class="wrap">{b.issuer_did.clone()}</code></small></dd>
                <dt>"Valid for"</dt>
                <dd>{match b.validity_days {
                    Some(days) => format!("{days} days from award"),
                    None => "Does not expire".to_owned(),
                }}</dd>
            </dl>
            {b.archived.then(|| view! {
                <p class="notice">"This badge is no longer awarded. Credentials already issued keep their validity."</p>
            })}
        </section>
    }
}
