use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::api::auth::home_target;
use crate::components::ErrorView;

/// `/` has no page of its own: it sends people to their first organisation,
/// or to sign in.
#[component]
pub fn HomePage() -> impl IntoView {
    let target = Resource::new(|| (), |_| home_target());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match target.await {
                    Ok(path) => view! { <Redirect path=path/> }.into_any(),
                    Err(error) => view! { <main class="narrow"><ErrorView error/></main> }.into_any(),
                }
            })}
        </Suspense>
    }
}
